package gateway

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/assoc-ledger/blacklist/gateway/problem"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node"
)

type subjectKeyRequest struct {
	IDType   string `json:"idType"`
	IDNumber string `json:"idNumber"`
}

func (s *server) subjectKey(c *gin.Context) {
	var req subjectKeyRequest
	if !bind(c, &req) {
		return
	}
	key, err := s.node.SubjectKey(req.IDType, req.IDNumber)
	if err != nil {
		failErr(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"subjectKey": key})
}

type statusResponse struct {
	contract.Status
	AsOf uint64 `json:"asOf"`
}

func (s *server) subjectStatus(c *gin.Context) {
	onPeer, ok := consistency(c)
	if !ok {
		return
	}
	out, h, err := s.node.Lookup(c.Request.Context(), client(c), c.Query("purpose"), []string{c.Param("key")}, onPeer)
	if err != nil {
		failErr(c, err)
		return
	}
	s.metrics.lookups.WithLabelValues(c.Query("purpose")).Inc()
	c.JSON(http.StatusOK, statusResponse{Status: out[0], AsOf: h})
}

type historyResponse struct {
	*contract.History
	AsOf uint64 `json:"asOf"`
}

func (s *server) subjectHistory(c *gin.Context) {
	h, height, err := s.node.History(c.Request.Context(), client(c), c.Query("purpose"), c.Param("key"))
	if err != nil {
		failErr(c, err)
		return
	}
	s.metrics.lookups.WithLabelValues(c.Query("purpose")).Inc()
	c.JSON(http.StatusOK, historyResponse{History: h, AsOf: height})
}

type lookupRequest struct {
	Purpose  string              `json:"purpose"`
	Subjects []string            `json:"subjects,omitempty"`
	IDs      []subjectKeyRequest `json:"ids,omitempty"`
}

type lookupResponse struct {
	AsOf    uint64            `json:"asOf"`
	Results []contract.Status `json:"results"`
}

// lookups answers up to MaxLookup subjects, given as subject keys or as raw
// identity numbers that the node turns into keys and forgets.
func (s *server) lookups(c *gin.Context) {
	var req lookupRequest
	if !bind(c, &req) {
		return
	}
	if (len(req.Subjects) == 0) == (len(req.IDs) == 0) {
		fail(c, contract.CodeInvalidArgument, `give exactly one of "subjects" and "ids", with at least one entry`)
		return
	}
	if n := len(req.Subjects) + len(req.IDs); n > MaxLookup {
		fail(c, CodeTooManyItems, "at most "+strconv.Itoa(MaxLookup)+" subjects per lookup, got "+strconv.Itoa(n))
		return
	}
	subjects := req.Subjects
	if len(req.IDs) > 0 {
		subjects = make([]string, len(req.IDs))
		var bad []problem.Item
		for i, id := range req.IDs {
			k, err := s.node.SubjectKey(id.IDType, id.IDNumber)
			if errors.Is(err, node.ErrSecretUnavailable) {
				failErr(c, err)
				return
			}
			if err != nil {
				bad = append(bad, problem.Item{Index: i, Code: contract.CodeInvalidArgument, Message: err.Error()})
				continue
			}
			subjects[i] = k
		}
		if len(bad) > 0 {
			fail(c, contract.CodeInvalidArgument, strconv.Itoa(len(bad))+" identity numbers are not valid; nothing was looked up", bad...)
			return
		}
	}
	onPeer, ok := consistency(c)
	if !ok {
		return
	}
	out, h, err := s.node.Lookup(c.Request.Context(), client(c), req.Purpose, subjects, onPeer)
	if err != nil {
		failErr(c, err)
		return
	}
	s.metrics.lookups.WithLabelValues(req.Purpose).Add(float64(len(out)))
	c.JSON(http.StatusOK, lookupResponse{AsOf: h, Results: out})
}

// consistency reads ?consistency=: "replica" (the default) answers from the
// node's own copy of the ledger, "peer" asks the organisation's peer.
func consistency(c *gin.Context) (onPeer, ok bool) {
	switch v := c.Query("consistency"); v {
	case "", "replica":
		return false, true
	case "peer":
		return true, true
	default:
		fail(c, contract.CodeInvalidArgument, "consistency: "+strconv.Quote(v)+" is not replica or peer")
		return false, false
	}
}
