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

// subjectValue is the shadow value of subject s (its records' keys and
// slim values in order), nil for none.
func subjectValue(t *testing.T, txn *badger.Txn, s string) (keys []string, vals [][]byte) {
	t.Helper()
	subject := subjKey(t, s, "d", "x")
	subject, _ = SubjectOf(subject)
	item, err := txn.Get(SubjectShadowKey(subject))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		t.Fatal(err)
	}
	v, _ := item.ValueCopy(nil)
	if err := decodeRecords(v, func(rest, slim []byte) error {
		keys, vals = append(keys, subject+string(rest)), append(vals, slim)
		return nil
	}); err != nil {
		t.Fatalf("subject %s: %v", s, err)
	}
	return keys, vals
}

// A store without a shadow fails the check, gets the shadow on
// EnsureShadow, and then passes; a build cut short (as by a crash) is
// redone from scratch on the next EnsureShadow; a shadow of the older
// layout (a key per record) is replaced, none of its keys left.
func TestShadowBuiltForOldStoreAndAfterCutShortBuild(t *testing.T) {
	db := memDB(t)
	oldStore(t, db, 50)
	if err := verify(db); !errors.Is(err, ErrShadowMismatch) {
		t.Fatalf("a store without a shadow verifies: %v", err)
	}
	if err := ensureShadow(db, nil, 20); !errors.Is(err, errBuildStopped) {
		t.Fatalf("cut-short build: %v", err)
	}
	if ok, err := ShadowState(db); ok || err != nil {
		t.Fatalf("a cut-short build is marked complete (%v)", err)
	}
	if n := shadowKeys(t, db); n != 20 {
		t.Fatalf("the cut-short build left %d shadow keys, want 20", n)
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
	if n := shadowKeys(t, db); n != 50 {
		t.Fatalf("%d shadow keys, want 50 (one per subject)", n)
	}
	db.View(func(txn *badger.Txn) error {
		if keys, _ := subjectValue(t, txn, fmt.Sprintf("%064x", 7)); len(keys) != 4 {
			t.Fatalf("subject 7's shadow holds %q, want its 4 records", keys)
		}
		return nil
	})
	// The older layout's shadow: a key per record, version 1.
	db.Update(func(txn *badger.Txn) error {
		for i := range 50 {
			s := fmt.Sprintf("%064x", i)
			for _, k := range []string{subjKey(t, s, "d", "a"+s), subjKey(t, s, "p", "d"+s)} {
				txn.Set(append(slices.Clip(ShadowPrefix), k...), []byte("{}"))
			}
		}
		return txn.Set(shadowMarkerKey, []byte("1"))
	})
	if err := verify(db); !errors.Is(err, ErrShadowMismatch) {
		t.Fatalf("a shadow with the older layout's keys verifies: %v", err)
	}
	if err := EnsureShadow(db, nil); err != nil {
		t.Fatal(err)
	}
	if err := verify(db); err != nil {
		t.Fatalf("after rebuilding an old version: %v", err)
	}
	if n := shadowKeys(t, db); n != 50 {
		t.Fatalf("%d shadow keys after rebuilding the older layout, want 50", n)
	}
}

// The check finds every way the shadow can differ from the state.
func TestVerifyShadowRefusesAlteredShadows(t *testing.T) {
	s := fmt.Sprintf("%064x", 3)
	subject, _ := SubjectOf(subjKey(t, s, "d", "x"))
	// rewrite replaces subject s's shadow value by what edit makes of its
	// records.
	rewrite := func(edit func(keys []string, vals [][]byte) []byte) func(txn *badger.Txn) error {
		return func(txn *badger.Txn) error {
			keys, vals := subjectValue(t, txn, s)
			return txn.Set(SubjectShadowKey(subject), edit(keys, vals))
		}
	}
	encode := func(keys []string, vals [][]byte) []byte {
		var out []byte
		for i := range keys {
			out = appendRecord(out, keys[i][len(subject):], vals[i])
		}
		return out
	}
	for name, alter := range map[string]func(txn *badger.Txn) error{
		"record value changed": rewrite(func(keys []string, vals [][]byte) []byte {
			vals[0] = []byte(`{"id":"forged"}`)
			return encode(keys, vals)
		}),
		"record missing": rewrite(func(keys []string, vals [][]byte) []byte { return encode(keys[1:], vals[1:]) }),
		"last record missing": rewrite(func(keys []string, vals [][]byte) []byte {
			return encode(keys[:len(keys)-1], vals[:len(vals)-1])
		}),
		"record extra": rewrite(func(keys []string, vals [][]byte) []byte {
			return encode(append(keys, subject+"z\x00z\x00"), append(vals, []byte("{}")))
		}),
		"records out of order": rewrite(func(keys []string, vals [][]byte) []byte {
			keys[0], keys[1], vals[0], vals[1] = keys[1], keys[0], vals[1], vals[0]
			return encode(keys, vals)
		}),
		"record of another subject": rewrite(func(keys []string, vals [][]byte) []byte {
			o, _ := SubjectOf(subjKey(t, fmt.Sprintf("%064x", 4), "d", "x"))
			return encode(append(keys, o+"d\x00a\x00"), append(vals, []byte("{}")))
		}),
		"empty value":     func(txn *badger.Txn) error { return txn.Set(SubjectShadowKey(subject), []byte{recordsVersion}) },
		"malformed value": func(txn *badger.Txn) error { return txn.Set(SubjectShadowKey(subject), []byte(`{"id":"forged"}`)) },
		"truncated value": rewrite(func(keys []string, vals [][]byte) []byte {
			v := encode(keys, vals)
			return v[:len(v)-1]
		}),
		"subject missing": func(txn *badger.Txn) error { return txn.Delete(SubjectShadowKey(subject)) },
		"last subject missing": func(txn *badger.Txn) error {
			last, _ := SubjectOf(subjKey(t, fmt.Sprintf("%064x", 4), "d", "x"))
			return txn.Delete(SubjectShadowKey(last))
		},
		"subject extra": func(txn *badger.Txn) error {
			o, _ := SubjectOf(subjKey(t, fmt.Sprintf("%064x", 99), "d", "x"))
			return txn.Set(SubjectShadowKey(o), appendRecord(nil, "d\x00a\x00", []byte("{}")))
		},
		"older layout's key": func(txn *badger.Txn) error {
			return txn.Set(append(slices.Clip(ShadowPrefix), subjKey(t, s, "d", "a"+s)...), []byte("{}"))
		},
		"not a subject key": func(txn *badger.Txn) error {
			return txn.Set(append(slices.Clip(ShadowPrefix), "\x00att\x00x\x00"...), []byte(`{}`))
		},
		"state changed alone": func(txn *badger.Txn) error {
			return txn.Set(Key(subjKey(t, s, "c", "a"+s)), record("other"))
		},
		"state record added alone": func(txn *badger.Txn) error {
			return txn.Set(Key(subjKey(t, s, "p", "zz")), []byte(`{"id":"zz"}`))
		},
		"state subject added alone": func(txn *badger.Txn) error {
			return txn.Set(Key(subjKey(t, fmt.Sprintf("%064x", 99), "p", "zz")), []byte(`{"id":"zz"}`))
		},
		"state record deleted alone": func(txn *badger.Txn) error { return txn.Delete(Key(subjKey(t, s, "r", "r"+s))) },
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

// Write keeps one shadow value per subject: slim for defaults and
// closures, the records in key order whatever order they are written in,
// several writes of one subject in one transaction composed, a deleted
// record removed, and the subject's key removed with its last record.
func TestWriteKeepsTheShadow(t *testing.T) {
	db := memDB(t)
	s := fmt.Sprintf("%064x", 9)
	d, c, p, other := subjKey(t, s, "d", "a"), subjKey(t, s, "c", "a"), subjKey(t, s, "p", "b"), "\x00att\x00a\x00"
	err := db.Update(func(txn *badger.Txn) error {
		for _, k := range []string{p, other, d, c} {
			if err := Write(txn, k, record("a"), false); err != nil {
				return err
			}
		}
		// Written again in the same transaction: replaced, not added.
		return Write(txn, p, []byte(`{"id":"b"}`), false)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := verify(db); err != nil {
		t.Fatal(err)
	}
	if n := shadowKeys(t, db); n != 1 {
		t.Fatalf("%d shadow keys, want 1 (the subject's)", n)
	}
	db.View(func(txn *badger.Txn) error {
		keys, vals := subjectValue(t, txn, s)
		if !slices.Equal(keys, []string{c, d, p}) {
			t.Fatalf("records %q, want %q", keys, []string{c, d, p})
		}
		if len(vals[1]) >= len(record("a"))/4 || string(vals[2]) != `{"id":"b"}` {
			t.Fatalf("shadow values: default %d bytes of %d, dispute %q", len(vals[1]), len(record("a")), vals[2])
		}
		return nil
	})
	// A delete and a write of one subject in one transaction compose.
	err = db.Update(func(txn *badger.Txn) error {
		if err := Write(txn, d, nil, true); err != nil {
			return err
		}
		return Write(txn, subjKey(t, s, "r", "r"), []byte(`{"id":"r"}`), false)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := verify(db); err != nil {
		t.Fatalf("after a delete: %v", err)
	}
	// The subject's last records deleted: its key goes.
	err = db.Update(func(txn *badger.Txn) error {
		for _, k := range []string{c, p, subjKey(t, s, "r", "r")} {
			if err := Write(txn, k, nil, true); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := verify(db); err != nil {
		t.Fatalf("after deleting every record: %v", err)
	}
	if n := shadowKeys(t, db); n != 0 {
		t.Fatalf("%d shadow keys once the subject has no record, want 0", n)
	}
	// Deleting what is not there changes nothing.
	if err := db.Update(func(txn *badger.Txn) error { return Write(txn, d, nil, true) }); err != nil {
		t.Fatal(err)
	}
	if n := shadowKeys(t, db); n != 0 {
		t.Fatalf("%d shadow keys after deleting an absent record", n)
	}
}

type kv struct {
	k string
	v []byte
}

// A Reader with Shadow answers the contract's scans of "subj" (one
// subject's records, those of one kind, all subjects', a scan stopped
// early) with the keys and slim values, in order, that a shadow key per
// record gave, and the contract's status-only decoding reads the same
// from both.
func TestShadowReaderServesSlimRecords(t *testing.T) {
	db := memDB(t)
	oldStore(t, db, 20)
	if err := EnsureShadow(db, nil); err != nil {
		t.Fatal(err)
	}
	db.View(func(txn *badger.Txn) error {
		// want is the scan of the state with each value's slim image.
		want := func(attrs []string, stopAt int) (out []kv) {
			(&Reader{Txn: txn}).Scan("subj", attrs, func(k string, v []byte) error {
				out = append(out, kv{k, SlimValue(k, v)})
				if len(out) == stopAt {
					return state.ErrStop
				}
				return nil
			})
			return out
		}
		s := fmt.Sprintf("%064x", 4)
		for _, attrs := range [][]string{{s}, {s, "d"}, {s, "p"}, {s, "r"}, {s, "c", "a" + s}, {fmt.Sprintf("%064x", 77)}, nil} {
			for _, stopAt := range []int{0, 2} {
				for _, lend := range []bool{false, true} {
					r := &Reader{Txn: txn, Shadow: true, reuse: true}
					var got []kv
					scan := r.Scan
					if lend {
						scan = r.ScanLent
					}
					err := scan("subj", attrs, func(k string, v []byte) error {
						got = append(got, kv{k, slices.Clone(v)})
						if len(got) == stopAt {
							return state.ErrStop
						}
						return nil
					})
					r.close()
					w := want(attrs, stopAt)
					if err != nil || !slices.EqualFunc(got, w, func(a, b kv) bool { return a.k == b.k && string(a.v) == string(b.v) }) {
						t.Fatalf("scan %q (stop at %d, lend %v): %v\n got %d records %.200q\nwant %d records %.200q", attrs, stopAt, lend, err, len(got), got, len(w), w)
					}
					if attrs != nil && len(attrs) == 1 && attrs[0] == s && stopAt == 0 && len(got) != 4 {
						t.Fatalf("%d records of subject 4, want 4", len(got))
					}
					if attrs == nil && stopAt == 0 && len(got) != 80 {
						t.Fatalf("%d records of all subjects, want 80", len(got))
					}
				}
			}
		}
		// Other object types are read from the state.
		r := &Reader{Txn: txn, Shadow: true, reuse: true}
		defer r.close()
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
