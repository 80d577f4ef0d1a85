package replica

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"google.golang.org/protobuf/proto"

	"github.com/assoc-ledger/blacklist/node/ledger"
	"github.com/assoc-ledger/blacklist/node/store"
)

// Besides the state, the head and the events, the replica keeps for each
// block what the transparency log and the evidence bundles need, written
// in the same badger transaction as the block's state writes:
//
//	'w'<block><tx>  a valid transaction's write set for the namespace (JSON)
//	'b'<block>      the block as delivered (protobuf): header, every
//	                envelope with its endorsements, metadata with the
//	                orderers' signatures and the validation flags
//	'f'             the first block whose write sets were kept
//
// A replica created before write sets were kept has 'f' above 0: the
// transparency log refuses it (it would miss the records of the earlier
// blocks), and removing the replica directory rebuilds it from block 0.
var writesFromKey = []byte("f")

func txKey(prefix byte, block uint64, tx int) []byte {
	k := make([]byte, 13)
	k[0] = prefix
	binary.BigEndian.PutUint64(k[1:], block)
	binary.BigEndian.PutUint32(k[9:], uint32(tx))
	return k
}

func blockKey(block uint64) []byte {
	k := make([]byte, 9)
	k[0] = 'b'
	binary.BigEndian.PutUint64(k[1:], block)
	return k
}

// committedTx is a stored write set.
type committedTx struct {
	TxID   string    `json:"txId"`
	Time   time.Time `json:"time"`
	Writes []Write   `json:"writes"`
}

// keepBlocks stores the blocks of part as delivered and the write sets of
// their valid namespace transactions.
func (r *Replica) keepBlocks(part []*blockTxs) error {
	// Before the state, in transactions of their own: a block of many
	// batched transactions (the channel allows 9 MB) with its write sets
	// and its state writes did not fit in one badger transaction, and the
	// replica retried that block for ever. Kept data for a block beyond
	// the head (a crash between the two) is never read (readers stop at
	// the head) and is written again, the same, when the block is applied.
	txn := r.db.NewTransaction(true)
	defer func() { txn.Discard() }()
	size := 0
	set := func(k, v []byte) error {
		n := len(k) + len(v) + 32
		if size > 0 && size+n > maxApplyBytes {
			if err := txn.Commit(); err != nil {
				return err
			}
			txn, size = r.db.NewTransaction(true), 0
		}
		size += n
		return txn.Set(k, v)
	}
	for _, b := range part {
		raw, err := proto.Marshal(b.block)
		if err != nil {
			return err
		}
		if err := set(blockKey(b.number), raw); err != nil {
			return err
		}
		for _, tx := range b.txs {
			v, err := json.Marshal(committedTx{TxID: tx.ID, Time: tx.Time, Writes: tx.Writes})
			if err != nil {
				return err
			}
			if err := set(txKey('w', b.number, tx.Index), v); err != nil {
				return err
			}
		}
	}
	return txn.Commit()
}

// markWritesFrom records, on first open after this version, from which
// block on write sets are kept.
func (r *Replica) markWritesFrom() error {
	return r.db.Update(func(txn *badger.Txn) error {
		found, err := store.Has(txn, writesFromKey)
		if err != nil || found {
			return err
		}
		var v [8]byte
		binary.BigEndian.PutUint64(v[:], r.head.Height)
		return txn.Set(writesFromKey, v[:])
	})
}

// committedBytes bounds the write sets one CommittedTxs call holds in
// memory; it ends at a block boundary once past it.
var committedBytes = 64 << 20

// ErrWritesMissing says the replica did not keep the write sets of its
// first blocks.
var ErrWritesMissing = errors.New("the replica predates kept write sets; remove its directory to rebuild it from block 0")

// CommittedTxs implements ledger.CommittedFeed: the valid namespace
// transactions of the blocks from block from on, in block order and index
// order, at most changesBlocks blocks per call.
func (r *Replica) CommittedTxs(from uint64, fn func(ledger.Committed) error) (uint64, error) {
	next := min(r.Height(), from+changesBlocks)
	if from >= next {
		return from, nil
	}
	var txs []ledger.Committed
	err := r.db.View(func(txn *badger.Txn) error {
		var wf uint64
		if _, err := store.Get(txn, writesFromKey, store.Uint64(&wf)); err != nil {
			return err
		}
		if wf > from {
			return ErrWritesMissing
		}
		bytes, last := 0, from
		return store.Scan(txn, []byte{'w'}, txKey('w', from, 0), func(k, v []byte) error {
			block := binary.BigEndian.Uint64(k[:8])
			if block >= next {
				return store.ErrStop
			}
			if block != last && bytes > committedBytes {
				// Enough in memory: end at this block boundary.
				next = block
				return store.ErrStop
			}
			last = block
			bytes += len(v)
			var c committedTx
			if err := json.Unmarshal(v, &c); err != nil {
				return fmt.Errorf("write set of block %d: %w", block, err)
			}
			ws := make([]ledger.Write, len(c.Writes))
			for i, w := range c.Writes {
				ws[i] = ledger.Write(w)
			}
			txs = append(txs, ledger.Committed{Position: block, TxIndex: int(binary.BigEndian.Uint32(k[8:])),
				TxID: c.TxID, Time: c.Time, Validation: ledger.ValidationFabricValid, Writes: ws})
			return nil
		})
	})
	if err != nil {
		return from, err
	}
	for _, c := range txs {
		if err := fn(c); err != nil {
			return from, err
		}
	}
	return next, nil
}

// Block returns block n as the replica received it, or found == false.
func (r *Replica) Block(n uint64) (b *common.Block, found bool, err error) {
	var raw []byte
	found, err = store.View(r.db, blockKey(n), store.Copy(&raw))
	if err != nil || !found {
		return nil, found, err
	}
	b = &common.Block{}
	if err := proto.Unmarshal(raw, b); err != nil {
		return nil, true, fmt.Errorf("stored block %d: %w", n, err)
	}
	return b, true, nil
}
