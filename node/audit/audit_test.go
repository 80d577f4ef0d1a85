package audit

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/dgraph-io/badger/v4"
	fastjson "github.com/goccy/go-json"

	"github.com/assoc-ledger/blacklist/node/audit/chain"
)

func openDB(t *testing.T, dir string) *badger.DB {
	t.Helper()
	db, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil).WithSyncWrites(true))
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func openLog(t *testing.T) (*Log, *badger.DB) {
	t.Helper()
	db := openDB(t, t.TempDir())
	l, err := Open(db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close(); db.Close() })
	return l, db
}

// fill appends, concurrently, 20 requests of two entries for member M
// (subjects s<i> and t) and 5 single entries for member N.
func fill(t *testing.T, l *Log) {
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if err := l.Append([]Entry{{Client: "c", Member: "M", Subject: fmt.Sprint("s", i), Purpose: "post-loan", Kind: chain.KindWatch},
				{Client: "c", Member: "M", Subject: "t", Kind: chain.KindStatus, Outcome: chain.OutcomeDenied}}); err != nil {
				t.Error(err)
			}
		}(i)
	}
	for i := 0; i < 5; i++ {
		if err := l.Append([]Entry{{Client: "d", Member: "N", Subject: "t", Kind: chain.KindHistory}}); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
}

func TestAppendQueryExport(t *testing.T) {
	l, _ := openLog(t)
	if err := l.Append([]Entry{{Client: "c", Subject: "x"}}); err == nil {
		t.Fatal("an entry without a member was appended")
	}
	fill(t, l)
	if n, err := l.Verify(); err != nil || n != 45 {
		t.Fatalf("verify: %d %v", n, err)
	}
	if h := l.Head("M"); h.Size != 40 || len(h.Hash) != 64 {
		t.Fatalf("head of M: %+v", h)
	}
	if first, _ := l.Query(Filter{Member: "M", Limit: 1}); l.Head("M").Log != first[0].Hash {
		t.Fatalf("the head's log is not its first entry's hash")
	}
	if h := l.Head("nobody"); h.Size != 0 || h.Hash != chain.Zero {
		t.Fatalf("head of a member without entries: %+v", h)
	}
	// By subject, across members, from the index.
	got, err := l.Query(Filter{Subject: "t", Limit: 100})
	if err != nil || len(got) != 25 {
		t.Fatalf("by subject: %d %v", len(got), err)
	}
	for i := 1; i < len(got); i++ {
		if got[i].Seq <= got[i-1].Seq || got[i].Subject != "t" {
			t.Fatalf("subject query out of order or wrong subject at %d", i)
		}
	}
	got, _ = l.Query(Filter{Subject: "t", Member: "N", Limit: 100})
	if len(got) != 5 || got[0].Kind != chain.KindHistory || got[0].Outcome != chain.OutcomeOK {
		t.Fatalf("by subject and member: %+v", got)
	}
	// Paging by sequence number, by member and over the whole log.
	all, _ := l.Query(Filter{Limit: 1000})
	if len(all) != 45 {
		t.Fatalf("whole log: %d", len(all))
	}
	page, _ := l.Query(Filter{After: 35, Limit: 100})
	if len(page) != 10 || page[0].Seq != 36 {
		t.Fatalf("page after 35: %d entries", len(page))
	}
	mAfter := all[20].Seq
	want := 0
	for _, e := range all {
		if e.Member == "M" && e.Seq > mAfter {
			want++
		}
	}
	page, _ = l.Query(Filter{Member: "M", After: mAfter, Limit: 100})
	if len(page) != want || (want > 0 && page[0].Seq <= mAfter) {
		t.Fatalf("member page after %d: %d entries, want %d", mAfter, len(page), want)
	}
	page, _ = l.Query(Filter{Member: "M", Limit: 3})
	if len(page) != 3 || page[0].Pos != 1 {
		t.Fatalf("limit: %+v", page)
	}
	// Export streams one member's chain in order, after a position.
	var pos []uint64
	if err := l.Export("N", 2, func(e Entry) error { pos = append(pos, e.Pos); return nil }); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(pos) != "[3 4 5]" {
		t.Fatalf("export after 2: %v", pos)
	}
}

func TestReopenContinuesTheChain(t *testing.T) {
	dir := t.TempDir()
	db := openDB(t, dir)
	l, err := Open(db)
	if err != nil {
		t.Fatal(err)
	}
	fill(t, l)
	l.Close()
	db.Close()
	db = openDB(t, dir)
	defer db.Close()
	if l, err = Open(db); err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	e := []Entry{{Client: "c", Member: "M", Subject: "u"}}
	if err := l.Append(e); err != nil {
		t.Fatal(err)
	}
	if e[0].Pos != 41 || e[0].Seq != 46 {
		t.Fatalf("after reopening: pos %d seq %d", e[0].Pos, e[0].Seq)
	}
	if n, err := l.Verify(); err != nil || n != 46 {
		t.Fatalf("verify after reopening: %d %v", n, err)
	}
}

