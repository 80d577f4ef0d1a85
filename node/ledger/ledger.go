// Package ledger is what the node needs of a ledger backend: submit a
// transaction as a member, evaluate a query as a member, and know the height
// an answer reflects. The embedded badger ledger implements it; the Fabric
// backend (fabric-gateway for writes, the node's replica for reads) is the
// other implementation.
package ledger

import "context"

// Result is a transaction's or query's outcome: the contract's JSON answer,
// the transaction id (writes only) and the ledger height it reflects or
// committed at.
type Result struct {
	TxID    string
	Height  uint64
	Payload []byte
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
