package main

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestExitCodes(t *testing.T) {
	f := newFake(t)
	closed := httptest.NewServer(nil)
	closedURL := closed.URL
	closed.Close()

	t.Run("401 is refused", func(t *testing.T) {
		code, _, stderr := runCLI(t, "", "--server", f.srv.URL, "--api-key", "wrong", "members", "list")
		if code != exitRefused {
			t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitRefused, stderr)
		}
		for _, want := range []string{"urn:blacklist:problem:unauthenticated", "Missing or unknown API key", "no valid bearer token", "HTTP 401"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr)
			}
		}
	})
	t.Run("401 without a key hints at the variable", func(t *testing.T) {
		t.Setenv("BLACKLIST_API_KEY", "")
		code, _, stderr := runCLI(t, "", "--server", f.srv.URL, "members", "list")
		if code != exitRefused || !strings.Contains(stderr, "BLACKLIST_API_KEY") {
			t.Fatalf("exit %d; stderr:\n%s", code, stderr)
		}
	})
	t.Run("422 with item errors", func(t *testing.T) {
		stdin := `{"idType":"cn-ric","idNumber":"11010519491231002X"}` + "\n" + `{"idType":"cn-ric","idNumber":"123"}` + "\n"
		code, _, stderr := f.cli(t, stdin, "lookup", "--purpose", "loan-approval", "--file", "-")
		if code != exitRefused {
			t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitRefused, stderr)
		}
		for _, want := range []string{"urn:blacklist:problem:invalid-argument", "Invalid argument", "nothing was looked up", "item 1: invalid-argument: cn-ric"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr)
			}
		}
	})
	t.Run("404 problem", func(t *testing.T) {
		code, _, stderr := f.cli(t, "", "members", "show", "NoSuchMSP")
		if code != exitRefused || !strings.Contains(stderr, "not-found") {
			t.Fatalf("exit %d; stderr:\n%s", code, stderr)
		}
	})
	t.Run("non-problem 4xx still exits 1", func(t *testing.T) {
		code, _, stderr := runCLI(t, "", "--server", f.srv.URL+"/proxy/", "--api-key", testKey, "policy", "show")
		if code != exitRefused || !strings.Contains(stderr, "no such site") || f.sent("GET", "/proxy/v1/policy") == nil {
			t.Fatalf("exit %d; stderr:\n%s", code, stderr)
		}
	})
	t.Run("500 is a server error", func(t *testing.T) {
		f.mu.Lock()
		f.status = 500
		f.mu.Unlock()
		defer func() { f.mu.Lock(); f.status = 0; f.mu.Unlock() }()
		code, _, stderr := f.cli(t, "", "policy", "show")
		if code != exitTransport {
			t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitTransport, stderr)
		}
		if !strings.Contains(stderr, "urn:blacklist:problem:internal") || !strings.Contains(stderr, "the fake was told to fail") {
			t.Errorf("stderr:\n%s", stderr)
		}
	})
	t.Run("connection refused", func(t *testing.T) {
		code, _, stderr := runCLI(t, "", "--server", closedURL, "--api-key", testKey, "lookup", "--purpose", "post-loan", hex64("k"))
		if code != exitTransport || !strings.Contains(stderr, "refused") {
			t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitTransport, stderr)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		f.mu.Lock()
		f.delay = true
		f.mu.Unlock()
		defer func() { f.mu.Lock(); f.delay = false; f.mu.Unlock() }()
		code, _, stderr := runCLI(t, "", "--server", f.srv.URL, "--api-key", testKey, "--timeout", "100ms", "policy", "show")
		if code != exitTransport || !strings.Contains(stderr, "no answer within 100ms") {
			t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitTransport, stderr)
		}
	})
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"--output", "yaml", "policy", "show"},
		{"--server", "ftp://x", "policy", "show"},
		{"--no-such-flag"},
		{"lookup", "--purpose", "post-loan"},
		{"lookup", hex64("k")},
		{"lookup", "--purpose", "post-loan", "--no-such-flag", hex64("k")},
		{"members", "suspend", "Bank2MSP"},
		{"members", "nope"},
		{"members"},
		{"dispute", "open", "--attestation", "a", "--reason-code", "other"},
		{"dispute", "open", "--attestation", "a", "--reason-code", "other", "--statement-digest", "abc"},
		{"dispute", "resolve", "d1", "--outcome", "maybe", "--note", "n"},
		{"policy", "set", "--min-days-past-due", "90"},
		{"policy", "set", "--min-days-past-due", "90", "--retention-years", "5", "--dispute-answer-days", "20", "--min-amount", "XXX=1"},
		{"submit"},
		{"submit", "--batch", "1001", "x.ndjson"},
		{"submit", "--key", "k.pem", "x.ndjson"},
		{"submit", "-"},
		{"submit", "/no/such/file.ndjson"},
		{"audit", "--from", "yesterday"},
		{"keygen"},
		{"sign", "--kid", "k"},
		{"subject-key", "--id-type", "cn-ric"},
		{"attestation"},
	} {
		code, _, stderr := runCLI(t, "", append([]string{"--server", "http://127.0.0.1:1"}, args...)...)
		if code != exitUsage {
			t.Errorf("%q: exit %d, want %d; stderr:\n%s", args, code, exitUsage, stderr)
		}
	}
}

