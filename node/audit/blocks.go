package audit

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/node/store"
)

// How entries and the member index are stored.
//
// A lookup of 10,000 subjects appends 10,000 entries in one commit. With
// one store key per entry and one per member position, that was 20,000
// of the commit's 30,000 keys, and inserting keys into badger's memtable
// skiplist was half of the append's time (165 ms a lookup on this
// machine's benchmark, BenchmarkAppend). So:
//
//   - Entries are stored in blocks: "au/e/"<first seq> holds the encoded
//     entries of consecutive sequence numbers from first on (blockVersion,
//     then each entry's JSON behind its length as a uvarint), at most
//     blockBytes a block. A value that starts with '{' is an entry stored
//     alone (the format before blocks, read as a block of one).
//   - The member index holds runs: "au/m/"L(member)<pos> holds the seq of
//     position pos and, after it, how many positions from pos on follow
//     at consecutive sequence numbers (absent: one, the format before
//     runs). A commit writes one run per stretch of a member's entries.
//   - The subject index keeps a key per entry: it is what answers "who
//     looked up this subject" without reading the log.
//
// Readers find the block or run holding a number with a reverse seek to
// the greatest key at or before it. A block that does not hold it (an
// entry written alone after its block, which only an edit of the store
// does) is stepped over to the one before, so such an edit is read, and
// found by Verify, rather than hiding its neighbours.

// blockVersion is the first byte of a block value.
const blockVersion = 1

// blockBytes bounds a block's value: small enough that reading one entry
// (a subject's history of lookups, a page of the log) decodes little
// besides it, and under badger's value threshold (1 MB), so blocks stay
// in the LSM tree like the entries did.
const blockBytes = 64 << 10

// appendFrame adds one encoded entry to a block being built.
func appendFrame(block, entry []byte) []byte {
	if len(block) == 0 {
		// A block is filled to blockBytes or to one entry past it.
		block = append(make([]byte, 0, max(blockBytes, len(entry))+binary.MaxVarintLen64+1), blockVersion)
	}
	block = binary.AppendUvarint(block, uint64(len(entry)))
	return append(block, entry...)
}

// frames splits a stored value into its encoded entries.
func frames(v []byte) ([][]byte, error) {
	if len(v) > 0 && v[0] == '{' {
		return [][]byte{v}, nil
	}
	if len(v) == 0 || v[0] != blockVersion {
		return nil, errors.New("not an audit block")
	}
	var out [][]byte
	for rest := v[1:]; len(rest) > 0; {
		n, k := binary.Uvarint(rest)
		if k <= 0 || uint64(len(rest)-k) < n {
			return nil, errors.New("truncated audit block")
		}
		out = append(out, rest[k:k+int(n)])
		rest = rest[k+int(n):]
	}
	return out, nil
}

// runValue is a member index value: the seq of the run's first position
// and the run's length.
func runValue(seq, count uint64) []byte {
	v := binary.BigEndian.AppendUint64(nil, seq)
	return binary.AppendUvarint(v, count)
}

func parseRun(v []byte) (seq, count uint64, err error) {
	if len(v) < 8 {
		return 0, 0, errors.New("corrupt audit member index")
	}
	seq, count = binary.BigEndian.Uint64(v), 1
	if len(v) > 8 {
		var k int
		if count, k = binary.Uvarint(v[8:]); k <= 0 || count == 0 {
			return 0, 0, errors.New("corrupt audit member index")
		}
	}
	return seq, count, nil
}

// entryReader reads entries by sequence number within one snapshot,
// keeping the last block it decoded (reads in log order decode each block
// once).
type entryReader struct {
	txn *badger.Txn
	// back finds the block at or before a number, next the key after it.
	back, next *badger.Iterator
	// The cached block starts at first; it answers for [lo, hi): from the
	// number it was loaded for to its end or the next block's key, which
	// would take precedence.
	first, lo, hi uint64
	frames        [][]byte
}

func newEntryReader(txn *badger.Txn) *entryReader { return &entryReader{txn: txn} }

func (r *entryReader) close() {
	for _, it := range []*badger.Iterator{r.back, r.next} {
		if it != nil {
			it.Close()
		}
	}
}

