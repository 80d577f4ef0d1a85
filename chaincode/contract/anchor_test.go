package contract

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
)

func head(s string) string { return hexOf(s) }

// logA is the log most anchors of the tests are in.
var logA = head("first entry")

func (w *world) anchorSig(member string, k *ecdsa.PrivateKey, size uint64, h string) string {
	sum := sha256.Sum256(AnchorMessage(member, logA, size, h))
	sig, err := ecdsa.SignASN1(rand.Reader, k, sum[:])
	if err != nil {
		w.t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(sig)
}

func TestAnchorAuditRefusals(t *testing.T) {
	w := newWorld(t)
	// Not a member.
	w.refuse("EvilMSP", "AnchorAudit", AnchorAuditRequest{Log: logA, Size: 2, Head: head("a")}, CodeForbidden)
	// Malformed heads and sizes.
	for _, bad := range []AnchorAuditRequest{
		{Log: logA, Size: 0, Head: head("a")},
		{Log: logA, Size: 2, Head: ""},
		{Log: logA, Size: 2, Head: strings.ToUpper(head("a"))},
		{Log: logA, Size: 2, Head: head("a")[:63]},
		{Log: logA, Size: 2, Head: head("a") + "0"},
		{Log: "", Size: 2, Head: head("a")},
		{Log: "xyz", Size: 2, Head: head("a")},
		{Log: logA, Size: 1, Head: head("a")}, // at size 1 the head is the log's first entry
		{Log: logA, Size: 2, Head: head("a"), KID: w.kids[bank1]},
		{Log: logA, Size: 2, Head: head("a"), Signature: "AAAA"},
	} {
		w.refuse(bank1, "AnchorAudit", bad, CodeInvalidArgument)
	}
	w.refuse(bank1, "AnchorAudit", map[string]any{"log": logA, "size": 2, "head": head("a"), "member": bank2}, CodeInvalidArgument)
	// A signature by another key, or over another head, or by an unknown kid.
	w.refuse(bank1, "AnchorAudit", AnchorAuditRequest{Log: logA, Size: 2, Head: head("a"), KID: w.kids[bank1],
		Signature: w.anchorSig(bank1, w.other, 2, head("a"))}, CodeInvalidArgument)
	w.refuse(bank1, "AnchorAudit", AnchorAuditRequest{Log: logA, Size: 2, Head: head("a"), KID: w.kids[bank1],
		Signature: w.anchorSig(bank1, w.keys[bank1], 2, head("b"))}, CodeInvalidArgument)
	w.refuse(bank1, "AnchorAudit", AnchorAuditRequest{Log: logA, Size: 2, Head: head("a"), KID: w.kids[bank2],
		Signature: w.anchorSig(bank1, w.keys[bank2], 2, head("a"))}, CodeForbidden)

	w.must(bank1, "AnchorAudit", AnchorAuditRequest{Log: logA, Size: 10, Head: head("a")})
	// The size only grows; the same size with another head is a rewrite.
	w.refuse(bank1, "AnchorAudit", AnchorAuditRequest{Log: logA, Size: 9, Head: head("b")}, CodeFailedPrecondition)
	w.refuse(bank1, "AnchorAudit", AnchorAuditRequest{Log: logA, Size: 10, Head: head("b")}, CodeConflict)
	// An expelled member no longer anchors.
	w.must(assoc, "ExpelMember", MemberStatusRequest{MSPID: bank2, Reason: "fraud"})
	w.refuse(bank2, "AnchorAudit", AnchorAuditRequest{Log: logA, Size: 2, Head: head("a")}, CodeForbidden)
	// Reading anchors: members only, a valid member name.
	w.refuse("EvilMSP", "ListAuditAnchors", ListAuditAnchorsRequest{Member: bank1}, CodeForbidden)
	w.refuse(bank1, "ListAuditAnchors", ListAuditAnchorsRequest{Member: "a b"}, CodeInvalidArgument)
}

func TestAnchorAudit(t *testing.T) {
	w := newWorld(t)
	var a AuditAnchor
	if err := w.call(bank1, "AnchorAudit", AnchorAuditRequest{Log: logA, Size: 3, Head: head("a")}, &a); err != nil {
		t.Fatal(err)
	}
	if a.Member != bank1 || a.Size != 3 || a.Head != head("a") || a.TxID == "" || a.AnchoredAt == "" {
		t.Fatalf("anchor = %+v", a)
	}
	// The same head again is a retry: accepted, nothing new stored.
	before := w.snapshot()
	w.must(bank1, "AnchorAudit", AnchorAuditRequest{Log: logA, Size: 3, Head: head("a")})
	if w.snapshot() != before {
		t.Fatal("a repeated anchor wrote")
	}
	// Signed with the member's registered key.
	w.must(bank1, "AnchorAudit", AnchorAuditRequest{Log: logA, Size: 5, Head: head("b"), KID: w.kids[bank1],
		Signature: w.anchorSig(bank1, w.keys[bank1], 5, head("b"))})
	// Another member's anchors are its own: same sizes, no interference.
	w.must(bank2, "AnchorAudit", AnchorAuditRequest{Log: logA, Size: 3, Head: head("c")})
	// A suspended member still anchors: auditing it matters more then.
	w.must(assoc, "SuspendMember", MemberStatusRequest{MSPID: bank1, Reason: "audit"})
	w.must(bank1, "AnchorAudit", AnchorAuditRequest{Log: logA, Size: 8, Head: head("d")})
	// The association anchors its own node's log too.
	w.must(assoc, "AnchorAudit", AnchorAuditRequest{Log: logA, Size: 1, Head: logA})
	// A new log of the member (its node lost its store) starts beside the
	// old one, in plain sight, at size 1.
	logB := head("another first entry")
	w.must(bank1, "AnchorAudit", AnchorAuditRequest{Log: logB, Size: 1, Head: logB})

	var list []AuditAnchor
	if err := w.call(bank2, "ListAuditAnchors", ListAuditAnchorsRequest{Member: bank1}, &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 4 || list[0].Size != 3 || list[1].Size != 5 || list[1].KID != w.kids[bank1] || list[2].Size != 8 || list[2].Head != head("d") ||
		list[0].Log != logA || list[3].Log != logB || list[3].Size != 1 {
		t.Fatalf("anchors of bank1 = %+v", list)
	}
	// Each anchor has its own key: bank2's anchor is not bank1's.
	if err := w.call(bank1, "ListAuditAnchors", ListAuditAnchorsRequest{Member: bank2}, &list); err != nil || len(list) != 1 || list[0].Head != head("c") {
		t.Fatalf("anchors of bank2 = %+v %v", list, err)
	}
	if !IsReadOnly("ListAuditAnchors") || IsReadOnly("AnchorAudit") {
		t.Fatal("read-only flags")
	}
}

func TestReportBudgetExceeded(t *testing.T) {
	w := newWorld(t)
	good := ReportBudgetExceededRequest{Kind: BudgetDerivations, Day: "2026-03-01", Count: 10001, Budget: 10000}
	w.refuse("EvilMSP", "ReportBudgetExceeded", good, CodeForbidden)
	for _, bad := range []ReportBudgetExceededRequest{
		{Kind: "reads", Day: "2026-03-01", Count: 2, Budget: 1},
		{Kind: BudgetLookups, Day: "2026-3-1", Count: 2, Budget: 1},
		{Kind: BudgetLookups, Day: "2026-03-01", Count: 1, Budget: 1},
		{Kind: BudgetLookups, Day: "2026-03-01", Count: 1, Budget: 0},
	} {
		w.refuse(bank1, "ReportBudgetExceeded", bad, CodeInvalidArgument)
	}
	var b BudgetExceeded
	if err := w.call(bank1, "ReportBudgetExceeded", good, &b); err != nil {
		t.Fatal(err)
	}
	if b.Member != bank1 || b.Association != assoc || b.Count != 10001 || w.st.Event != EventBudgetExceeded {
		t.Fatalf("report = %+v, event %q", b, w.st.Event)
	}
	// Once a day per kind: a second report changes nothing.
	before := w.snapshot()
	w.st.Event = ""
	w.must(bank1, "ReportBudgetExceeded", ReportBudgetExceededRequest{Kind: BudgetDerivations, Day: "2026-03-01", Count: 20000, Budget: 10000})
	if w.snapshot() != before || w.st.Event != "" {
		t.Fatal("a second report of the same day wrote or announced")
	}
	w.must(bank1, "ReportBudgetExceeded", ReportBudgetExceededRequest{Kind: BudgetLookups, Day: "2026-03-01", Count: 3, Budget: 2})
	w.must(assoc, "ExpelMember", MemberStatusRequest{MSPID: bank2, Reason: "fraud"})
	w.refuse(bank2, "ReportBudgetExceeded", good, CodeForbidden)
}

func TestPolicyBudgets(t *testing.T) {
	w := newWorld(t)
	var p Policy
	if err := w.call(bank1, "GetPolicy", nil, &p); err != nil || p.DailyDerivations != DefaultDailyDerivations || p.DailyLookups != DefaultDailyLookups {
		t.Fatalf("default budgets: %+v %v", p, err)
	}
	base := Policy{MinDaysPastDue: 90, RetentionYears: 5, DisputeAnswerDays: 20}
	for _, bad := range []Policy{{DailyDerivations: -1}, {DailyLookups: -5}, {DailyLookups: maxDailyBudget + 1}} {
		q := base
		q.DailyDerivations, q.DailyLookups = bad.DailyDerivations, bad.DailyLookups
		w.refuse(assoc, "SetPolicy", q, CodeInvalidArgument)
	}
	q := base
	q.DailyDerivations = 5
	w.must(assoc, "SetPolicy", q)
	if err := w.call(bank1, "GetPolicy", nil, &p); err != nil || p.DailyDerivations != 5 || p.DailyLookups != DefaultDailyLookups {
		t.Fatalf("budgets after SetPolicy: %+v %v", p, err)
	}
	if (&Policy{}).Budget(BudgetLookups) != DefaultDailyLookups || p.Budget(BudgetDerivations) != 5 {
		t.Fatal("Budget")
	}
}
