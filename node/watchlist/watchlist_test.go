package watchlist

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/node/subjectkey"
)

func hexOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func open(t testing.TB) *Watchlist {
	db, err := badger.Open(badger.DefaultOptions(t.TempDir()).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return New(db)
}

func TestPutDeleteListWatchers(t *testing.T) {
	w := open(t)
	a, b := hexOf("a"), hexOf("b")
	if added, err := w.Put("Bank1MSP", a, "cust-1"); err != nil || !added {
		t.Fatalf("put: %v %v", added, err)
	}
	if added, err := w.Put("Bank1MSP", a, "cust-1b"); err != nil || added {
		t.Fatalf("relabel counted as added: %v %v", added, err)
	}
	w.Put("Bank1MSP", b, "")
	w.Put("Bank2MSP", a, "theirs")
	if _, err := w.Put("Bank1MSP", "NOT-HEX", ""); err == nil {
		t.Fatal("bad key accepted")
	}
	if _, err := w.Put("Bank1MSP", a, strings.Repeat("x", MaxLabel+1)); err == nil || strings.Contains(err.Error(), "xxx") {
		t.Fatalf("long label: %v", err)
	}
	page, next, err := w.List("Bank1MSP", "", 1)
	if err != nil || len(page) != 1 || next == "" {
		t.Fatalf("page 1: %v %q %v", page, next, err)
	}
	rest, next2, _ := w.List("Bank1MSP", next, 10)
	if len(rest) != 1 || next2 != "" || rest[0].SubjectKey == page[0].SubjectKey {
		t.Fatalf("page 2: %v %q", rest, next2)
	}
	watchers, _ := w.Watchers(a)
	if len(watchers) != 2 || watchers["Bank1MSP"].Label != "cust-1b" || watchers["Bank2MSP"].Label != "theirs" {
		t.Fatalf("watchers of a: %v", watchers)
	}
	if removed, _ := w.Delete("Bank1MSP", a); !removed {
		t.Fatal("delete")
	}
	if removed, _ := w.Delete("Bank1MSP", a); removed {
		t.Fatal("deleted twice")
	}
	if watchers, _ := w.Watchers(a); len(watchers) != 1 {
		t.Fatalf("after delete: %v", watchers)
	}
	if other, _, _ := w.List("Bank2MSP", "", 10); len(other) != 1 {
		t.Fatal("a member sees another's watchlist")
	}
}

func TestImport(t *testing.T) {
	w := open(t)
	d, _ := subjectkey.NewDeriver([]byte(strings.Repeat("s", 32)))
	var nd strings.Builder
	for i := 0; i < 12000; i++ {
		fmt.Fprintf(&nd, `{"subjectKey":"%s","label":"c%d"}`+"\n", hexOf(fmt.Sprint(i)), i)
	}
	nd.WriteString(`{"idType":"cn-ric","idNumber":"11010519491231002X","label":"by id"}` + "\n")
	nd.WriteString(`{"idType":"cn-ric","idNumber":"110105194912310021"}` + "\n")
	nd.WriteString("not json\n\n")
	nd.WriteString(`{"subjectKey":"` + hexOf("x") + `","name":"Zhang San"}` + "\n")
	var progressed []int
	res, err := w.Import("Bank1MSP", strings.NewReader(nd.String()), NDJSON, ImportOptions{Derive: d.Derive, Progress: func(n int) { progressed = append(progressed, n) }})
	if err != nil {
		t.Fatal(err)
	}
	// Error lines are counted as an editor does, the blank line included,
	// and so is the number of lines read.
	if res.Lines != 12005 || res.Imported != 12001 || res.Rejected != 3 || len(res.Errors) != 3 || res.Errors[0].Line != 12002 || res.Errors[2].Line != 12005 {
		t.Fatalf("ndjson import: %+v", res)
	}
	for _, e := range res.Errors {
		if strings.Contains(e.Message, "110105194912310021") || strings.Contains(e.Message, "Zhang") {
			t.Fatalf("an error repeats the input: %v", e)
		}
	}
	if len(progressed) < 3 || progressed[len(progressed)-1] != 12005 {
		t.Fatalf("progress %v", progressed)
	}
	key, _ := d.Derive("cn-ric", "11010519491231002X")
	if watchers, _ := w.Watchers(key); watchers["Bank1MSP"].Label != "by id" {
		t.Fatal("the id line was not imported under its subject key")
	}
	all, _, _ := w.List("Bank1MSP", "", 20000)
	if len(all) != 12001 {
		t.Fatalf("%d entries after import", len(all))
	}

	csvIn := "\ufeffidType,idNumber,label\ncn-ric,11010519491231002x,again\npassport,CHN E12345678,p\ncn-ric,bad,\n"
	res, err = w.Import("Bank2MSP", strings.NewReader(csvIn), CSV, ImportOptions{Derive: d.Derive})
	if err != nil || res.Imported != 2 || res.Rejected != 1 || res.Errors[0].Line != 4 {
		t.Fatalf("csv import: %+v %v", res, err)
	}
	if _, err := w.Import("Bank2MSP", strings.NewReader("ssn,label\n1,2\n"), CSV, ImportOptions{Derive: d.Derive}); err == nil {
		t.Fatal("unknown CSV column accepted")
	}
	if res, _ := w.Import("Bank2MSP", strings.NewReader(`{"idType":"cn-ric","idNumber":"11010519491231002X"}`), NDJSON, ImportOptions{}); res.Rejected != 1 {
		t.Fatal("identity numbers imported without a deriver")
	}
	if _, err := w.Import("Bank2MSP", strings.NewReader(""), "xml", ImportOptions{}); err == nil {
		t.Fatal("unknown format accepted")
	}
}

// BenchmarkImport reports keys/s for an NDJSON import of subject keys.
func BenchmarkImport(b *testing.B) {
	w := open(b)
	var nd strings.Builder
	for i := 0; i < b.N; i++ {
		fmt.Fprintf(&nd, `{"subjectKey":"%s","label":"c%d"}`+"\n", hexOf(fmt.Sprint(i)), i)
	}
	b.ResetTimer()
	res, err := w.Import("Bank1MSP", strings.NewReader(nd.String()), NDJSON, ImportOptions{})
	if err != nil || res.Imported != b.N {
		b.Fatalf("%+v %v", res, err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "keys/s")
}

// TestImportStopsOnUnreadableInput: a stream that breaks, or a line too long
// to find the next, ends the import with an error and keeps what was read.
func TestImportStopsOnUnreadableInput(t *testing.T) {
	w := open(t)
	good := `{"subjectKey":"` + hexOf("a") + `"}` + "\n"
	broken := io.MultiReader(strings.NewReader(good+good), iotest.ErrReader(errors.New("connection reset")))
	res, err := w.Import("Bank1MSP", broken, NDJSON, ImportOptions{})
	if err == nil || res.Imported != 2 {
		t.Fatalf("broken stream: %+v %v", res, err)
	}
	res, err = w.Import("Bank1MSP", strings.NewReader(good+strings.Repeat("x", 70<<10)+"\n"+good), NDJSON, ImportOptions{})
	var invalid *InvalidError
	if !errors.As(err, &invalid) || res.Imported != 1 {
		t.Fatalf("over-long line: %+v %v", res, err)
	}
	csvIn := "subjectKey,label\n" + hexOf("b") + ",\"unterminated\n"
	res, err = w.Import("Bank1MSP", io.MultiReader(strings.NewReader(csvIn), iotest.ErrReader(errors.New("reset"))), CSV, ImportOptions{})
	if err == nil {
		t.Fatalf("broken CSV stream: %+v", res)
	}
}

// TestReadsEntriesWrittenWithLiteralKeys: a store written before the keys
// were listed in package store ("w/<member>/<subject>", "ws/<subject>/
// <member>" spelled out) reads the same.
func TestReadsEntriesWrittenWithLiteralKeys(t *testing.T) {
	w := open(t)
	a := hexOf("a")
	err := w.db.Update(func(txn *badger.Txn) error {
		if err := txn.Set([]byte("w/Bank1MSP/"+a), []byte(`{"subjectKey":"`+a+`","label":"old","addedAt":"2026-01-01T00:00:00Z"}`)); err != nil {
			return err
		}
		return txn.Set([]byte("ws/"+a+"/Bank1MSP"), []byte{1})
	})
	if err != nil {
		t.Fatal(err)
	}
	page, next, err := w.List("Bank1MSP", "", 10)
	if err != nil || next != "" || len(page) != 1 || page[0].Label != "old" {
		t.Fatalf("list: %+v %q %v", page, next, err)
	}
	ws, err := w.Watchers(a)
	if err != nil || len(ws) != 1 || ws["Bank1MSP"].Label != "old" {
		t.Fatalf("watchers: %+v %v", ws, err)
	}
	if removed, err := w.Delete("Bank1MSP", a); err != nil || !removed {
		t.Fatalf("delete: %v %v", removed, err)
	}
	if ws, _ := w.Watchers(a); len(ws) != 0 {
		t.Fatalf("index left behind: %+v", ws)
	}
}
