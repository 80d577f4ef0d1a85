package contract

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

func (w *world) protections(subject string) Protections {
	w.t.Helper()
	var out Protections
	if err := w.call(bank3, "ListProtections", ProtectionRequest{Subject: subject}, &out); err != nil {
		w.t.Fatal(err)
	}
	return out
}

func TestProtectionRefusals(t *testing.T) {
	w := newWorld(t)
	subj := hexOf("victim")
	ok := RegisterProtectionRequest{Subject: subj, ReasonCode: ProtectionDocumentsStolen, CaseRef: hexOf("case 1")}

	// Who may register: not an outsider, not a suspended member.
	w.refuse("OutsiderMSP", "RegisterProtection", ok, CodeForbidden)
	w.must(assoc, "SuspendMember", MemberStatusRequest{MSPID: bank2, Reason: "audit"})
	w.refuse(bank2, "RegisterProtection", ok, CodeForbidden)
	w.must(assoc, "ReinstateMember", MemberStatusRequest{MSPID: bank2, Reason: "done"})

	// What: a subject key, a listed reason, a digest as case reference.
	for name, req := range map[string]RegisterProtectionRequest{
		"raw ID as subject":      {Subject: "11010519491231002X", ReasonCode: ProtectionDocumentsLost, CaseRef: hexOf("c")},
		"unknown reason":         {Subject: subj, ReasonCode: "lost-wallet", CaseRef: hexOf("c")},
		"no reason":              {Subject: subj, CaseRef: hexOf("c")},
		"raw ID in caseRef":      {Subject: subj, ReasonCode: ProtectionDocumentsLost, CaseRef: "11010519491231002X"},
		"case text in caseRef":   {Subject: subj, ReasonCode: ProtectionDocumentsLost, CaseRef: "police report 2026/123, stolen wallet"},
		"upper-case hex caseRef": {Subject: subj, ReasonCode: ProtectionDocumentsLost, CaseRef: "ABCDEF" + hexOf("c")[6:]},
	} {
		t.Run(name, func(t *testing.T) {
			w.t = t
			w.refuse(bank1, "RegisterProtection", req, CodeInvalidArgument)
		})
	}
	w.t = t
	if err := w.call(bank1, "RegisterProtection", map[string]string{"subject": subj, "reasonCode": "impersonation", "caseRef": hexOf("c"), "note": "x"}, nil); err == nil {
		t.Fatal("an unknown field was accepted")
	}

	// Renewing or removing what is not there.
	w.refuse(bank1, "RenewProtection", ProtectionRequest{Subject: subj}, CodeNotFound)
	w.refuse(bank1, "RemoveProtection", ProtectionRequest{Subject: subj}, CodeNotFound)
	w.refuse(bank1, "RemoveProtection", ProtectionRequest{Subject: "nope"}, CodeInvalidArgument)

	w.must(bank1, "RegisterProtection", ok)
	// One registration in force at a time; another member renews nothing
	// and removes nothing of Bank1's.
	w.refuse(bank2, "RegisterProtection", ok, CodeConflict)
	w.refuse(bank2, "RenewProtection", ProtectionRequest{Subject: subj}, CodeForbidden)
	w.refuse(bank2, "RemoveProtection", ProtectionRequest{Subject: subj}, CodeForbidden)
	w.refuse(bank3, "RemoveProtection", ProtectionRequest{Subject: subj}, CodeForbidden)
	// Reading is a read of the subject: not for an outsider.
	w.refuse("OutsiderMSP", "ListProtections", ProtectionRequest{Subject: subj}, CodeForbidden)
	// A suspended registrant removes nothing until reinstated.
	w.must(assoc, "SuspendMember", MemberStatusRequest{MSPID: bank1, Reason: "audit"})
	w.refuse(bank1, "RemoveProtection", ProtectionRequest{Subject: subj}, CodeForbidden)
	w.refuse(bank1, "RenewProtection", ProtectionRequest{Subject: subj}, CodeForbidden)
	w.must(assoc, "ReinstateMember", MemberStatusRequest{MSPID: bank1, Reason: "done"})

	w.refuse(assoc, "SetPolicy", Policy{MinDaysPastDue: 90, RetentionYears: 5, DisputeAnswerDays: 20, ProtectionMonths: 121}, CodeInvalidArgument)
	w.refuse(assoc, "SetPolicy", Policy{MinDaysPastDue: 90, RetentionYears: 5, DisputeAnswerDays: 20, ProtectionMonths: -1}, CodeInvalidArgument)
}

