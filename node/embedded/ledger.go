package embedded

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node/badgerstate"
	"github.com/assoc-ledger/blacklist/node/ledger"
	"github.com/assoc-ledger/blacklist/node/store"
)

// Options configures Open.
type Options struct {
	// Dir is the badger directory. Empty with InMemory for tests.
	Dir      string
	InMemory bool
	// Clock gives transaction times; time.Now when nil. The ledger never
	// lets time go backwards between transactions.
	Clock func() time.Time
	// MaxGroup bounds how many transactions share one commit (default 256).
	MaxGroup int
	// Contract runs the rules; a zero Contract when nil.
	Contract *contract.Contract
	// Logger receives badger's messages; silent when nil.
	Logger badger.Logger
	// Tuning sizes the store's caches and memtables; zero fields keep the
	// ledger's defaults (128 MB memtables, badger's caches).
	Tuning store.Tuning
}

// groupBudget keeps a group's badger transaction well under badger's batch
// limit (15% of the memtable), so a commit never fails for size: 9% of the
// memtable, 11.5 MB with the ledger's default of 128 MB.
func groupBudget(memTableSize int64) int { return int(memTableSize * 9 / 100) }

// ErrClosed is returned by calls on a closed ledger.
var ErrClosed = errors.New("ledger is closed")

// Ledger is a badger-backed ledger running the contract in-process.
type Ledger struct {
	db       *badger.DB
	contract *contract.Contract
	clock    func() time.Time
	maxGroup int
	// groupBudget bounds the bytes of one group's badger transaction.
	groupBudget int

	queue chan *request
	stop  chan struct{}
	done  chan struct{}

	mu      sync.RWMutex
	head    Head
	closed  bool
	heights ledger.Heights

	// positions decodes the head a query's snapshot reflects once per
	// committed version (position.go).
	positions positionCache
}

// Result is a transaction's outcome.
type Result = ledger.Result

var _ ledger.Ledger = (*Ledger)(nil)

type request struct {
	ctx     context.Context
	creator string
	fn      string
	arg     []byte
	resp    chan response
}

type response struct {
	res Result
	err error
}

// StoreOptions are the badger options of the ledger's store in dir, before
// syncing, logging and tuning: what cmd/blgen writes generated stores
// with, so that a generated store's tables are the ledger's own.
//
// Tables are not compressed (docs/decisions/0022-parallel-status-queries.md):
// a status lookup reads a table block or two per subject, and with Snappy
// each read decompressed the block into a fresh buffer, a quarter of a
// large lookup's CPU time and most of its allocations; uncompressed, badger
// reads blocks in place from the mapped file. A store's existing tables keep
// the compression they were written with (badger's manifest records it per
// table), so stores written before stay readable.
func StoreOptions(dir string) badger.Options {
	return badger.DefaultOptions(dir).
		WithDetectConflicts(false).
		WithMemTableSize(128 << 20).
		WithCompression(options.None)
}

// Open opens or creates the ledger and recovers to the last committed
// transaction.
func Open(opts Options) (*Ledger, error) {
	bo := StoreOptions(opts.Dir).
		WithInMemory(opts.InMemory).
		WithSyncWrites(!opts.InMemory).
		WithLogger(opts.Logger)
	db, err := badger.Open(opts.Tuning.Apply(bo))
	if err != nil {
		return nil, fmt.Errorf("open ledger store %s: %w", opts.Dir, err)
	}
	l := &Ledger{db: db, contract: opts.Contract, clock: opts.Clock, maxGroup: opts.MaxGroup, groupBudget: groupBudget(db.Opts().MemTableSize),
		queue: make(chan *request, 1024), stop: make(chan struct{}), done: make(chan struct{})}
	if l.contract == nil {
		l.contract = &contract.Contract{}
	}
	if l.contract.Preverified == nil {
		l.contract.Preverified = &contract.Preverified{}
	}
	if l.clock == nil {
		l.clock = time.Now
	}
	if l.maxGroup <= 0 {
		l.maxGroup = 256
	}
	// A store written before the status shadow gets it now, before any
	// write (badgerstate.EnsureShadow).
	if err := badgerstate.EnsureShadow(db, slog.Default()); err != nil {
		db.Close()
		return nil, fmt.Errorf("open ledger store %s: %w", opts.Dir, err)
	}
	if err := db.View(func(txn *badger.Txn) error {
		h, err := readHead(txn)
		l.head = h
		l.heights.Set(h.Height)
		return err
	}); err != nil {
		db.Close()
		return nil, err
	}
	go l.commitLoop()
	return l, nil
}

