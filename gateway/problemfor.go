package gateway

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"

	"github.com/gin-gonic/gin"

	"github.com/assoc-ledger/blacklist/gateway/problem"
)

// ProblemFor is the problem document the API answers for err, with its
// title and detail in the language acceptLanguage asks for. The web
// console shows a node's refusal with it, so that a page and the API say
// the same thing in the same words: it runs the API's own error mapping
// (failErr) on a request of its own.
func ProblemFor(err error, acceptLanguage string) problem.Problem {
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	c.Request, _ = http.NewRequest(http.MethodGet, "/", nil)
	c.Request.Header.Set("Accept-Language", acceptLanguage)
	failErr(c, err)
	var p problem.Problem
	if json.Unmarshal(w.Body.Bytes(), &p) != nil || p.Status == 0 {
		p = problem.Problem{Type: problem.TypePrefix + "internal", Title: "Internal error", Status: http.StatusInternalServerError}
	}
	return p
}
