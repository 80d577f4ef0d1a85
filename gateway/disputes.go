package gateway

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
)

func (s *server) openDispute(c *gin.Context) {
	var req contract.OpenDisputeRequest
	if !bind(c, &req) {
		return
	}
	d, _, err := s.node.OpenDispute(c.Request.Context(), client(c), req)
	answer(c, http.StatusCreated, d, err)
}

func (s *server) listDisputes(c *gin.Context) {
	out, _, err := s.node.Disputes(c.Request.Context(), client(c), c.Query("state"))
	if err != nil {
		failErr(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"disputes": out})
}

type resolveBody struct {
	Outcome string `json:"outcome"`
	Note    string `json:"note"`
}

func (s *server) resolveDispute(c *gin.Context) {
	var b resolveBody
	if !bind(c, &b) {
		return
	}
	d, _, err := s.node.ResolveDispute(c.Request.Context(), client(c),
		contract.ResolveDisputeRequest{DisputeID: c.Param("id"), Outcome: b.Outcome, Note: b.Note})
	answer(c, http.StatusOK, d, err)
}
