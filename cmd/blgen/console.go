package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/assoc-ledger/blacklist/node"
)

// consolePages are the pages timed, each with the demo client that may
// see it: the association's pages as its administrator (the overview
// reads the statistics counters blgen filled), the bank pages as Bank1's
// application client (my filings lists Bank1's generated book).
var consolePages = []struct{ client, path string }{
	{"assoc-admin", "/console/overview"},
	{"assoc-admin", "/console/members"},
	{"assoc-admin", "/console/policy"},
	{"assoc-admin", "/console/queue"},
	{"assoc-admin", "/console/audit"},
	{"assoc-admin", "/console/health"},
	{"bank1-app", "/console/check"},
	{"bank1-app", "/console/filings"},
	{"bank1-app", "/console/disputes"},
	{"bank1-app", "/console/watchlist"},
	{"bank1-app", "/console/alerts"},
	{"bank1-app", "/console/webhook"},
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// consoleCmd signs in to the web console once per client and GETs each
// page n times, one request at a time, printing a Go benchmark line per
// page: ns/op (mean), p50-ms, p99-ms.
func consoleCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("blgen console", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("data", "", "the generated data directory the node serves (for blgen.json and the demo credentials)")
	base := fs.String("url", "", "the node's base URL, e.g. http://127.0.0.1:18593")
	n := fs.Int("n", 50, "requests per page")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: blgen console --data DIR --url URL [-n N]

Signs in to the web console of the node at URL (which serves DIR) as the
demo association administrator and as Bank1's client, then GETs each page
N times, one after another, and prints one line per page in Go benchmark
format: BenchmarkConsolePage/stored=S/page=P, ns/op (mean), p50-ms, p99-ms.
Every answer must be 200.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *dir == "" || *base == "" || *n < 1 {
		fmt.Fprintln(stderr, "blgen console: --data and --url are required; -n must be positive (see --help)")
		return 2
	}
	var m Manifest
	if err := readJSON(filepath.Join(*dir, ManifestFile), &m); err != nil {
		return fail(stderr, err)
	}
	var creds node.DemoCredentials
	if err := readJSON(filepath.Join(*dir, node.DemoCredentialsFile), &creds); err != nil {
		return fail(stderr, err)
	}
	clients := map[string]*http.Client{}
	for _, c := range creds.Clients {
		if c.Name != "assoc-admin" && c.Name != "bank1-app" {
			continue
		}
		hc, err := consoleSignIn(*base, c.APIKey)
		if err != nil {
			return fail(stderr, fmt.Errorf("signing in as %s: %w", c.Name, err))
		}
		clients[c.Name] = hc
	}
	for _, p := range consolePages {
		hc := clients[p.client]
		if hc == nil {
			return fail(stderr, fmt.Errorf("no client %s in the demo credentials", p.client))
		}
		times := make([]time.Duration, 0, *n)
		for range *n {
			start := time.Now()
			resp, err := hc.Get(*base + p.path)
			if err != nil {
				return fail(stderr, err)
			}
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK {
				return fail(stderr, fmt.Errorf("%s: %d %v", p.path, resp.StatusCode, err))
			}
			times = append(times, time.Since(start))
		}
		slices.Sort(times)
		var sum time.Duration
		for _, d := range times {
			sum += d
		}
		q := func(f float64) float64 { return float64(times[int(f*float64(len(times)-1))]) / 1e6 }
		fmt.Fprintf(stdout, "BenchmarkConsolePage/stored=%d/page=%s\t%d\t%d ns/op\t%.3f p50-ms\t%.3f p99-ms\n",
			m.Attestations, strings.TrimPrefix(p.path, "/console/"), *n, int64(sum)/int64(*n), q(0.5), q(0.99))
	}
	return 0
}

// consoleSignIn signs in with key and returns a client holding the
// session cookie.
func consoleSignIn(base, key string) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: time.Minute}
	resp, err := hc.Get(base + "/console/signin")
	if err != nil {
		return nil, err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	tok := csrfField.FindSubmatch(b)
	if tok == nil {
		return nil, fmt.Errorf("no CSRF token on the sign-in page (%d)", resp.StatusCode)
	}
	resp, err = hc.PostForm(base+"/console/signin", url.Values{"csrf": {string(tok[1])}, "key": {key}})
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Request.URL.Path, "/console/") || resp.Request.URL.Path == "/console/signin" {
		return nil, fmt.Errorf("sign-in answered %d at %s", resp.StatusCode, resp.Request.URL.Path)
	}
	return hc, nil
}
