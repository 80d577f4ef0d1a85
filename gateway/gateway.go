package gateway

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/chaincode/strictjson"
	"github.com/assoc-ledger/blacklist/docs"
	"github.com/assoc-ledger/blacklist/node"
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
	// FailedAuthPerMinute and FailedAuthBurst bound the failed
	// authentications one client address may make: past the burst, its
	// requests get 429 (before any key is checked) until the budget
	// refills. API keys are 256 random bits, so this is not what keeps
	// them safe; it keeps a guesser from costing the node work and an
	// operator from missing one (it is logged).
	FailedAuthPerMinute float64
	FailedAuthBurst     int
	// MaxStreamsPerClient is how many alert streams one client may hold
	// open at once.
	MaxStreamsPerClient int
	// now is the clock of the failed-authentication budget (tests).
	now func() time.Time
}

// DefaultOptions fit a 10,000-id lookup and a 1,000-attestation batch.
func DefaultOptions() Options {
	return Options{MaxBodyBytes: 8 << 20, MaxImportBytes: 2 << 30, RatePerSecond: 200, Burst: 400,
		FailedAuthPerMinute: 10, FailedAuthBurst: 20, MaxStreamsPerClient: 4}
}

// Limits the gateway enforces on request items.
const (
	MaxLookup = node.MaxLookup
	MaxBatch  = node.MaxBatch
)

type server struct {
	node       *node.Node
	opts       Options
	log        *slog.Logger
	limits     *limiter
	failedAuth *AddressLimiter
	streams    *StreamCounter
	metrics    *metrics
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
	if opts.FailedAuthBurst <= 0 {
		opts.FailedAuthPerMinute, opts.FailedAuthBurst = DefaultOptions().FailedAuthPerMinute, DefaultOptions().FailedAuthBurst
	}
	if opts.MaxStreamsPerClient <= 0 {
		opts.MaxStreamsPerClient = DefaultOptions().MaxStreamsPerClient
	}
	if opts.now == nil {
		opts.now = time.Now
	}
	s := &server{node: n, opts: opts, log: opts.Logger, limits: newLimiter(opts.RatePerSecond, opts.Burst),
		failedAuth: NewAddressLimiter(opts.FailedAuthPerMinute/60, opts.FailedAuthBurst, opts.now),
		streams:    NewStreamCounter(opts.MaxStreamsPerClient), metrics: newMetrics(n)}
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.NoRoute(func(c *gin.Context) {
		failMsg(c, contract.CodeNotFound, "route.none", c.Request.Method, c.Request.URL.Path)
	})
	r.NoMethod(s.methodNotAllowed(r))
	r.Use(s.requestID, s.observe, s.recover, s.limitBody, wholeSeconds)

	healthz := func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) }
	r.GET("/healthz", healthz)
	r.HEAD("/healthz", healthz)
	r.GET("/readyz", s.ready)
	r.HEAD("/readyz", s.ready)
	r.GET("/metrics", gin.WrapH(s.metrics.handler()))
	r.GET("/openapi.yaml", func(c *gin.Context) { c.Data(http.StatusOK, "application/yaml", docs.OpenAPI) })

	// Each route checks its capability early (roles, member status),
	// before reading a body; the node checks it again at its entry point.
	v1 := r.Group("/v1", s.authenticate, s.rateLimit)
	v1.GET("/members", s.can(node.ReadConsortium), s.listMembers)
	v1.GET("/members/:msp", s.getMember) // a member's own record stays readable when suspended
	v1.POST("/members", s.can(node.Administer), s.admitMember)
	v1.POST("/members/:msp/suspend", s.can(node.Administer), s.memberStatus(node.Suspend))
	v1.POST("/members/:msp/reinstate", s.can(node.Administer), s.memberStatus(node.Reinstate))
	v1.POST("/members/:msp/expel", s.can(node.Administer), s.memberStatus(node.Expel))
	v1.POST("/members/:msp/keys", s.can(node.ManageKeys), s.registerKey)
	v1.DELETE("/members/:msp/keys/:kid", s.can(node.ManageKeys), s.revokeKey)
	v1.GET("/policy", s.can(node.ReadConsortium), s.getPolicy)
	v1.PUT("/policy", s.can(node.Administer), s.setPolicy)
	v1.POST("/subject-keys", s.can(node.DeriveKeys), s.subjectKey)
	v1.POST("/attestations", s.can(node.Report), s.submitOne)
	v1.POST("/attestations/batch", s.can(node.Report), s.submitBatch)
	// Reads of subjects are refused by the node, which records the
	// refusal in the audit log: no early check here.
	v1.GET("/attestations/:id", s.getAttestation)
	v1.GET("/subjects/:key", s.subjectStatus)
	v1.GET("/subjects/:key/history", s.subjectHistory)
	v1.POST("/lookups", s.lookups)
	v1.POST("/disputes", s.can(node.OpenDispute), s.openDispute)
	v1.GET("/disputes", s.can(node.ReadDisputes), s.listDisputes)
	v1.POST("/disputes/:id/resolve", s.can(node.ResolveDispute), s.resolveDispute)
	v1.GET("/audit/queries", s.can(node.ReadAudit), s.auditQueries)
	v1.GET("/audit/log", s.can(node.ReadAudit), s.auditLog)
	v1.GET("/audit/anchors", s.can(node.ReadAudit), s.auditAnchors)
	monitor := s.can(node.Monitor)
	v1.GET("/watchlist", monitor, s.listWatchlist)
	v1.PUT("/watchlist/:key", s.watch)
	v1.DELETE("/watchlist/:key", monitor, s.unwatch)
	v1.POST("/watchlist/import", monitor, s.importWatchlist)
	// The association's admins read alerts too: budget-exceeded alerts
	// are addressed to the association.
	v1.GET("/alerts", s.can(node.ReadAlerts), s.listAlerts)
	v1.GET("/alerts/stream", s.can(node.ReadAlerts), s.streamAlerts)
	v1.GET("/webhook", monitor, s.getWebhook)
	v1.PUT("/webhook", monitor, s.setWebhook)
	v1.DELETE("/webhook", monitor, s.deleteWebhook)

	v1.GET("/statistics", s.can(node.ReadStatistics), s.statistics)
	v1.GET("/alert-rules", s.can(node.AlertRules), s.getAlertRules)
	v1.PUT("/alert-rules", s.can(node.AlertRules), s.setAlertRules)
	// The transparency log and evidence (translog.go, evidence.go).
	v1.GET("/log/checkpoint", s.can(node.ReadLogHead), s.logCheckpoint)
	v1.GET("/log/proof", s.can(node.ReadLog), s.logProof)
	v1.GET("/log/consistency", s.can(node.ReadLogHead), s.logConsistency)
	v1.GET("/trust-root", s.can(node.ReadLog), s.trustRoot)
	v1.GET("/evidence/:id", s.evidenceBundle) // audited by the node, refusals too
	v1.POST("/evidence/defaults", s.can(node.ReadEvidence), s.ownDefaults)
	// Protective registration (protections.go).
	protect := s.can(node.Protect)
	v1.POST("/protections", protect, s.registerProtection)
	v1.POST("/protections/:subject/renew", protect, s.renewProtection)
	v1.DELETE("/protections/:subject", protect, s.removeProtection)
	v1.GET("/protections", s.listProtections)
	// NPL pool statistics (poolstats.go); refusals are audited by the node.
	v1.POST("/pool-statistics", s.poolStatistics)

	// Publications of the blacklist to credit agencies (publications.go).
	v1.POST("/publications", s.can(node.Publish), s.publish)
	v1.GET("/publications", s.can(node.ReadPublications), s.listPublications)
	v1.GET("/publications/:n", s.can(node.ReadPublications), s.getPublication)
	v1.GET("/publication-endpoint", s.can(node.ReadPublications), s.getPublicationEndpoint)
	v1.PUT("/publication-endpoint", s.can(node.ReadPublications), s.setPublicationEndpoint)
	v1.DELETE("/publication-endpoint", s.can(node.ReadPublications), s.deletePublicationEndpoint)
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
		failMsg(c, CodeMethodNotAllowed, "route.method", c.Request.Method, c.Request.URL.Path, strings.Join(allow, ", "))
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
			if r == http.ErrAbortHandler {
				// A stream that cannot finish: reset the connection.
				panic(r)
			}
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
		if c.FullPath() == importRoute || c.FullPath() == poolRoute {
			limit = s.opts.MaxImportBytes
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	}
	c.Next()
}

