package node

import (
	"context"
	"crypto/sha256"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	fnote "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"

	"github.com/assoc-ledger/blacklist/chaincode/translog"
	"github.com/assoc-ledger/blacklist/chaincode/witness"
	"github.com/assoc-ledger/blacklist/node/webhook/webhooktest"
)

// witnessServer is a real chaincode/witness behind an httptest server on
// 127.0.0.1, started before the node (whose options name its URL) and
// given the node's trust root once the node has one.
type witnessServer struct {
	srv              *httptest.Server
	w                atomic.Pointer[witness.Witness]
	signer, verifier string
}

func newWitnessServer(t *testing.T, name string) *witnessServer {
	t.Helper()
	ws := &witnessServer{}
	var err error
	if ws.signer, ws.verifier, err = witness.GenerateKey(name); err != nil {
		t.Fatal(err)
	}
	ws.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w := ws.w.Load()
		if w == nil {
			http.Error(rw, "not ready", http.StatusServiceUnavailable)
			return
		}
		w.Handler().ServeHTTP(rw, r)
	}))
	t.Cleanup(ws.srv.Close)
	return ws
}

func (ws *witnessServer) start(t *testing.T, n *Node) *witness.Witness {
	t.Helper()
	admin := &Client{Name: "assoc-admin", Member: DemoAssociation, Roles: []string{RoleAdmin}}
	tr, _, err := n.TrustRoot(context.Background(), admin)
	if err != nil {
		t.Fatal(err)
	}
	w, err := witness.New(t.TempDir(), ws.signer, tr)
	if err != nil {
		t.Fatal(err)
	}
	ws.w.Store(w)
	return w
}

// cosignedLog files defaults and has the quorum cosign the log.
func cosignedLog(t *testing.T, n *Node, from, count int) {
	t.Helper()
	fileDefaults(t, n, from, count)
	caughtUp(t, n)
	if err := n.CosignCheckpoints(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestParseWitness(t *testing.T) {
	_, vkey, err := witness.GenerateKey("w1")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"", "w1", "w1=http://x", "=http://x=" + vkey, "w1=ftp://x=" + vkey, "w1=http://x=notakey"} {
		if _, err := ParseWitness(bad); err == nil {
			t.Errorf("ParseWitness(%q) accepted", bad)
		}
	}
	w, err := ParseWitness("w1=https://w.example/a?b=c=" + vkey)
	if err != nil || w.Name != "w1" || w.URL != "https://w.example/a?b=c" || w.Verifier != vkey {
		t.Fatalf("%+v %v", w, err)
	}
}

// TestWitnessRefusesAFork: a witness that already cosigned another root
// at the node's checkpoint size (a fork, signed by the quorum) refuses
// the node's checkpoint and keeps the fork proof; the node keeps no
// cosignature of it, stops sending to it and reports the refusal as a
// /readyz problem.
func TestWitnessRefusesAFork(t *testing.T) {
	ws := newWitnessServer(t, "agency-witness")
	n, _, dir := logNode(t, Options{LogCosignHeld: true, WebhookDestinations: webhooktest.Loopback(), WitnessInterval: -1,
		Witnesses: []WitnessConfig{{Name: "agency-witness", URL: ws.srv.URL, Verifier: ws.verifier}}})
	cosignedLog(t, n, 0, 3)
	w := ws.start(t, n)
	qc, err := n.quorumCheckpoint(DemoAssociation)
	if err != nil {
		t.Fatal(err)
	}
	forged := qc.Checkpoint
	forged.Root = translog.Hash(sha256.Sum256([]byte("another history")))
	var keys []string
	for _, msp := range []string{DemoAssociation, DemoBank1, DemoBank2} {
		b, err := os.ReadFile(filepath.Join(dir, LogKeyFile(msp)))
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, strings.TrimSpace(string(b)))
	}
	signed, err := translog.SignCheckpoint(forged, keys...)
	if err != nil {
		t.Fatal(err)
	}
	if res := w.AddCheckpoint(witness.Request(0, nil, signed)); res.Status != http.StatusOK {
		t.Fatalf("the witness refused the forged checkpoint first: %d %s", res.Status, res.Body)
	}

	err = n.SubmitToWitnesses(context.Background())
	if !errors.Is(err, ErrWitnessRefused) || !strings.Contains(err.Error(), "kept as proof of a fork") {
		t.Fatalf("submitting a fork: %v", err)
	}
	forks, err := w.Forks()
	if err != nil || len(forks) != 1 || !strings.Contains(forks[0].Reason, "size") {
		t.Fatalf("forks kept: %+v %v", forks, err)
	}
	if cs, err := n.WitnessCosignatures(); err != nil || len(cs) != 0 {
		t.Fatalf("kept cosignatures of a refused checkpoint: %+v %v", cs, err)
	}
	problems := n.BackgroundErrors()
	if len(problems) != 1 || !strings.Contains(problems[0], "witness agency-witness refused") {
		t.Fatalf("problems: %q", problems)
	}
	// It is not asked again (no second fork file, no second problem).
	if err := n.SubmitToWitnesses(context.Background()); err != nil {
		t.Fatalf("a refused witness asked again: %v", err)
	}
	if forks, _ := w.Forks(); len(forks) != 1 || len(n.BackgroundErrors()) != 1 {
		t.Fatalf("after a second round: %d forks, problems %q", len(forks), n.BackgroundErrors())
	}
}

