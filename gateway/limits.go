package gateway

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// AddressLimiter keeps a budget of failures per client address: the API's
// failed authentications and the web console's failed sign-ins use it. It
// forgets addresses whose budget is full again, so a scan from many
// addresses costs memory only while it lasts.
type AddressLimiter struct {
	mu      sync.Mutex
	rate    rate.Limit
	burst   int
	now     func() time.Time
	buckets map[string]*rate.Limiter
}

// NewAddressLimiter allows burst failures per address, refilled at
// perSecond; now is the clock (time.Now outside tests).
func NewAddressLimiter(perSecond float64, burst int, now func() time.Time) *AddressLimiter {
	return &AddressLimiter{rate: rate.Limit(perSecond), burst: burst, now: now, buckets: map[string]*rate.Limiter{}}
}

// Blocked is how long addr must wait before its next attempt; 0 when it
// may try now.
func (l *AddressLimiter) Blocked(addr string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[addr]
	if !ok {
		return 0
	}
	now := l.now()
	if b.TokensAt(now) >= 1 {
		return 0
	}
	r := b.ReserveN(now, 1)
	defer r.CancelAt(now)
	return r.DelayFrom(now)
}

// Failed spends one of addr's failures.
func (l *AddressLimiter) Failed(addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.buckets) > 10000 {
		for a, b := range l.buckets {
			if b.TokensAt(now) >= float64(l.burst) {
				delete(l.buckets, a)
			}
		}
	}
	b, ok := l.buckets[addr]
	if !ok {
		b = rate.NewLimiter(l.rate, l.burst)
		l.buckets[addr] = b
	}
	b.AllowN(now, 1)
}

// StreamCounter counts each client's open alert streams (the API's and
// the web console's), at most max each.
type StreamCounter struct {
	mu   sync.Mutex
	open map[string]int
	max  int
}

// NewStreamCounter allows max open streams per client.
func NewStreamCounter(max int) *StreamCounter {
	return &StreamCounter{open: map[string]int{}, max: max}
}

// Acquire takes one of client's streams; false when it has max open.
func (sc *StreamCounter) Acquire(client string) bool {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.open[client] >= sc.max {
		return false
	}
	sc.open[client]++
	return true
}

// Release gives back a stream Acquire took.
func (sc *StreamCounter) Release(client string) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.open[client]--; sc.open[client] <= 0 {
		delete(sc.open, client)
	}
}
