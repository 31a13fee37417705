// SPDX-License-Identifier: Apache-2.0

package api

import (
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// TestMetricsSeriesByRouteAndCode: the cached series of a route and code are the
// labelled ones — every request counted once under its own route and code, from
// many goroutines at once, an out-of-range code too.
func TestMetricsSeriesByRouteAndCode(t *testing.T) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "r"}, []string{"route", "code"}),
		latency:  prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "l"}, []string{"route", "code"}),
	}
	calls := []struct {
		route string
		code  int
		n     int
	}{{"/v1/receivables", 201, 300}, {"/v1/receivables", 422, 7}, {"/v1/receivables/:id", 201, 5}, {"unmatched", 404, 3}, {"x", 999, 2}}
	var wg sync.WaitGroup
	for _, c := range calls {
		for i := 0; i < c.n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				se := m.series(c.route, c.code)
				se.requests.Inc()
				se.latency.Observe(0.001)
			}()
		}
	}
	wg.Wait()
	reg := prometheus.NewRegistry()
	reg.MustRegister(m.requests, m.latency)
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range fams {
		for _, mt := range f.GetMetric() {
			key := f.GetName()
			for _, l := range mt.GetLabel() {
				key += " " + l.GetValue()
			}
			got[key] = mt.GetCounter().GetValue() + float64(mt.GetHistogram().GetSampleCount())
		}
	}
	if len(got) != 2*len(calls) {
		t.Fatalf("%d series, want %d: %v", len(got), 2*len(calls), got)
	}
	for _, c := range calls {
		code := map[int]string{201: "201", 422: "422", 404: "404", 999: "999"}[c.code]
		for _, name := range []string{"r", "l"} {
			if v := got[name+" "+code+" "+c.route]; v != float64(c.n) {
				t.Fatalf("%s{%s,%s} = %v, want %d (%v)", name, c.route, code, v, c.n, got)
			}
		}
	}
	if first := m.series("/v1/receivables", 201); m.series("/v1/receivables", 201) != first {
		t.Fatal("the series of a route and code is not cached")
	}
}
