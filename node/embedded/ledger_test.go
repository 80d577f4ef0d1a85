package embedded

import (
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/chaincode/state"
	"github.com/assoc-ledger/blacklist/node/badgerstate"
)

const (
	assoc = "AssocMSP"
	bank1 = "Bank1MSP"
)

func hexOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// consortium initialises l with the association and Bank1 (a reporter and
// querier) and returns Bank1's signing key.
func consortium(t testing.TB, l *Ledger) *ecdsa.PrivateKey {
	ctx := context.Background()
	if _, err := l.Submit(ctx, assoc, "Init", mustJSON(contract.InitRequest{Association: assoc, LegalName: "Association"})); err != nil {
		t.Fatal(err)
	}
	k, err := attestation.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	pem, err := attestation.MarshalPublicKeyPEM(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	_, err = l.Submit(ctx, assoc, "AdmitMember", mustJSON(contract.AdmitMemberRequest{MSPID: bank1, LegalName: "Bank One",
		CreditCode: "91350100M000100Y43", Roles: []string{"reporter", "querier"}, Keys: []contract.KeyRequest{{KID: "k1", PublicKey: pem}}}))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// signedDefault is Bank1's default on the loan numbered n.
func signedDefault(t testing.TB, k *ecdsa.PrivateKey, n int) (jws, id string) {
	dpd, amount := 120, int64(10000+n)
	p := &attestation.Payload{V: 1, Type: attestation.TypeDefault, Reporter: bank1, Subject: hexOf(fmt.Sprint("subject", n%1000)),
		IssuedAt: "2026-01-10T08:00:00Z", LoanRef: hexOf(fmt.Sprint("loan", n)), Product: "consumer", Amount: &amount,
		Currency: "CNY", OverdueSince: "2025-09-01", DaysPastDue: &dpd, NoticeDate: "2025-10-01"}
	jws, id, err := attestation.Sign(p, k, "k1")
	if err != nil {
		t.Fatal(err)
	}
	return jws, id
}

func submitBatch(ctx context.Context, l *Ledger, jws ...string) (contract.SubmitResult, Result, error) {
	var r contract.SubmitResult
	res, err := l.Submit(ctx, bank1, "SubmitAttestations", mustJSON(contract.SubmitRequest{Attestations: jws}))
	if err == nil {
		err = json.Unmarshal(res.Payload, &r)
	}
	return r, res, err
}

func openTemp(t testing.TB, dir string) *Ledger {
	l, err := Open(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestSubmitEvaluateReopen(t *testing.T) {
	dir := t.TempDir()
	l := openTemp(t, dir)
	k := consortium(t, l)
	ctx := context.Background()
	jws, id := signedDefault(t, k, 1)
	r, res, err := submitBatch(ctx, l, jws)
	if err != nil || r.Accepted != 1 || res.Height != 3 || res.TxID == "" {
		t.Fatalf("submit: %+v %+v %v", r, res, err)
	}
	// A refused transaction commits nothing and does not advance the height.
	if _, err := l.Submit(ctx, bank1, "AdmitMember", []byte(`{}`)); err == nil {
		t.Fatal("bank admitted a member")
	}
	if _, err := l.Submit(ctx, bank1, "SubjectStatus", nil); err == nil {
		t.Fatal("a query was submitted")
	}
	if _, err := l.Evaluate(bank1, "SubmitAttestations", nil); err == nil {
		t.Fatal("a write was evaluated")
	}
	if h := l.Head().Height; h != 3 {
		t.Fatalf("height after refusal = %d", h)
	}
	q, err := l.Evaluate(bank1, "GetAttestation", mustJSON(contract.IDRequest{ID: id}))
	if err != nil || q.Height != 3 || !strings.Contains(string(q.Payload), jws) {
		t.Fatalf("evaluate: %+v %v", q, err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Submit(ctx, bank1, "SubmitAttestations", nil); err != ErrClosed {
		t.Fatalf("submit after close: %v", err)
	}

	l = openTemp(t, dir)
	defer l.Close()
	if h := l.Head(); h.Height != 3 {
		t.Fatalf("reopened at %+v", h)
	}
	rep, err := l.Verify()
	if err != nil || rep.Height != 3 || rep.Keys == 0 {
		t.Fatalf("verify: %+v %v", rep, err)
	}
	if _, err := l.Evaluate(bank1, "GetAttestation", mustJSON(contract.IDRequest{ID: id})); err != nil {
		t.Fatal(err)
	}
}

func TestConcurrentSubmitsShareCommits(t *testing.T) {
	l := openTemp(t, t.TempDir())
	defer l.Close()
	k := consortium(t, l)
	const workers, each = 8, 25
	var wg sync.WaitGroup
	heights := make(chan uint64, workers*each)
	errs := make(chan error, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				jws, _ := signedDefault(t, k, w*each+i)
				r, res, err := submitBatch(context.Background(), l, jws)
				if err == nil && r.Accepted != 1 {
					err = fmt.Errorf("not accepted: %+v", r.Results[0])
				}
				if err != nil {
					errs <- err
					return
				}
				heights <- res.Height
			}
		}(w)
	}
	wg.Wait()
	close(heights)
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	seen := map[uint64]bool{}
	for h := range heights {
		if seen[h] {
			t.Fatalf("height %d given twice", h)
		}
		seen[h] = true
	}
	if got := l.Head().Height; got != 2+workers*each {
		t.Fatalf("head %d, want %d", got, 2+workers*each)
	}
	if _, err := l.Verify(); err != nil {
		t.Fatal(err)
	}
}

func TestWaitForHeight(t *testing.T) {
	l := openTemp(t, t.TempDir())
	defer l.Close()
	done := make(chan error, 1)
	go func() { done <- l.WaitForHeight(context.Background(), 2) }()
	consortium(t, l)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := l.WaitForHeight(ctx, 100); err != context.DeadlineExceeded {
		t.Fatalf("wait for a height never reached: %v", err)
	}
}

func TestClockNeverGoesBackwards(t *testing.T) {
	times := []time.Time{time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)}
	var mu sync.Mutex
	i := 0
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t := times[min(i, len(times)-1)]
		i++
		return t
	}
	l, err := Open(Options{InMemory: true, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	consortium(t, l)
	var e1, e2 Entry
	readEntry(t, l, 1, &e1)
	readEntry(t, l, 2, &e2)
	if e2.Time < e1.Time || e1.Time != "2026-05-01T00:00:00Z" {
		t.Fatalf("times %s then %s", e1.Time, e2.Time)
	}
}

func readEntry(t testing.TB, l *Ledger, h uint64, e *Entry) {
	err := l.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(logKey(h))
		if err != nil {
			return err
		}
		return item.Value(func(v []byte) error { return json.Unmarshal(v, e) })
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestVerifyDetectsTampering edits the store behind the ledger's back in
// each way that matters and expects Verify to notice.
func TestVerifyDetectsTampering(t *testing.T) {
	cases := []struct {
		name   string
		tamper func(txn *badger.Txn, l *Ledger) error
		want   string
	}{
		{"state value edited", func(txn *badger.Txn, l *Ledger) error {
			return firstKey(txn, 's', func(k []byte) error { return txn.Set(k, []byte(`{"forged":true}`)) })
		}, "differs from the log"},
		{"state key deleted", func(txn *badger.Txn, l *Ledger) error {
			return firstKey(txn, 's', func(k []byte) error { return txn.Delete(k) })
		}, "missing from the state"},
		{"state key added", func(txn *badger.Txn, l *Ledger) error {
			return txn.Set(badgerstate.Key("\x00member\x00Forged\x00"), []byte(`{}`))
		}, "never written"},
		{"entry write set edited", func(txn *badger.Txn, l *Ledger) error {
			return editEntry(txn, 3, func(e *Entry) { e.Writes[0].Value = []byte(`{}`) })
		}, "write set does not match"},
		{"entry rehashed after edit", func(txn *badger.Txn, l *Ledger) error {
			return editEntry(txn, 2, func(e *Entry) {
				e.Creator = "Bank1MSP"
				e.Hash = e.computeHash()
			})
		}, "previous hash does not match entry 2"},
		{"entry removed", func(txn *badger.Txn, l *Ledger) error { return txn.Delete(logKey(2)) }, "gap"},
		{"status shadow edited", func(txn *badger.Txn, l *Ledger) error {
			return firstKey(txn, badgerstate.ShadowPrefix[0], func(k []byte) error { return txn.Set(k, []byte(`{"id":"forged"}`)) })
		}, "status shadow differs"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, err := Open(Options{InMemory: true})
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			k := consortium(t, l)
			jws, _ := signedDefault(t, k, 7)
			if _, _, err := submitBatch(context.Background(), l, jws); err != nil {
				t.Fatal(err)
			}
			if _, err := l.Verify(); err != nil {
				t.Fatalf("before tampering: %v", err)
			}
			if err := l.db.Update(func(txn *badger.Txn) error { return c.tamper(txn, l) }); err != nil {
				t.Fatal(err)
			}
			_, err = l.Verify()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("verify after tampering: %v, want %q", err, c.want)
			}
		})
	}
}

func firstKey(txn *badger.Txn, prefix byte, fn func(k []byte) error) error {
	var key []byte
	if err := badgerstate.Scan(txn, []byte{prefix}, func(k, _ []byte) error {
		key = k
		return state.ErrStop
	}); err != nil {
		return err
	}
	return fn(key)
}

func editEntry(txn *badger.Txn, h uint64, edit func(*Entry)) error {
	item, err := txn.Get(logKey(h))
	if err != nil {
		return err
	}
	var e Entry
	if err := item.Value(func(v []byte) error { return json.Unmarshal(v, &e) }); err != nil {
		return err
	}
	edit(&e)
	return txn.Set(logKey(h), mustJSON(e))
}

// A transaction that writes nothing and emits no event (a batch of garbage
// or of repeats) is answered but not committed: no log entry, no new
// height, the chain verifies.
func TestUnchangedTransactionsAreNotCommitted(t *testing.T) {
	dir := t.TempDir()
	l := openTemp(t, dir)
	ctx := context.Background()
	k := consortium(t, l)
	jws, _ := signedDefault(t, k, 1)
	r, first, err := submitBatch(ctx, l, jws)
	if err != nil || r.Accepted != 1 || first.Unchanged {
		t.Fatalf("first: %+v %+v %v", r, first, err)
	}
	h := l.Height()
	other, _ := signedDefault(t, k, 2)
	r, res, err := submitBatch(ctx, l, "garbage", jws, other[:len(other)-8]+"AAAAAAAA")
	if err != nil || r.Accepted != 0 || r.Duplicates != 1 || r.Rejected != 2 {
		t.Fatalf("garbage batch: %+v %v", r, err)
	}
	if !res.Unchanged || res.TxID != "" || res.Height != h || l.Height() != h {
		t.Fatalf("garbage batch committed: result %+v, height %d, was %d", res, l.Height(), h)
	}
	// Nothing to purge writes nothing either.
	if res, err := l.Submit(ctx, assoc, "PurgeExpired", mustJSON(contract.PurgeRequest{Limit: 10})); err != nil || !res.Unchanged || l.Height() != h {
		t.Fatalf("empty purge: %+v %v, height %d", res, err, l.Height())
	}
	// A group mixing the two commits only the change, in order.
	var wg sync.WaitGroup
	results := make([]Result, 2)
	for i, batch := range [][]string{{"garbage"}, {other}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, results[i], _ = submitBatch(ctx, l, batch...)
		}()
	}
	wg.Wait()
	if !results[0].Unchanged || results[1].Unchanged || results[1].Height != h+1 || l.Height() != h+1 {
		t.Fatalf("mixed group: %+v, height %d", results, l.Height())
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l = openTemp(t, dir)
	defer l.Close()
	if l.Height() != h+1 {
		t.Fatalf("height %d after reopening, want %d", l.Height(), h+1)
	}
	if _, err := l.Verify(); err != nil {
		t.Fatalf("verify: %v", err)
	}
}
