package contract

import (
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
)

func TestDisputes(t *testing.T) {
	w := newWorld(t)
	subj := hexOf("disputing subject")
	def := w.defaultFor(bank1, subj, "loan", 100, 100)
	_, defID := w.sign(bank1, def)
	expectItem(t, w.file(bank1, def), ItemAccepted, "")
	settleP := w.closureFor(bank1, attestation.TypeSettlement, defID, subj)

	open := OpenDisputeRequest{AttestationID: defID, ReasonCode: "not-mine", StatementDigest: hexOf("statement")}
	w.refuse(bank2, "OpenDispute", OpenDisputeRequest{AttestationID: hexOf("x"), ReasonCode: "not-mine", StatementDigest: hexOf("s")}, CodeNotFound)
	w.refuse(bank2, "OpenDispute", OpenDisputeRequest{AttestationID: defID, ReasonCode: "because", StatementDigest: hexOf("s")}, CodeInvalidArgument)
	w.refuse(bank2, "OpenDispute", OpenDisputeRequest{AttestationID: defID, ReasonCode: "other", StatementDigest: "short"}, CodeInvalidArgument)
	w.refuse("OutsiderMSP", "OpenDispute", open, CodeForbidden)

	var d Dispute
	if err := w.call(bank2, "OpenDispute", open, &d); err != nil {
		t.Fatal(err)
	}
	if d.State != DisputeOpen || d.Reporter != bank1 || d.OpenedBy != bank2 || d.DueBy != FormatTime(w.now.AddDate(0, 0, 20)) {
		t.Fatalf("opened = %+v", d)
	}
	w.refuse(bank3, "OpenDispute", open, CodeConflict)
	if s := w.status(subj); !s.Disputed || !s.Listed || s.OverdueDisputes != 0 {
		t.Fatalf("disputed status = %+v", s)
	}

	// Twenty days later an unanswered dispute is overdue.
	w.now = w.now.AddDate(0, 0, 20)
	if s := w.status(subj); s.OverdueDisputes != 1 {
		t.Fatalf("overdue status = %+v", s)
	}
	var list []Dispute
	if err := w.call(assoc, "ListDisputes", ListDisputesRequest{State: DisputeOverdue}, &list); err != nil || len(list) != 1 || !list[0].Overdue {
		t.Fatalf("overdue list = %+v, %v", list, err)
	}
	if err := w.call(bank3, "ListDisputes", ListDisputesRequest{}, &list); err != nil || len(list) != 0 {
		t.Fatalf("bank3 sees others' disputes: %+v, %v", list, err)
	}
	w.refuse(assoc, "ListDisputes", ListDisputesRequest{State: "closed"}, CodeInvalidArgument)

	resolve := ResolveDisputeRequest{DisputeID: d.ID, Outcome: DisputeUpheld, Note: "loan belonged to a namesake"}
	w.refuse(bank2, "ResolveDispute", resolve, CodeForbidden)
	w.refuse(bank1, "ResolveDispute", ResolveDisputeRequest{DisputeID: d.ID, Outcome: "maybe", Note: "x"}, CodeInvalidArgument)
	w.refuse(bank1, "ResolveDispute", ResolveDisputeRequest{DisputeID: hexOf("none"), Outcome: DisputeUpheld, Note: "x"}, CodeNotFound)
	if err := w.call(bank1, "ResolveDispute", resolve, &d); err != nil {
		t.Fatal(err)
	}
	if d.State != DisputeUpheld || !d.AnsweredLate || d.ResolvedBy != bank1 {
		t.Fatalf("resolved = %+v", d)
	}
	w.refuse(assoc, "ResolveDispute", resolve, CodeConflict)
	if s := w.status(subj); s.Listed || s.Disputed || s.Records != 1 {
		t.Fatalf("overturned status = %+v", s)
	}
	// An overturned default can be neither settled nor disputed again.
	expectItem(t, w.file(bank1, settleP), ItemRejected, CodeFailedPrecondition)
	w.refuse(bank2, "OpenDispute", open, CodeFailedPrecondition)
	if err := w.call(bank2, "ListDisputes", ListDisputesRequest{State: DisputeUpheld}, &list); err != nil || len(list) != 1 {
		t.Fatalf("upheld list = %+v, %v", list, err)
	}
}

func TestDisputeRejectedAndAssociationResolves(t *testing.T) {
	w := newWorld(t)
	subj := hexOf("subject r")
	def := w.defaultFor(bank2, subj, "loan", 100, 100)
	_, defID := w.sign(bank2, def)
	expectItem(t, w.file(bank2, def), ItemAccepted, "")
	settle, settleID := w.sign(bank2, w.closureFor(bank2, attestation.TypeSettlement, defID, subj))
	w.submit(bank2, settle)
	// Disputes apply to defaults, not to settlements, but a settled default
	// can still be disputed while it is visible.
	w.refuse(bank1, "OpenDispute", OpenDisputeRequest{AttestationID: settleID, ReasonCode: "other", StatementDigest: hexOf("s")}, CodeInvalidArgument)
	var d Dispute
	if err := w.call(assoc, "OpenDispute", OpenDisputeRequest{AttestationID: defID, ReasonCode: "dates-wrong", StatementDigest: hexOf("s")}, &d); err != nil {
		t.Fatal(err)
	}
	w.now = w.now.Add(time.Hour)
	if err := w.call(assoc, "ResolveDispute", ResolveDisputeRequest{DisputeID: d.ID, Outcome: DisputeRejected, Note: "dates checked"}, &d); err != nil {
		t.Fatal(err)
	}
	if d.State != DisputeRejected || d.AnsweredLate {
		t.Fatalf("rejected = %+v", d)
	}
	var h History
	if err := w.call(bank1, "SubjectHistory", SubjectRequest{Subject: subj}, &h); err != nil || len(h.Entries) != 1 || h.Entries[0].State != StateSettled || len(h.Entries[0].Disputes) != 1 ||
		h.Entries[0].Default.JWS == "" || h.Entries[0].Closure == nil || h.Entries[0].Closure.JWS != settle {
		t.Fatalf("history = %+v, %v", h, err)
	}
	// Revoked defaults cannot be disputed.
	d2 := w.defaultFor(bank2, subj, "loan-2", 100, 100)
	_, d2ID := w.sign(bank2, d2)
	w.file(bank2, d2)
	w.file(bank2, w.closureFor(bank2, attestation.TypeRevocation, d2ID, subj))
	w.refuse(bank1, "OpenDispute", OpenDisputeRequest{AttestationID: d2ID, ReasonCode: "other", StatementDigest: hexOf("s")}, CodeFailedPrecondition)
}
