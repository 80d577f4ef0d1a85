package node

import (
	"context"
	"encoding/json"
	"fmt"

	fastjson "github.com/goccy/go-json"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node/ledger"
)

// submit runs a contract transaction as member on the node's ledger and
// decodes its result. It is the only way the node writes to the ledger, so
// every write names a contract.Transaction and its typed request.
func submit[Req, Res any](ctx context.Context, n *Node, member string, tx contract.Transaction[Req, Res], req Req) (Res, ledger.Result, error) {
	var out Res
	arg, err := json.Marshal(req)
	if err != nil {
		return out, ledger.Result{}, fmt.Errorf("%s: encoding the request: %w", tx.Name, err)
	}
	res, err := n.ledger.Submit(ctx, member, tx.Name, arg)
	if err != nil {
		return out, res, err
	}
	if err := json.Unmarshal(res.Payload, &out); err != nil {
		return out, res, fmt.Errorf("%s: decoding the result: %w", tx.Name, err)
	}
	return out, res, nil
}

// evaluate runs a read-only contract transaction as member on the node's
// view of the ledger (the embedded store or the Fabric replica) and
// returns its result with the height it reflects.
func evaluate[Req, Res any](n *Node, member string, tx contract.Transaction[Req, Res], req Req) (Res, uint64, error) {
	var out Res
	arg, err := json.Marshal(req)
	if err != nil {
		return out, 0, fmt.Errorf("%s: encoding the request: %w", tx.Name, err)
	}
	res, err := n.ledger.Evaluate(member, tx.Name, arg)
	if err != nil {
		return out, 0, err
	}
	// Results are the contract's own JSON: the faster decoder is safe.
	if err := fastjson.Unmarshal(res.Payload, &out); err != nil {
		return out, 0, fmt.Errorf("%s: decoding the result: %w", tx.Name, err)
	}
	return out, res.Height, nil
}

// evaluateOnPeer is evaluate asked of the organisation's peer instead of
// the replica (fabric mode only).
func evaluateOnPeer[Req, Res any](ctx context.Context, n *Node, tx contract.Transaction[Req, Res], req Req) (Res, uint64, error) {
	var out Res
	pe, ok := n.ledger.(ledger.PeerEvaluator)
	if !ok {
		return out, 0, ErrNoPeer
	}
	arg, err := json.Marshal(req)
	if err != nil {
		return out, 0, err
	}
	res, err := pe.EvaluateOnPeer(ctx, tx.Name, arg)
	if err != nil {
		return out, 0, err
	}
	if err := fastjson.Unmarshal(res.Payload, &out); err != nil {
		return out, 0, fmt.Errorf("%s: decoding the result: %w", tx.Name, err)
	}
	return out, res.Height, nil
}
