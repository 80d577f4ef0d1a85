package console

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// BenchmarkConsolePage renders each page in-process (no network, no
// browser) for a signed-in client, on a node with 300 defaults of two
// banks, their statistics counted. Timings are reported here, never
// asserted in tests.
//
//	go test ./gateway/console -run '^$' -bench ConsolePage -benchtime 200x
func BenchmarkConsolePage(b *testing.B) {
	e := newEnv(b)
	for i := range 300 {
		client := []string{"bank1-app", "bank2-app"}[i%2]
		e.fileDefault(client, applicant, fmt.Sprintf("LN-%d", i))
	}
	if err := e.n.CountStatistics(); err != nil {
		b.Fatal(err)
	}
	h := handler(e.n)
	cookie := func(client string) (*http.Cookie, string) {
		token, s, _, ok, err := e.n.StartSession(e.keys[client], 3600e9)
		if err != nil || !ok {
			b.Fatal(err)
		}
		return &http.Cookie{Name: sessionCookie, Value: token}, s.CSRF
	}
	admin, _ := cookie("assoc-admin")
	bank, csrf := cookie("bank1-app")
	for _, tc := range []struct {
		name, method, path string
		c                  *http.Cookie
		form               url.Values
	}{
		{"overview", "GET", "/console/overview", admin, nil},
		{"members", "GET", "/console/members", admin, nil},
		{"queue", "GET", "/console/queue", admin, nil},
		{"audit", "GET", "/console/audit", admin, nil},
		{"check", "POST", "/console/check", bank, url.Values{"csrf": {csrf}, "idType": {"cn-ric"}, "idNumber": {applicant}, "purpose": {"loan-approval"}}},
		{"watchlist", "GET", "/console/watchlist", bank, nil},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				var r *http.Request
				if tc.form != nil {
					r = httptest.NewRequestWithContext(context.Background(), tc.method, tc.path, strings.NewReader(tc.form.Encode()))
					r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				} else {
					r = httptest.NewRequestWithContext(context.Background(), tc.method, tc.path, nil)
				}
				r.AddCookie(tc.c)
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", tc.path, w.Code, w.Body)
				}
			}
		})
	}
}
