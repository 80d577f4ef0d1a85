package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/gateway"
	"github.com/assoc-ledger/blacklist/node"
	"github.com/assoc-ledger/blacklist/node/embedded"
	"github.com/assoc-ledger/blacklist/node/webhook/webhooktest"
)

// realNode serves a real node (embedded ledger, demo consortium) through the
// real gateway and returns its URL and the demo API keys.
func realNode(t *testing.T) (string, map[string]string) {
	url, keys, _ := realNodeOf(t)
	return url, keys
}

// realNodeOf is realNode with the node itself, for tests that also look at
// its store (the audit log).
func realNodeOf(t *testing.T) (string, map[string]string, *node.Node) {
	dir := t.TempDir()
	l, err := embedded.Open(embedded.Options{Dir: filepath.Join(dir, "ledger")})
	if err != nil {
		t.Fatal(err)
	}
	// Test receivers listen on loopback: allowed here as an operator would.
	// The node keeps the transparency log and cosigns for the demo's
	// members when a test asks (CosignCheckpoints), not on a timer.
	n, err := node.OpenWith(dir, l, node.Options{WebhookDestinations: webhooktest.Loopback(), LogCosignHeld: true, LogCheckpointInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	creds, err := n.SetupDemo(context.Background(), dir, "http://test")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gateway.New(n, gateway.Options{MaxBodyBytes: 8 << 20}))
	t.Cleanup(func() {
		srv.Close()
		n.Close()
		l.Close()
	})
	keys := map[string]string{}
	for _, c := range creds.Clients {
		keys[c.Name] = c.APIKey
	}
	return srv.URL, keys, n
}

func blctl(t *testing.T, url, key string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(append([]string{"--server", url, "--api-key", key}, args...), strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func hexSum(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// TestAgainstTheRealGateway runs blctl against a real node: a bulk submit
// of 1,200 defaults in batches, a rerun that sends nothing again, lookups
// from the other bank, a refused settlement, a dispute, and the audit log.
func TestAgainstTheRealGateway(t *testing.T) {
	url, keys := realNode(t)
	dir := t.TempDir()
	input := filepath.Join(dir, "defaults.ndjson")
	var lines []string
	now := time.Now().UTC()
	for i := 0; i < 1200; i++ {
		p := map[string]any{"type": "default", "subject": hexSum(fmt.Sprint("subject ", i)), "loanRef": hexSum(fmt.Sprint("loan ", i)),
			"product": "consumer", "amount": 10000 + i, "currency": "CNY", "overdueSince": now.AddDate(0, 0, -120).Format("2006-01-02"),
			"daysPastDue": 100, "noticeDate": now.AddDate(0, 0, -90).Format("2006-01-02")}
		b, _ := json.Marshal(p)
		lines = append(lines, string(b))
	}
	os.WriteFile(input, []byte(strings.Join(lines, "\n")+"\n"), 0o600)

	code, out, errOut := blctl(t, url, keys["bank1-app"], "submit", "--batch", "500", input)
	if code != 0 || !strings.Contains(out+errOut, "1200") {
		t.Fatalf("submit: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = blctl(t, url, keys["bank1-app"], "submit", "--batch", "500", input)
	if code != 0 {
		t.Fatalf("rerun: exit %d\n%s\n%s", code, out, errOut)
	}

	keyFile := filepath.Join(dir, "keys.txt")
	os.WriteFile(keyFile, []byte(hexSum("subject 7")+"\n"+hexSum("nobody")+"\n"), 0o600)
	code, out, errOut = blctl(t, url, keys["bank2-app"], "--output", "json", "lookup", "--purpose", "loan-approval", "--file", keyFile)
	var res struct {
		Results []struct {
			SubjectKey string `json:"subjectKey"`
			Listed     bool   `json:"listed"`
		} `json:"results"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || len(res.Results) != 2 || !res.Results[0].Listed || res.Results[1].Listed {
		t.Fatalf("lookup: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, _, _ := blctl(t, url, keys["bank2-app"], "lookup", "--purpose", "loan-approval", "--fail-if-listed", hexSum("subject 7")); code != 4 {
		t.Fatalf("--fail-if-listed exit %d, want 4", code)
	}
	if code, _, errOut := blctl(t, url, keys["bank2-app"], "lookup", "--purpose", "curiosity", hexSum("subject 7")); code != 1 || !strings.Contains(errOut, "bad-purpose") {
		t.Fatalf("bad purpose: exit %d %s", code, errOut)
	}
	if code, _, _ := blctl(t, url, "bl_wrong", "members", "list"); code != 1 {
		t.Fatalf("wrong key: exit %d", code)
	}

	// The default of subject 7, found by its loan through the history.
	code, out, _ = blctl(t, url, keys["bank2-app"], "--output", "json", "lookup", "--purpose", "dispute-handling", hexSum("subject 7"))
	if code != 0 {
		t.Fatalf("single lookup exit %d", code)
	}
	var audit struct {
		Entries []node.AuditEntry `json:"entries"`
	}
	code, out, errOut = blctl(t, url, keys["auditor"], "--output", "json", "audit", "--subject", hexSum("subject 7"))
	if code != 0 {
		t.Fatalf("audit: exit %d %s", code, errOut)
	}
	// Three answered lookups and the one refused for its purpose.
	if err := json.Unmarshal([]byte(out), &audit); err != nil || len(audit.Entries) != 4 || audit.Entries[2].Outcome != node.OutcomeDenied {
		t.Fatalf("audit entries: %v\n%s", err, out)
	}
	if code, _, _ := blctl(t, url, keys["bank1-app"], "audit"); code != 1 {
		t.Fatalf("a bank's app read the audit log: exit %d", code)
	}
}
