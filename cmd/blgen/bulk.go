package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/pb"
	"github.com/dgraph-io/ristretto/v2/z"

	"github.com/assoc-ledger/blacklist/node/badgerstate"
)

// The store is bulk-loaded with badger's StreamWriter, which writes sorted
// tables straight into the bottom level of the LSM tree: no memtable, no
// write-ahead log, no compaction, and a store in the shape a long-running
// node's settles into. Through write batches instead, badger's single
// memtable writer capped generation near 30,000 attestations/s and the
// store then needed a full compaction (profiled at 1,000,000: 100 s
// against the figures in docs/benchmarks.md).
//
// StreamWriter needs each stream's keys in order and streams over
// disjoint key ranges, while the keys of generated records (content hashes)
// come in random order. So this is an external sort: generation appends
// every write to a spill file of its key range (partition), and each
// partition is then read, sorted in memory and written as one stream.
// Partitions split the generated key spaces (att/, loan/<reporter>/,
// subj/) by the leading hex digits of their first hashed attribute, so
// they are about equally large and each fits in memory; keys outside those
// spaces (the demo consortium's) fall into the partitions between.

// partitions maps keys to contiguous, disjoint key ranges.
type partitions struct {
	bounds []string // sorted; partition i holds keys in [bounds[i-1], bounds[i])
}

// newPartitions splits for n attestations from reporters: hex digits
// enough that a partition of att/ (the largest values, about 1 KB per
// attestation) stays near 64 MB.
func newPartitions(n int, reporters []string) *partitions {
	digits := 1
	for per := n / 16; per > 64_000 && digits < 3; per /= 16 {
		digits++
	}
	prefixes := func(digits int) []string {
		out := []string{""}
		for d := 0; d < digits; d++ {
			var next []string
			for _, p := range out {
				for _, c := range "0123456789abcdef" {
					next = append(next, p+string(c))
				}
			}
			out = next
		}
		return out
	}
	key := func(objectType string, attrs ...string) string {
		return "s" + "\x00" + objectType + "\x00" + strings.Join(attrs, "\x00")
	}
	var bounds []string
	for _, h := range prefixes(digits) {
		bounds = append(bounds, key("att", h))
	}
	// Loan keys are small (about 130 bytes): fewer, larger partitions.
	for _, r := range reporters {
		for _, h := range prefixes(max(1, digits-1)) {
			bounds = append(bounds, key("loan", r, h))
		}
	}
	for _, h := range prefixes(digits) {
		bounds = append(bounds, key("subj", h))
		// The status shadow of the subject records (badgerstate.Write):
		// each record's slim value spilled under the shadow's prefix and
		// its state key, so that a subject's records sort together and
		// become the subject's one shadow value as they are streamed.
		bounds = append(bounds, string(badgerstate.ShadowPrefix)+key("subj", h)[1:])
	}
	slices.Sort(bounds)
	return &partitions{bounds: bounds}
}

func (p *partitions) count() int { return len(p.bounds) + 1 }

func (p *partitions) of(key []byte) int {
	return sort.Search(len(p.bounds), func(i int) bool { return p.bounds[i] > string(key) })
}

// spill appends writes to one file per partition.
type spill struct {
	dir   string
	parts *partitions
	mu    []sync.Mutex
	files []*os.File
	bufs  []*bufio.Writer
}

func newSpill(dir string, parts *partitions) (*spill, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	s := &spill{dir: dir, parts: parts, mu: make([]sync.Mutex, parts.count()),
		files: make([]*os.File, parts.count()), bufs: make([]*bufio.Writer, parts.count())}
	for i := range s.files {
		f, err := os.Create(s.path(i))
		if err != nil {
			s.close()
			return nil, err
		}
		s.files[i], s.bufs[i] = f, bufio.NewWriterSize(f, 64<<10)
	}
	return s, nil
}

func (s *spill) path(i int) string { return filepath.Join(s.dir, fmt.Sprintf("p%05d", i)) }

// put appends one entry: key length, value length (uvarints), key, value.
func (s *spill) put(key, value []byte) error {
	i := s.parts.of(key)
	var hdr [2 * binary.MaxVarintLen64]byte
	n := binary.PutUvarint(hdr[:], uint64(len(key)))
	n += binary.PutUvarint(hdr[n:], uint64(len(value)))
	s.mu[i].Lock()
	defer s.mu[i].Unlock()
	w := s.bufs[i]
	w.Write(hdr[:n])
	w.Write(key)
	_, err := w.Write(value)
	return err
}

// Set is put, so that the generated state goes through
// badgerstate.Write as every ledger store's writes do.
func (s *spill) Set(key, value []byte) error { return s.put(key, value) }