// rewrite changes entry seq with edit and stores it back in its block,
// as someone editing the store would.
func rewrite(t *testing.T, db *badger.DB, seq uint64, edit func(*Entry)) {
	t.Helper()
	err := db.Update(func(txn *badger.Txn) error {
		r := newEntryReader(txn)
		e, err := r.get(seq)
		first, fs := r.first, r.frames
		r.close()
		if err != nil {
			return err
		}
		edit(&e)
		b, _ := json.Marshal(e)
		var block []byte
		for i, f := range fs {
			if first+uint64(i) == seq {
				f = b
			}
			block = appendFrame(block, f)
		}
		return txn.Set(entryKey(first), block)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestAnEntryWrittenAloneIsRead: an entry stored alone under its own
// number, inside a block that also holds it (only an edit of the store
// does that), is what readers see, so Verify finds the edit.
func TestAnEntryWrittenAloneIsRead(t *testing.T) {
	l, db := openLog(t)
	fill(t, l)
	all, _ := l.Query(Filter{Limit: 100})
	var inside Entry
	err := db.View(func(txn *badger.Txn) error {
		r := newEntryReader(txn)
		defer r.close()
		for _, e := range all {
			if _, err := r.get(e.Seq); err != nil {
				return err
			}
			if r.first != e.Seq && e.Member == "M" && e.Seq < all[len(all)-1].Seq {
				inside = e
				return nil
			}
		}
		return errors.New("no entry of M inside a block")
	})
	if err != nil {
		t.Fatal(err)
	}
	inside.Purpose = "loan-approval"
	b, _ := json.Marshal(inside)
	if err := db.Update(func(txn *badger.Txn) error { return txn.Set(entryKey(inside.Seq), b) }); err != nil {
		t.Fatal(err)
	}
	got, err := l.Query(Filter{After: inside.Seq - 1, Limit: 2})
	if err != nil || len(got) != 2 || got[0].Purpose != "loan-approval" || got[1].Seq != inside.Seq+1 {
		t.Fatalf("reading around an entry written alone: %+v %v", got, err)
	}
	var f *chain.Failure
	if _, err := l.Verify(); !errors.As(err, &f) || f.Pos != inside.Pos {
		t.Fatalf("an entry written alone verified: %v", err)
	}
}

func TestVerifyFindsEdits(t *testing.T) {
	l, db := openLog(t)
	fill(t, l)
	all, _ := l.Query(Filter{Member: "M", Limit: 100})
	e7 := all[6]
	rewrite(t, db, e7.Seq, func(e *Entry) { e.Purpose = "loan-approval" })
	_, err := l.Verify()
	var f *chain.Failure
	if !errors.As(err, &f) || f.Pos != 7 || f.Kind != chain.BrokenLink {
		t.Fatalf("an edited entry verified: %v", err)
	}
	// Re-hashing the public chain from the edit on is not enough: the
	// node's MACs need its key.
	prev := all[5].Hash
	for _, e := range all[6:] {
		rewrite(t, db, e.Seq, func(x *Entry) {
			if x.Pos == 7 {
				x.Purpose = "loan-approval"
			}
			x.PrevHash = prev
			x.Hash = x.Link()
			prev = x.Hash
		})
	}
	if _, err := l.Verify(); !errors.As(err, &f) || f.Pos != 7 || !strings.Contains(err.Error(), "MAC") {
		t.Fatalf("a rebuilt chain verified: %v", err)
	}
}

func TestVerifyFindsTruncation(t *testing.T) {
	l, db := openLog(t)
	fill(t, l)
	all, _ := l.Query(Filter{Member: "N", Limit: 100})
	last := all[len(all)-1]
	removeLast(t, db, last)
	if _, err := l.Verify(); err == nil || !strings.Contains(err.Error(), "removed") {
		t.Fatalf("a truncated log verified: %v", err)
	}
}

func TestAnchoredSize(t *testing.T) {
	l, _ := openLog(t)
	if n, err := l.Anchored("M"); err != nil || n != 0 {
		t.Fatalf("anchored before any: %d %v", n, err)
	}
	if err := l.SetAnchored("M", 12); err != nil {
		t.Fatal(err)
	}
	if n, _ := l.Anchored("M"); n != 12 {
		t.Fatalf("anchored = %d", n)
	}
}

// TestReadsDuringAppends: verifying and paging while entries are appended
// sees a consistent prefix, never a false "removed" or a missing key.
func TestReadsDuringAppends(t *testing.T) {
	l, _ := openLog(t)
	fill(t, l)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 300; i++ {
			if err := l.Append([]Entry{{Client: "c", Member: "M", Subject: "u"}}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		if _, err := l.Verify(); err != nil {
			t.Fatalf("verify during appends: %v", err)
		}
		if _, err := l.Query(Filter{Member: "M", After: 30, Limit: 1000}); err != nil {
			t.Fatalf("member page during appends: %v", err)
		}
	}
}

// TestEntryEncodingMatchesEncodingJSON: the writer encodes entries with
// goccy/go-json; what it stores must be byte for byte what encoding/json
// writes (readers and exports decode with it, and stored entries must not
// change form), also for text that encoding/json escapes.
func TestEntryEncodingMatchesEncodingJSON(t *testing.T) {
	for _, e := range []Entry{
		{},
		{Seq: 12, Pos: 3, Time: "2026-11-30T18:00:00.123456789Z", Client: "bank1-app", Member: "Bank1MSP",
			Subject: strings.Repeat("0f", 32), Purpose: "loan-approval", Kind: "status", Outcome: "ok", Listed: true,
			ActiveDefaults: 2, Height: 99, PrevHash: strings.Repeat("a", 64), Hash: strings.Repeat("b", 64), MAC: "c"},
		{Client: "<script>&\u2028\u2029\"\\\n\t\x01", Member: "银行 MSP", Subject: "\xff\xfe", ActiveDefaults: -1},
	} {
		want, err := json.Marshal(&e)
		if err != nil {
			t.Fatal(err)
		}
		got, err := fastjson.Marshal(&e)
		if err != nil || string(got) != string(want) {
			t.Errorf("goccy/go-json: %s %v\nencoding/json: %s", got, err, want)
		}
	}
}

// TestLargeAppendsCommitInParts: appends too large for one badger
// transaction (10,000 entries of the longest member and subject, and a
// lookup's 10,000 ordinary entries) are written whole, each in as many
// commits as it needs, and the chains verify.
func TestLargeAppendsCommitInParts(t *testing.T) {
	l, _ := openLog(t)
	long := strings.Repeat("m", maxLength)
	big := make([]Entry, 10000)
	for i := range big {
		big[i] = Entry{Client: "c", Member: long, Subject: fmt.Sprintf("%01024d", i), Purpose: "post-loan", Kind: chain.KindStatus}
	}
	lookup := make([]Entry, 10000)
	for i := range lookup {
		lookup[i] = Entry{Client: "bank1-app", Member: "Bank1MSP", Subject: fmt.Sprintf("%064x", i), Purpose: "loan-approval",
			Kind: chain.KindStatus, Listed: i%2 == 0, ActiveDefaults: i % 3, Height: 1 << 40}
	}
	for _, entries := range [][]Entry{big, lookup} {
		if err := l.Append(entries); err != nil {
			t.Fatal(err)
		}
	}
	n, err := l.Verify()
	if err != nil || n != 20000 {
		t.Fatalf("verify: %d entries, %v", n, err)
	}
	if h := l.Head(long); h.Size != 10000 || h.Hash != big[9999].Hash {
		t.Fatalf("head of the long member: %+v", h)
	}
}

// removeLast deletes entry last, the last of the log and of its member's
// chain, as someone editing the store would: its block loses its last
// entry and its member's run its last position.
func removeLast(t *testing.T, db *badger.DB, last Entry) {
	t.Helper()
	err := db.Update(func(txn *badger.Txn) error {
		r := newEntryReader(txn)
		_, err := r.get(last.Seq)
		first, fs := r.first, r.frames
		r.close()
		if err != nil {
			return err
		}
		if int(last.Seq-first) != len(fs)-1 {
			return fmt.Errorf("entry %d is not its block's last", last.Seq)
		}
		var block []byte
		for _, f := range fs[:len(fs)-1] {
			block = appendFrame(block, f)
		}
		if len(block) == 0 {
			err = txn.Delete(entryKey(first))
		} else {
			err = txn.Set(entryKey(first), block)
		}
		if err != nil {
			return err
		}
		index := memberIndex{txn, last.Member}
		start := index.runStart(last.Pos)
		item, err := txn.Get(memberKey(last.Member, start))
		if err != nil {
			return err
		}
		v, _ := item.ValueCopy(nil)
		seq, count, err := parseRun(v)
		if err != nil {
			return err
		}
		if count == 1 {
			return txn.Delete(memberKey(last.Member, start))
		}
		return txn.Set(memberKey(last.Member, start), runValue(seq, count-1))
	})
	if err != nil {
		t.Fatal(err)
	}
}
