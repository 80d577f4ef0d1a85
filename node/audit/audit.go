// Package audit is the node's query audit log: one entry per subject a
// client of a member looked up, watched, derived from a raw ID, read an
// attestation of, or was alerted about, with the outcome (ok, denied,
// error, over-budget).
//
// The model:
//
//   - Each member has its own chain (package chain): the node may serve
//     several members (the embedded ledger's demo does), and each member
//     anchors and exports only its own. Entries also carry a node-wide
//     sequence number, which orders the log and pages queries.
//   - One goroutine appends. Concurrent callers hand it their entries and
//     wait; it writes whatever has queued up in one badger transaction
//     with one fsync (group commit), so an answer is given only after its
//     entries are durable.
//   - Every link is also tagged with HMAC-SHA256 under a node audit key
//     kept in the node store: recomputing the public SHA-256 chain after an
//     edit is not enough to pass Verify without the key. The key is the
//     node's, so this guards against whoever can write the store but not
//     read the key; what binds the node itself is the anchors on the shared
//     ledger (docs/decisions/0006-audit-anchoring.md).
//   - Indexes: by member (position -> sequence) for exports and member
//     queries, and by subject for "who looked up this subject" without a
//     scan of the log. The subject index is written behind the log by an
//     indexer goroutine (indexer.go); queries by subject read the entries
//     it has not reached yet, so they miss nothing committed.
//
// Keys in the node store ("au/" prefix; L(s) is a 2-byte length then s):
// "au/key" the MAC key, "au/seq" the last sequence number, "au/h/"L(member)
// the member's head, "au/e/"seq a block of entries from seq on (blocks.go),
// "au/m/"L(member)pos the member index (value: seq and the length of the
// run of positions from pos), "au/x/"L(subject)seq the subject index,
// "au/xs" the last sequence number it covers, "au/a/"L(member) the size
// last anchored on the ledger. docs/decisions/0025-audit-blocks.md says
// why blocks and runs, and why the subject index trails.
package audit

import (
	"github.com/assoc-ledger/blacklist/node/store"

	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"
	fastjson "github.com/goccy/go-json"

	"github.com/assoc-ledger/blacklist/node/audit/chain"
)

// Entry is one audited access (see chain.Entry).
type Entry = chain.Entry

// Head is a member's chain head: Size entries, the last with hash Hash;
// Log, the hash of the first entry, names the chain on the ledger.
type Head struct {
	Member string `json:"member"`
	Log    string `json:"log,omitempty"`
	Size   uint64 `json:"size"`
	Hash   string `json:"hash"`
}

var (
	keyKey = store.AuditKey.Bytes()
	seqKey = store.AuditSeq.Bytes()
)

func lp(prefix store.Prefix, s string) []byte {
	b := append(prefix.Bytes(), byte(len(s)>>8), byte(len(s)))
	return append(b, s...)
}

func headKey(member string) []byte     { return lp(store.AuditHeads, member) }
func anchoredKey(member string) []byte { return lp(store.AuditAnchored, member) }
func entryKey(seq uint64) []byte {
	return binary.BigEndian.AppendUint64(store.AuditEntries.Bytes(), seq)
}
func memberPrefix(member string) []byte {
	return lp(store.AuditByMember, member)
}
func memberKey(member string, pos uint64) []byte {
	return binary.BigEndian.AppendUint64(memberPrefix(member), pos)
}
func subjectPrefix(subject string) []byte { return lp(store.AuditBySubject, subject) }
func subjectKey(subject string, seq uint64) []byte {
	return binary.BigEndian.AppendUint64(subjectPrefix(subject), seq)
}

// maxLength bounds a member or subject in an index key.
const maxLength = 1024

// Log is the audit log in the node's store.
type Log struct {
	db  *badger.DB
	key []byte
	// chunkBytes bounds one commit's size (see chunkBytes).
	chunkBytes int

	queue   chan request
	stopped chan struct{}
	closed  sync.Once

	// The subject index's goroutine (indexer.go): woken after each
	// commit; noIndexer (tests) leaves it unstarted.
	indexWake    chan struct{}
	indexStopped chan struct{}
	noIndexer    bool
	recent       recentSubjects

	// counter, if set, is called in each transaction that appends entries
	// (the statistics' lookup counts: package node/stats).
	counter func(txn *badger.Txn, entries []*Entry) error

	// mu guards seq and heads, which only the writer changes.
	mu    sync.RWMutex
	seq   uint64
	heads map[string]Head
}

