package contract

import (
	"strings"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
)

func TestPolicyThresholds(t *testing.T) {
	w := newWorld(t)
	w.must(assoc, "SetPolicy", Policy{MinDaysPastDue: 90, MinAmount: map[string]int64{"CNY": 1000}, RetentionYears: 5, DisputeAnswerDays: 20})
	cases := []struct {
		dpd    int
		amount int64
		listed bool
		missed string
	}{
		{89, 5000, false, "daysPastDue"}, {90, 5000, true, ""}, {365, 999, false, "amount"}, {365, 1000, true, ""},
		{60, 1, false, "daysPastDue,amount"},
	}
	for i, c := range cases {
		subj := hexOf("threshold" + string(rune('a'+i)))
		p := w.defaultFor(bank1, subj, subj, c.dpd, c.amount)
		r := w.file(bank1, p)
		expectItem(t, r, ItemAccepted, "")
		// The result says whether the default lists its subject, and if
		// not, which minimum it missed: accepted alone would mislead.
		if r.Listed == nil || *r.Listed != c.listed {
			t.Errorf("dpd %d amount %d: result listed %v, want %v", c.dpd, c.amount, r.Listed, c.listed)
		}
		if c.listed != (r.BelowThreshold == nil) {
			t.Errorf("dpd %d amount %d: belowThreshold %+v", c.dpd, c.amount, r.BelowThreshold)
		} else if b := r.BelowThreshold; b != nil && (b.MinDaysPastDue != 90 || b.MinAmount != 1000 || b.Currency != "CNY" || strings.Join(b.Missed, ",") != c.missed) {
			t.Errorf("dpd %d amount %d: belowThreshold %+v, want missed %s", c.dpd, c.amount, b, c.missed)
		}
		// Filed again: a duplicate, with the same verdict.
		again, _ := w.sign(bank1, p)
		if d := w.submit(bank1, again).Results[0]; d.Status != ItemDuplicate || d.Listed == nil || *d.Listed != c.listed {
			t.Errorf("dpd %d amount %d: duplicate %+v", c.dpd, c.amount, d)
		}
		s := w.status(subj)
		if s.Listed != c.listed || s.Records != 1 {
			t.Errorf("dpd %d amount %d: listed %v, want %v", c.dpd, c.amount, s.Listed, c.listed)
		}
	}
	// Policy changes apply to records already on the ledger.
	w.must(assoc, "SetPolicy", Policy{MinDaysPastDue: 60, RetentionYears: 5, DisputeAnswerDays: 20})
	if s := w.status(hexOf("threshold" + "a")); !s.Listed {
		t.Error("89 days past due not listed after the minimum fell to 60")
	}
	var statuses []Status
	subjects := []string{hexOf("threshold" + "a"), hexOf("nobody")}
	if err := w.call(bank1, "SubjectStatuses", SubjectsRequest{Subjects: subjects}, &statuses); err != nil {
		t.Fatal(err)
	}
	if len(statuses) != 2 || !statuses[0].Listed || statuses[1].Listed || statuses[1].SubjectKey != subjects[1] {
		t.Fatalf("statuses = %+v", statuses)
	}
	w.refuse(bank1, "SubjectStatuses", SubjectsRequest{}, CodeInvalidArgument)
	w.refuse(bank1, "SubjectStatuses", SubjectsRequest{Subjects: make([]string, MaxSubjects+1)}, CodeInvalidArgument)
	w.refuse(bank1, "SubjectStatuses", SubjectsRequest{Subjects: []string{subjects[0], "NOTHEX"}}, CodeInvalidArgument)
	w.refuse(bank1, "SubjectStatus", SubjectRequest{Subject: "ABC"}, CodeInvalidArgument)
}

func TestQueriesNeedTheQuerierRole(t *testing.T) {
	w := newWorld(t)
	w.must(assoc, "AdmitMember", AdmitMemberRequest{MSPID: "ReporterOnlyMSP", LegalName: "R", CreditCode: "91350100M000100Y43", Roles: []string{RoleReporter}})
	subj := SubjectRequest{Subject: hexOf("q")}
	w.refuse("ReporterOnlyMSP", "SubjectStatus", subj, CodeForbidden)
	w.refuse("ReporterOnlyMSP", "SubjectHistory", subj, CodeForbidden)
	w.refuse("OutsiderMSP", "SubjectStatus", subj, CodeForbidden)
	w.must(assoc, "SubjectStatus", subj)
	w.must(bank3, "SubjectHistory", subj)
}

