package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assoc-ledger/blacklist/node/audit/chain"
)

// auditNode is realNode with the node at hand, to anchor on demand.
func readLog(t *testing.T, file string) []chain.Entry {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out []chain.Entry
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var e chain.Entry
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

func writeLog(t *testing.T, file string, entries []chain.Entry) {
	t.Helper()
	var b strings.Builder
	for _, e := range entries {
		j, _ := json.Marshal(e)
		b.Write(append(j, '\n'))
	}
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestAuditExportAndVerify exports Bank2's audit chain through the real
// gateway and verifies it against the heads anchored on the embedded
// ledger; a truncated log, a rewritten entry and a re-hashed log that no
// longer extends its last anchor each fail with the first bad position.
func TestAuditExportAndVerify(t *testing.T) {
	url, keys, n := realNodeOf(t)
	dir := t.TempDir()
	lookup := func(i int) {
		t.Helper()
		if code, _, errOut := blctl(t, url, keys["bank2-app"], "lookup", "--purpose", "loan-approval", hexSum(fmt.Sprint("s", i))); code != 0 {
			t.Fatalf("lookup: %d %s", code, errOut)
		}
	}
	for i := 0; i < 4; i++ {
		lookup(i)
	}
	if err := n.AnchorAudit(context.Background()); err != nil {
		t.Fatal(err)
	}
	for i := 4; i < 8; i++ {
		lookup(i)
	}
	if err := n.AnchorAudit(context.Background()); err != nil {
		t.Fatal(err)
	}
	lookup(8) // not anchored yet

	good := filepath.Join(dir, "bank2.ndjson")
	// A bank's querier exports nothing; a bank's own member only.
	if code, _, _ := blctl(t, url, keys["bank2-app"], "audit", "export", "--out", good); code != exitRefused {
		t.Fatalf("a querier exported: exit %d", code)
	}
	if code, _, errOut := blctl(t, url, keys["auditor"], "audit", "export", "--member", "Bank2MSP", "--out", good); code != 0 || !strings.Contains(errOut, "exported 9 entries") {
		t.Fatalf("export: exit %d %s", code, errOut)
	}
	code, out, errOut := blctl(t, url, keys["auditor"], "audit", "verify", "--log", good)
	if code != 0 || !strings.Contains(out, "9 entries") || !strings.Contains(out, "all 2 anchored heads") || !strings.Contains(out, "1 entries after the last anchor") {
		t.Fatalf("verify a good log: exit %d\n%s%s", code, out, errOut)
	}
	entries := readLog(t, good)

	verifyFails := func(name string, log []chain.Entry, kind string, pos uint64) {
		t.Helper()
		file := filepath.Join(dir, name)
		writeLog(t, file, log)
		code, out, errOut := blctl(t, url, keys["auditor"], "--output", "json", "audit", "verify", "--log", file)
		var res verifyResult
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
		if code != exitRefused || res.Verified || res.Kind != kind || res.Position != pos || !strings.Contains(errOut, "does NOT verify") {
			t.Fatalf("%s: exit %d %+v\n%s", name, code, res, errOut)
		}
	}
	// Truncated: the last anchored entries are gone.
	verifyFails("truncated", entries[:6], chain.Truncated, 7)
	// An entry rewritten in place.
	edited := append([]chain.Entry(nil), entries...)
	edited[2].Purpose = "post-loan"
	verifyFails("edited", edited, chain.BrokenLink, 3)
	// Rewritten after the first anchor and re-hashed from there: a sound
	// chain that no longer extends the anchor at 8.
	rebuilt := append([]chain.Entry(nil), entries...)
	rebuilt[5].Listed = true
	for i := 5; i < len(rebuilt); i++ {
		rebuilt[i].PrevHash = rebuilt[i-1].Hash
		rebuilt[i].Hash = rebuilt[i].Link()
	}
	verifyFails("rebuilt", rebuilt, chain.Diverged, 8)
	// A removed middle entry.
	verifyFails("gap", append(append([]chain.Entry(nil), entries[:3]...), entries[4:]...), chain.Gap, 4)

	// The chain of another member is not the one anchored for this one.
	code, _, errOut = blctl(t, url, keys["auditor"], "audit", "verify", "--member", "Bank1MSP", "--log", good)
	if code != exitRefused || !strings.Contains(errOut, "mixed") {
		t.Fatalf("another member's log: exit %d %s", code, errOut)
	}
	if code, _, _ := blctl(t, url, keys["auditor"], "audit", "verify"); code != exitUsage {
		t.Fatalf("verify without --log: exit %d", code)
	}
}

func TestBudgetAlertLine(t *testing.T) {
	var a alertView
	if err := json.Unmarshal([]byte(`{"id":"7","kind":"budget-exceeded","subjectKey":"","attestationId":"","reporter":"Bank1MSP",
		"time":"2026-03-01T08:00:00Z","budget":{"member":"Bank1MSP","kind":"derivations","day":"2026-03-01","count":10001,"limit":10000}}`), &a); err != nil {
		t.Fatal(err)
	}
	if l := a.line(&env{}); !strings.Contains(l, "budget-exceeded") || !strings.Contains(l, "derivations 10001>10000 on 2026-03-01") || !strings.Contains(l, "Bank1MSP") {
		t.Fatalf("line %q", l)
	}
}
