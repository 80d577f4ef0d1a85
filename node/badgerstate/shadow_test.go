package badgerstate

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/chaincode/state"
)

func memDB(t *testing.T) *badger.DB {
	t.Helper()
	db, err := badger.Open(badger.DefaultOptions("").WithInMemory(true).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// record is a default or closure as the contract stores it: the status
// fields and a large rest (the signed attestation) that the shadow drops.
func record(id string) []byte {
	amount, dpd := int64(12345), 120
	b, _ := json.Marshal(map[string]any{"id": id, "jws": fmt.Sprintf("%0900d", 7), "recordedAt": "2026-01-10T08:00:00Z",
		"payload": map[string]any{"type": "default", "reporter": "Bank1MSP", "product": "consumer", "amount": amount,
			"currency": "CNY", "overdueSince": "2025-09-01", "daysPastDue": dpd, "subject": "x", "noticeDate": "2025-10-01"}})
	return b
}

func subjKey(t *testing.T, subject, kind, id string) string {
	k, err := state.CompositeKey("subj", subject, kind, id)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// oldStore writes subject records (and others) the way stores were
// written before the shadow: the state keys only.
func oldStore(t *testing.T, db *badger.DB, n int) {
	err := db.Update(func(txn *badger.Txn) error {
		for i := range n {
			s := fmt.Sprintf("%064x", i)
			for _, kv := range [][2]string{
				{subjKey(t, s, "d", "a"+s), string(record("a" + s))},
				{subjKey(t, s, "c", "a"+s), string(record("c" + s))},
				{subjKey(t, s, "p", "d"+s), `{"id":"d","attestationId":"a"}`},
				{subjKey(t, s, "r", "r"+s), `{"id":"r"}`},
				{"\x00att\x00a" + s + "\x00", string(record("a" + s))},
			} {
				if err := txn.Set(Key(kv[0]), []byte(kv[1])); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func verify(db *badger.DB) error {
	return db.View(func(txn *badger.Txn) error { return VerifyShadow(txn) })
}

func shadowKeys(t *testing.T, db *badger.DB) (n int) {
	db.View(func(txn *badger.Txn) error {
		return Scan(txn, ShadowPrefix, func(k, v []byte) error { n++; return nil })
	})
	return n
}

// A store without a shadow fails the check, gets the shadow on
// EnsureShadow, and then passes; a build cut short (as by a crash) is
// redone from scratch on the next EnsureShadow.
func TestShadowBuiltForOldStoreAndAfterCutShortBuild(t *testing.T) {
	db := memDB(t)
	oldStore(t, db, 50)
	if err := verify(db); !errors.Is(err, ErrShadowMismatch) {
		t.Fatalf("a store without a shadow verifies: %v", err)
	}
	if err := ensureShadow(db, nil, 70); !errors.Is(err, errBuildStopped) {
		t.Fatalf("cut-short build: %v", err)
	}
	if ok, err := ShadowState(db); ok || err != nil {
		t.Fatalf("a cut-short build is marked complete (%v)", err)
	}
	if n := shadowKeys(t, db); n != 70 {
		t.Fatalf("the cut-short build left %d shadow keys, want 70", n)
	}
	if err := verify(db); !errors.Is(err, ErrShadowMismatch) {
		t.Fatalf("a partial shadow verifies: %v", err)
	}
	if err := EnsureShadow(db, nil); err != nil {
		t.Fatal(err)
	}
	if ok, err := ShadowState(db); !ok || err != nil {
		t.Fatalf("not marked after the build (%v)", err)
	}
	if err := verify(db); err != nil {
		t.Fatal(err)
	}
	if n := shadowKeys(t, db); n != 200 {
		t.Fatalf("%d shadow keys, want 200 (the subject records only)", n)
	}
	// An older version's shadow is rebuilt.
	db.Update(func(txn *badger.Txn) error {
		txn.Set(ShadowKey(subjKey(t, fmt.Sprintf("%064x", 1), "d", "stale")), []byte("{}"))
		return txn.Set(shadowMarkerKey, []byte("0"))
	})
	if err := EnsureShadow(db, nil); err != nil {
		t.Fatal(err)
	}
	if err := verify(db); err != nil {
		t.Fatalf("after rebuilding an old version: %v", err)
	}
}

// The check finds every way the shadow can differ from the state.
func TestVerifyShadowRefusesAlteredShadows(t *testing.T) {
	s := fmt.Sprintf("%064x", 3)
	for name, alter := range map[string]func(txn *badger.Txn) error{
		"value changed": func(txn *badger.Txn) error {
			return txn.Set(ShadowKey(subjKey(t, s, "d", "a"+s)), []byte(`{"id":"forged"}`))
		},
		"key missing": func(txn *badger.Txn) error { return txn.Delete(ShadowKey(subjKey(t, s, "p", "d"+s))) },
		"key extra": func(txn *badger.Txn) error {
			return txn.Set(ShadowKey(subjKey(t, s, "d", "zz")), []byte(`{}`))
		},
		"not a subject key": func(txn *badger.Txn) error { return txn.Set(ShadowKey("\x00att\x00x\x00"), []byte(`{}`)) },
		"state changed alone": func(txn *badger.Txn) error {
			return txn.Set(Key(subjKey(t, s, "c", "a"+s)), record("other"))
		},
	} {
		t.Run(name, func(t *testing.T) {
			db := memDB(t)
			oldStore(t, db, 5)
			if err := EnsureShadow(db, nil); err != nil {
				t.Fatal(err)
			}
			if err := verify(db); err != nil {
				t.Fatal(err)
			}
			if err := db.Update(alter); err != nil {
				t.Fatal(err)
			}
			if err := verify(db); !errors.Is(err, ErrShadowMismatch) {
				t.Fatalf("verify: %v", err)
			}
		})
	}
}

// Write keeps the shadow of subject keys only, slim for defaults and
// closures, and deletes it with the state key.
func TestWriteKeepsTheShadow(t *testing.T) {
	db := memDB(t)
	s := fmt.Sprintf("%064x", 9)
	d, p, other := subjKey(t, s, "d", "a"), subjKey(t, s, "p", "b"), "\x00att\x00a\x00"
	err := db.Update(func(txn *badger.Txn) error {
		for _, k := range []string{d, p, other} {
			if err := Write(txn, k, record("a"), false); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := verify(db); err != nil {
		t.Fatal(err)
	}
	db.View(func(txn *badger.Txn) error {
		var slim, copied []byte
		store := func(k []byte, dst *[]byte) {
			item, err := txn.Get(k)
			if err != nil {
				t.Fatalf("%q: %v", k, err)
			}
			*dst, _ = item.ValueCopy(nil)
		}
		store(ShadowKey(d), &slim)
		store(ShadowKey(p), &copied)
		if len(slim) >= len(record("a"))/4 || string(copied) != string(record("a")) {
			t.Fatalf("shadow values: default %d bytes of %d, dispute copied %v", len(slim), len(record("a")), string(copied) == string(record("a")))
		}
		if _, err := txn.Get(ShadowKey(other)); !errors.Is(err, badger.ErrKeyNotFound) {
			t.Fatalf("a key of another type has a shadow: %v", err)
		}
		return nil
	})
	if err := db.Update(func(txn *badger.Txn) error { return Write(txn, d, nil, true) }); err != nil {
		t.Fatal(err)
	}
	if err := verify(db); err != nil {
		t.Fatalf("after a delete: %v", err)
	}
	if n := shadowKeys(t, db); n != 1 {
		t.Fatalf("%d shadow keys after the delete, want 1", n)
	}
}

// A Reader with Shadow scans subject records from the shadow, and the
// contract's status-only decoding reads the same from both.
func TestShadowReaderServesSlimRecords(t *testing.T) {
	db := memDB(t)
	oldStore(t, db, 20)
	if err := EnsureShadow(db, nil); err != nil {
		t.Fatal(err)
	}
	db.View(func(txn *badger.Txn) error {
		s := fmt.Sprintf("%064x", 4)
		var full, slim []string
		var fullBytes, slimBytes int
		(&Reader{Txn: txn}).Scan("subj", []string{s}, func(k string, v []byte) error {
			full, fullBytes = append(full, k), fullBytes+len(v)
			return nil
		})
		r := &Reader{Txn: txn, Shadow: true, reuse: true}
		defer r.close()
		r.ScanLent("subj", []string{s}, func(k string, v []byte) error {
			slim, slimBytes = append(slim, k), slimBytes+len(v)
			return nil
		})
		if !slices.Equal(full, slim) || len(full) != 4 || slimBytes*2 > fullBytes {
			t.Fatalf("keys %q / %q, bytes %d / %d", full, slim, fullBytes, slimBytes)
		}
		// Other object types are read from the state.
		n := 0
		r.Scan("att", nil, func(string, []byte) error { n++; return nil })
		if n != 20 {
			t.Fatalf("%d att keys through a shadow reader, want 20", n)
		}
		return nil
	})
	if !contract.TxSubjectStatuses.StatusOnly() || !contract.TxSubjectStatus.StatusOnly() || contract.TxSubjectHistory.StatusOnly() {
		t.Fatal("status-only marks")
	}
}
