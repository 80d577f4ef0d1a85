// Package translog is the node's copy of the ledger's transparency log: an
// RFC 6962 Merkle tree (golang.org/x/mod/sumdb/tlog) whose leaves are the
// ledger's accepted records, built from committed transactions in commit
// order, so that every node of the network computes the same tree.
//
// What a leaf holds, and which writes are records, is decided by an
// Encoder (the node passes chaincode/translog's encoding); this package
// keeps the tree. It follows the ledger's committed feed
// (ledger.CommittedFeed: the embedded ledger's log, or the replica's kept
// write sets of each valid transaction of each block) on its own
// goroutine, like the alert monitor, so commits never wait for it.
//
// Everything a stretch of the feed adds (leaf data, the tree's stored
// hashes, the tag index, each chain's last leaf, and the cursor: the feed
// position reached and the tree size) is written in one badger transaction of the node store: after
// a crash the log resumes at a transaction boundary and appends nothing
// twice. The cursor counts transactions inside a block, so a block too
// large for one badger transaction is split between transactions.
package translog

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/assoc-ledger/blacklist/internal/backoff"
	"github.com/assoc-ledger/blacklist/node/ledger"
	"github.com/assoc-ledger/blacklist/node/store"
)

// Leaf is one record of the log.
type Leaf struct {
	// Data is the leaf's bytes; the tree hashes SHA-256(0x00 || Data).
	Data []byte
	// Tags are what the leaf is about (an attestation id, a member): the
	// log indexes leaves by tag, and an Encoder may ask for the last leaf
	// of a tag (a record's `prev`).
	Tags []string
}

// Prev returns the index of the last leaf tagged tag before the leaves
// being encoded, or ok == false when there is none.
type Prev func(tag string) (index int64, ok bool, err error)

// Encoder turns one committed transaction into its leaves, in order; a
// transaction that wrote no record gives none. first is the index its
// first leaf will get; prev sees the leaves before the transaction, so an
// encoder chains the transaction's own leaves itself. It must depend on
// nothing but its arguments, so that every node encodes alike.
type Encoder func(tx ledger.Committed, first int64, prev Prev) ([]Leaf, error)

// Options configure Open.
type Options struct {
	// DB is the node store.
	DB *badger.DB
	// Feed is the ledger's committed transactions.
	Feed ledger.CommittedFeed
	// Encode makes the leaves.
	Encode Encoder
	// Logf reports errors, which are retried; silent when nil.
	Logf func(format string, args ...any)
	// Coalesce is how long Run lets commits gather after the ledger
	// moved before it appends them in one badger transaction (one fsync
	// of the node store for many ledger transactions, so the log does not
	// compete with the ledger's own fsyncs); 0: 200ms, negative: none.
	Coalesce time.Duration
}

// Cursor is how far the log has followed the feed.
type Cursor struct {
	// Position is the feed position to continue from, and NextTx the
	// index of the first transaction of that position not yet in the log.
	Position uint64 `json:"position"`
	NextTx   int    `json:"nextTx"`
	// Size is the number of leaves.
	Size int64 `json:"size"`
}

// Log is the node's transparency log.
type Log struct {
	Options

	// mu serialises appends; it guards cur and root.
	mu    sync.Mutex
	cur   Cursor
	root  tlog.Hash
	sizes ledger.Heights // the size, for waiters

	hmu   sync.Mutex // guards heads
	heads heads
}

// maxLeavesPerTxn bounds one badger transaction of appended leaves (each
// leaf writes its data, about two stored hashes and its tags).
var maxLeavesPerTxn = 4000

// maxBytesPerTxn bounds the leaf data of one badger transaction, under
// badger's batch limit whatever the leaves' sizes.
var maxBytesPerTxn = 4 << 20

