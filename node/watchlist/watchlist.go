// Package watchlist is a member's private list of subjects it watches for
// post-loan monitoring (贷后监控): typically its whole loan book, each
// subject key with the bank's own label (a hashed customer number). It
// lives only in the member's node store; it never goes on the ledger or to
// another member.
//
// Keys (store.WatchEntries, store.WatchIndex): "w/<member>/<subject>" holds
// the entry, and "ws/<subject>/<member>" lets alerting find every member
// watching a subject with one prefix scan. Both are written in the same
// badger transaction or write batch.
package watchlist

import (
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"
	fastjson "github.com/goccy/go-json"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/chaincode/freetext"
	"github.com/assoc-ledger/blacklist/node/store"
)

// Entry is one watched subject.
type Entry struct {
	SubjectKey string `json:"subjectKey"`
	Label      string `json:"label,omitempty"`
	AddedAt    string `json:"addedAt"`
}

// MaxLabel bounds a label: a reference, not a record.
const MaxLabel = 128

// Watchlist is every member's watchlist in one badger store.
type Watchlist struct {
	db *badger.DB
}

// New keeps watchlists in db under store.WatchEntries and store.WatchIndex.
func New(db *badger.DB) *Watchlist { return &Watchlist{db: db} }

func entryKey(member, subject string) []byte { return store.WatchEntries.Key(member, subject) }
func indexKey(subject, member string) []byte { return store.WatchIndex.Key(subject, member) }

// InvalidError is a watchlist entry refused for its content.
type InvalidError struct{ Msg string }

func (e *InvalidError) Error() string { return e.Msg }

// Check validates a subject key and label; errors name the problem and
// never repeat the label, which is the bank's data.
func Check(subject, label string) error {
	if !contract.IsHexDigest(subject) {
		return &InvalidError{"subjectKey: must be 64 lower-case hex characters"}
	}
	if len(label) > MaxLabel {
		return &InvalidError{fmt.Sprintf("label: at most %d bytes on one line", MaxLabel)}
	}
	// The free-text rule of every text field (one line, no bidi or other
	// invisible characters); its message names a code point, never the label.
	if err := freetext.Check(label); err != nil {
		return &InvalidError{"label: " + err.Error()}
	}
	return nil
}

// Put watches subject for member, or updates its label; added reports
// whether it was not watched before.
func (w *Watchlist) Put(member, subject, label string) (added bool, err error) {
	if err := Check(subject, label); err != nil {
		return false, err
	}
	err = w.db.Update(func(txn *badger.Txn) error {
		watched, err := store.Has(txn, entryKey(member, subject))
		if err != nil {
			return err
		}
		added = !watched
		return put(txn.Set, member, Entry{SubjectKey: subject, Label: label, AddedAt: time.Now().UTC().Format(time.RFC3339)})
	})
	return added, err
}

func put(set func(k, v []byte) error, member string, e Entry) error {
	b, err := fastjson.Marshal(e)
	if err != nil {
		return err
	}
	if err := set(entryKey(member, e.SubjectKey), b); err != nil {
		return err
	}
	return set(indexKey(e.SubjectKey, member), []byte{1})
}

// Delete stops watching subject; removed reports whether it was watched.
func (w *Watchlist) Delete(member, subject string) (removed bool, err error) {
	if err := Check(subject, ""); err != nil {
		return false, err
	}
	err = w.db.Update(func(txn *badger.Txn) error {
		watched, err := store.Has(txn, entryKey(member, subject))
		if err != nil || !watched {
			return err
		}
		removed = true
		if err := txn.Delete(entryKey(member, subject)); err != nil {
			return err
		}
		return txn.Delete(indexKey(subject, member))
	})
	return removed, err
}

// List returns up to limit entries of member's watchlist after the subject
// key after, in key order, and the key to continue from ("" at the end).
func (w *Watchlist) List(member, after string, limit int) ([]Entry, string, error) {
	var start []byte
	if after != "" {
		start = append(entryKey(member, after), 0)
	}
	out, more, err := store.Page[Entry](w.db, entryKey(member, ""), start, limit)
	next := ""
	if more && len(out) > 0 {
		next = out[len(out)-1].SubjectKey
	}
	return out, next, err
}

// Watchers returns the members watching subject, with their entries.
func (w *Watchlist) Watchers(subject string) (map[string]Entry, error) {
	out := map[string]Entry{}
	err := w.db.View(func(txn *badger.Txn) error {
		return store.ScanKeys(txn, indexKey(subject, ""), nil, func(m []byte) error {
			member := string(m)
			var e Entry
			if found, err := store.Get(txn, entryKey(member, subject), store.JSON(&e)); err != nil {
				return err
			} else if !found {
				return fmt.Errorf("watchlist: %s is indexed as watched by %s, which has no entry for it", subject, member)
			}
			out[member] = e
			return nil
		})
	})
	return out, err
}
