package contract

import "testing"

// A precheck only saves work: a key revoked between the precheck and the
// transaction still refuses the attestation, and a prechecked attestation
// from another member is still refused.
func TestPrecheckDecidesNothing(t *testing.T) {
	w := newWorld(t)
	w.c.Preverified = &Preverified{}
	subj := hexOf("precheck")
	jws, id := w.sign(bank1, w.defaultFor(bank1, subj, "loan", 100, 100))
	arg := []byte(`{"attestations":["` + jws + `"]}`)

	w.c.Precheck(w.st, bank1, "SubmitAttestations", arg)
	if len(w.c.Preverified.entries) != 1 {
		t.Fatalf("precheck remembered %d attestations", len(w.c.Preverified.entries))
	}
	w.must(bank1, "RevokeKey", RevokeKeyRequest{MSPID: bank1, KID: w.kids[bank1]})
	expectItem(t, w.submit(bank1, jws).Results[0], ItemRejected, ItemRevokedKey)

	w.addKey(bank1)
	jws, id = w.sign(bank1, w.defaultFor(bank1, subj, "loan", 100, 100))
	w.c.Precheck(w.st, bank1, "SubmitAttestations", []byte(`{"attestations":["`+jws+`"]}`))
	expectItem(t, w.submit(bank2, jws).Results[0], ItemRejected, ItemReporterMismatch)
	w.c.Precheck(w.st, bank1, "SubmitAttestations", []byte(`{"attestations":["`+jws+`"]}`))
	r := w.submit(bank1, jws)
	if r.Accepted != 1 || r.Results[0].ID != id || len(w.c.Preverified.entries) != 0 {
		t.Fatalf("prechecked submit = %+v, %d entries left", r, len(w.c.Preverified.entries))
	}
	// Requests the precheck cannot read are left to the transaction.
	w.c.Precheck(w.st, bank1, "SubmitAttestations", []byte(`{"bogus": 1}`))
	w.c.Precheck(w.st, "NobodyMSP", "SubmitAttestations", arg)
	w.c.Precheck(w.st, bank1, "SubjectStatus", arg)
	if len(w.c.Preverified.entries) != 0 {
		t.Fatal("precheck remembered something it could not check")
	}
}
