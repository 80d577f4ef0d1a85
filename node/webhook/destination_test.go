package webhook_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/node/webhook"
	"github.com/assoc-ledger/blacklist/node/webhook/webhooktest"
)

// TestSetRefusesInternalDestinations: a member cannot point its webhook at
// the node itself, its network or the cloud metadata service, whatever the
// spelling, nor put credentials or a fragment in the URL.
func TestSetRefusesInternalDestinations(t *testing.T) {
	src := &store{}
	d := webhook.New(webhook.Options{DB: openDB(t, t.TempDir()), Alerts: src})
	const secret = "a-secret-of-16-bytes"
	for _, u := range []string{
		"ftp://alerts.example/hook",
		"file:///etc/passwd",
		"gopher://alerts.example/",
		"http://user:pass@alerts.example/hook",
		"https://token@alerts.example/hook",
		"https://alerts.example/hook#frag",
		"http://127.0.0.1:8080/v1/admin",
		"http://127.0.0.2/",
		"http://[::1]:8080/",
		"http://localhost:8080/",
		"http://api.localhost/",
		"http://0x7f000001/",
		"http://2130706433/",
		"http://0177.0.0.1/",
		"http://127.1/",
		"http://0/",
		"http://0.0.0.0:8080/",
		"http://[::]/",
		"http://10.1.2.3/",
		"http://172.16.0.1/",
		"http://192.168.1.1/",
		"http://100.64.0.1/",
		"http://169.254.169.254/latest/meta-data/",
		"http://[fe80::1]/",
		"http://[fe80::1%25eth0]/",
		"http://[fd00::1]/",
		"http://[fc00::1]/",
		"http://224.0.0.1/",
		"http://[ff02::1]/",
		"http://255.255.255.255/",
		"http://[::ffff:127.0.0.1]/",
		"http://[::ffff:7f00:1]/",
		"http://[::ffff:169.254.169.254]/",
		"http://[::ffff:10.0.0.1]/",
		"http://[64:ff9b::a9fe:a9fe]/",
	} {
		_, err := d.Set("Bank1MSP", u, secret)
		if !errors.Is(err, webhook.ErrDestinationRefused) || !errors.Is(err, webhook.ErrInvalid) {
			t.Errorf("%s: %v, want a refused destination", u, err)
		}
	}
	// Public destinations stay allowed (a name that does not resolve now
	// is accepted: the check at connect time still applies).
	for _, u := range []string{"https://203.0.113.7/hook", "https://[2001:db8::7]/hook", "https://alerts.bank1.example/blacklist"} {
		if _, err := d.Set("Bank1MSP", u, secret); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
}

// TestNoRedirects: a receiver answering 307 to another (internal) path is
// a failed delivery; the body is not replayed to the redirect target.
func TestNoRedirects(t *testing.T) {
	var redirected atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/hook", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/internal", http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/internal", func(w http.ResponseWriter, r *http.Request) {
		redirected.Add(1)
		w.WriteHeader(http.StatusNoContent)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	src := &store{}
	d := webhook.New(webhook.Options{DB: openDB(t, t.TempDir()), Alerts: src, MinBackoff: 5 * time.Millisecond,
		MaxBackoff: 10 * time.Millisecond, Destinations: webhooktest.Loopback()})
	stop := run(d)
	defer stop()
	if _, err := d.Set("Bank1MSP", srv.URL+"/hook", "a-secret-of-16-bytes"); err != nil {
		t.Fatal(err)
	}
	src.add("Bank1MSP", 1)
	st := waitStatus(t, d, "Bank1MSP", func(st webhook.Status) bool { return st.ConsecutiveFailures >= 3 })
	if st.LastError != webhook.ClassRedirect || st.Delivered != "0" {
		t.Fatalf("status %+v, want failures of class %q and nothing delivered", st, webhook.ClassRedirect)
	}
	if n := redirected.Load(); n != 0 {
		t.Fatalf("the redirect target got %d requests", n)
	}
}

// TestMemberSeesFailureClassOnly: the raw error (addresses, ports,
// "connection refused") goes to the operator's log, not to the status the
// member reads.
func TestMemberSeesFailureClassOnly(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	closedURL := srv.URL + "/hook"
	srv.Close() // nothing listens there any more
	var logged atomic.Value
	logged.Store("")
	src := &store{}
	d := webhook.New(webhook.Options{DB: openDB(t, t.TempDir()), Alerts: src, MinBackoff: 5 * time.Millisecond,
		MaxBackoff: 10 * time.Millisecond, Destinations: webhooktest.Loopback(),
		Logf: func(format string, args ...any) {
			logged.Store(logged.Load().(string) + "\n" + fmt.Sprintf(format, args...))
		}})
	stop := run(d)
	defer stop()
	if _, err := d.Set("Bank1MSP", closedURL, "a-secret-of-16-bytes"); err != nil {
		t.Fatal(err)
	}
	src.add("Bank1MSP", 1)
	st := waitStatus(t, d, "Bank1MSP", func(st webhook.Status) bool { return st.ConsecutiveFailures >= 2 })
	if st.LastError != webhook.ClassConnectionFailed {
		t.Fatalf("lastError %q, want the class %q", st.LastError, webhook.ClassConnectionFailed)
	}
	if log := logged.Load().(string); !strings.Contains(log, "refused") {
		t.Fatalf("the operator log lacks the raw error:%s", log)
	}

	// A receiver answering 500 and 404 is reported as http-5xx / http-4xx.
	for code, class := range map[int]string{500: webhook.ClassHTTP5xx, 404: webhook.ClassHTTP4xx} {
		rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(code) }))
		if _, err := d.Set("Bank1MSP", rcv.URL, "a-secret-of-16-bytes"); err != nil {
			t.Fatal(err)
		}
		st := waitStatus(t, d, "Bank1MSP", func(st webhook.Status) bool { return st.ConsecutiveFailures >= 1 })
		rcv.Close()
		if st.LastError != class {
			t.Errorf("answer %d: lastError %q, want %q", code, st.LastError, class)
		}
	}
	// A certificate the node does not trust is a tls failure.
	tlsRcv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer tlsRcv.Close()
	if _, err := d.Set("Bank1MSP", tlsRcv.URL, "a-secret-of-16-bytes"); err != nil {
		t.Fatal(err)
	}
	if st := waitStatus(t, d, "Bank1MSP", func(st webhook.Status) bool { return st.ConsecutiveFailures >= 1 }); st.LastError != webhook.ClassTLS {
		t.Errorf("untrusted certificate: lastError %q, want %q", st.LastError, webhook.ClassTLS)
	}
}

