package fabric

import (
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
