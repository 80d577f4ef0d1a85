package gateway

import (
	"math"
	"net/http"
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
// certificate bound to a client (mutual TLS). An address that failed too
// often is refused before its credentials are looked at.
func (s *server) authenticate(c *gin.Context) {
	addr := c.RemoteIP()
	if wait := s.failedAuth.Blocked(addr); wait > 0 {
		c.Header("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		fail(c, CodeRateLimited, "too many failed authentications from this address; retry after "+wait.Round(time.Second).String())
		return
	}
	s.authenticateCredentials(c)
	if c.Writer.Status() == http.StatusUnauthorized {
		s.failedAuth.Failed(addr)
		s.log.Warn("failed authentication", "request", c.GetString(requestIDKey), "address", addr, "route", c.FullPath())
	}
}

func (s *server) authenticateCredentials(c *gin.Context) {
	h := c.GetHeader("Authorization")
	if tls := c.Request.TLS; h == "" && tls != nil && len(tls.VerifiedChains) > 0 {
		if cl, ok := s.node.AuthenticateCertificate(tls.PeerCertificates[0].Raw); ok {
			c.Set(clientKey, cl)
			c.Next()
			return
		}
		failMsg(c, CodeUnauthenticated, "auth.cert")
		return
	}
	// The scheme name is case-insensitive (RFC 9110 section 11.1).
	scheme, key, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(key) == "" {
		c.Header("WWW-Authenticate", `Bearer realm="blacklist"`)
		failMsg(c, CodeUnauthenticated, "auth.header")
		return
	}
	cl, ok := s.node.Authenticate(strings.TrimSpace(key))
	if !ok {
		c.Header("WWW-Authenticate", `Bearer realm="blacklist", error="invalid_token"`)
		failMsg(c, CodeUnauthenticated, "auth.unknown")
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
