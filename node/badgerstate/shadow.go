package badgerstate

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/chaincode/state"
)

// The status shadow (docs/decisions/0024-status-shadow.md, and 0028 for
// its layout).
//
// Subject records are most of the state: each default is kept whole with
// its signed attestation (about 1 KB), while a subject's status reads a
// few fields of each (contract.SlimSubjectValue). Walking the full records
// of a million subjects (pool statistics) or of ten thousand (a batch
// lookup) is mostly walking bytes nobody reads. So beside the state keys
// of object type "subj" the store keeps, for each subject, one shadow key,
// 'v' and the subject's composite-key prefix ("\x00subj\x00<subject>\x00"),
// whose value holds the slim image of every record of the subject with the
// rest of its state key, in key order (see encodeRecords). A subject's
// status is then one point read (bloom filters, usually one block) instead
// of a prefix scan (a seek in every level of the tree).
//
// Every state write goes through Write, which rewrites the subject's
// shadow value in the same badger transaction as the state key: a crash
// leaves both or neither. A store written before the shadow, or with an
// older layout, gets it when it is opened (EnsureShadow), and VerifyShadow
// checks that the shadow is the slim image of the state.

// shadowVersion is the version of the shadow's layout and slim image: a
// store whose marker says another version (or none) is rebuilt on open.
// Version 1 kept one shadow key per record; 2 keeps one per subject.
const shadowVersion = 2

// recordsVersion is the first byte of a subject's shadow value.
const recordsVersion = 1

var (
	shadowMarkerKey = []byte{shadowMarker}
	// subjectPrefix is the composite-key prefix of every subject record.
	subjectPrefix = "\x00" + contract.SubjectObjectType + "\x00"
)

// ShadowPrefix is the first byte of every status shadow key.
var ShadowPrefix = []byte{shadowPrefix}

// SubjectShadowKey is where the status shadow of the subject whose
// records' state keys start with subject (SubjectOf) is stored.
func SubjectShadowKey(subject string) []byte { return append([]byte{shadowPrefix}, subject...) }

// SubjectOf returns the composite-key prefix of the subject whose record
// k is ("\x00subj\x00<subject>\x00"), ok false when k is not a subject
// record's key (Shadowed).
func SubjectOf(k string) (subject string, ok bool) {
	if !Shadowed(k) {
		return "", false
	}
	i := strings.IndexByte(k[len(subjectPrefix):], 0)
	if i < 0 {
		return "", false
	}
	return k[:len(subjectPrefix)+i+1], true
}

// Writer is where state writes go: a badger transaction, or a bulk
// writer of sorted streams (ShadowStreamer).
type Writer interface {
	Set(key, value []byte) error
	Delete(key []byte) error
}

// Getter reads what a Writer has written so far and the store holds: a
// badger transaction (*badger.Txn reads its own pending writes).
type Getter interface {
	Get(key []byte) (*badger.Item, error)
}

// ShadowStreamer is a Writer that cannot read back (cmd/blgen's bulk
// loader): Write hands it each subject record's slim image, and it builds
// each subject's shadow value with a ShadowBuilder once its keys are
// sorted.
type ShadowStreamer interface {
	Writer
	SetShadowRecord(k string, slim []byte) error
}

