package audit

import (
	"fmt"
	"log"
	"sync"

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
func readIndexed(txn *badger.Txn) (mark uint64, found bool, err error) {
	found, err = store.Get(txn, indexedKey, store.Uint64(&mark))
	return mark, found, err
}

// indexedAndLast reads, from one snapshot, the last sequence number the
// subject index covers and the last one committed.
func indexedAndLast(txn *badger.Txn) (mark, last uint64, err error) {
	if mark, _, err = readIndexed(txn); err != nil {
		return 0, 0, err
	}
	last, err = lastSeq(txn)
	return mark, last, err
}

// markIndexed is called by Open: a store without the mark was written
// when the index was part of every commit, so everything in it is
// indexed.
func markIndexed(db *badger.DB, seq uint64) error {
	return db.Update(func(txn *badger.Txn) error {
		if _, ok, err := readIndexed(txn); ok || err != nil {
			return err
		}
		return txn.Set(indexedKey, store.Uint64Bytes(seq))
	})
}

// Unindexed is how many committed entries the subject index does not
// cover yet: 0 once the indexer has caught up. Operators watch it
// (blacklist_audit_unindexed_entries: an indexer that keeps failing makes
// subject queries slower, never incomplete); scripts/bench-http.sh waits
// for 0 so that one row's indexing is not charged to the next.
func (l *Log) Unindexed() (uint64, error) {
	var n uint64
	err := l.db.View(func(txn *badger.Txn) error {
		mark, last, err := indexedAndLast(txn)
		if err != nil {
			return err
		}
		if last > mark {
			n = last - mark
		}
		return nil
	})
	return n, err
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
	// What one badger transaction takes, with room for the mark.
	maxKeys, maxBytes := int(l.db.MaxBatchCount())-2, int(l.db.MaxBatchSize())*8/10
	size := 0
	add := func(subject string, seq uint64) bool {
		if subject == "" {
			return true
		}
		k := subjectKey(subject, seq)
		if len(keys) >= maxKeys || size+len(k)+32 > maxBytes {
			return false
		}
		keys, size = append(keys, k), size+len(k)+32
		return true
	}
	err = l.db.View(func(txn *badger.Txn) error {
		mark, last, err := indexedAndLast(txn)
		if err != nil {
			return err
		}
		from, to = mark, min(last, mark+indexChunk)
		if to <= from {
			return nil
		}
		// What the writer handed over is not read back from the store.
		first, subjects := l.recent.since(from + 1)
		if first == from+1 {
			to = min(to, first+uint64(len(subjects))-1)
			for i, s := range subjects[:to-from] {
				if !add(s, first+uint64(i)) {
					to = first + uint64(i) - 1
					break
				}
			}
			return nil
		}
		if first > from+1 {
			to = min(to, first-1)
		}
		entries := newEntryReader(txn)
		defer entries.close()
		for seq := from + 1; seq <= to; seq++ {
			subject, err := entries.subject(seq)
			if err != nil {
				return err
			}
			if !add(subject, seq) {
				to = seq - 1
				break
			}
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
		return txn.Set(indexedKey, store.Uint64Bytes(to))
	})
	if err != nil {
		return false, err
	}
	l.recent.drop(to)
	return true, nil
}

// recentSubjects holds the subjects of the entries the writer committed
// and the indexer has not indexed yet, from sequence number first on, so
// the indexer need not read back and decode the blocks just written
// (decoding was most of its work). It is only a shortcut: what it does not
// hold (after a restart, or past maxRecent) the indexer reads from the
// store.
type recentSubjects struct {
	mu       sync.Mutex
	first    uint64
	subjects []string
}

// maxRecent bounds what the writer hands over while the indexer lags.
const maxRecent = 200000

// add records the subjects of committed entries first, first+1, ...
func (r *recentSubjects) add(first uint64, subjects []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.subjects) == 0 || r.first+uint64(len(r.subjects)) != first || len(r.subjects)+len(subjects) > maxRecent {
		// A new run (a fresh slice: the indexer may be reading the old
		// one).
		r.first, r.subjects = first, make([]string, 0, len(subjects))
	}
	r.subjects = append(r.subjects, subjects...)
}

// since returns the held subjects from seq on, with the number of the
// first; first is after seq if the held run starts later (or 0, none).
func (r *recentSubjects) since(seq uint64) (first uint64, subjects []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case len(r.subjects) == 0:
		return 0, nil
	case seq < r.first:
		return r.first, nil
	case seq-r.first < uint64(len(r.subjects)):
		return seq, r.subjects[seq-r.first:]
	}
	return 0, nil
}

// drop forgets the subjects up to seq, now indexed.
func (r *recentSubjects) drop(seq uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if seq < r.first {
		return
	}
	if n := seq - r.first + 1; n < uint64(len(r.subjects)) {
		r.first, r.subjects = seq+1, r.subjects[n:]
	} else {
		r.first, r.subjects = 0, nil
	}
}

// subject returns entry seq's subject, decoding nothing else.
func (r *entryReader) subject(seq uint64) (string, error) {
	var e struct {
		Subject string `json:"subject"`
	}
	f, err := r.frame(seq)
	if err == nil {
		err = fastjson.Unmarshal(f, &e)
	}
	if err != nil {
		return "", fmt.Errorf("audit entry %d: %w", seq, err)
	}
	return e.Subject, nil
}
