package store

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"
)

// TestNoPrefixStartsAnother is the point of the list: a prefix scan of
// one kind of key must never read keys of another kind.
func TestNoPrefixStartsAnother(t *testing.T) {
	all := All()
	for i, p := range all {
		if p == "" {
			t.Fatalf("prefix %d is empty", i)
		}
		for j, q := range all {
			if i != j && strings.HasPrefix(string(q), string(p)) {
				t.Errorf("%q starts %q: a scan of the one reads the other", p, q)
			}
		}
	}
}

// TestAllListsEveryDeclaredPrefix keeps All honest: a constant of type
// Prefix added to keys.go but not to All would escape the check above.
func TestAllListsEveryDeclaredPrefix(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "keys.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var declared []string
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			v := s.(*ast.ValueSpec)
			if id, ok := v.Type.(*ast.Ident); ok && id.Name == "Prefix" {
				for _, n := range v.Names {
					declared = append(declared, n.Name)
				}
			}
		}
	}
	if len(declared) != len(All()) {
		t.Fatalf("keys.go declares %d prefixes %v, All lists %d", len(declared), declared, len(All()))
	}
}

// TestBytesOnDisk pins the prefixes: stores written before this list
// existed must still open.
func TestBytesOnDisk(t *testing.T) {
	want := []string{"c/", "cn/", "cf/", "k/", "a/", "ah", "au/key", "au/seq", "au/h/", "au/a/", "au/e/", "au/m/", "au/x/", "au/xs",
		"bu/c/", "bu/r/", "w/", "ws/", "al/a/", "al/x/", "al/seq", "al/pos", "wh/", "whc/",
		"st/pos", "st/c/", "st/q/", "st/ld/", "st/ln", "st/ls/", "st/dp/", "st/dd/",
		"ar/",
		"cs/",
		"tl/h/", "tl/l/", "tl/t/", "tl/cur", "tl/p/",
		"po/h/", "po/s/",
		"pb/h/", "pb/e/", "pb/d/", "pp/c/", "pp/n/",
		"wc/"}
	var got []string
	for _, p := range All() {
		got = append(got, string(p))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("prefixes %q, want %q", got, want)
	}
	if k := string(WatchEntries.Key("Bank1MSP", "ab12")); k != "w/Bank1MSP/ab12" {
		t.Fatalf("WatchEntries.Key = %q", k)
	}
	if k := string(SigningKeys.Key("Bank1MSP")); k != "k/Bank1MSP" {
		t.Fatalf("SigningKeys.Key = %q", k)
	}
	if k := string(Alerts.Key()); k != "al/a/" {
		t.Fatalf("Alerts.Key() = %q", k)
	}
}

