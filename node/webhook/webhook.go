// Package webhook delivers each member's alerts to an HTTP receiver of its
// own: one POST per alert, the alert's JSON as body, signed with the
// member's secret (see SignatureHeader).
//
// Delivery is at least once. The alerts themselves are the outbox: they
// are stored before anything is sent, and each member's webhook keeps the
// id of the last alert its receiver acknowledged (a 2xx answer) in the
// node's store. A worker per member sends the alerts after that id in
// order; a failure is retried with exponential backoff and jitter, and the
// cursor moves only after an acknowledgement, so a receiver that was down,
// or a node killed between storing an alert and sending it, gets every
// alert later. A crash right after a receiver acknowledged but before the
// cursor was saved sends that alert again with the same id (X-Alert-Id):
// receivers drop duplicates by id.
//
// A receiver that has refused or not answered for longer than
// Options.FailingAfter is marked failing; Status reports it for /readyz and
// the metrics until a delivery succeeds. The member sees only the class of
// the last failure (Class*), never the error itself: an error text such as
// "dial tcp 10.0.0.5:22: connection refused" would make the webhook a port
// scanner. The operator's log (Options.Logf) has the whole error.
//
// Destinations are checked by package dest when a webhook is set and again
// on every connection; redirects are not followed. While Options.Active
// says a member is not active (suspended, expelled), its alerts wait:
// nothing is sent and nothing is dropped.
//
// Keys in the node store (package store): "wh/<member>" the configuration
// (URL, secret), "whc/<member>" the cursor.
package webhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/internal/backoff"
	"github.com/assoc-ledger/blacklist/node/alert"
	"github.com/assoc-ledger/blacklist/node/store"
	"github.com/assoc-ledger/blacklist/node/webhook/dest"
)

// Alerts is what a webhook reads: the node's alert store (alert.Monitor).
type Alerts interface {
	List(member string, after uint64, limit int) ([]alert.Alert, string, error)
	Count(member string, after uint64, bound int) (int, error)
	Wait(ctx context.Context, after uint64) error
	Last() uint64
}

// Options tune delivery; zero values take the defaults.
type Options struct {
	DB     *badger.DB
	Alerts Alerts
	// Destinations allows internal receivers beyond the public internet
	// (see package dest); nil allows none.
	Destinations *dest.Policy
	// Timeout bounds one delivery, connection included (default 10 s).
	Timeout time.Duration
	// MinBackoff and MaxBackoff bound the wait between attempts
	// (defaults 1 s and 5 min); each failure doubles it, and each wait is
	// drawn from the upper half of that (package backoff).
	MinBackoff, MaxBackoff time.Duration
	// FailingAfter is how long a receiver may fail before it is marked
	// failing (default 5 min).
	FailingAfter time.Duration
	// Active, when set, is asked before every delivery attempt whether
	// member may receive alerts; while it says no, or fails, the member's
	// alerts stay queued. A held worker asks again after HoldRecheck
	// (default 30 s) or when Recheck wakes it.
	Active      func(member string) (bool, error)
	HoldRecheck time.Duration
	Logf        func(format string, args ...any)
}

// Failure classes: what a member is told of a failed delivery
// (Status.LastError).
const (
	ClassDestinationRefused = "destination-refused"
	ClassConnectionFailed   = "connection-failed"
	ClassTimeout            = "timeout"
	ClassTLS                = "tls"
	ClassRedirect           = "redirect"
	ClassHTTP4xx            = "http-4xx"
	ClassHTTP5xx            = "http-5xx"
	ClassHTTPOther          = "http-other"
)

// MinSecret is the shortest secret accepted.
const MinSecret = 16

// Config is a member's webhook.
type Config struct {
	URL       string `json:"url"`
	Secret    string `json:"secret"`
	CreatedAt string `json:"createdAt"`
}