// get returns entry seq, or an error wrapping badger.ErrKeyNotFound if no
// block holds it.
func (r *entryReader) get(seq uint64) (Entry, error) {
	var e Entry
	f, err := r.frame(seq)
	if err == nil {
		err = json.Unmarshal(f, &e)
	}
	if err != nil {
		return e, fmt.Errorf("audit entry %d: %w", seq, err)
	}
	return e, nil
}

// frame returns entry seq's encoding, loading its block if needed.
func (r *entryReader) frame(seq uint64) ([]byte, error) {
	if seq < r.lo || seq >= r.hi {
		if err := r.load(seq); err != nil {
			return nil, err
		}
	}
	return r.frames[seq-r.first], nil
}

func (r *entryReader) load(seq uint64) error {
	prefix := store.AuditEntries.Bytes()
	if r.back == nil {
		r.back = r.txn.NewIterator(badger.IteratorOptions{Prefix: prefix, Reverse: true})
		r.next = r.txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	}
	keySeq := func(key []byte) (uint64, error) {
		if len(key) != len(prefix)+8 {
			return 0, errors.New("corrupt audit entry key")
		}
		return binary.BigEndian.Uint64(key[len(prefix):]), nil
	}
	// The first key after seq bounds what an earlier block answers for.
	bound := ^uint64(0)
	if r.next.Seek(entryKey(seq + 1)); r.next.ValidForPrefix(prefix) {
		k, err := keySeq(r.next.Item().Key())
		if err != nil {
			return err
		}
		bound = k
	}
	for r.back.Seek(entryKey(seq)); r.back.ValidForPrefix(prefix); r.back.Next() {
		first, err := keySeq(r.back.Item().Key())
		if err != nil {
			return err
		}
		v, err := r.back.Item().ValueCopy(nil)
		if err != nil {
			return err
		}
		fs, err := frames(v)
		if err != nil {
			return fmt.Errorf("block %d: %w", first, err)
		}
		if seq-first < uint64(len(fs)) {
			r.first, r.lo, r.hi, r.frames = first, seq, min(first+uint64(len(fs)), bound), fs
			return nil
		}
	}
	return badger.ErrKeyNotFound
}

// memberIndex reads a member's runs within one snapshot.
type memberIndex struct {
	txn    *badger.Txn
	member string
}

// runStart returns the first position of the run at or before pos (pos
// itself if no run starts earlier).
func (m memberIndex) runStart(pos uint64) uint64 {
	prefix := memberPrefix(m.member)
	it := m.txn.NewIterator(badger.IteratorOptions{Prefix: prefix, Reverse: true})
	defer it.Close()
	it.Seek(memberKey(m.member, pos))
	if it.ValidForPrefix(prefix) && len(it.Item().Key()) == len(prefix)+8 {
		return binary.BigEndian.Uint64(it.Item().Key()[len(prefix):])
	}
	return pos
}

// seqAt returns the seq of the member's position pos, or found false if
// no run holds it.
func (m memberIndex) seqAt(pos uint64) (seq uint64, found bool, err error) {
	err = m.walk(pos, func(p, s uint64) (bool, error) {
		if p == pos {
			seq, found = s, true
		}
		return false, nil
	})
	return seq, found, err
}

// walk calls fn with each position from pos on and its seq, in order,
// while fn returns true.
func (m memberIndex) walk(pos uint64, fn func(pos, seq uint64) (bool, error)) error {
	prefix := memberPrefix(m.member)
	it := m.txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true})
	defer it.Close()
	for it.Seek(memberKey(m.member, m.runStart(pos))); it.ValidForPrefix(prefix); it.Next() {
		key := it.Item().Key()
		if len(key) != len(prefix)+8 {
			return errors.New("corrupt audit member index key")
		}
		start := binary.BigEndian.Uint64(key[len(prefix):])
		var seq, count uint64
		if err := it.Item().Value(func(v []byte) (err error) { seq, count, err = parseRun(v); return err }); err != nil {
			return err
		}
		for i := uint64(0); i < count; i++ {
			if start+i < pos {
				continue
			}
			more, err := fn(start+i, seq+i)
			if err != nil || !more {
				return err
			}
		}
	}
	return nil
}
