package replica

import (
	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/chaincode/state"
	"github.com/assoc-ledger/blacklist/node/badgerstate"
	"github.com/assoc-ledger/blacklist/node/ledger"
	"github.com/assoc-ledger/blacklist/node/store"
)

// ViewAt lends fn a consistent read-only snapshot of the replica's world
// state at a block boundary (ledger.Viewer).
func (r *Replica) ViewAt(fn func(st state.State, at ledger.At) error) error {
	return badgerstate.ViewState(r.db, func(txn *badger.Txn) (badgerstate.Position, error) {
		var h Head
		_, err := store.Get(txn, headKey, store.JSON(&h))
		return badgerstate.Position{Height: h.Height, Time: h.Time}, err
	}, func(st state.State, pos badgerstate.Position) error {
		return fn(st, ledger.At{Height: pos.Height, Time: pos.Time})
	})
}
