package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestPickField(t *testing.T) {
	doc := `{"id": "abc", "n": 12, "ok": true, "ids": ["a", "b"], "results": [{"id": "x", "listed": false}], "obj": {"k": "v"}}`
	for path, want := range map[string]string{
		"id": "abc\n", "n": "12\n", "ok": "true\n", "ids": "a\nb\n", "results.0.id": "x\n",
		"results.0.listed": "false\n", "obj": `{"k":"v"}` + "\n",
	} {
		var b bytes.Buffer
		if err := pickField(&b, []byte(doc), path); err != nil || b.String() != want {
			t.Errorf("%s: %q, %v; want %q", path, b.String(), err, want)
		}
	}
	for path, want := range map[string]string{
		"nope":           `has no "nope" (it has: id, ids, n, obj, ok, results)`,
		"results.3.id":   `"3" is not an index of a list of 1`,
		"id.deeper":      `"deeper" is inside a single value`,
		"results.x.name": `"x" is not an index`,
	} {
		err := pickField(&bytes.Buffer{}, []byte(doc), path)
		var ue *usageError
		if err == nil || !strings.Contains(err.Error(), want) || !errors.As(err, &ue) {
			t.Errorf("%s: %v, want a usage error with %q", path, err, want)
		}
	}
}

// TestFieldAndWaitAgainstTheRealGateway is the README walkthrough's way of
// carrying ids from one step to the next without jq, and of reading the
// alert a default raises without racing the node's monitor.
func TestFieldAndWaitAgainstTheRealGateway(t *testing.T) {
	url, keys := realNode(t)
	subject := hexSum("field subject")
	now := time.Now().UTC()
	b, _ := json.Marshal(map[string]any{"type": "default", "subject": subject, "loanRef": hexSum("field loan"),
		"product": "consumer", "amount": 250000, "currency": "CNY", "overdueSince": now.AddDate(0, 0, -120).Format("2006-01-02"),
		"daysPastDue": 100, "noticeDate": now.AddDate(0, 0, -90).Format("2006-01-02")})
	file := filepath.Join(t.TempDir(), "default.ndjson")
	if err := os.WriteFile(file, append(b, '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := blctl(t, url, keys["bank1-app"], "watch", "add", subject, "--label", "f-1"); code != exitOK {
		t.Fatalf("watch add: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut := blctl(t, url, keys["bank2-app"], "--field", "ids", "submit", file)
	if code != exitOK || !regexp.MustCompile(`^[0-9a-f]{64}\n$`).MatchString(out) {
		t.Fatalf("--field ids: exit %d\n%q\n%s", code, out, errOut)
	}
	id := strings.TrimSpace(out)
	// The same command again: the state file says it is done; no id is new.
	if code, out, _ := blctl(t, url, keys["bank2-app"], "--field", "skipped", "submit", file); code != exitOK || out != "1\n" {
		t.Fatalf("rerun: exit %d %q", code, out)
	}
	code, out, errOut = blctl(t, url, keys["bank1-app"], "alerts", "--wait", "20s")
	if code != exitOK || !strings.Contains(out, short(id)) || !strings.Contains(out, "f-1") {
		t.Fatalf("alerts --wait: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = blctl(t, url, keys["bank1-app"], "--field", "nope", "alerts")
	if code != exitUsage || out != "" || !strings.Contains(errOut, `has no "nope" (it has: alerts, last)`) {
		t.Fatalf("unknown field: exit %d\n%q\n%s", code, out, errOut)
	}
	// A refused command prints nothing on stdout under --field.
	code, out, _ = blctl(t, url, keys["bank1-app"], "--field", "id", "dispute", "open", "--attestation", hexSum("none"),
		"--reason-code", "not-mine", "--statement-digest", hexSum("s"))
	if code != exitRefused || out != "" {
		t.Fatalf("refused under --field: exit %d %q", code, out)
	}
}

// TestSubmitSaysWhenNotListed: a default below the policy's threshold is
// accepted, and blctl says it lists nobody and which minimum it missed.
func TestSubmitSaysWhenNotListed(t *testing.T) {
	url, keys := realNode(t)
	now := time.Now().UTC()
	line := func(loan string, dpd int) string {
		b, _ := json.Marshal(map[string]any{"type": "default", "subject": hexSum("low " + loan), "loanRef": hexSum(loan),
			"product": "consumer", "amount": 1550000, "currency": "CNY", "overdueSince": now.AddDate(0, 0, -130).Format("2006-01-02"),
			"daysPastDue": dpd, "noticeDate": now.AddDate(0, 0, -100).Format("2006-01-02")})
		return string(b)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "defaults.ndjson")
	os.WriteFile(file, []byte(line("L1", 120)+"\n"+line("L2", 20)+"\n"), 0o600)
	code, out, errOut := blctl(t, url, keys["bank1-app"], "submit", file)
	if code != exitOK || !strings.Contains(out, "accepted    2") || !strings.Contains(out, "not listed  1") ||
		!strings.Contains(errOut, "line 2: default ") || !strings.Contains(errOut, "recorded but not listed: daysPastDue below the policy's minimum 90") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	file2 := filepath.Join(dir, "more.ndjson")
	os.WriteFile(file2, []byte(line("L3", 20)+"\n"), 0o600)
	code, out, _ = blctl(t, url, keys["bank1-app"], "--output", "json", "submit", file2)
	var sum struct {
		IDs       []string
		NotListed []notListed
	}
	if code != exitOK || json.Unmarshal([]byte(out), &sum) != nil || len(sum.NotListed) != 1 || sum.NotListed[0].Line != 1 ||
		sum.NotListed[0].ID != sum.IDs[0] || sum.NotListed[0].BelowThreshold.MinDaysPastDue != 90 {
		t.Fatalf("json: exit %d\n%s", code, out)
	}
}
