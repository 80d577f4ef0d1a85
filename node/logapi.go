package node

import (
	"context"
	"errors"
	"fmt"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/chaincode/translog"
	nodelog "github.com/assoc-ledger/blacklist/node/translog"
)

// BadRangeError is a proof request whose numbers do not fit together
// (an index not below the size, from above to, a size of 0): the request
// is wrong whatever the log holds.
type BadRangeError struct{ Msg string }

func (e *BadRangeError) Error() string { return e.Msg }

// LogCheckpoint returns the largest checkpoint of the transparency log
// that a quorum of organisations cosigned with the root this node
// computed, as a signed note with every such cosignature.
func (n *Node) LogCheckpoint(ctx context.Context, c *Client) (QuorumCheckpoint, error) {
	if err := n.Authorize(ctx, c, ReadLogHead); err != nil {
		return QuorumCheckpoint{}, err
	}
	qc, err := n.quorumCheckpoint(c.Member)
	if err != nil {
		return qc, err
	}
	return n.withWitnesses(qc), nil
}

// InclusionProof proves that leaf Index is in the tree of Size leaves.
type InclusionProof struct {
	Index int64 `json:"index"`
	Size  int64 `json:"size"`
	// LeafHash is RFC 6962's hash of the leaf; RootHash the tree's root
	// at Size; Proof the audit path, leaf to root.
	LeafHash translog.Hash   `json:"leafHash"`
	RootHash translog.Hash   `json:"rootHash"`
	Proof    []translog.Hash `json:"proof"`
}

// ConsistencyProof proves that the tree of From leaves is a prefix of the
// tree of To leaves.
type ConsistencyProof struct {
	From     int64           `json:"from"`
	To       int64           `json:"to"`
	FromRoot translog.Hash   `json:"fromRoot"`
	ToRoot   translog.Hash   `json:"toRoot"`
	Proof    []translog.Hash `json:"proof"`
}

func (n *Node) readLog(ctx context.Context, c *Client) (*nodelog.Log, error) {
	if err := n.Authorize(ctx, c, ReadLog); err != nil {
		return nil, err
	}
	if n.tlog == nil {
		return nil, ErrNoLog
	}
	return n.tlog.log, nil
}

func beyond(err error) error {
	if errors.Is(err, nodelog.ErrOutOfRange) {
		return &contract.Error{Code: contract.CodeNotFound, Msg: err.Error()}
	}
	return err
}

// LogInclusionProof proves leaf index in the tree of size leaves (size 0:
// the log's current size).
func (n *Node) LogInclusionProof(ctx context.Context, c *Client, index, size int64) (InclusionProof, error) {
	l, err := n.readLog(ctx, c)
	if err != nil {
		return InclusionProof{}, err
	}
	if size == 0 {
		size, _ = l.Head()
	}
	if index < 0 || size < 1 || index >= size {
		return InclusionProof{}, &BadRangeError{fmt.Sprintf("index %d is not a leaf of a tree of size %d: it must be at least 0 and below the size", index, size)}
	}
	return n.inclusion(l, index, size)
}

func (n *Node) inclusion(l *nodelog.Log, index, size int64) (InclusionProof, error) {
	p, err := l.InclusionProof(index, size)
	if err != nil {
		return InclusionProof{}, beyond(err)
	}
	root, err := l.Root(size)
	if err != nil {
		return InclusionProof{}, beyond(err)
	}
	leaf, err := l.Leaf(index)
	if err != nil {
		return InclusionProof{}, beyond(err)
	}
	return InclusionProof{Index: index, Size: size, LeafHash: translog.LeafHash(leaf), RootHash: root, Proof: p}, nil
}

// LogConsistencyProof proves that the tree of from leaves is a prefix of
// the tree of to leaves.
func (n *Node) LogConsistencyProof(ctx context.Context, c *Client, from, to int64) (ConsistencyProof, error) {
	if err := n.Authorize(ctx, c, ReadLogHead); err != nil {
		return ConsistencyProof{}, err
	}
	if n.tlog == nil {
		return ConsistencyProof{}, ErrNoLog
	}
	l := n.tlog.log
	if from < 1 || from > to {
		return ConsistencyProof{}, &BadRangeError{fmt.Sprintf("from %d to %d: from must be at least 1 and not above to", from, to)}
	}
	p, err := l.ConsistencyProof(from, to)
	if err != nil {
		return ConsistencyProof{}, beyond(err)
	}
	fr, err := l.Root(from)
	if err != nil {
		return ConsistencyProof{}, beyond(err)
	}
	tr, err := l.Root(to)
	if err != nil {
		return ConsistencyProof{}, beyond(err)
	}
	return ConsistencyProof{From: from, To: to, FromRoot: fr, ToRoot: tr, Proof: p}, nil
}