func TestRetention(t *testing.T) {
	w := newWorld(t)
	subj := hexOf("retained")
	def := w.defaultFor(bank1, subj, "loan", 100, 100)
	_, id := w.sign(bank1, def)
	expectItem(t, w.file(bank1, def), ItemAccepted, "")
	// An unsettled record stays however old it is.
	w.now = w.now.AddDate(20, 0, 0)
	if s := w.status(subj); !s.Listed {
		t.Fatal("an unsettled default expired")
	}
	expectItem(t, w.file(bank1, w.closureFor(bank1, attestation.TypeSettlement, id, subj)), ItemAccepted, "")
	settledAt := w.now
	if s := w.status(subj); s.Listed || s.SettledRecords != 1 {
		t.Fatalf("settled: %+v", s)
	}
	w.refuse(bank1, "PurgeExpired", PurgeRequest{}, CodeForbidden)
	w.refuse(assoc, "PurgeExpired", PurgeRequest{Limit: MaxPurge + 1}, CodeInvalidArgument)

	w.now = settledAt.AddDate(5, 0, 0).Add(-time.Nanosecond)
	if s := w.status(subj); s.SettledRecords != 1 || s.Records != 1 {
		t.Fatalf("a nanosecond before retention ends: %+v", s)
	}
	var pr PurgeResult
	if err := w.call(assoc, "PurgeExpired", PurgeRequest{}, &pr); err != nil || pr.Purged != 0 {
		t.Fatalf("early purge = %+v, %v", pr, err)
	}
	w.now = settledAt.AddDate(5, 0, 0)
	if s := w.status(subj); s.SettledRecords != 0 || s.Records != 0 {
		t.Fatalf("at the end of retention: %+v", s)
	}
	var h History
	if err := w.call(bank1, "SubjectHistory", SubjectRequest{Subject: subj}, &h); err != nil || len(h.Entries) != 0 {
		t.Fatalf("history past retention: %+v, %v", h, err)
	}
	w.refuse(bank1, "GetAttestation", IDRequest{ID: id}, CodeNotFound)
	if err := w.call(assoc, "PurgeExpired", PurgeRequest{}, &pr); err != nil || pr.Purged != 1 || pr.More {
		t.Fatalf("purge = %+v, %v", pr, err)
	}
	if len(w.st.Data) != w.baseKeys() {
		for k := range w.st.Data {
			t.Logf("left: %q", k)
		}
		t.Fatal("purge left keys behind")
	}
}

// baseKeys counts the keys of the consortium itself: config, policy, members.
func (w *world) baseKeys() int {
	n := 0
	for k := range w.st.Data {
		if k[1:7] == "config" || k[1:7] == "member" {
			n++
		}
	}
	return n
}

func TestPurgeIsBounded(t *testing.T) {
	w := newWorld(t)
	var jws []string
	var closures []string
	for i := 0; i < 5; i++ {
		subj := hexOf("p" + string(rune('a'+i)))
		j, id := w.sign(bank1, w.defaultFor(bank1, subj, subj, 100, 100))
		c, _ := w.sign(bank1, w.closureFor(bank1, attestation.TypeRevocation, id, subj))
		jws, closures = append(jws, j), append(closures, c)
	}
	w.submit(bank1, jws...)
	w.submit(bank1, closures...)
	w.now = w.now.AddDate(5, 0, 1)
	var pr PurgeResult
	if err := w.call(assoc, "PurgeExpired", PurgeRequest{Limit: 3}, &pr); err != nil || pr.Purged != 3 || !pr.More {
		t.Fatalf("first purge = %+v, %v", pr, err)
	}
	if err := w.call(assoc, "PurgeExpired", PurgeRequest{Limit: 3}, &pr); err != nil || pr.Purged != 2 || pr.More {
		t.Fatalf("second purge = %+v, %v", pr, err)
	}
	if len(w.st.Data) != w.baseKeys() {
		t.Fatal("purge left keys behind")
	}
}
