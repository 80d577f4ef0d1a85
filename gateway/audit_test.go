package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/node"
	"github.com/assoc-ledger/blacklist/node/alert"
)

// ric builds a valid PRC resident ID number (ISO 7064 MOD 11-2 check
// character) with sequence i.
func ric(i int) string {
	body := fmt.Sprintf("110105%s%03d", time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i/900).Format("20060102"), i%900+1)
	sum, w := 0, 1
	for k := 16; k >= 0; k-- {
		w = w * 2 % 11
		sum += int(body[k]-'0') * w
	}
	return body + string("10X98765432"[sum%11])
}

// setBudget sets the association's policy with a derivation budget.
func (e *env) setBudget(derivations int) {
	e.t.Helper()
	var p map[string]any
	if st, _ := e.call("GET", "/v1/policy", "assoc-admin", nil, &p); st != 200 {
		e.t.Fatalf("get policy: %d", st)
	}
	delete(p, "updatedAt")
	p["dailyDerivations"] = derivations
	if st, _ := e.call("PUT", "/v1/policy", "assoc-admin", p, &p); st != 200 || p["dailyDerivations"] != float64(derivations) {
		e.t.Fatalf("set policy: %d %v", st, p)
	}
}

// TestEnumerationIsAuditedBudgetedAndAlerted is the attack of issue 10: a
// member turns many candidate identity numbers into subject keys (by
// import and one by one). Each one leaves an audit entry, the member hits
// its daily budget (429), and the association is alerted.
func TestEnumerationIsAuditedBudgetedAndAlerted(t *testing.T) {
	e := newEnv(t, DefaultOptions())
	e.setBudget(50)

	var lines strings.Builder
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&lines, `{"idType":"cn-ric","idNumber":"%s"}`+"\n", ric(i))
	}
	var imp importOut
	if st := e.upload("/v1/watchlist/import", "bank1-app", "application/x-ndjson", strings.NewReader(lines.String()), &imp); st != 200 || imp.Imported != 40 {
		t.Fatalf("import: %d %+v", st, imp)
	}
	for i := 40; i < 50; i++ {
		e.subjectKey(ric(i))
	}
	// The 51st derivation of the day is refused.
	p := e.expect("POST", "/v1/subject-keys", "bank1-app", map[string]string{"idType": "cn-ric", "idNumber": ric(50)}, 429, CodeBudgetExceeded)
	if !strings.Contains(p.Detail, "50") {
		t.Errorf("problem detail %q does not name the budget", p.Detail)
	}
	_, h := e.call("POST", "/v1/subject-keys", "bank1-app", map[string]string{"idType": "cn-ric", "idNumber": ric(51)}, nil)
	if ra, err := strconv.Atoi(h.Get("Retry-After")); err != nil || ra < 1 || ra > 86401 {
		t.Errorf("Retry-After %q is not the time to the next Shanghai midnight", h.Get("Retry-After"))
	}
	// A lookup by raw IDs derives them too: refused whole, each audited.
	e.expect("POST", "/v1/lookups", "bank1-app", map[string]any{"purpose": "loan-approval",
		"ids": []map[string]string{{"idType": "cn-ric", "idNumber": ric(60)}, {"idType": "cn-ric", "idNumber": ric(61)}}}, 429, CodeBudgetExceeded)
	// An import past the budget rejects the lines, each audited.
	lines.Reset()
	for i := 52; i < 55; i++ {
		fmt.Fprintf(&lines, `{"idType":"cn-ric","idNumber":"%s"}`+"\n", ric(i))
	}
	var over struct {
		importOut
		Errors []struct{ Message string }
	}
	if st := e.upload("/v1/watchlist/import", "bank1-app", "application/x-ndjson", strings.NewReader(lines.String()), &over); st != 200 ||
		over.Rejected != 3 || len(over.Errors) != 3 || !strings.Contains(over.Errors[0].Message, "budget") {
		t.Fatalf("import over budget: %d %+v", st, over)
	}
	// Another member's budget is its own.
	var out struct{ SubjectKey string }
	if st, _ := e.call("POST", "/v1/subject-keys", "bank2-app", map[string]string{"idType": "cn-ric", "idNumber": ric(0)}, &out); st != 200 {
		t.Fatalf("bank2's derivation: %d", st)
	}

	// One audit entry per identity number, with its outcome.
	var audit struct{ Entries []node.AuditEntry }
	if st, _ := e.call("GET", "/v1/audit/queries?member=Bank1MSP", "auditor", nil, &audit); st != 200 {
		t.Fatalf("audit: %d", st)
	}
	outcomes := map[string]int{}
	for _, en := range audit.Entries {
		if en.Kind == node.AuditDerive {
			outcomes[en.Outcome]++
		}
	}
	if outcomes[node.OutcomeOK] != 50 || outcomes[node.OutcomeOverBudget] != 7 {
		t.Fatalf("derive entries by outcome: %v", outcomes)
	}
	// A refused derivation is findable by its subject, from the index.
	refused := audit.Entries[len(audit.Entries)-1].Subject
	var bySubject struct{ Entries []node.AuditEntry }
	e.call("GET", "/v1/audit/queries?subject="+refused, "auditor", nil, &bySubject)
	if len(bySubject.Entries) != 1 || bySubject.Entries[0].Outcome != node.OutcomeOverBudget || bySubject.Entries[0].Client != "bank1-app" {
		t.Fatalf("by subject: %+v", bySubject.Entries)
	}

	// The association's node raises an alert from the committed report,
	// and the association's admin reads it.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var got []alert.Alert
	for after := uint64(0); len(got) == 0; {
		if err := e.n.WaitForAlerts(ctx, after); err != nil {
			t.Fatalf("no budget alert: %v", err)
		}
		after = e.n.LastAlert()
		var page struct{ Alerts []alert.Alert }
		if st, _ := e.call("GET", "/v1/alerts", "assoc-admin", nil, &page); st != 200 {
			t.Fatalf("alerts: %d", st)
		}
		for _, a := range page.Alerts {
			if a.Kind == alert.KindBudgetExceeded {
				got = append(got, a)
			}
		}
	}
	b := got[0].Budget
	if len(got) != 1 || got[0].Member != "AssocMSP" || b == nil || b.Member != "Bank1MSP" || b.Kind != "derivations" || b.Limit != 50 || b.Count != 51 {
		raw, _ := json.Marshal(got)
		t.Fatalf("budget alerts: %s", raw)
	}
	// The bank itself is not told through its alerts.
	var mine struct{ Alerts []alert.Alert }
	e.call("GET", "/v1/alerts", "bank1-app", nil, &mine)
	for _, a := range mine.Alerts {
		if a.Kind == alert.KindBudgetExceeded {
			t.Fatalf("bank1 received the association's alert: %+v", a)
		}
	}
}
