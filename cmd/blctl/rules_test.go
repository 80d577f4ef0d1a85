package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const rulesFile = `{"rules": [
  {"name": "wave on cards", "when": "alert.kind == \"default\" && status.reporters >= 2 && watch.label.startsWith(\"card-\")",
   "plan": {"code": "freeze-limit", "priority": "critical", "text": "Freeze the card limit today"}},
  {"name": "any default", "when": "alert.kind == \"default\"",
   "plan": {"code": "call-within-24h", "priority": "high", "text": "Call the borrower within 24 hours"}}
]}`

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRulesTestOffline: blctl rules test needs no node (the server given
// is unreachable), says which rule's plan applies, and locates a mistake.
func TestRulesTestOffline(t *testing.T) {
	const nowhere = "http://127.0.0.1:1"
	rf := writeFile(t, "rules.json", rulesFile)
	// An alert as the API gives it: one reporter, so the second rule.
	one := writeFile(t, "alert.json", `{"id":"7","kind":"default","member":"Bank1MSP","subjectKey":"ab","attestationId":"cd","reporter":"Bank2MSP","height":9,"time":"2026-11-30T10:00:00Z","label":"card-0001","raisedAt":"2026-11-30T10:00:01Z"}`)
	code, out, errOut := blctl(t, nowhere, "", "rules", "test", rf, "--alert", one)
	if code != exitOK || !strings.Contains(out, "call-within-24h") || !strings.Contains(out, "any default") {
		t.Fatalf("one reporter: %d %q %q", code, out, errOut)
	}
	// With the subject's status: two reporters on a card, the first rule.
	two := writeFile(t, "sample.json", `{"alert":{"kind":"default","reporter":"Bank2MSP"},"status":{"listed":true,"reporters":["Bank1MSP","Bank2MSP"],"activeDefaults":2},"watch":{"label":"card-0001"}}`)
	code, out, _ = blctl(t, nowhere, "", "--output", "json", "rules", "test", rf, "--alert", two)
	var res struct {
		Plan *struct{ Rule, Code, Priority, Text string }
	}
	if code != exitOK || json.Unmarshal([]byte(out), &res) != nil || res.Plan == nil || res.Plan.Code != "freeze-limit" || res.Plan.Priority != "critical" {
		t.Fatalf("two reporters: %d %q", code, out)
	}
	// A settlement: no rule, no plan.
	settled := writeFile(t, "settled.json", `{"kind":"settlement","label":"card-0001"}`)
	if code, out, _ := blctl(t, nowhere, "", "rules", "test", rf, "--alert", settled); code != exitOK || !strings.Contains(out, "no rule matched") {
		t.Fatalf("settlement: %d %q", code, out)
	}
	// A mistake, located; the Chinese help exists.
	bad := writeFile(t, "bad.json", `{"rules":[{"name":"x","when":"alert.kind == \"default\" &&\n status.reportrs > 1","plan":{"code":"x","priority":"low","text":"t"}}]}`)
	if code, _, errOut := blctl(t, nowhere, "", "rules", "test", bad, "--alert", one); code != exitRefused || !strings.Contains(errOut, "rules[0].when:2:") || !strings.Contains(errOut, "reportrs") {
		t.Fatalf("bad rule: %d %q", code, errOut)
	}
	// An expensive input is stopped at the cost limit and reported.
	heavy := writeFile(t, "heavy.json", `{"rules":[{"name":"heavy","when":"watch.label.split(\"-\").all(p, p.size() < 3) && watch.label.contains(\"zz\")","plan":{"code":"x","priority":"low","text":"t"}}]}`)
	big := writeFile(t, "big.json", `{"kind":"default","label":"`+strings.Repeat("a-", 50000)+`"}`)
	if code, out, errOut := blctl(t, nowhere, "", "rules", "test", heavy, "--alert", big); code != exitOK || !strings.Contains(errOut, "cost limit") || !strings.Contains(out, "no rule matched") {
		t.Fatalf("heavy: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := blctl(t, nowhere, "", "rules", "test", rf); code != exitUsage || !strings.Contains(errOut, "--alert") {
		t.Fatalf("no --alert: %d %q", code, errOut)
	}
	if code, out, _ := blctl(t, nowhere, "", "--lang", "zh", "rules", "test", "--help"); code != exitOK || !strings.Contains(out, "离线") {
		t.Fatalf("zh help: %d %q", code, out)
	}
}

// TestRulesSetGet: rules set and get against a real node; a refused file
// is reported with its position and saves nothing.
func TestRulesSetGet(t *testing.T) {
	url, keys := realNode(t)
	rf := writeFile(t, "rules.json", rulesFile)
	bad := writeFile(t, "bad.json", `{"rules":[{"name":"x","when":"watch.lable == \"x\"","plan":{"code":"x","priority":"low","text":"t"}}]}`)
	if code, _, errOut := blctl(t, url, keys["bank1-app"], "rules", "set", bad); code != exitRefused || !strings.Contains(errOut, "invalid-rules") || !strings.Contains(errOut, "rules[0].when:1:6") {
		t.Fatalf("bad set: %d %q", code, errOut)
	}
	if code, _, errOut := blctl(t, url, keys["auditor"], "rules", "get"); code != exitRefused || !strings.Contains(errOut, "forbidden") {
		t.Fatalf("auditor get: %d %q", code, errOut)
	}
	if code, out, errOut := blctl(t, url, keys["bank1-app"], "rules", "set", rf); code != exitOK || !strings.Contains(out, "freeze-limit") {
		t.Fatalf("set: %d %q %q", code, out, errOut)
	}
	code, out, _ := blctl(t, url, keys["bank1-app"], "--output", "json", "rules", "get")
	var set struct{ Rules []struct{ Name string } }
	if code != exitOK || json.Unmarshal([]byte(out), &set) != nil || len(set.Rules) != 2 || set.Rules[1].Name != "any default" {
		t.Fatalf("get: %d %q", code, out)
	}
}
