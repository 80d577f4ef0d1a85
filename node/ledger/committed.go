package ledger

import (
	"context"
	"time"
)

// Write is one world-state key a committed transaction set or deleted.
type Write struct {
	Key    string
	Value  []byte
	Delete bool
}

// Committed is one committed transaction with its write set, as every
// node of the network sees it: what the transparency log (node/translog)
// is built from, so that every node computes the same tree.
type Committed struct {
	// Position orders transactions: the embedded ledger's log height, or
	// the Fabric block number. Several transactions may share a block.
	Position uint64
	// TxIndex is the transaction's index in its block (0 on the
	// embedded ledger, where each transaction has its own height).
	TxIndex int
	TxID    string
	Time    time.Time
	// Validation is the ledger's verdict: "VALID" for a Fabric
	// transaction that passed validation (only those are fed: the others
	// wrote nothing), "COMMITTED" on the embedded ledger.
	Validation string
	// Writes are the chaincode namespace's writes in key order.
	Writes []Write
}

// The validation results a Committed carries.
const (
	ValidationFabricValid = "VALID"
	ValidationEmbedded    = "COMMITTED"
)

// CommittedFeed is implemented by backends that keep the write sets of
// committed transactions: every committed transaction from a saved
// position, in commit order.
type CommittedFeed interface {
	// CommittedTxs calls fn for every committed transaction at positions
	// >= from, in commit order, as far as the ledger has committed now
	// (at most a bounded stretch per call), and returns the position to
	// continue from.
	CommittedTxs(from uint64, fn func(Committed) error) (next uint64, err error)
	// WaitForChanges blocks until something may be committed at position
	// next, or ctx ends.
	WaitForChanges(ctx context.Context, next uint64) error
}

// Logged is implemented by backends whose committed transactions the
// node's transparency log follows.
type Logged interface {
	CommittedFeed
	// LogIdentity names the log: the leaf mode (chaincode/translog's
	// ModeEmbedded or ModeFabric) and the ledger's name (the channel),
	// from which the checkpoints' origin line is made.
	LogIdentity() (mode, name string)
}
