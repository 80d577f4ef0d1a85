// Package badgerstate is the contract's world state kept in badger, as the
// embedded ledger and the Fabric replica both keep it: each state key stored
// under the prefix "s", byte for byte the key the chaincode uses. It gives
// the contract a read-only state.State over a badger snapshot, and runs the
// contract's queries on one.
package badgerstate

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/chaincode/state"
	"github.com/assoc-ledger/blacklist/node/ledger"
	"github.com/assoc-ledger/blacklist/node/store"
)

// Key is where state key k is stored.
func Key(k string) []byte { return append([]byte{statePrefix}, k...) }

// Prefix is the first byte of every state key.
var Prefix = []byte{statePrefix}

// Reader is a read-only state.State over a badger transaction.
type Reader struct {
	Txn     *badger.Txn
	MSPID   string
	ID      string
	Now     time.Time
	Changes func(key string, value []byte, del bool) error
	// Shadow serves the scans of object type "subj" from the status
	// shadow (shadow.go): the slim records, for readers that read status
	// only (a contract.FactsReader, a transaction that is
	// contract.IsStatusOnly). Get and every other scan read the state.
	Shadow bool

	// it is one iterator kept for every scan of a read-only snapshot (see
	// reuse): a batch status query scans one prefix per subject, and
	// opening an iterator per scan cost more than the scan. busy is set
	// while a scan uses it, so that a scan inside a scan opens its own.
	reuse bool
	it    *badger.Iterator
	busy  bool
	// lo and last are where the kept iterator's last scan started and the
	// last key it handed out (see seek).
	lo, last []byte
}

// close releases the kept iterator.
func (r *Reader) close() {
	if r.it != nil {
		r.it.Close()
		r.it = nil
	}
}

// ErrReadOnly is returned by writes through a Reader without Changes.
var ErrReadOnly = errors.New("read-only transaction")

func (r *Reader) Get(key string) ([]byte, error) {
	var v []byte
	_, err := store.Get(r.Txn, Key(key), store.Copy(&v))
	return v, err
}

// Put and Delete hand writes to Changes: a Reader never writes to badger
// itself, so a runtime decides when and whether writes apply.
func (r *Reader) Put(key string, value []byte) error {
	if r.Changes == nil {
		return ErrReadOnly
	}
	return r.Changes(key, value, false)
}

func (r *Reader) Delete(key string) error {
	if r.Changes == nil {
		return ErrReadOnly
	}
	return r.Changes(key, nil, true)
}

func (r *Reader) Scan(objectType string, attrs []string, fn func(string, []byte) error) error {
	return r.scan(objectType, attrs, false, fn)
}

// ScanLent is Scan with each value lent (state.Lender): on a read-only
// snapshot's kept iterator, fn reads the value where badger holds it (the
// mapped table) instead of a copy made for each key.
func (r *Reader) ScanLent(objectType string, attrs []string, fn func(string, []byte) error) error {
	return r.scan(objectType, attrs, true, fn)
}

func (r *Reader) scan(objectType string, attrs []string, lend bool, fn func(string, []byte) error) error {
	prefix, err := state.CompositeKey(objectType, attrs...)
	if err != nil {
		return err
	}
	if r.Shadow && objectType == contract.SubjectObjectType {
		return r.scanShadow(prefix, attrs, lend, fn)
	}
	p := Key(prefix)
	if !r.reuse || r.busy {
		return Scan(r.Txn, p, func(k, v []byte) error { return fn(string(k[1:]), v) })
	}
	if r.it == nil {
		r.it = r.Txn.NewIterator(badger.IteratorOptions{})
	}
	r.busy = true
	defer func() { r.busy = false }()
	r.seek(p)
	last, err := iterate(r.it, p, false, lend, func(k, v []byte) error { return fn(string(k[1:]), v) })
	r.lo, r.last = p, last
	return err
}

// scanShadow is scan of the subject records under prefix from the status
// shadow (shadow.go): the keys and slim values, in key order, that a scan
// of one shadow key per record would give. A scan within one subject (the
// contract's: a subject's records, or those of one kind) is one point read
// of the subject's shadow value; a scan over subjects walks their values.
func (r *Reader) scanShadow(prefix string, attrs []string, lend bool, fn func(string, []byte) error) error {
	if len(attrs) == 0 {
		return Scan(r.Txn, SubjectShadowKey(prefix), func(k, v []byte) error {
			return handRecords(string(k[1:]), prefix, v, fn)
		})
	}
	subject, err := state.CompositeKey(contract.SubjectObjectType, attrs[0])
	if err != nil {
		return err
	}
	item, err := r.Txn.Get(SubjectShadowKey(subject))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if lend {
		err = item.Value(func(v []byte) error { return handRecords(subject, prefix, v, fn) })
	} else {
		var v []byte
		if v, err = item.ValueCopy(nil); err == nil {
			err = handRecords(subject, prefix, v, fn)
		}
	}
	if errors.Is(err, state.ErrStop) {
		return nil
	}
	return err
}

// handRecords calls fn with each record of subject's shadow value v whose
// state key starts with prefix; a state.ErrStop from fn ends it.
func handRecords(subject, prefix string, v []byte, fn func(string, []byte) error) error {
	err := decodeRecords(v, func(rest, slim []byte) error {
		k := subject + string(rest)
		if !strings.HasPrefix(k, prefix) {
			return nil
		}
		return fn(k, slim)
	})
	switch {
	case errors.Is(err, state.ErrStop):
		return state.ErrStop
	case errors.Is(err, errBadRecords):
		return fmt.Errorf("status shadow of %q: %w", subject, err)
	}
	return err
}