// Open loads the log's cursor from the store.
func Open(opts Options) (*Log, error) {
	if opts.Encode == nil {
		return nil, errors.New("translog: no encoder")
	}
	l := &Log{Options: opts}
	if l.Coalesce == 0 {
		l.Coalesce = 200 * time.Millisecond
	}
	if l.Logf == nil {
		l.Logf = func(string, ...any) {}
	}
	err := l.DB.View(func(txn *badger.Txn) error {
		if _, err := store.Get(txn, store.TranslogCursor.Bytes(), store.JSON(&l.cur)); err != nil {
			return err
		}
		if l.cur.Size == 0 {
			l.root = emptyRoot
			return nil
		}
		var err error
		l.root, err = tlog.TreeHash(l.cur.Size, hashReader(txn))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("open transparency log: %w", err)
	}
	l.sizes.Set(uint64(l.cur.Size))
	return l, nil
}

// Head is the log's size and root hash now.
func (l *Log) Head() (size int64, root tlog.Hash) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cur.Size, l.root
}

// Cursor is the feed position the log has reached.
func (l *Log) Cursor() Cursor {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cur
}

// WaitForSize blocks until the log holds at least n leaves or ctx ends.
func (l *Log) WaitForSize(ctx context.Context, n int64) error {
	return l.sizes.Wait(ctx, uint64(n))
}

// Run follows the feed until ctx ends. Errors are logged and retried from
// the same position.
func (l *Log) Run(ctx context.Context) {
	if l.Feed == nil {
		return
	}
	bo := backoff.New(100*time.Millisecond, 30*time.Second)
	for ctx.Err() == nil {
		next, err := l.CatchUp()
		if err != nil {
			wait := bo.Next()
			l.Logf("transparency log: %v; retrying in %s", err, wait)
			_ = backoff.Sleep(ctx, wait)
			continue
		}
		bo.Reset()
		if err := l.Feed.WaitForChanges(ctx, next); err != nil {
			return
		}
		if l.Coalesce > 0 {
			if err := backoff.Sleep(ctx, l.Coalesce); err != nil {
				return
			}
		}
	}
}

// CatchUp appends everything committed beyond the cursor and returns the
// feed position reached.
func (l *Log) CatchUp() (uint64, error) {
	for {
		from := l.Cursor()
		var txs []ledger.Committed
		next, err := l.Feed.CommittedTxs(from.Position, func(c ledger.Committed) error {
			if c.Position == from.Position && c.TxIndex < from.NextTx {
				return nil // appended before a split or a crash
			}
			txs = append(txs, c)
			return nil
		})
		if err != nil {
			return from.Position, err
		}
		if next == from.Position {
			return next, nil
		}
		if err := l.append(from, txs, next); err != nil {
			return from.Position, err
		}
	}
}

// append adds the leaves of txs, read from cursor from, then moves the
// cursor to next. If the cursor moved meanwhile (another CatchUp appended
// them), it does nothing.
func (l *Log) append(from Cursor, txs []ledger.Committed, next uint64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cur != from {
		return nil
	}
	cur := l.cur
	for len(txs) > 0 {
		txn := l.DB.NewTransaction(true)
		n := 0
		i := 0
		var err error
		bytes := 0
		for ; i < len(txs) && ((n < maxLeavesPerTxn && bytes < maxBytesPerTxn) || i == 0); i++ {
			var added int
			var size int
			added, size, err = l.appendTx(txn, cur.Size, txs[i])
			bytes += size
			if err != nil {
				break
			}
			n += added
			cur.Size += int64(added)
			cur.Position, cur.NextTx = txs[i].Position, txs[i].TxIndex+1
		}
		if err == nil && i == len(txs) {
			cur.Position, cur.NextTx = next, 0
		}
		if err == nil {
			err = setCursor(txn, cur)
		}
		if err == nil {
			err = txn.Commit()
		}
		txn.Discard()
		if err != nil {
			return err
		}
		root, err := l.rootAt(cur.Size)
		if err != nil {
			return err
		}
		l.cur, l.root = cur, root
		l.sizes.Set(uint64(cur.Size))
		txs = txs[i:]
	}
	if l.cur.Position != next {
		// No transaction in the stretch (blocks without records).
		txn := l.DB.NewTransaction(true)
		defer txn.Discard()
		cur := Cursor{Position: next, Size: l.cur.Size}
		if err := setCursor(txn, cur); err != nil {
			return err
		}
		if err := txn.Commit(); err != nil {
			return err
		}
		l.cur = cur
	}
	return nil
}