func memDB(t *testing.T) *badger.DB {
	t.Helper()
	db, err := badger.Open(badger.DefaultOptions("").WithInMemory(true).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func set(t *testing.T, db *badger.DB, kv ...string) {
	t.Helper()
	err := db.Update(func(txn *badger.Txn) error {
		for i := 0; i < len(kv); i += 2 {
			if err := txn.Set([]byte(kv[i]), []byte(kv[i+1])); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestGetTellsAbsenceFromFailure(t *testing.T) {
	db := memDB(t)
	set(t, db, "k/a", `{"kid":"x"}`, "k/bad", `{`, "n", string(Uint64Bytes(42)), "short", "1234")

	var v struct{ KID string }
	if found, err := View(db, []byte("k/none"), JSON(&v)); found || err != nil {
		t.Fatalf("absent key: found %v, err %v", found, err)
	}
	if found, err := View(db, []byte("k/a"), JSON(&v)); !found || err != nil || v.KID != "x" {
		t.Fatalf("present key: found %v, err %v, value %+v", found, err, v)
	}
	found, err := View(db, []byte("k/bad"), JSON(&v))
	if !found || err == nil || !strings.Contains(err.Error(), `"k/bad"`) {
		t.Fatalf("undecodable value: found %v, err %v (want an error naming the key)", found, err)
	}
	var n uint64
	if found, err := View(db, []byte("n"), Uint64(&n)); !found || err != nil || n != 42 {
		t.Fatalf("counter: found %v, err %v, n %d", found, err, n)
	}
	if _, err := View(db, []byte("short"), Uint64(&n)); err == nil {
		t.Fatal("a 4-byte counter decoded")
	}
	var c []byte
	_ = db.View(func(txn *badger.Txn) error {
		if ok, err := Has(txn, []byte("k/a")); !ok || err != nil {
			t.Errorf("Has(k/a) = %v, %v", ok, err)
		}
		if ok, err := Has(txn, []byte("k/")); ok || err != nil {
			t.Errorf("Has(k/) = %v, %v: a prefix is not a key", ok, err)
		}
		_, err := Get(txn, []byte("k/a"), Copy(&c))
		return err
	})
	if string(c) != `{"kid":"x"}` {
		t.Fatalf("Copy kept %q", c)
	}
}

func TestScanStaysUnderItsPrefix(t *testing.T) {
	db := memDB(t)
	set(t, db, "w/m/1", `{"n":1}`, "w/m/2", `{"n":2}`, "w/m/3", `{"n":3}`, "w/n/1", `{"n":9}`, "ws/1/m", "x", "w", "x")
	type entry struct{ N int }
	err := db.View(func(txn *badger.Txn) error {
		var rest []string
		var ns []int
		if err := ScanJSON(txn, WatchEntries.Key("m", ""), nil, func(r []byte, e entry) error {
			rest, ns = append(rest, string(r)), append(ns, e.N)
			return nil
		}); err != nil {
			return err
		}
		if !slices.Equal(rest, []string{"1", "2", "3"}) || !slices.Equal(ns, []int{1, 2, 3}) {
			t.Errorf("scan of w/m/: %q %v", rest, ns)
		}
		// From a start key, and stopped early without an error.
		var keys []string
		if err := ScanKeys(txn, WatchEntries.Bytes(), WatchEntries.Key("m", "2"), func(r []byte) error {
			keys = append(keys, string(r))
			if len(keys) == 2 {
				return ErrStop
			}
			return nil
		}); err != nil {
			return err
		}
		if !slices.Equal(keys, []string{"m/2", "m/3"}) {
			t.Errorf("keys from w/m/2: %q", keys)
		}
		// Another error ends the scan and is returned.
		boom := errors.New("boom")
		if err := Scan(txn, WatchEntries.Bytes(), nil, func(_, _ []byte) error { return boom }); !errors.Is(err, boom) {
			t.Errorf("callback error: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	set(t, db, "w/m/4", "{")
	err = db.View(func(txn *badger.Txn) error {
		return ScanJSON(txn, WatchEntries.Bytes(), nil, func([]byte, entry) error { return nil })
	})
	if err == nil || !strings.Contains(err.Error(), `"w/m/4"`) {
		t.Fatalf("undecodable value in a scan: %v (want an error naming the key)", err)
	}
}

func TestPageSaysWhetherMoreFollow(t *testing.T) {
	db := memDB(t)
	set(t, db, "al/a/m/1", "1", "al/a/m/2", "2", "al/a/m/3", "3", "al/a/n/1", "9")
	prefix := Alerts.Key("m", "")
	for _, c := range []struct {
		start string
		limit int
		want  []int
		more  bool
	}{
		{"", 2, []int{1, 2}, true},
		{"", 3, []int{1, 2, 3}, false},
		{"al/a/m/3", 2, []int{3}, false},
		{"al/a/m/4", 2, []int{}, false},
	} {
		var start []byte
		if c.start != "" {
			start = []byte(c.start)
		}
		got, more, err := Page[int](db, prefix, start, c.limit)
		if err != nil || got == nil || !slices.Equal(got, c.want) || more != c.more {
			t.Errorf("Page from %q limit %d = %v (nil %v), more %v, err %v; want %v, more %v", c.start, c.limit, got, got == nil, more, err, c.want, c.more)
		}
	}
}