type request struct {
	entries []Entry
	puts    []kv // other node-store writes committed with the group (Put)
	done    chan error
}

type kv struct{ key, value []byte }

// Open loads the log's key (creating it on first use), sequence number and
// heads from db, and starts the writer.
func Open(db *badger.DB) (*Log, error) { return open(db, true) }

// open is Open, with the subject indexer started or not (tests).
func open(db *badger.DB, indexer bool) (*Log, error) {
	l := &Log{db: db, heads: map[string]Head{}, chunkBytes: chunkBytes(db.Opts().MemTableSize), noIndexer: !indexer}
	err := db.Update(func(txn *badger.Txn) error {
		item, err := txn.Get(keyKey)
		if errors.Is(err, badger.ErrKeyNotFound) {
			l.key = make([]byte, 32)
			if _, err := rand.Read(l.key); err != nil {
				return err
			}
			return txn.Set(keyKey, l.key)
		}
		if err != nil {
			return err
		}
		l.key, err = item.ValueCopy(nil)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("audit key: %w", err)
	}
	err = db.View(func(txn *badger.Txn) error {
		var err error
		if l.seq, err = lastSeq(txn); err != nil {
			return fmt.Errorf("sequence number: %w", err)
		}
		it := txn.NewIterator(badger.IteratorOptions{Prefix: store.AuditHeads.Bytes(), PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var h Head
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &h) }); err != nil {
				return err
			}
			l.heads[h.Member] = h
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("open audit log: %w", err)
	}
	if err := markIndexed(db, l.seq); err != nil {
		return nil, fmt.Errorf("open audit log: %w", err)
	}
	l.queue, l.stopped = make(chan request, 4096), make(chan struct{})
	l.indexWake, l.indexStopped = make(chan struct{}, 1), make(chan struct{})
	go l.writer()
	if l.noIndexer {
		close(l.indexStopped)
	} else {
		go l.indexer()
	}
	l.wakeIndexer() // what an earlier run left unindexed
	return l, nil
}

var errStop = errors.New("stop")

// SetCounter has fn called in each badger transaction that appends
// entries, with those entries (their times set), so that counts derived
// from the log commit with it. Call it before the first Append.
func (l *Log) SetCounter(fn func(txn *badger.Txn, entries []*Entry) error) { l.counter = fn }

// Close waits for queued entries to be written and stops the writer. No
// Append may be in flight.
func (l *Log) Close() {
	l.closed.Do(func() {
		close(l.queue)
		<-l.stopped
		close(l.indexWake)
	})
	<-l.stopped
	<-l.indexStopped
}

// Append records entries durably, in order, before it returns; it fills in
// their Seq, Pos, Time, links and MACs (in the caller's slice). An entry
// without an outcome is "ok".
func (l *Log) Append(entries []Entry) error {
	if len(entries) == 0 {
		return nil
	}
	for i := range entries {
		if len(entries[i].Member) > maxLength || len(entries[i].Subject) > maxLength {
			return fmt.Errorf("audit entry %d: member or subject longer than %d bytes", i, maxLength)
		}
		if entries[i].Member == "" {
			return fmt.Errorf("audit entry %d has no member", i)
		}
	}
	r := request{entries: entries, done: make(chan error, 1)}
	l.queue <- r
	return <-r.done
}

// Put writes key=value to the node store in the writer's next commit,
// ordered with the entries appended around it, and returns a channel that
// yields the commit's result. The log's group commit thus also makes other
// small records durable that a request must have on disk before it is
// answered (the node's budget counters): a caller that appends entries
// after its Put need not wait for the Put first, because its Append
// returns only once everything queued before it is committed, so that one
// sync serves both (see Node.Lookup). Values queued for the same key are
// written in queue order. No Put may be in flight at Close.
func (l *Log) Put(key, value []byte) <-chan error {
	r := request{puts: []kv{{key, value}}, done: make(chan error, 1)}
	l.queue <- r
	return r.done
}

// writer is the only goroutine that appends.
func (l *Log) writer() {
	defer close(l.stopped)
	for first := range l.queue {
		group := []request{first}
	gather:
		for len(group) < 1024 {
			select {
			case r, ok := <-l.queue:
				if !ok {
					break gather
				}
				group = append(group, r)
			default:
				break gather
			}
		}
		err := l.write(group)
		for _, r := range group {
			r.done <- err
		}
		l.wakeIndexer()
	}
}

// chunkBytes bounds one badger transaction; a group larger than this
// commits in several, each with the heads it reached, so a crash leaves a
// consistent prefix (none of whose callers had been answered). It is 80%
// of badger's limit on a transaction (15% of the memtable): with the node
// store's 64 MB memtables 7.7 MB, above what the largest lookup writes
// (10,000 subjects: about 6.7 MB), so that a lookup costs one commit and
// one sync, where the earlier bound of 2,000 entries cost five.
func chunkBytes(memTableSize int64) int { return int(memTableSize * 12 / 100) }

// pending is an entry linked and encoded, waiting for its commit.
type pending struct {
	e     *Entry
	value []byte
}

// txnSize is what an entry and its two index keys add to a badger
// transaction (keys, value, badger's per-key overhead).
func txnSize(p pending) int { return len(p.value) + len(p.e.Member) + len(p.e.Subject) + 128 }

func (l *Log) write(group []request) error {
	l.mu.RLock()
	seq := l.seq
	heads := make(map[string]Head, len(l.heads))
	for m, h := range l.heads {
		heads[m] = h
	}
	l.mu.RUnlock()
	now := time.Now().UTC().Format(time.RFC3339Nano)
	// One MAC state for the whole group, reset per entry.
	mac := hmac.New(sha256.New, l.key)
	var sum [sha256.Size]byte

	// The part being filled: its entries, the heads they reach, other
	// writes, its size.
	var part []pending
	var puts []kv
	partHeads := map[string]Head{}
	size := 0
	commit := func() error {
		err := l.db.Update(func(txn *badger.Txn) error {
			for _, p := range puts {
				if err := txn.Set(p.key, p.value); err != nil {
					return err
				}
			}
			// The part's sequence numbers are consecutive: its entries
			// go in blocks, each member's stretches in runs (blocks.go).
			var block []byte
			blockFirst := uint64(0)
			flush := func() error {
				if len(block) == 0 {
					return nil
				}
				err := txn.Set(entryKey(blockFirst), block)
				block = nil
				return err
			}
			type run struct{ pos, seq, count uint64 }
			runs := map[string]*run{}
			setRun := func(member string, r *run) error {
				return txn.Set(memberKey(member, r.pos), runValue(r.seq, r.count))
			}
			for _, p := range part {
				e := p.e
				if len(block) > 0 && len(block)+len(p.value) > blockBytes {
					if err := flush(); err != nil {
						return err
					}
				}
				if len(block) == 0 {
					blockFirst = e.Seq
				}
				block = appendFrame(block, p.value)
				if r := runs[e.Member]; r != nil && r.pos+r.count == e.Pos && r.seq+r.count == e.Seq {
					r.count++
				} else {
					if r != nil {
						if err := setRun(e.Member, r); err != nil {
							return err
						}
					}
					runs[e.Member] = &run{e.Pos, e.Seq, 1}
				}
			}
			if err := flush(); err != nil {
				return err
			}
			for m, r := range runs {
				if err := setRun(m, r); err != nil {
					return err
				}
			}
			if l.counter != nil && len(part) > 0 {
				entries := make([]*Entry, len(part))
				for i, p := range part {
					entries[i] = p.e
				}
				if err := l.counter(txn, entries); err != nil {
					return err
				}
			}
			for m, h := range partHeads {
				hb, _ := json.Marshal(h)
				if err := txn.Set(headKey(m), hb); err != nil {
					return err
				}
			}
			if len(part) == 0 {
				return nil
			}
			return txn.Set(seqKey, binary.BigEndian.AppendUint64(nil, part[len(part)-1].e.Seq))
		})
		if err != nil {
			// What did commit stays; the in-memory heads reload from the
			// store so the next group continues the chain that is on disk.
			l.reload()
			return fmt.Errorf("query audit log: %w", err)
		}
		if len(part) > 0 {
			subjects := make([]string, len(part))
			for i, p := range part {
				subjects[i] = p.e.Subject
			}
			l.recent.add(part[0].e.Seq, subjects)
		}
		l.mu.Lock()
		if len(part) > 0 {
			l.seq = part[len(part)-1].e.Seq
		}
		for m, h := range partHeads {
			l.heads[m] = h
		}
		l.mu.Unlock()
		part, puts, partHeads, size = part[:0], puts[:0], map[string]Head{}, 0
		return nil
	}
	for _, r := range group {
		for _, p := range r.puts {
			n := len(p.key) + len(p.value) + 32
			if size > 0 && size+n > l.chunkBytes {
				if err := commit(); err != nil {
					return err
				}
			}
			puts, size = append(puts, p), size+n
		}
		for i := range r.entries {
			e := &r.entries[i]
			h, ok := heads[e.Member]
			if !ok {
				h = Head{Member: e.Member, Hash: chain.Zero}
			}
			seq++
			if e.Outcome == "" {
				e.Outcome = chain.OutcomeOK
			}
			e.Seq, e.Pos, e.Time, e.PrevHash = seq, h.Size+1, now, h.Hash
			e.Hash = e.Link()
			mac.Reset()
			mac.Write([]byte(e.Hash))
			e.MAC = hex.EncodeToString(mac.Sum(sum[:0]))
			// goccy/go-json writes the same bytes as encoding/json
			// (TestEntryEncodingMatchesEncodingJSON), faster.
			b, err := fastjson.Marshal(e)
			if err != nil {
				return err
			}
			p := pending{e, b}
			if size > 0 && size+txnSize(p) > l.chunkBytes {
				if err := commit(); err != nil {
					return err
				}
			}
			part, size = append(part, p), size+txnSize(p)
			if e.Pos == 1 {
				h.Log = e.Hash
			}
			h = Head{Member: e.Member, Log: h.Log, Size: e.Pos, Hash: e.Hash}
			heads[e.Member], partHeads[e.Member] = h, h
		}
	}
	if size == 0 {
		return nil
	}
	return commit()
}

// reload rereads the sequence number and heads after a failed write.
func (l *Log) reload() {
	_ = l.db.View(func(txn *badger.Txn) error {
		l.mu.Lock()
		defer l.mu.Unlock()
		if seq, err := lastSeq(txn); err == nil {
			l.seq = seq
		}
		for m := range l.heads {
			if item, err := txn.Get(headKey(m)); err == nil {
				var h Head
				if item.Value(func(v []byte) error { return json.Unmarshal(v, &h) }) == nil {
					l.heads[m] = h
				}
			}
		}
		return nil
	})
}

func (l *Log) mac(hash string) string {
	m := hmac.New(sha256.New, l.key)
	m.Write([]byte(hash))
	return hex.EncodeToString(m.Sum(nil))
}

// Head returns member's chain head (size 0 and the zero hash before its
// first entry).
func (l *Log) Head(member string) Head {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if h, ok := l.heads[member]; ok {
		return h
	}
	return Head{Member: member, Hash: chain.Zero}
}

// Heads returns every member's head, by member.
func (l *Log) Heads() []Head {
	l.mu.RLock()
	out := make([]Head, 0, len(l.heads))
	for _, h := range l.heads {
		out = append(out, h)
	}
	l.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Member < out[j].Member })
	return out
}

