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

// auditMember decides whose audit log the client may read: the
// association's clients any member's (given with member=, default their
// own), another member's clients only their own.
func (s *server) auditMember(c *gin.Context, asked string, all bool) (string, bool) {
	var me contract.Member
	if _, ok := s.evaluate(c, "GetMember", contract.MemberRequest{MSPID: client(c).Member}, &me); !ok {
		return "", false
	}
	if me.Association {
		if asked == "" && !all {
			asked = me.MSPID
		}
		return asked, true
	}
	if asked != "" && asked != me.MSPID {
		fail(c, contract.CodeForbidden, "an auditor of "+me.MSPID+" sees only its own member's lookups")
		return "", false
	}
	return me.MSPID, true
}

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
	var ok bool
	if f.Member, ok = s.auditMember(c, c.Query("member"), true); !ok {
		return
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
	member, ok := s.auditMember(c, c.Query("member"), false)
	if !ok {
		return
	}
	h := s.node.AuditHeadOf(member)
	c.Header("Content-Type", "application/x-ndjson")
	c.Header("X-Audit-Member", member)
	c.Header("X-Audit-Size", strconv.FormatUint(h.Size, 10))
	c.Header("X-Audit-Head", h.Hash)
	c.Status(http.StatusOK)
	w := bufio.NewWriterSize(c.Writer, 64<<10)
	enc := json.NewEncoder(w)
	err := s.node.ExportAudit(&node.Client{Member: member}, after, func(e node.AuditEntry) error {
		if e.Pos > h.Size {
			return errStop
		}
		return enc.Encode(e)
	})
	if err == nil || err == errStop {
		err = w.Flush()
	}
	if err != nil && err != errStop {
		s.log.Error("audit export", "request", c.GetString(requestIDKey), "err", err)
		panic(http.ErrAbortHandler)
	}
}

type stopError struct{}

func (stopError) Error() string { return "stop" }

var errStop error = stopError{}

// auditAnchors lists the heads a member anchored on the ledger (default:
// the client's own member). Anchors carry no personal data: any member's
// auditor may read any member's.
func (s *server) auditAnchors(c *gin.Context) {
	member := c.Query("member")
	if member == "" {
		member = client(c).Member
	}
	anchors, height, err := s.node.AuditAnchors(client(c), member)
	if err != nil {
		failErr(c, err)
		return
	}
	resp := gin.H{"member": member, "anchors": anchors, "height": height}
	if member == client(c).Member {
		// The chain on this node, to compare with the last anchor.
		resp["localHead"] = s.node.AuditHeadOf(member)
	}
	c.JSON(http.StatusOK, resp)
}
