package fabric

import (
	"github.com/assoc-ledger/blacklist/chaincode/state"
	"github.com/assoc-ledger/blacklist/node/ledger"
)

// ViewAt lends fn a snapshot of the replica (ledger.Viewer): long reads such
// as publications run on the node's own copy, never on the peer.
func (l *Ledger) ViewAt(fn func(st state.State, at ledger.At) error) error {
	return l.replica.ViewAt(fn)
}
