package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/evidence"
	"github.com/assoc-ledger/blacklist/node"
)

// cosigned brings the node's log up to the ledger and has it cosign.
func cosigned(t *testing.T, n *node.Node) {
	t.Helper()
	if _, err := n.TransparencyLog().CatchUp(); err != nil {
		t.Fatal(err)
	}
	if err := n.CosignCheckpoints(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestEvidenceThroughTheRealGateway: defaults filed with blctl submit, a
// batch export by loan reference (one loan unknown), a settlement, one
// bundle fetched with evidence get and verified offline with evidence
// verify against the trust root blctl wrote; the export resumes, and
// another bank gets nothing.
func TestEvidenceThroughTheRealGateway(t *testing.T) {
	url, keys, n := realNodeOf(t)
	dir := t.TempDir()
	bank1 := keys["bank1-app"]
	now := time.Now().UTC()
	var lines []string
	for i := 0; i < 3; i++ {
		p := map[string]any{"type": "default", "subject": hexSum(fmt.Sprint("subject ", i)), "loanRef": hexSum(fmt.Sprint("loan ", i)),
			"product": "consumer", "amount": 10000 + i, "currency": "CNY", "overdueSince": now.AddDate(0, 0, -120).Format("2006-01-02"),
			"daysPastDue": 100, "noticeDate": now.AddDate(0, 0, -90).Format("2006-01-02")}
		b, _ := json.Marshal(p)
		lines = append(lines, string(b))
	}
	input := filepath.Join(dir, "defaults.ndjson")
	os.WriteFile(input, []byte(strings.Join(lines, "\n")+"\n"), 0o600)
	if code, out, errOut := blctl(t, url, bank1, "submit", input); code != 0 {
		t.Fatalf("submit: exit %d\n%s\n%s", code, out, errOut)
	}
	loans := filepath.Join(dir, "loans.txt")
	os.WriteFile(loans, []byte("# the court batch\nloan 0\n"+hexSum("loan 1")+"\nloan 9\n"), 0o600)
	out := filepath.Join(dir, "batch")

	// Before any checkpoint is cosigned, the bundles cannot be made.
	if code, _, errOut := blctl(t, url, bank1, "evidence", "export", "--loans", loans, "--out", out); code != 1 || !strings.Contains(errOut, "not yet covered") {
		t.Fatalf("export before cosigning: exit %d\n%s", code, errOut)
	}
	cosigned(t, n)
	code, _, errOut := blctl(t, url, bank1, "evidence", "export", "--loans", loans, "--out", out)
	if code != 1 || !strings.Contains(errOut, "loan 9") || !strings.Contains(errOut, "[2/2]") {
		t.Fatalf("export: exit %d (want 1: loan 9 has no default)\n%s", code, errOut)
	}
	var manifest []manifestEntry
	raw, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err := json.Unmarshal(raw, &manifest); err != nil || len(manifest) != 2 {
		t.Fatalf("manifest: %v\n%s", err, raw)
	}
	if m := manifest[0]; m.LoanRef != "loan 0" || m.LoanRefDigest != hexSum("loan 0") || m.SubjectKey != hexSum("subject 0") ||
		m.Amount != 10000 || m.DaysPastDue != 120 || len(m.BundleDigest) != 64 {
		t.Fatalf("manifest entry %+v", m)
	}
	if csv, _ := os.ReadFile(filepath.Join(out, "manifest.csv")); strings.Count(string(csv), "\n") != 3 {
		t.Fatalf("manifest.csv:\n%s", csv)
	}
	// Resumed: whole bundles are skipped; a cut one is fetched again.
	cut := filepath.Join(out, manifest[1].Bundle)
	whole, _ := os.ReadFile(cut)
	os.WriteFile(cut, whole[:len(whole)/2], 0o600)
	if code, _, errOut := blctl(t, url, bank1, "evidence", "export", "--loans", loans, "--out", out); code != 1 ||
		strings.Count(errOut, "already complete, skipped") != 1 || strings.Count(errOut, " written") != 1 {
		t.Fatalf("resumed export: exit %d\n%s", code, errOut)
	}

	// Loan 0 is settled; its bundle then holds the settlement.
	def0 := manifest[0].AttestationID
	settle := filepath.Join(dir, "settle.ndjson")
	os.WriteFile(settle, []byte(fmt.Sprintf(`{"type":"settlement","subject":"%s","refersTo":"%s","settledOn":"%s","kind":"full","amount":10000}`+"\n",
		hexSum("subject 0"), def0, now.Format("2006-01-02"))), 0o600)
	if code, o, e := blctl(t, url, bank1, "submit", settle); code != 0 {
		t.Fatalf("settle: exit %d\n%s\n%s", code, o, e)
	}
	cosigned(t, n)
	bundle, root := filepath.Join(dir, "bundle.json"), filepath.Join(dir, "trust-root.json")
	if code, _, errOut := blctl(t, url, keys["bank2-app"], "evidence", "get", def0, "--out", bundle); code != 1 || !strings.Contains(errOut, "forbidden") {
		t.Fatalf("another bank's evidence get: exit %d\n%s", code, errOut)
	}
	if code, _, errOut := blctl(t, url, bank1, "evidence", "get", def0, "--out", bundle); code != 0 {
		t.Fatalf("evidence get: exit %d\n%s", code, errOut)
	}
	if code, _, errOut := blctl(t, url, keys["bank2-app"], "trust-root", "--out", root); code != 0 {
		t.Fatalf("trust-root: exit %d\n%s", code, errOut)
	}
	code, transcript, errOut := blctl(t, url, "", "evidence", "verify", bundle, "--trust-root", root)
	if code != 0 {
		t.Fatalf("evidence verify: exit %d\n%s\n%s", code, transcript, errOut)
	}
	b, _ := os.ReadFile(bundle)
	parsed, err := evidence.DecodeBundle(b)
	if err != nil || len(parsed.Records) != 2 || parsed.Records[1].Leaf.Kind != "settlement" {
		t.Fatalf("bundle: %v", err)
	}
	if code, note, _ := blctl(t, url, keys["auditor"], "log", "checkpoint"); code != 0 || strings.Count(note, "\n— ") != 3 {
		t.Fatalf("log checkpoint: exit %d\n%s", code, note)
	}
	// Every active default recorded before now: loans 1 and 2.
	all := filepath.Join(dir, "all")
	if code, _, errOut := blctl(t, url, bank1, "evidence", "export", "--older-than", "0", "--out", all); code != 0 || !strings.Contains(errOut, "[2/2]") {
		t.Fatalf("export --older-than 0: exit %d\n%s", code, errOut)
	}
	if code, _, _ := blctl(t, url, bank1, "evidence", "export", "--out", all); code != 2 {
		t.Fatalf("export without --loans or --older-than: exit %d", code)
	}
	// The association asks for every organisation's cosignature.
	admin := keys["assoc-admin"]
	if code, out, errOut := blctl(t, url, admin, "policy", "set", "--min-days-past-due", "90", "--retention-years", "5",
		"--dispute-answer-days", "20", "--log-quorum", "3"); code != 0 || !strings.Contains(out, "3 organisations") {
		t.Fatalf("policy set --log-quorum 3: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, out, _ := blctl(t, url, admin, "--lang", "zh", "policy", "show"); code != 0 || !strings.Contains(out, "日志检查点法定数") {
		t.Fatalf("policy show in Chinese: exit %d\n%s", code, out)
	}
	if code, _, _ := blctl(t, url, admin, "policy", "set", "--min-days-past-due", "90", "--retention-years", "5",
		"--dispute-answer-days", "20", "--log-quorum", "-1"); code != 2 {
		t.Fatalf("a negative quorum: exit %d", code)
	}
}
