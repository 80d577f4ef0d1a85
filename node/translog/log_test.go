package translog

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/assoc-ledger/blacklist/node/ledger"
)

// sliceFeed is a committed feed over a fixed list, positions as given.
type sliceFeed struct{ txs []ledger.Committed }

func (f *sliceFeed) CommittedTxs(from uint64, fn func(ledger.Committed) error) (uint64, error) {
	next := from
	for _, c := range f.txs {
		if c.Position < from {
			continue
		}
		if err := fn(c); err != nil {
			return from, err
		}
		next = c.Position + 1
	}
	return next, nil
}

func (f *sliceFeed) WaitForChanges(ctx context.Context, next uint64) error {
	<-ctx.Done()
	return ctx.Err()
}

// encodeWrites makes one leaf per write: position, index, key, value and
// the previous leaf of the same key, tagged with the key.
func encodeWrites(tx ledger.Committed, first int64, prev Prev) ([]Leaf, error) {
	var out []Leaf
	for _, w := range tx.Writes {
		p, ok, err := prev(w.Key)
		if err != nil {
			return nil, err
		}
		if !ok {
			p = -1
		}
		out = append(out, Leaf{Data: fmt.Appendf(nil, "%d/%d/%s/%s=%s prev %d", tx.Position, tx.TxIndex, tx.TxID, w.Key, w.Value, p), Tags: []string{w.Key}})
	}
	return out, nil
}

// mth is RFC 6962's Merkle tree hash, written out from the RFC.
func mth(leaves [][]byte) tlog.Hash {
	switch len(leaves) {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		return sha256.Sum256(append([]byte{0}, leaves[0]...))
	}
	k := 1
	for k*2 < len(leaves) {
		k *= 2
	}
	l, r := mth(leaves[:k]), mth(leaves[k:])
	return sha256.Sum256(append(append([]byte{1}, l[:]...), r[:]...))
}

func openDB(t testing.TB, dir string) *badger.DB {
	t.Helper()
	db, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func fixture(blocks, txPerBlock, writesPerTx int) *sliceFeed {
	f := &sliceFeed{}
	for b := 0; b < blocks; b++ {
		for i := 0; i < txPerBlock; i++ {
			c := ledger.Committed{Position: uint64(b), TxIndex: i * 2, TxID: fmt.Sprintf("tx%d.%d", b, i), Time: time.Unix(int64(b), 0), Validation: ledger.ValidationFabricValid}
			for w := 0; w < writesPerTx; w++ {
				c.Writes = append(c.Writes, ledger.Write{Key: fmt.Sprintf("att/%d", (b+w)%5), Value: []byte{byte(b), byte(i), byte(w)}})
			}
			f.txs = append(f.txs, c)
		}
	}
	return f
}

// TestTreeIsRFC6962AndResumes: the root equals RFC 6962's Merkle tree hash
// of the leaves, whether built in one go or in badger transactions split
// inside blocks and across a reopen; nothing is appended twice; prev
// points at the last leaf of the same tag.
func TestTreeIsRFC6962AndResumes(t *testing.T) {
	feed := fixture(7, 3, 4)
	var want [][]byte
	{
		db := openDB(t, t.TempDir())
		l, err := Open(Options{DB: db, Feed: feed, Encode: encodeWrites})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.CatchUp(); err != nil {
			t.Fatal(err)
		}
		size, root := l.Head()
		for i := int64(0); i < size; i++ {
			d, err := l.Leaf(i)
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, d)
		}
		if size != 7*3*4 || root != mth(want) {
			t.Fatalf("size %d root %x, RFC 6962 gives %x", size, root, mth(want))
		}
		db.Close()
	}

	old := maxLeavesPerTxn
	maxLeavesPerTxn = 5 // split inside blocks
	defer func() { maxLeavesPerTxn = old }()
	dir := t.TempDir()
	db := openDB(t, dir)
	half := &sliceFeed{txs: feed.txs[:12]} // blocks 0-3
	failing := func(tx ledger.Committed, first int64, prev Prev) ([]Leaf, error) {
		if tx.TxID == "tx2.2" {
			return nil, errors.New("disk full")
		}
		return encodeWrites(tx, first, prev)
	}
	l, err := Open(Options{DB: db, Feed: half, Encode: failing})
	if err != nil {
		t.Fatal(err)
	}
	// Fails inside block 2, after two transactions of 4 leaves each were
	// committed in badger transactions of their own.
	if _, err := l.CatchUp(); err == nil {
		t.Fatal("an encoding error was not reported")
	}
	if c := l.Cursor(); c.Position != 2 || c.NextTx != 3 || c.Size != 32 {
		t.Fatalf("cursor after the failure %+v", c)
	}
	l, err = Open(Options{DB: db, Feed: half, Encode: encodeWrites})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.CatchUp(); err != nil {
		t.Fatal(err)
	}
	if c := l.Cursor(); c.Position != 4 || c.NextTx != 0 || c.Size != 48 {
		t.Fatalf("cursor after half %+v", c)
	}
	db.Close()
	db = openDB(t, dir)
	defer db.Close()
	l, err = Open(Options{DB: db, Feed: feed, Encode: encodeWrites})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.CatchUp(); err != nil {
		t.Fatal(err)
	}
	size, root := l.Head()
	if size != int64(len(want)) || root != mth(want) {
		t.Fatalf("resumed: size %d root %x, want %d %x", size, root, len(want), mth(want))
	}
	for i := range want {
		if d, _ := l.Leaf(int64(i)); !bytes.Equal(d, want[i]) {
			t.Fatalf("leaf %d: %q, built in one go %q", i, d, want[i])
		}
	}
	tagged, err := l.Tagged("att/1")
	if err != nil || len(tagged) == 0 {
		t.Fatal(tagged, err)
	}
	last, _ := l.Leaf(tagged[len(tagged)-1])
	if !bytes.HasSuffix(last, fmt.Appendf(nil, "prev %d", tagged[len(tagged)-2])) {
		t.Fatalf("last leaf of att/1 %q, previous is %d", last, tagged[len(tagged)-2])
	}
}