// Write writes state key k's value v to w (deletes it if del), and the
// key's status shadow with it. Every state write of a ledger store goes
// through here. For a subject record, w must be a Getter (the subject's
// shadow value is read, changed and written back, so several writes of
// one subject in one transaction compose) or a ShadowStreamer.
func Write(w Writer, k string, v []byte, del bool) error {
	if del {
		if err := w.Delete(Key(k)); err != nil {
			return err
		}
	} else if err := w.Set(Key(k), v); err != nil {
		return err
	}
	subject, ok := SubjectOf(k)
	if !ok {
		return nil
	}
	var slim []byte
	if !del {
		slim = SlimValue(k, v)
	}
	if s, ok := w.(ShadowStreamer); ok {
		if del {
			return errors.New("status shadow: a bulk writer takes no deletes")
		}
		return s.SetShadowRecord(k, slim)
	}
	g, ok := w.(Getter)
	if !ok {
		return fmt.Errorf("status shadow: %T can neither read nor stream", w)
	}
	sk := SubjectShadowKey(subject)
	var cur []byte
	item, err := g.Get(sk)
	switch {
	case errors.Is(err, badger.ErrKeyNotFound):
	case err != nil:
		return err
	default:
		if cur, err = item.ValueCopy(nil); err != nil {
			return err
		}
	}
	next, err := replaceRecord(cur, k[len(subject):], slim, del)
	if err != nil {
		return fmt.Errorf("status shadow of %q: %w", subject, err)
	}
	if next == nil {
		if cur == nil {
			return nil
		}
		return w.Delete(sk)
	}
	return w.Set(sk, next)
}

// ShadowSize is an upper bound of the bytes Write adds to a transaction
// for the shadow of a write of k with v, where the subject's shadow value
// now holds cur bytes.
func ShadowSize(k string, v []byte, cur int) int {
	if !Shadowed(k) {
		return 0
	}
	return 1 + len(k) + cur + len(k) + len(v) + 2*binary.MaxVarintLen64 + 32
}

// ShadowValueSize is the size of the shadow value of the subject of
// record k as g sees it (0 for none or for a key that is no record).
func ShadowValueSize(g Getter, k string) (int, error) {
	subject, ok := SubjectOf(k)
	if !ok {
		return 0, nil
	}
	item, err := g.Get(SubjectShadowKey(subject))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return int(item.ValueSize()), nil
}

// Shadowed reports whether state key k has a status shadow: the keys of
// object type "subj".
func Shadowed(k string) bool {
	return len(k) > len(subjectPrefix) && k[:len(subjectPrefix)] == subjectPrefix
}

// SlimValue is the shadow's value for state key k of object type "subj"
// holding v: the contract's slim image of it, or v itself where there is
// none (a key or value the contract would not read: a status-only read of
// the shadow then fails on it as on the state).
func SlimValue(k string, v []byte) []byte {
	_, attrs, err := state.SplitCompositeKey(k)
	if err != nil || len(attrs) != 3 {
		return v
	}
	s, err := contract.SlimSubjectValue(attrs[1], v)
	if err != nil {
		return v
	}
	return s
}

// A subject's shadow value is recordsVersion, then for each record of the
// subject in key order: the rest of its state key after the subject's
// prefix and its slim value, each as a uvarint length and the bytes.

var errBadRecords = errors.New("malformed shadow value")

// decodeRecords calls fn with each record of shadow value v, in order;
// fn's slices are v's. fn may return state.ErrStop.
func decodeRecords(v []byte, fn func(rest, slim []byte) error) error {
	if len(v) < 1 || v[0] != recordsVersion {
		return errBadRecords
	}
	v = v[1:]
	if len(v) == 0 {
		return errBadRecords // an empty subject has no shadow key
	}
	var prev []byte
	for len(v) > 0 {
		kl, n := binary.Uvarint(v)
		if n <= 0 || uint64(len(v)-n) < kl {
			return errBadRecords
		}
		rest := v[n : n+int(kl) : n+int(kl)]
		v = v[n+int(kl):]
		vl, n := binary.Uvarint(v)
		if n <= 0 || uint64(len(v)-n) < vl {
			return errBadRecords
		}
		slim := v[n : n+int(vl) : n+int(vl)]
		v = v[n+int(vl):]
		if len(rest) == 0 || (prev != nil && bytes.Compare(prev, rest) >= 0) {
			return errBadRecords
		}
		prev = rest
		if err := fn(rest, slim); err != nil {
			return err
		}
	}
	return nil
}

