// SPDX-License-Identifier: Apache-2.0

package api

import (
	"crypto/subtle"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/node"
)

type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec

	// The series of each route and code, looked up once: WithLabelValues hashes the
	// labels and takes a lock on every call, and the code is a string to allocate.
	mu     sync.RWMutex
	routes map[string]*routeSeries // by route pattern: bounded by the routes
}

// routeSeries are one route's series by status code (100–599).
type routeSeries struct {
	codes [600]atomic.Pointer[series]
}

type series struct {
	requests prometheus.Counter
	latency  prometheus.Observer
}

func newMetrics(reg *prometheus.Registry, n *node.Node) *metrics {
	m := &metrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "scfx_http_requests_total", Help: "HTTP requests by route and status code.",
		}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "scfx_http_request_duration_seconds", Help: "HTTP request latency by route and status code.",
			Buckets: []float64{.0005, .001, .002, .005, .01, .02, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route", "code"}),
	}
	reg.MustRegister(m.requests, m.latency, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	stat := func(f func(matcher.Stats) float64) func() float64 {
		return func() float64 {
			var v float64
			n.View(func(mm *matcher.Matcher) { v = f(mm.Stats()) })
			return v
		}
	}
	reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "scfx_apply_queue_depth", Help: "Submits waiting for their entries to be applied."},
			func() float64 { return float64(n.InFlight()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "scfx_matches_total", Help: "Matches made."},
			stat(func(s matcher.Stats) float64 { return float64(s.Matches) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "scfx_leaves_pending_anchor", Help: "Ledger leaves waiting for an anchor."},
			stat(func(s matcher.Stats) float64 { return float64(s.PendingLeaves) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "scfx_registrations_pending", Help: "Fingerprints waiting for the registry."},
			stat(func(s matcher.Stats) float64 { return float64(s.PendingRegs) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "scfx_applied_seq", Help: "Last journal entry applied."},
			stat(func(s matcher.Stats) float64 { return float64(s.AppliedSeq) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "scfx_journal_failed", Help: "1 once a journal write or fsync has failed: no command is accepted until a restart."},
			func() float64 { return boolGauge(n.Journal().Err() != nil) }),
	)
	appendLatency := prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "scfx_journal_append_seconds", Help: "Journal append latency, fsync (or Redis round trip) included.",
		Buckets: []float64{.0001, .0005, .001, .002, .005, .01, .02, .05, .1, .5},
	})
	reg.MustRegister(appendLatency)
	n.SetAppendObserver(func(d time.Duration) { appendLatency.Observe(d.Seconds()) })
	return m
}

func boolGauge(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// middleware counts and times every request by its route pattern (never the raw
// path, so ids do not explode the label set).
func (m *metrics) middleware(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	se := m.series(route, c.Writer.Status())
	se.requests.Inc()
	se.latency.Observe(time.Since(start).Seconds())
}

// series is the counter and histogram of route and code, made at first use.
func (m *metrics) series(route string, code int) *series {
	m.mu.RLock()
	rs := m.routes[route]
	m.mu.RUnlock()
	if rs == nil {
		m.mu.Lock()
		if rs = m.routes[route]; rs == nil {
			if m.routes == nil {
				m.routes = map[string]*routeSeries{}
			}
			rs = &routeSeries{}
			m.routes[route] = rs
		}
		m.mu.Unlock()
	}
	if code < 0 || code >= len(rs.codes) {
		cs := strconv.Itoa(code) // not a code net/http writes; not cached
		return &series{m.requests.WithLabelValues(route, cs), m.latency.WithLabelValues(route, cs)}
	}
	if se := rs.codes[code].Load(); se != nil {
		return se
	}
	cs := strconv.Itoa(code)
	se := &series{m.requests.WithLabelValues(route, cs), m.latency.WithLabelValues(route, cs)}
	rs.codes[code].CompareAndSwap(nil, se) // the same series either way
	return rs.codes[code].Load()
}

func (s *Server) serveMetrics(c *gin.Context) {
	if s.cfg.MetricsToken != "" {
		want := "Bearer " + s.cfg.MetricsToken
		if subtle.ConstantTimeCompare([]byte(c.GetHeader("Authorization")), []byte(want)) != 1 {
			fail(c, errf(matcher.CodeUnauthorized, "/metrics needs the metrics token"))
			return
		}
	}
	promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}).ServeHTTP(c.Writer, c.Request)
}