func TestHelp(t *testing.T) {
	code, out, _ := runCLI(t, "", "--help")
	if code != exitOK {
		t.Fatalf("--help exit %d", code)
	}
	for _, c := range commands() {
		if !strings.Contains(out, "\n  "+c.name) {
			t.Errorf("--help does not list %s", c.name)
		}
	}
	for _, want := range []string{"BLACKLIST_SERVER", "BLACKLIST_API_KEY", "--output", "--timeout", "Exit codes", "Examples"} {
		if !strings.Contains(out, want) {
			t.Errorf("--help lacks %q", want)
		}
	}
	for _, args := range [][]string{
		{"keygen"}, {"subject-key"}, {"sign"}, {"submit"}, {"lookup"}, {"audit"}, {"attestation"}, {"attestation", "show"},
		{"members"}, {"members", "list"}, {"members", "show"}, {"members", "admit"}, {"members", "suspend"},
		{"members", "reinstate"}, {"members", "expel"}, {"members", "add-key"}, {"members", "revoke-key"},
		{"dispute"}, {"dispute", "open"}, {"dispute", "list"}, {"dispute", "resolve"},
		{"policy"}, {"policy", "show"}, {"policy", "set"},
	} {
		code, out, stderr := runCLI(t, "", append(args, "--help")...)
		if code != exitOK || !strings.Contains(out, "Usage: blctl "+strings.Join(args, " ")) || !strings.Contains(out, "xample") {
			t.Errorf("%q --help: exit %d\nstdout:\n%s\nstderr:\n%s", args, code, out, stderr)
		}
	}
	if code, out, _ := runCLI(t, "", "help", "submit"); code != exitOK || !strings.Contains(out, "Usage: blctl submit") {
		t.Errorf("help submit: exit %d\n%s", code, out)
	}
}

func TestEnvironmentSetsServerAndKey(t *testing.T) {
	f := newFake(t)
	t.Setenv("BLACKLIST_SERVER", f.srv.URL)
	t.Setenv("BLACKLIST_API_KEY", testKey)
	code, out, stderr := runCLI(t, "", "policy", "show")
	if code != exitOK || !strings.Contains(out, "retention years") {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
}

func TestParseInterspersedFlags(t *testing.T) {
	e := &env{stdout: &strings.Builder{}, stderr: &strings.Builder{}}
	f := e.flags("x")
	reason := f.String("reason", "", "")
	pos, _, ok := f.parse([]string{"A", "--reason", "r", "B", "--", "--C"})
	if !ok || *reason != "r" || strings.Join(pos, " ") != "A B --C" {
		t.Fatalf("pos %q reason %q ok %v", pos, *reason, ok)
	}
}
