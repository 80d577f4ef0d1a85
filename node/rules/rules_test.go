package rules

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func rule(name, when, code string) Rule {
	return Rule{Name: name, When: when, Plan: Plan{Code: code, Priority: "high", Text: "do " + code}}
}

// Refusals first: each is refused at save, with the rule, the field and,
// for an expression, the line and column of the mistake.
func TestCompileRefusals(t *testing.T) {
	for _, tc := range []struct {
		name       string
		set        Set
		field      string
		kind       string
		line, col  int
		msgContain string
	}{
		{"unknown field", Set{Rules: []Rule{rule("a", "alert.kind == \"default\" &&\n  status.reportrs >= 2", "x")}}, "rules[0].when", KindType, 2, 9, "reportrs"},
		{"syntax", Set{Rules: []Rule{rule("ok", "true", "x"), rule("b", "alert.kind == ", "y")}}, "rules[1].when", KindSyntax, 1, 15, ""},
		{"not a bool", Set{Rules: []Rule{rule("a", "status.reporters + 1", "x")}}, "rules[0].when", KindType, 1, 1, "must be true or false"},
		{"wrong types", Set{Rules: []Rule{rule("a", `status.reporters == "2"`, "x")}}, "rules[0].when", KindType, 1, 18, ""},
		{"unknown variable", Set{Rules: []Rule{rule("a", `loan.amount > 5`, "x")}}, "rules[0].when", KindType, 1, 1, "loan"},
		{"too expensive", Set{Rules: []Rule{rule("a", `status.reporterList.all(a, status.reporterList.all(b, status.reporterList.all(c, a + b + c != "")))`, "x")}}, "rules[0].when", KindCost, 1, 1, "at most 10000"},
		{"too long", Set{Rules: []Rule{rule("a", "true || "+strings.Repeat("true || ", 130)+"true", "x")}}, "rules[0].when", KindTooLarge, 0, 0, ""},
		{"empty", Set{Rules: []Rule{rule("a", " ", "x")}}, "rules[0].when", KindSyntax, 0, 0, ""},
		{"bad code", Set{Rules: []Rule{rule("a", "true", "Freeze Limit")}}, "rules[0].plan.code", KindInvalid, 0, 0, ""},
		{"bad priority", Set{Rules: []Rule{{Name: "a", When: "true", Plan: Plan{Code: "x", Priority: "urgent", Text: "t"}}}}, "rules[0].plan.priority", KindInvalid, 0, 0, "urgent"},
		{"no text", Set{Rules: []Rule{{Name: "a", When: "true", Plan: Plan{Code: "x", Priority: "low"}}}}, "rules[0].plan.text", KindInvalid, 0, 0, ""},
		{"control in text", Set{Rules: []Rule{{Name: "a", When: "true", Plan: Plan{Code: "x", Priority: "low", Text: "a\nb"}}}}, "rules[0].plan.text", KindInvalid, 0, 0, ""},
		{"duplicate name", Set{Rules: []Rule{rule("a", "true", "x"), rule("a", "false", "y")}}, "rules[1].name", KindInvalid, 0, 0, "rules[0]"},
		{"no name", Set{Rules: []Rule{rule("", "true", "x")}}, "rules[0].name", KindInvalid, 0, 0, ""},
	} {
		_, err := Compile(tc.set)
		var es Errors
		if !errors.As(err, &es) || !errors.Is(err, ErrInvalid) || len(es) == 0 {
			t.Fatalf("%s: %v", tc.name, err)
		}
		e := es[0]
		if e.Field != tc.field || e.Kind != tc.kind || e.Line != tc.line || (tc.col != 0 && e.Column != tc.col) || !strings.Contains(e.Msg, tc.msgContain) {
			t.Fatalf("%s: %+v, want %s %s %d:%d %q", tc.name, e, tc.field, tc.kind, tc.line, tc.col, tc.msgContain)
		}
	}
	var many Set
	for i := 0; i <= MaxRules; i++ {
		many.Rules = append(many.Rules, rule(fmt.Sprint("r", i), "true", "x"))
	}
	if _, err := Compile(many); err == nil || !strings.Contains(err.Error(), "at most 50") {
		t.Fatalf("%d rules: %v", len(many.Rules), err)
	}
}

// TestFirstMatchWins: plans come in rule order; no rule true, no plan.
func TestFirstMatchWins(t *testing.T) {
	c, err := Compile(Set{Rules: []Rule{
		rule("wave", `alert.kind == "default" && status.reporters >= 2 && watch.label.startsWith("card-")`, "freeze-limit"),
		rule("any default", `alert.kind == "default"`, "call-within-24h"),
		rule("large", `"CNY" in status.outstanding && status.outstanding["CNY"] >= 10000000`, "legal-review"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	two := Status{Reporters: 2, ReporterList: []string{"Bank1MSP", "Bank2MSP"}, Outstanding: map[string]int64{"CNY": 20000000}}
	for _, tc := range []struct {
		in   Input
		want string
	}{
		{Input{Alert: Alert{Kind: "default"}, Status: two, Watch: Watch{Label: "card-0001"}}, "freeze-limit"},
		{Input{Alert: Alert{Kind: "default"}, Status: two, Watch: Watch{Label: "mortgage-1"}}, "call-within-24h"},
		{Input{Alert: Alert{Kind: "settlement"}, Status: two}, "legal-review"},
		{Input{Alert: Alert{Kind: "settlement"}, Status: Status{Reporters: 1}}, ""},
	} {
		m, skipped := c.Match(tc.in)
		got := ""
		if m != nil {
			got = m.Code
			if m.Rule == "" || m.Priority != "high" || m.Text != "do "+m.Code {
				t.Fatalf("plan %+v", m)
			}
		}
		if got != tc.want || len(skipped) != 0 {
			t.Fatalf("%+v: plan %q (skipped %v), want %q", tc.in, got, skipped, tc.want)
		}
	}
}

// TestCostStopsEvaluation: an input larger than the estimate assumed (a
// label of 100,000 bytes where the node allows 128) stops the rule at the
// cost limit; the next rule still decides.
func TestCostStopsEvaluation(t *testing.T) {
	c, err := Compile(Set{Rules: []Rule{
		rule("heavy", `watch.label.split("-").all(p, p.size() < 3) && watch.label.contains("zz")`, "legal-review"),
		rule("fallback", `true`, "call-within-24h"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	huge := strings.Repeat("a-", 50000)
	m, skipped := c.Match(Input{Watch: Watch{Label: huge}})
	if m == nil || m.Code != "call-within-24h" || len(skipped) != 1 || skipped[0].Index != 0 || !strings.Contains(skipped[0].Err.Error(), "cost limit") {
		t.Fatalf("plan %+v, skipped %v", m, skipped)
	}
	// Within the bounds the estimate assumed, the same rule decides.
	if m, skipped := c.Match(Input{Watch: Watch{Label: "a-b-zz"}}); m == nil || m.Code != "legal-review" || len(skipped) != 0 {
		t.Fatalf("plan %+v, skipped %v", m, skipped)
	}
}
