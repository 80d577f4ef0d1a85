package audit

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/node/audit/chain"
	"github.com/assoc-ledger/blacklist/node/store"
)

// appendMixed appends, from several goroutines, large requests (several
// blocks each) and single entries for members A, B and C, with subjects
// repeating across them, and returns every entry as Append filled it in.
func appendMixed(t *testing.T, l *Log) []Entry {
	t.Helper()
	var (
		mu  sync.Mutex
		all []Entry
		wg  sync.WaitGroup
	)
	request := func(member string, n, salt int) {
		defer wg.Done()
		entries := make([]Entry, n)
		for i := range entries {
			entries[i] = Entry{Client: "c-" + member, Member: member, Subject: fmt.Sprintf("subject-%d", (i*7+salt)%50),
				Purpose: "loan-approval", Kind: chain.KindStatus, ActiveDefaults: i % 3, Height: uint64(salt)}
		}
		if err := l.Append(entries); err != nil {
			t.Error(err)
			return
		}
		mu.Lock()
		all = append(all, entries...)
		mu.Unlock()
	}
	for i := range 30 {
		wg.Add(3)
		go request("A", 1, i)
		go request("B", 1+i%4, i)
		go request("C", 1, i)
		if i%10 == 0 {
			wg.Add(1)
			go request([]string{"A", "B", "C"}[i/10], 700, i) // about 5 blocks
		}
	}
	wg.Wait()
	slices.SortFunc(all, func(a, b Entry) int { return int(a.Seq) - int(b.Seq) })
	return all
}

// checkReads reads want back every way the log is read: in log order
// (whole and paged), by member (Query from every kind of position and
// Export), by subject, and through Verify.
func checkReads(t *testing.T, l *Log, want []Entry) {
	t.Helper()
	same := func(what string, got, want []Entry) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%s: %d entries, want %d", what, len(got), len(want))
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%s: entry %d is %+v, want %+v", what, i, got[i], want[i])
			}
		}
	}
	got, err := l.Query(Filter{Limit: len(want) + 10})
	if err != nil {
		t.Fatal(err)
	}
	same("log order", got, want)
	for _, after := range []uint64{0, 1, 699, 700, 701, uint64(len(want)) - 1} {
		got, err := l.Query(Filter{After: after, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		same(fmt.Sprintf("page after %d", after), got, want[after:min(after+3, uint64(len(want)))])
	}
	for _, m := range []string{"A", "B", "C"} {
		var mine []Entry
		for _, e := range want {
			if e.Member == m {
				mine = append(mine, e)
			}
		}
		got, err := l.Query(Filter{Member: m, Limit: len(want)})
		if err != nil {
			t.Fatal(err)
		}
		same("member "+m, got, mine)
		for _, i := range []int{0, 1, len(mine) / 2, len(mine) - 1} {
			got, err := l.Query(Filter{Member: m, After: mine[i].Seq, Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			same(fmt.Sprintf("member %s after seq %d", m, mine[i].Seq), got, mine[i+1:min(i+3, len(mine))])
			var exported []Entry
			if err := l.Export(m, mine[i].Pos, func(e Entry) error { exported = append(exported, e); return nil }); err != nil {
				t.Fatal(err)
			}
			same(fmt.Sprintf("export of %s after position %d", m, mine[i].Pos), exported, mine[i+1:])
		}
	}
	subjects := map[string]bool{}
	for _, e := range want {
		subjects[e.Subject] = true
	}
	for s := range subjects {
		var about []Entry
		for _, e := range want {
			if e.Subject == s {
				about = append(about, e)
			}
		}
		got, err := l.Query(Filter{Subject: s, Limit: len(want)})
		if err != nil {
			t.Fatal(err)
		}
		same("subject "+s, got, about)
		got, err = l.Query(Filter{Subject: s, After: about[len(about)/2].Seq, Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		same("subject "+s+" paged", got, about[len(about)/2+1:min(len(about)/2+6, len(about))])
	}
	if n, err := l.Verify(); err != nil || n != uint64(len(want)) {
		t.Fatalf("verify: %d entries, %v", n, err)
	}
}

// storeKeys counts the store's keys under prefix.
func storeKeys(t *testing.T, db *badger.DB, prefix store.Prefix) int {
	t.Helper()
	n := 0
	_ = db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix.Bytes()})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			n++
		}
		return nil
	})
	return n
}

