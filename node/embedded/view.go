package embedded

import (
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/chaincode/state"
	"github.com/assoc-ledger/blacklist/node/badgerstate"
	"github.com/assoc-ledger/blacklist/node/ledger"
)

// ViewAt lends fn a consistent read-only snapshot of the world state
// (ledger.Viewer).
func (l *Ledger) ViewAt(fn func(st state.State, at ledger.At) error) error {
	return badgerstate.ViewState(l.db, func(txn *badger.Txn) (badgerstate.Position, error) {
		h, err := readHead(txn)
		t, _ := time.Parse(time.RFC3339Nano, h.Time)
		return badgerstate.Position{Height: h.Height, Time: t}, err
	}, func(st state.State, pos badgerstate.Position) error {
		return fn(st, ledger.At{Height: pos.Height, Time: pos.Time})
	})
}