func TestProtectionLifecycle(t *testing.T) {
	w := newWorld(t)
	subj := hexOf("victim")
	// A querier-only member registers on the subject's behalf: any active
	// member may.
	var p Protection
	if err := w.call(bank3, "RegisterProtection", RegisterProtectionRequest{Subject: subj, ReasonCode: ProtectionImpersonation, CaseRef: hexOf("case")}, &p); err != nil {
		t.Fatal(err)
	}
	since := w.now
	until := since.AddDate(0, DefaultProtectionMonths, 0)
	if p.RegisteredBy != bank3 || p.Since != FormatTime(since) || p.Until != FormatTime(until) || p.State != ProtectionActive {
		t.Fatalf("registered = %+v", p)
	}
	if w.st.Event != EventProtections {
		t.Fatalf("event = %q", w.st.Event)
	}
	var ev ProtectionEvent
	if err := json.Unmarshal(w.st.Payload, &ev); err != nil || ev.Action != ProtectionRegistered || ev.Subject != subj || ev.By != bank3 || ev.Until != p.Until {
		t.Fatalf("event = %+v, %v", ev, err)
	}

	// Protected, and never listed by it.
	s := w.status(subj)
	want := &Protected{Since: p.Since, Until: p.Until, ReasonCode: ProtectionImpersonation}
	if s.Listed || s.Protected == nil || *s.Protected != *want {
		t.Fatalf("status = %+v", s)
	}

	// A default on the protected subject is accepted with a warning; one
	// on another subject has none.
	r := w.file(bank1, w.defaultFor(bank1, subj, "fraud loan", 120, 5000))
	if r.Status != ItemAccepted || !slices.Equal(r.Warnings, []string{WarningSubjectProtected}) {
		t.Fatalf("default on a protected subject = %+v", r)
	}
	if r := w.file(bank1, w.defaultFor(bank1, hexOf("other"), "loan", 120, 5000)); r.Status != ItemAccepted || r.Warnings != nil {
		t.Fatalf("default on another subject = %+v", r)
	}
	if s := w.status(subj); !s.Listed || s.Protected == nil {
		t.Fatalf("status after the default = %+v", s)
	}
	var h History
	if err := w.call(bank2, "SubjectHistory", SubjectRequest{Subject: subj}, &h); err != nil || h.Protected == nil || *h.Protected != *want {
		t.Fatalf("history = %+v, %v", h, err)
	}

	// Expiry at the boundary, by transaction time: a nanosecond before
	// Until it is in force, at Until it is not.
	w.now = until.Add(-time.Nanosecond)
	if w.status(subj).Protected == nil {
		t.Fatal("expired before its end")
	}
	// Renewal just before expiry: a full period from the renewal.
	w.now = until.Add(-time.Hour)
	if err := w.call(bank3, "RenewProtection", ProtectionRequest{Subject: subj}, &p); err != nil {
		t.Fatal(err)
	}
	renewedUntil := w.now.AddDate(0, DefaultProtectionMonths, 0)
	if p.Until != FormatTime(renewedUntil) || p.Renewals != 1 || p.Since != FormatTime(since) {
		t.Fatalf("renewed = %+v", p)
	}
	w.now = until
	if s := w.status(subj); s.Protected == nil || s.Protected.Until != p.Until {
		t.Fatalf("renewed protection at the old end: %+v", s.Protected)
	}
	w.now = renewedUntil
	if s := w.status(subj); s.Protected != nil {
		t.Fatalf("still protected at its end: %+v", s.Protected)
	}
	w.refuse(bank3, "RenewProtection", ProtectionRequest{Subject: subj}, CodeNotFound)
	if l := w.protections(subj); l.Protected != nil || len(l.Protections) != 1 || l.Protections[0].State != ProtectionExpired {
		t.Fatalf("after expiry: %+v", l)
	}

	// Registered anew (expired registrations do not block), then removed
	// by the association; the history keeps both.
	w.must(bank2, "RegisterProtection", RegisterProtectionRequest{Subject: subj, ReasonCode: ProtectionDocumentsLost, CaseRef: hexOf("case 2")})
	w.now = w.now.Add(time.Hour)
	if err := w.call(assoc, "RemoveProtection", ProtectionRequest{Subject: subj}, &p); err != nil || p.RemovedBy != assoc || p.State != ProtectionEnded {
		t.Fatalf("removed = %+v, %v", p, err)
	}
	l := w.protections(subj)
	if l.Protected != nil || len(l.Protections) != 2 || l.Protections[0].State != ProtectionEnded || l.Protections[1].State != ProtectionExpired {
		t.Fatalf("history = %+v", l)
	}
	if s := w.status(subj); s.Protected != nil {
		t.Fatalf("removed but protected: %+v", s)
	}

	// The registrant removes its own.
	other := hexOf("second victim")
	w.must(bank1, "RegisterProtection", RegisterProtectionRequest{Subject: other, ReasonCode: ProtectionDataBreach, CaseRef: hexOf("case 3")})
	w.must(bank1, "RemoveProtection", ProtectionRequest{Subject: other})

	// Retention: the history stays five years after each end, then the
	// association's purge deletes it, with its closed/ entry.
	end := l.Protections[0].RemovedAt
	endT, _ := time.Parse(timeLayout, end)
	w.now = endT.AddDate(5, 0, 0).Add(-time.Second)
	// The expired registration ended an hour before the removed one: it
	// has left the history, the removed one has not.
	if l := w.protections(subj); len(l.Protections) != 1 || l.Protections[0].RemovedAt != end {
		t.Fatalf("before retention ends: %+v", l)
	}
	w.now = endT.AddDate(5, 0, 0)
	var pr PurgeResult
	if err := w.call(assoc, "PurgeExpired", PurgeRequest{}, &pr); err != nil {
		t.Fatal(err)
	}
	if l := w.protections(subj); len(l.Protections) != 0 {
		t.Fatalf("after purge: %+v", l)
	}
	for k := range w.st.Data {
		if (strings.Contains(k, "\x00r\x00") || strings.Contains(k, "closed")) && strings.Contains(k, subj) {
			t.Fatalf("left behind: %q", k)
		}
	}
	if err := w.call(assoc, "PurgeExpired", PurgeRequest{}, &pr); err != nil || pr.Purged != 0 || pr.More {
		t.Fatalf("second purge = %+v, %v", pr, err)
	}
}

