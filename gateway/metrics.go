package gateway

import (
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/assoc-ledger/blacklist/node"
)

type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	submits  *prometheus.CounterVec
	lookups  *prometheus.CounterVec
}

func newMetrics(n *node.Node) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "blacklist_http_requests_total",
		Help: "HTTP requests by route and status."}, []string{"route", "status"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "blacklist_http_request_duration_seconds",
		Help: "HTTP request latency by route.", Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16)}, []string{"route"})
	m.submits = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "blacklist_attestations_total",
		Help: "Attestations submitted, by outcome."}, []string{"outcome"})
	m.lookups = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "blacklist_lookups_total",
		Help: "Subjects looked up, by purpose."}, []string{"purpose"})
	height := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "blacklist_ledger_height",
		Help: "Last committed ledger height this node knows."}, func() float64 { return float64(n.Height()) })
	lastAlert := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "blacklist_alerts_last_id",
		Help: "Id of the newest alert raised on this node (alerts are numbered in order)."}, func() float64 { return float64(n.LastAlert()) })
	unindexed := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "blacklist_audit_unindexed_entries",
		Help: "Query audit entries committed that the audit log's subject index has not reached yet (0 when caught up; NaN if the store cannot be read)."},
		func() float64 {
			u, err := n.AuditUnindexed()
			if err != nil {
				return math.NaN()
			}
			return float64(u)
		})
	m.reg.MustRegister(m.requests, m.latency, m.submits, m.lookups, height, lastAlert, unindexed, webhookCollector{n},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler { return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}) }

// observe counts and times each request and logs it. Routes are the
// patterns, never the paths, so subject keys stay out of metrics.
func (s *server) observe(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	status := c.Writer.Status()
	d := time.Since(start)
	s.metrics.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	s.metrics.latency.WithLabelValues(route).Observe(d.Seconds())
	attrs := []any{"request", c.GetString(requestIDKey), "method", c.Request.Method, "route", route,
		"status", status, "duration_ms", float64(d.Microseconds()) / 1000}
	if cl, ok := c.Get(clientKey); ok {
		attrs = append(attrs, "client", cl.(*node.Client).Name)
	}
	if len(c.Errors) > 0 {
		attrs = append(attrs, "error", c.Errors.String())
	}
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	s.log.Log(c.Request.Context(), level, "request", attrs...)
}

// webhookCollector reports the node's webhooks at scrape time, as totals
// over all members: /metrics needs no credentials, so it says neither who
// has a receiver nor how many alerts one member is getting.
type webhookCollector struct{ n *node.Node }

var (
	webhookCount = prometheus.NewDesc("blacklist_webhooks",
		"Members' webhooks configured on this node, by state (failing: the receiver has failed longer than the failing threshold).", []string{"state"}, nil)
	webhookPending = prometheus.NewDesc("blacklist_webhook_pending_alerts",
		"Alerts raised and not yet acknowledged by members' receivers, all members together.", nil, nil)
	webhookAttempts = prometheus.NewDesc("blacklist_webhook_attempts_total",
		"Webhook delivery attempts since the node started, by outcome, all members together.", []string{"outcome"}, nil)
)

func (webhookCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- webhookCount
	ch <- webhookPending
	ch <- webhookAttempts
}

func (w webhookCollector) Collect(ch chan<- prometheus.Metric) {
	hooks, err := w.n.WebhookStatuses()
	if err != nil {
		ch <- prometheus.NewInvalidMetric(webhookCount, err)
		return
	}
	var failing, ok, pending, delivered, failed float64
	for _, h := range hooks {
		if h.Failing {
			failing++
		} else {
			ok++
		}
		pending += float64(h.Pending)
		delivered += float64(h.Deliveries)
		failed += float64(h.Failures)
	}
	ch <- prometheus.MustNewConstMetric(webhookCount, prometheus.GaugeValue, failing, "failing")
	ch <- prometheus.MustNewConstMetric(webhookCount, prometheus.GaugeValue, ok, "ok")
	ch <- prometheus.MustNewConstMetric(webhookPending, prometheus.GaugeValue, pending)
	ch <- prometheus.MustNewConstMetric(webhookAttempts, prometheus.CounterValue, delivered, "delivered")
	ch <- prometheus.MustNewConstMetric(webhookAttempts, prometheus.CounterValue, failed, "failed")
}
