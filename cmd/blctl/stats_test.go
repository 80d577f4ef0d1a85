package main

import (
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestStatsCommand: blctl stats against a real node, from what an operator
// types: refused for a bank, a bad date refused with its problem, then
// the table and the CSV after a bank filed defaults.
func TestStatsCommand(t *testing.T) {
	url, keys, n := realNodeOf(t)
	day := time.Now().In(statsZone).Format(time.DateOnly)

	if code, _, errOut := blctl(t, url, keys["bank1-app"], "stats"); code != exitRefused || !strings.Contains(errOut, "forbidden") {
		t.Fatalf("a bank read the statistics: %d %s", code, errOut)
	}
	if code, _, errOut := blctl(t, url, keys["auditor"], "stats", "--from", "2026-13-01"); code != exitRefused || !strings.Contains(errOut, "bad-date") {
		t.Fatalf("bad date: %d %s", code, errOut)
	}
	if code, _, errOut := blctl(t, url, keys["auditor"], "stats", "--format", "xml"); code != exitUsage {
		t.Fatalf("--format xml: %d %s", code, errOut)
	}
	now := time.Now().UTC()
	for i := 0; i < 3; i++ {
		p := fmt.Sprintf(`{"type":"default","subject":%q,"loanRef":%q,"product":"consumer","amount":100000,"currency":"CNY","overdueSince":%q,"daysPastDue":120,"noticeDate":%q}`,
			hexSum(fmt.Sprint("stats subject ", i)), hexSum(fmt.Sprint("stats loan ", i)), now.AddDate(0, 0, -130).Format(time.DateOnly), now.AddDate(0, 0, -100).Format(time.DateOnly))
		var out, errOut strings.Builder
		code := run([]string{"--server", url, "--api-key", keys["bank2-app"], "submit", "--state", t.TempDir() + "/s", "-"}, strings.NewReader(p+"\n"), &out, &errOut)
		if code != exitOK {
			t.Fatalf("submit: %d %s %s", code, out.String(), errOut.String())
		}
	}
	if err := n.CountStatistics(); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := blctl(t, url, keys["auditor"], "stats", "--from", day, "--to", day, "--by", "week", "--format", "csv")
	if code != exitOK {
		t.Fatalf("stats csv: %d %s", code, errOut)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) != 2 || strings.Join(recs[0], ",") != strings.Join(statsColumns, ",") {
		t.Fatalf("csv %q: %v", out, err)
	}
	y, w := time.Now().In(statsZone).ISOWeek()
	if r := recs[1]; r[0] != fmt.Sprintf("%04d-W%02d", y, w) || r[1] != "3" || r[4] != "3" || r[2] != "0" {
		t.Fatalf("csv row %q", r)
	}
	code, out, errOut = blctl(t, url, keys["assoc-admin"], "--lang", "zh", "stats", "--from", day, "--to", day)
	if code != exitOK || !strings.Contains(out, "新增违约") || !strings.Contains(out, "当前列入") || !strings.Contains(out, time.Now().In(statsZone).Format("2006-01")) {
		t.Fatalf("stats table: %d %s %s", code, out, errOut)
	}
}
