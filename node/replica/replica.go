// Package replica keeps a member node's copy of the chaincode's world state
// on a Fabric channel, so that lookups never need a round trip to a peer.
//
// The replica follows the channel's blocks in order. For each valid
// endorser transaction it applies the write set of the chaincode's
// namespace, exactly the writes the peers committed, and it stores the
// number of the next block it expects in the same badger transaction as the
// writes of the block before: after a crash it resumes from that block and
// applies nothing twice. Its state is then byte for byte the chaincode's
// world state at a known height, and the contract's read functions run on
// it (package badgerstate) like on the embedded ledger.
package replica

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/chaincode/state"
	"github.com/assoc-ledger/blacklist/node/badgerstate"
	"github.com/assoc-ledger/blacklist/node/ledger"
	"github.com/assoc-ledger/blacklist/node/store"
)

// Head is how far the replica has followed the channel.
type Head struct {
	// Height is the number of blocks applied: the next block expected.
	Height uint64 `json:"height"`
	// Time is the timestamp of the last transaction applied.
	Time time.Time `json:"time"`
}

// Event is a chaincode event of a committed transaction, kept so that
// what follows the replica (alerts) can be derived from committed changes.
type Event struct {
	Block   uint64    `json:"block"`
	TxIndex int       `json:"txIndex"`
	TxID    string    `json:"txId"`
	Time    time.Time `json:"time"`
	Name    string    `json:"name"`
	Payload []byte    `json:"payload"`
}

var headKey = []byte("r")

func eventKey(block uint64, tx int) []byte {
	k := make([]byte, 13)
	k[0] = 'e'
	binary.BigEndian.PutUint64(k[1:], block)
	binary.BigEndian.PutUint32(k[9:], uint32(tx))
	return k
}

// Replica is the node's copy of one chaincode's world state.
type Replica struct {
	db        *badger.DB
	namespace string
	contract  *contract.Contract

	mu      sync.Mutex
	head    Head
	heights ledger.Heights
}

// Open opens or creates the replica in dir for the chaincode namespace.
func Open(dir, namespace string) (*Replica, error) { return OpenTuned(dir, namespace, store.Tuning{}) }

// OpenTuned is Open with the store's caches and memtables sized by t.
func OpenTuned(dir, namespace string, t store.Tuning) (*Replica, error) {
	if t.MemTableMB != 0 && t.MemTableMB < minMemTableMB {
		// Said, not silently changed: the operator asked for less.
		slog.Warn("replica memtable raised to the smallest that holds a full block: the channel's blocks reach 9 MB and one is applied in one transaction",
			"asked_mb", t.MemTableMB, "used_mb", minMemTableMB)
	}
	t.MemTableMB = max(t.MemTableMB, minMemTableMB)
	// Uncompressed tables, as the embedded ledger's (decision 0022).
	db, err := badger.Open(t.Apply(badger.DefaultOptions(dir).WithLogger(nil).WithSyncWrites(true).WithCompression(options.None)))
	if err != nil {
		return nil, fmt.Errorf("open replica %s: %w", dir, err)
	}
	// A replica written before the status shadow gets it now, before any
	// block is applied (badgerstate.EnsureShadow).
	if err := badgerstate.EnsureShadow(db, slog.Default()); err != nil {
		db.Close()
		return nil, fmt.Errorf("open replica %s: %w", dir, err)
	}
	r := &Replica{db: db, namespace: namespace, contract: &contract.Contract{}}
	if _, err := store.View(db, headKey, store.JSON(&r.head)); err != nil {
		db.Close()
		return nil, err
	}
	if err := r.markWritesFrom(); err != nil {
		db.Close()
		return nil, err
	}
	r.heights.Set(r.head.Height)
	return r, nil
}

// Close closes the replica's store.
func (r *Replica) Close() error { return r.db.Close() }

// Head is the replica's position.
func (r *Replica) Head() Head {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.head
}

// Height is the number of blocks applied.
func (r *Replica) Height() uint64 { return r.Head().Height }

// Apply applies block b. A block below the head was applied before and is
// ignored (event streams replay after a reconnect); a block beyond the head
// would leave a gap and is refused.
func (r *Replica) Apply(b *common.Block) (applied bool, err error) {
	n, err := r.ApplyBlocks([]*common.Block{b})
	return n > 0, err
}

// maxApplyBytes bounds the writes of one badger transaction of ApplyBlocks
// (badger refuses a transaction over 15% of its memtable: see
// minMemTableMB); tests lower it. One block's state writes are applied in
// one transaction whatever their size, so the memtable must hold the
// largest block's: the channel's blocks are at most 9 MB
// (network/configtx.yaml, AbsoluteMaxBytes), and a block's state writes
// are about its size plus the status shadow. With the store's earlier
// 64 MB memtable (9.6 MB a transaction) and the kept block in the same
// transaction, a 7.9 MB block of 2,500 batched defaults did not fit and
// the replica retried it for ever.
var maxApplyBytes = 12 << 20

