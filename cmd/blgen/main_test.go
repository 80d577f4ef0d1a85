package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/gateway"
	"github.com/assoc-ledger/blacklist/gateway/console"
	"github.com/assoc-ledger/blacklist/node"
	"github.com/assoc-ledger/blacklist/node/badgerstate"
	"github.com/assoc-ledger/blacklist/node/embedded"
	"github.com/assoc-ledger/blacklist/node/stats"
)

func evaluate(t *testing.T, l *embedded.Ledger, fn string, req, out any) {
	t.Helper()
	arg, _ := json.Marshal(req)
	res, err := l.Evaluate(node.DemoBank2, fn, arg)
	if err != nil {
		t.Fatalf("%s: %v", fn, err)
	}
	if err := json.Unmarshal(res.Payload, out); err != nil {
		t.Fatalf("%s: %v", fn, err)
	}
}

// TestGenerateServesQueries generates a small store and checks that the
// node's queries and its HTTP API answer from it as from a submitted one:
// generated subjects listed with their defaults, a stored JWS that verifies
// with the key registered on the ledger, and blgen lookup agreeing.
func TestGenerateServesQueries(t *testing.T) {
	dir := t.TempDir()
	var out, errs bytes.Buffer
	if code := run([]string{"--data", dir, "--n", "1001", "--progress", "0"}, &out, &errs); code != 0 {
		t.Fatalf("blgen exited %d: %s", code, errs.String())
	}
	var m Manifest
	if err := readJSON(filepath.Join(dir, ManifestFile), &m); err != nil {
		t.Fatal(err)
	}
	if m.Attestations != 1001 || m.Subjects != 501 || !m.Signed || len(m.Reporters) != 2 {
		t.Fatalf("manifest %+v", m)
	}

	// The generated records have their status shadow, complete and marked
	// as such (badgerstate.Write): opening the store builds nothing.
	db, err := badger.Open(embedded.StoreOptions(filepath.Join(dir, "ledger")).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := badgerstate.ShadowState(db); !ok || err != nil {
		t.Fatalf("shadow not marked complete: %v", err)
	}
	if err := db.View(badgerstate.VerifyShadow); err != nil {
		t.Fatal(err)
	}
	db.Close()

	l, err := embedded.Open(embedded.Options{Dir: filepath.Join(dir, "ledger")})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var statuses []contract.Status
	evaluate(t, l, "SubjectStatuses", contract.SubjectsRequest{Subjects: []string{SubjectKey(0), SubjectKey(500), SubjectKey(501)}}, &statuses)
	if s := statuses[0]; !s.Listed || s.ActiveDefaults != 2 || len(s.Reporters) != 2 || s.Outstanding["CNY"] == 0 {
		t.Fatalf("subject 0: %+v", s)
	}
	if s := statuses[1]; !s.Listed || s.ActiveDefaults != 1 {
		t.Fatalf("subject 500 (the last, one default): %+v", s)
	}
	if s := statuses[2]; s.Listed || s.Records != 0 {
		t.Fatalf("subject 501 was not generated: %+v", s)
	}

	var h contract.History
	evaluate(t, l, "SubjectHistory", contract.SubjectRequest{Subject: SubjectKey(7)}, &h)
	if len(h.Entries) != 2 {
		t.Fatalf("history of subject 7: %+v", h)
	}
	var v contract.AttestationView
	evaluate(t, l, "GetAttestation", contract.IDRequest{ID: h.Entries[0].Default.ID}, &v)
	p, err := attestation.Parse(v.Record.JWS)
	if err != nil {
		t.Fatal(err)
	}
	var member contract.Member
	evaluate(t, l, "GetMember", contract.MemberRequest{MSPID: p.Payload.Reporter}, &member)
	verified := false
	for _, k := range member.Keys {
		if k.KID == p.KeyID {
			pub, err := attestation.ParsePublicKeyPEM(k.PublicKey)
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Verify(pub); err != nil {
				t.Fatalf("stored JWS does not verify with the registered key: %v", err)
			}
			verified = true
		}
	}
	if !verified || p.ID != v.Record.ID || p.Payload.Subject != SubjectKey(7) {
		t.Fatalf("JWS of %s: kid %s among %+v, parsed %+v", v.Record.ID, p.KeyID, member.Keys, p.Payload)
	}

	// The same store over HTTP, as blacklistd --demo serves it.
	n, err := node.Open(dir, l)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	if _, err := n.SetupDemo(context.Background(), dir, ""); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/", gateway.New(n, gateway.Options{MaxBodyBytes: 8 << 20}))
	mux.Handle(console.Prefix, console.New(n, console.Options{}))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	for _, batch := range []string{"1", "300"} {
		out.Reset()
		if code := run([]string{"lookup", "--data", dir, "--url", srv.URL, "--batch", batch, "-c", "2", "-d", "50ms"}, &out, &errs); code != 0 {
			t.Fatalf("blgen lookup --batch %s exited %d: %s", batch, code, errs.String())
		}
		f := strings.Fields(out.String())
		if len(f) != 12 || f[0] != "BenchmarkStoreLookup/stored=1001/batch="+batch || f[3] != "ns/op" || f[5] != "p50-ms" {
			t.Fatalf("blgen lookup printed %q", out.String())
		}
	}

	// the overview reads the statistics blgen counted: 1001 new defaults
	today := time.Now().In(stats.Zone).Format(time.DateOnly)
	st, err := n.Statistics(context.Background(), admin(t, n, dir), node.StatisticsQuery{From: today, To: today, Granularity: "week"})
	if err != nil || len(st.Periods) == 0 || st.Periods[len(st.Periods)-1].Defaults.Total < 1001 ||
		st.Periods[len(st.Periods)-1].Defaults.ByReporter[node.DemoBank2] < 500 {
		t.Fatalf("statistics of the generated store: %v %+v", err, st.Periods)
	}
	// every console page answers, timed
	out.Reset()
	if code := run([]string{"console", "--data", dir, "--url", srv.URL, "-n", "2"}, &out, &errs); code != 0 {
		t.Fatalf("blgen console exited %d: %s", code, errs.String())
	}
	if lines := strings.Split(strings.TrimSpace(out.String()), "\n"); len(lines) != len(consolePages) ||
		!strings.HasPrefix(lines[0], "BenchmarkConsolePage/stored=1001/page=overview\t2\t") || !strings.Contains(lines[0], "p99-ms") {
		t.Fatalf("blgen console printed %q", out.String())
	}

	if code := run([]string{"--data", dir, "--n", "10", "--progress", "0"}, &out, &errs); code == 0 {
		t.Fatal("a second generation into the same directory was accepted")
	}
}

// admin is the demo association administrator's client.
func admin(t *testing.T, n *node.Node, dir string) *node.Client {
	var creds node.DemoCredentials
	if err := readJSON(filepath.Join(dir, node.DemoCredentialsFile), &creds); err != nil {
		t.Fatal(err)
	}
	for _, c := range creds.Clients {
		if c.Name == "assoc-admin" {
			if cl, ok := n.Authenticate(c.APIKey); ok {
				return cl
			}
		}
	}
	t.Fatal("no assoc-admin client")
	return nil
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"lookup", "--help"}, {"console", "--help"}} {
		var out, errs bytes.Buffer
		if code := run(args, &out, &errs); code != 0 || !strings.Contains(errs.String(), "Usage: blgen") {
			t.Fatalf("%v: exit %d, %q", args, code, errs.String())
		}
	}
}
