package evidence_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/chaincode/evidence"
	"github.com/assoc-ledger/blacklist/chaincode/state"
	"github.com/assoc-ledger/blacklist/chaincode/translog"
)

// recorder is an embedded ledger in memory whose every committed write
// goes into a transparency log, as a node's log builder does.
type recorder struct {
	*state.Memory
	t      *testing.T
	c      contract.Contract
	height uint64
	log    *translog.Log
	leaves []translog.Leaf
	writes [][2]string
}

func (r *recorder) Put(key string, value []byte) error {
	r.writes = append(r.writes, [2]string{key, string(value)})
	return r.Memory.Put(key, value)
}

func (r *recorder) Leaf(i int64) (translog.Leaf, error) { return r.leaves[i], nil }
func (r *recorder) InclusionProof(i, size int64) ([]translog.Hash, error) {
	return r.log.Tree().InclusionProof(i, size)
}

func (r *recorder) call(creator, fn string, req, out any) {
	r.t.Helper()
	arg, _ := json.Marshal(req)
	r.height++
	r.MSPID, r.ID, r.Time = creator, fmt.Sprintf("tx%06d", r.height), r.Time.Add(time.Minute)
	r.writes = nil
	res, err := r.c.Invoke(r, fn, arg)
	if err != nil {
		r.t.Fatalf("%s by %s: %v", fn, creator, err)
	}
	if out != nil {
		if err := json.Unmarshal(res, out); err != nil {
			r.t.Fatal(err)
		}
	}
	pos := translog.Position{Mode: translog.ModeEmbedded, Height: r.height, TxID: r.ID}
	for _, w := range r.writes {
		l, ok, err := translog.NewLeaf(pos, w[0], []byte(w[1]))
		if err != nil {
			r.t.Fatalf("%s: write %s: %v", fn, translog.ReadableKey(w[0]), err)
		}
		if ok {
			_, linked, err := r.log.Append(l)
			if err != nil {
				r.t.Fatal(err)
			}
			r.leaves = append(r.leaves, linked)
		}
	}
}

// TestBundleFromTheRealContract runs the contract's own transactions,
// logs what they wrote, and verifies the bundle a node would make: the
// leaf rules read the contract's keys and values as it writes them.
func TestBundleFromTheRealContract(t *testing.T) {
	r := &recorder{Memory: state.NewMemory(), t: t, log: translog.NewLog()}
	r.Time = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	key, err := attestation.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	pemKey, _ := attestation.MarshalPublicKeyPEM(&key.PublicKey)
	r.call("AssocMSP", "Init", contract.InitRequest{Association: "AssocMSP", LegalName: "Credit Association"}, nil)
	r.call("AssocMSP", "AdmitMember", contract.AdmitMemberRequest{MSPID: "Bank1MSP", LegalName: "Bank One", CreditCode: "91350100M000100Y43",
		Roles: []string{contract.RoleReporter, contract.RoleQuerier}, Keys: []contract.KeyRequest{{KID: "bank1-k1", PublicKey: pemKey}}}, nil)
	r.call("AssocMSP", "AdmitMember", contract.AdmitMemberRequest{MSPID: "Bank2MSP", LegalName: "Bank Two", CreditCode: "91110000600037341L",
		Roles: []string{contract.RoleQuerier}}, nil)

	sum := sha256.Sum256([]byte("subject"))
	amount, days := int64(1_250_000), 100
	def := &attestation.Payload{V: 1, Type: attestation.TypeDefault, Reporter: "Bank1MSP", Subject: hex.EncodeToString(sum[:]),
		IssuedAt: r.Time.Format(time.RFC3339), LoanRef: hex.EncodeToString(sum[:]), Product: "consumer", Amount: &amount, Currency: "CNY",
		OverdueSince: "2025-11-20", DaysPastDue: &days, NoticeDate: "2026-02-15"}
	jws, id, err := attestation.Sign(def, key, "bank1-k1")
	if err != nil {
		t.Fatal(err)
	}
	var res contract.SubmitResult
	r.call("Bank1MSP", "SubmitAttestations", contract.SubmitRequest{Attestations: []string{jws}}, &res)
	if res.Accepted != 1 {
		t.Fatalf("submit: %+v", res)
	}
	var d contract.Dispute
	r.call("Bank2MSP", "OpenDispute", contract.OpenDisputeRequest{AttestationID: id, ReasonCode: "already-paid", StatementDigest: hex.EncodeToString(sum[:])}, &d)
	r.call("Bank1MSP", "ResolveDispute", contract.ResolveDisputeRequest{DisputeID: d.ID, Outcome: contract.DisputeRejected, Note: "not paid at the time"}, nil)
	settled := int64(1_250_000)
	set := &attestation.Payload{V: 1, Type: attestation.TypeSettlement, Reporter: "Bank1MSP", Subject: def.Subject,
		IssuedAt: r.Time.Format(time.RFC3339), RefersTo: id, SettledOn: "2026-03-01", Kind: "full", Amount: &settled}
	sjws, _, err := attestation.Sign(set, key, "bank1-k1")
	if err != nil {
		t.Fatal(err)
	}
	r.call("Bank1MSP", "SubmitAttestations", contract.SubmitRequest{Attestations: []string{sjws}}, &res)
	if res.Accepted != 1 {
		t.Fatalf("settlement: %+v", res)
	}

	orgs := []string{"AssocMSP", "Bank1MSP", "Bank2MSP"}
	jwk, _ := evidence.PublicJWK(&key.PublicKey)
	root := &evidence.TrustRoot{MediaType: evidence.TrustRootMediaType, Origin: translog.Origin("embedded"), Mode: translog.ModeEmbedded, Quorum: 2}
	var known []translog.OrgKey
	var signers []string
	for _, o := range orgs {
		k, err := translog.GenerateLogKey(o)
		if err != nil {
			t.Fatal(err)
		}
		org := evidence.Organisation{ID: o, Name: o, LogKeys: []string{k.Verifier}, SigningKeys: []evidence.SigningKey{}}
		if o == "Bank1MSP" {
			org.SigningKeys = append(org.SigningKeys, evidence.SigningKey{KID: "bank1-k1", JWK: jwk, RegisteredAt: "2026-03-01T09:02:00Z"})
		} else {
			signers = append(signers, k.Signer)
		}
		known = append(known, translog.OrgKey{Org: o, Verifier: k.Verifier})
		root.Organisations = append(root.Organisations, org)
	}
	cp, heads, err := r.log.Checkpoint(root.Origin)
	if err != nil {
		t.Fatal(err)
	}
	note, err := translog.SignCheckpoint(cp, signers...)
	if err != nil {
		t.Fatal(err)
	}
	b, err := evidence.Assemble(evidence.AssembleInput{Mode: translog.ModeEmbedded, Checkpoint: note, Heads: heads, LogKeys: known, Log: r, AttestationID: id})
	if err != nil {
		t.Fatal(err)
	}
	kinds := ""
	for _, rec := range b.Records {
		kinds += rec.Leaf.Kind + " "
	}
	if kinds != "default dispute-opened dispute-outcome settlement " || b.Reporter != "Bank1MSP" || b.ReporterCosigned || len(b.KeyRecords) != 1 {
		t.Fatalf("bundle: records %q reporter %s cosigned %v key records %d", kinds, b.Reporter, b.ReporterCosigned, len(b.KeyRecords))
	}
	if tr, err := evidence.Verify(b, root); err != nil {
		t.Fatalf("%v\n%s", err, tr.Render(evidence.English))
	}
}
