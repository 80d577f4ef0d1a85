package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node"
)

type lookupOptions struct {
	dir, url, credentials, client, purpose, name string
	batch, conns                                 int
	duration                                     time.Duration
	minRequests                                  int
	seed                                         uint64
}

// lookupCmd looks up random generated subjects on a node serving the
// store and checks every answer against what was generated: a benchmark
// of a store that answers wrongly would measure nothing.
func lookupCmd(args []string, stdout, stderr io.Writer) int {
	var o lookupOptions
	fs := flag.NewFlagSet("blgen lookup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.dir, "data", "", "the generated data directory the node serves (for blgen.json and the demo credentials)")
	fs.StringVar(&o.url, "url", "", "the node's base URL, e.g. http://127.0.0.1:18592")
	fs.StringVar(&o.credentials, "credentials", "", "demo-credentials.json to take the API key from (default DATA/demo-credentials.json)")
	fs.StringVar(&o.client, "client", "bank2-app", "API client in the credentials")
	fs.StringVar(&o.purpose, "purpose", "loan-approval", "lookup purpose")
	fs.IntVar(&o.batch, "batch", 1, "subjects per request: 1 is GET /v1/subjects/{key}, more is POST /v1/lookups")
	fs.IntVar(&o.conns, "c", 16, "concurrent connections")
	fs.DurationVar(&o.duration, "d", 5*time.Second, "how long to send requests")
	fs.IntVar(&o.minRequests, "min-requests", 1, "keep going after -d until at least this many requests answered")
	fs.Uint64Var(&o.seed, "seed", 1, "seed for choosing subjects")
	fs.StringVar(&o.name, "name", "", "benchmark name printed (default BenchmarkStoreLookup/stored=N/batch=B)")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: blgen lookup --data DIR --url URL [flags]

Looks up random subjects of the store generated in DIR on the node at URL
(which serves DIR) for a fixed time, checks that every answer lists the
subject with the defaults generated for it, and prints one line in Go
benchmark format: requests, ns/op (wall time per request), p50-ms, p99-ms,
req/s and subjects/s.

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
	if o.dir == "" || o.url == "" || o.batch < 1 || o.conns < 1 {
		fmt.Fprintln(stderr, "blgen lookup: --data and --url are required; --batch and -c must be positive (see --help)")
		return 2
	}
	if o.credentials == "" {
		o.credentials = filepath.Join(o.dir, node.DemoCredentialsFile)
	}
	var m Manifest
	if err := readJSON(filepath.Join(o.dir, ManifestFile), &m); err != nil {
		return fail(stderr, err)
	}
	var creds node.DemoCredentials
	if err := readJSON(o.credentials, &creds); err != nil {
		return fail(stderr, err)
	}
	key := ""
	for _, c := range creds.Clients {
		if c.Name == o.client {
			key = c.APIKey
		}
	}
	if key == "" {
		return fail(stderr, fmt.Errorf("no client %q in %s", o.client, o.credentials))
	}
	if o.name == "" {
		o.name = fmt.Sprintf("BenchmarkStoreLookup/stored=%d/batch=%d", m.Attestations, o.batch)
	}
	r, err := lookups(o, &m, key)
	if err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "%s\t%d\t%.0f ns/op\t%.3f p50-ms\t%.3f p99-ms\t%.2f req/s\t%.0f subjects/s\n",
		o.name, len(r.lat), float64(r.elapsed.Nanoseconds())/float64(len(r.lat)),
		ms(r.percentile(0.50)), ms(r.percentile(0.99)), r.rate(), r.rate()*float64(o.batch))
	return 0
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

type lookupResult struct {
	lat     []time.Duration
	elapsed time.Duration
}

func (r *lookupResult) rate() float64 { return float64(len(r.lat)) / r.elapsed.Seconds() }

func (r *lookupResult) percentile(p float64) time.Duration {
	return r.lat[min(len(r.lat)-1, int(p*float64(len(r.lat))))]
}

func lookups(o lookupOptions, m *Manifest, key string) (*lookupResult, error) {
	client := &http.Client{Timeout: 2 * time.Minute,
		Transport: &http.Transport{MaxIdleConnsPerHost: o.conns, MaxConnsPerHost: o.conns}}
	deadline := time.Now().Add(o.duration)
	var mu sync.Mutex
	var answered int
	res := &lookupResult{}
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	for c := 0; c < o.conns; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(o.seed, uint64(c)))
			for {
				mu.Lock()
				more := firstErr == nil && (time.Now().Before(deadline) || answered < o.minRequests)
				mu.Unlock()
				if !more {
					return
				}
				d, err := lookupOnce(client, o, m, key, rng)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				if err == nil {
					res.lat = append(res.lat, d)
					answered++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	if firstErr != nil {
		return nil, firstErr
	}
	slices.Sort(res.lat)
	return res, nil
}

// lookupOnce sends one request for random subjects and checks the answer.
// Only the round trip is timed: choosing subjects and checking the answer
// are the client's work, not the node's.
func lookupOnce(client *http.Client, o lookupOptions, m *Manifest, key string, rng *rand.Rand) (time.Duration, error) {
	subjects := make([]int, o.batch)
	keys := make([]string, o.batch)
	for i := range subjects {
		subjects[i] = rng.IntN(m.Subjects)
		keys[i] = SubjectKey(subjects[i])
	}
	var req *http.Request
	if o.batch == 1 {
		req, _ = http.NewRequest("GET", strings.TrimRight(o.url, "/")+"/v1/subjects/"+keys[0]+"?purpose="+o.purpose, nil)
	} else {
		body, _ := json.Marshal(map[string]any{"purpose": o.purpose, "subjects": keys})
		req, _ = http.NewRequest("POST", strings.TrimRight(o.url, "/")+"/v1/lookups", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+key)
	t := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	d := time.Since(t)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("%s %s: %d %s", req.Method, req.URL.Path, resp.StatusCode, body)
	}
	var out struct {
		contract.Status
		Results []contract.Status `json:"results"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return 0, err
	}
	if o.batch == 1 {
		out.Results = []contract.Status{out.Status}
	}
	if len(out.Results) != len(subjects) {
		return 0, fmt.Errorf("%d results for %d subjects", len(out.Results), len(subjects))
	}
	for i, s := range out.Results {
		want := activeDefaults(subjects[i], m.Attestations, m.PerSubject)
		if s.SubjectKey != keys[i] || !s.Listed || s.ActiveDefaults != want {
			return 0, fmt.Errorf("generated subject %d: the node answered %+v, want listed with %d active defaults", subjects[i], s, want)
		}
	}
	return d, nil
}
