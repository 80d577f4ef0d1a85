package contract

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
)

func TestSubmitDefault(t *testing.T) {
	w := newWorld(t)
	subj := hexOf("borrower-1")
	p := w.defaultFor(bank1, subj, "loan-1", 120, 500000)
	jws, id := w.sign(bank1, p)
	r := w.submit(bank1, jws)
	if r.Accepted != 1 || r.Results[0].ID != id || r.Results[0].Status != ItemAccepted {
		t.Fatalf("submit = %+v", r)
	}
	var events []AttestationEvent
	if w.st.Event != EventAttestations || json.Unmarshal(w.st.Payload, &events) != nil || len(events) != 1 || events[0].ID != id || events[0].Subject != subj {
		t.Fatalf("event %q %s", w.st.Event, w.st.Payload)
	}
	// The same payload signed again (a new ECDSA signature) is a duplicate.
	again, id2 := w.sign(bank1, p)
	if again == jws || id2 != id {
		t.Fatal("re-signing should change the JWS but not the id")
	}
	w.st.Event = ""
	if r := w.submit(bank1, again); r.Duplicates != 1 || r.Results[0].ID != id {
		t.Fatalf("repeat = %+v", r)
	}
	if w.st.Event != "" {
		t.Fatal("a duplicate raised an event")
	}
	// A different payload for the same loan is a conflict.
	changed := *p
	changed.Amount = ptr(int64(400000))
	expectItem(t, w.file(bank1, &changed), ItemRejected, CodeConflict)
	// Another reporter may report the same subject on its own loan.
	expectItem(t, w.file(bank2, w.defaultFor(bank2, subj, "loan-1", 95, 1000)), ItemAccepted, "")

	s := w.status(subj)
	if !s.Listed || s.ActiveDefaults != 2 || len(s.Reporters) != 2 || s.Outstanding["CNY"] != 501000 || s.FirstOverdueSince != p.OverdueSince {
		t.Fatalf("status = %+v", s)
	}
	var v AttestationView
	if err := w.call(bank2, "GetAttestation", IDRequest{ID: id}, &v); err != nil || v.JWS != jws || v.State != StateActive || v.Payload.Reporter != bank1 {
		t.Fatalf("GetAttestation = %+v, %v", v, err)
	}
	w.refuse(bank2, "GetAttestation", IDRequest{ID: hexOf("nothing")}, CodeNotFound)
	w.refuse(bank2, "GetAttestation", IDRequest{ID: "xyz"}, CodeInvalidArgument)
}

func TestSubmitRefusals(t *testing.T) {
	w := newWorld(t)
	subj := hexOf("borrower-2")
	revoked := w.keys[bank1]
	w.must(bank1, "RevokeKey", RevokeKeyRequest{MSPID: bank1, KID: w.kids[bank1]})
	w.addKey(bank1)

	future := w.defaultFor(bank1, subj, "loan-f", 100, 100)
	future.IssuedAt = w.now.Add(10 * time.Minute).Format(time.RFC3339)

	cases := []struct {
		name    string
		creator string
		jws     func() string
		code    string
	}{
		{"reporter is not the submitter", bank2, func() string {
			j, _ := w.sign(bank1, w.defaultFor(bank1, subj, "l1", 100, 100))
			return j
		}, ItemReporterMismatch},
		{"unknown kid", bank1, func() string {
			j, _, _ := attestation.Sign(w.defaultFor(bank1, subj, "l2", 100, 100), w.other, "no-such-kid")
			return j
		}, ItemUnknownKey},
		{"signed by another key under a registered kid", bank1, func() string {
			j, _, _ := attestation.Sign(w.defaultFor(bank1, subj, "l4", 100, 100), w.other, w.kids[bank1])
			return j
		}, attestation.CodeBadSignature},
		{"garbage", bank1, func() string { return "not.a.jws" }, attestation.CodeMalformed},
		{"issued in the future", bank1, func() string {
			j, _ := w.sign(bank1, future)
			return j
		}, attestation.CodeInvalidPayload},
		{"querier-only member files a default", bank3, func() string {
			j, _ := w.sign(bank3, w.defaultFor(bank3, subj, "l5", 100, 100))
			return j
		}, CodeForbidden},
		{"association files a default", assoc, func() string {
			j, _ := w.sign(assoc, w.defaultFor(assoc, subj, "l6", 100, 100))
			return j
		}, CodeForbidden},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w.t = t
			before := w.snapshot()
			r := w.submit(c.creator, c.jws())
			expectItem(t, r.Results[0], ItemRejected, c.code)
			if w.snapshot() != before {
				t.Fatal("a rejected item changed the state")
			}
		})
	}
	w.t = t

	old := w.defaultFor(bank1, subj, "l7", 100, 100)
	j, _, _ := attestation.Sign(old, revoked, bank1+"-k1")
	expectItem(t, w.submit(bank1, j).Results[0], ItemRejected, ItemRevokedKey)

	w.refuse(bank1, "SubmitAttestations", SubmitRequest{}, CodeInvalidArgument)
	w.refuse(bank1, "SubmitAttestations", SubmitRequest{Attestations: make([]string, MaxBatch+1)}, CodeInvalidArgument)
	w.refuse("OutsiderMSP", "SubmitAttestations", SubmitRequest{Attestations: []string{j}}, CodeForbidden)
}

