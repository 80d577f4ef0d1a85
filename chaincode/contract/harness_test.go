package contract

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/state"
)

const (
	assoc = "AssocMSP"
	bank1 = "Bank1MSP"
	bank2 = "Bank2MSP"
	bank3 = "Bank3MSP" // querier only
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// tb is what the harness needs of a test; *testing.T and *rapid.T have it.
type tb interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}

// world is a ledger in memory with the consortium of the tests: the
// association, two reporting banks and a bank that only queries.
type world struct {
	t     tb
	c     *Contract
	st    *state.Memory
	now   time.Time
	txn   int
	keys  map[string]*ecdsa.PrivateKey // by member
	kids  map[string]string
	other *ecdsa.PrivateKey // a key nobody registered
}

func hexOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func newWorld(t tb) *world {
	w := &world{t: t, c: &Contract{}, st: state.NewMemory(), now: t0,
		keys: map[string]*ecdsa.PrivateKey{}, kids: map[string]string{}}
	var err error
	if w.other, err = attestation.GenerateKey(); err != nil {
		t.Fatal(err)
	}
	w.must(assoc, "Init", InitRequest{Association: assoc, LegalName: "Credit Association"})
	w.addKey(assoc)
	w.admit(bank1, "91350100M000100Y43", RoleReporter, RoleQuerier)
	w.admit(bank2, "91110000600037341L", RoleReporter, RoleQuerier)
	w.admit(bank3, "9131000060731868XQ", RoleQuerier)
	return w
}

func (w *world) pem(k *ecdsa.PrivateKey) string {
	p, err := attestation.MarshalPublicKeyPEM(&k.PublicKey)
	if err != nil {
		w.t.Fatal(err)
	}
	return p
}

func (w *world) admit(msp, code string, roles ...string) {
	k, err := attestation.GenerateKey()
	if err != nil {
		w.t.Fatal(err)
	}
	w.keys[msp], w.kids[msp] = k, msp+"-k1"
	w.must(assoc, "AdmitMember", AdmitMemberRequest{MSPID: msp, LegalName: msp + " Bank", CreditCode: code,
		Roles: roles, Keys: []KeyRequest{{KID: msp + "-k1", PublicKey: w.pem(k)}}})
}

// addKey registers a fresh key for msp, by msp itself, and signs with it
// from now on.
func (w *world) addKey(msp string) {
	k, err := attestation.GenerateKey()
	if err != nil {
		w.t.Fatal(err)
	}
	w.txn++
	kid := fmt.Sprintf("%s-k%d", msp, w.txn)
	w.must(msp, "RegisterKey", RegisterKeyRequest{MSPID: msp, KeyRequest: KeyRequest{KID: kid, PublicKey: w.pem(k)}})
	w.keys[msp], w.kids[msp] = k, kid
}

// call runs fn as creator at the world's time and decodes the result.
func (w *world) call(creator, fn string, req any, out any) error {
	w.t.Helper()
	arg, err := json.Marshal(req)
	if err != nil {
		w.t.Fatal(err)
	}
	w.txn++
	w.st.MSPID, w.st.ID, w.st.Time = creator, fmt.Sprintf("tx%06d", w.txn), w.now
	res, err := w.c.Invoke(w.st, fn, arg)
	if err != nil {
		return err
	}
	if out != nil {
		if err := json.Unmarshal(res, out); err != nil {
			w.t.Fatalf("%s result: %v", fn, err)
		}
	}
	return nil
}

func (w *world) must(creator, fn string, req any) {
	w.t.Helper()
	if err := w.call(creator, fn, req, nil); err != nil {
		w.t.Fatalf("%s by %s: %v", fn, creator, err)
	}
}

// refuse runs fn and requires a refusal with code that leaves no writes.
func (w *world) refuse(creator, fn string, req any, code string) *Error {
	w.t.Helper()
	before := w.snapshot()
	err := w.call(creator, fn, req, nil)
	e, ok := err.(*Error)
	if !ok || e.Code != code {
		w.t.Fatalf("%s by %s: got %v, want code %s", fn, creator, err, code)
	}
	if after := w.snapshot(); after != before {
		w.t.Fatalf("%s by %s was refused but changed the state", fn, creator)
	}
	return e
}

func (w *world) snapshot() string {
	b, _ := json.Marshal(w.st.Data)
	return string(b)
}

func ptr[T any](v T) *T { return &v }

// defaultFor builds a default attestation payload of reporter on subject.
func (w *world) defaultFor(reporter, subject, loan string, dpd int, amount int64) *attestation.Payload {
	issued := w.now.Add(-time.Hour)
	return &attestation.Payload{V: 1, Type: attestation.TypeDefault, Reporter: reporter, Subject: subject,
		IssuedAt: issued.Format(time.RFC3339), LoanRef: hexOf(loan), Product: "consumer", Amount: ptr(amount),
		Currency: "CNY", OverdueSince: issued.AddDate(0, 0, -dpd).Format("2006-01-02"), DaysPastDue: ptr(dpd),
		NoticeDate: issued.AddDate(0, 0, -dpd+30).Format("2006-01-02")}
}

func (w *world) closureFor(reporter, typ, defaultID, subject string) *attestation.Payload {
	p := &attestation.Payload{V: 1, Type: typ, Reporter: reporter, Subject: subject,
		IssuedAt: w.now.Add(-time.Minute).Format(time.RFC3339), RefersTo: defaultID}
	if typ == attestation.TypeSettlement {
		p.SettledOn, p.Kind, p.Amount = w.now.Format("2006-01-02"), "full", ptr(int64(100))
	} else {
		p.Reason = "filed against the wrong borrower"
	}
	return p
}

// sign signs p with signer's registered key.
func (w *world) sign(signer string, p *attestation.Payload) (jws, id string) {
	w.t.Helper()
	jws, id, err := attestation.Sign(p, w.keys[signer], w.kids[signer])
	if err != nil {
		w.t.Fatal(err)
	}
	return jws, id
}

func (w *world) submit(creator string, jws ...string) SubmitResult {
	w.t.Helper()
	var r SubmitResult
	if err := w.call(creator, "SubmitAttestations", SubmitRequest{Attestations: jws}, &r); err != nil {
		w.t.Fatalf("SubmitAttestations by %s: %v", creator, err)
	}
	return r
}

// file signs and submits one attestation and returns its single result.
func (w *world) file(creator string, p *attestation.Payload) ItemResult {
	w.t.Helper()
	jws, _ := w.sign(creator, p)
	return w.submit(creator, jws).Results[0]
}

func (w *world) status(subject string) Status {
	w.t.Helper()
	var s Status
	if err := w.call(bank3, "SubjectStatus", SubjectRequest{Subject: subject}, &s); err != nil {
		w.t.Fatal(err)
	}
	return s
}

func expectItem(t tb, r ItemResult, status, code string) {
	t.Helper()
	if r.Status != status || r.Code != code {
		t.Fatalf("item = %+v, want status %s code %q", r, status, code)
	}
}
