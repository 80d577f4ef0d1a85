package webhook_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/node/alert"
	"github.com/assoc-ledger/blacklist/node/ledger"
	"github.com/assoc-ledger/blacklist/node/webhook"
	"github.com/assoc-ledger/blacklist/node/webhook/webhooktest"
)

func TestSignature(t *testing.T) {
	secret, body := []byte("0123456789abcdef"), []byte(`{"id":"7"}`)
	now := time.Unix(1_800_000_000, 0)
	h := webhook.Sign(secret, now, body)
	if err := webhook.Verify(secret, h, body, now.Add(time.Minute), 5*time.Minute); err != nil {
		t.Fatalf("a fresh signature: %v", err)
	}
	for name, c := range map[string]struct {
		secret, body []byte
		header       string
		at           time.Time
		want         error
	}{
		"other body":        {secret, []byte(`{"id":"8"}`), h, now, webhook.ErrBadSignature},
		"other secret":      {[]byte("fedcba9876543210"), body, h, now, webhook.ErrBadSignature},
		"no signature":      {secret, body, "t=1800000000", now, webhook.ErrBadSignature},
		"garbage":           {secret, body, "sha256=abc", now, webhook.ErrBadSignature},
		"replayed later":    {secret, body, h, now.Add(10 * time.Minute), webhook.ErrStale},
		"timestamp changed": {secret, body, "t=1800000600," + h[len("t=1800000000,"):], now.Add(10 * time.Minute), webhook.ErrBadSignature},
	} {
		if err := webhook.Verify(c.secret, c.header, c.body, c.at, 5*time.Minute); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
	}
}

// store is an alert source in memory: the dispatcher only pages and waits.
type store struct {
	mu     sync.Mutex
	alerts []alert.Alert
	raised ledger.Heights
}

func (s *store) add(member string, n int) {
	s.mu.Lock()
	for range n {
		s.alerts = append(s.alerts, alert.Alert{ID: strconv.Itoa(len(s.alerts) + 1), Member: member, Kind: alert.KindDefault})
	}
	last := uint64(len(s.alerts))
	s.mu.Unlock()
	s.raised.Set(last)
}

func (s *store) List(member string, after uint64, limit int) ([]alert.Alert, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []alert.Alert
	for _, a := range s.alerts {
		if a.Member == member && a.Seq() > after {
			if len(out) == limit {
				return out, out[len(out)-1].ID, nil
			}
			out = append(out, a)
		}
	}
	return out, "", nil
}

func (s *store) Count(member string, after uint64, bound int) (int, error) {
	all, _, err := s.List(member, after, bound)
	return len(all), err
}

func (s *store) Wait(ctx context.Context, after uint64) error { return s.raised.Wait(ctx, after+1) }

func (s *store) Last() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return uint64(len(s.alerts))
}

func openDB(t *testing.T, dir string) *badger.DB {
	db, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func run(d *webhook.Dispatcher) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	return func() { cancel(); <-done }
}

func TestDeliveryIsAtLeastOnceAndInOrder(t *testing.T) {
	dir := t.TempDir()
	db := openDB(t, dir)
	src := &store{}
	src.add("Bank1MSP", 2) // raised before the webhook existed: not sent
	rcv := webhooktest.New("a-secret-of-16-bytes")
	defer rcv.Close()
	ids := func(n int) string {
		t.Helper()
		got, err := rcv.WaitFor(n, 15*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, a := range got {
			out = append(out, a.ID)
		}
		return strings.Join(out, " ")
	}
	opts := webhook.Options{DB: db, Alerts: src, MinBackoff: 5 * time.Millisecond, MaxBackoff: 40 * time.Millisecond, FailingAfter: 100 * time.Millisecond,
		Destinations: webhooktest.Loopback()}
	d := webhook.New(opts)
	stop := run(d)

	for _, bad := range []struct{ url, secret string }{{"ftp://x/y", rcv.Secret}, {"/relative", rcv.Secret}, {rcv.URL, "short"}} {
		if _, err := d.Set("Bank1MSP", bad.url, bad.secret); !errors.Is(err, webhook.ErrInvalid) {
			t.Errorf("webhook %v: %v", bad, err)
		}
	}
	if _, err := d.Set("Bank1MSP", rcv.URL, rcv.Secret); err != nil {
		t.Fatal(err)
	}
	src.add("Bank1MSP", 3)
	src.add("Bank2MSP", 1) // another member's: never sent here
	if got := ids(3); got != "3 4 5" {
		t.Fatalf("delivered %s, want 3 4 5", got)
	}

	// The receiver goes down: alerts wait, the webhook is marked failing
	// after FailingAfter, and everything arrives once it is back.
	rcv.SetDown(true)
	src.add("Bank1MSP", 4)
	deadline := time.Now().Add(10 * time.Second)
	for {
		st, ok, err := d.Status("Bank1MSP")
		if err != nil || !ok {
			t.Fatal(ok, err)
		}
		if st.Failing {
			if st.Pending != 4 || st.LastError == "" || st.Delivered != "5" || st.FailingSince == "" {
				t.Fatalf("failing status %+v", st)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("never marked failing: %+v", st)
		}
		time.Sleep(20 * time.Millisecond)
	}
	rcv.SetDown(false)
	if got := ids(7); got != "3 4 5 7 8 9 10" {
		t.Fatalf("after the receiver came back: %s", got)
	}
	// The cursor moves just after the receiver answered.
	for st, _, _ := d.Status("Bank1MSP"); st.Delivered != "10"; st, _, _ = d.Status("Bank1MSP") {
		if time.Now().After(deadline) {
			t.Fatalf("cursor never reached 10: %+v", st)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if st, _, _ := d.Status("Bank1MSP"); st.Failing || st.Pending != 0 || st.ConsecutiveFailures != 0 || st.LastSuccess == "" {
		t.Fatalf("status after recovery %+v", st)
	}
	stop()

	// A restart resumes from the saved cursor: nothing acknowledged is
	// sent again, what is new is.
	db.Close()
	db = openDB(t, dir)
	defer db.Close()
	opts.DB = db
	d = webhook.New(opts)
	stop = run(d)
	defer stop()
	src.add("Bank2MSP", 1)
	src.add("Bank1MSP", 1)
	if got := ids(8); got != "3 4 5 7 8 9 10 12" {
		t.Fatalf("after restart: %s", got)
	}
	if all, _ := rcv.Alerts(); len(all) != 8 {
		t.Fatalf("%d deliveries of 8 alerts: something acknowledged was sent again", len(all))
	}
	if removed, err := d.Delete("Bank1MSP"); !removed || err != nil {
		t.Fatal(removed, err)
	}
	if _, ok, _ := d.Status("Bank1MSP"); ok {
		t.Fatal("a deleted webhook has a status")
	}
}
