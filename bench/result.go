// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// LatencySummary is a run's latency distribution, in milliseconds.
type LatencySummary struct {
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	P999 float64 `json:"p99_9"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

// Result is one run against one target.
type Result struct {
	Name        string            `json:"name,omitempty"`
	Target      string            `json:"target"`
	Mix         string            `json:"mix"`
	Connections int               `json:"connections"`
	DurationS   float64           `json:"duration_s"`
	WarmupS     float64           `json:"warmup_s"`
	Rate        float64           `json:"rate"`
	Requests    uint64            `json:"requests"`
	OK          uint64            `json:"ok"`
	Errors      map[string]uint64 `json:"errors"`
	Missed      uint64            `json:"missed"`
	Throughput  float64           `json:"throughput_rps"`  // 2xx responses per second
	LatencyMs   LatencySummary    `json:"latency_ms"`      // of every response, from its intended start
	CPU         *CPUUse           `json:"cpu_s,omitempty"` // Compare only
}

func summarize(st *connStats, target string, mix benchMix, c Config) Result {
	ms := func(ns int64) float64 { return float64(ns) / 1e6 }
	h := &st.hist
	return Result{
		Target: target, Mix: mix.String(), Connections: c.Connections,
		DurationS: c.Duration.Seconds(), WarmupS: c.Warmup.Seconds(), Rate: c.Rate,
		Requests: st.requests, OK: st.ok, Errors: st.errors, Missed: st.missed,
		Throughput: float64(st.ok) / c.Duration.Seconds(),
		LatencyMs: LatencySummary{
			P50: ms(h.quantile(0.50)), P90: ms(h.quantile(0.90)), P99: ms(h.quantile(0.99)),
			P999: ms(h.quantile(0.999)), Max: ms(h.max), Mean: ms(h.mean()),
		},
	}
}

// PrintResult writes r as indented JSON, or as a few lines for a person.
func PrintResult(w io.Writer, asJSON bool, r Result) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	writeResult(w, r)
	return nil
}

func writeResult(w io.Writer, r Result) {
	mode := "closed loop"
	if r.Rate > 0 {
		mode = fmt.Sprintf("rate %.0f/s", r.Rate)
	}
	fmt.Fprintf(w, "%s  mix %s  %d connections  %s after %s warmup  %s\n", r.Target, r.Mix, r.Connections,
		time.Duration(r.DurationS*float64(time.Second)), time.Duration(r.WarmupS*float64(time.Second)), mode)
	fmt.Fprintf(w, "  requests    %d  ok %d  errors %d%s\n", r.Requests, r.OK, r.Requests-r.OK, formatErrors(r.Errors))
	if r.Missed > 0 {
		fmt.Fprintf(w, "  missed      %d scheduled requests never started: the rate was not kept, percentiles are a lower bound\n", r.Missed)
	}
	fmt.Fprintf(w, "  throughput  %.1f req/s (2xx)\n", r.Throughput)
	l := r.LatencyMs
	fmt.Fprintf(w, "  latency ms  p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f  (mean %.2f)\n", l.P50, l.P90, l.P99, l.P999, l.Max, l.Mean)
	if c := r.CPU; c != nil {
		fmt.Fprintf(w, "  cpu s       target %.1f  bench %.1f  other processes %.1f\n", c.Target, c.Bench, c.Other)
	}
}

func formatErrors(errs map[string]uint64) string {
	if len(errs) == 0 {
		return ""
	}
	keys := make([]string, 0, len(errs))
	for k := range errs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s×%d", k, errs[k])
	}
	return " (" + strings.Join(parts, ", ") + ")"
}