func TestProtectionPeriodFromPolicy(t *testing.T) {
	w := newWorld(t)
	pol := DefaultPolicy()
	pol.ProtectionMonths = 6
	w.must(assoc, "SetPolicy", pol)
	var p Protection
	if err := w.call(assoc, "RegisterProtection", RegisterProtectionRequest{Subject: hexOf("s"), ReasonCode: ProtectionDocumentsLost, CaseRef: hexOf("c")}, &p); err != nil {
		t.Fatal(err)
	}
	if p.Until != FormatTime(w.now.AddDate(0, 6, 0)) {
		t.Fatalf("until = %s", p.Until)
	}
}

// FactsReader computes what SubjectStatus answers, with the active
// defaults behind it, outside a transaction.
func TestFactsMatchSubjectStatus(t *testing.T) {
	w := newWorld(t)
	subjects := []string{hexOf("f1"), hexOf("f2"), hexOf("f3"), hexOf("nobody")}
	w.file(bank1, w.defaultFor(bank1, subjects[0], "a", 100, 500))
	w.file(bank2, w.defaultFor(bank2, subjects[0], "b", 200, 700))
	r := w.file(bank1, w.defaultFor(bank1, subjects[1], "c", 100, 900))
	w.file(bank1, w.closureFor(bank1, "settlement", r.ID, subjects[1]))
	w.file(bank2, w.defaultFor(bank2, subjects[2], "d", 60, 900)) // below the threshold
	w.must(bank1, "RegisterProtection", RegisterProtectionRequest{Subject: subjects[2], ReasonCode: ProtectionDataBreach, CaseRef: hexOf("c")})
	pol, err := ReadPolicy(w.st)
	if err != nil {
		t.Fatal(err)
	}
	fr := NewFactsReader(w.st, pol, w.now)
	for i, s := range subjects {
		f, err := fr.Facts(s)
		if err != nil {
			t.Fatal(err)
		}
		want := w.status(s)
		a, _ := json.Marshal(f.Status)
		b, _ := json.Marshal(want)
		if string(a) != string(b) || len(f.Active) != want.ActiveDefaults {
			t.Fatalf("subject %d: facts %s %+v, status %s", i, a, f.Active, b)
		}
	}
	if _, err := fr.Facts("11010519491231002X"); err == nil {
		t.Fatal("a raw ID was read")
	}
	w.refuse(assoc, "SetPolicy", Policy{MinDaysPastDue: 90, RetentionYears: 5, DisputeAnswerDays: 20, PoolMinCount: 1}, CodeInvalidArgument)
	w.refuse(assoc, "SetPolicy", Policy{MinDaysPastDue: 90, RetentionYears: 5, DisputeAnswerDays: 20, PoolMinCount: 1001}, CodeInvalidArgument)
	pol.PoolMinCount, pol.UpdatedAt = 25, ""
	w.must(assoc, "SetPolicy", pol)
	if p, _ := ReadPolicy(w.st); p.MinCount() != 25 {
		t.Fatalf("min count %d", p.MinCount())
	}
}
