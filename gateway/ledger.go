package gateway

import (
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/assoc-ledger/blacklist/node/ledger"
)

// submit runs a write transaction as the client's member and decodes its
// result into out; on failure it has answered with a problem.
func (s *server) submit(c *gin.Context, fn string, req, out any) (ledger.Result, bool) {
	arg, err := json.Marshal(req)
	if err != nil {
		failErr(c, err)
		return ledger.Result{}, false
	}
	res, err := s.node.Ledger.Submit(c.Request.Context(), client(c).Member, fn, arg)
	if err == nil && out != nil {
		err = json.Unmarshal(res.Payload, out)
	}
	if err != nil {
		failErr(c, err)
		return res, false
	}
	return res, true
}

// evaluate runs a query as the client's member.
func (s *server) evaluate(c *gin.Context, fn string, req, out any) (uint64, bool) {
	arg, err := json.Marshal(req)
	if err != nil {
		failErr(c, err)
		return 0, false
	}
	res, err := s.node.Ledger.Evaluate(client(c).Member, fn, arg)
	if err == nil {
		err = json.Unmarshal(res.Payload, out)
	}
	if err != nil {
		failErr(c, err)
		return 0, false
	}
	return res.Height, true
}

// relay answers with the result of a write transaction.
func (s *server) relay(fn string, status int, req func(c *gin.Context) (any, bool)) gin.HandlerFunc {
	return func(c *gin.Context) {
		r, ok := req(c)
		if !ok {
			return
		}
		var out json.RawMessage
		if _, ok := s.submit(c, fn, r, &out); ok {
			c.Data(status, "application/json", out)
		}
	}
}

// query answers with the result of a query.
func (s *server) query(fn string, req func(c *gin.Context) (any, bool)) gin.HandlerFunc {
	return func(c *gin.Context) {
		r, ok := req(c)
		if !ok {
			return
		}
		var out json.RawMessage
		if _, ok := s.evaluate(c, fn, r, &out); ok {
			c.Data(http.StatusOK, "application/json", out)
		}
	}
}

// body decodes the request body as a T.
func body[T any](c *gin.Context) (any, bool) {
	var v T
	return &v, bind(c, &v)
}