// appendRecord appends one record to a shadow value.
func appendRecord(dst []byte, rest string, slim []byte) []byte {
	if len(dst) == 0 {
		dst = append(dst, recordsVersion)
	}
	dst = binary.AppendUvarint(dst, uint64(len(rest)))
	dst = append(dst, rest...)
	dst = binary.AppendUvarint(dst, uint64(len(slim)))
	return append(dst, slim...)
}

// replaceRecord returns shadow value cur (nil for none) with the record
// whose key rest is rest set to slim, or removed if del; nil when no
// record is left.
func replaceRecord(cur []byte, rest string, slim []byte, del bool) ([]byte, error) {
	out := make([]byte, 0, len(cur)+len(rest)+len(slim)+2*binary.MaxVarintLen64+1)
	placed := del
	if cur != nil {
		err := decodeRecords(cur, func(r, s []byte) error {
			switch c := strings.Compare(string(r), rest); {
			case c == 0:
				if !placed {
					out = appendRecord(out, rest, slim)
					placed = true
				}
				return nil
			case c > 0 && !placed:
				out = appendRecord(out, rest, slim)
				placed = true
			}
			out = appendRecord(out, string(r), s)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if !placed {
		out = appendRecord(out, rest, slim)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// ShadowBuilder builds subjects' shadow values from their records given
// in state-key order (a sorted stream: cmd/blgen's bulk load, the build of
// EnsureShadow), emitting each subject's key and value once the next
// subject's record (or Flush) shows it complete.
type ShadowBuilder struct {
	emit    func(key, value []byte) error
	subject string
	value   []byte
}

// NewShadowBuilder returns a builder handing each subject's shadow key
// and value to emit (which may keep both).
func NewShadowBuilder(emit func(key, value []byte) error) *ShadowBuilder {
	return &ShadowBuilder{emit: emit}
}

// Add adds the record of state key k with slim value slim; k must follow
// the previous key added. A key that is no subject record is an error.
func (b *ShadowBuilder) Add(k string, slim []byte) error {
	subject, ok := SubjectOf(k)
	if !ok {
		return fmt.Errorf("status shadow: %q is not a subject record", k)
	}
	if subject != b.subject {
		if err := b.Flush(); err != nil {
			return err
		}
		b.subject = subject
	}
	b.value = appendRecord(b.value, k[len(subject):], slim)
	return nil
}

// Flush emits the subject in progress.
func (b *ShadowBuilder) Flush() error {
	if len(b.value) == 0 {
		return nil
	}
	k, v := SubjectShadowKey(b.subject), b.value
	b.subject, b.value = "", nil
	return b.emit(k, v)
}

// ShadowState reports the shadow's version marker: ok when the store's
// shadow is complete and of the current version.
func ShadowState(db *badger.DB) (ok bool, err error) {
	err = db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(shadowMarkerKey)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return item.Value(func(v []byte) error {
			ok = string(v) == strconv.Itoa(shadowVersion)
			return nil
		})
	})
	return ok, err
}

// EnsureShadow gives db a complete status shadow of the current version,
// building it from the state if its marker says it has none (a store
// written before the shadow, or a build cut short) or an older one. It
// must run before anything writes to db. The marker is written last, so a
// crash during the build leaves no marker and the next open builds again.
func EnsureShadow(db *badger.DB, log *slog.Logger) error {
	return ensureShadow(db, log, -1)
}

// errBuildStopped ends a build cut short on purpose (tests of recovery).
var errBuildStopped = errors.New("shadow build stopped")

// ensureShadow is EnsureShadow; stopAfter >= 0 stops the build once that
// many subjects are written, without the marker, as a crash would.
func ensureShadow(db *badger.DB, log *slog.Logger, stopAfter int64) error {
	ok, err := ShadowState(db)
	if err != nil || ok {
		return err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	hasState, hasShadow, err := holds(db)
	if err != nil {
		return err
	}
	if !hasState && !hasShadow {
		// A new store: nothing to shadow.
		return db.Update(func(txn *badger.Txn) error {
			return txn.Set(shadowMarkerKey, []byte(strconv.Itoa(shadowVersion)))
		})
	}
	start := time.Now()
	log.Info("building the status shadow of the ledger store", "reason", "absent, incomplete or of an older version")
	// A build cut short left some of the shadow: start from none.
	if hasShadow {
		if err := db.DropPrefix(ShadowPrefix); err != nil {
			return fmt.Errorf("status shadow: drop the old one: %w", err)
		}
	}
	wb := db.NewWriteBatch()
	defer wb.Cancel()
	var done, records atomic.Int64
	var mu sync.Mutex
	last := time.Now()
	progress := func() {
		mu.Lock()
		defer mu.Unlock()
		if time.Since(last) >= 10*time.Second {
			last = time.Now()
			log.Info("building the status shadow", "subjects", done.Load(), "records", records.Load(), "elapsed", time.Since(start).Round(time.Second).String())
		}
	}
	// The subject records are cut into ranges at subject boundaries
	// (shadowRanges), which goroutines take in turn, each building the
	// values of its subjects as it walks their records in order.
	ranges := shadowRanges(db)
	var next atomic.Int64
	var stopped atomic.Bool
	errs := make([]error, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for w := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[w] = db.View(func(txn *badger.Txn) error {
				b := NewShadowBuilder(func(key, value []byte) error {
					if n := done.Add(1); stopAfter >= 0 && n > stopAfter {
						done.Add(-1)
						stopped.Store(true)
						return errBuildStopped
					}
					if err := wb.Set(key, value); err != nil {
						return err
					}
					progress()
					return nil
				})
				it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: false})
				defer it.Close()
				for {
					i := int(next.Add(1) - 1)
					if i >= len(ranges)-1 || stopped.Load() {
						return nil
					}
					lo, hi := ranges[i], ranges[i+1]
					for it.Seek(lo); it.Valid() && bytes.Compare(it.Item().Key(), hi) < 0; it.Next() {
						item := it.Item()
						k := string(item.Key()[1:])
						if err := item.Value(func(v []byte) error { return b.Add(k, SlimValue(k, v)) }); err != nil {
							return err
						}
						records.Add(1)
					}
					if err := b.Flush(); err != nil {
						return err
					}
				}
			})
		}()
	}
	wg.Wait()
	if stopped.Load() {
		if err := wb.Flush(); err != nil {
			return err
		}
		return errBuildStopped
	}
	for _, err := range errs {
		if err != nil {
			return fmt.Errorf("status shadow: build: %w", err)
		}
	}
	if err := wb.Flush(); err != nil {
		return fmt.Errorf("status shadow: build: %w", err)
	}
	// The marker last, durably: only a complete shadow is marked.
	if err := db.Update(func(txn *badger.Txn) error {
		return txn.Set(shadowMarkerKey, []byte(strconv.Itoa(shadowVersion)))
	}); err != nil {
		return fmt.Errorf("status shadow: mark: %w", err)
	}
	if err := db.Sync(); err != nil {
		return err
	}
	log.Info("built the status shadow of the ledger store", "subjects", done.Load(), "records", records.Load(), "elapsed", time.Since(start).Round(time.Millisecond).String())
	return nil
}

// shadowRanges cuts the state's subject records into ranges of whole
// subjects: the bounds, first the prefix of all and last its end, between
// them the subjects that start tables (badger's own split of the key
// space), so that the ranges are about equally large.
func shadowRanges(db *badger.DB) [][]byte {
	lo := Key(subjectPrefix)
	hi := append(Key(subjectPrefix[:len(subjectPrefix)-1]), subjectPrefix[len(subjectPrefix)-1]+1)
	bounds := [][]byte{lo}
	for _, t := range db.Tables() {
		if len(t.Left) < 8 {
			continue
		}
		k := t.Left[:len(t.Left)-8] // without badger's version
		if len(k) < 1 || k[0] != statePrefix {
			continue
		}
		if subject, ok := SubjectOf(string(k[1:])); ok {
			bounds = append(bounds, Key(subject))
		}
	}
	bounds = append(bounds, hi)
	slices.SortFunc(bounds, bytes.Compare)
	return slices.CompactFunc(bounds, bytes.Equal)
}

// holds reports whether db holds subject records and shadow keys.
func holds(db *badger.DB) (state, shadow bool, err error) {
	err = db.View(func(txn *badger.Txn) error {
		for _, p := range [][]byte{Key(subjectPrefix), ShadowPrefix} {
			it := txn.NewIterator(badger.IteratorOptions{Prefix: p})
			it.Seek(p)
			found := it.ValidForPrefix(p)
			it.Close()
			if bytes.Equal(p, ShadowPrefix) {
				shadow = found
			} else {
				state = found
			}
		}
		return nil
	})
	return state, shadow, err
}

// ErrShadowMismatch is what VerifyShadow finds when the shadow is not
// the slim image of the state.
var ErrShadowMismatch = errors.New("status shadow differs from the state")

// VerifyShadow checks, in one snapshot, that the status shadow holds
// exactly the slim image of every subject record of the state: one key
// per subject that has records and no other, each value well formed and
// holding each of the subject's records (no record missing, none extra)
// with SlimValue of the state's value, in key order.
func VerifyShadow(txn *badger.Txn) error {
	sp := Key(subjectPrefix)
	si := txn.NewIterator(badger.IteratorOptions{Prefix: sp, PrefetchValues: false})
	defer si.Close()
	hi := txn.NewIterator(badger.IteratorOptions{Prefix: ShadowPrefix, PrefetchValues: false})
	defer hi.Close()
	si.Seek(sp)
	// stateKey is the state key where si stands ("" past the end).
	stateKey := func() string {
		if !si.ValidForPrefix(sp) {
			return ""
		}
		return string(si.Item().Key()[1:])
	}
	for hi.Seek(ShadowPrefix); hi.ValidForPrefix(ShadowPrefix); hi.Next() {
		hk := string(hi.Item().Key()[1:])
		subject, ok := SubjectOf(hk)
		if !ok || subject != hk {
			return fmt.Errorf("%w: shadow key %q is not a subject's", ErrShadowMismatch, hk)
		}
		// State records of subjects before this one have no shadow.
		if k := stateKey(); k != "" && k < subject {
			return fmt.Errorf("%w: no shadow of state key %q", ErrShadowMismatch, k)
		}
		err := hi.Item().Value(func(val []byte) error {
			err := decodeRecords(val, func(rest, got []byte) error {
				want := subject + string(rest)
				k := stateKey()
				switch {
				case k == "" || k > want:
					return fmt.Errorf("%w: shadow record %q has no state key", ErrShadowMismatch, want)
				case k < want:
					return fmt.Errorf("%w: no shadow of state key %q", ErrShadowMismatch, k)
				}
				v, err := si.Item().ValueCopy(nil)
				if err != nil {
					return err
				}
				if w := SlimValue(k, v); !bytes.Equal(got, w) {
					return fmt.Errorf("%w: shadow of %q holds %.80q, want %.80q", ErrShadowMismatch, k, got, w)
				}
				si.Next()
				return nil
			})
			if errors.Is(err, errBadRecords) {
				return fmt.Errorf("%w: shadow of subject %q: %v", ErrShadowMismatch, subject, err)
			}
			return err
		})
		if err != nil {
			return err
		}
		if k := stateKey(); strings.HasPrefix(k, subject) {
			return fmt.Errorf("%w: no shadow of state key %q", ErrShadowMismatch, k)
		}
	}
	if k := stateKey(); k != "" {
		return fmt.Errorf("%w: no shadow of state key %q", ErrShadowMismatch, k)
	}
	return nil
}