func readHead(txn *badger.Txn) (Head, error) {
	h := Head{Hash: genesisHash}
	_, err := store.Get(txn, headKey, store.JSON(&h))
	return h, err
}

// Height is the last committed height.
func (l *Ledger) Height() uint64 { return l.Head().Height }

// Head returns the last committed entry's height, hash and time.
func (l *Ledger) Head() Head {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.head
}

// Close stops accepting transactions, finishes the queued ones and closes
// the store cleanly.
func (l *Ledger) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	l.mu.Unlock()
	close(l.stop)
	<-l.done
	return l.db.Close()
}

// Submit runs a write transaction as creator and returns once it is durably
// committed. A refusal by the rules is a *contract.Error and commits nothing.
// If ctx ends first, Submit returns ctx.Err() and the transaction may still
// commit; resubmitting is safe for attestations, whose ids make repeats
// idempotent.
func (l *Ledger) Submit(ctx context.Context, creator, fn string, arg []byte) (Result, error) {
	if contract.IsReadOnly(fn) {
		return Result{}, fmt.Errorf("%s is a query: use Evaluate", fn)
	}
	// Parse and verify signatures here, on the caller's goroutine, so that
	// concurrent submitters use every core; the committer then only checks
	// that the keys are still the ones verified against.
	_ = l.db.View(func(txn *badger.Txn) error {
		l.contract.Precheck(&badgerstate.Reader{Txn: txn, MSPID: creator}, creator, fn, arg)
		return nil
	})
	r := &request{ctx: ctx, creator: creator, fn: fn, arg: arg, resp: make(chan response, 1)}
	l.mu.RLock()
	if l.closed {
		l.mu.RUnlock()
		return Result{}, ErrClosed
	}
	select {
	case l.queue <- r:
	case <-ctx.Done():
		l.mu.RUnlock()
		return Result{}, ctx.Err()
	}
	l.mu.RUnlock()
	select {
	case resp := <-r.resp:
		return resp.res, resp.err
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
}

// Evaluate runs a query as creator on a consistent snapshot and returns its
// result with the height that snapshot reflects.
func (l *Ledger) Evaluate(creator, fn string, arg []byte) (Result, error) {
	if !contract.IsReadOnly(fn) {
		return Result{}, fmt.Errorf("%s writes: use Submit", fn)
	}
	return badgerstate.Evaluate(l.db, l.contract, l.clock, creator, fn, arg, l.positions.position)
}

// View runs fn on one read-only snapshot (ledger.Snapshotter).
func (l *Ledger) View(fn func(ledger.Snapshot) error) error {
	return badgerstate.View(l.db, l.clock, l.positions.position, fn)
}

// WaitForHeight blocks until the ledger has committed height h or ctx ends.
func (l *Ledger) WaitForHeight(ctx context.Context, h uint64) error {
	return l.heights.Wait(ctx, h)
}

func (l *Ledger) commitLoop() {
	defer close(l.done)
	for {
		var first *request
		select {
		case first = <-l.queue:
		case <-l.stop:
			// Drain what was accepted before Close.
			for {
				select {
				case r := <-l.queue:
					l.commitGroup([]*request{r})
				default:
					return
				}
			}
		}
		group := []*request{first}
	gather:
		for len(group) < l.maxGroup {
			select {
			case r := <-l.queue:
				group = append(group, r)
			default:
				break gather
			}
		}
		l.commitGroup(group)
	}
}

// executed is a transaction that the contract accepted and that waits for
// its group's commit.
type executed struct {
	req     *request
	res     Result
	entry   Entry
	encoded []byte
	size    int
	// unchanged marks a transaction with no writes and no event: it gets
	// no log entry and no height, but its answer still waits for the
	// group's commit, because it may have read the earlier members'
	// writes (a repeat of an attestation filed just before it).
	unchanged bool
}

func (l *Ledger) commitGroup(group []*request) {
	head := l.Head()
	txn := l.db.NewTransaction(true)
	defer func() { txn.Discard() }()
	var pending []executed
	budget := 0
	flush := func() bool {
		if len(pending) == 0 {
			return true
		}
		err := txn.Commit()
		if err == nil {
			l.publish(head, pending)
		} else {
			for _, p := range pending {
				p.req.resp <- response{err: fmt.Errorf("commit: %w", err)}
			}
			// Whatever was not committed must not count.
			_ = l.db.View(func(t *badger.Txn) error {
				h, err := readHead(t)
				if err == nil {
					head = h
				}
				return err
			})
		}
		pending = nil
		budget = 0
		txn.Discard()
		txn = l.db.NewTransaction(true)
		return err == nil
	}
	for _, r := range group {
		if r.ctx.Err() != nil {
			r.resp <- response{err: r.ctx.Err()}
			continue
		}
		e, err := l.execute(txn, &head, r)
		if err != nil {
			r.resp <- response{err: err}
			continue
		}
		if budget+e.size > l.groupBudget && len(pending) > 0 {
			// Commit what precedes first; e's reads saw only committed
			// data and the earlier members of this group, so its result
			// stays valid in the next badger transaction.
			if !flush() {
				r.resp <- response{err: errors.New("commit of the preceding group failed; retry")}
				continue
			}
		}
		if e.unchanged {
			pending = append(pending, e)
			continue
		}
		if err := apply(txn, e); err != nil {
			r.resp <- response{err: fmt.Errorf("apply: %w", err)}
			// The badger transaction may hold part of e: drop the group
			// so far and start again.
			txn.Discard()
			txn = l.db.NewTransaction(true)
			for _, p := range pending {
				p.req.resp <- response{err: errors.New("group aborted; retry")}
			}
			pending, budget = nil, 0
			head = l.Head()
			continue
		}
		budget += e.size
		pending = append(pending, e)
		head = Head{Height: e.entry.Height, Hash: e.entry.Hash, Time: e.entry.Time}
	}
	flush()
}

// execute runs one transaction against the group's view and builds its log
// entry on top of head.
func (l *Ledger) execute(txn *badger.Txn, head *Head, r *request) (executed, error) {
	now := l.clock().UTC()
	if t, err := time.Parse(time.RFC3339Nano, head.Time); err == nil && now.Before(t) {
		now = t
	}
	id := make([]byte, 32)
	if _, err := rand.Read(id); err != nil {
		return executed{}, err
	}
	st := newTxState(txn, r.creator, hex.EncodeToString(id), now)
	out, err := l.contract.Invoke(st, r.fn, r.arg)
	if err != nil {
		return executed{}, err
	}
	ws := st.writeSet()
	if len(ws) == 0 && st.event == nil {
		return executed{req: r, res: Result{Height: head.Height, Payload: out, Unchanged: true}, unchanged: true}, nil
	}
	argSum := sha256.Sum256(r.arg)
	e := Entry{Height: head.Height + 1, TxID: st.ID, Creator: r.creator, Time: now.Format(time.RFC3339Nano),
		Function: r.fn, ArgDigest: hex.EncodeToString(argSum[:]), Writes: ws, WriteDigest: digestWrites(ws),
		Event: st.event, PrevHash: head.Hash}
	e.Hash = e.computeHash()
	b, err := json.Marshal(e)
	if err != nil {
		return executed{}, err
	}
	size := len(b)
	for _, w := range ws {
		size += len(w.Key) + len(w.Value) + 32
		if badgerstate.Shadowed(w.Key) {
			// Its subject's status shadow, rewritten whole (as the group's
			// transaction holds it so far) with the record.
			cur, err := badgerstate.ShadowValueSize(txn, w.Key)
			if err != nil {
				return executed{}, err
			}
			size += badgerstate.ShadowSize(w.Key, w.Value, cur)
		}
	}
	return executed{req: r, res: Result{TxID: e.TxID, Height: e.Height, Payload: out}, entry: e, encoded: b, size: size}, nil
}

func apply(txn *badger.Txn, e executed) error {
	for _, w := range e.entry.Writes {
		if err := badgerstate.Write(txn, w.Key, w.Value, w.Delete); err != nil {
			return err
		}
	}
	if err := txn.Set(logKey(e.entry.Height), e.encoded); err != nil {
		return err
	}
	h, err := json.Marshal(Head{Height: e.entry.Height, Hash: e.entry.Hash, Time: e.entry.Time})
	if err != nil {
		return err
	}
	return txn.Set(headKey, h)
}

// publish makes a committed group visible: new head, then the answers.
func (l *Ledger) publish(head Head, done []executed) {
	l.mu.Lock()
	l.head = head
	l.mu.Unlock()
	l.heights.Set(head.Height)
	for _, p := range done {
		p.req.resp <- response{res: p.res}
	}
}
