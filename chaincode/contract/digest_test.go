package contract

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"sort"
	"testing"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/publication"
	"github.com/assoc-ledger/blacklist/chaincode/sealedsecret"
	"github.com/assoc-ledger/blacklist/chaincode/state"
	"github.com/assoc-ledger/blacklist/chaincode/translog"
)

// TestStateDigestCoversEveryKey fills the state with every kind of record
// and checks that the digest covers all keys, in key order, and that every
// key belongs to a known object type.
func TestStateDigestCoversEveryKey(t *testing.T) {
	w, secret := secretWorld(t)
	k, pemKey := nodeKey(t)
	w.must(bank1, "RegisterNodeKey", RegisterNodeKeyRequest{MSPID: bank1, PublicKey: pemKey})
	kcv := sealedsecret.KeyCheck(secret)
	env, _ := sealedsecret.Seal(secret, k.PublicKey(), bank1, kcv)
	w.must(assoc, "SealSecret", SealSecretRequest{MSPID: bank1, Thumbprint: sealedsecret.Thumbprint(k.PublicKey()), KeyCheck: kcv, Envelope: env})
	subj := hexOf("digest")
	def := w.defaultFor(bank1, subj, "loan", 100, 100)
	_, id := w.sign(bank1, def)
	w.file(bank1, def)
	w.file(bank1, w.closureFor(bank1, attestation.TypeSettlement, id, subj))
	w.must(bank2, "OpenDispute", OpenDisputeRequest{AttestationID: id, ReasonCode: "other", StatementDigest: hexOf("s")})
	w.must(bank1, TxAnchorAudit.Name, AnchorAuditRequest{Log: hexOf("first"), Size: 1, Head: hexOf("first")})
	w.must(bank1, TxReportBudgetExceeded.Name, ReportBudgetExceededRequest{Kind: BudgetDerivations, Day: "2026-11-30", Count: 11, Budget: 10})
	// The log's and the publications' records.
	lk, err := translog.GenerateLogKey(bank1)
	if err != nil {
		t.Fatal(err)
	}
	w.must(bank1, "RegisterLogKey", RegisterLogKeyRequest{MSPID: bank1, Verifier: lk.Verifier})
	p1 := w.publish(t, nil)
	w.must(assoc, "RecordPublication", RecordPublicationRequest{Header: p1.h})
	note, _ := publication.Sign(p1.h, lk.Signer)
	_, sigs, _ := translog.SplitNote(note)
	w.must(bank1, "CosignPublication", CosignPublicationRequest{MSPID: bank1, Number: 1, Signature: sigs[0].Base64})
	other := p1.h
	other.Count++
	w.must(bank2, "ReportPublicationDivergence", ReportPublicationDivergenceRequest{Number: 1, Digest: other.DigestString()})

	keys := make([]string, 0, len(w.st.Data))
	for k := range w.st.Data {
		typ, _, err := state.SplitCompositeKey(k)
		if err != nil || !slices.Contains(objectTypes, typ) {
			t.Fatalf("key %q is not of a known object type", k)
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := sha256.New()
	for _, k := range keys {
		state.DigestKV(h, k, w.st.Data[k])
	}
	var got StateDigestResult
	if err := w.call(assoc, "StateDigest", nil, &got); err != nil {
		t.Fatal(err)
	}
	if got.Keys != len(keys) || got.Digest != hex.EncodeToString(h.Sum(nil)) {
		t.Fatalf("digest over %d keys %s, want %d keys", got.Keys, got.Digest, len(keys))
	}
	w.refuse(bank1, "StateDigest", nil, CodeForbidden)
}

// TestObjectTypesInKeyOrder: the digest scans the types in the order their
// composite keys sort, so that it hashes the whole state in key order.
func TestObjectTypesInKeyOrder(t *testing.T) {
	prefixes := make([]string, len(objectTypes))
	for i, typ := range objectTypes {
		p, err := state.CompositeKey(typ)
		if err != nil {
			t.Fatal(err)
		}
		prefixes[i] = p
	}
	if !sort.StringsAreSorted(prefixes) {
		t.Fatalf("object types out of key order: %q", objectTypes)
	}
}
