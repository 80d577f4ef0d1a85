package gateway

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
)

func (s *server) openDispute(c *gin.Context) {
	s.relay("OpenDispute", http.StatusCreated, body[contract.OpenDisputeRequest])(c)
}

func (s *server) listDisputes(c *gin.Context) {
	var out []contract.Dispute
	if _, ok := s.evaluate(c, "ListDisputes", contract.ListDisputesRequest{State: c.Query("state")}, &out); ok {
		c.JSON(http.StatusOK, gin.H{"disputes": out})
	}
}

type resolveBody struct {
	Outcome string `json:"outcome"`
	Note    string `json:"note"`
}

func (s *server) resolveDispute(c *gin.Context) {
	s.relay("ResolveDispute", http.StatusOK, func(c *gin.Context) (any, bool) {
		var b resolveBody
		if !bind(c, &b) {
			return nil, false
		}
		return contract.ResolveDisputeRequest{DisputeID: c.Param("id"), Outcome: b.Outcome, Note: b.Note}, true
	})(c)
}