// minMemTableMB is the replica store's smallest memtable: 15% of it, 19.2
// MB, is badger's bound on one transaction.
const minMemTableMB = 128

// ApplyBlocks applies consecutive blocks, as Apply applies one, in as few
// badger transactions as their size allows, each ending with the head
// checkpoint of its last block: a replica catching up from block 0 pays
// one commit and one sync per transaction instead of per block, and a
// crash still leaves it at a block boundary it records. It returns how
// many blocks it applied; on an error, the blocks before the failing
// transaction stay applied.
func (r *Replica) ApplyBlocks(bs []*common.Block) (applied int, err error) {
	head := r.Head()
	// Skip what was applied before; refuse a gap.
	for len(bs) > 0 && bs[0].GetHeader().GetNumber() < head.Height {
		bs = bs[1:]
	}
	for len(bs) > 0 {
		var part []*blockTxs
		size := 0
		shadowSizes := subjectShadowSizes{}
		next := head
		for len(bs) > 0 {
			b := bs[0]
			n := b.GetHeader().GetNumber()
			if n != next.Height {
				if len(part) == 0 {
					return applied, fmt.Errorf("block %d arrived while the replica expects block %d", n, next.Height)
				}
				break
			}
			txs, err := transactions(b, r.namespace)
			if err != nil {
				if len(part) == 0 {
					return applied, err
				}
				break // commit what precedes it; the next call reports the error
			}
			// The block as delivered and its write sets are kept in
			// transactions of their own (keepBlocks).
			bsize := 256
			for _, tx := range txs {
				for _, w := range tx.Writes {
					bsize += len(w.Key) + len(w.Value) + 32
					if badgerstate.Shadowed(w.Key) {
						// The subject's status shadow, rewritten whole.
						s, err := shadowSizes.size(r.db, w.Key)
						if err != nil {
							return applied, err
						}
						add := badgerstate.ShadowSize(w.Key, w.Value, s)
						shadowSizes.grow(w.Key, len(w.Key)+len(w.Value)+20)
						bsize += add
					}
				}
				bsize += len(tx.EventPayload) + 128
			}
			if len(part) > 0 && size+bsize > maxApplyBytes {
				break
			}
			size += bsize
			part = append(part, &blockTxs{block: b, number: n, txs: txs})
			next.Height = n + 1
			bs = bs[1:]
		}
		if err := r.keepBlocks(part); err != nil {
			return applied, fmt.Errorf("keep blocks %d-%d: %w", part[0].number, part[len(part)-1].number, err)
		}
		next, err = r.commit(head, part)
		if err != nil {
			return applied, err
		}
		head = next
		applied += len(part)
	}
	return applied, nil
}

// blockTxs is one block's transactions of the replica's namespace.
type blockTxs struct {
	block  *common.Block
	number uint64
	txs    []Tx
}

// commit writes the blocks of part, which follow head, in one badger
// transaction with the new head, and publishes it.
func (r *Replica) commit(head Head, part []*blockTxs) (Head, error) {
	next := head
	err := r.db.Update(func(txn *badger.Txn) error {
		for _, b := range part {
			for _, tx := range b.txs {
				for _, w := range tx.Writes {
					if err := badgerstate.Write(txn, w.Key, w.Value, w.Delete); err != nil {
						return err
					}
				}
				if tx.EventName != "" {
					ev, _ := json.Marshal(Event{Block: b.number, TxIndex: tx.Index, TxID: tx.ID, Time: tx.Time, Name: tx.EventName, Payload: tx.EventPayload})
					if err := txn.Set(eventKey(b.number, tx.Index), ev); err != nil {
						return err
					}
				}
				if tx.Time.After(next.Time) {
					next.Time = tx.Time
				}
			}
			next.Height = b.number + 1
		}
		h, _ := json.Marshal(next)
		return txn.Set(headKey, h)
	})
	if err != nil {
		return head, fmt.Errorf("apply blocks %d-%d: %w", part[0].number, part[len(part)-1].number, err)
	}
	r.mu.Lock()
	r.head = next
	r.mu.Unlock()
	r.heights.Set(next.Height)
	return next, nil
}

// WaitForHeight blocks until the replica has applied h blocks or ctx ends:
// after a submit committed in block n, waiting for n+1 gives
// read-your-writes.
func (r *Replica) WaitForHeight(ctx context.Context, h uint64) error {
	return r.heights.Wait(ctx, h)
}

