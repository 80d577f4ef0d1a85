package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	fnote "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"

	"github.com/assoc-ledger/blacklist/chaincode/translog"
	"github.com/assoc-ledger/blacklist/chaincode/witness"
)

// TestWitnessServesTheNodesCheckpoint: an agency makes a witness key and
// serves the witness with blctl; the checkpoint blctl fetched from a real
// node is cosigned once, and a stale request gets the witness's size.
func TestWitnessServesTheNodesCheckpoint(t *testing.T) {
	url, keys, n := realNodeOf(t)
	dir := t.TempDir()
	bank1 := keys["bank1-app"]
	now := time.Now().UTC()
	p := fmt.Sprintf(`{"type":"default","subject":"%s","loanRef":"%s","product":"consumer","amount":10000,"currency":"CNY","overdueSince":"%s","daysPastDue":100,"noticeDate":"%s"}`,
		hexSum("witness subject"), hexSum("witness loan"), now.AddDate(0, 0, -120).Format("2006-01-02"), now.AddDate(0, 0, -90).Format("2006-01-02"))
	input := filepath.Join(dir, "d.ndjson")
	os.WriteFile(input, []byte(p+"\n"), 0o600)
	if code, out, errOut := blctl(t, url, bank1, "submit", input); code != 0 {
		t.Fatalf("submit: %d\n%s\n%s", code, out, errOut)
	}
	cosigned(t, n)
	cp, tr, key := filepath.Join(dir, "cp.txt"), filepath.Join(dir, "tr.json"), filepath.Join(dir, "witness.key")
	if code, _, errOut := blctl(t, url, bank1, "log", "checkpoint", "--out", cp); code != 0 {
		t.Fatalf("checkpoint: %s", errOut)
	}
	if code, _, errOut := blctl(t, url, bank1, "trust-root", "--out", tr); code != 0 {
		t.Fatalf("trust root: %s", errOut)
	}
	if code, _, _ := blctl(t, url, "", "witness", "keygen", "--out", key); code != 2 {
		t.Fatalf("keygen without a name: exit %d", code)
	}
	code, vkey, errOut := blctl(t, url, "", "witness", "keygen", "--name", "agency-witness", "--out", key)
	if code != 0 {
		t.Fatalf("keygen: %s", errOut)
	}
	if code, _, _ := blctl(t, url, "", "witness", "keygen", "--name", "agency-witness", "--out", key); code == 0 {
		t.Fatal("keygen overwrote a key")
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var serveErr bytes.Buffer
	go func() {
		done <- runContext(ctx, []string{"witness", "serve", "--trust-root", tr, "--key", key, "--state", filepath.Join(dir, "state"), "--listen", addr},
			strings.NewReader(""), io.Discard, &serveErr)
	}()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("witness serve: exit %d\n%s", code, serveErr.String())
		}
	}()
	signed, _ := os.ReadFile(cp)
	post := func(old int64) (int, []byte) {
		var resp *http.Response
		var err error
		for i := 0; i < 100; i++ { // until the server listens
			resp, err = http.Post("http://"+addr+"/add-checkpoint", "text/plain", bytes.NewReader(witness.Request(old, nil, signed)))
			if err == nil {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	status, cosig := post(0)
	if status != 200 {
		t.Fatalf("add-checkpoint: %d %s", status, cosig)
	}
	v, err := fnote.NewVerifierForCosignatureV1(strings.TrimSpace(vkey))
	if err != nil {
		t.Fatal(err)
	}
	body, _, _ := translog.SplitNote(signed)
	if _, err := note.Open([]byte(body+"\n"+string(cosig)), note.VerifierList(v)); err != nil {
		t.Fatalf("cosignature: %v\n%s", err, cosig)
	}
	c, _ := translog.ParseCheckpoint(body)
	if status, b := post(0); status != 409 || string(b) != fmt.Sprintf("%d\n", c.Size) {
		t.Fatalf("stale: %d %q", status, b)
	}
}
