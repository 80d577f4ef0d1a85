package gateway

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node"
)

// The query audit routes (roles auditor and admin): the log filtered and
// paged, one member's chain exported for verification, and the heads
// members anchored on the ledger.

const auditPage = 1000

// auditQueries pages through the query audit log. The association's
// clients see every member's lookups; another member's auditor only its
// own. With subject= it answers from the subject index.
func (s *server) auditQueries(c *gin.Context) {
	f := node.AuditFilter{Subject: c.Query("subject"), Limit: auditPage}
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
	f.Member = c.Query("member")
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

// auditLog streams a member's audit chain after position after as NDJSON,
// one entry a line, for blctl audit export. The head at the start of the
// export is in the X-Audit-Size and X-Audit-Head headers; a failure after
// the first line resets the connection, so that a cut export never looks
// complete.
func (s *server) auditLog(c *gin.Context) {
	var after uint64
	if v := c.Query("after"); v != "" {
		var err error
		if after, err = strconv.ParseUint(v, 10, 64); err != nil {
			fail(c, contract.CodeInvalidArgument, "after: not a chain position")
			return
		}
	}
	w := bufio.NewWriterSize(c.Writer, 64<<10)
	enc := json.NewEncoder(w)
	started := false
	err := s.node.ExportAuditLog(c.Request.Context(), client(c), c.Query("member"), after, func(member string, h node.AuditHead) {
		started = true
		c.Header("Content-Type", "application/x-ndjson")
		c.Header("X-Audit-Member", member)
		c.Header("X-Audit-Size", strconv.FormatUint(h.Size, 10))
		c.Header("X-Audit-Head", h.Hash)
		c.Status(http.StatusOK)
	}, func(e node.AuditEntry) error { return enc.Encode(e) })
	if !started {
		failErr(c, err)
		return
	}
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		s.log.Error("audit export", "request", c.GetString(requestIDKey), "err", err)
		panic(http.ErrAbortHandler)
	}
}

// auditAnchors lists the heads a member anchored on the ledger (default:
// the client's own member). Anchors carry no personal data: any member's
// auditor may read any member's.
func (s *server) auditAnchors(c *gin.Context) {
	member := c.Query("member")
	if member == "" {
		member = client(c).Member
	}
	anchors, height, local, err := s.node.AuditAnchors(c.Request.Context(), client(c), member)
	if err != nil {
		failErr(c, err)
		return
	}
	resp := gin.H{"member": member, "anchors": anchors, "height": height}
	if local != nil {
		// The chain on this node, to compare with the last anchor.
		resp["localHead"] = local
	}
	c.JSON(http.StatusOK, resp)
}