// forwardSteps is how many keys seek steps over before it seeks.
const forwardSteps = 32

// seek positions the kept iterator at the first key at or after target,
// as Seek does. Scans of subjects in key order (a batch lookup, pool
// statistics) find the iterator at or just before the next subject's
// keys: no step or a few Next steps cost much less than a Seek, which
// searches every level again and decodes its blocks anew.
//
// What the last scan saw makes this safe: it started at lo, visited every
// key from there up to last (the last key it handed out, nil for none)
// and stands at the key after, so no key lies between last and where it
// stands. For a target after both lo and last, the first key at or after
// it is where the iterator stands or further on.
func (r *Reader) seek(target []byte) {
	it := r.it
	if r.lo != nil && it.Valid() && bytes.Compare(target, r.lo) >= 0 && (r.last == nil || bytes.Compare(target, r.last) > 0) {
		for i := 0; i <= forwardSteps; i++ {
			if bytes.Compare(it.Item().Key(), target) >= 0 {
				return
			}
			it.Next()
			if !it.Valid() {
				break
			}
		}
	}
	it.Seek(target)
}

func (r *Reader) Creator() (string, error) { return r.MSPID, nil }
func (r *Reader) TxID() string             { return r.ID }
func (r *Reader) TxTime() time.Time        { return r.Now }

// SetEvent is accepted and dropped: only runtimes that commit keep events.
func (r *Reader) SetEvent(string, []byte) error { return nil }

// Scan iterates the keys with prefix in order; fn may return state.ErrStop.
func Scan(txn *badger.Txn, prefix []byte, fn func(k, v []byte) error) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	return scanWith(it, prefix, fn)
}

func scanWith(it *badger.Iterator, prefix []byte, fn func(k, v []byte) error) error {
	it.Seek(prefix)
	_, err := iterate(it, prefix, true, false, fn)
	return err
}

// iterate calls fn for each key with prefix from where it stands, and
// returns a copy of the last key it handed out (nil for none). After a
// state.ErrStop the iterator stays at that key. Without copyKeys, fn's key
// is valid only during the call; with lend, so is its value.
func iterate(it *badger.Iterator, prefix []byte, copyKeys, lend bool, fn func(k, v []byte) error) (last []byte, err error) {
	for ; it.ValidForPrefix(prefix); it.Next() {
		item := it.Item()
		k := item.Key()
		last = append(last[:0], k...)
		if copyKeys {
			k = item.KeyCopy(nil)
		}
		if lend {
			err = item.Value(func(v []byte) error { return fn(k, v) })
		} else {
			var v []byte
			if v, err = item.ValueCopy(nil); err == nil {
				err = fn(k, v)
			}
		}
		if err != nil {
			if errors.Is(err, state.ErrStop) {
				return last, nil
			}
			return last, err
		}
	}
	return last, nil
}

// Position is what a snapshot reflects: its height, and the time of its
// last transaction, below which query time never falls.
type Position struct {
	Height uint64
	Time   time.Time
}

// Evaluate runs query fn as creator on one snapshot of db. position reads,
// in that snapshot, what it reflects. Query time is clock's, never earlier
// than the snapshot's last transaction.
func Evaluate(db *badger.DB, c *contract.Contract, clock func() time.Time, creator, fn string, arg []byte, position func(*badger.Txn) (Position, error)) (ledger.Result, error) {
	var res ledger.Result
	err := db.View(func(txn *badger.Txn) error {
		pos, err := position(txn)
		if err != nil {
			return err
		}
		now := clock().UTC()
		if now.Before(pos.Time) {
			now = pos.Time
		}
		// A query's snapshot is read-only, so one iterator can serve all
		// of its scans (one per goroutine: see invoke).
		out, err := invoke(c, txn, creator, now, fn, arg)
		res = ledger.Result{Height: pos.Height, Payload: out}
		return err
	})
	return res, err
}

// View runs fn on one read-only snapshot of db (see ledger.Snapshot).
// Badger lets many iterators read one read-only transaction at once, so
// each reader fn opens gets an iterator of its own on the shared snapshot.
func View(db *badger.DB, clock func() time.Time, position func(*badger.Txn) (Position, error), fn func(ledger.Snapshot) error) error {
	return db.View(func(txn *badger.Txn) error {
		pos, err := position(txn)
		if err != nil {
			return err
		}
		now := clock().UTC()
		if now.Before(pos.Time) {
			now = pos.Time
		}
		return fn(ledger.Snapshot{Height: pos.Height, Time: now, NewReader: func() (state.State, func()) {
			r := &Reader{Txn: txn, Now: now, reuse: true}
			return r, r.close
		}, NewStatusReader: func() (state.State, func()) {
			r := &Reader{Txn: txn, Now: now, reuse: true, Shadow: true}
			return r, r.close
		}})
	})
}

// ViewState lends fn one read-only state over one snapshot of db, with
// what the snapshot reflects; its clock is the snapshot's own time (a
// publication is computed as of the ledger, not as of the wall clock).
func ViewState(db *badger.DB, position func(*badger.Txn) (Position, error), fn func(st state.State, pos Position) error) error {
	return db.View(func(txn *badger.Txn) error {
		pos, err := position(txn)
		if err != nil {
			return err
		}
		r := &Reader{Txn: txn, Now: pos.Time, reuse: true}
		defer r.close()
		return fn(r, pos)
	})
}
