package state

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"strings"
	"time"
	"unicode/utf8"
)

// State is one transaction's view of the ledger.
type State interface {
	// Get returns the committed value of key, or nil when it is absent.
	Get(key string) ([]byte, error)
	Put(key string, value []byte) error
	Delete(key string) error
	// Scan calls fn for every key that starts with the composite-key prefix
	// of objectType and attrs, in ascending key order. fn returns ErrStop to
	// end the scan early; Scan then returns nil.
	Scan(objectType string, attrs []string, fn func(key string, value []byte) error) error
	// Creator is the MSP ID of the identity that submitted the transaction.
	Creator() (string, error)
	TxID() string
	// TxTime is the transaction's timestamp. The rules use it instead of the
	// wall clock so that every endorser computes the same result.
	TxTime() time.Time
	// SetEvent attaches the transaction's single event (Fabric keeps only
	// the last one set).
	SetEvent(name string, payload []byte) error
}

// ErrStop ends a Scan early without error.
var ErrStop = errors.New("stop scan")

// A Lender is a State that can scan without copying each value: fn's
// value is lent, valid only during the call, so fn must copy what it keeps
// (decoding it into a struct does). Reads of many subjects (the node's
// pool statistics) scan millions of records and keep a few fields of
// each; a State that stores values in memory it owns (a read-only badger
// snapshot) hands them over in place. Scan's values are the caller's to
// keep, so callers that can hold to the rule ask for it with ScanLent.
type Lender interface {
	ScanLent(objectType string, attrs []string, fn func(key string, value []byte) error) error
}

const (
	compositeNS = "\x00"
	sep         = "\x00"
	maxRune     = utf8.MaxRune
)

// CompositeKey encodes objectType and attrs exactly as Fabric's
// shim.CreateCompositeKey does, so keys written by the embedded ledger and
// by chaincode on a peer are identical.
func CompositeKey(objectType string, attrs ...string) (string, error) {
	if err := checkAttr(objectType); err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(compositeNS)
	b.WriteString(objectType)
	b.WriteString(sep)
	for _, a := range attrs {
		if err := checkAttr(a); err != nil {
			return "", err
		}
		b.WriteString(a)
		b.WriteString(sep)
	}
	return b.String(), nil
}

// SplitCompositeKey is the inverse of CompositeKey.
func SplitCompositeKey(key string) (objectType string, attrs []string, err error) {
	if !strings.HasPrefix(key, compositeNS) || !strings.HasSuffix(key, sep) || len(key) < 2 {
		return "", nil, fmt.Errorf("not a composite key: %q", key)
	}
	parts := strings.Split(key[1:len(key)-1], sep)
	return parts[0], parts[1:], nil
}

func checkAttr(s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("composite key attribute is not valid UTF-8: %x", s)
	}
	if strings.ContainsRune(s, 0) || strings.ContainsRune(s, maxRune) {
		return fmt.Errorf("composite key attribute contains U+0000 or U+10FFFF: %q", s)
	}
	return nil
}

// DigestKV adds one key and value to a state digest, each length-prefixed,
// so that a replica and a peer hashing the same state in key order get the
// same digest.
func DigestKV(h hash.Hash, key string, value []byte) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(key)))
	h.Write(n[:])
	h.Write([]byte(key))
	binary.BigEndian.PutUint64(n[:], uint64(len(value)))
	h.Write(n[:])
	h.Write(value)
}
