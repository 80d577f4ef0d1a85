package gateway

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
)

func (s *server) listMembers(c *gin.Context) {
	var members []contract.Member
	if _, ok := s.evaluate(c, "ListMembers", struct{}{}, &members); ok {
		c.JSON(http.StatusOK, gin.H{"members": members})
	}
}

func (s *server) getMember(c *gin.Context) {
	s.query("GetMember", func(c *gin.Context) (any, bool) {
		return contract.MemberRequest{MSPID: c.Param("msp")}, true
	})(c)
}

func (s *server) admitMember(c *gin.Context) {
	s.relay("AdmitMember", http.StatusCreated, body[contract.AdmitMemberRequest])(c)
}

type reasonBody struct {
	Reason string `json:"reason"`
}

func (s *server) memberStatus(fn string) gin.HandlerFunc {
	return s.relay(fn, http.StatusOK, func(c *gin.Context) (any, bool) {
		var b reasonBody
		if !bind(c, &b) {
			return nil, false
		}
		return contract.MemberStatusRequest{MSPID: c.Param("msp"), Reason: b.Reason}, true
	})
}

func (s *server) registerKey(c *gin.Context) {
	s.relay("RegisterKey", http.StatusCreated, func(c *gin.Context) (any, bool) {
		var k contract.KeyRequest
		if !bind(c, &k) {
			return nil, false
		}
		return contract.RegisterKeyRequest{MSPID: c.Param("msp"), KeyRequest: k}, true
	})(c)
}

func (s *server) revokeKey(c *gin.Context) {
	s.relay("RevokeKey", http.StatusOK, func(c *gin.Context) (any, bool) {
		var b reasonBody
		if c.Request.ContentLength != 0 && !bind(c, &b) {
			return nil, false
		}
		return contract.RevokeKeyRequest{MSPID: c.Param("msp"), KID: c.Param("kid"), Reason: b.Reason}, true
	})(c)
}

func (s *server) getPolicy(c *gin.Context) {
	s.query("GetPolicy", func(*gin.Context) (any, bool) { return struct{}{}, true })(c)
}

func (s *server) setPolicy(c *gin.Context) {
	s.relay("SetPolicy", http.StatusOK, body[contract.Policy])(c)
}