// TestWitnessCosignaturesAttached: the node sends its quorum checkpoint
// to a real witness, then a larger one with the consistency proof from
// the size the witness acknowledged; the witness's cosignatures are kept,
// served with the checkpoint and carried by a publication's log proof,
// and verify with the witness's key.
func TestWitnessCosignaturesAttached(t *testing.T) {
	ws := newWitnessServer(t, "agency-witness")
	n, _, _ := logNode(t, Options{LogCosignHeld: true, PublicationCheck: -1, WebhookDestinations: webhooktest.Loopback(), WitnessInterval: -1,
		Witnesses: []WitnessConfig{{Name: "agency-witness", URL: ws.srv.URL, Verifier: ws.verifier}}})
	ctx := context.Background()
	auditor := &Client{Name: "auditor", Member: DemoAssociation, Roles: []string{RoleAuditor}}

	// The witness is not up yet: a transient failure, nothing kept.
	cosignedLog(t, n, 0, 3)
	if err := n.SubmitToWitnesses(ctx); err == nil || errors.Is(err, ErrWitnessRefused) {
		t.Fatalf("a witness answering 503: %v", err)
	}
	ws.start(t, n)
	n.witnesses.list[0].notUntil = n.witnesses.list[0].notUntil.AddDate(-1, 0, 0) // the backoff is not under test

	v, err := fnote.NewVerifierForCosignatureV1(ws.verifier)
	if err != nil {
		t.Fatal(err)
	}
	check := func(round string) QuorumCheckpoint {
		t.Helper()
		if err := n.SubmitToWitnesses(ctx); err != nil {
			t.Fatalf("%s: %v", round, err)
		}
		qc, err := n.LogCheckpoint(ctx, auditor)
		if err != nil {
			t.Fatal(err)
		}
		cs, err := n.WitnessCosignatures()
		if err != nil || len(cs) != 1 || cs[0].Size != qc.Checkpoint.Size {
			t.Fatalf("%s: kept %+v %v, checkpoint size %d", round, cs, err, qc.Checkpoint.Size)
		}
		// The served note verifies with the witness's key alone...
		opened, err := note.Open(qc.Note, note.VerifierList(v))
		if err != nil || len(opened.Sigs) != 1 || opened.Sigs[0].Name != "agency-witness" {
			t.Fatalf("%s: witness cosignature in the served note: %v\n%s", round, err, qc.Note)
		}
		// ...and still with the organisations' quorum, the witness line unknown to them.
		known := []translog.OrgKey{}
		for _, msp := range []string{DemoAssociation, DemoBank1, DemoBank2} {
			k, err := n.tlog.logKey(msp)
			if err != nil {
				t.Fatal(err)
			}
			known = append(known, translog.OrgKey{Org: msp, Verifier: k.Verifier})
		}
		o, err := translog.OpenCheckpoint(qc.Note, known)
		if err != nil || o.Quorum(2) != nil || len(o.Unknown) != 1 {
			t.Fatalf("%s: organisations' signatures: %v %+v", round, err, o)
		}
		return qc
	}
	first := check("first")
	cosignedLog(t, n, 3, 2)
	second := check("second, with a consistency proof")
	if second.Checkpoint.Size <= first.Checkpoint.Size {
		t.Fatalf("the log did not grow: %d -> %d", first.Checkpoint.Size, second.Checkpoint.Size)
	}

	// A publication's log proof carries the witness's cosignature of its
	// checkpoint.
	admin := &Client{Name: "assoc-admin", Member: DemoAssociation, Roles: []string{RoleAdmin}}
	if _, err := n.Publish(ctx, admin); err != nil {
		t.Fatal(err)
	}
	cosignedLog(t, n, 5, 1)
	check("third, covering the publication")
	lp := n.publicationLogProof(DemoAssociation, 1)
	if lp == nil {
		t.Fatal("no log proof for publication 1")
	}
	if _, err := note.Open([]byte(lp.Checkpoint), note.VerifierList(v)); err != nil {
		t.Fatalf("publication's checkpoint without the witness: %v\n%s", err, lp.Checkpoint)
	}
}
