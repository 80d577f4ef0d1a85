package ledger

import (
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/state"
)

// Snapshot is one consistent, read-only view of the world state, for reads
// of many subjects at once (the node's pool statistics): several
// goroutines may read it together, each through its own reader.
type Snapshot struct {
	// Height is what the snapshot reflects.
	Height uint64
	// Time is the query time: the clock, never before the snapshot's last
	// transaction.
	Time time.Time
	// NewReader returns a state.State over the snapshot for one goroutine,
	// and the function that releases it.
	NewReader func() (state.State, func())
	// NewStatusReader, when set, is NewReader for readers of subjects'
	// status only (contract.NewFactsReader): its subject records may be
	// slim images holding only what the status code reads (the badger
	// stores' status shadow). Nil means NewReader serves them too.
	NewStatusReader func() (state.State, func())
}

// StatusReader returns NewStatusReader's state, or NewReader's where
// there is none.
func (s Snapshot) StatusReader() (state.State, func()) {
	if s.NewStatusReader != nil {
		return s.NewStatusReader()
	}
	return s.NewReader()
}

// Snapshotter is implemented by backends that hold the world state
// locally (the embedded ledger, the Fabric backend's replica): View runs
// fn on one snapshot, which is valid until fn returns.
type Snapshotter interface {
	View(fn func(Snapshot) error) error
}
