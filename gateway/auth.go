package gateway

import (
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"github.com/assoc-ledger/blacklist/node"
)

const clientKey = "client"

func client(c *gin.Context) *node.Client { return c.MustGet(clientKey).(*node.Client) }

// authenticate accepts an API key, or else a verified TLS client
// certificate bound to a client (mutual TLS).
func (s *server) authenticate(c *gin.Context) {
	h := c.GetHeader("Authorization")
	if tls := c.Request.TLS; h == "" && tls != nil && len(tls.VerifiedChains) > 0 {
		if cl, ok := s.node.AuthenticateCertificate(tls.PeerCertificates[0].Raw); ok {
			c.Set(clientKey, cl)
			c.Next()
			return
		}
		fail(c, CodeUnauthenticated, "the client certificate is not bound to any client")
		return
	}
	// The scheme name is case-insensitive (RFC 9110 section 11.1).
	scheme, key, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(key) == "" {
		c.Header("WWW-Authenticate", `Bearer realm="blacklist"`)
		fail(c, CodeUnauthenticated, "send Authorization: Bearer <api key>")
		return
	}
	cl, ok := s.node.Authenticate(strings.TrimSpace(key))
	if !ok {
		c.Header("WWW-Authenticate", `Bearer realm="blacklist", error="invalid_token"`)
		fail(c, CodeUnauthenticated, "unknown API key")
		return
	}
	c.Set(clientKey, cl)
	c.Next()
}

// can admits clients that may use capability (node.Authorize: roles and
// member status), before the handler reads a body.
func (s *server) can(capability node.Capability) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := s.node.Authorize(c.Request.Context(), client(c), capability); err != nil {
			failErr(c, err)
			return
		}
		c.Next()
	}
}

// limiter keeps one token bucket per client.
type limiter struct {
	mu      sync.Mutex
	rate    rate.Limit
	burst   int
	buckets map[string]*rate.Limiter
}

func newLimiter(perSecond float64, burst int) *limiter {
	return &limiter{rate: rate.Limit(perSecond), burst: burst, buckets: map[string]*rate.Limiter{}}
}

func (l *limiter) bucket(name string) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[name]
	if !ok {
		b = rate.NewLimiter(l.rate, l.burst)
		l.buckets[name] = b
	}
	return b
}

func (s *server) rateLimit(c *gin.Context) {
	if s.opts.RatePerSecond <= 0 {
		c.Next()
		return
	}
	b := s.limits.bucket(client(c).Name)
	r := b.Reserve()
	if d := r.Delay(); d > 0 {
		r.Cancel()
		c.Header("Retry-After", strconv.Itoa(int(math.Ceil(d.Seconds()))))
		fail(c, CodeRateLimited, "more than "+strconv.FormatFloat(s.opts.RatePerSecond, 'f', -1, 64)+" requests per second; retry after "+d.Round(time.Millisecond).String())
		return
	}
	c.Next()
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