// Anchored returns the size of member's chain last anchored on the ledger.
func (l *Log) Anchored(member string) (uint64, error) {
	var n uint64
	err := l.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(anchoredKey(member))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return item.Value(func(v []byte) error {
			if len(v) == 8 {
				n = binary.BigEndian.Uint64(v)
			}
			return nil
		})
	})
	return n, err
}

// SetAnchored records that member's chain was anchored at size.
func (l *Log) SetAnchored(member string, size uint64) error {
	return l.db.Update(func(txn *badger.Txn) error {
		return txn.Set(anchoredKey(member), binary.BigEndian.AppendUint64(nil, size))
	})
}

// Filter selects entries; empty fields match everything.
type Filter struct {
	Member  string
	Subject string
	From    time.Time
	To      time.Time
	After   uint64 // entries with Seq > After
	Limit   int
}

func (f *Filter) match(e *Entry) bool {
	if (f.Member != "" && e.Member != f.Member) || (f.Subject != "" && e.Subject != f.Subject) {
		return false
	}
	if f.From.IsZero() && f.To.IsZero() {
		return true
	}
	t, _ := time.Parse(time.RFC3339Nano, e.Time)
	return (f.From.IsZero() || !t.Before(f.From)) && (f.To.IsZero() || t.Before(f.To))
}

