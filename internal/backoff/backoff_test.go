package backoff

import (
	"context"
	"testing"
	"time"
)

// lowest and highest pin the jitter to either end of its range.
func lowest(int64) int64    { return 0 }
func highest(n int64) int64 { return n }

func waits(b *Backoff, n int) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = b.Next()
	}
	return out
}

func TestDoublesFromMinToMax(t *testing.T) {
	b := New(100*time.Millisecond, time.Second).WithRand(highest)
	want := []time.Duration{100, 200, 400, 800, 1000, 1000, 1000}
	for i, got := range waits(b, len(want)) {
		if got != want[i]*time.Millisecond {
			t.Fatalf("wait %d = %s, want %s", i, got, want[i]*time.Millisecond)
		}
	}
}

func TestJitterIsTheUpperHalf(t *testing.T) {
	b := New(100*time.Millisecond, time.Second).WithRand(lowest)
	want := []time.Duration{50, 100, 200, 400, 500, 500}
	for i, got := range waits(b, len(want)) {
		if got != want[i]*time.Millisecond {
			t.Fatalf("wait %d = %s, want %s", i, got, want[i]*time.Millisecond)
		}
	}
	// The draw is asked for exactly the half it may add.
	var asked []int64
	b = New(100*time.Millisecond, time.Second).WithRand(func(n int64) int64 { asked = append(asked, n); return 0 })
	waits(b, 2)
	if len(asked) != 2 || asked[0] != int64(50*time.Millisecond) || asked[1] != int64(100*time.Millisecond) {
		t.Fatalf("jitter drawn over %v", asked)
	}
}

func TestRandomWaitsStayInBounds(t *testing.T) {
	lo, hi := 10*time.Millisecond, 3*time.Second
	b := New(lo, hi)
	nominal := lo
	seen := map[time.Duration]bool{}
	for i := range 200 {
		got := b.Next()
		if got < nominal-nominal/2 || got > nominal {
			t.Fatalf("wait %d = %s, outside [%s, %s]", i, got, nominal-nominal/2, nominal)
		}
		if nominal == hi {
			seen[got] = true
		}
		nominal = min(2*nominal, hi)
	}
	// 190-odd draws over 1.5 s of nanoseconds: equal ones would mean no jitter.
	if len(seen) < 100 {
		t.Fatalf("only %d distinct waits at the cap", len(seen))
	}
}

func TestCapHoldsForLargeValuesWithoutOverflow(t *testing.T) {
	hi := time.Duration(1<<62 + 1)
	b := New(time.Hour, hi).WithRand(highest)
	for i, got := range waits(b, 100) {
		if got <= 0 || got > hi {
			t.Fatalf("wait %d = %d, outside (0, %d]", i, got, hi)
		}
	}
}

func TestResetStartsAtMinAgain(t *testing.T) {
	b := New(time.Second, time.Minute).WithRand(highest)
	waits(b, 10)
	b.Reset()
	if got := b.Next(); got != time.Second {
		t.Fatalf("after Reset: %s, want 1s", got)
	}
	if got := b.Next(); got != 2*time.Second {
		t.Fatalf("second after Reset: %s, want 2s", got)
	}
}

func TestBadBoundsAreRaised(t *testing.T) {
	b := New(0, -time.Second).WithRand(highest)
	for i, got := range waits(b, 5) {
		if got != time.Millisecond {
			t.Fatalf("wait %d = %s: a zero min must not spin, and max below min is min", i, got)
		}
	}
}

func TestSleepEndsWithTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	// An hour's wait that returns at all has returned because of ctx.
	if err := Sleep(ctx, time.Hour); err != context.Canceled {
		t.Fatalf("Sleep on an ended context: %v", err)
	}
	if err := Sleep(context.Background(), 0); err != nil {
		t.Fatalf("Sleep(0): %v", err)
	}
}
