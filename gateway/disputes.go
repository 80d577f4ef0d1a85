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
	entries, err := s.node.AuditQueries(c.Request.Context(), client(c), f)
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
