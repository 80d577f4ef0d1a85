package embedded

import (
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/chaincode/translog"
	"github.com/assoc-ledger/blacklist/node/ledger"
)

var _ ledger.CommittedFeed = (*Ledger)(nil)

// committedBytes bounds the write data one CommittedTxs call holds in
// memory (a catch-up over bulk imports), checked between entries.
var committedBytes = 64 << 20

// CommittedTxs implements ledger.CommittedFeed: each log entry with its
// write set, by height, at most changesEntries entries per call.
func (l *Ledger) CommittedTxs(from uint64, fn func(ledger.Committed) error) (uint64, error) {
	next := max(from, 1)
	err := l.db.View(func(txn *badger.Txn) error {
		var err error
		n, bytes := 0, 0
		next, err = entries(txn, max(from, 1), func(e Entry) error {
			if n++; n > changesEntries || bytes > committedBytes {
				return errEnough
			}
			for _, w := range e.Writes {
				bytes += len(w.Key) + len(w.Value)
			}
			t, err := time.Parse(time.RFC3339Nano, e.Time)
			if err != nil {
				return fmt.Errorf("log entry %d: time: %w", e.Height, err)
			}
			ws := make([]ledger.Write, len(e.Writes))
			for i, w := range e.Writes {
				ws[i] = ledger.Write{Key: w.Key, Value: w.Value, Delete: w.Delete}
			}
			return fn(ledger.Committed{Position: e.Height, TxID: e.TxID, Time: t,
				Validation: ledger.ValidationEmbedded, Writes: ws})
		})
		if errors.Is(err, errEnough) {
			err = nil
		}
		return err
	})
	return next, err
}

// LogIdentity implements ledger.Logged: embedded leaves, in a log named
// "embedded" (one operator's ledger).
func (l *Ledger) LogIdentity() (mode, name string) { return translog.ModeEmbedded, "embedded" }
