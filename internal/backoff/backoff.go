// Package backoff paces every retry loop of the project (webhook delivery,
// alert derivation, the Fabric block stream and ordering, blctl's alert
// stream): one policy, so that they all behave alike and are tested once.
//
// The wait doubles after each failure, from Min up to Max, and each wait
// is drawn at random from the upper half of that value, [d/2, d] ("equal
// jitter"). Nodes and clients that failed together (a receiver or a peer
// came back) so do not retry in step, no wait is ever shorter than half
// the nominal one, and Max bounds every single wait, which is what an
// operator's "longest wait" setting promises. Reset starts over at Min
// after a success.
//
// Why not github.com/cenkalti/backoff: its ExponentialBackOff caps the
// interval, not the randomized wait (a wait can exceed its cap by the
// randomization factor), draws from the global random source, which a
// test cannot fix, and its Retry gives up after 15 minutes by default,
// where these loops retry until they are stopped. What is left to use,
// NextBackOff and Reset, is the few lines below.
package backoff

import (
	"context"
	"math/rand/v2"
	"time"
)

// Backoff is the wait before each next attempt of one retry loop. It is
// not safe for concurrent use: each loop has its own.
type Backoff struct {
	min, max time.Duration
	// next is the nominal wait of the next attempt (0: Min).
	next time.Duration
	// rand returns a number in [0, n]; tests fix it.
	rand func(n int64) int64
}

// New returns a backoff from lo up to hi. An lo under a millisecond is
// taken as one (a zero wait would spin), and an hi below lo as lo.
func New(lo, hi time.Duration) *Backoff {
	lo = max(lo, time.Millisecond)
	return &Backoff{min: lo, max: max(hi, lo), rand: randN}
}

// WithRand makes b draw from r, which must return a number in [0, n];
// for tests that pin the jitter.
func (b *Backoff) WithRand(r func(n int64) int64) *Backoff {
	b.rand = r
	return b
}

// Next returns the wait before the next attempt and doubles the one after
// it, up to Max.
func (b *Backoff) Next() time.Duration {
	d := b.next
	if d == 0 {
		d = b.min
	}
	if d > b.max/2 {
		b.next = b.max
	} else {
		b.next = 2 * d
	}
	half := int64(d / 2)
	return d - time.Duration(half) + time.Duration(b.rand(half))
}

// Reset makes the next wait Min again; call it after a success.
func (b *Backoff) Reset() { b.next = 0 }

// Sleep waits d or until ctx ends, whichever is first, and returns
// ctx.Err() if ctx ended.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func randN(n int64) int64 { return rand.Int64N(n + 1) }