// SetShadowRecord spills a subject record's slim value under the shadow's
// prefix and its state key (badgerstate.ShadowStreamer): the records of a
// subject sort together, and streamPartition joins them into the
// subject's shadow value.
func (s *spill) SetShadowRecord(k string, slim []byte) error {
	return s.put(append(slices.Clip(badgerstate.ShadowPrefix), k...), slim)
}

// Delete is refused: generation only adds keys.
func (s *spill) Delete([]byte) error { return errors.New("blgen: the spill takes no deletes") }

// finish flushes and closes every file.
func (s *spill) finish() error {
	var first error
	for i, w := range s.bufs {
		if err := w.Flush(); err != nil && first == nil {
			first = err
		}
		if err := s.files[i].Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func (s *spill) close() {
	for _, f := range s.files {
		if f != nil {
			f.Close()
		}
	}
}

// spillExisting copies what the store already holds (the demo consortium,
// the transaction log and head) into the spill: StreamWriter starts by
// dropping everything.
func spillExisting(db *badger.DB, s *spill) error {
	return db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			k := it.Item().KeyCopy(nil)
			if k[0] == badgerstate.ShadowPrefix[0] {
				continue // spilled again with the state keys below
			}
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			if k[0] == badgerstate.Prefix[0] {
				err = badgerstate.Write(s, string(k[1:]), v, false)
			} else {
				err = s.put(k, v)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// streamPartitions sorts each spilled partition and writes it as its own
// stream, workers partitions at a time, then removes the spill.
func streamPartitions(db *badger.DB, s *spill, workers int, progress func(done, total int)) error {
	sw := db.NewStreamWriter()
	if err := sw.Prepare(); err != nil {
		sw.Cancel()
		return err
	}
	var next, done atomic.Int64
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		go func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= s.parts.count() {
					errs <- nil
					return
				}
				if err := streamPartition(sw, s.path(i), uint32(i+1)); err != nil {
					errs <- fmt.Errorf("partition %d: %w", i, err)
					return
				}
				// The stream is done with its file: removing it now keeps the
				// disk in use near the spill's size, not spill plus store.
				if err := os.Remove(s.path(i)); err != nil {
					errs <- err
					return
				}
				progress(int(done.Add(1)), s.parts.count())
			}
		}()
	}
	var first error
	for w := 0; w < workers; w++ {
		if err := <-errs; err != nil && first == nil {
			first = err
			next.Store(int64(s.parts.count())) // the others stop after their current partition
		}
	}
	if first != nil {
		sw.Cancel()
		return first
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return os.RemoveAll(s.dir)
}

type kv struct{ key, value []byte }

func streamPartition(sw *badger.StreamWriter, path string, stream uint32) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var kvs []kv
	for rest := data; len(rest) > 0; {
		kl, n1 := binary.Uvarint(rest)
		vl, n2 := binary.Uvarint(rest[n1:])
		if n1 <= 0 || n2 <= 0 || uint64(len(rest)) < uint64(n1+n2)+kl+vl {
			return fmt.Errorf("%s: truncated entry", path)
		}
		rest = rest[n1+n2:]
		kvs = append(kvs, kv{rest[:kl], rest[kl : kl+vl]})
		rest = rest[kl+vl:]
	}
	slices.SortFunc(kvs, func(a, b kv) int { return bytes.Compare(a.key, b.key) })
	buf := z.NewBuffer(16<<20, "blgen")
	defer buf.Release()
	emit := func(key, value []byte) error {
		badger.KVToBuffer(&pb.KV{Key: key, Value: value, Version: 1, StreamId: stream}, buf)
		if buf.LenNoPadding() >= 8<<20 {
			if err := sw.Write(buf); err != nil {
				return err
			}
			buf.Reset()
		}
		return nil
	}
	// The spilled shadow records ('v' and a subject record's state key)
	// become one shadow value per subject as they stream by, in order.
	shadow := badgerstate.NewShadowBuilder(emit)
	recordPrefix := badgerstate.SubjectShadowKey("\x00subj\x00")
	for i, e := range kvs {
		if i > 0 && bytes.Equal(e.key, kvs[i-1].key) {
			return fmt.Errorf("key %q written twice", e.key)
		}
		var err error
		if bytes.HasPrefix(e.key, recordPrefix) {
			err = shadow.Add(string(e.key[1:]), e.value)
		} else if err = shadow.Flush(); err == nil {
			err = emit(e.key, e.value)
		}
		if err != nil {
			return err
		}
	}
	if err := shadow.Flush(); err != nil {
		return err
	}
	// Closing the stream finishes its last table now rather than at Flush,
	// so only the partitions in progress hold table builders.
	badger.KVToBuffer(&pb.KV{StreamId: stream, StreamDone: true}, buf)
	return sw.Write(buf)
}