// TestTimeoutClass: a receiver that does not answer within Options.Timeout
// is a timeout.
func TestTimeoutClass(t *testing.T) {
	release := make(chan struct{})
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }))
	defer rcv.Close()
	defer close(release)
	src := &store{}
	d := webhook.New(webhook.Options{DB: openDB(t, t.TempDir()), Alerts: src, Timeout: 50 * time.Millisecond, MinBackoff: 5 * time.Millisecond,
		MaxBackoff: 10 * time.Millisecond, Destinations: webhooktest.Loopback()})
	stop := run(d)
	defer stop()
	if _, err := d.Set("Bank1MSP", rcv.URL, "a-secret-of-16-bytes"); err != nil {
		t.Fatal(err)
	}
	src.add("Bank1MSP", 1)
	if st := waitStatus(t, d, "Bank1MSP", func(st webhook.Status) bool { return st.ConsecutiveFailures >= 1 }); st.LastError != webhook.ClassTimeout {
		t.Fatalf("lastError %q, want %q", st.LastError, webhook.ClassTimeout)
	}
}

// TestConnectTimeCheck: the address actually dialled is checked, so a
// name that resolved to a public address when the webhook was set and to
// an internal one later (DNS rebinding), or a webhook stored before the
// operator withdrew an allowance, is refused when connecting.
func TestConnectTimeCheck(t *testing.T) {
	dir := t.TempDir()
	db := openDB(t, dir)
	defer db.Close()
	rcv := webhooktest.New("a-secret-of-16-bytes")
	defer rcv.Close()
	src := &store{}
	d := webhook.New(webhook.Options{DB: db, Alerts: src, Destinations: webhooktest.Loopback()})
	// Set through "localhost": allowed here by name, resolved when
	// dialling.
	if _, err := d.Set("Bank1MSP", strings.Replace(rcv.URL, "127.0.0.1", "localhost", 1), rcv.Secret); err != nil {
		t.Fatal(err)
	}
	// The same store under a dispatcher without the allowance.
	d = webhook.New(webhook.Options{DB: db, Alerts: src, MinBackoff: 5 * time.Millisecond, MaxBackoff: 10 * time.Millisecond})
	stop := run(d)
	defer stop()
	src.add("Bank1MSP", 1)
	st := waitStatus(t, d, "Bank1MSP", func(st webhook.Status) bool { return st.ConsecutiveFailures >= 2 })
	if st.LastError != webhook.ClassDestinationRefused {
		t.Fatalf("lastError %q, want %q", st.LastError, webhook.ClassDestinationRefused)
	}
	if n := rcv.Tries(); n != 0 {
		t.Fatalf("the receiver got %d requests", n)
	}
}