func setCursor(txn *badger.Txn, cur Cursor) error {
	return txn.Set(store.TranslogCursor.Bytes(), fmt.Appendf(nil, `{"position":%d,"nextTx":%d,"size":%d}`, cur.Position, cur.NextTx, cur.Size))
}

// appendTx writes tx's leaves at size and returns how many.
func (l *Log) appendTx(txn *badger.Txn, size int64, tx ledger.Committed) (added, bytes int, err error) {
	prev := func(tag string) (int64, bool, error) {
		var i uint64
		found, err := store.Get(txn, store.TranslogHeads.Key(tag), store.Uint64(&i))
		return int64(i), found, err
	}
	leaves, err := l.Encode(tx, size, prev)
	if err != nil {
		return 0, 0, fmt.Errorf("encode transaction %s (position %d): %w", tx.TxID, tx.Position, err)
	}
	r := hashReader(txn)
	for i, leaf := range leaves {
		n := size + int64(i)
		hashes, err := tlog.StoredHashes(n, leaf.Data, r)
		if err != nil {
			return 0, 0, err
		}
		base := tlog.StoredHashIndex(0, n)
		for j, h := range hashes {
			if err := txn.Set(store.TranslogHashes.Key(string(store.Uint64Bytes(uint64(base+int64(j))))), h[:]); err != nil {
				return 0, 0, err
			}
		}
		if err := txn.Set(leafKey(n), leaf.Data); err != nil {
			return 0, 0, err
		}
		for _, tag := range leaf.Tags {
			if err := txn.Set(tagKey(tag, n), nil); err != nil {
				return 0, 0, err
			}
			if err := txn.Set(store.TranslogHeads.Key(tag), store.Uint64Bytes(uint64(n))); err != nil {
				return 0, 0, err
			}
		}
	}
	for _, leaf := range leaves {
		bytes += len(leaf.Data)
	}
	return len(leaves), bytes, nil
}

func leafKey(n int64) []byte {
	return store.TranslogLeaves.Key(string(store.Uint64Bytes(uint64(n))))
}

// tagPrefix is "tl/t/"L(tag).
func tagPrefix(tag string) []byte {
	k := store.TranslogTags.Key()
	k = binary.BigEndian.AppendUint16(k, uint16(len(tag)))
	return append(k, tag...)
}

func tagKey(tag string, n int64) []byte {
	return binary.BigEndian.AppendUint64(tagPrefix(tag), uint64(n))
}

// hashReader reads stored hashes in txn.
func hashReader(txn *badger.Txn) tlog.HashReader {
	return tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			var v []byte
			found, err := store.Get(txn, store.TranslogHashes.Key(string(store.Uint64Bytes(uint64(x)))), store.Copy(&v))
			if err != nil {
				return nil, err
			}
			if !found || len(v) != tlog.HashSize {
				return nil, fmt.Errorf("transparency log: stored hash %d missing or corrupt", x)
			}
			copy(out[i][:], v)
		}
		return out, nil
	})
}

func (l *Log) treeHash(size int64) (root tlog.Hash, err error) {
	err = l.DB.View(func(txn *badger.Txn) error {
		root, err = tlog.TreeHash(size, hashReader(txn))
		return err
	})
	return root, err
}

func (l *Log) rootAt(size int64) (tlog.Hash, error) {
	if size == 0 {
		return emptyRoot, nil
	}
	return l.treeHash(size)
}
