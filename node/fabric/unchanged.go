package fabric

import (
	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"google.golang.org/protobuf/proto"

	"github.com/assoc-ledger/blacklist/node/replica"
)

// changesNothing reports whether an endorsed transaction writes nothing in
// the chaincode's namespace and emits no event: a batch whose attestations
// were all rejected or repeats. Ordering it would only add a block (and
// height) for garbage, so Submit answers with the endorsed result instead.
// This is the embedded ledger's rule too, read from the read-write set the
// peers endorsed rather than from the contract's answer, so no function
// or result format is special. Any doubt (a transaction that does not
// parse) counts as a change: it is ordered as before.
func changesNothing(tx *client.Transaction, namespace string) bool {
	b, err := tx.Bytes()
	if err != nil {
		return false
	}
	var prepared gateway.PreparedTransaction
	if err := proto.Unmarshal(b, &prepared); err != nil {
		return false
	}
	env, err := proto.Marshal(prepared.GetEnvelope())
	if err != nil {
		return false
	}
	t, err := replica.EnvelopeTx(env, namespace)
	return err == nil && len(t.Writes) == 0 && t.EventName == ""
}
