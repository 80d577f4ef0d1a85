package witness

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	fnote "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/assoc-ledger/blacklist/chaincode/evidence"
	"github.com/assoc-ledger/blacklist/chaincode/translog"
)

// memTree is an RFC 6962 tree in memory, with sumdb/tlog's stored hashes.
type memTree struct{ hashes []tlog.Hash }

func (m *memTree) read(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		out[i] = m.hashes[x]
	}
	return out, nil
}

func newTree(t *testing.T, prefix string, n int) *memTree {
	m := &memTree{}
	for i := 0; i < n; i++ {
		hs, err := tlog.StoredHashes(int64(i), []byte(fmt.Sprint(prefix, i)), tlog.HashReaderFunc(m.read))
		if err != nil {
			t.Fatal(err)
		}
		m.hashes = append(m.hashes, hs...)
	}
	return m
}

func (m *memTree) root(t *testing.T, n int64) tlog.Hash {
	h, err := tlog.TreeHash(n, tlog.HashReaderFunc(m.read))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func (m *memTree) proof(t *testing.T, n, old int64) []tlog.Hash {
	p, err := tlog.ProveTree(n, old, tlog.HashReaderFunc(m.read))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

type logKeys struct {
	keys map[string]translog.LogKey
	tr   *evidence.TrustRoot
}

func newLog(t *testing.T) *logKeys {
	l := &logKeys{keys: map[string]translog.LogKey{}, tr: &evidence.TrustRoot{Origin: translog.Origin("test"), Quorum: 2}}
	for i, org := range []string{"AssocMSP", "Bank1MSP", "Bank2MSP"} {
		k, err := translog.GenerateLogKey(org)
		if err != nil {
			t.Fatal(err)
		}
		l.keys[org] = k
		l.tr.Organisations = append(l.tr.Organisations, evidence.Organisation{ID: org, Association: i == 0, LogKeys: []string{k.Verifier}})
	}
	return l
}

func (l *logKeys) sign(t *testing.T, origin string, size int64, root tlog.Hash, orgs ...string) []byte {
	cp := translog.Checkpoint{Origin: origin, Size: size, Root: translog.Hash(root)}
	var notes [][]byte
	for _, o := range orgs {
		n, err := translog.SignCheckpoint(cp, l.keys[o].Signer)
		if err != nil {
			t.Fatal(err)
		}
		notes = append(notes, n)
	}
	m, err := translog.MergeSignatures(notes...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestWitness(t *testing.T) {
	l := newLog(t)
	skey, vkey, err := GenerateKey("agency-x-witness")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	w, err := New(dir, skey, l.tr)
	if err != nil {
		t.Fatal(err)
	}
	tree := newTree(t, "leaf ", 7)
	origin := l.tr.Origin
	cp3 := l.sign(t, origin, 3, tree.root(t, 3), "AssocMSP", "Bank1MSP")
	add := func(old int64, proof []tlog.Hash, signed []byte, want int) Result {
		t.Helper()
		r := w.AddCheckpoint(Request(old, proof, signed))
		if r.Status != want {
			t.Fatalf("add-checkpoint old %d: %d %s, want %d", old, r.Status, r.Body, want)
		}
		return r
	}

	// Refusals first: too few organisations, keys nobody knows, another
	// log, garbage, a proof from size 0.
	add(0, nil, l.sign(t, origin, 3, tree.root(t, 3), "Bank1MSP"), http.StatusForbidden)
	add(0, nil, newLog(t).sign(t, origin, 3, tree.root(t, 3), "AssocMSP", "Bank1MSP"), http.StatusForbidden)
	add(0, nil, l.sign(t, translog.Origin("other"), 3, tree.root(t, 3), "AssocMSP", "Bank1MSP"), http.StatusNotFound)
	add(0, tree.proof(t, 3, 1), cp3, http.StatusUnprocessableEntity)
	if r := w.AddCheckpoint([]byte("old x\n\n")); r.Status != http.StatusBadRequest {
		t.Fatalf("garbage: %d", r.Status)
	}

	r := add(0, nil, cp3, http.StatusOK)
	// The cosignature verifies with the witness's cosignature/v1 key over
	// the checkpoint.
	v, err := fnote.NewVerifierForCosignatureV1(vkey)
	if err != nil {
		t.Fatal(err)
	}
	body, _, _ := translog.SplitNote(cp3)
	if _, err := note.Open([]byte(body+"\n"+string(r.Body)), note.VerifierList(v)); err != nil {
		t.Fatalf("cosignature %q: %v", r.Body, err)
	}
	if r := add(0, nil, cp3, http.StatusConflict); string(r.Body) != "3\n" || r.ContentType != "text/x.tlog.size" {
		t.Fatalf("stale old size: %q %s", r.Body, r.ContentType)
	}
	add(3, tree.proof(t, 5, 3), l.sign(t, origin, 5, tree.root(t, 5), "AssocMSP", "Bank2MSP"), http.StatusOK)
	add(5, nil, l.sign(t, origin, 5, tree.root(t, 5), "Bank1MSP", "Bank2MSP"), http.StatusOK) // the same tree head again

	// Forks: size 5 with another root; size 7 of another tree claiming to
	// extend 5. Both refused and kept.
	other := newTree(t, "other ", 7)
	add(5, nil, l.sign(t, origin, 5, other.root(t, 5), "AssocMSP", "Bank1MSP"), http.StatusConflict)
	add(5, other.proof(t, 7, 5), l.sign(t, origin, 7, other.root(t, 7), "AssocMSP", "Bank1MSP"), http.StatusConflict)
	forks, err := w.Forks()
	if err != nil || len(forks) != 2 {
		t.Fatalf("forks: %+v %v", forks, err)
	}
	for _, f := range forks {
		// Portable: both notes open against the trust root with the quorum.
		for _, n := range []string{f.Seen, f.Shown} {
			o, err := translog.OpenCheckpoint([]byte(n), l.keys2())
			if err != nil || o.Quorum(2) != nil {
				t.Fatalf("fork note does not verify: %v\n%s", err, n)
			}
		}
		if !strings.Contains(f.Seen, "\n5\n") {
			t.Fatalf("fork against %q", f.Seen)
		}
	}

	// A restart keeps the state: the old size is still 5.
	w2, err := New(dir, skey, l.tr)
	if err != nil {
		t.Fatal(err)
	}
	if r := w2.AddCheckpoint(Request(0, nil, cp3)); r.Status != http.StatusConflict || string(r.Body) != "5\n" {
		t.Fatalf("after a restart: %d %q", r.Status, r.Body)
	}
	add(5, tree.proof(t, 7, 5), l.sign(t, origin, 7, tree.root(t, 7), "AssocMSP", "Bank1MSP"), http.StatusOK)
}

func (l *logKeys) keys2() []translog.OrgKey {
	var ks []translog.OrgKey
	for o, k := range l.keys {
		ks = append(ks, translog.OrgKey{Org: o, Verifier: k.Verifier})
	}
	return ks
}
