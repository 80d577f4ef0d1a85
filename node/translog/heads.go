package translog

import (
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/chaincode/translog"
	"github.com/assoc-ledger/blacklist/node/store"
)

// Checkpoints commit to the log's chain heads (chaincode/translog's
// HeadsTree: each chain's last leaf at the checkpoint's size), so that a
// bundle proves it left nothing out. The node gets the heads at a size by
// replaying its stored leaves into chaincode/translog's Log, which also
// checks every stored leaf's prev and, at the end, the root: a stored
// log that was altered does not replay. The replay moves forward from
// where it stopped (checkpoints are asked for at growing sizes), starts
// again from leaf 0 for a smaller size, and the last few sizes' heads are
// kept.

const keptHeads = 8

type heads struct {
	replay *translog.Log
	bySize map[int64]*translog.HeadsTree
	order  []int64
}

// Checkpoint is the checkpoint of the first size leaves under origin,
// with its chain heads, and the heads tree to prove heads from.
func (l *Log) Checkpoint(origin string, size int64) (translog.Checkpoint, *translog.HeadsTree, error) {
	root, err := l.Root(size)
	if err != nil {
		return translog.Checkpoint{}, nil, err
	}
	l.hmu.Lock()
	defer l.hmu.Unlock()
	h := &l.heads
	ht, ok := h.bySize[size]
	if !ok {
		if h.replay == nil || h.replay.Size() > size {
			h.replay = translog.NewLog()
		}
		if err := l.replayTo(h.replay, size); err != nil {
			h.replay = nil
			return translog.Checkpoint{}, nil, err
		}
		if r, err := h.replay.Tree().Root(size); err != nil || r != root {
			h.replay = nil
			return translog.Checkpoint{}, nil, fmt.Errorf("transparency log: the stored leaves give root %x at size %d, the stored tree %x: the store was altered", r, size, root)
		}
		ht = h.replay.HeadsTree()
		if h.bySize == nil {
			h.bySize = map[int64]*translog.HeadsTree{}
		}
		h.bySize[size] = ht
		h.order = append(h.order, size)
		if len(h.order) > keptHeads {
			delete(h.bySize, h.order[0])
			h.order = h.order[1:]
		}
	}
	return translog.Checkpoint{Origin: origin, Size: size, Root: root, Heads: ht.Commitment()}, ht, nil
}

// replayTo appends the stored leaves from rp's size up to size.
func (l *Log) replayTo(rp *translog.Log, size int64) error {
	for rp.Size() < size {
		from := rp.Size()
		n := 0
		err := l.DB.View(func(txn *badger.Txn) error {
			return store.Scan(txn, store.TranslogLeaves.Bytes(), leafKey(from), func(_, v []byte) error {
				if rp.Size() >= size || n >= 10000 {
					return store.ErrStop
				}
				n++
				leaf, err := translog.DecodeLeaf(v)
				if err != nil {
					return fmt.Errorf("stored leaf %d: %w", rp.Size(), err)
				}
				_, err = rp.AppendStored(leaf)
				return err
			})
		})
		if err != nil {
			return err
		}
		if rp.Size() == from {
			return fmt.Errorf("transparency log: stored leaf %d missing", from)
		}
	}
	return nil
}

// Record returns leaf n decoded.
func (l *Log) Record(n int64) (translog.Leaf, error) {
	data, err := l.Leaf(n)
	if err != nil {
		return translog.Leaf{}, err
	}
	return translog.DecodeLeaf(data)
}
