// Package watchlist is a member's private list of subjects it watches for
// post-loan monitoring (贷后监控): typically its whole loan book, each
// subject key with the bank's own label (a hashed customer number). It
// lives only in the member's node store; it never goes on the ledger or to
// another member.
//
// Keys: "w/<member>/<subject>" holds the entry, and "ws/<subject>/<member>"
// lets alerting find every member watching a subject with one prefix scan.
// Both are written in the same badger transaction or write batch.
package watchlist

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"
	fastjson "github.com/goccy/go-json"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/chaincode/freetext"
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

// New keeps watchlists in db under the "w/" and "ws/" prefixes.
func New(db *badger.DB) *Watchlist { return &Watchlist{db: db} }

func entryKey(member, subject string) []byte { return []byte("w/" + member + "/" + subject) }
func indexKey(subject, member string) []byte { return []byte("ws/" + subject + "/" + member) }

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
		_, err := txn.Get(entryKey(member, subject))
		added = errors.Is(err, badger.ErrKeyNotFound)
		if err != nil && !added {
			return err
		}
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
		if _, err := txn.Get(entryKey(member, subject)); errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		} else if err != nil {
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
	out := []Entry{}
	prefix := []byte("w/" + member + "/")
	next := ""
	err := w.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true})
		defer it.Close()
		start := prefix
		if after != "" {
			start = append(entryKey(member, after), 0)
		}
		for it.Seek(start); it.ValidForPrefix(prefix); it.Next() {
			if len(out) == limit {
				next = out[len(out)-1].SubjectKey
				break
			}
			var e Entry
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &e) }); err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	return out, next, err
}

// Watchers returns the members watching subject, with their entries.
func (w *Watchlist) Watchers(subject string) (map[string]Entry, error) {
	out := map[string]Entry{}
	prefix := []byte("ws/" + subject + "/")
	err := w.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		defer it.Close()
		for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
			member := string(it.Item().Key()[len(prefix):])
			item, err := txn.Get(entryKey(member, subject))
			if err != nil {
				return err
			}
			var e Entry
			if err := item.Value(func(v []byte) error { return json.Unmarshal(v, &e) }); err != nil {
				return err
			}
			out[member] = e
		}
		return nil
	})
	return out, err
}
