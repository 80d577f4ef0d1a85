package gateway

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/docs"
	"github.com/assoc-ledger/blacklist/node"
	"github.com/assoc-ledger/blacklist/node/ledger"
)

// Options bounds what one client can ask of the node.
type Options struct {
	// MaxBodyBytes is the largest request body; larger ones get 413.
	MaxBodyBytes int64
	// MaxImportBytes is the largest watchlist import, which streams
	// (0: the default).
	MaxImportBytes int64
	// RatePerSecond and Burst are each client's token bucket.
	RatePerSecond float64
	Burst         int
	// Logger receives one line per request; discarded when nil.
	Logger *slog.Logger
}

// DefaultOptions fit a 10,000-id lookup and a 1,000-attestation batch.
func DefaultOptions() Options {
	return Options{MaxBodyBytes: 8 << 20, MaxImportBytes: 2 << 30, RatePerSecond: 200, Burst: 400}
}

// Limits the gateway enforces on request items.
const (
	MaxLookup = 10000
	MaxBatch  = 1000
)

type server struct {
	node    *node.Node
	opts    Options
	log     *slog.Logger
	limits  *limiter
	metrics *metrics
}

func init() { gin.SetMode(gin.ReleaseMode) }

// New returns the HTTP handler of the node's API.
func New(n *node.Node, opts Options) http.Handler {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.MaxImportBytes <= 0 {
		opts.MaxImportBytes = DefaultOptions().MaxImportBytes
	}
	s := &server{node: n, opts: opts, log: opts.Logger, limits: newLimiter(opts.RatePerSecond, opts.Burst), metrics: newMetrics(n)}
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.NoRoute(func(c *gin.Context) {
		fail(c, contract.CodeNotFound, "no such route: "+c.Request.Method+" "+c.Request.URL.Path)
	})
	r.NoMethod(s.methodNotAllowed(r))
	r.Use(s.requestID, s.observe, s.recover, s.limitBody)

	healthz := func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) }
	r.GET("/healthz", healthz)
	r.HEAD("/healthz", healthz)
	r.GET("/readyz", s.ready)
	r.HEAD("/readyz", s.ready)
	r.GET("/metrics", gin.WrapH(s.metrics.handler()))
	r.GET("/openapi.yaml", func(c *gin.Context) { c.Data(http.StatusOK, "application/yaml", docs.OpenAPI) })

	v1 := r.Group("/v1", s.authenticate, s.rateLimit)
	v1.GET("/members", s.listMembers)
	v1.GET("/members/:msp", s.getMember)
	v1.POST("/members", s.roles(node.RoleAdmin), s.admitMember)
	v1.POST("/members/:msp/suspend", s.roles(node.RoleAdmin), s.memberStatus("SuspendMember"))
	v1.POST("/members/:msp/reinstate", s.roles(node.RoleAdmin), s.memberStatus("ReinstateMember"))
	v1.POST("/members/:msp/expel", s.roles(node.RoleAdmin), s.memberStatus("ExpelMember"))
	v1.POST("/members/:msp/keys", s.roles(node.RoleAdmin, node.RoleReporter), s.ownMember, s.registerKey)
	v1.DELETE("/members/:msp/keys/:kid", s.roles(node.RoleAdmin, node.RoleReporter), s.ownMember, s.revokeKey)
	v1.GET("/policy", s.getPolicy)
	v1.PUT("/policy", s.roles(node.RoleAdmin), s.setPolicy)
	v1.POST("/subject-keys", s.roles(node.RoleQuerier, node.RoleReporter), s.subjectKey)
	v1.POST("/attestations", s.roles(node.RoleReporter, node.RoleAdmin), s.submitOne)
	v1.POST("/attestations/batch", s.roles(node.RoleReporter, node.RoleAdmin), s.submitBatch)
	v1.GET("/attestations/:id", s.getAttestation)
	v1.GET("/subjects/:key", s.roles(node.RoleQuerier), s.subjectStatus)
	v1.GET("/subjects/:key/history", s.roles(node.RoleQuerier), s.subjectHistory)
	v1.POST("/lookups", s.roles(node.RoleQuerier), s.lookups)
	v1.POST("/disputes", s.roles(node.RoleReporter, node.RoleQuerier, node.RoleAdmin), s.openDispute)
	v1.GET("/disputes", s.roles(node.RoleReporter, node.RoleQuerier, node.RoleAdmin, node.RoleAuditor), s.listDisputes)
	v1.POST("/disputes/:id/resolve", s.roles(node.RoleReporter, node.RoleAdmin), s.resolveDispute)
	v1.GET("/audit/queries", s.roles(node.RoleAuditor, node.RoleAdmin), s.auditQueries)
	watcher := s.roles(node.RoleQuerier, node.RoleReporter)
	v1.GET("/watchlist", watcher, s.listWatchlist)
	v1.PUT("/watchlist/:key", watcher, s.watch)
	v1.DELETE("/watchlist/:key", watcher, s.unwatch)
	v1.POST("/watchlist/import", watcher, s.importWatchlist)
	v1.GET("/alerts", watcher, s.listAlerts)
	v1.GET("/alerts/stream", watcher, s.streamAlerts)
	v1.GET("/webhook", watcher, s.getWebhook)
	v1.PUT("/webhook", watcher, s.setWebhook)
	v1.DELETE("/webhook", watcher, s.deleteWebhook)
	return r
}

