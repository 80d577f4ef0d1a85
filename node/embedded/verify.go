package embedded

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/node/badgerstate"
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
		rep = VerifyReport{Height: h, Hash: prev, Keys: seen}
		return nil
	})
	return rep, err
}

// Entries calls fn for each committed log entry from height from on, in
// order, until fn returns state.ErrStop or the log ends. Followers of the
// ledger (alerts, replicas, tests) read committed changes here.
func (l *Ledger) Entries(from uint64, fn func(Entry) error) error {
	return l.db.View(func(txn *badger.Txn) error {
		return badgerstate.Scan(txn, []byte{'l'}, func(k, v []byte) error {
			if binary.BigEndian.Uint64(k[1:]) < from {
				return nil
			}
			var e Entry
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			return fn(e)
		})
	})
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
