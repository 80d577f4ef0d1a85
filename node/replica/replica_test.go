package replica

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset/kvrwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/chaincode/state"
	"github.com/assoc-ledger/blacklist/node/embedded"
	"github.com/assoc-ledger/blacklist/node/ledger"
)

const ns = "blacklist"

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// envelope builds a transaction as a peer commits it: a channel header,
// and one chaincode action whose results hold the write set of namespace.
func envelope(txID string, t time.Time, typ common.HeaderType, namespace string, writes []Write, eventName string, event []byte) []byte {
	kv := &kvrwset.KVRWSet{}
	for _, w := range writes {
		kv.Writes = append(kv.Writes, &kvrwset.KVWrite{Key: w.Key, Value: w.Value, IsDelete: w.Delete})
	}
	rws := &rwset.TxReadWriteSet{DataModel: rwset.TxReadWriteSet_KV, NsRwset: []*rwset.NsReadWriteSet{
		{Namespace: "_lifecycle", Rwset: must(proto.Marshal(&kvrwset.KVRWSet{}))},
		{Namespace: namespace, Rwset: must(proto.Marshal(kv))},
	}}
	cca := &peer.ChaincodeAction{Results: must(proto.Marshal(rws))}
	if eventName != "" {
		cca.Events = must(proto.Marshal(&peer.ChaincodeEvent{ChaincodeId: namespace, TxId: txID, EventName: eventName, Payload: event}))
	}
	prp := &peer.ProposalResponsePayload{Extension: must(proto.Marshal(cca))}
	ccp := &peer.ChaincodeActionPayload{Action: &peer.ChaincodeEndorsedAction{ProposalResponsePayload: must(proto.Marshal(prp))}}
	tx := &peer.Transaction{Actions: []*peer.TransactionAction{{Payload: must(proto.Marshal(ccp))}}}
	ch := &common.ChannelHeader{Type: int32(typ), TxId: txID, ChannelId: "blacklist", Timestamp: timestamppb.New(t)}
	payload := &common.Payload{Header: &common.Header{ChannelHeader: must(proto.Marshal(ch))}, Data: must(proto.Marshal(tx))}
	return must(proto.Marshal(&common.Envelope{Payload: must(proto.Marshal(payload))}))
}

func block(n uint64, txs [][]byte, flags []peer.TxValidationCode) *common.Block {
	filter := make([]byte, len(flags))
	for i, f := range flags {
		filter[i] = byte(f)
	}
	md := make([][]byte, 5)
	md[common.BlockMetadataIndex_TRANSACTIONS_FILTER] = filter
	return &common.Block{Header: &common.BlockHeader{Number: n}, Data: &common.BlockData{Data: txs}, Metadata: &common.BlockMetadata{Metadata: md}}
}