// bind decodes the JSON body into v strictly (strictjson: no repeated or
// unknown keys, no trailing data, UTF-8 only); on failure it has already
// answered with a problem.
func bind(c *gin.Context, v any) bool {
	body, err := io.ReadAll(c.Request.Body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		failMsg(c, CodePayloadTooLarge, "body.toolarge", tooBig.Limit)
		return false
	}
	if err != nil {
		fail(c, CodeMalformedRequest, "reading the body: "+err.Error())
		return false
	}
	if err := strictjson.Decode(body, v); err != nil {
		detail := "body: " + err.Error()
		var unknown *strictjson.UnknownFieldError
		hint := errors.As(err, &unknown) && slices.Contains(unknown.Allowed, "attestation") && slices.Contains(unknown.Allowed, "jws")
		if hint {
			// the commonest mistake: a payload posted without its wrapper
			detail += `; a payload goes inside {"attestation": {...}}, a signed one in {"jws": "..."}`
		}
		c.Set(localizerKey, bodyLocalizer(err, hint))
		fail(c, CodeMalformedRequest, detail)
		return false
	}
	return true
}

// ready reports the height; a node that follows a peer (fabric mode) also
// reports how far behind it is, and is not ready while the peer cannot say.
// It needs no credentials, so it gives counts, never members: which
// members have receivers and how many alerts each is owed is theirs to
// read (GET /v1/webhook).
func (s *server) ready(c *gin.Context) {
	body := gin.H{"status": "ready", "height": s.node.Height(), "time": time.Now().UTC().Format(time.RFC3339)}
	ctx, cancel := context.WithTimeout(c.Request.Context(), 5*time.Second)
	defer cancel()
	lag, follows, err := s.node.Lag(ctx)
	if err != nil {
		fail(c, CodeUnavailable, "the peer does not answer: "+err.Error())
		return
	}
	if follows {
		body["replicaLag"] = lag
	}
	if !s.secretReady(c, body) {
		return
	}
	// A member's failing receiver is counted, but does not make the node
	// unready: it serves every other member and keeps the alerts.
	hooks, err := s.node.WebhookStatuses()
	if err != nil {
		failErr(c, err)
		return
	}
	if len(hooks) > 0 {
		failing := 0
		for _, h := range hooks {
			if h.Failing {
				failing++
			}
		}
		body["webhooks"], body["failingWebhooks"] = len(hooks), failing
	}
	// Background work that stopped (a webhook dispatcher that could not
	// load its configuration) leaves the node serving but degraded.
	if problems := s.node.BackgroundErrors(); len(problems) > 0 {
		body["status"], body["problems"] = "degraded", problems
	}
	c.JSON(http.StatusOK, body)
}
