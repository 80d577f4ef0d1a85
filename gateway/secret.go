package gateway

import (
	"github.com/gin-gonic/gin"
)

// CodeSecretUnavailable: the node cannot turn identity numbers into subject
// keys because it does not hold the consortium secret (yet): a member's
// node waits for the association to seal it to the node's key on the
// ledger, or its secret contradicts the ledger's key-check value. Requests
// that name subjects by key still work.
const CodeSecretUnavailable = "secret-unavailable"

// secretReady fails the readiness probe while the node cannot derive
// subject keys: a bank's systems send identity numbers, and a load
// balancer should send them to a node that can use them.
// A ready node shows its secret's key-check value, which operators compare
// with the ledger's.
func (s *server) secretReady(c *gin.Context, body gin.H) bool {
	st := s.node.SecretState()
	if !st.Available {
		fail(c, CodeSecretUnavailable, st.Reason)
		return false
	}
	body["subjectKeyCheck"] = st.KeyCheck
	return true
}
