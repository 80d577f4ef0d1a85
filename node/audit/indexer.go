package audit

import (
	"encoding/binary"
	"errors"
	"fmt"
	"log"

	"github.com/dgraph-io/badger/v4"
	fastjson "github.com/goccy/go-json"

	"github.com/assoc-ledger/blacklist/node/store"
)

// The subject index ("who looked up this subject") is written behind the
// log, not in the commit that answers a lookup.
//
// A 10,000-subject lookup's commit held 10,000 subject index keys beside
// its entries, and inserting them into badger's memtable was about half
// of what was left of the append (BenchmarkAppend). The index is derived
// from the entries, so the indexer goroutine writes it after the commit,
// from the committed blocks, with the last sequence number it covers
// ("au/xs") in the same transaction: a crash loses nothing, the indexer
// resumes from there on the next Open. A query by subject reads the
// index up to that number and the entries after it directly, from the
// same snapshot, so it never misses an entry that is committed.

var indexedKey = store.AuditIndexed.Bytes()

// indexChunk bounds the entries one indexer transaction covers (badger's
// transaction size: a subject key is under 100 bytes).
const indexChunk = 20000

// readIndexed reads the last sequence number the subject index covers.
func readIndexed(txn *badger.Txn) (uint64, bool, error) {
	item, err := txn.Get(indexedKey)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	var n uint64
	err = item.Value(func(v []byte) error {
		if len(v) != 8 {
			return errors.New("corrupt audit subject index mark")
		}
		n = binary.BigEndian.Uint64(v)
		return nil
	})
	return n, true, err
}

// markIndexed is called by Open: a store without the mark was written
// when the index was part of every commit, so everything in it is
// indexed.
func markIndexed(db *badger.DB, seq uint64) error {
	return db.Update(func(txn *badger.Txn) error {
		if _, ok, err := readIndexed(txn); ok || err != nil {
			return err
		}
		return txn.Set(indexedKey, binary.BigEndian.AppendUint64(nil, seq))
	})
}

// indexer indexes what the writer commits until the log closes, then
// catches up once more and stops.
func (l *Log) indexer() {
	defer close(l.indexStopped)
	for range l.indexWake {
		if err := l.indexAll(); err != nil {
			// Queries stay complete (they read the entries after the
			// mark); the next commit retries.
			log.Printf("audit: subject index: %v", err)
		}
	}
	if err := l.indexAll(); err != nil {
		log.Printf("audit: subject index: %v", err)
	}
}

// wakeIndexer tells the indexer there is more to index.
func (l *Log) wakeIndexer() {
	select {
	case l.indexWake <- struct{}{}:
	default:
	}
}

// indexAll indexes every committed entry not yet indexed.
func (l *Log) indexAll() error {
	for {
		more, err := l.indexSome()
		if err != nil || !more {
			return err
		}
	}
}

// indexSome indexes up to indexChunk entries after the mark and moves the
// mark past them, in one transaction; more is false once caught up.
func (l *Log) indexSome() (more bool, err error) {
	var from, to uint64
	var keys [][]byte
	err = l.db.View(func(txn *badger.Txn) error {
		mark, _, err := readIndexed(txn)
		if err != nil {
			return err
		}
		last, err := lastSeq(txn)
		if err != nil {
			return err
		}
		from, to = mark, min(last, mark+indexChunk)
		if to <= from {
			return nil
		}
		entries := newEntryReader(txn)
		defer entries.close()
		// What one badger transaction takes, with room for the mark.
		maxKeys, maxBytes := int(l.db.MaxBatchCount())-2, int(l.db.MaxBatchSize())*8/10
		size := 0
		for seq := from + 1; seq <= to; seq++ {
			subject, err := entries.subject(seq)
			if err != nil {
				return err
			}
			if subject == "" {
				continue
			}
			k := subjectKey(subject, seq)
			if len(keys) >= maxKeys || size+len(k)+32 > maxBytes {
				to = seq - 1
				break
			}
			keys, size = append(keys, k), size+len(k)+32
		}
		return nil
	})
	if err != nil || to <= from {
		return false, err
	}
	err = l.db.Update(func(txn *badger.Txn) error {
		// Only this goroutine moves the mark; reading it again makes a
		// second indexer (there is none) a conflict, not a gap.
		if mark, _, err := readIndexed(txn); err != nil || mark != from {
			return fmt.Errorf("the subject index mark moved from %d to %d: %v", from, mark, err)
		}
		for _, k := range keys {
			if err := txn.Set(k, nil); err != nil {
				return err
			}
		}
		return txn.Set(indexedKey, binary.BigEndian.AppendUint64(nil, to))
	})
	return err == nil, err
}

// subject returns entry seq's subject, decoding nothing else.
func (r *entryReader) subject(seq uint64) (string, error) {
	if seq < r.lo || seq >= r.hi {
		if err := r.load(seq); err != nil {
			return "", fmt.Errorf("audit entry %d: %w", seq, err)
		}
	}
	var e struct {
		Subject string `json:"subject"`
	}
	if err := fastjson.Unmarshal(r.frames[seq-r.first], &e); err != nil {
		return "", fmt.Errorf("audit entry %d: %w", seq, err)
	}
	return e.Subject, nil
}