func TestBlocksAndRunsReadBack(t *testing.T) {
	l, db := openLog(t)
	want := appendMixed(t, l)
	checkReads(t, l, want)
	// Blocks and runs: far fewer keys than entries.
	if blocks := storeKeys(t, db, store.AuditEntries); blocks >= len(want)/4 {
		t.Fatalf("%d entries in %d blocks", len(want), blocks)
	}
	if runs := storeKeys(t, db, store.AuditByMember); runs >= len(want)/4 {
		t.Fatalf("%d entries in %d member runs", len(want), runs)
	}
}

func TestSubjectQueriesDoNotWaitForTheIndex(t *testing.T) {
	dir := t.TempDir()
	db := openDB(t, dir)
	l, err := open(db, false)
	if err != nil {
		t.Fatal(err)
	}
	want := appendMixed(t, l)
	if n := storeKeys(t, db, store.AuditBySubject); n != 0 {
		t.Fatalf("%d subject index keys with no indexer", n)
	}
	checkUnindexed(t, l, uint64(len(want)))
	// Nothing indexed: queries by subject read the entries.
	checkReads(t, l, want)
	l.Close()

	// Reopened with its indexer, the log indexes what was left; a
	// clean close leaves it caught up.
	l, err = Open(db)
	if err != nil {
		t.Fatal(err)
	}
	checkReads(t, l, want)
	l.Close()
	if n := storeKeys(t, db, store.AuditBySubject); n != len(want) {
		t.Fatalf("%d subject index keys for %d entries", n, len(want))
	}
	_ = db.View(func(txn *badger.Txn) error {
		if mark, ok, err := readIndexed(txn); !ok || err != nil || mark != uint64(len(want)) {
			t.Fatalf("index mark %d %v %v, want %d", mark, ok, err, len(want))
		}
		return nil
	})
	l, err = Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	checkUnindexed(t, l, 0)
	checkReads(t, l, want)
	// Half indexed: the mark in the middle of a block.
	setMark(t, db, want[len(want)/2].Seq)
	checkUnindexed(t, l, uint64(len(want))-want[len(want)/2].Seq)
	checkReads(t, l, want)
}

// checkUnindexed checks what the log says its subject index has not
// reached (the blacklist_audit_unindexed_entries metric).
func checkUnindexed(t *testing.T, l *Log, want uint64) {
	t.Helper()
	if n, err := l.Unindexed(); err != nil || n != want {
		t.Fatalf("Unindexed() = %d, %v; want %d", n, err, want)
	}
}

// setMark moves the subject index mark to seq and drops the index keys
// after it, as if the indexer had got no further.
func setMark(t *testing.T, db *badger.DB, seq uint64) {
	t.Helper()
	err := db.Update(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: store.AuditBySubject.Bytes()})
		var drop [][]byte
		for it.Rewind(); it.Valid(); it.Next() {
			k := it.Item().KeyCopy(nil)
			if binary.BigEndian.Uint64(k[len(k)-8:]) > seq {
				drop = append(drop, k)
			}
		}
		it.Close()
		for _, k := range drop {
			if err := txn.Delete(k); err != nil {
				return err
			}
		}
		return txn.Set(indexedKey, binary.BigEndian.AppendUint64(nil, seq))
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestReadsTheFormatBeforeBlocks rewrites a log into the layout nodes
// wrote before blocks (an entry a key, a member index key a position, the
// subject index in the same commit, no index mark), reopens it, reads it
// back, and appends after it.
func TestReadsTheFormatBeforeBlocks(t *testing.T) {
	dir := t.TempDir()
	db := openDB(t, dir)
	l, err := Open(db)
	if err != nil {
		t.Fatal(err)
	}
	want := appendMixed(t, l)
	l.Close()
	err = db.DropPrefix(store.AuditEntries.Bytes(), store.AuditByMember.Bytes(), store.AuditIndexed.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(txn *badger.Txn) error {
		for _, e := range want {
			b, _ := json.Marshal(e)
			if err := txn.Set(entryKey(e.Seq), b); err != nil {
				return err
			}
			if err := txn.Set(memberKey(e.Member, e.Pos), binary.BigEndian.AppendUint64(nil, e.Seq)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	l, err = Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	checkReads(t, l, want)
	more := appendMixed(t, l)
	checkReads(t, l, append(want, more...))
	if n := storeKeys(t, db, store.AuditBySubject); n != len(want) && n > len(want)+len(more) {
		t.Fatalf("%d subject index keys for %d entries", n, len(want)+len(more))
	}
}

func TestCorruptBlocksAreErrors(t *testing.T) {
	l, db := openLog(t)
	if err := l.Append([]Entry{{Client: "c", Member: "M", Subject: "s"}, {Client: "c", Member: "M", Subject: "t"}}); err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string][]byte{
		"unknown version": {9, 1, '{'},
		"truncated":       {blockVersion, 50, '{', '}'},
		"empty":           {},
	} {
		if err := db.Update(func(txn *badger.Txn) error { return txn.Set(entryKey(1), v) }); err != nil {
			t.Fatal(err)
		}
		if _, err := l.Query(Filter{Limit: 10}); err == nil {
			t.Fatalf("%s block read", name)
		}
		if _, err := l.Verify(); err == nil {
			t.Fatalf("%s block verified", name)
		}
	}
	if _, _, err := parseRun([]byte{1, 2, 3}); err == nil {
		t.Fatal("a short member run parsed")
	}
	if _, _, err := parseRun(append(bytes.Repeat([]byte{0}, 8), 0)); err == nil {
		t.Fatal("a member run of 0 parsed")
	}
}

// subjectIndex lists the subject index's keys.
func subjectIndex(t *testing.T, db *badger.DB) []string {
	t.Helper()
	var keys []string
	_ = db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: store.AuditBySubject.Bytes()})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			keys = append(keys, string(it.Item().Key()))
		}
		return nil
	})
	return keys
}

