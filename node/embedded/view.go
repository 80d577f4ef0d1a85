package embedded

import (
	"github.com/assoc-ledger/blacklist/chaincode/state"
	"github.com/assoc-ledger/blacklist/node/badgerstate"
	"github.com/assoc-ledger/blacklist/node/ledger"
)

// ViewAt lends fn a consistent read-only snapshot of the world state
// (ledger.Viewer).
func (l *Ledger) ViewAt(fn func(st state.State, at ledger.At) error) error {
	return badgerstate.ViewState(l.db, l.positions.position, func(st state.State, pos badgerstate.Position) error {
		return fn(st, ledger.At{Height: pos.Height, Time: pos.Time})
	})
}
