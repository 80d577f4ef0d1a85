// Package ledger is what the node needs of a ledger backend: submit a
// transaction as a member, evaluate a query as a member, and know the height
// an answer reflects. The embedded badger ledger implements it; the Fabric
// backend (fabric-gateway for writes, the node's replica for reads) is the
// other implementation.
package ledger

import (
	"context"
	"sync"
)

// Result is a transaction's or query's outcome: the contract's JSON answer,
// the transaction id (writes only) and the ledger height it reflects or
// committed at.
type Result struct {
	TxID    string
	Height  uint64
	Payload []byte
	// Unchanged is set when a submitted transaction wrote nothing and
	// emitted no event (a batch whose items were all rejected or
	// duplicates): the backend did not commit it, so TxID is empty and
	// Height is the height the transaction was run at. Garbage then costs
	// no ledger entry, no block and no growth of anyone's height.
	Unchanged bool
}

// Ledger runs the contract's transactions. creator is the MSP ID the
// transaction runs as; refusals by the rules are *contract.Error values.
type Ledger interface {
	Submit(ctx context.Context, creator, fn string, arg []byte) (Result, error)
	Evaluate(creator, fn string, arg []byte) (Result, error)
	// Height is the last committed height this node knows.
	Height() uint64
	Close() error
}

// Lagging is implemented by backends that follow another ledger (the Fabric
// replica): how many blocks the node's view is behind its peer.
type Lagging interface {
	Lag(ctx context.Context) (uint64, error)
}

// PeerEvaluator is implemented by backends whose reads normally come from a
// replica but can also be asked of a peer, for comparison.
type PeerEvaluator interface {
	EvaluateOnPeer(ctx context.Context, fn string, arg []byte) (Result, error)
}

// Heights lets callers wait until a ledger has reached a height: the
// embedded ledger and the replica both advance one as they commit.
type Heights struct {
	mu      sync.Mutex
	height  uint64
	reached chan struct{} // closed at the next Set
}

// Set records that the ledger is at height h and wakes the waiters.
func (hs *Heights) Set(h uint64) {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	hs.height = h
	if hs.reached != nil {
		close(hs.reached)
		hs.reached = nil
	}
}

// Wait blocks until the height is at least h or ctx ends.
func (hs *Heights) Wait(ctx context.Context, h uint64) error {
	for {
		hs.mu.Lock()
		if hs.height >= h {
			hs.mu.Unlock()
			return nil
		}
		if hs.reached == nil {
			hs.reached = make(chan struct{})
		}
		ch := hs.reached
		hs.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
