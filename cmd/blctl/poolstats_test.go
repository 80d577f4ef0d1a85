package main

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// From what a person types: a pool file of keys and identity numbers;
// a table, CSV, and the refusals.
func TestPoolStatsAgainstTheRealGateway(t *testing.T) {
	url, keys := realNode(t)
	dir := t.TempDir()
	now := time.Now().UTC()
	var lines []string
	for i := 0; i < 30; i++ {
		k := hexSum(fmt.Sprint("pool subject ", i))
		lines = append(lines, fmt.Sprintf("{\"subjectKey\":%q}", k))
		if i < 15 {
			p := fmt.Sprintf(`{"attestation":{"type":"default","subject":%q,"loanRef":%q,"product":"consumer","amount":%d,"currency":"CNY","overdueSince":%q,"daysPastDue":120,"noticeDate":%q}}`,
				k, hexSum(fmt.Sprint("loan ", i)), 1000+i, now.AddDate(0, 0, -200).Format("2006-01-02"), now.AddDate(0, 0, -100).Format("2006-01-02"))
			in := filepath.Join(dir, fmt.Sprint("d", i, ".json"))
			os.WriteFile(in, []byte(p), 0o600)
		}
	}
	lines = append(lines, `{"idType":"cn-ric","idNumber":"11010519491231002X"}`)
	// The defaults go in through submit (NDJSON of payloads).
	var payloads []string
	for i := 0; i < 15; i++ {
		b, _ := os.ReadFile(filepath.Join(dir, fmt.Sprint("d", i, ".json")))
		payloads = append(payloads, strings.TrimSuffix(strings.TrimPrefix(string(b), `{"attestation":`), "}"))
	}
	sub := filepath.Join(dir, "defaults.ndjson")
	os.WriteFile(sub, []byte(strings.Join(payloads, "\n")+"\n"), 0o600)
	if code, out, errOut := blctl(t, url, keys["bank2-app"], "submit", sub); code != 0 {
		t.Fatalf("submit: %d\n%s\n%s", code, out, errOut)
	}
	poolFile := filepath.Join(dir, "pool.ndjson")
	os.WriteFile(poolFile, []byte(strings.Join(lines, "\n")+"\n"), 0o600)

	if code, _, errOut := blctl(t, url, keys["bank1-app"], "pool-stats", poolFile); code != 1 || !strings.Contains(errOut, "forbidden") {
		t.Fatalf("a querier: %d %s", code, errOut)
	}
	if code, _, _ := blctl(t, url, keys["analyst"], "pool-stats", "--format", "xml", poolFile); code != 2 {
		t.Fatalf("--format xml: %d", code)
	}
	code, out, errOut := blctl(t, url, keys["analyst"], "pool-stats", poolFile)
	if code != 0 || !strings.Contains(out, "pool size") || !strings.Contains(out, "31") || !strings.Contains(out, "suppressed") {
		t.Fatalf("table: %d\n%s\n%s", code, out, errOut)
	}
	for _, k := range lines[:30] {
		if strings.Contains(out, k[15:79]) {
			t.Fatal("the table names a subject")
		}
	}
	// The same subjects again, one fewer: refused as an overlap.
	os.WriteFile(poolFile, []byte(strings.Join(lines[:30], "\n")+"\n"), 0o600)
	if code, _, errOut := blctl(t, url, keys["analyst"], "pool-stats", poolFile); code != 1 || !strings.Contains(errOut, "conflict") {
		t.Fatalf("overlap: %d %s", code, errOut)
	}
	// Twenty more subjects: answered, as CSV.
	for i := 30; i < 50; i++ {
		lines = append(lines, fmt.Sprintf("{\"subjectKey\":%q}", hexSum(fmt.Sprint("pool subject ", i))))
	}
	os.WriteFile(poolFile, []byte(strings.Join(lines, "\n")+"\n"), 0o600)
	code, out, errOut = blctl(t, url, keys["analyst"], "pool-stats", "--format", "csv", poolFile)
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(rows) < 10 || strings.Join(rows[0], ",") != "figure,bucket,count,share,suppressed,total" {
		t.Fatalf("csv: %d %v\n%s\n%s", code, err, out, errOut)
	}
	found := false
	for _, r := range rows {
		if r[0] == "listed" && r[2] == "15" && r[4] == "false" {
			found = true
		}
	}
	if !found {
		t.Fatalf("csv has no listed row of 15:\n%s", out)
	}
}
