package gateway

import (
	"log/slog"
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
		Help: "Last committed ledger height this node knows."}, func() float64 { return float64(n.Ledger.Height()) })
	m.reg.MustRegister(m.requests, m.latency, m.submits, m.lookups, height,
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
