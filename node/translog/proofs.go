package translog

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/assoc-ledger/blacklist/node/store"
)

// ErrOutOfRange is returned for a leaf index or tree size the log has not
// reached (or an index not below the size asked for).
var ErrOutOfRange = errors.New("beyond the log")

// emptyRoot is RFC 6962's hash of the empty tree, SHA-256 of nothing.
var emptyRoot = tlog.Hash(sha256.Sum256(nil))

// Root is the root hash of the tree of the first size leaves.
func (l *Log) Root(size int64) (tlog.Hash, error) {
	if cur, _ := l.Head(); size < 0 || size > cur {
		return tlog.Hash{}, fmt.Errorf("size %d: %w (size %d)", size, ErrOutOfRange, cur)
	}
	if size == 0 {
		return emptyRoot, nil
	}
	return l.treeHash(size)
}

// Leaf returns leaf n's data.
func (l *Log) Leaf(n int64) ([]byte, error) {
	if cur, _ := l.Head(); n < 0 || n >= cur {
		return nil, fmt.Errorf("leaf %d: %w (size %d)", n, ErrOutOfRange, cur)
	}
	var data []byte
	found, err := store.View(l.DB, leafKey(n), store.Copy(&data))
	if err == nil && !found {
		err = fmt.Errorf("transparency log: leaf %d missing", n)
	}
	return data, err
}

// InclusionProof proves that leaf index is in the tree of size leaves.
func (l *Log) InclusionProof(index, size int64) (p tlog.RecordProof, err error) {
	if cur, _ := l.Head(); index < 0 || size > cur || index >= size {
		return nil, fmt.Errorf("leaf %d in a tree of %d: %w (size %d)", index, size, ErrOutOfRange, cur)
	}
	err = l.DB.View(func(txn *badger.Txn) error {
		p, err = tlog.ProveRecord(size, index, hashReader(txn))
		return err
	})
	return p, err
}

// ConsistencyProof proves that the tree of from leaves is a prefix of the
// tree of to leaves.
func (l *Log) ConsistencyProof(from, to int64) (p tlog.TreeProof, err error) {
	if cur, _ := l.Head(); from < 1 || to > cur || from > to {
		return nil, fmt.Errorf("from %d to %d: %w (size %d)", from, to, ErrOutOfRange, cur)
	}
	err = l.DB.View(func(txn *badger.Txn) error {
		p, err = tlog.ProveTree(to, from, hashReader(txn))
		return err
	})
	return p, err
}

// Tagged returns the indexes of the leaves tagged tag, in log order.
func (l *Log) Tagged(tag string) ([]int64, error) {
	var out []int64
	p := tagPrefix(tag)
	err := l.DB.View(func(txn *badger.Txn) error {
		return store.ScanKeys(txn, p, nil, func(rest []byte) error {
			if len(rest) != 8 {
				return fmt.Errorf("corrupt tag key for %q", tag)
			}
			out = append(out, int64(binary.BigEndian.Uint64(rest)))
			return nil
		})
	})
	return out, err
}
