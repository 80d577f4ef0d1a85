package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/node/alert"
	"github.com/assoc-ledger/blacklist/node/ledger"
)

func TestSignature(t *testing.T) {
	secret, body := []byte("0123456789abcdef"), []byte(`{"id":"7"}`)
	now := time.Unix(1_800_000_000, 0)
	h := Sign(secret, now, body)
	if err := Verify(secret, h, body, now.Add(time.Minute), 5*time.Minute); err != nil {
		t.Fatalf("a fresh signature: %v", err)
	}
	for name, c := range map[string]struct {
		secret, body []byte
		header       string
		at           time.Time
		want         error
	}{
		"other body":        {secret, []byte(`{"id":"8"}`), h, now, ErrBadSignature},
		"other secret":      {[]byte("fedcba9876543210"), body, h, now, ErrBadSignature},
		"no signature":      {secret, body, "t=1800000000", now, ErrBadSignature},
		"garbage":           {secret, body, "sha256=abc", now, ErrBadSignature},
		"replayed later":    {secret, body, h, now.Add(10 * time.Minute), ErrStale},
		"timestamp changed": {secret, body, "t=1800000600," + h[len("t=1800000000,"):], now.Add(10 * time.Minute), ErrBadSignature},
	} {
		if err := Verify(c.secret, c.header, c.body, c.at, 5*time.Minute); !errors.Is(err, c.want) {
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

func (s *store) Wait(ctx context.Context, after uint64) error { return s.raised.Wait(ctx, after+1) }

func (s *store) Last() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return uint64(len(s.alerts))
}

// receiver records verified deliveries and refuses while down.
type receiver struct {
	t      *testing.T
	secret []byte
	mu     sync.Mutex
	down   bool
	got    []string
	tries  int
	signal chan struct{}
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tries++
	if r.down {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	if err := Verify(r.secret, req.Header.Get(SignatureHeader), body, time.Now(), time.Minute); err != nil {
		r.t.Errorf("delivery %s: %v", req.Header.Get("X-Alert-Id"), err)
	}
	var a alert.Alert
	if err := json.Unmarshal(body, &a); err != nil || a.ID != req.Header.Get("X-Alert-Id") {
		r.t.Errorf("body %s, header id %s", body, req.Header.Get("X-Alert-Id"))
	}
	r.got = append(r.got, a.ID)
	select {
	case r.signal <- struct{}{}:
	default:
	}
}

func (r *receiver) setDown(down bool) { r.mu.Lock(); r.down = down; r.mu.Unlock() }

func (r *receiver) received() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.got...)
}

// waitFor waits until the receiver holds n alerts, or fails the test.
func (r *receiver) waitFor(n int) []string {
	r.t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		if got := r.received(); len(got) >= n {
			return got
		}
		select {
		case <-r.signal:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			r.t.Fatalf("receiver has %v, want %d alerts", r.received(), n)
		}
	}
}

func openDB(t *testing.T, dir string) *badger.DB {
	db, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func run(d *Dispatcher) (stop func()) {
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
	rcv := &receiver{t: t, secret: []byte("a-secret-of-16-bytes"), signal: make(chan struct{}, 1)}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	opts := Options{DB: db, Alerts: src, MinBackoff: 5 * time.Millisecond, MaxBackoff: 40 * time.Millisecond, FailingAfter: 100 * time.Millisecond}
	d := New(opts)
	stop := run(d)

	for _, bad := range []struct{ url, secret string }{{"ftp://x/y", "a-secret-of-16-bytes"}, {"/relative", "a-secret-of-16-bytes"}, {srv.URL, "short"}} {
		if _, err := d.Set("Bank1MSP", bad.url, bad.secret); !errors.Is(err, ErrInvalid) {
			t.Errorf("webhook %v: %v", bad, err)
		}
	}
	if _, err := d.Set("Bank1MSP", srv.URL+"/alerts", string(rcv.secret)); err != nil {
		t.Fatal(err)
	}
	src.add("Bank1MSP", 3)
	src.add("Bank2MSP", 1) // another member's: never sent here
	if got := rcv.waitFor(3); len(got) != 3 || got[0] != "3" || got[2] != "5" {
		t.Fatalf("delivered %v, want 3 4 5", got)
	}

	// The receiver goes down: alerts wait, the webhook is marked failing
	// after FailingAfter, and everything arrives once it is back.
	rcv.setDown(true)
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
	rcv.setDown(false)
	got := rcv.waitFor(7)
	if got[len(got)-1] != "10" {
		t.Fatalf("after the receiver came back: %v", got)
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
	d = New(opts)
	stop = run(d)
	defer stop()
	src.add("Bank1MSP", 1)
	got = rcv.waitFor(8)
	if len(got) != 8 || got[7] != "11" {
		t.Fatalf("after restart: %v", got)
	}
	if removed, err := d.Delete("Bank1MSP"); !removed || err != nil {
		t.Fatal(removed, err)
	}
	if _, ok, _ := d.Status("Bank1MSP"); ok {
		t.Fatal("a deleted webhook has a status")
	}
}
