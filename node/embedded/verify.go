package embedded

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/node/badgerstate"
	"github.com/assoc-ledger/blacklist/node/ledger"
	"github.com/assoc-ledger/blacklist/node/store"
)

// VerifyReport summarises a successful Verify.
type VerifyReport struct {
	Height uint64 `json:"height"`
	Hash   string `json:"hash"`
	Keys   int    `json:"keys"`
}

// Verify walks the hash chain from the first entry, checks every link, hash
// and write-set digest, replays the write sets and compares the result with
// the stored world state. Any edit to a stored entry or state value makes it
// fail, naming the first place that does not match. It reads one snapshot,
// so it can run while the ledger takes transactions; memory grows with the
// number of live keys (two hashes per key).
func (l *Ledger) Verify() (VerifyReport, error) {
	var rep VerifyReport
	err := l.db.View(func(txn *badger.Txn) error {
		head, err := readHead(txn)
		if err != nil {
			return err
		}
		replayed := map[[32]byte][32]byte{}
		prev := genesisHash
		var h uint64
		err = badgerstate.Scan(txn, []byte{'l'}, func(k, v []byte) error {
			h++
			var e Entry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("entry %d: %w", h, err)
			}
			switch {
			case !bytes.Equal(k, logKey(h)) || e.Height != h:
				return fmt.Errorf("entry %d: stored as height %d: gap or reordering", h, e.Height)
			case e.PrevHash != prev:
				return fmt.Errorf("entry %d: previous hash does not match entry %d", h, h-1)
			case digestWrites(e.Writes) != e.WriteDigest:
				return fmt.Errorf("entry %d: write set does not match its digest", h)
			case e.computeHash() != e.Hash:
				return fmt.Errorf("entry %d: hash does not match its contents", h)
			}
			for _, w := range e.Writes {
				kh := sha256.Sum256([]byte(w.Key))
				if w.Delete {
					delete(replayed, kh)
				} else {
					replayed[kh] = sha256.Sum256(w.Value)
				}
			}
			prev = e.Hash
			return nil
		})
		if err != nil {
			return err
		}
		if head.Height != h || head.Hash != prev {
			return fmt.Errorf("head says height %d, the log ends at %d", head.Height, h)
		}
		seen := 0
		err = badgerstate.Scan(txn, badgerstate.Prefix, func(k, v []byte) error {
			kh := sha256.Sum256(k[1:])
			want, ok := replayed[kh]
			if !ok {
				return fmt.Errorf("state key %q was never written by the log", k[1:])
			}
			if sha256.Sum256(v) != want {
				return fmt.Errorf("state key %q differs from the log", k[1:])
			}
			seen++
			return nil
		})
		if err != nil {
			return err
		}
		if seen != len(replayed) {
			return fmt.Errorf("%d keys written by the log are missing from the state", len(replayed)-seen)
		}
		// The status shadow answers status queries: it must be the slim
		// image of the state just verified.
		if err := badgerstate.VerifyShadow(txn); err != nil {
			return err
		}
		rep = VerifyReport{Height: h, Hash: prev, Keys: seen}
		return nil
	})
	return rep, err
}

// Entries calls fn for each committed log entry from height from on, in
// order, on one snapshot.
func (l *Ledger) Entries(from uint64, fn func(Entry) error) error {
	return l.db.View(func(txn *badger.Txn) error {
		_, err := entries(txn, from, fn)
		return err
	})
}

// entries reads the log from height from on and returns the height after
// the last entry it read.
func entries(txn *badger.Txn, from uint64, fn func(Entry) error) (uint64, error) {
	next := from
	err := store.ScanJSON(txn, []byte{'l'}, logKey(from), func(_ []byte, e Entry) error {
		if err := fn(e); err != nil {
			return err
		}
		next = e.Height + 1
		return nil
	})
	return next, err
}

// changesEntries bounds one Changes call, so that a long catch-up holds one
// read snapshot open only so long.
const changesEntries = 10000

var errEnough = errors.New("enough for one call")

// Changes implements ledger.Feed: each committed entry's event, by height.
func (l *Ledger) Changes(from uint64, fn func(ledger.Change) error) (uint64, error) {
	var next uint64
	err := l.db.View(func(txn *badger.Txn) error {
		var err error
		n := 0
		next, err = entries(txn, max(from, 1), func(e Entry) error {
			if n++; n > changesEntries {
				return errEnough
			}
			if e.Event == nil {
				return nil
			}
			t, err := time.Parse(time.RFC3339Nano, e.Time)
			if err != nil {
				return fmt.Errorf("log entry %d: time: %w", e.Height, err)
			}
			return fn(ledger.Change{Position: e.Height, TxID: e.TxID, Time: t, Name: e.Event.Name, Payload: e.Event.Payload})
		})
		if errors.Is(err, errEnough) {
			err = nil
		}
		return err
	})
	return next, err
}

// WaitForChanges implements ledger.Feed: entry next is committed.
func (l *Ledger) WaitForChanges(ctx context.Context, next uint64) error {
	return l.heights.Wait(ctx, next)
}

// ScanState calls fn for every world-state key and value in key order, on
// one snapshot, and returns the height that snapshot reflects.
func (l *Ledger) ScanState(fn func(key string, value []byte)) (uint64, error) {
	var h uint64
	err := l.db.View(func(txn *badger.Txn) error {
		head, err := readHead(txn)
		if err != nil {
			return err
		}
		h = head.Height
		return badgerstate.Scan(txn, badgerstate.Prefix, func(k, v []byte) error {
			fn(string(k[1:]), v)
			return nil
		})
	})
	return h, err
}