// Query returns matching entries in log order, at most f.Limit. With a
// subject it reads the subject index; with only a member, the member
// index; otherwise the log.
func (l *Log) Query(f Filter) ([]Entry, error) {
	out := []Entry{}
	if f.Limit <= 0 {
		return out, nil
	}
	err := l.db.View(func(txn *badger.Txn) error {
		add := func(e Entry) bool {
			if f.match(&e) {
				out = append(out, e)
			}
			return len(out) < f.Limit
		}
		entries := newEntryReader(txn)
		defer entries.close()
		switch {
		case f.Subject != "":
			// The index up to its mark, then the entries after it (see
			// indexer.go), from this one snapshot.
			mark, _, err := readIndexed(txn)
			if err != nil {
				return err
			}
			prefix := subjectPrefix(f.Subject)
			it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
			defer it.Close()
			for it.Seek(subjectKey(f.Subject, f.After+1)); it.ValidForPrefix(prefix); it.Next() {
				e, err := entries.get(binary.BigEndian.Uint64(it.Item().Key()[len(prefix):]))
				if err != nil {
					return err
				}
				if !add(e) {
					return nil
				}
			}
			last, err := lastSeq(txn)
			if err != nil {
				return err
			}
			for seq := max(mark, f.After) + 1; seq <= last; seq++ {
				subject, err := entries.subject(seq)
				if err != nil {
					return err
				}
				if subject != f.Subject {
					continue
				}
				e, err := entries.get(seq)
				if err != nil {
					return err
				}
				if !add(e) {
					return nil
				}
			}
		case f.Member != "":
			pos, err := l.firstAfter(txn, f.Member, f.After)
			if err != nil {
				return err
			}
			return memberIndex{txn, f.Member}.walk(pos, func(_, seq uint64) (bool, error) {
				e, err := entries.get(seq)
				if err != nil {
					return false, err
				}
				return add(e), nil
			})
		default:
			last, err := lastSeq(txn)
			if err != nil {
				return err
			}
			for seq := f.After + 1; seq <= last; seq++ {
				e, err := entries.get(seq)
				if err != nil {
					return err
				}
				if !add(e) {
					return nil
				}
			}
		}
		return nil
	})
	return out, err
}

