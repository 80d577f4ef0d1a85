package ledger

import (
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/state"
)

// At is what a read snapshot reflects: the height and the time of the
// last transaction at that height. Every node at the same height has the
// same world state and the same time, so what it computes from a snapshot
// (a publication, with At.Time as retention's "now") is the same.
type At struct {
	Height uint64
	Time   time.Time
}

// Viewer is a backend that lends a consistent read-only snapshot of the
// world state for a long read (a publication walks every subject), so the
// node need not go through a contract query that would answer in one
// piece.
type Viewer interface {
	ViewAt(fn func(st state.State, at At) error) error
}