// methodNotAllowed answers 405 with the methods the path does serve.
func (s *server) methodNotAllowed(r *gin.Engine) gin.HandlerFunc {
	return func(c *gin.Context) {
		var allow []string
		for _, route := range r.Routes() {
			if route.Method != c.Request.Method && pathMatches(route.Path, c.Request.URL.Path) {
				allow = append(allow, route.Method)
			}
		}
		c.Header("Allow", strings.Join(allow, ", "))
		fail(c, CodeMethodNotAllowed, c.Request.Method+" is not served on "+c.Request.URL.Path+"; allowed: "+strings.Join(allow, ", "))
	}
}

// pathMatches compares a gin route pattern with a request path segment by
// segment, a ":param" segment matching anything.
func pathMatches(pattern, path string) bool {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return false
	}
	for i := range ps {
		if !strings.HasPrefix(ps[i], ":") && ps[i] != xs[i] {
			return false
		}
	}
	return true
}

const requestIDKey = "requestID"

func (s *server) requestID(c *gin.Context) {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	c.Set(requestIDKey, id)
	c.Header("X-Request-Id", id)
	c.Next()
}

// recover turns a panic into a 500 problem; the process keeps serving.
func (s *server) recover(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic", "request", c.GetString(requestIDKey), "panic", r)
			fail(c, "internal", "internal error")
		}
	}()
	c.Next()
}

// importRoute streams its body, so it has a limit of its own.
const importRoute = "/v1/watchlist/import"

func (s *server) limitBody(c *gin.Context) {
	if c.Request.Body != nil {
		limit := s.opts.MaxBodyBytes
		if c.FullPath() == importRoute {
			limit = s.opts.MaxImportBytes
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	}
	c.Next()
}

// bind decodes the JSON body into v strictly; on failure it has already
// answered with a problem.
func bind(c *gin.Context, v any) bool {
	body, err := io.ReadAll(c.Request.Body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		fail(c, CodePayloadTooLarge, "the body is larger than the limit of "+itoa(tooBig.Limit)+" bytes")
		return false
	}
	if err != nil {
		fail(c, CodeMalformedRequest, "reading the body: "+err.Error())
		return false
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		fail(c, CodeMalformedRequest, "body: "+err.Error())
		return false
	}
	if d.More() {
		fail(c, CodeMalformedRequest, "body: unexpected data after the JSON value")
		return false
	}
	return true
}

// ready reports the height; a node that follows a peer (fabric mode) also
// reports how far behind it is, and is not ready while the peer cannot say.
func (s *server) ready(c *gin.Context) {
	body := gin.H{"status": "ready", "height": s.node.Ledger.Height(), "time": time.Now().UTC().Format(time.RFC3339)}
	if lg, ok := s.node.Ledger.(ledger.Lagging); ok {
		ctx, cancel := context.WithTimeout(c.Request.Context(), 5*time.Second)
		defer cancel()
		lag, err := lg.Lag(ctx)
		if err != nil {
			fail(c, CodeUnavailable, "the peer does not answer: "+err.Error())
			return
		}
		body["replicaLag"] = lag
	}
	if !s.secretReady(c, body) {
		return
	}
	// A member's failing receiver is reported, but does not make the node
	// unready: it serves every other member and keeps the alerts.
	hooks, err := s.node.WebhookStatuses()
	if err != nil {
		failErr(c, err)
		return
	}
	if len(hooks) > 0 {
		type hook struct {
			Member       string `json:"member"`
			Failing      bool   `json:"failing"`
			FailingSince string `json:"failingSince,omitempty"`
			Pending      int    `json:"pending"`
		}
		var out []hook
		failing := 0
		for _, h := range hooks {
			out = append(out, hook{h.Member, h.Failing, h.FailingSince, h.Pending})
			if h.Failing {
				failing++
			}
		}
		body["webhooks"], body["failingWebhooks"] = out, failing
	}
	c.JSON(http.StatusOK, body)
}
