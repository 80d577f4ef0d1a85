package translog

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/assoc-ledger/blacklist/chaincode/state"
)

func ck(t testing.TB, obj string, attrs ...string) string {
	t.Helper()
	k, err := state.CompositeKey(obj, attrs...)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func attValue(t testing.TB, typ, def, jws string) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]string{"subject": strings.Repeat("a", 64), "type": typ, "default": def, "jws": jws})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var embeddedPos = Position{Mode: ModeEmbedded, Height: 7, TxID: "tx-7"}
var fabricPos = Position{Mode: ModeFabric, Block: 12, TxIndex: 3, TxID: "abc", Validation: ValidationValid}

func TestNewLeafRefusesBadPositions(t *testing.T) {
	key, val := ck(t, "att", "id1"), attValue(t, KindDefault, "id1", "h.p.s")
	for name, pos := range map[string]Position{
		"fabric invalid tx":     {Mode: ModeFabric, Block: 1, TxID: "x", Validation: "MVCC_READ_CONFLICT"},
		"fabric no validation":  {Mode: ModeFabric, Block: 1, TxID: "x"},
		"fabric with height":    {Mode: ModeFabric, Height: 2, Block: 1, TxID: "x", Validation: ValidationValid},
		"embedded no height":    {Mode: ModeEmbedded, TxID: "x"},
		"embedded with block":   {Mode: ModeEmbedded, Height: 1, Block: 1, TxID: "x"},
		"embedded with txIndex": {Mode: ModeEmbedded, Height: 1, TxIndex: 1, TxID: "x"},
		"embedded validation":   {Mode: ModeEmbedded, Height: 1, TxID: "x", Validation: "VALID"},
		"no tx id":              {Mode: ModeEmbedded, Height: 1},
		"unknown mode":          {Mode: "other", Height: 1, TxID: "x"},
	} {
		if _, _, err := NewLeaf(pos, key, val); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestNewLeafRefusesRecordsThatDoNotSayWhatTheirKeyPromises(t *testing.T) {
	for name, c := range map[string]struct {
		key string
		val []byte
	}{
		"att not json":        {ck(t, "att", "id1"), []byte("{")},
		"att unknown type":    {ck(t, "att", "id1"), attValue(t, "loan", "id1", "h.p.s")},
		"att without jws":     {ck(t, "att", "id1"), attValue(t, KindDefault, "id1", "")},
		"att without default": {ck(t, "att", "id1"), attValue(t, KindSettlement, "", "h.p.s")},
		"dispute without att": {ck(t, "subj", "s", "p", "d1"), []byte(`{"id":"d1","state":"open"}`)},
	} {
		if _, _, err := NewLeaf(embeddedPos, c.key, c.val); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestNewLeafSkipsIndexesBookkeepingAndDeletes(t *testing.T) {
	for _, key := range []string{
		ck(t, "subj", "s", "d", "id1"), ck(t, "subj", "s", "c", "id1"), ck(t, "loan", "Org1MSP", "L1"),
		ck(t, "closed", "2026-01-01T00:00:00Z", "s", "id1"), ck(t, "dispute", "d1"), ck(t, "config", "subject-key-check"),
		ck(t, "nodekey", "Org1MSP"), ck(t, "sealed", "Org1MSP"), ck(t, "budgetexceeded", "Org1MSP", "lookup", "2026-01-01"),
		ck(t, "auditanchor", "Org1MSP", "log", "1"), "plain-key",
	} {
		l, ok, err := NewLeaf(embeddedPos, key, []byte(`{}`))
		if err != nil || ok {
			t.Errorf("%s: logged=%v err=%v (%+v)", ReadableKey(key), ok, err, l)
		}
	}
	if _, ok, err := NewLeaf(embeddedPos, ck(t, "member", "Org1MSP"), nil); ok || err != nil {
		t.Errorf("a delete was logged: %v %v", ok, err)
	}
}

func TestNewLeafKindsAndChains(t *testing.T) {
	for _, c := range []struct {
		key, kind, chain string
		val              []byte
	}{
		{ck(t, "att", "d1"), KindDefault, "attestation/d1", attValue(t, KindDefault, "d1", "h.p.s")},
		{ck(t, "att", "s1"), KindSettlement, "attestation/d1", attValue(t, KindSettlement, "d1", "h.p.s")},
		{ck(t, "att", "r1"), KindRevocation, "attestation/d1", attValue(t, KindRevocation, "d1", "h.p.s")},
		{ck(t, "subj", "s", "p", "x1"), KindDisputeOpened, "attestation/d1", []byte(`{"id":"x1","attestationId":"d1","state":"open"}`)},
		{ck(t, "subj", "s", "p", "x1"), KindDisputeOutcome, "attestation/d1", []byte(`{"id":"x1","attestationId":"d1","state":"upheld"}`)},
		{ck(t, "member", "Org1MSP"), KindMember, "member/Org1MSP", []byte(`{"mspId":"Org1MSP"}`)},
		{ck(t, "config", "association"), KindAssociation, "config/association", []byte(`{}`)},
		{ck(t, "config", "policy"), KindPolicy, "config/policy", []byte(`{}`)},
		{ck(t, LogKeyObjectType, "Org1MSP", "k1"), KindLogKey, "logkey/Org1MSP", []byte(`{}`)},
	} {
		l, ok, err := NewLeaf(fabricPos, c.key, c.val)
		if err != nil || !ok {
			t.Fatalf("%s: logged=%v err=%v", ReadableKey(c.key), ok, err)
		}
		if l.Kind != c.kind || l.Chain() != c.chain {
			t.Errorf("%s: kind %q chain %q, want %q %q", ReadableKey(c.key), l.Kind, l.Chain(), c.kind, c.chain)
		}
	}
	l, _, _ := NewLeaf(fabricPos, ck(t, "att", "s1"), attValue(t, KindSettlement, "d1", "h.p.s"))
	if l.JWS() != "h.p.s" || l.DefaultID() != "d1" || l.RecordID() != "s1" {
		t.Errorf("settlement leaf: jws %q default %q id %q", l.JWS(), l.DefaultID(), l.RecordID())
	}
}

func TestLeafEncodingIsCanonical(t *testing.T) {
	prev := uint64(41)
	l, _, err := NewLeaf(fabricPos, ck(t, "att", "s1"), attValue(t, KindSettlement, "d1", "h.p.s"))
	if err != nil {
		t.Fatal(err)
	}
	l.Prev = &prev
	b, err := l.Encode()
	if err != nil {
		t.Fatal(err)
	}
	// The documented layout: version, mode, block, tx index, then fields.
	if b[0] != 1 || b[1] != 2 || !bytes.Equal(b[2:10], []byte{0, 0, 0, 0, 0, 0, 0, 12}) || !bytes.Equal(b[10:14], []byte{0, 0, 0, 3}) ||
		!bytes.Equal(b[14:21], []byte{0, 0, 0, 3, 'a', 'b', 'c'}) || !bytes.Equal(b[len(b)-9:], []byte{1, 0, 0, 0, 0, 0, 0, 0, 41}) {
		t.Fatalf("layout: % x", b)
	}
	back, err := DecodeLeaf(b)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := back.Encode()
	if !bytes.Equal(again, b) || *back.Prev != 41 {
		t.Fatalf("round trip changed the leaf")
	}
	refuse := map[string][]byte{
		"trailing byte":   append(append([]byte{}, b...), 0),
		"truncated":       b[:len(b)-1],
		"version 2":       append([]byte{2}, b[1:]...),
		"mode 3":          append([]byte{1, 3}, b[2:]...),
		"prev flag 2":     append(append([]byte{}, b[:len(b)-9]...), 2, 0, 0, 0, 0, 0, 0, 0, 41),
		"empty":           {},
		"huge length":     append(append([]byte{}, b[:14]...), 0xff, 0xff, 0xff, 0xff),
		"kind mismatched": bytes.Replace(b, []byte("settlement"), []byte("revocation"), 1),
	}
	for name, bad := range refuse {
		if _, err := DecodeLeaf(bad); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
	l.Kind = KindDefault
	if _, err := l.Encode(); err == nil {
		t.Error("a leaf whose kind contradicts its value was encoded")
	}
}