// Status is what the node knows of a member's webhook; it never holds the
// secret.
type Status struct {
	Member string `json:"member"`
	URL    string `json:"url"`
	// Delivered is the id of the last alert the receiver acknowledged.
	Delivered string `json:"delivered"`
	// Pending counts alerts raised and not yet acknowledged.
	Pending             int    `json:"pending"`
	Failing             bool   `json:"failing"`
	FailingSince        string `json:"failingSince,omitempty"`
	ConsecutiveFailures int    `json:"consecutiveFailures"`
	// LastError is the class of the last failure (Class*), not its text.
	LastError   string `json:"lastError,omitempty"`
	LastSuccess string `json:"lastSuccess,omitempty"`
	// Held is true while delivery waits because the member is not active.
	Held bool `json:"held,omitempty"`
	// Deliveries and Failures count attempts since the node started.
	Deliveries int64 `json:"deliveries"`
	Failures   int64 `json:"failures"`
}

// Dispatcher runs one delivery worker per configured member.
type Dispatcher struct {
	opts   Options
	client *http.Client

	mu      sync.Mutex
	ctx     context.Context
	workers map[string]*worker
	wg      sync.WaitGroup
}

type worker struct {
	member string
	cfg    Config
	cancel context.CancelFunc
	wake   chan struct{}

	mu        sync.Mutex
	st        Status
	firstFail time.Time
}

// ErrInvalid is wrapped by errors of a configuration refused for its
// content.
var ErrInvalid = errors.New("invalid webhook")

// ErrDestinationRefused is wrapped, with ErrInvalid, by errors of a URL
// the destination policy refuses (dest.ErrRefused).
var ErrDestinationRefused = dest.ErrRefused

// New returns a dispatcher; Run starts its workers.
func New(opts Options) *Dispatcher {
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.HoldRecheck <= 0 {
		opts.HoldRecheck = 30 * time.Second
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = time.Second
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 5 * time.Minute
	}
	if opts.FailingAfter <= 0 {
		opts.FailingAfter = 5 * time.Minute
	}
	if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	return &Dispatcher{opts: opts, client: opts.Destinations.Client(opts.Timeout), workers: map[string]*worker{}}
}

func configKey(member string) []byte { return store.Webhooks.Key(member) }
func cursorKey(member string) []byte { return store.WebhookCursors.Key(member) }

// Run starts a worker for every stored configuration and keeps the
// dispatcher serving until ctx ends; it returns when every worker stopped.
func (d *Dispatcher) Run(ctx context.Context) error {
	// Reading the configurations under the lock means a Set racing with
	// Run is either read here or starts its own worker after.
	d.mu.Lock()
	configs := map[string]Config{}
	err := d.opts.DB.View(func(txn *badger.Txn) error {
		return store.ScanJSON(txn, store.Webhooks.Bytes(), nil, func(member []byte, c Config) error {
			configs[string(member)] = c
			return nil
		})
	})
	if err != nil {
		d.mu.Unlock()
		return fmt.Errorf("webhooks: %w", err)
	}
	d.ctx = ctx
	for member, c := range configs {
		d.start(member, c)
	}
	d.mu.Unlock()
	<-ctx.Done()
	d.wg.Wait()
	d.client.CloseIdleConnections()
	return nil
}

// start launches member's worker; called with d.mu held.
func (d *Dispatcher) start(member string, c Config) {
	if old := d.workers[member]; old != nil {
		old.cancel()
	}
	if d.ctx == nil {
		return
	}
	ctx, cancel := context.WithCancel(d.ctx)
	w := &worker{member: member, cfg: c, cancel: cancel, wake: make(chan struct{}, 1), st: Status{Member: member, URL: c.URL}}
	d.workers[member] = w
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		d.deliver(ctx, w)
	}()
}