func waitStatus(t *testing.T, d *webhook.Dispatcher, member string, ok func(webhook.Status) bool) webhook.Status {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		st, found, err := d.Status(member)
		if err != nil {
			t.Fatal(err)
		}
		if found && ok(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("status never matched: %+v", st)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestHoldWhileInactive: while Options.Active says the member is not
// active its alerts stay queued, neither sent nor dropped, and delivery
// resumes in order once it is active again. An error asking is a hold too.
func TestHoldWhileInactive(t *testing.T) {
	var active atomic.Bool
	var askErr atomic.Bool
	rcv := webhooktest.New("a-secret-of-16-bytes")
	defer rcv.Close()
	src := &store{}
	d := webhook.New(webhook.Options{DB: openDB(t, t.TempDir()), Alerts: src, MinBackoff: 5 * time.Millisecond,
		MaxBackoff: 10 * time.Millisecond, Destinations: webhooktest.Loopback(), HoldRecheck: time.Hour,
		Active: func(member string) (bool, error) {
			if member != "Bank1MSP" {
				t.Errorf("asked about %s", member)
			}
			if askErr.Load() {
				return true, errors.New("status unknown")
			}
			return active.Load(), nil
		}})
	stop := run(d)
	defer stop()
	if _, err := d.Set("Bank1MSP", rcv.URL, rcv.Secret); err != nil {
		t.Fatal(err)
	}
	src.add("Bank1MSP", 2)
	st := waitStatus(t, d, "Bank1MSP", func(st webhook.Status) bool { return st.Held })
	if n := rcv.Tries(); n != 0 || st.Pending != 2 || st.Delivered != "0" || st.ConsecutiveFailures != 0 {
		t.Fatalf("held: %d requests, status %+v", n, st)
	}
	active.Store(true)
	d.Recheck("Bank1MSP")
	if got, err := rcv.WaitFor(2, 10*time.Second); err != nil || got[0].ID != "1" || got[1].ID != "2" {
		t.Fatalf("after reinstatement: %v %v", got, err)
	}
	waitStatus(t, d, "Bank1MSP", func(st webhook.Status) bool { return !st.Held && st.Delivered == "2" })

	// Not knowing the member's status holds delivery as well.
	askErr.Store(true)
	src.add("Bank1MSP", 1)
	st = waitStatus(t, d, "Bank1MSP", func(st webhook.Status) bool { return st.Held })
	if n := rcv.Tries(); n != 2 || st.Pending != 1 {
		t.Fatalf("held on error: %d requests, status %+v", n, st)
	}
	askErr.Store(false)
	d.Recheck("Bank1MSP")
	if got, err := rcv.WaitFor(3, 10*time.Second); err != nil || got[2].ID != "3" {
		t.Fatalf("after the status was known again: %v %v", got, err)
	}
}
