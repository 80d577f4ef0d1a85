package main

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/translog"
	"github.com/assoc-ledger/blacklist/gateway"
	"github.com/assoc-ledger/blacklist/node"
	"github.com/assoc-ledger/blacklist/node/embedded"
	"github.com/assoc-ledger/blacklist/node/webhook/webhooktest"
)

// sinceNode is realNodeOf with the node's data dir, where the demo
// organisations' log keys are (to forge a checkpoint the quorum signs).
func sinceNode(t *testing.T) (string, map[string]string, *node.Node, string) {
	dir := t.TempDir()
	l, err := embedded.Open(embedded.Options{Dir: filepath.Join(dir, "ledger")})
	if err != nil {
		t.Fatal(err)
	}
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
	return srv.URL, keys, n, dir
}

// TestPublicationSinceLastCheckpoint: the agency keeps the log's
// checkpoint after publication 1; it fetches publication 2 with the
// consistency proof from it and verifies offline that 2's checkpoint
// extends it. A forged last checkpoint (same size, another root, signed
// by the quorum) is refused as a fork; a file without the proof, and a
// tampered proof, are refused by name.
func TestPublicationSinceLastCheckpoint(t *testing.T) {
	url, keys, n, dataDir := sinceNode(t)
	dir := t.TempDir()
	path := func(name string) string { return filepath.Join(dir, name) }
	bank1, admin, agency := keys["bank1-app"], keys["assoc-admin"], keys["agency"]
	now := time.Now().UTC()
	file := func(from, to int) {
		var lines []string
		for i := from; i < to; i++ {
			p := map[string]any{"type": "default", "subject": hexSum(fmt.Sprint("since subject ", i)), "loanRef": hexSum(fmt.Sprint("since loan ", i)),
				"product": "consumer", "amount": 10000 + i, "currency": "CNY", "overdueSince": now.AddDate(0, 0, -120).Format("2006-01-02"),
				"daysPastDue": 100, "noticeDate": now.AddDate(0, 0, -90).Format("2006-01-02")}
			b, _ := json.Marshal(p)
			lines = append(lines, string(b))
		}
		input := path(fmt.Sprint("defaults-", from, ".ndjson"))
		os.WriteFile(input, []byte(strings.Join(lines, "\n")+"\n"), 0o600)
		if code, out, errOut := blctl(t, url, bank1, "submit", input); code != 0 {
			t.Fatalf("submit: exit %d\n%s\n%s", code, out, errOut)
		}
	}
	file(0, 2)
	if code, _, errOut := blctl(t, url, admin, "publication", "publish"); code != 0 {
		t.Fatalf("publish 1: %s", errOut)
	}
	cosigned(t, n)
	// The agency may read the checkpoint (and consistency proofs), not the
	// trust root nor inclusion proofs.
	if code, _, errOut := blctl(t, url, agency, "log", "checkpoint", "--out", path("last.txt")); code != 0 {
		t.Fatalf("agency reads the checkpoint: exit %d\n%s", code, errOut)
	}
	if code, _, _ := blctl(t, url, agency, "trust-root", "--out", path("tr-agency.json")); code != 1 {
		t.Fatalf("agency reads the trust root: exit %d", code)
	}
	if code, _, errOut := blctl(t, url, admin, "trust-root", "--out", path("trust-root.json")); code != 0 {
		t.Fatalf("trust root: %s", errOut)
	}
	tr := path("trust-root.json")

	file(2, 4)
	if code, _, errOut := blctl(t, url, admin, "publication", "publish"); code != 0 {
		t.Fatalf("publish 2: %s", errOut)
	}
	cosigned(t, n)
	if code, _, errOut := blctl(t, url, agency, "publication", "get", "2", "--out", path("pub-2.ndjson"), "--since-checkpoint", path("last.txt")); code != 0 {
		t.Fatalf("get --since-checkpoint: exit %d\n%s", code, errOut)
	}
	if code, _, errOut := blctl(t, url, agency, "publication", "get", "2", "--out", path("pub-2-plain.ndjson")); code != 0 {
		t.Fatalf("get: exit %d\n%s", code, errOut)
	}

	// The forged last checkpoint: its size, another root, signed with
	// every organisation's log key.
	raw, _ := os.ReadFile(path("last.txt"))
	text, _, err := translog.SplitNote(raw)
	if err != nil {
		t.Fatal(err)
	}
	last, err := translog.ParseCheckpoint(text)
	if err != nil {
		t.Fatal(err)
	}
	forged := last
	forged.Root = translog.Hash(sha256.Sum256([]byte("another history")))
	var signers []string
	for _, msp := range []string{node.DemoAssociation, node.DemoBank1, node.DemoBank2} {
		b, err := os.ReadFile(filepath.Join(dataDir, node.LogKeyFile(msp)))
		if err != nil {
			t.Fatal(err)
		}
		signers = append(signers, strings.TrimSpace(string(b)))
	}
	note, err := translog.SignCheckpoint(forged, signers...)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path("forged.txt"), note, 0o600)

	// Refusals first.
	for _, tc := range []struct {
		file, last, want string
	}{
		{"pub-2.ndjson", "forged.txt", "[FAILED] extends the last checkpoint you saw: fork: the last checkpoint (size"},
		{"pub-2-plain.ndjson", "last.txt", "carries no consistency proof"},
	} {
		code, out, errOut := blctl(t, url, "", "publication", "verify", path(tc.file), "--trust-root", tr, "--last-checkpoint", path(tc.last))
		if code != 1 || !strings.Contains(out, tc.want) || !strings.Contains(errOut, "since:") {
			t.Fatalf("verify %s --last-checkpoint %s: exit %d\n%s\n%s", tc.file, tc.last, code, out, errOut)
		}
	}
	// A tampered proof in the file.
	pub2, _ := os.ReadFile(path("pub-2.ndjson"))
	first, rest, _ := strings.Cut(string(pub2), "\n")
	var pre map[string]any
	if err := json.Unmarshal([]byte(first), &pre); err != nil {
		t.Fatal(err)
	}
	since := pre["since"].(map[string]any)
	proof := since["proof"].([]any)
	if len(proof) == 0 {
		t.Fatalf("no consistency proof embedded: %s", first)
	}
	proof[0] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
	b, _ := json.Marshal(pre)
	os.WriteFile(path("pub-2-bad.ndjson"), []byte(string(b)+"\n"+rest), 0o600)
	if code, out, _ := blctl(t, url, "", "publication", "verify", path("pub-2-bad.ndjson"), "--trust-root", tr, "--last-checkpoint", path("last.txt")); code != 1 || !strings.Contains(out, "[FAILED] extends the last checkpoint you saw: fork") {
		t.Fatalf("tampered proof: exit %d\n%s", code, out)
	}

	if code, out, errOut := blctl(t, url, "", "publication", "verify", path("pub-2.ndjson"), "--trust-root", tr, "--last-checkpoint", path("last.txt")); code != 0 || !strings.Contains(out, "[ok] extends the last checkpoint you saw: size") || !strings.Contains(out, "verified") {
		t.Fatalf("verify --last-checkpoint: exit %d\n%s\n%s", code, out, errOut)
	}
}
