package replica

import (
	"encoding/binary"
	"errors"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/node/ledger"
)

func collect(t *testing.T, f ledger.CommittedFeed, from uint64) []ledger.Committed {
	t.Helper()
	var out []ledger.Committed
	for {
		next, err := f.CommittedTxs(from, func(c ledger.Committed) error {
			out = append(out, c)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if next == from {
			return out
		}
		from = next
	}
}

// TestCommittedTxsMatchTheLedger replays real write sets as blocks: the
// replica feeds exactly the valid namespace transactions, with their write
// sets, block numbers and indexes, in the order the source committed them
// (the invalid and the other chaincode's transactions around them are not
// fed), and keeps every block whole.
func TestCommittedTxsMatchTheLedger(t *testing.T) {
	src := source(t)
	bs := blocks(t, src)
	r, err := Open(filepath.Join(t.TempDir(), "replica"), ns)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, b := range bs {
		if _, err := r.Apply(b); err != nil {
			t.Fatal(err)
		}
	}
	want := collect(t, src, 0)
	got := collect(t, r, 0)
	if len(got) != len(want) || len(got) == 0 {
		t.Fatalf("replica fed %d transactions, the ledger committed %d", len(got), len(want))
	}
	for i := range got {
		if got[i].TxID != want[i].TxID || !reflect.DeepEqual(got[i].Writes, want[i].Writes) {
			t.Fatalf("transaction %d: replica %s %v, ledger %s %v", i, got[i].TxID, got[i].Writes, want[i].TxID, want[i].Writes)
		}
		if got[i].Position != uint64(i+1) || got[i].TxIndex != 1 || got[i].Validation != ledger.ValidationFabricValid {
			t.Fatalf("transaction %d at block %d index %d (%s)", i, got[i].Position, got[i].TxIndex, got[i].Validation)
		}
	}
	if from3 := collect(t, r, 3); len(from3) != len(want)-2 || from3[0].Position != 3 {
		t.Fatalf("from block 3: %d transactions", len(from3))
	}
	// With a memory budget of one byte, each call ends after one block:
	// the same transactions come, over more calls.
	old := committedBytes
	committedBytes = 1
	small := collect(t, r, 0)
	committedBytes = old
	if !reflect.DeepEqual(small, got) {
		t.Fatalf("in one-block calls: %d transactions, in one call %d", len(small), len(got))
	}
	b, found, err := r.Block(2)
	if err != nil || !found || len(b.Data.Data) != 3 || b.Header.Number != 2 {
		t.Fatalf("block 2 kept: %v %v", found, err)
	}
	if _, found, _ := r.Block(uint64(len(bs))); found {
		t.Fatal("a block not applied was found")
	}
}

// TestCommittedTxsRefuseAnOldReplica: a replica that followed blocks
// before write sets were kept cannot feed the log from block 0.
func TestCommittedTxsRefuseAnOldReplica(t *testing.T) {
	src := source(t)
	bs := blocks(t, src)
	dir := filepath.Join(t.TempDir(), "replica")
	r, err := Open(dir, ns)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		if _, err := r.Apply(b); err != nil {
			t.Fatal(err)
		}
	}
	// What an older version left: no write-set marker. Reopening marks
	// the current height as the first block with write sets.
	if err := r.db.Update(func(txn *badger.Txn) error { return txn.Delete(writesFromKey) }); err != nil {
		t.Fatal(err)
	}
	r.Close()
	if r, err = Open(dir, ns); err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var wf uint64
	r.db.View(func(txn *badger.Txn) error {
		item, _ := txn.Get(writesFromKey)
		v, _ := item.ValueCopy(nil)
		wf = binary.BigEndian.Uint64(v)
		return nil
	})
	if wf != uint64(len(bs)) {
		t.Fatalf("marked %d, want %d", wf, len(bs))
	}
	if _, err := r.CommittedTxs(0, func(ledger.Committed) error { return nil }); !errors.Is(err, ErrWritesMissing) {
		t.Fatalf("fed from block 0: %v", err)
	}
}