// Evaluate runs a query of the contract as creator on the replica.
func (r *Replica) Evaluate(creator, fn string, arg []byte) (ledger.Result, error) {
	if !contract.IsReadOnly(fn) {
		return ledger.Result{}, fmt.Errorf("%s writes: submit it to the peers", fn)
	}
	return badgerstate.Evaluate(r.db, r.contract, time.Now, creator, fn, arg, func(txn *badger.Txn) (badgerstate.Position, error) {
		var h Head
		_, err := store.Get(txn, headKey, store.JSON(&h))
		return badgerstate.Position{Height: h.Height, Time: h.Time}, err
	})
}

// View runs fn on one read-only snapshot of the replica
// (ledger.Snapshotter).
func (r *Replica) View(fn func(ledger.Snapshot) error) error {
	return badgerstate.View(r.db, time.Now, func(txn *badger.Txn) (badgerstate.Position, error) {
		var h Head
		_, err := store.Get(txn, headKey, store.JSON(&h))
		return badgerstate.Position{Height: h.Height, Time: h.Time}, err
	}, fn)
}

// Digest hashes every state key and value in key order, with the height
// it reflects. A peer's GetStateByRange over the namespace hashed the same
// way gives the same digest at the same height.
func (r *Replica) Digest() (uint64, string, error) {
	var height uint64
	h := sha256.New()
	err := r.db.View(func(txn *badger.Txn) error {
		var hd Head
		if _, err := store.Get(txn, headKey, store.JSON(&hd)); err != nil {
			return err
		}
		height = hd.Height
		err := badgerstate.Scan(txn, badgerstate.Prefix, func(k, v []byte) error {
			state.DigestKV(h, string(k[1:]), v)
			return nil
		})
		if err != nil {
			return err
		}
		// Status queries read the status shadow: a digest that matches the
		// peer's vouches for it only if it is the state's slim image.
		return badgerstate.VerifyShadow(txn)
	})
	return height, hex.EncodeToString(h.Sum(nil)), err
}

// Events returns the chaincode events of blocks from..to-1 in order.
func (r *Replica) Events(from, to uint64) ([]Event, error) {
	var out []Event
	err := r.db.View(func(txn *badger.Txn) error {
		return store.Scan(txn, []byte{'e'}, eventKey(from, 0), func(k, v []byte) error {
			if binary.BigEndian.Uint64(k[:8]) >= to {
				return store.ErrStop
			}
			var e Event
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			out = append(out, e)
			return nil
		})
	})
	return out, err
}

// Changes implements ledger.Feed: the chaincode events of the blocks from
// block from on, by block number, at most changesBlocks blocks per call so
// that a long catch-up holds a bounded number of events in memory.
func (r *Replica) Changes(from uint64, fn func(ledger.Change) error) (uint64, error) {
	next := min(r.Height(), from+changesBlocks)
	if from >= next {
		return from, nil
	}
	evs, err := r.Events(from, next)
	if err != nil {
		return from, err
	}
	for _, e := range evs {
		if err := fn(ledger.Change{Position: e.Block, TxID: e.TxID, Time: e.Time, Name: e.Name, Payload: e.Payload}); err != nil {
			return from, err
		}
	}
	return next, nil
}

const changesBlocks = 1000

// WaitForChanges implements ledger.Feed: block next is applied.
func (r *Replica) WaitForChanges(ctx context.Context, next uint64) error {
	return r.heights.Wait(ctx, next+1)
}

// Count is the number of state entries of objectType (the first part of
// the chaincode's composite keys, such as "att" for attestations).
func (r *Replica) Count(objectType string) (int, error) {
	prefix, err := state.CompositeKey(objectType)
	if err != nil {
		return 0, err
	}
	n := 0
	err = r.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: badgerstate.Key(prefix)})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			n++
		}
		return nil
	})
	return n, err
}

// subjectShadowSizes bounds the size of subjects' status shadow values as
// a batch of blocks grows them (ApplyBlocks sizes its transactions).
type subjectShadowSizes map[string]int

// size is the bound for the subject of record k: the stored value's size
// the first time, then what the batch added.
func (m subjectShadowSizes) size(db *badger.DB, k string) (int, error) {
	subject, _ := badgerstate.SubjectOf(k)
	if n, ok := m[subject]; ok {
		return n, nil
	}
	var n int
	err := db.View(func(txn *badger.Txn) error {
		var err error
		n, err = badgerstate.ShadowValueSize(txn, k)
		return err
	})
	m[subject] = n
	return n, err
}

func (m subjectShadowSizes) grow(k string, by int) {
	subject, _ := badgerstate.SubjectOf(k)
	m[subject] += by
}
