package node

import (
	"context"
	"errors"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/contract"
)

// CodeMalformedItem is the item code of an attestation that is neither a
// JWS nor a payload, or both.
const CodeMalformedItem = "malformed-request"

// MaxBatch is the most attestations one submit may carry.
const MaxBatch = contract.MaxBatch

// AttestationInput is one attestation a client sends: signed by the bank
// (JWS), or a payload for the node to sign with its member's registered
// key. Exactly one is set.
type AttestationInput struct {
	JWS     string
	Payload *attestation.Payload
}

// Submitted is the outcome of a submit: one result per input, in order,
// with the ledger transaction that recorded them (none when nothing could
// be sent).
type Submitted struct {
	contract.SubmitResult
	Height uint64
	TxID   string
}

// Submit files attestations for a client that may report, in one ledger
// transaction. Inputs the node cannot even sign are rejected at their own
// index beside the ledger's results; the others are judged by the rules.
func (n *Node) Submit(ctx context.Context, c *Client, inputs []AttestationInput) (Submitted, error) {
	if err := n.Authorize(ctx, c, Report); err != nil {
		return Submitted{}, err
	}
	if len(inputs) == 0 {
		return Submitted{}, &contract.Error{Code: contract.CodeInvalidArgument, Msg: "items: at least one attestation"}
	}
	if len(inputs) > MaxBatch {
		return Submitted{}, ErrTooManyAttestations
	}
	var signed []string
	var index []int
	results := make([]contract.ItemResult, len(inputs))
	for i, in := range inputs {
		jws, code, err := n.signed(c, in)
		if err != nil {
			results[i] = contract.ItemResult{Index: i, Status: contract.ItemRejected, Code: code, Message: err.Error()}
			continue
		}
		signed, index = append(signed, jws), append(index, i)
	}
	// Nothing to send: no transaction, and the answer reflects the
	// height the node is at.
	out := Submitted{Height: n.Height()}
	if len(signed) > 0 {
		r, res, err := submit(ctx, n, c.Member, contract.TxSubmitAttestations, contract.SubmitRequest{Attestations: signed})
		if err != nil {
			return Submitted{}, err
		}
		out.Height, out.TxID = res.Height, res.TxID
		for j, item := range r.Results {
			item.Index = index[j]
			results[index[j]] = item
		}
	}
	out.Results = results
	for _, r := range results {
		switch r.Status {
		case contract.ItemAccepted:
			out.Accepted++
		case contract.ItemDuplicate:
			out.Duplicates++
		default:
			out.Rejected++
		}
	}
	return out, nil
}

// ErrTooManyAttestations is returned for a submit of more than MaxBatch.
var ErrTooManyAttestations = errors.New("at most 1000 attestations per submit")

// signed returns the input's JWS, signing a bare payload for the client's
// member. Missing v, reporter and issuedAt are filled in; a reporter that
// is not the client's member is forbidden: a bank files only its own
// defaults.
func (n *Node) signed(c *Client, in AttestationInput) (jws, code string, err error) {
	switch {
	case in.JWS != "" && in.Payload == nil:
		return in.JWS, "", nil
	case in.JWS == "" && in.Payload != nil:
	default:
		return "", CodeMalformedItem, errors.New(`give exactly one of "jws" and "attestation"`)
	}
	p := *in.Payload
	if p.V == 0 {
		p.V = 1
	}
	if p.Reporter == "" {
		p.Reporter = c.Member
	}
	if p.Reporter != c.Member {
		return "", contract.CodeForbidden, errors.New("reporter " + p.Reporter + " is not the client's member " + c.Member + ": a member files only its own attestations")
	}
	if p.IssuedAt == "" {
		p.IssuedAt = time.Now().UTC().Format(time.RFC3339)
	}
	if err := p.Validate(); err != nil {
		return "", attestation.CodeInvalidPayload, err
	}
	jws, _, err = n.Sign(c.Member, &p)
	if errors.Is(err, ErrNoSigningKey) {
		return "", contract.CodeFailedPrecondition, errors.New(err.Error() + ": send a signed JWS instead")
	}
	if err != nil {
		return "", contract.CodeFailedPrecondition, err
	}
	return jws, "", nil
}
