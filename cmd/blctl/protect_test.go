package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/node"
)

// From what a person types: blctl protect add with an identity number,
// seen by the other bank's lookup, listed, renewed and removed; refusals
// first.
func TestProtectAgainstTheRealGateway(t *testing.T) {
	url, keys, n := realNodeOf(t)
	id := "11010519491231002X"
	b1, b2 := keys["bank1-app"], keys["bank2-app"]

	if code, _, errOut := blctl(t, url, b1, "protect", "add", id, "--reason-code", "documents-stolen"); code != 2 || !strings.Contains(errOut, "--case-ref") {
		t.Fatalf("no case reference: exit %d %s", code, errOut)
	}
	if code, _, errOut := blctl(t, url, b1, "protect", "add", id, "--reason-code", "documents-stolen", "--case-ref-digest", id); code != 2 {
		t.Fatalf("a raw ID as digest: exit %d %s", code, errOut)
	}
	if code, _, errOut := blctl(t, url, b1, "protect", "add", id, "--reason-code", "wallet", "--case-ref", "PSB-1"); code != 1 || !strings.Contains(errOut, "reasonCode") {
		t.Fatalf("a bad reason code: exit %d %s", code, errOut)
	}
	if code, _, errOut := blctl(t, url, keys["auditor"], "protect", "add", id, "--reason-code", "documents-stolen", "--case-ref", "PSB-1"); code != 1 || !strings.Contains(errOut, "forbidden") {
		t.Fatalf("an auditor: exit %d %s", code, errOut)
	}
	code, out, errOut := blctl(t, url, b1, "--output", "json", "protect", "add", id, "--reason-code", "documents-stolen", "--case-ref", "PSB-2026-0172")
	var p struct{ Subject, CaseRef, State string }
	if code != 0 || json.Unmarshal([]byte(out), &p) != nil || p.State != "active" || p.CaseRef != hexSum("PSB-2026-0172") {
		t.Fatalf("add: exit %d\n%s\n%s", code, out, errOut)
	}
	if strings.Contains(out, "PSB-2026") {
		t.Fatal("the case reference itself was sent")
	}
	// Bank2 files a default on the protected subject: accepted, with the
	// warning on stderr and in the summary.
	def := filepath.Join(t.TempDir(), "default.ndjson")
	now := time.Now().UTC()
	os.WriteFile(def, []byte(fmt.Sprintf(`{"type":"default","subject":%q,"loanRef":%q,"product":"consumer","amount":5000,"currency":"CNY","overdueSince":%q,"daysPastDue":120,"noticeDate":%q}`+"\n",
		p.Subject, hexSum("fraud loan"), now.AddDate(0, 0, -130).Format("2006-01-02"), now.AddDate(0, 0, -100).Format("2006-01-02"))), 0o600)
	if code, out, errOut := blctl(t, url, b2, "submit", def); code != 0 || !strings.Contains(out, "subject protected") || !strings.Contains(errOut, "protective registration") {
		t.Fatalf("submit on a protected subject: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, _, errOut := blctl(t, url, b2, "protect", "rm", id); code != 1 || !strings.Contains(errOut, "forbidden") {
		t.Fatalf("another bank removes: exit %d %s", code, errOut)
	}
	code, out, errOut = blctl(t, url, b2, "lookup", "--purpose", "loan-approval", id)
	if code != 0 || !strings.Contains(out, "PROTECTED") || !strings.Contains(out, "documents-stolen") {
		t.Fatalf("lookup: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = blctl(t, url, b2, "--lang", "zh", "protect", "list", id, "--purpose", "loan-approval")
	if code != 0 || !strings.Contains(out, "有效") || !strings.Contains(out, "登记方") {
		t.Fatalf("list in Chinese: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, out, errOut := blctl(t, url, b1, "protect", "renew", p.Subject); code != 0 || !strings.Contains(out, "renewals") {
		t.Fatalf("renew by key: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, out, errOut := blctl(t, url, b1, "protect", "rm", id); code != 0 || !strings.Contains(out, "removed") {
		t.Fatalf("rm: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = blctl(t, url, b2, "protect", "list", id, "--purpose", "loan-approval")
	if code != 0 || !strings.Contains(out, "not protected") {
		t.Fatalf("list after rm: exit %d\n%s", code, out)
	}
	// Bank1 watches the subject: its registration and removal come as
	// protection alerts.
	if code, _, errOut := blctl(t, url, b1, "watch", "add", p.Subject, "--label", "cust-7"); code != 0 {
		t.Fatalf("watch: %s", errOut)
	}
	if code, _, errOut := blctl(t, url, b1, "protect", "add", id, "--reason-code", "impersonation", "--case-ref", "PSB-2"); code != 0 {
		t.Fatalf("add again: %s", errOut)
	}
	blctl(t, url, b1, "protect", "rm", id)
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, out, errOut = blctl(t, url, b1, "alerts", "--wait", "2s")
		if code == 0 && strings.Contains(out, "registered 20") && strings.Contains(out, "removed 20") && strings.Contains(out, "protection") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("alerts: exit %d\n%s\n%s", code, out, errOut)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Every read and derivation on record, none with the number.
	entries, _ := n.QueryAudit(node.AuditFilter{Limit: 1000})
	kinds := map[string]int{}
	for _, e := range entries {
		if e.Kind == node.AuditProtection && e.Purpose == "" {
			kinds["protection change"]++
			continue
		}
		kinds[e.Kind]++
		if strings.Contains(e.Subject, id) {
			t.Fatalf("an identity number in the audit log: %+v", e)
		}
	}
	// Two reads; seven changes: the add refused for its reason code (the
	// auditor's never reached the ledger), the add, Bank2's refused rm,
	// renew, rm, the second add and its rm.
	if kinds[node.AuditProtection] != 2 || kinds["protection change"] != 7 || kinds[node.AuditDerive] < 4 {
		t.Fatalf("audit kinds: %v", kinds)
	}
}
