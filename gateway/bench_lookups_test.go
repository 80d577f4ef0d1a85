package gateway

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

// BenchmarkLookups10000Handler serves POST /v1/lookups of 10,000 subject
// keys in-process (no network): the gateway's share of a large lookup
// beside the node's (strict request decoding, the answer's encoding and
// the time rewrite's check), audit included.
func BenchmarkLookups10000Handler(b *testing.B) {
	e := newEnv(b, Options{MaxBodyBytes: 4 << 20})
	subjects := make([]string, 10000)
	for i := range subjects {
		sum := sha256.Sum256([]byte(strconv.Itoa(i)))
		subjects[i] = hex.EncodeToString(sum[:])
	}
	body, _ := json.Marshal(map[string]any{"purpose": "loan-approval", "subjects": subjects})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest("POST", "/v1/lookups", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+e.keys["bank2-app"])
		w := httptest.NewRecorder()
		e.h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("%d %.300s", w.Code, w.Body)
		}
	}
}
