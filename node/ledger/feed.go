package ledger

import (
	"context"
	"time"
)

// Change is one committed transaction's chaincode event: what the contract
// announced it changed (accepted attestations, a dispute's new state).
type Change struct {
	// Position orders changes: the embedded ledger's log height, or the
	// Fabric block number. Several changes may share one position.
	Position uint64
	TxID     string
	Time     time.Time
	Name     string
	Payload  []byte
}

// Feed is implemented by backends whose committed changes can be followed
// from a saved position, so that whatever derives from them (alerts)
// resumes after a restart and misses nothing another node wrote.
type Feed interface {
	// Changes calls fn for every committed change at positions >= from, in
	// order, as far as the ledger has committed now, and returns the
	// position to continue from.
	Changes(from uint64, fn func(Change) error) (next uint64, err error)
	// WaitForChanges blocks until something may be committed at position
	// next, or ctx ends.
	WaitForChanges(ctx context.Context, next uint64) error
}
