package replica

import (
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node/badgerstate"
	"github.com/assoc-ledger/blacklist/node/embedded"
)

// richSource is a ledger whose history has every kind of subject record:
// defaults by two members, a settlement, a revocation, disputes upheld and
// rejected, and protective registrations, one of them removed.
func richSource(t *testing.T) (*embedded.Ledger, []string) {
	l, err := embedded.Open(embedded.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	ctx := context.Background()
	submit := func(creator, fn string, req, out any) {
		t.Helper()
		res, err := l.Submit(ctx, creator, fn, must(json.Marshal(req)))
		if err == nil && out != nil {
			err = json.Unmarshal(res.Payload, out)
		}
		if err != nil {
			t.Fatalf("%s: %v", fn, err)
		}
	}
	hexOf := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	submit("AssocMSP", "Init", contract.InitRequest{Association: "AssocMSP", LegalName: "Association"}, nil)
	keys := map[string]*ecdsa.PrivateKey{}
	for i, msp := range []string{"Bank1MSP", "Bank2MSP"} {
		k, _ := attestation.GenerateKey()
		pub, _ := attestation.MarshalPublicKeyPEM(&k.PublicKey)
		keys[msp] = k
		submit("AssocMSP", "AdmitMember", contract.AdmitMemberRequest{MSPID: msp, LegalName: msp, CreditCode: []string{"91350100M000100Y43", "91110000600037341L"}[i],
			Roles: []string{"reporter", "querier"}, Keys: []contract.KeyRequest{{KID: "k1", PublicKey: pub}}}, nil)
	}
	file := func(msp string, p *attestation.Payload) string {
		jws, id, err := attestation.Sign(p, keys[msp], "k1")
		if err != nil {
			t.Fatal(err)
		}
		var r contract.SubmitResult
		submit(msp, "SubmitAttestations", contract.SubmitRequest{Attestations: []string{jws}}, &r)
		if r.Results[0].Status != contract.ItemAccepted {
			t.Fatalf("%+v", r.Results[0])
		}
		return id
	}
	var subjects []string
	var ids []string
	now := time.Now().UTC()
	for i := range 8 {
		msp := []string{"Bank1MSP", "Bank2MSP"}[i%2]
		subj := hexOf(fmt.Sprint("subject", i%4))
		if i < 4 {
			subjects = append(subjects, subj)
		}
		dpd, amount := 100+i, int64(1000+i)
		ids = append(ids, file(msp, &attestation.Payload{V: 1, Type: "default", Reporter: msp, Subject: subj, IssuedAt: now.Add(-time.Minute).Format(time.RFC3339),
			LoanRef: hexOf(fmt.Sprint("loan", i)), Product: "consumer", Amount: &amount, Currency: "CNY",
			OverdueSince: now.AddDate(0, 0, -dpd-10).Format("2006-01-02"), DaysPastDue: &dpd, NoticeDate: now.AddDate(0, 0, -5).Format("2006-01-02")}))
	}
	paid := int64(1000)
	file("Bank1MSP", &attestation.Payload{V: 1, Type: "settlement", Reporter: "Bank1MSP", Subject: hexOf("subject0"), IssuedAt: now.Add(-time.Minute).Format(time.RFC3339),
		RefersTo: ids[0], SettledOn: now.Format("2006-01-02"), Kind: "full", Amount: &paid})
	file("Bank2MSP", &attestation.Payload{V: 1, Type: "revocation", Reporter: "Bank2MSP", Subject: hexOf("subject1"), IssuedAt: now.Add(-time.Minute).Format(time.RFC3339),
		RefersTo: ids[1], Reason: "filed in error"})
	for i, outcome := range []string{contract.DisputeUpheld, contract.DisputeRejected, ""} {
		var d contract.Dispute
		submit("Bank2MSP", "OpenDispute", contract.OpenDisputeRequest{AttestationID: ids[2+2*i], ReasonCode: "not-mine", StatementDigest: hexOf("statement")}, &d)
		if outcome != "" {
			submit("Bank1MSP", "ResolveDispute", contract.ResolveDisputeRequest{DisputeID: d.ID, Outcome: outcome, Note: "checked"}, nil)
		}
	}
	for _, s := range subjects[2:] {
		submit("Bank1MSP", "RegisterProtection", contract.RegisterProtectionRequest{Subject: s, ReasonCode: contract.ProtectionDocumentsStolen, CaseRef: hexOf("case" + s)}, nil)
	}
	submit("Bank1MSP", "RemoveProtection", contract.ProtectionRequest{Subject: subjects[3]}, nil)
	return l, subjects
}

// TestReplicaShadowFollowsBlocks applies a rich history block by block,
// with a restart halfway, and after each block finds the replica's shadow
// the slim image of its state (the digest check) and its status answers,
// read from the shadow, those of the full records; at the end they are
// the source ledger's.
func TestReplicaShadowFollowsBlocks(t *testing.T) {
	src, subjects := richSource(t)
	bs := blocks(t, src)
	dir := filepath.Join(t.TempDir(), "replica")
	r, err := Open(dir, ns)
	if err != nil {
		t.Fatal(err)
	}
	arg := must(json.Marshal(contract.SubjectsRequest{Subjects: subjects}))
	var last string
	for i, b := range bs {
		if i == len(bs)/2 {
			r.Close()
			if r, err = Open(dir, ns); err != nil {
				t.Fatal(err)
			}
		}
		if ok, err := r.Apply(b); err != nil || !ok {
			t.Fatalf("block %d: %v %v", b.Header.Number, ok, err)
		}
		if _, _, err := r.Digest(); err != nil {
			t.Fatalf("block %d: %v", b.Header.Number, err)
		}
		got, err := r.Evaluate("Bank1MSP", "SubjectStatuses", arg)
		if err != nil {
			continue // before the members are admitted
		}
		var want []byte
		err = r.db.View(func(txn *badger.Txn) error {
			var err error
			want, err = r.contract.Invoke(&badgerstate.Reader{Txn: txn, MSPID: "Bank1MSP", Now: time.Now().UTC()}, "SubjectStatuses", arg)
			return err
		})
		if err != nil || string(got.Payload) != string(want) {
			t.Fatalf("block %d: through the shadow %s, through the state %s (%v)", b.Header.Number, got.Payload, want, err)
		}
		last = string(got.Payload)
	}
	defer r.Close()
	want, err := src.Evaluate("Bank1MSP", "SubjectStatuses", arg)
	if err != nil || string(want.Payload) != last {
		t.Fatalf("replica %s, source %s (%v)", last, want.Payload, err)
	}
}

// TestReplicaShadowFollowsBlockBatches applies the same rich history as
// batches of blocks, each batch one badger transaction holding several
// writes of the same subjects (defaults, then their settlement, disputes
// and registrations), and finds the shadow the slim image of the state and
// the statuses the source ledger's.
func TestReplicaShadowFollowsBlockBatches(t *testing.T) {
	src, subjects := richSource(t)
	bs := blocks(t, src)
	arg := must(json.Marshal(contract.SubjectsRequest{Subjects: subjects}))
	want, err := src.Evaluate("Bank1MSP", "SubjectStatuses", arg)
	if err != nil {
		t.Fatal(err)
	}
	for _, per := range []int{len(bs), 5} {
		r, err := Open(filepath.Join(t.TempDir(), "replica"), ns)
		if err != nil {
			t.Fatal(err)
		}
		for lo := 0; lo < len(bs); lo += per {
			if _, err := r.ApplyBlocks(bs[lo:min(lo+per, len(bs))]); err != nil {
				t.Fatal(err)
			}
			if _, _, err := r.Digest(); err != nil {
				t.Fatalf("%d blocks a batch, after block %d: %v", per, min(lo+per, len(bs)), err)
			}
		}
		got, err := r.Evaluate("Bank1MSP", "SubjectStatuses", arg)
		if err != nil || string(got.Payload) != string(want.Payload) {
			t.Fatalf("%d blocks a batch: replica %s, source %s (%v)", per, got.Payload, want.Payload, err)
		}
		r.Close()
	}
}
