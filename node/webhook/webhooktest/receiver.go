// Package webhooktest is a webhook receiver for tests: an HTTP server on
// loopback that checks every delivery's signature, records the alerts it
// acknowledged, and can be told to refuse deliveries for a while.
package webhooktest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/node/alert"
	"github.com/assoc-ledger/blacklist/node/webhook"
)

// Receiver is a test webhook receiver.
type Receiver struct {
	URL    string
	Secret string

	srv    *httptest.Server
	mu     sync.Mutex
	down   bool
	got    []alert.Alert
	at     []time.Time
	tries  int
	errs   []string
	signal chan struct{}
}

// New starts a receiver that accepts deliveries signed with secret.
func New(secret string) *Receiver {
	r := &Receiver{Secret: secret, signal: make(chan struct{}, 1)}
	r.srv = httptest.NewServer(r)
	r.URL = r.srv.URL + "/alerts"
	return r
}

// Close stops the server.
func (r *Receiver) Close() { r.srv.Close() }

// ServeHTTP acknowledges a delivery whose signature verifies, or refuses
// it with 503 while the receiver is down.
func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tries++
	if r.down {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	if err := webhook.Verify([]byte(r.Secret), req.Header.Get(webhook.SignatureHeader), body, time.Now(), time.Minute); err != nil {
		r.errs = append(r.errs, fmt.Sprintf("alert %s: %v", req.Header.Get("X-Alert-Id"), err))
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var a alert.Alert
	if err := json.Unmarshal(body, &a); err != nil || a.ID != req.Header.Get("X-Alert-Id") {
		r.errs = append(r.errs, fmt.Sprintf("body %q does not match X-Alert-Id %q", body, req.Header.Get("X-Alert-Id")))
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	r.got = append(r.got, a)
	r.at = append(r.at, time.Now())
	select {
	case r.signal <- struct{}{}:
	default:
	}
}

// SetDown makes the receiver refuse (true) or accept (false) deliveries.
func (r *Receiver) SetDown(down bool) {
	r.mu.Lock()
	r.down = down
	r.mu.Unlock()
}

// Alerts returns the acknowledged alerts in arrival order (duplicates
// included) with their arrival times.
func (r *Receiver) Alerts() ([]alert.Alert, []time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]alert.Alert(nil), r.got...), append([]time.Time(nil), r.at...)
}

// Errors are the deliveries refused for a bad signature or body.
func (r *Receiver) Errors() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.errs...)
}

// Tries counts every request, acknowledged or not.
func (r *Receiver) Tries() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.tries
}

// WaitFor waits until n distinct alert ids were acknowledged and returns
// the distinct alerts in first-arrival order, or an error after timeout.
func (r *Receiver) WaitFor(n int, timeout time.Duration) ([]alert.Alert, error) {
	deadline := time.After(timeout)
	for {
		if d := r.Distinct(); len(d) >= n {
			return d, nil
		}
		select {
		case <-r.signal:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			d := r.Distinct()
			return d, fmt.Errorf("the receiver has %d distinct alerts after %s, want %d (refused: %v)", len(d), timeout, n, r.Errors())
		}
	}
}

// Distinct returns the acknowledged alerts without duplicates (a receiver
// drops them by id), in first-arrival order.
func (r *Receiver) Distinct() []alert.Alert {
	all, _ := r.Alerts()
	seen := map[string]bool{}
	var out []alert.Alert
	for _, a := range all {
		if !seen[a.ID] {
			seen[a.ID] = true
			out = append(out, a)
		}
	}
	return out
}

// Latencies returns, for each alert received about an attestation in sent,
// the time from sent[attestationID] to its first arrival.
func (r *Receiver) Latencies(sent map[string]time.Time) []time.Duration {
	all, at := r.Alerts()
	seen := map[string]bool{}
	var out []time.Duration
	for i, a := range all {
		if t0, ok := sent[a.AttestationID]; ok && !seen[a.ID] {
			seen[a.ID] = true
			out = append(out, at[i].Sub(t0))
		}
	}
	return out
}

// ReportPercentiles reports the p50 and p99 of ds in milliseconds as
// benchmark metrics.
func ReportPercentiles(b *testing.B, ds []time.Duration) {
	if len(ds) == 0 {
		return
	}
	slices.Sort(ds)
	at := func(p float64) float64 {
		return float64(ds[min(len(ds)-1, int(p*float64(len(ds))))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}
