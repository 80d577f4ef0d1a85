package gateway

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node"
)

func (s *server) listMembers(c *gin.Context) {
	members, _, err := s.node.Members(c.Request.Context(), client(c))
	if err != nil {
		failErr(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"members": members})
}

func (s *server) getMember(c *gin.Context) {
	m, _, err := s.node.Member(c.Request.Context(), client(c), c.Param("msp"))
	if err != nil {
		failErr(c, err)
		return
	}
	c.JSON(http.StatusOK, m)
}

func (s *server) admitMember(c *gin.Context) {
	var req contract.AdmitMemberRequest
	if !bind(c, &req) {
		return
	}
	m, _, err := s.node.AdmitMember(c.Request.Context(), client(c), req)
	answer(c, http.StatusCreated, m, err)
}

type reasonBody struct {
	Reason string `json:"reason"`
}

func (s *server) memberStatus(action node.MemberAction) gin.HandlerFunc {
	return func(c *gin.Context) {
		var b reasonBody
		if !bind(c, &b) {
			return
		}
		m, _, err := s.node.ChangeMemberStatus(c.Request.Context(), client(c), action, c.Param("msp"), b.Reason)
		answer(c, http.StatusOK, m, err)
	}
}

func (s *server) registerKey(c *gin.Context) {
	var k contract.KeyRequest
	if !bind(c, &k) {
		return
	}
	m, _, err := s.node.RegisterKey(c.Request.Context(), client(c), c.Param("msp"), k)
	answer(c, http.StatusCreated, m, err)
}

func (s *server) revokeKey(c *gin.Context) {
	var b reasonBody
	if c.Request.ContentLength != 0 && !bind(c, &b) {
		return
	}
	m, _, err := s.node.RevokeKey(c.Request.Context(), client(c), c.Param("msp"), c.Param("kid"), b.Reason)
	answer(c, http.StatusOK, m, err)
}

func (s *server) getPolicy(c *gin.Context) {
	p, _, err := s.node.Policy(c.Request.Context(), client(c))
	answer(c, http.StatusOK, p, err)
}

func (s *server) setPolicy(c *gin.Context) {
	var p contract.Policy
	if !bind(c, &p) {
		return
	}
	out, _, err := s.node.SetPolicy(c.Request.Context(), client(c), p)
	answer(c, http.StatusOK, out, err)
}

// answer writes v as JSON with status, or the problem err is.
func answer(c *gin.Context, status int, v any, err error) {
	if err != nil {
		failErr(c, err)
		return
	}
	c.JSON(status, v)
}
