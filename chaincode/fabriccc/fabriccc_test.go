package fabriccc

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/queryresult"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/chaincode/state"
)

// fakeStub behaves like a peer's stub where it matters to the rules: reads
// see only committed state, never the transaction's own writes; writes are
// collected and committed by the test after a successful invoke.
type fakeStub struct {
	shim.ChaincodeStubInterface
	committed map[string][]byte
	writes    map[string][]byte // nil value: delete
	args      []string
	creator   []byte
	txID      string
	ts        time.Time
	event     string
	payload   []byte
	// batching: StartWriteBatch was called; unbatched counts the writes
	// that reached the stub outside a write batch, each a round trip to
	// a real peer.
	batching  bool
	unbatched int
	// calls counts the stub's read calls by name: each is a round trip
	// to a real peer, and a range query is also re-run by every peer at
	// validation.
	calls map[string]int
	// multiKeys counts the keys asked for through GetMultipleStates;
	// multiErr, when set, is its answer.
	multiKeys int
	multiErr  error
}

func (s *fakeStub) StartWriteBatch() { s.batching = true }

func (s *fakeStub) count(name string) {
	if s.calls == nil {
		s.calls = map[string]int{}
	}
	s.calls[name]++
}

func (s *fakeStub) GetState(k string) ([]byte, error) {
	s.count("GetState")
	return s.committed[k], nil
}

// GetMultipleStates answers as a peer does: absent keys are nil.
func (s *fakeStub) GetMultipleStates(keys ...string) ([][]byte, error) {
	s.count("GetMultipleStates")
	if s.multiErr != nil {
		return nil, s.multiErr
	}
	s.multiKeys += len(keys)
	out := make([][]byte, len(keys))
	for i, k := range keys {
		out[i] = s.committed[k]
	}
	return out, nil
}
func (s *fakeStub) PutState(k string, v []byte) error {
	if !s.batching {
		s.unbatched++
	}
	if len(v) == 0 {
		return fmt.Errorf("empty value for %q", k)
	}
	s.writes[k] = v
	return nil
}
func (s *fakeStub) DelState(k string) error {
	if !s.batching {
		s.unbatched++
	}
	s.writes[k] = nil
	return nil
}
func (s *fakeStub) GetTxID() string { return s.txID }
func (s *fakeStub) GetTxTimestamp() (*timestamppb.Timestamp, error) {
	return timestamppb.New(s.ts), nil
}
func (s *fakeStub) GetCreator() ([]byte, error)                  { return s.creator, nil }
func (s *fakeStub) GetFunctionAndParameters() (string, []string) { return s.args[0], s.args[1:] }
func (s *fakeStub) GetStringArgs() []string                      { return s.args }
func (s *fakeStub) SetEvent(name string, payload []byte) error {
	s.event, s.payload = name, payload
	return nil
}
func (s *fakeStub) GetArgs() [][]byte {
	out := make([][]byte, len(s.args))
	for i, a := range s.args {
		out[i] = []byte(a)
	}
	return out
}

func (s *fakeStub) GetStateByPartialCompositeKey(objectType string, attrs []string) (shim.StateQueryIteratorInterface, error) {
	s.count("GetStateByPartialCompositeKey")
	prefix, err := shim.CreateCompositeKey(objectType, attrs)
	if err != nil {
		return nil, err
	}
	it := &iterator{stub: s}
	for k, v := range s.committed {
		if strings.HasPrefix(k, prefix) {
			it.kvs = append(it.kvs, &queryresult.KV{Key: k, Value: v})
		}
	}
	sort.Slice(it.kvs, func(i, j int) bool { return it.kvs[i].Key < it.kvs[j].Key })
	return it, nil
}

// iterator is a range query's answer; closing it is another round trip to
// a real peer (the shim's QUERY_STATE_CLOSE).
type iterator struct {
	kvs  []*queryresult.KV
	stub *fakeStub
}

func (it *iterator) HasNext() bool { return len(it.kvs) > 0 }
func (it *iterator) Close() error {
	it.stub.count("QueryStateClose")
	return nil
}
func (it *iterator) Next() (*queryresult.KV, error) {
	kv := it.kvs[0]
	it.kvs = it.kvs[1:]
	return kv, nil
}

// peer runs transactions through the real contractapi chaincode, and the
// same transactions through contract.Invoke on a memory state, so the two
// world states can be compared.
type peer struct {
	t      *testing.T
	stub   *fakeStub
	mirror *state.Memory
	rules  *contract.Contract
	certs  map[string][]byte
	n      int
}

func newPeer(t *testing.T) *peer {
	return &peer{t: t, stub: &fakeStub{committed: map[string][]byte{}}, mirror: state.NewMemory(),
		rules: &contract.Contract{Association: "AssocMSP"}, certs: map[string][]byte{}}
}

func (p *peer) identity(mspID string) []byte {
	if c, ok := p.certs[mspID]; ok {
		return c
	}
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "user@" + mspID},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		p.t.Fatal(err)
	}
	sid, err := proto.Marshal(&msp.SerializedIdentity{Mspid: mspID, IdBytes: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})})
	if err != nil {
		p.t.Fatal(err)
	}
	p.certs[mspID] = sid
	return sid
}

