package gateway

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node"
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

const auditPage = 1000

// auditQueries pages through the query audit log. The association's
// clients see every member's lookups; another member's auditor only its own.
func (s *server) auditQueries(c *gin.Context) {
	f := node.AuditFilter{Member: c.Query("member"), Subject: c.Query("subject"), Limit: auditPage}
	var err error
	for name, t := range map[string]*time.Time{"from": &f.From, "to": &f.To} {
		if v := c.Query(name); v != "" {
			if *t, err = time.Parse(time.RFC3339, v); err != nil {
				fail(c, contract.CodeInvalidArgument, name+": not an RFC 3339 time")
				return
			}
		}
	}
	if v := c.Query("after"); v != "" {
		if f.After, err = strconv.ParseUint(v, 10, 64); err != nil {
			fail(c, contract.CodeInvalidArgument, "after: not a sequence number")
			return
		}
	}
	if v := c.Query("limit"); v != "" {
		if f.Limit, err = strconv.Atoi(v); err != nil || f.Limit < 1 || f.Limit > auditPage {
			fail(c, contract.CodeInvalidArgument, "limit: 1 to "+strconv.Itoa(auditPage))
			return
		}
	}
	var me contract.Member
	if _, ok := s.evaluate(c, "GetMember", contract.MemberRequest{MSPID: client(c).Member}, &me); !ok {
		return
	}
	if !me.Association {
		if f.Member != "" && f.Member != me.MSPID {
			fail(c, contract.CodeForbidden, "an auditor of "+me.MSPID+" sees only its own member's lookups")
			return
		}
		f.Member = me.MSPID
	}
	entries, err := s.node.QueryAudit(f)
	if err != nil {
		failErr(c, err)
		return
	}
	resp := gin.H{"entries": entries}
	if len(entries) == f.Limit {
		resp["next"] = entries[len(entries)-1].Seq
	}
	c.JSON(http.StatusOK, resp)
}
