package badgerstate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/pb"
	"github.com/dgraph-io/ristretto/v2/z"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/chaincode/state"
)

// The status shadow (docs/decisions/0024-status-shadow.md).
//
// Subject records are most of the state: each default is kept whole with
// its signed attestation (about 1 KB), while a subject's status reads a
// few fields of each (contract.SlimSubjectValue). Walking the full records
// of a million subjects (pool statistics) or of ten thousand (a batch
// lookup) is mostly walking bytes nobody reads. So beside every state key
// of object type "subj" the store keeps a shadow key, 'v' and the same
// state key, holding the slim image of the value, and readers of status
// only (Reader.Shadow) scan those instead.
//
// Every state write goes through Write, which writes the shadow key in the
// same badger transaction or batch as the state key: a crash leaves both
// or neither. A store written before the shadow existed gets it when it is
// opened (EnsureShadow), and VerifyShadow checks that the shadow is the
// slim image of the state.

// shadowVersion is the version of the slim image the shadow holds: a store
// whose marker says another version (or none) is rebuilt on open.
const shadowVersion = 1

var (
	shadowMarkerKey = []byte{shadowMarker}
	// subjectPrefix is the composite-key prefix of every subject record.
	subjectPrefix = "\x00" + contract.SubjectObjectType + "\x00"
)

// ShadowKey is where the status shadow of state key k is stored.
func ShadowKey(k string) []byte { return append([]byte{shadowPrefix}, k...) }

// ShadowPrefix is the first byte of every status shadow key.
var ShadowPrefix = []byte{shadowPrefix}

// Writer is where state writes go: a badger transaction or write batch.
type Writer interface {
	Set(key, value []byte) error
	Delete(key []byte) error
}

// Write writes state key k's value v to w (deletes it if del), and the
// key's status shadow with it. Every state write of a ledger store goes
// through here.
func Write(w Writer, k string, v []byte, del bool) error {
	if del {
		if err := w.Delete(Key(k)); err != nil {
			return err
		}
		if Shadowed(k) {
			return w.Delete(ShadowKey(k))
		}
		return nil
	}
	if err := w.Set(Key(k), v); err != nil {
		return err
	}
	if Shadowed(k) {
		return w.Set(ShadowKey(k), SlimValue(k, v))
	}
	return nil
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
// many keys are written, without the marker, as a crash would.
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
	var done atomic.Int64
	// stopped: Orchestrate may report a stop as its context's cancellation.
	var stopped atomic.Bool
	last := time.Now()
	s := db.NewStream()
	s.Prefix = Key(subjectPrefix)
	s.LogPrefix = "status shadow"
	s.KeyToList = func(key []byte, itr *badger.Iterator) (*pb.KVList, error) {
		item := itr.Item()
		if item.IsDeletedOrExpired() {
			return nil, nil
		}
		v, err := item.ValueCopy(nil)
		if err != nil {
			return nil, err
		}
		k := string(key[1:])
		return &pb.KVList{Kv: []*pb.KV{{Key: ShadowKey(k), Value: SlimValue(k, v)}}}, nil
	}
	s.Send = func(buf *z.Buffer) error {
		list, err := badger.BufferToKVList(buf)
		if err != nil {
			return err
		}
		for _, kv := range list.Kv {
			if stopAfter >= 0 && done.Load() >= stopAfter {
				if err := wb.Flush(); err != nil {
					return err
				}
				stopped.Store(true)
				return errBuildStopped
			}
			if err := wb.Set(kv.Key, kv.Value); err != nil {
				return err
			}
			done.Add(1)
		}
		if time.Since(last) >= 10*time.Second {
			last = time.Now()
			log.Info("building the status shadow", "keys", done.Load(), "elapsed", time.Since(start).Round(time.Second).String())
		}
		return nil
	}
	if err := s.Orchestrate(context.Background()); err != nil {
		if stopped.Load() {
			return errBuildStopped
		}
		return fmt.Errorf("status shadow: build: %w", err)
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
	log.Info("built the status shadow of the ledger store", "keys", done.Load(), "elapsed", time.Since(start).Round(time.Millisecond).String())
	return nil
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
// exactly the slim image of every subject record of the state: no key
// missing, none extra, no value other than SlimValue of the state's.
func VerifyShadow(txn *badger.Txn) error {
	sp, hp := Key(subjectPrefix), ShadowKey(subjectPrefix)
	si := txn.NewIterator(badger.IteratorOptions{Prefix: sp, PrefetchValues: false})
	defer si.Close()
	hi := txn.NewIterator(badger.IteratorOptions{Prefix: ShadowPrefix, PrefetchValues: false})
	defer hi.Close()
	si.Seek(sp)
	hi.Seek(ShadowPrefix)
	var n int64
	for {
		sOK, hOK := si.ValidForPrefix(sp), hi.ValidForPrefix(ShadowPrefix)
		if !sOK && !hOK {
			return nil
		}
		if !hOK {
			return fmt.Errorf("%w: no shadow of state key %q", ErrShadowMismatch, si.Item().Key()[1:])
		}
		hk := hi.Item().Key()
		if !bytes.HasPrefix(hk, hp) {
			return fmt.Errorf("%w: shadow key %q is not a subject record's", ErrShadowMismatch, hk[1:])
		}
		if !sOK {
			return fmt.Errorf("%w: shadow key %q has no state key", ErrShadowMismatch, hk[1:])
		}
		sk := si.Item().Key()
		switch c := bytes.Compare(sk[1:], hk[1:]); {
		case c < 0:
			return fmt.Errorf("%w: no shadow of state key %q", ErrShadowMismatch, sk[1:])
		case c > 0:
			return fmt.Errorf("%w: shadow key %q has no state key", ErrShadowMismatch, hk[1:])
		}
		k := string(sk[1:])
		v, err := si.Item().ValueCopy(nil)
		if err != nil {
			return err
		}
		want := SlimValue(k, v)
		if err := hi.Item().Value(func(got []byte) error {
			if !bytes.Equal(got, want) {
				return fmt.Errorf("%w: shadow of %q holds %.80q, want %.80q", ErrShadowMismatch, k, got, want)
			}
			return nil
		}); err != nil {
			return err
		}
		n++
		si.Next()
		hi.Next()
	}
}
