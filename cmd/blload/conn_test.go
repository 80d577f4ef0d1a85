package main

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

// TestConnReadsEveryResponseShape: one connection sends the same request
// many times and reads fixed-length, chunked and error answers, and dials
// again when the server closes the connection.
func TestConnReadsEveryResponseShape(t *testing.T) {
	var dials atomic.Int32
	big := strings.Repeat("x", 200<<10)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Header.Get("Authorization") != "Bearer k" || string(body) != `{"a":1}` {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		switch r.URL.Query().Get("shape") {
		case "chunked": // larger than the server's buffer: sent in chunks
			w.Write([]byte(big))
		case "close":
			w.Header().Set("Connection", "close")
			w.Write([]byte("bye"))
		case "teapot":
			w.WriteHeader(http.StatusTeapot)
		default:
			w.Write([]byte("ok"))
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			dials.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	for _, tc := range []struct {
		shape string
		code  int
		dials int32
	}{{"fixed", 200, 1}, {"chunked", 200, 1}, {"teapot", 418, 1}, {"close", 200, 3}} {
		dials.Store(0)
		u, _ := url.Parse(srv.URL + "/x?shape=" + tc.shape)
		c := newConn("POST", u, "k", []byte(`{"a":1}`))
		for i := 0; i < 3; i++ {
			code, err := c.do()
			if err != nil || code != tc.code {
				t.Fatalf("%s, request %d: %d %v, want %d", tc.shape, i, code, err, tc.code)
			}
		}
		c.close()
		if got := dials.Load(); got != tc.dials {
			t.Errorf("%s: %d connections for 3 requests, want %d", tc.shape, got, tc.dials)
		}
	}
	u, _ := url.Parse(srv.URL + "/x")
	if code, err := newConn("POST", u, "wrong", []byte(`{"a":1}`)).do(); err != nil || code != 400 {
		t.Fatalf("wrong key: %d %v, want 400", code, err)
	}
}

// TestTrivialServerKeepsTheConnectionForLargeLookups: the trivial gin
// server reads a 10,000-subject body, so one connection carries every
// request, as with the node. It used to leave the body unread: net/http
// then closed the connection after each answer, the baseline measured a
// redial per request, and the loader now and then failed writing the body
// (a broken pipe that stopped a make bench).
func TestTrivialServerKeepsTheConnectionForLargeLookups(t *testing.T) {
	var dials atomic.Int32
	srv := httptest.NewUnstartedServer(trivialHandler())
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			dials.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	u, _ := url.Parse(srv.URL + "/v1/lookups")
	c := newConn("POST", u, "", lookupBody(10000))
	defer c.close()
	for i := 0; i < 20; i++ {
		if code, err := c.do(); err != nil || code != 200 {
			t.Fatalf("lookup %d: %d %v", i, code, err)
		}
	}
	if got := dials.Load(); got != 1 {
		t.Fatalf("%d connections for 20 lookups of 10,000 subjects, want 1", got)
	}
}
