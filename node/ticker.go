package node

import (
	"context"
	"time"
)

// onTick calls fn every interval until ctx ends: the shape of each of the
// node's background duties (anchoring the audit log, cosigning the
// transparency log, feeding witnesses, publications). fn logs its own
// failures; a round that fails is simply tried again at the next tick.
func onTick(ctx context.Context, every time.Duration, fn func()) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn()
		}
	}
}
