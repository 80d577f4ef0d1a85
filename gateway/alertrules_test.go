package gateway

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/gateway/problem"
	"github.com/assoc-ledger/blacklist/node"
	"github.com/assoc-ledger/blacklist/node/alert"
	"github.com/assoc-ledger/blacklist/node/webhook/webhooktest"
)

// TestAlertRulesEndToEnd, through the real gateway from what a bank types:
// the refusals (no key, the association's clients, a rule with a misspelt
// field, located), then rules set, a borrower watched by identity number,
// another member files a default, and the alert arrives with the plan of
// the first matching rule by the API and the webhook.
func TestAlertRulesEndToEnd(t *testing.T) {
	e := newEnvWith(t, DefaultOptions(), node.Options{WebhookMinBackoff: 10 * time.Millisecond,
		WebhookMaxBackoff: 100 * time.Millisecond, WebhookDestinations: webhooktest.Loopback()})
	rules := map[string]any{"rules": []map[string]any{
		{"name": "wave on cards", "when": `alert.kind == "default" && status.reporters >= 2 && watch.label.startsWith("card-")`,
			"plan": map[string]string{"code": "freeze-limit", "priority": "critical", "text": "Freeze the card limit today"}},
		{"name": "card default", "when": `alert.kind == "default" && watch.label.startsWith("card-")`,
			"plan": map[string]string{"code": "call-within-24h", "priority": "high", "text": "Call the borrower within 24 hours"}},
	}}
	e.expect("PUT", "/v1/alert-rules", "", rules, 401, CodeUnauthenticated)
	e.expect("PUT", "/v1/alert-rules", "assoc-admin", rules, 403, "forbidden")
	e.expect("GET", "/v1/alert-rules", "auditor", nil, 403, "forbidden")
	bad := map[string]any{"rules": []map[string]any{
		{"name": "typo", "when": "alert.kind == \"default\" &&\n  watch.lable == \"x\"", "plan": map[string]string{"code": "x", "priority": "low", "text": "t"}}}}
	p := e.expect("PUT", "/v1/alert-rules", "bank1-app", bad, 422, CodeInvalidRules)
	if len(p.Items) != 1 || (p.Items[0] != problem.Item{Index: 0, Code: "type", Message: p.Items[0].Message, Field: "rules[0].when", Line: 2, Column: 8}) {
		t.Fatalf("items %+v", p.Items)
	}
	var got map[string][]map[string]any
	if st, _ := e.call("GET", "/v1/alert-rules", "bank1-app", nil, &got); st != 200 || len(got["rules"]) != 0 {
		t.Fatalf("a refused set was kept: %d %v", st, got)
	}
	if st, _ := e.call("PUT", "/v1/alert-rules", "bank1-app", rules, &got); st != 200 || len(got["rules"]) != 2 {
		t.Fatalf("set rules: %d %v", st, got)
	}

	rcv := webhooktest.New("bank1-webhook-secret-x")
	defer rcv.Close()
	if st, _ := e.call("PUT", "/v1/webhook", "bank1-app", map[string]string{"url": rcv.URL, "secret": rcv.Secret}, nil); st != 200 {
		t.Fatalf("webhook: %d", st)
	}
	card, home := e.subjectKey("11010519491231002X"), e.subjectKey(ric(77))
	for k, label := range map[string]string{card: "card-0001", home: "mortgage-9"} {
		if st, _ := e.call("PUT", "/v1/watchlist/"+k, "bank1-app", map[string]string{"label": label}, nil); st != 201 {
			t.Fatalf("watch: %d", st)
		}
	}
	// Bank2 files on both borrowers: one reporter each. The card borrower
	// matches the second rule; the mortgage borrower no rule.
	for i, k := range []string{card, home} {
		if st, _ := e.call("POST", "/v1/attestations", "bank2-app", map[string]any{"attestation": defaultPayload(k, "r-loan-"+string(rune('a'+i)))}, nil); st != 201 {
			t.Fatalf("file: %d", st)
		}
	}
	hooks, err := rcv.WaitFor(2, 20*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var page struct{ Alerts []alert.Alert }
	if st, _ := e.call("GET", "/v1/alerts", "bank1-app", nil, &page); st != 200 || len(page.Alerts) != 2 {
		t.Fatalf("alerts: %d %+v", st, page)
	}
	for _, as := range [][]alert.Alert{hooks[:2], page.Alerts} {
		for _, a := range as {
			switch a.SubjectKey {
			case card:
				if a.Plan == nil || a.Plan.Rule != "card default" || a.Plan.Code != "call-within-24h" || a.Plan.Priority != "high" || a.Plan.Text != "Call the borrower within 24 hours" {
					t.Fatalf("card alert plan %+v", a.Plan)
				}
			case home:
				if a.Plan != nil {
					t.Fatalf("mortgage alert has plan %+v", a.Plan)
				}
			default:
				t.Fatalf("alert on %s", a.SubjectKey)
			}
		}
	}
	// The stream carries the same plan.
	if a := e.firstStreamed(t, "bank1-app"); a.SubjectKey != card || a.Plan == nil || a.Plan.Code != "call-within-24h" {
		t.Fatalf("streamed alert %+v plan %+v", a, a.Plan)
	}
	// Bank1 files on the card borrower too: two reporters, the first rule.
	if st, _ := e.call("POST", "/v1/attestations", "bank1-app", map[string]any{"attestation": defaultPayload(card, "r-loan-own")}, nil); st != 201 {
		t.Fatalf("file: %d", st)
	}
	hooks, err = rcv.WaitFor(3, 20*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if a := hooks[2]; a.Plan == nil || a.Plan.Code != "freeze-limit" || a.Plan.Rule != "wave on cards" || a.Plan.Priority != "critical" {
		t.Fatalf("third alert %+v plan %+v", a, a.Plan)
	}
}

// firstStreamed reads the first alert of client's stream from the start.
func (e *env) firstStreamed(t *testing.T, client string) alert.Alert {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", e.url+"/v1/alerts/stream?after=0", nil)
	req.Header.Set("Authorization", "Bearer "+e.keys[client])
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("stream: %v %v", resp, err)
	}
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("stream ended: %v", err)
		}
		if data, ok := strings.CutPrefix(line, "data: "); ok {
			var a alert.Alert
			if err := json.Unmarshal([]byte(data), &a); err != nil {
				t.Fatalf("stream data %q: %v", data, err)
			}
			return a
		}
	}
}