// Set configures member's webhook. A member's first webhook starts after
// the alerts raised so far; changing the URL or secret keeps the cursor,
// so nothing pending is skipped.
func (d *Dispatcher) Set(member, rawURL, secret string) (Status, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	u, err := d.opts.Destinations.CheckURL(ctx, rawURL)
	cancel()
	if err != nil {
		return Status{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if len(secret) < MinSecret {
		return Status{}, fmt.Errorf("%w: secret must be at least %d bytes", ErrInvalid, MinSecret)
	}
	c := Config{URL: u.String(), Secret: secret, CreatedAt: time.Now().UTC().Format(time.RFC3339)}
	b, err := json.Marshal(c)
	if err != nil {
		return Status{}, err
	}
	last := d.opts.Alerts.Last()
	err = d.opts.DB.Update(func(txn *badger.Txn) error {
		if has, err := store.Has(txn, cursorKey(member)); err != nil {
			return err
		} else if !has {
			if err := txn.Set(cursorKey(member), store.Uint64Bytes(last)); err != nil {
				return err
			}
		}
		return txn.Set(configKey(member), b)
	})
	if err != nil {
		return Status{}, err
	}
	d.mu.Lock()
	d.start(member, c)
	d.mu.Unlock()
	st, _, err := d.Status(member)
	return st, err
}

// Recheck wakes member's worker if it is holding delivery, so that it asks
// Options.Active again now rather than after HoldRecheck.
func (d *Dispatcher) Recheck(member string) {
	d.mu.Lock()
	w := d.workers[member]
	d.mu.Unlock()
	if w == nil {
		return
	}
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Delete removes member's webhook and its cursor; removed reports whether
// there was one.
func (d *Dispatcher) Delete(member string) (removed bool, err error) {
	err = d.opts.DB.Update(func(txn *badger.Txn) error {
		has, err := store.Has(txn, configKey(member))
		if err != nil || !has {
			return err
		}
		removed = true
		if err := txn.Delete(configKey(member)); err != nil {
			return err
		}
		return txn.Delete(cursorKey(member))
	})
	if err != nil {
		return false, err
	}
	d.mu.Lock()
	if w := d.workers[member]; w != nil {
		w.cancel()
		delete(d.workers, member)
	}
	d.mu.Unlock()
	return removed, nil
}

// Status returns member's webhook status; ok is false when it has none.
func (d *Dispatcher) Status(member string) (Status, bool, error) {
	d.mu.Lock()
	w := d.workers[member]
	d.mu.Unlock()
	if w == nil {
		return Status{}, false, nil
	}
	w.mu.Lock()
	st := w.st
	w.mu.Unlock()
	cursor, err := d.cursor(member)
	if err != nil {
		return st, true, err
	}
	st.Delivered = strconv.FormatUint(cursor, 10)
	// Counted up to a bound: a status needs to show a backlog, not to
	// count a million.
	st.Pending, err = d.opts.Alerts.Count(member, cursor, 100000)
	return st, true, err
}

// Statuses returns every webhook's status, by member.
func (d *Dispatcher) Statuses() ([]Status, error) {
	d.mu.Lock()
	members := make([]string, 0, len(d.workers))
	for m := range d.workers {
		members = append(members, m)
	}
	d.mu.Unlock()
	sort.Strings(members)
	out := make([]Status, 0, len(members))
	for _, m := range members {
		st, ok, err := d.Status(m)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, st)
		}
	}
	return out, nil
}

func (d *Dispatcher) cursor(member string) (uint64, error) {
	var n uint64
	_, err := store.View(d.opts.DB, cursorKey(member), store.Uint64(&n))
	return n, err
}

// deliver sends member's alerts in order until ctx ends.
func (d *Dispatcher) deliver(ctx context.Context, w *worker) {
	// One backoff for the worker: store errors and failed deliveries both
	// slow it down, and an acknowledged alert resets it.
	bo := backoff.New(d.opts.MinBackoff, d.opts.MaxBackoff)
	for ctx.Err() == nil {
		cursor, err := d.cursor(w.member)
		if err != nil {
			wait := bo.Next()
			d.opts.Logf("webhook %s: %v; retrying in %s", w.member, err, wait)
			_ = backoff.Sleep(ctx, wait)
			continue
		}
		last := d.opts.Alerts.Last()
		page, _, err := d.opts.Alerts.List(w.member, cursor, 100)
		if err != nil {
			wait := bo.Next()
			d.opts.Logf("webhook %s: %v; retrying in %s", w.member, err, wait)
			_ = backoff.Sleep(ctx, wait)
			continue
		}
		if len(page) == 0 {
			_ = d.opts.Alerts.Wait(ctx, last)
			continue
		}
		for _, a := range page {
			for ctx.Err() == nil {
				if !d.active(ctx, w) {
					continue
				}
				err := d.post(ctx, w.cfg, a)
				if err == nil {
					break
				}
				if ctx.Err() != nil {
					return
				}
				class := classify(err)
				w.failed(class, d.opts.FailingAfter)
				wait := bo.Next()
				d.opts.Logf("webhook %s: alert %s: %s: %v; next attempt in %s", w.member, a.ID, class, err, wait)
				_ = backoff.Sleep(ctx, wait)
			}
			if ctx.Err() != nil {
				return
			}
			bo.Reset()
			w.succeeded()
			if err := d.opts.DB.Update(func(txn *badger.Txn) error {
				return txn.Set(cursorKey(w.member), store.Uint64Bytes(a.Seq()))
			}); err != nil {
				// The alert will be sent again: at least once.
				d.opts.Logf("webhook %s: saving the cursor: %v", w.member, err)
				break
			}
		}
	}
}

// active asks Options.Active whether w's member may receive alerts now;
// when not, it marks the worker held and waits for HoldRecheck, a Recheck
// or the end of ctx before answering false (the caller asks again).
func (d *Dispatcher) active(ctx context.Context, w *worker) bool {
	if d.opts.Active == nil {
		return true
	}
	ok, err := d.opts.Active(w.member)
	if err != nil {
		d.opts.Logf("webhook %s: member status unknown, delivery held: %v", w.member, err)
	}
	held := err != nil || !ok
	w.mu.Lock()
	w.st.Held = held
	w.mu.Unlock()
	if !held {
		return true
	}
	t := time.NewTimer(d.opts.HoldRecheck)
	defer t.Stop()
	select {
	case <-t.C:
	case <-w.wake:
	case <-ctx.Done():
	}
	return false
}

// statusError is a receiver's answer other than 2xx.
type statusError struct{ code int }

func (e *statusError) Error() string {
	return fmt.Sprintf("receiver answered %d %s", e.code, http.StatusText(e.code))
}

// classify reduces a delivery error to the class a member is shown.
func classify(err error) string {
	var se *statusError
	var ne net.Error
	var certErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	var alertErr tls.AlertError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidCert x509.CertificateInvalidError
	switch {
	case errors.As(err, &se):
		switch {
		case se.code >= 300 && se.code < 400:
			return ClassRedirect
		case se.code >= 400 && se.code < 500:
			return ClassHTTP4xx
		case se.code >= 500 && se.code < 600:
			return ClassHTTP5xx
		}
		return ClassHTTPOther
	case errors.Is(err, dest.ErrRefused):
		return ClassDestinationRefused
	case errors.As(err, &certErr), errors.As(err, &recErr), errors.As(err, &alertErr),
		errors.As(err, &unknownCA), errors.As(err, &hostErr), errors.As(err, &invalidCert):
		return ClassTLS
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return ClassTimeout
	}
	return ClassConnectionFailed
}

// post sends one alert; only a 2xx answer acknowledges it.
func (d *Dispatcher) post(ctx context.Context, c Config, a alert.Alert) error {
	body, err := json.Marshal(a)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "blacklistd-webhook/1")
	req.Header.Set("X-Alert-Id", a.ID)
	req.Header.Set(SignatureHeader, Sign([]byte(c.Secret), time.Now(), body))
	resp, err := d.client.Do(req)
	if err != nil {
		return err
	}
	// Drain a little so the connection can be reused; a receiver's answer
	// body is not read beyond that.
	_, _ = io.CopyN(io.Discard, resp.Body, 4096)
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &statusError{resp.StatusCode}
	}
	return nil
}

func (w *worker) failed(class string, failingAfter time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := time.Now()
	if w.st.ConsecutiveFailures == 0 {
		w.firstFail = now
	}
	w.st.ConsecutiveFailures++
	w.st.Failures++
	w.st.LastError = class
	if !w.st.Failing && now.Sub(w.firstFail) >= failingAfter {
		w.st.Failing, w.st.FailingSince = true, w.firstFail.UTC().Format(time.RFC3339)
	}
}

func (w *worker) succeeded() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.st.Deliveries++
	w.st.ConsecutiveFailures, w.st.Failing, w.st.FailingSince, w.st.LastError = 0, false, "", ""
	w.st.LastSuccess = time.Now().UTC().Format(time.RFC3339)
}
