package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// Get reads key in txn and hands its value to decode, which must not keep
// the slice (see Copy). found is false, with a nil error, when there is no
// such key: absence is an answer, not a failure. A nil decode only asks
// whether the key exists. A decoding error names the key.
func Get(txn *badger.Txn, key []byte, decode func(v []byte) error) (found bool, err error) {
	item, err := txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if decode == nil {
		return true, nil
	}
	if err := item.Value(decode); err != nil {
		return true, fmt.Errorf("store: value of %q: %w", key, err)
	}
	return true, nil
}

// Has reports whether key exists in txn.
func Has(txn *badger.Txn, key []byte) (bool, error) { return Get(txn, key, nil) }

// View is Get in a read transaction of its own.
func View(db *badger.DB, key []byte, decode func(v []byte) error) (found bool, err error) {
	err = db.View(func(txn *badger.Txn) error {
		found, err = Get(txn, key, decode)
		return err
	})
	return found, err
}

// JSON decodes a value as JSON into v.
func JSON(v any) func([]byte) error {
	return func(b []byte) error { return json.Unmarshal(b, v) }
}

// Copy keeps a copy of the value in *dst.
func Copy(dst *[]byte) func([]byte) error {
	return func(b []byte) error {
		*dst = bytes.Clone(b)
		return nil
	}
}

// Uint64 decodes a counter or position stored by Uint64Bytes into *n.
func Uint64(n *uint64) func([]byte) error {
	return func(b []byte) error {
		if len(b) != 8 {
			return fmt.Errorf("corrupt: %d bytes where a big-endian uint64 takes 8", len(b))
		}
		*n = binary.BigEndian.Uint64(b)
		return nil
	}
}

// Uint64Bytes encodes n as Uint64 decodes it: 8 bytes, big-endian, so
// that keys ending in it sort by number.
func Uint64Bytes(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

// ErrStop, returned by a scan's callback, ends the scan without error.
var ErrStop = errors.New("store: stop the scan")

// Scan calls fn with each key under prefix in key order, from the first
// key at or after start (nil: the first under prefix), with the key less
// the prefix and the value. Neither slice may be kept after fn returns.
func Scan(txn *badger.Txn, prefix, start []byte, fn func(rest, value []byte) error) error {
	return scan(txn, prefix, start, true, func(rest []byte, item *badger.Item) error {
		return item.Value(func(v []byte) error { return fn(rest, v) })
	})
}

// ScanKeys is Scan for keys alone: values are not read.
func ScanKeys(txn *badger.Txn, prefix, start []byte, fn func(rest []byte) error) error {
	return scan(txn, prefix, start, false, func(rest []byte, _ *badger.Item) error { return fn(rest) })
}

// ScanJSON is Scan with each value decoded as JSON into a T.
func ScanJSON[T any](txn *badger.Txn, prefix, start []byte, fn func(rest []byte, v T) error) error {
	return Scan(txn, prefix, start, func(rest, value []byte) error {
		var v T
		if err := json.Unmarshal(value, &v); err != nil {
			return fmt.Errorf("store: value of %q: %w", append(prefix[:len(prefix):len(prefix)], rest...), err)
		}
		return fn(rest, v)
	})
}

// Page reads up to limit values (JSON, as T) under prefix in key order
// from the first key at or after start (nil: the first), in a read
// transaction of its own; more reports whether values follow, so that a
// list answers with the key to continue from. The slice is never nil: an
// empty page is an empty list.
func Page[T any](db *badger.DB, prefix, start []byte, limit int) (page []T, more bool, err error) {
	page = []T{}
	err = db.View(func(txn *badger.Txn) error {
		return ScanJSON(txn, prefix, start, func(_ []byte, v T) error {
			if len(page) >= limit {
				more = true
				return ErrStop
			}
			page = append(page, v)
			return nil
		})
	})
	return page, more, err
}

func scan(txn *badger.Txn, prefix, start []byte, values bool, fn func(rest []byte, item *badger.Item) error) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: values})
	defer it.Close()
	if start == nil {
		start = prefix
	}
	for it.Seek(start); it.ValidForPrefix(prefix); it.Next() {
		item := it.Item()
		if err := fn(item.Key()[len(prefix):], item); err != nil {
			if errors.Is(err, ErrStop) {
				return nil
			}
			return err
		}
	}
	return nil
}
