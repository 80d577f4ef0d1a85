// Command blload is the HTTP load generator of the benchmark scripts: a
// fixed number of concurrent connections sending one request for a fixed
// time, reporting throughput and latency percentiles. With --serve-trivial
// it is instead the ceiling to compare against: a gin server whose handler
// answers a constant.
package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/assoc-ledger/blacklist/node"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type options struct {
	url, method, body, client, credentials, label string
	conns                                         int
	duration                                      time.Duration
	lookupSubjects                                int
	serveTrivial                                  string
}

func run(args []string, stdout, stderr io.Writer) int {
	var o options
	fs := flag.NewFlagSet("blload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.url, "url", "", "URL to load")
	fs.StringVar(&o.method, "method", "GET", "HTTP method")
	fs.StringVar(&o.body, "body", "", "request body (for POST)")
	fs.IntVar(&o.lookupSubjects, "lookup-subjects", 0, "send a POST /v1/lookups body with this many random subject keys")
	fs.StringVar(&o.credentials, "credentials", "", "demo-credentials.json to take the API key from")
	fs.StringVar(&o.client, "client", "", "client name in --credentials")
	fs.IntVar(&o.conns, "c", 16, "concurrent connections")
	fs.DurationVar(&o.duration, "d", 10*time.Second, "duration")
	fs.StringVar(&o.label, "label", "", "label printed with the result")
	fs.StringVar(&o.serveTrivial, "serve-trivial", "", "serve a trivial gin handler on this address instead of generating load")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: blload --url URL [flags]   |   blload --serve-trivial ADDR\n\nPrints one line: label, requests/s, p50 and p99 latency, errors.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if o.serveTrivial != "" {
		return serveTrivial(o.serveTrivial, stderr)
	}
	if o.url == "" {
		fs.Usage()
		return 2
	}
	key, err := apiKey(o.credentials, o.client)
	if err != nil {
		fmt.Fprintln(stderr, "blload:", err)
		return 2
	}
	body := []byte(o.body)
	if o.lookupSubjects > 0 {
		body = lookupBody(o.lookupSubjects)
	}
	r := load(o, key, body)
	fmt.Fprintf(stdout, "%s\t%.0f req/s\tp50 %s\tp99 %s\t%d requests\t%d errors\n", o.label, r.rate, r.p50, r.p99, r.n, r.errors)
	if r.errors > 0 {
		fmt.Fprintln(stderr, "blload: first error:", r.firstErr)
		return 1
	}
	return 0
}

func apiKey(file, client string) (string, error) {
	if file == "" {
		return "", nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	var c node.DemoCredentials
	if err := json.Unmarshal(b, &c); err != nil {
		return "", err
	}
	for _, cl := range c.Clients {
		if cl.Name == client {
			return cl.APIKey, nil
		}
	}
	return "", fmt.Errorf("no client %q in %s", client, file)
}

func lookupBody(n int) []byte {
	subjects := make([]string, n)
	for i := range subjects {
		b := make([]byte, 32)
		rand.Read(b)
		subjects[i] = hex.EncodeToString(b)
	}
	b, _ := json.Marshal(map[string]any{"purpose": "loan-approval", "subjects": subjects})
	return b
}

type result struct {
	n, errors int
	rate      float64
	p50, p99  time.Duration
	firstErr  string
}

func load(o options, key string, body []byte) result {
	u, err := url.Parse(o.url)
	if err != nil || u.Scheme != "http" {
		return result{errors: 1, firstErr: fmt.Sprintf("--url %q: only http:// URLs", o.url)}
	}
	deadline := time.Now().Add(o.duration)
	var mu sync.Mutex
	var lat []time.Duration
	res := result{}
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < o.conns; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := newConn(o.method, u, key, body)
			defer c.close()
			// Room for every latency up front: appending would copy.
			mine := make([]time.Duration, 0, 1<<14)
			errs, first := 0, ""
			for {
				t := time.Now()
				if !t.Before(deadline) {
					break
				}
				code, err := c.do()
				if err == nil && code >= 300 {
					err = fmt.Errorf("status %d", code)
				}
				if err != nil {
					errs++
					if first == "" {
						first = err.Error()
					}
					continue
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			lat = append(lat, mine...)
			res.errors += errs
			if res.firstErr == "" {
				res.firstErr = first
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	res.n = len(lat)
	res.rate = float64(len(lat)) / elapsed.Seconds()
	if len(lat) > 0 {
		res.p50 = lat[len(lat)/2].Round(10 * time.Microsecond)
		res.p99 = lat[len(lat)*99/100].Round(10 * time.Microsecond)
	}
	return res
}

func serveTrivial(addr string, stderr io.Writer) int {
	if err := http.ListenAndServe(addr, trivialHandler()); err != nil {
		fmt.Fprintln(stderr, "blload:", err)
		return 1
	}
	return 0
}

// trivialHandler is the ceiling the node's lookups are compared with: gin
// answering a constant, for a single lookup and a batch alike.
func trivialHandler() http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	answer := func(c *gin.Context) {
		// The body is read, as the node reads it: a server that leaves
		// more than 256 KB unread closes the connection after answering
		// (net/http), so a 10,000-subject lookup (680 kB) measured a
		// redial per request, and the loader, still writing the body,
		// now and then got a broken pipe.
		if _, err := io.Copy(io.Discard, c.Request.Body); err != nil {
			c.Status(http.StatusBadRequest)
			return
		}
		c.JSON(http.StatusOK, gin.H{"listed": false, "asOf": 1})
	}
	r.GET("/v1/subjects/:key", answer)
	r.POST("/v1/lookups", answer)
	return r
}
