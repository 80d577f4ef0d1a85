package replica

import (
	"bytes"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/node/badgerstate"
	"github.com/assoc-ledger/blacklist/node/ledger"
	"github.com/assoc-ledger/blacklist/node/store"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
)

// TestAppliesTheLargestBlock: a block near the channel's 9 MB limit (25
// transactions of 100 writes of 3 KB, as batched submits make) is applied,
// kept with its write sets, and readable. With the kept block in the same
// badger transaction as the state and 64 MB memtables, such a block never
// fitted, and a node's replica retried it for ever (found by make bench).
func TestAppliesTheLargestBlock(t *testing.T) {
	r, err := Open(filepath.Join(t.TempDir(), "r"), ns)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	applyLargestBlock(t, r)
}

// TestSmallerMemtableIsRaisedAndSaid: a --store-memtable-mb below the
// replica's floor is not taken (the largest block would again never fit)
// and the node says so in its log instead of changing it silently.
func TestSmallerMemtableIsRaisedAndSaid(t *testing.T) {
	var logged bytes.Buffer
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(slog.New(slog.NewTextHandler(&logged, nil)))
	r, err := OpenTuned(filepath.Join(t.TempDir(), "r"), ns, store.Tuning{MemTableMB: 64})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if s := logged.String(); !strings.Contains(s, "replica memtable raised") || !strings.Contains(s, "asked_mb=64") || !strings.Contains(s, fmt.Sprintf("used_mb=%d", minMemTableMB)) {
		t.Fatalf("log after opening with a 64 MB memtable:\n%s", s)
	}
	applyLargestBlock(t, r)

	// At or above the floor, nothing is said.
	logged.Reset()
	r2, err := OpenTuned(filepath.Join(t.TempDir(), "r2"), ns, store.Tuning{MemTableMB: minMemTableMB})
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close()
	if s := logged.String(); strings.Contains(s, "memtable") {
		t.Fatalf("log after opening with the floor's memtable:\n%s", s)
	}
}

// applyLargestBlock applies a genesis block and then one of 25
// transactions of 100 writes of 3 KB, and checks that it is readable and
// kept with its write sets.
func applyLargestBlock(t *testing.T, r *Replica) {
	t.Helper()
	genesis := block(0, [][]byte{envelope("genesis", time.Unix(0, 0), common.HeaderType_CONFIG, "", nil, "", nil)}, []peer.TxValidationCode{peer.TxValidationCode_VALID})
	if _, err := r.Apply(genesis); err != nil {
		t.Fatal(err)
	}
	value := bytes.Repeat([]byte("x"), 3000)
	var txs [][]byte
	var flags []peer.TxValidationCode
	for i := range 25 {
		var ws []Write
		for j := range 100 {
			ws = append(ws, Write{Key: fmt.Sprintf("\x00att\x00%d-%d\x00", i, j), Value: value})
		}
		txs = append(txs, envelope(fmt.Sprint("big-", i), time.Now(), common.HeaderType_ENDORSER_TRANSACTION, ns, ws, "", nil))
		flags = append(flags, peer.TxValidationCode_VALID)
	}
	big := block(1, txs, flags)
	if applied, err := r.Apply(big); err != nil || !applied {
		t.Fatalf("a block of 7.5 MB of writes: applied %v, %v", applied, err)
	}
	if h := r.Height(); h != 2 {
		t.Fatalf("height %d after the large block", h)
	}
	err := r.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(badgerstate.Key("\x00att\x0024-99\x00"))
		if err != nil {
			return err
		}
		return item.Value(func(v []byte) error {
			if !bytes.Equal(v, value) {
				return fmt.Errorf("the last write reads %d bytes", len(v))
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	if _, err := r.CommittedTxs(1, func(c ledger.Committed) error { n += len(c.Writes); return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 2500 {
		t.Fatalf("%d writes kept with the block, want 2500", n)
	}
}