func TestBatchIsAtomicPerItem(t *testing.T) {
	w := newWorld(t)
	subj := hexOf("borrower-3")
	good, goodID := w.sign(bank1, w.defaultFor(bank1, subj, "a", 100, 100))
	bad, _, _ := attestation.Sign(w.defaultFor(bank1, subj, "b", 100, 100), w.other, w.kids[bank1])
	// A settlement of a default filed earlier in the same batch sees it.
	settle, settleID := w.sign(bank1, w.closureFor(bank1, attestation.TypeSettlement, goodID, subj))
	r := w.submit(bank1, good, bad, good, settle)
	want := []string{ItemAccepted, ItemRejected, ItemDuplicate, ItemAccepted}
	for i, s := range want {
		if r.Results[i].Status != s || r.Results[i].Index != i {
			t.Fatalf("item %d = %+v, want %s", i, r.Results[i], s)
		}
	}
	if r.Accepted != 2 || r.Rejected != 1 || r.Duplicates != 1 || r.Results[3].ID != settleID {
		t.Fatalf("counts = %+v", r)
	}
	// Only the two accepted items left records: default, closure, and
	// their indexes; nothing of the rejected one.
	n := 0
	for k := range w.st.Data {
		if k[1:5] == "subj" {
			n++
		}
	}
	if n != 2 {
		t.Fatalf("%d subject records, want 2", n)
	}
	if s := w.status(subj); s.Listed || s.SettledRecords != 1 {
		t.Fatalf("status = %+v", s)
	}
}

func TestSettlementAndRevocation(t *testing.T) {
	w := newWorld(t)
	subj := hexOf("borrower-4")
	def := w.defaultFor(bank1, subj, "loan", 100, 9000)
	_, defID := w.sign(bank1, def)
	expectItem(t, w.file(bank1, def), ItemAccepted, "")

	expectItem(t, w.file(bank2, w.closureFor(bank2, attestation.TypeSettlement, defID, subj)), ItemRejected, CodeForbidden)
	expectItem(t, w.file(bank1, w.closureFor(bank1, attestation.TypeSettlement, hexOf("none"), subj)), ItemRejected, CodeNotFound)
	expectItem(t, w.file(bank1, w.closureFor(bank1, attestation.TypeSettlement, defID, hexOf("other subject"))), ItemRejected, attestation.CodeInvalidPayload)
	early := w.closureFor(bank1, attestation.TypeSettlement, defID, subj)
	early.SettledOn = "2020-01-01"
	expectItem(t, w.file(bank1, early), ItemRejected, attestation.CodeInvalidPayload)

	settle := w.closureFor(bank1, attestation.TypeSettlement, defID, subj)
	expectItem(t, w.file(bank1, settle), ItemAccepted, "")
	expectItem(t, w.file(bank1, settle), ItemDuplicate, "")
	second := w.closureFor(bank1, attestation.TypeSettlement, defID, subj)
	second.Kind = "negotiated"
	expectItem(t, w.file(bank1, second), ItemRejected, CodeFailedPrecondition)
	expectItem(t, w.file(bank1, w.closureFor(bank1, attestation.TypeRevocation, defID, subj)), ItemRejected, CodeFailedPrecondition)
	s := w.status(subj)
	if s.Listed || s.ActiveDefaults != 0 || s.SettledRecords != 1 || s.Records != 1 {
		t.Fatalf("after settlement: %+v", s)
	}

	// The association may revoke a member's default; a revoked loan can be
	// filed again with a corrected payload, but not with the revoked one.
	def2 := w.defaultFor(bank2, subj, "loan-2", 200, 7000)
	_, def2ID := w.sign(bank2, def2)
	expectItem(t, w.file(bank2, def2), ItemAccepted, "")
	expectItem(t, w.file(assoc, w.closureFor(assoc, attestation.TypeRevocation, def2ID, subj)), ItemAccepted, "")
	expectItem(t, w.file(bank2, def2), ItemRejected, CodeConflict)
	w.now = w.now.Add(time.Hour)
	expectItem(t, w.file(bank2, w.defaultFor(bank2, subj, "loan-2", 201, 6000)), ItemAccepted, "")
	var h History
	if err := w.call(bank1, "SubjectHistory", SubjectRequest{Subject: subj}, &h); err != nil {
		t.Fatal(err)
	}
	states := map[string]int{}
	for _, e := range h.Entries {
		states[e.State]++
	}
	if len(h.Entries) != 3 || states[StateSettled] != 1 || states[StateRevoked] != 1 || states[StateActive] != 1 {
		t.Fatalf("history states = %v", states)
	}
	var v AttestationView
	if err := w.call(bank1, "GetAttestation", IDRequest{ID: def2ID}, &v); err != nil || v.State != StateRevoked || v.ClosedBy == "" {
		t.Fatalf("revoked default view = %+v, %v", v, err)
	}
}
