package node

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node/ledgertest"
	"github.com/assoc-ledger/blacklist/node/rules"
)

var testRules = rules.Set{Rules: []rules.Rule{
	{Name: "wave on cards", When: `alert.kind == "default" && status.reporters >= 2 && watch.label.startsWith("card-")`,
		Plan: rules.Plan{Code: "freeze-limit", Priority: "critical", Text: "Freeze the card limit today"}},
	{Name: "any default", When: `alert.kind == "default" || alert.kind == "already-listed"`,
		Plan: rules.Plan{Code: "call-within-24h", Priority: "high", Text: "Call the borrower within 24 hours"}},
}}

func TestAlertRulesRefusals(t *testing.T) {
	d := openDemo(t, t.TempDir())
	defer d.close()
	ctx := context.Background()
	forbidden := func(err error) bool {
		var ce *contract.Error
		return errors.As(err, &ce) && ce.Code == contract.CodeForbidden
	}
	for _, c := range []*Client{
		{Name: "b1-auditor", Member: "Bank1MSP", Roles: []string{RoleAuditor}},
		{Name: "assoc-admin", Member: DemoAssociation, Roles: []string{RoleAdmin}},
	} {
		if _, err := d.n.SetAlertRules(ctx, c, testRules); !forbidden(err) {
			t.Fatalf("%s set rules: %v", c.Name, err)
		}
		if _, err := d.n.AlertRules(ctx, c); !forbidden(err) {
			t.Fatalf("%s read rules: %v", c.Name, err)
		}
	}
	bad := rules.Set{Rules: []rules.Rule{testRules.Rules[0], {Name: "typo", When: "alert.kind == \"default\" &&\n watch.lable == \"x\"", Plan: testRules.Rules[1].Plan}}}
	_, err := d.n.SetAlertRules(ctx, d.bank1, bad)
	var es rules.Errors
	if !errors.As(err, &es) || len(es) != 1 || es[0].Index != 1 || es[0].Line != 2 || es[0].Column != 7 || es[0].Kind != rules.KindType {
		t.Fatalf("a misspelt field: %v", err)
	}
	if set, err := d.n.AlertRules(ctx, d.bank1); err != nil || len(set.Rules) != 0 {
		t.Fatalf("a refused set was stored: %+v %v", set, err)
	}
	admin := &Client{Name: "assoc-admin", Member: DemoAssociation, Roles: []string{RoleAdmin}}
	if _, _, err := d.n.ChangeMemberStatus(ctx, admin, Suspend, "Bank1MSP", "audit"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.n.SetAlertRules(ctx, d.bank1, testRules); !forbidden(err) {
		t.Fatalf("a suspended member set rules: %v", err)
	}
}

// TestAlertPlans: the first matching rule's plan is attached when an alert
// is raised (no match, no plan), and the rules survive a restart.
func TestAlertPlans(t *testing.T) {
	dir := t.TempDir()
	d := openDemo(t, dir)
	ctx := context.Background()
	if _, err := d.n.SetAlertRules(ctx, d.bank1, testRules); err != nil {
		t.Fatal(err)
	}
	card, home := subject("plan-card"), subject("plan-home")
	for k, label := range map[string]string{card: "card-0001", home: "mortgage-7"} {
		if _, _, err := d.n.Watch(ctx, d.bank1, k, label); err != nil {
			t.Fatal(err)
		}
	}
	last := d.n.LastAlert()
	// Bank2 files on both: one reporter each, so the second rule.
	d.file(ledgertest.DefaultPayload("Bank2MSP", card, hexOf("p1"), 120))
	got := d.alertsAfter(d.bank1, last, 1)
	if p := got[0].Plan; p == nil || p.Rule != "any default" || p.Code != "call-within-24h" || p.Priority != "high" || p.Text == "" {
		t.Fatalf("plan %+v", got[0].Plan)
	}
	// Bank1 itself files on the card subject too: two reporters on a card
	// label, so the first rule, though the second matches as well.
	last = got[0].Seq()
	d.file(ledgertest.DefaultPayload("Bank1MSP", card, hexOf("p2"), 120))
	got = d.alertsAfter(d.bank1, last, 1)
	if p := got[0].Plan; p == nil || p.Code != "freeze-limit" || p.Rule != "wave on cards" {
		t.Fatalf("plan %+v", got[0].Plan)
	}
	// A settlement matches no rule: no plan.
	last = got[0].Seq()
	d.file(ledgertest.ClosurePayload("Bank1MSP", "settlement", got[0].AttestationID, card))
	got = d.alertsAfter(d.bank1, last, 1)
	if got[0].Kind != "settlement" || got[0].Plan != nil {
		t.Fatalf("settlement alert %+v", got[0])
	}
	b, _ := json.Marshal(got[0])
	if strings.Contains(string(b), `"plan"`) {
		t.Fatalf("an alert without a plan carries one: %s", b)
	}

	// After a restart the rules are still there and still applied.
	d.n.Close()
	var err error
	d.n, err = Open(dir, d.l)
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	if set, err := d.n.AlertRules(ctx, d.bank1); err != nil || len(set.Rules) != 2 || set.Rules[0].Name != "wave on cards" {
		t.Fatalf("rules after restart: %+v %v", set, err)
	}
	last = got[0].Seq()
	d.file(ledgertest.DefaultPayload("Bank2MSP", home, hexOf("p3"), 120))
	got = d.alertsAfter(d.bank1, last, 1)
	if p := got[0].Plan; p == nil || p.Code != "call-within-24h" {
		t.Fatalf("plan after restart %+v", got[0].Plan)
	}
	// An empty list removes them.
	if _, err := d.n.SetAlertRules(ctx, d.bank1, rules.Set{}); err != nil {
		t.Fatal(err)
	}
	last = got[0].Seq()
	d.file(ledgertest.DefaultPayload("Bank2MSP", home, hexOf("p4"), 120))
	if got = d.alertsAfter(d.bank1, last, 1); got[0].Plan != nil {
		t.Fatalf("plan without rules %+v", got[0].Plan)
	}
}
