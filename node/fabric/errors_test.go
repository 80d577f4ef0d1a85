package fabric

import (
	"context"
	"errors"
	"testing"

	gwproto "github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
)

func TestChaincodeRefusalsBecomeContractErrors(t *testing.T) {
	st, _ := status.New(codes.Aborted, "failed to endorse transaction, see attached details for more info").WithDetails(
		&gwproto.ErrorDetail{Address: "127.0.0.1:7051", MspId: "Bank1MSP", Message: "chaincode response 500, forbidden: only Bank1MSP (the reporter) or the association may settle default ab"})
	err := mapError(st.Err())
	var ce *contract.Error
	if !errors.As(err, &ce) || ce.Code != contract.CodeForbidden || ce.Msg != "only Bank1MSP (the reporter) or the association may settle default ab" {
		t.Fatalf("mapped to %#v", err)
	}
	if err := mapError(status.Error(codes.Unavailable, "connection refused")); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("unavailable mapped to %v", err)
	}
	other := status.Error(codes.Aborted, "chaincode response 500, something: odd")
	if err := mapError(other); errors.As(err, &ce) {
		t.Fatalf("an unknown code became a contract error: %v", err)
	}
	if mapError(nil) != nil {
		t.Fatal("nil mapped to an error")
	}
}

// withDetails is an endorsement failure as the gateway reports it: a code,
// a summary and one ErrorDetail per endorser that failed.
func withDetails(code codes.Code, msg string, details ...string) error {
	st := status.New(code, msg)
	for _, d := range details {
		st, _ = st.WithDetails(&gwproto.ErrorDetail{Address: "127.0.0.1:7250", MspId: "Bank1MSP", Message: d})
	}
	return st.Err()
}

// Refusals that every attempt would repeat are never retried; failures
// that pass once gossip has found the peers again (or a peer is back) are.
func TestRetryableEndorsement(t *testing.T) {
	refusals := map[string]error{
		"chaincode refusal": withDetails(codes.Aborted, "failed to endorse transaction, see attached details for more info",
			"chaincode response 500, forbidden: only the association may admit members"),
		"one peer refuses, one unreachable": withDetails(codes.Aborted, "failed to collect enough transaction endorsements, see attached details for more info",
			"rpc error: code = Unavailable desc = connection error", "chaincode response 500, conflict: already on the ledger"),
		"access denied": withDetails(codes.Aborted, "failed to endorse transaction, see attached details for more info",
			"access denied: channel [blacklist] creator org unknown, creator is malformed"),
		"aborted without details": status.Error(codes.Aborted, "failed to assemble transaction: bad"),
		"invalid proposal":        status.Error(codes.InvalidArgument, "the proposed transaction must contain a signed proposal"),
		"transient data":          status.Error(codes.FailedPrecondition, "no endorsers found in the gateway's organization; retry specifying endorsing organization(s) to protect transient data"),
		"endorsement timeout":     status.Error(codes.DeadlineExceeded, "endorsement timeout expired while collecting endorsements"),
		"caller gave up":          context.DeadlineExceeded,
		"not a gRPC error":        errors.New("boom"),
	}
	for name, err := range refusals {
		if retryableEndorsement(err) {
			t.Errorf("%s: retried: %v", name, err)
		}
	}
	transient := map[string]error{
		"gossip has not found the other organisations": status.Error(codes.FailedPrecondition,
			"no combination of peers can be derived which satisfy the endorsement policy: required chaincodes are not installed on sufficient peers"),
		"known peers unreachable": status.Error(codes.FailedPrecondition,
			"failed to select a set of endorsers that satisfy the endorsement policy due to unavailability of peers: [127.0.0.1:7350]"),
		"peer unreachable": status.Error(codes.Unavailable, "connection refused"),
		"endorsers unreachable or behind": withDetails(codes.Aborted, "failed to collect enough transaction endorsements, see attached details for more info",
			"rpc error: code = Unavailable desc = connection error", "ProposalResponsePayloads do not match"),
	}
	for name, err := range transient {
		if !retryableEndorsement(err) {
			t.Errorf("%s: not retried: %v", name, err)
		}
	}
}
