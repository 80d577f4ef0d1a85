package gateway

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	fastjson "github.com/goccy/go-json"
	"golang.org/x/text/message"

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
	key, err := s.node.DeriveSubjectKey(c.Request.Context(), client(c), req.IDType, req.IDNumber)
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
		// Nothing to look up, so nothing to audit: a client that may not
		// look up is told that first.
		if err := s.node.Authorize(c.Request.Context(), client(c), node.Lookup); err != nil {
			failErr(c, err)
			return
		}
		failMsg(c, contract.CodeInvalidArgument, "lookup.oneof")
		return
	}
	// Over MaxLookup subjects is refused by the node, which records the
	// refusal with the subjects asked for.
	onPeer, ok := consistency(c)
	if !ok {
		return
	}
	subjects := req.Subjects
	if len(req.IDs) > 0 {
		ids := make([]node.IDNumber, len(req.IDs))
		for i, id := range req.IDs {
			ids[i] = node.IDNumber{Type: id.IDType, Number: id.IDNumber}
		}
		keys, invalid, err := s.node.DeriveSubjectKeys(c.Request.Context(), client(c), ids)
		if len(invalid) > 0 {
			var bad []problem.Item
			for i := range req.IDs {
				if e, ok := invalid[i]; ok {
					bad = append(bad, problem.Item{Index: i, Code: contract.CodeInvalidArgument, Message: e.Error()})
				}
			}
			c.Set(localizerKey, localizer(func(p *message.Printer) string { return p.Sprintf("lookup.badids", len(bad)) }))
			fail(c, contract.CodeInvalidArgument, strconv.Itoa(len(bad))+" identity numbers are not valid; nothing was looked up", bad...)
			return
		}
		if err != nil {
			failErr(c, err)
			return
		}
		subjects = keys
	}
	out, h, err := s.node.Lookup(c.Request.Context(), client(c), req.Purpose, subjects, onPeer)
	if err != nil {
		failErr(c, err)
		return
	}
	s.metrics.lookups.WithLabelValues(req.Purpose).Add(float64(len(out)))
	// Up to 10,000 statuses: goccy/go-json writes the bytes gin's
	// encoding/json would (TestLookupAnswerEncoding), in a fraction of the time.
	b, err := fastjson.Marshal(lookupResponse{AsOf: h, Results: out})
	if err != nil {
		failErr(c, err)
		return
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", b)
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