// invoke runs fn through the chaincode as mspID; on success the writes are
// committed, as a peer would after ordering and validation.
func (p *peer) invoke(mspID, fn string, req any) (string, int32) {
	p.t.Helper()
	b, _ := json.Marshal(req)
	p.n++
	ts := time.Date(2026, 6, 1, 12, 0, p.n, 0, time.UTC)
	s := p.stub
	s.args, s.creator, s.txID, s.ts, s.writes, s.event = []string{fn, string(b)}, p.identity(mspID), fmt.Sprintf("tx%d", p.n), ts, map[string][]byte{}, ""
	s.batching, s.unbatched = false, 0 // a new stub per transaction, as on a peer
	s.calls, s.multiKeys = map[string]int{}, 0
	cc, err := New("AssocMSP")
	if err != nil {
		p.t.Fatal(err)
	}
	resp := cc.Invoke(s)
	p.mirror.MSPID, p.mirror.ID, p.mirror.Time = mspID, s.txID, ts
	mirrorOut, mirrorErr := p.rules.Invoke(p.mirror, fn, b)
	if (resp.Status == shim.OK) != (mirrorErr == nil) {
		p.t.Fatalf("%s: chaincode status %d (%s), contract error %v", fn, resp.Status, resp.Message, mirrorErr)
	}
	if resp.Status == shim.OK && string(resp.Payload) != string(mirrorOut) {
		p.t.Fatalf("%s: chaincode answered\n%s\nthe contract on memory\n%s", fn, resp.Payload, mirrorOut)
	}
	if resp.Status == shim.OK {
		for k, v := range s.writes {
			if v == nil {
				delete(s.committed, k)
			} else {
				s.committed[k] = v
			}
		}
		return string(resp.Payload), resp.Status
	}
	if len(s.writes) != 0 {
		p.t.Fatalf("%s failed but wrote %d keys", fn, len(s.writes))
	}
	return resp.Message, resp.Status
}

func hexOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func TestChaincodeRunsTheContract(t *testing.T) {
	p := newPeer(t)
	if msg, st := p.invoke("Bank1MSP", "Init", contract.InitRequest{Association: "Bank1MSP", LegalName: "usurper"}); st == shim.OK || !strings.Contains(msg, "forbidden") {
		t.Fatalf("a bank initialised the ledger: %d %s", st, msg)
	}
	if msg, st := p.invoke("AssocMSP", "Init", contract.InitRequest{Association: "AssocMSP", LegalName: "Association"}); st != shim.OK {
		t.Fatal(msg)
	}
	admit, key := bank1Admission(t)
	if msg, st := p.invoke("Bank1MSP", "AdmitMember", admit); st == shim.OK {
		t.Fatalf("a bank admitted a member: %s", msg)
	}
	if msg, st := p.invoke("AssocMSP", "AdmitMember", admit); st != shim.OK {
		t.Fatal(msg)
	}

	// A default and its settlement in one transaction: the stub does not
	// read its own writes, so this only works through the overlay.
	subj := hexOf("subject")
	dpd, amount, paid := 120, int64(5000), int64(5000)
	def := &attestation.Payload{V: 1, Type: "default", Reporter: "Bank1MSP", Subject: subj, IssuedAt: "2026-05-30T10:00:00Z",
		LoanRef: hexOf("loan"), Product: "mortgage", Amount: &amount, Currency: "CNY", OverdueSince: "2026-01-10",
		DaysPastDue: &dpd, NoticeDate: "2026-02-01"}
	defJWS, defID, err := attestation.Sign(def, key, "k1")
	if err != nil {
		t.Fatal(err)
	}
	set := &attestation.Payload{V: 1, Type: "settlement", Reporter: "Bank1MSP", Subject: subj, IssuedAt: "2026-05-31T10:00:00Z",
		RefersTo: defID, SettledOn: "2026-05-31", Kind: "full", Amount: &paid}
	setJWS, _, _ := attestation.Sign(set, key, "k1")
	out, st := p.invoke("Bank1MSP", "SubmitAttestations", contract.SubmitRequest{Attestations: []string{defJWS, setJWS}})
	var res contract.SubmitResult
	if st != shim.OK || json.Unmarshal([]byte(out), &res) != nil || res.Accepted != 2 {
		t.Fatalf("submit: %d %s", st, out)
	}
	if p.stub.event != contract.EventAttestations || !strings.Contains(string(p.stub.payload), defID) {
		t.Fatalf("event %q %s", p.stub.event, p.stub.payload)
	}
	// Its writes went to the peer in one write batch, not one round trip
	// per key.
	if len(p.stub.writes) == 0 || p.stub.unbatched != 0 {
		t.Fatalf("%d writes, %d of them outside a write batch", len(p.stub.writes), p.stub.unbatched)
	}
	out, st = p.invoke("Bank1MSP", "SubjectStatus", contract.SubjectRequest{Subject: subj})
	var status contract.Status
	if st != shim.OK || json.Unmarshal([]byte(out), &status) != nil || status.Listed || status.SettledRecords != 1 {
		t.Fatalf("status: %d %s", st, out)
	}
	if msg, st := p.invoke("Bank1MSP", "NoSuchFunction", nil); st == shim.OK {
		t.Fatalf("unknown function answered %s", msg)
	}

	// The peer's world state is the contract's, byte for byte.
	if len(p.stub.committed) != len(p.mirror.Data) {
		t.Fatalf("peer has %d keys, contract on memory %d", len(p.stub.committed), len(p.mirror.Data))
	}
	for k, v := range p.mirror.Data {
		if string(p.stub.committed[k]) != string(v) {
			t.Fatalf("key %q differs between peer and contract", k)
		}
	}
}

func TestEveryTransactionIsExposed(t *testing.T) {
	cc, err := New("")
	if err != nil {
		t.Fatal(err)
	}
	for _, fn := range contract.Functions() {
		s := &fakeStub{committed: map[string][]byte{}, writes: map[string][]byte{}, args: []string{fn, "{}"}}
		resp := cc.Invoke(s)
		if strings.Contains(resp.Message, "not found in contract") {
			t.Errorf("%s is not a chaincode function", fn)
		}
	}
}
