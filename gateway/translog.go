package gateway

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

// The transparency log's routes (any active member's clients): the
// latest checkpoint cosigned by a quorum, inclusion and consistency
// proofs. Hashes are base64, as in the checkpoint.

// logCheckpoint answers the signed note (C2SP signed-note format) with
// every cosignature known for the largest size with a quorum.
func (s *server) logCheckpoint(c *gin.Context) {
	qc, err := s.node.LogCheckpoint(c.Request.Context(), client(c))
	if err != nil {
		failErr(c, err)
		return
	}
	c.Header("X-Log-Quorum", strconv.Itoa(qc.Quorum))
	c.Header("X-Log-Signers", strings.Join(qc.Signers, ","))
	c.Data(http.StatusOK, "text/plain; charset=utf-8", qc.Note)
}

// logNumber reads a required or optional non-negative decimal query
// parameter; on failure it has answered 400.
func logNumber(c *gin.Context, name string, required bool) (int64, bool) {
	v, ok := c.GetQuery(name)
	if !ok || v == "" {
		if required {
			fail(c, CodeMalformedRequest, name+": required (a decimal number)")
			return 0, false
		}
		return 0, true
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 || strconv.FormatInt(n, 10) != v {
		fail(c, CodeMalformedRequest, name+": "+strconv.Quote(v)+" is not a non-negative decimal number")
		return 0, false
	}
	return n, true
}

// logProof proves leaf index in the tree of size leaves (size omitted:
// the log's current size).
func (s *server) logProof(c *gin.Context) {
	index, ok := logNumber(c, "index", true)
	if !ok {
		return
	}
	size, ok := logNumber(c, "size", false)
	if !ok {
		return
	}
	if _, given := c.GetQuery("size"); given && size == 0 {
		fail(c, CodeMalformedRequest, "size: a tree with a leaf has size 1 or more")
		return
	}
	p, err := s.node.LogInclusionProof(c.Request.Context(), client(c), index, size)
	if err != nil {
		failErr(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

// logConsistency proves that the tree of from leaves is a prefix of the
// tree of to leaves.
func (s *server) logConsistency(c *gin.Context) {
	from, ok := logNumber(c, "from", true)
	if !ok {
		return
	}
	to, ok := logNumber(c, "to", true)
	if !ok {
		return
	}
	p, err := s.node.LogConsistencyProof(c.Request.Context(), client(c), from, to)
	if err != nil {
		failErr(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}