// lastSeq reads the last sequence number committed in txn's snapshot.
func lastSeq(txn *badger.Txn) (uint64, error) {
	var seq uint64
	_, err := store.Get(txn, seqKey, store.Uint64(&seq))
	return seq, err
}

// firstAfter finds member's first position whose entry has Seq > after,
// by binary search: positions and sequence numbers grow together.
func (l *Log) firstAfter(txn *badger.Txn, member string, after uint64) (uint64, error) {
	if after == 0 {
		return 1, nil
	}
	size := l.Head(member).Size
	index := memberIndex{txn, member}
	var ferr error
	i := sort.Search(int(size), func(i int) bool {
		seq, found, err := index.seqAt(uint64(i) + 1)
		if err != nil {
			ferr = err
			return true
		}
		// Not found: appended after this snapshot began, so later than
		// after.
		return !found || seq > after
	})
	return uint64(i) + 1, ferr
}

// Export calls fn with member's entries after position after, in chain
// order, from one consistent snapshot of the store.
func (l *Log) Export(member string, after uint64, fn func(Entry) error) error {
	return l.db.View(func(txn *badger.Txn) error {
		entries := newEntryReader(txn)
		defer entries.close()
		return memberIndex{txn, member}.walk(after+1, func(_, seq uint64) (bool, error) {
			e, err := entries.get(seq)
			if err != nil {
				return false, err
			}
			return true, fn(e)
		})
	})
}

// Verify walks every member's chain, checking links, MACs and heads, and
// returns the number of entries checked or the first failure.
func (l *Log) Verify() (uint64, error) {
	var total uint64
	for _, h := range l.Heads() {
		v := chain.NewVerifier(h.Member, nil)
		err := l.Export(h.Member, 0, func(e Entry) error {
			if e.Pos > h.Size {
				return errStop // appended since the heads were read
			}
			if err := v.Add(&e); err != nil {
				return err
			}
			if !hmac.Equal([]byte(e.MAC), []byte(l.mac(e.Hash))) {
				return &chain.Failure{Kind: chain.BrokenLink, Pos: e.Pos, Msg: "the entry's MAC does not match: the chain was rebuilt without the node's audit key"}
			}
			return nil
		})
		if err != nil && err != errStop {
			return total, fmt.Errorf("audit log of %s: %w", h.Member, err)
		}
		size, head, _ := v.Finish()
		if size != h.Size || head != h.Hash {
			return total, fmt.Errorf("audit log of %s: the chain has %d entries ending %s, the head says %d ending %s: entries were removed", h.Member, size, head, h.Size, h.Hash)
		}
		total += size
	}
	return total, nil
}
