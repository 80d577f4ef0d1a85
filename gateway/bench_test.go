package gateway

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
)

// BenchmarkLookupHandler serves GET /v1/subjects/{key} in-process (no
// network): auth, rate limit, ledger query, audit append, JSON.
func BenchmarkLookupHandler(b *testing.B) {
	e := newEnv(b, Options{MaxBodyBytes: 1 << 20})
	subj := e.subjectKey("11010519491231002X")
	e.call("POST", "/v1/attestations", "bank1-app", map[string]any{"attestation": defaultPayload(subj, "L")}, nil)
	req := httptest.NewRequest("GET", "/v1/subjects/"+subj+"?purpose=loan-approval", nil)
	req.Header.Set("Authorization", "Bearer "+e.keys["bank2-app"])
	b.ReportAllocs()
	b.ResetTimer()
	// Concurrent callers, as a loan origination system has: their audit
	// entries share fsyncs.
	b.SetParallelism(16)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w := httptest.NewRecorder()
			e.h.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Errorf("%d %s", w.Code, w.Body)
				return
			}
		}
	})
}

// BenchmarkTrivialGin is the ceiling: a gin handler answering a constant.
func BenchmarkTrivialGin(b *testing.B) {
	r := gin.New()
	r.GET("/v1/subjects/:key", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"listed": false}) })
	req := httptest.NewRequest("GET", "/v1/subjects/x?purpose=loan-approval", nil)
	b.ReportAllocs()
	b.SetParallelism(16)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w := httptest.NewRecorder()
			r.ServeHTTP(w, req)
		}
	})
}