// source runs real transactions on an embedded ledger: its log holds the
// write sets the chaincode would produce, to be replayed as Fabric blocks.
func source(t *testing.T) *embedded.Ledger {
	l, err := embedded.Open(embedded.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	ctx := context.Background()
	submit := func(creator, fn string, req any) {
		if _, err := l.Submit(ctx, creator, fn, must(json.Marshal(req))); err != nil {
			t.Fatalf("%s: %v", fn, err)
		}
	}
	k, _ := attestation.GenerateKey()
	pub, _ := attestation.MarshalPublicKeyPEM(&k.PublicKey)
	submit("AssocMSP", "Init", contract.InitRequest{Association: "AssocMSP", LegalName: "Association"})
	submit("AssocMSP", "AdmitMember", contract.AdmitMemberRequest{MSPID: "Bank1MSP", LegalName: "Bank One", CreditCode: "91350100M000100Y43",
		Roles: []string{"reporter", "querier"}, Keys: []contract.KeyRequest{{KID: "k1", PublicKey: pub}}})
	var ids []string
	for i := 0; i < 6; i++ {
		dpd, amount := 120, int64(1000+i)
		sum := sha256.Sum256([]byte(fmt.Sprint("loan", i)))
		subj := sha256.Sum256([]byte(fmt.Sprint("subject", i%3)))
		p := &attestation.Payload{V: 1, Type: "default", Reporter: "Bank1MSP", Subject: hex.EncodeToString(subj[:]), IssuedAt: "2026-01-10T08:00:00Z",
			LoanRef: hex.EncodeToString(sum[:]), Product: "consumer", Amount: &amount, Currency: "CNY", OverdueSince: "2025-09-01", DaysPastDue: &dpd, NoticeDate: "2025-10-01"}
		jws, id, _ := attestation.Sign(p, k, "k1")
		ids = append(ids, id)
		submit("Bank1MSP", "SubmitAttestations", contract.SubmitRequest{Attestations: []string{jws}})
	}
	settled := sha256.Sum256([]byte("subject0"))
	paid := int64(1000)
	p := &attestation.Payload{V: 1, Type: "settlement", Reporter: "Bank1MSP", Subject: hex.EncodeToString(settled[:]), IssuedAt: "2026-02-01T08:00:00Z",
		RefersTo: ids[0], SettledOn: "2026-02-01", Kind: "full", Amount: &paid}
	jws, _, _ := attestation.Sign(p, k, "k1")
	submit("Bank1MSP", "SubmitAttestations", contract.SubmitRequest{Attestations: []string{jws}})
	return l
}

// blocks turns the source's log into a channel: a config block first, then
// per entry a block with the transaction and, around it, an invalidated
// transaction and one of another chaincode, neither of which may apply.
func blocks(t *testing.T, l *embedded.Ledger) []*common.Block {
	out := []*common.Block{block(0, [][]byte{envelope("genesis", time.Unix(0, 0), common.HeaderType_CONFIG, "", nil, "", nil)}, []peer.TxValidationCode{peer.TxValidationCode_VALID})}
	err := l.Entries(1, func(e embedded.Entry) error {
		var ws []Write
		for _, w := range e.Writes {
			ws = append(ws, Write{Key: w.Key, Value: w.Value, Delete: w.Delete})
		}
		tm, _ := time.Parse(time.RFC3339Nano, e.Time)
		name, payload := "", []byte(nil)
		if e.Event != nil {
			name, payload = e.Event.Name, e.Event.Payload
		}
		junk := []Write{{Key: "\x00member\x00Bank1MSP\x00", Value: []byte(`{"forged":true}`)}}
		out = append(out, block(uint64(len(out)), [][]byte{
			envelope("invalid-"+e.TxID, tm, common.HeaderType_ENDORSER_TRANSACTION, ns, junk, "", nil),
			envelope(e.TxID, tm, common.HeaderType_ENDORSER_TRANSACTION, ns, ws, name, payload),
			envelope("other-"+e.TxID, tm, common.HeaderType_ENDORSER_TRANSACTION, "othercc", junk, "", nil),
		}, []peer.TxValidationCode{peer.TxValidationCode_MVCC_READ_CONFLICT, peer.TxValidationCode_VALID, peer.TxValidationCode_VALID}))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func digestOf(l *embedded.Ledger) string {
	h := sha256.New()
	l.ScanState(func(k string, v []byte) { state.DigestKV(h, k, v) })
	return hex.EncodeToString(h.Sum(nil))
}

// TestReplicaEqualsWorldState replays real write sets as Fabric blocks and
// finds the replica byte for byte equal to the world state, answering
// queries the same, after a restart in the middle.
func TestReplicaEqualsWorldState(t *testing.T) {
	src := source(t)
	bs := blocks(t, src)
	dir := filepath.Join(t.TempDir(), "replica")
	r, err := Open(dir, ns)
	if err != nil {
		t.Fatal(err)
	}
	half := len(bs) / 2
	for _, b := range bs[:half] {
		if ok, err := r.Apply(b); err != nil || !ok {
			t.Fatalf("block %d: %v %v", b.Header.Number, ok, err)
		}
	}
	r.Close()

	r, err = Open(dir, ns)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Height() != uint64(half) {
		t.Fatalf("resumed at %d, want %d", r.Height(), half)
	}
	// A stream replaying from an older block applies nothing twice.
	for _, b := range bs {
		if _, err := r.Apply(b); err != nil {
			t.Fatalf("block %d: %v", b.Header.Number, err)
		}
	}
	if _, err := r.Apply(block(uint64(len(bs)+1), nil, nil)); err == nil {
		t.Fatal("a block after a gap was applied")
	}
	height, digest, err := r.Digest()
	if err != nil {
		t.Fatal(err)
	}
	if height != uint64(len(bs)) || digest != digestOf(src) {
		t.Fatalf("replica at %d digest %s, world state %s", height, digest, digestOf(src))
	}

	subj := sha256.Sum256([]byte("subject0"))
	arg := must(json.Marshal(contract.SubjectRequest{Subject: hex.EncodeToString(subj[:])}))
	want, err := src.Evaluate("Bank1MSP", "SubjectHistory", arg)
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Evaluate("Bank1MSP", "SubjectHistory", arg)
	if err != nil || string(got.Payload) != string(want.Payload) || got.Height != uint64(len(bs)) {
		t.Fatalf("replica answers %s at %d (%v), ledger %s", got.Payload, got.Height, err, want.Payload)
	}
	if _, err := r.Evaluate("Bank1MSP", "SubmitAttestations", nil); err == nil {
		t.Fatal("a write was evaluated on the replica")
	}
	events, err := r.Events(0, r.Height())
	if err != nil || len(events) != 7 || events[0].Name != contract.EventAttestations {
		t.Fatalf("events: %d %v", len(events), err)
	}

	// Both ledgers' feeds carry the same changes in the same order, read
	// in steps from a saved position as alerting does.
	feed := func(f ledger.Feed) (out []string) {
		for pos := uint64(0); ; {
			next, err := f.Changes(pos, func(c ledger.Change) error {
				out = append(out, c.TxID+" "+c.Name+" "+string(c.Payload)+" "+c.Time.UTC().Format(time.RFC3339Nano))
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if next == pos {
				return out
			}
			pos = next
		}
	}
	if a, b := feed(src), feed(r); len(a) != 7 || strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Fatalf("feeds differ:\n%s\n--\n%s", strings.Join(a, "\n"), strings.Join(b, "\n"))
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := r.WaitForChanges(ctx, r.Height()-1); err != nil {
		t.Fatalf("the last block is applied, yet: %v", err)
	}
}

func TestWaitForHeight(t *testing.T) {
	r, err := Open(t.TempDir(), ns)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	done := make(chan error, 1)
	go func() { done <- r.WaitForHeight(context.Background(), 1) }()
	if _, err := r.Apply(block(0, nil, nil)); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := r.WaitForHeight(ctx, 5); err != context.DeadlineExceeded {
		t.Fatalf("wait for an unreached height: %v", err)
	}
}

func TestMalformedBlocksAreRefused(t *testing.T) {
	r, err := Open(t.TempDir(), ns)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	bad := block(0, [][]byte{[]byte("not a protobuf envelope")}, []peer.TxValidationCode{peer.TxValidationCode_VALID})
	if _, err := r.Apply(bad); err == nil {
		t.Fatal("garbage transaction applied")
	}
	noFlags := block(0, [][]byte{envelope("t", time.Now(), common.HeaderType_ENDORSER_TRANSACTION, ns, nil, "", nil)}, nil)
	if _, err := r.Apply(noFlags); err == nil {
		t.Fatal("a block without validation flags applied")
	}
	if r.Height() != 0 {
		t.Fatal("a refused block advanced the replica")
	}
}
