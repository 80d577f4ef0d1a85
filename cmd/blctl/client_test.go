package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestClientRetriesRateLimit(t *testing.T) {
	calls, always := 0, false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if calls == 1 || always {
			w.Header().Set("Retry-After", "7")
			writeProblem(w, 429, "rate-limited", "Rate limit exceeded", "slow down")
			return
		}
		reply(w, 200, map[string]string{"status": "ok"})
	}))
	defer srv.Close()
	var notice bytes.Buffer
	c := newClient(srv.URL, testKey, time.Second, &notice)
	var slept []time.Duration
	c.sleep = func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }
	var out map[string]string
	if err := c.Do(context.Background(), "GET", "/healthz", nil, nil, &out); err != nil || out["status"] != "ok" {
		t.Fatalf("%v %v", out, err)
	}
	if calls != 2 || len(slept) != 1 || slept[0] != 7*time.Second || !strings.Contains(notice.String(), "rate limited") {
		t.Fatalf("calls %d slept %v notice %q", calls, slept, notice.String())
	}

	// Rate limiting that does not end is reported like any other 4xx.
	always, slept = true, nil
	err := c.Do(context.Background(), "GET", "/healthz", nil, nil, nil)
	var p *Problem
	if !errors.As(err, &p) || p.Status != 429 || p.Code() != "rate-limited" || len(slept) != maxRetries429 {
		t.Fatalf("err %v", err)
	}
}

func TestRetryAfter(t *testing.T) {
	for in, want := range map[string]time.Duration{"": time.Second, "0": time.Second, "3": 3 * time.Second, "x": time.Second, "3600": maxRetryWait} {
		if got := retryAfter(in); got != want {
			t.Errorf("retryAfter(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestProgressWithoutTerminal(t *testing.T) {
	var buf bytes.Buffer
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	p := &progress{w: &buf, now: func() time.Time { return now }, interval: progressInterval}
	c := submitCounts{seen: 1}
	p.update(c, false)
	now = now.Add(4 * time.Second)
	p.update(c, false)
	if buf.Len() != 0 {
		t.Fatalf("progress within 5s: %q", buf.String())
	}
	now = now.Add(time.Second)
	c.seen, c.accepted = 500, 499
	p.update(c, false)
	p.update(c, true)
	if got := buf.String(); got != "blctl submit: 500 lines read, accepted 499  duplicate 0  rejected 0  skipped 0\n" {
		t.Fatalf("progress %q", got)
	}

	buf.Reset()
	tty := &progress{w: &buf, tty: true, total: 1000, now: func() time.Time { return now }}
	tty.update(c, true)
	if got := buf.String(); !strings.HasPrefix(got, "\r[###############...............] 500/1000 lines") || !strings.HasSuffix(got, "\n") {
		t.Fatalf("bar %q", got)
	}
}