// TestIndexFromHandOverEqualsIndexFromStore: the index the indexer
// builds from what the writer hands it is the one it builds by reading
// the blocks back.
func TestIndexFromHandOverEqualsIndexFromStore(t *testing.T) {
	db := openDB(t, t.TempDir())
	l, err := Open(db)
	if err != nil {
		t.Fatal(err)
	}
	want := appendMixed(t, l)
	l.Close()
	handedOver := subjectIndex(t, db)
	if len(handedOver) != len(want) {
		t.Fatalf("%d index keys for %d entries", len(handedOver), len(want))
	}
	setMark(t, db, 0)
	if n := storeKeys(t, db, store.AuditBySubject); n != 0 {
		t.Fatalf("%d index keys left", n)
	}
	l, err = Open(db)
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	if read := subjectIndex(t, db); !slices.Equal(read, handedOver) {
		t.Fatalf("index read from the store has %d keys, handed over %d", len(read), len(handedOver))
	}
}

func TestRecentSubjects(t *testing.T) {
	var r recentSubjects
	if first, s := r.since(1); first != 0 || s != nil {
		t.Fatalf("empty: %d %v", first, s)
	}
	r.add(5, []string{"a", "b"})
	r.add(7, []string{"c"})
	if first, s := r.since(6); first != 6 || !slices.Equal(s, []string{"b", "c"}) {
		t.Fatalf("since 6: %d %v", first, s)
	}
	if first, s := r.since(2); first != 5 || s != nil {
		t.Fatalf("since 2 (before the run): %d %v", first, s)
	}
	if first, s := r.since(8); first != 0 || s != nil {
		t.Fatalf("since 8 (after the run): %d %v", first, s)
	}
	r.drop(5)
	if first, s := r.since(6); first != 6 || !slices.Equal(s, []string{"b", "c"}) {
		t.Fatalf("after dropping 5: %d %v", first, s)
	}
	// A gap starts a new run.
	r.add(10, []string{"x"})
	if first, s := r.since(6); first != 10 || s != nil {
		t.Fatalf("after a gap: %d %v", first, s)
	}
	r.drop(10)
	if first, s := r.since(10); first != 0 || s != nil {
		t.Fatalf("all dropped: %d %v", first, s)
	}
	// Past maxRecent the run starts again from what was added.
	r.add(1, make([]string, maxRecent))
	r.add(maxRecent+1, []string{"y"})
	if first, s := r.since(maxRecent + 1); first != maxRecent+1 || !slices.Equal(s, []string{"y"}) {
		t.Fatalf("past maxRecent: %d %v", first, s)
	}
}