// TestProofs: inclusion and consistency proofs check against the roots,
// and out-of-range requests are refused as such.
func TestProofs(t *testing.T) {
	db := openDB(t, t.TempDir())
	defer db.Close()
	l, err := Open(Options{DB: db, Feed: fixture(5, 2, 3), Encode: encodeWrites})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.CatchUp(); err != nil {
		t.Fatal(err)
	}
	size, root := l.Head()
	for _, n := range []int64{1, 2, 7, size} {
		rn, err := l.Root(n)
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range []int64{0, n / 2, n - 1} {
			p, err := l.InclusionProof(i, n)
			if err != nil {
				t.Fatal(err)
			}
			d, _ := l.Leaf(i)
			if err := tlog.CheckRecord(p, n, rn, i, tlog.RecordHash(d)); err != nil {
				t.Fatalf("leaf %d in %d: %v", i, n, err)
			}
			if err := tlog.CheckRecord(p, n, rn, i, tlog.RecordHash(append(d, 'x'))); err == nil {
				t.Fatalf("leaf %d in %d: a changed leaf checks", i, n)
			}
		}
		p, err := l.ConsistencyProof(n, size)
		if err != nil {
			t.Fatal(err)
		}
		if err := tlog.CheckTree(p, size, root, n, rn); err != nil {
			t.Fatalf("consistency %d..%d: %v", n, size, err)
		}
	}
	for _, bad := range [][2]int64{{-1, 3}, {3, 3}, {0, size + 1}} {
		if _, err := l.InclusionProof(bad[0], bad[1]); !errors.Is(err, ErrOutOfRange) {
			t.Fatalf("inclusion %v: %v", bad, err)
		}
	}
	for _, bad := range [][2]int64{{0, 3}, {4, 3}, {1, size + 1}} {
		if _, err := l.ConsistencyProof(bad[0], bad[1]); !errors.Is(err, ErrOutOfRange) {
			t.Fatalf("consistency %v: %v", bad, err)
		}
	}
	if _, err := l.Root(size + 1); !errors.Is(err, ErrOutOfRange) {
		t.Fatal(err)
	}
	if r0, _ := l.Root(0); r0 != mth(nil) {
		t.Fatal("empty tree root")
	}
}
