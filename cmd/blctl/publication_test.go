package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPublicationsThroughTheRealGateway: defaults filed with blctl submit;
// the association publishes twice; the agency saves the publications with
// blctl and verifies them offline against the trust root the association
// wrote, the diff on the previous one; tampered files and other roles are
// refused.
func TestPublicationsThroughTheRealGateway(t *testing.T) {
	url, keys, n := realNodeOf(t)
	dir := t.TempDir()
	bank1, admin, agency := keys["bank1-app"], keys["assoc-admin"], keys["agency"]
	if agency == "" {
		t.Fatal("the demo has no agency client")
	}
	now := time.Now().UTC()
	file := func(from, to int) {
		var lines []string
		for i := from; i < to; i++ {
			p := map[string]any{"type": "default", "subject": hexSum(fmt.Sprint("pub subject ", i)), "loanRef": hexSum(fmt.Sprint("pub loan ", i)),
				"product": "consumer", "amount": 10000 + i, "currency": "CNY", "overdueSince": now.AddDate(0, 0, -120).Format("2006-01-02"),
				"daysPastDue": 100, "noticeDate": now.AddDate(0, 0, -90).Format("2006-01-02")}
			b, _ := json.Marshal(p)
			lines = append(lines, string(b))
		}
		input := filepath.Join(dir, fmt.Sprint("defaults-", from, ".ndjson"))
		os.WriteFile(input, []byte(strings.Join(lines, "\n")+"\n"), 0o600)
		if code, out, errOut := blctl(t, url, bank1, "submit", input); code != 0 {
			t.Fatalf("submit: exit %d\n%s\n%s", code, out, errOut)
		}
	}
	path := func(name string) string { return filepath.Join(dir, name) }

	// Refusals first.
	if code, _, errOut := blctl(t, url, agency, "publication", "publish"); code != 1 || !strings.Contains(errOut, "403") && !strings.Contains(errOut, "forbidden") {
		t.Fatalf("agency publishes: exit %d\n%s", code, errOut)
	}
	if code, _, _ := blctl(t, url, bank1, "publication", "list"); code != 1 {
		t.Fatalf("a bank lists publications: exit %d", code)
	}
	if code, _, _ := blctl(t, url, agency, "publication", "get", "1", "--out", path("none")); code != 1 {
		t.Fatalf("no publication yet: exit %d", code)
	}
	if code, _, _ := blctl(t, url, agency, "publication", "get", "one", "--out", path("none")); code != 2 {
		t.Fatalf("a bad number: exit %d", code)
	}
	if code, _, _ := blctl(t, url, agency, "lookup", hexSum("pub subject 0"), "--purpose", "loan-approval"); code != 1 {
		t.Fatalf("agency looks up: exit %d", code)
	}

	file(0, 3)
	if code, out, errOut := blctl(t, url, admin, "publication", "publish"); code != 0 || !strings.Contains(out, "#1") {
		t.Fatalf("publish 1: exit %d\n%s\n%s", code, out, errOut)
	}
	file(3, 5)
	if code, out, errOut := blctl(t, url, admin, "publication", "publish"); code != 0 || !strings.Contains(out, "+2") {
		t.Fatalf("publish 2: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, out, errOut := blctl(t, url, agency, "publication", "list"); code != 0 || strings.Count(out, "\n") != 2 {
		t.Fatalf("list: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, _, errOut := blctl(t, url, admin, "trust-root", "--out", path("trust-root.json")); code != 0 {
		t.Fatalf("trust root: %s", errOut)
	}
	for _, g := range [][]string{{"1", "--out", path("pub-1.ndjson")}, {"2", "--out", path("pub-2.ndjson")}, {"2", "--diff", "--out", path("pub-2-diff.ndjson")}} {
		if code, _, errOut := blctl(t, url, agency, append([]string{"publication", "get"}, g...)...); code != 0 {
			t.Fatalf("get %v: exit %d\n%s", g, code, errOut)
		}
	}
	tr := path("trust-root.json")
	for _, v := range [][]string{
		{path("pub-1.ndjson"), "--trust-root", tr},
		{path("pub-2.ndjson"), "--previous", path("pub-1.ndjson"), "--trust-root", tr},
		{path("pub-2-diff.ndjson"), "--previous", path("pub-1.ndjson"), "--trust-root", tr},
	} {
		if code, out, errOut := blctl(t, url, "", append([]string{"publication", "verify"}, v...)...); code != 0 || !strings.Contains(out, "verified") {
			t.Fatalf("verify %v: exit %d\n%s\n%s", v, code, out, errOut)
		}
	}
	if code, out, _ := blctl(t, url, "", "--lang", "zh", "publication", "verify", path("pub-1.ndjson"), "--trust-root", tr); code != 0 || !strings.Contains(out, "校验通过") || !strings.Contains(out, "[通过] 签名") {
		t.Fatalf("verify in Chinese: exit %d\n%s", code, out)
	}

	// Once a quorum cosigned a checkpoint covering the records, the file
	// proves publication 2's place in the log.
	cosigned(t, n)
	if code, _, errOut := blctl(t, url, agency, "publication", "get", "2", "--out", path("pub-2-log.ndjson")); code != 0 {
		t.Fatalf("get with the log proof: %s", errOut)
	}
	if code, out, _ := blctl(t, url, "", "publication", "verify", path("pub-2-log.ndjson"), "--previous", path("pub-1.ndjson"), "--trust-root", tr); code != 0 || !strings.Contains(out, "[ok] recorded in the ledger's transparency log") {
		t.Fatalf("verify with the log proof: exit %d\n%s", code, out)
	}

	// Tampered: an entry's amount, a dropped diff line.
	full, _ := os.ReadFile(path("pub-2.ndjson"))
	os.WriteFile(path("bad.ndjson"), bytes.Replace(full, []byte(`"CNY":10003`), []byte(`"CNY":10`), 1), 0o600)
	if code, out, _ := blctl(t, url, "", "publication", "verify", path("bad.ndjson"), "--trust-root", tr); code != 1 || !strings.Contains(out, "[FAILED] entries") {
		t.Fatalf("modified entry: exit %d\n%s", code, out)
	}
	diff, _ := os.ReadFile(path("pub-2-diff.ndjson"))
	lines := bytes.SplitAfter(diff, []byte("\n"))
	os.WriteFile(path("bad-diff.ndjson"), bytes.Join(append(lines[:1:1], lines[2:]...), nil), 0o600)
	if code, out, _ := blctl(t, url, "", "publication", "verify", path("bad-diff.ndjson"), "--previous", path("pub-1.ndjson"), "--trust-root", tr); code != 1 || !strings.Contains(out, "[FAILED] diff") {
		t.Fatalf("dropped diff line: exit %d\n%s", code, out)
	}
	// The diff of 2 does not follow from publication 2 itself.
	if code, out, _ := blctl(t, url, "", "publication", "verify", path("pub-2-diff.ndjson"), "--previous", path("pub-2.ndjson"), "--trust-root", tr); code != 1 || !strings.Contains(out, "[FAILED] link") {
		t.Fatalf("wrong previous: exit %d\n%s", code, out)
	}
}
