// SPDX-License-Identifier: Apache-2.0

package main

// scfx bench: a load generator for the HTTP API. Each connection runs its requests
// one after another; latency is measured from each request's intended start, so a
// stall shows in the percentiles instead of silently pausing the load (coordinated
// omission). With --rate every connection follows a fixed schedule and the intended
// start is the scheduled one; in closed loop (--rate 0) it is the moment the
// connection's previous request finished.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/spf13/cobra"

	"github.com/scfx/scfx/uscc"
)

// Limits on what a run may ask for.
const (
	benchConnectionsMax = 4096
	benchMixWeightMax   = 1000
	benchPoolPerConn    = 16 // receivables each connection's SME holds for GET mixes
	benchSetupParallel  = 8  // setup requests in flight at once
	benchRequestTimeout = 30 * time.Second
	benchSetupBodyMax   = 1 << 20 // bytes of a setup response read
	benchListLimit      = 50      // docs/api.md's default page
	benchAmountFen      = 1_000_000
	benchTermDays       = 90 // within the 365-day payment-term cap (docs/api.md)
)

// benchOp is one kind of request of a mix.
type benchOp int

const (
	opPostReceivable benchOp = iota
	opGetReceivable
	opListReceivables
	opGetBook
	opHealthz
)

var benchOpNames = [...]string{"post_receivable", "get_receivable", "list_receivables", "get_book", "healthz"}

func (o benchOp) String() string { return benchOpNames[o] }

// mixEntry is one op and its weight; a benchMix lists each op at most once.
type mixEntry struct {
	op     benchOp
	weight int
}

type benchMix []mixEntry

// parseMix reads "op=weight,op=weight" (e.g. "post_receivable=3,get_receivable=7").
func parseMix(s string) (benchMix, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errors.New("--mix is empty: want op=weight[,op=weight…] with ops " + strings.Join(benchOpNames[:], ", "))
	}
	var mix benchMix
	for _, part := range strings.Split(s, ",") {
		name, w, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return nil, fmt.Errorf("--mix %q: %q is not op=weight", s, part)
		}
		op, found := opByName(strings.TrimSpace(name))
		if !found {
			return nil, fmt.Errorf("--mix %q: unknown op %q (supported: %s)", s, name, strings.Join(benchOpNames[:], ", "))
		}
		weight, err := strconv.Atoi(strings.TrimSpace(w))
		if err != nil || weight < 1 || weight > benchMixWeightMax {
			return nil, fmt.Errorf("--mix %q: weight of %s must be an integer from 1 to %d, got %q", s, name, benchMixWeightMax, w)
		}
		if mix.has(op) {
			return nil, fmt.Errorf("--mix %q: %s is given twice", s, name)
		}
		mix = append(mix, mixEntry{op, weight})
	}
	return mix, nil
}

func opByName(name string) (benchOp, bool) {
	for i, n := range benchOpNames {
		if n == name {
			return benchOp(i), true
		}
	}
	return 0, false
}

func (m benchMix) has(op benchOp) bool {
	for _, e := range m {
		if e.op == op {
			return true
		}
	}
	return false
}

func (m benchMix) String() string {
	parts := make([]string, len(m))
	for i, e := range m {
		parts[i] = fmt.Sprintf("%s=%d", e.op, e.weight)
	}
	return strings.Join(parts, ",")
}

// cycle is the mix as a sequence of sum(weights) ops, interleaved by smooth weighted
// round robin, so that any window of the sequence keeps the proportions; connections
// start at different offsets of it.
func (m benchMix) cycle() []benchOp {
	total := 0
	for _, e := range m {
		total += e.weight
	}
	current := make([]int, len(m))
	out := make([]benchOp, 0, total)
	for len(out) < total {
		best := 0
		for i, e := range m {
			current[i] += e.weight
			if current[i] > current[best] {
				best = i
			}
		}
		current[best] -= total
		out = append(out, m[best].op)
	}
	return out
}

// loadConfig is what a run does, against any target.
type loadConfig struct {
	Connections int
	Duration    time.Duration
	Warmup      time.Duration
	Rate        float64 // requests per second in total; 0: closed loop
	Mix         string
	JSON        bool
}

func addLoadFlags(cmd *cobra.Command, lc *loadConfig) {
	f := cmd.Flags()
	f.IntVar(&lc.Connections, "connections", 64, "concurrent connections, each with one request in flight")
	f.DurationVar(&lc.Duration, "duration", 10*time.Second, "measured time, after the warmup")
	f.DurationVar(&lc.Warmup, "warmup", 2*time.Second, "load before measuring (not recorded)")
	f.Float64Var(&lc.Rate, "rate", 0, "requests/s in total on a fixed schedule, latency from the scheduled start; 0: closed loop")
	f.StringVar(&lc.Mix, "mix", "post_receivable=1", "request mix op=weight,…: "+strings.Join(benchOpNames[:], ", "))
	f.BoolVar(&lc.JSON, "json", false, "print machine-readable JSON")
}

func (lc loadConfig) check() (benchMix, error) {
	switch {
	case lc.Connections < 1 || lc.Connections > benchConnectionsMax:
		return nil, fmt.Errorf("--connections must be from 1 to %d", benchConnectionsMax)
	case lc.Duration <= 0:
		return nil, errors.New("--duration must be positive")
	case lc.Warmup < 0:
		return nil, errors.New("--warmup must not be negative")
	case lc.Rate < 0 || math.IsNaN(lc.Rate) || math.IsInf(lc.Rate, 0):
		return nil, errors.New("--rate must be a finite number ≥ 0")
	}
	return parseMix(lc.Mix)
}

func (lc loadConfig) plan() loadPlan {
	return loadPlan{connections: lc.Connections, duration: lc.Duration, warmup: lc.Warmup, rate: lc.Rate}
}

func benchCmd() *cobra.Command {
	var lc loadConfig
	var url, token, dataDir string
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Load a running scfx: throughput and latency p50/p90/p99/p99.9 (no coordinated omission)",
		Example: `  scfx bench --connections 64 --duration 15s --mix post_receivable=3,get_receivable=7
  scfx bench --rate 2000 --mix get_receivable=1 --json
  scfx bench compare --connections 64 --duration 15s --mix post_receivable=1`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			mix, err := lc.check()
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			if token == "" && needsSetup(mix) {
				if token, err = readTokenFile(filepath.Join(dataDir, "admin.token")); err != nil {
					return err
				}
			}
			res, err := runBench(ctx, url, token, lc, mix)
			if err != nil {
				return err
			}
			return printResults(cmd.OutOrStdout(), lc.JSON, res)
		},
	}
	f := cmd.Flags()
	f.StringVar(&url, "url", "http://127.0.0.1:8080", "base URL of the scfx API; several, comma-separated, to spread the connections over replicas (set up through the first)")
	f.StringVar(&token, "token", envOr("SCFX_ADMIN_TOKEN", ""), "operator token (SCFX_ADMIN_TOKEN); default read from <data-dir>/admin.token")
	f.StringVar(&dataDir, "data-dir", envOr("SCFX_DATA_DIR", "./data"), "data directory of the server, for its admin.token (SCFX_DATA_DIR)")
	addLoadFlags(cmd, &lc)
	cmd.AddCommand(baselineCmd(), compareCmd())
	return cmd
}

func readTokenFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("operator token: %w (give --token or --data-dir)", err)
	}
	t := strings.TrimSpace(string(b))
	if t == "" {
		return "", fmt.Errorf("operator token file %s is empty", path)
	}
	return t, nil
}

// needsSetup: every op but healthz needs participants.
func needsSetup(mix benchMix) bool {
	return len(mix) != 1 || mix[0].op != opHealthz
}

// runBench sets up the target through the API with the operator token and runs the
// load. urls is one base URL or several, comma-separated: replicas of one platform.
// Connection i then loads replica i mod n, as a load balancer would spread them.
func runBench(ctx context.Context, urls, token string, lc loadConfig, mix benchMix) (benchResult, error) {
	bases, err := parseBases(urls)
	if err != nil {
		return benchResult{}, err
	}
	base := strings.Join(bases, ",")
	client := newBenchClient(lc.Connections)
	defer client.CloseIdleConnections()
	t, err := setupTarget(ctx, client, bases, token, lc.Connections, mix)
	if err != nil {
		return benchResult{}, err
	}
	st := runLoad(ctx, wallClock{}, lc.plan(), t.do)
	if err := ctx.Err(); err != nil {
		return benchResult{}, fmt.Errorf("interrupted: %w", err)
	}
	return summarize(st, base, mix, lc), nil
}

// maxBenchTargets bounds --url's list.
const maxBenchTargets = 64

func parseBases(urls string) ([]string, error) {
	var bases []string
	for u := range strings.SplitSeq(urls, ",") {
		u = strings.TrimRight(strings.TrimSpace(u), "/")
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			return nil, fmt.Errorf("--url %q: want http:// or https:// base URLs, comma-separated", u)
		}
		bases = append(bases, u)
	}
	if len(bases) > maxBenchTargets {
		return nil, fmt.Errorf("--url: %d base URLs, at most %d", len(bases), maxBenchTargets)
	}
	return bases, nil
}

// newBenchClient is one keep-alive transport sized to the connections: every
// connection goroutine has one request in flight, so no request waits for a socket.
func newBenchClient(conns int) *http.Client {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns + benchSetupParallel,
		MaxIdleConnsPerHost: conns + benchSetupParallel,
		MaxConnsPerHost:     conns + benchSetupParallel,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &http.Client{Transport: tr, Timeout: benchRequestTimeout}
}

// --- the load ---

// clock is time for the load loop; tests drive it by hand.
type clock interface {
	Now() time.Time
	Sleep(d time.Duration)
}

type wallClock struct{}

func (wallClock) Now() time.Time        { return time.Now() }
func (wallClock) Sleep(d time.Duration) { time.Sleep(d) }

type loadPlan struct {
	connections      int
	duration, warmup time.Duration
	rate             float64
}

// interval is the time between one connection's scheduled starts; 0 in closed loop.
func (p loadPlan) interval() time.Duration {
	if p.rate <= 0 {
		return 0
	}
	return max(time.Duration(float64(p.connections)/p.rate*float64(time.Second)), 1)
}

// doFunc makes connection conn's seq-th request and returns its HTTP status (0: no
// response).
type doFunc func(ctx context.Context, conn int, seq uint64) int

// connStats is what one connection measured; merged after the run.
type connStats struct {
	hist     histogram
	requests uint64
	ok       uint64
	errors   map[string]uint64 // by status, "transport" for no response
	missed   uint64            // scheduled starts never made: the schedule ran late
}

func newConnStats() *connStats { return &connStats{errors: map[string]uint64{}} }

func (s *connStats) record(status int, latency time.Duration) {
	s.requests++
	s.hist.record(int64(latency))
	switch {
	case status >= 200 && status < 300:
		s.ok++
	case status == 0:
		s.errors["transport"]++
	default:
		s.errors[strconv.Itoa(status)]++
	}
}

func (s *connStats) merge(o *connStats) {
	s.hist.merge(&o.hist)
	s.requests += o.requests
	s.ok += o.ok
	s.missed += o.missed
	for k, v := range o.errors {
		s.errors[k] += v
	}
}

// runLoad runs every connection from a common start and merges what they measured.
func runLoad(ctx context.Context, clk clock, p loadPlan, do doFunc) *connStats {
	t0 := clk.Now()
	per := make([]*connStats, p.connections)
	var wg sync.WaitGroup
	for i := range per {
		wg.Go(func() { per[i] = runConn(ctx, clk, p, i, t0, do) })
	}
	wg.Wait()
	total := newConnStats()
	for _, s := range per {
		total.merge(s)
	}
	return total
}

// runConn runs connection conn from t0 for the warmup and the duration and records
// the requests whose intended start falls after the warmup. The latency of a request
// runs from its intended start to the end of its response: in a schedule (a rate) a
// request that could not start on time because the previous one was slow is charged
// the wait, so a server stall is seen by every request scheduled during it, not only
// by the one that was in flight (coordinated omission). The timer's wake-up after a
// sleep (about 0.6 ms on a small VM) is charged too: it is the client's, and part of
// what --rate latencies report above closed-loop ones.
func runConn(ctx context.Context, clk clock, p loadPlan, conn int, t0 time.Time, do doFunc) *connStats {
	st := newConnStats()
	measureFrom, stop := t0.Add(p.warmup), t0.Add(p.warmup+p.duration)
	interval := p.interval()
	intended := clk.Now()
	if interval > 0 {
		// Connections are staggered over one interval, so the total rate is even.
		intended = t0.Add(interval * time.Duration(conn) / time.Duration(p.connections))
	}
	for seq := uint64(0); intended.Before(stop); seq++ {
		if interval > 0 {
			now := clk.Now()
			if !now.Before(stop) {
				st.missed += missedSlots(intended, measureFrom, stop, interval)
				break
			}
			if d := intended.Sub(now); d > 0 {
				clk.Sleep(d)
			}
		}
		status := do(ctx, conn, seq)
		if ctx.Err() != nil {
			break // interrupted: this request says nothing about the server
		}
		end := clk.Now()
		if !intended.Before(measureFrom) {
			st.record(status, end.Sub(intended))
		}
		if interval > 0 {
			intended = intended.Add(interval)
		} else {
			intended = end
		}
	}
	return st
}

// missedSlots counts the measured scheduled starts from next up to stop.
func missedSlots(next, measureFrom, stop time.Time, interval time.Duration) uint64 {
	if next.Before(measureFrom) {
		next = next.Add(measureFrom.Sub(next).Truncate(interval))
	}
	var n uint64
	for ; next.Before(stop); next = next.Add(interval) {
		if !next.Before(measureFrom) {
			n++
		}
	}
	return n
}

// --- results ---

type latencySummary struct {
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	P999 float64 `json:"p99_9"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

// benchResult is one run against one target.
type benchResult struct {
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
	LatencyMs   latencySummary    `json:"latency_ms"`      // of every response, from its intended start
	CPU         *cpuUse           `json:"cpu_s,omitempty"` // bench compare only
}

func summarize(st *connStats, target string, mix benchMix, lc loadConfig) benchResult {
	ms := func(ns int64) float64 { return float64(ns) / 1e6 }
	h := &st.hist
	return benchResult{
		Target: target, Mix: mix.String(), Connections: lc.Connections,
		DurationS: lc.Duration.Seconds(), WarmupS: lc.Warmup.Seconds(), Rate: lc.Rate,
		Requests: st.requests, OK: st.ok, Errors: st.errors, Missed: st.missed,
		Throughput: float64(st.ok) / lc.Duration.Seconds(),
		LatencyMs: latencySummary{
			P50: ms(h.quantile(0.50)), P90: ms(h.quantile(0.90)), P99: ms(h.quantile(0.99)),
			P999: ms(h.quantile(0.999)), Max: ms(h.max), Mean: ms(h.mean()),
		},
	}
}

func printResults(w io.Writer, asJSON bool, r benchResult) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	writeResult(w, r)
	return nil
}

func writeResult(w io.Writer, r benchResult) {
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

// runPrefix is 4 random characters of the USCC alphabet, so that one run's USCCs
// and invoice numbers never collide with another's on the same server.
func runPrefix() string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY" // GB 32100-2015's characters
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:])
}

// jsonBody is a request body for setup and for POST ops.
func jsonBody(v any) (io.Reader, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return bytes.NewReader(b), nil
}

// --- the target: setup through the API, then one request per call of do ---

// target is a server set up for a run: one core, one SME (and, for get_book, one
// lender) per connection, so that every connection has its own token, rate limit
// and invoice numbers.
type target struct {
	base   string   // where setup goes: the first of bases
	bases  []string // connection i loads bases[i % len(bases)]
	client *http.Client
	admin  string
	prefix string
	coreID string
	cycle  []benchOp
	issue  string
	due    string
	conns  []benchConn
	nextID int // participants made, for their USCC
	mu     sync.Mutex
}

type benchConn struct {
	base        string   // the replica this connection loads
	sme, lender string   // tokens
	pool        []string // receivables of sme, for get_receivable
	invoice     uint64   // invoices posted; only this connection's goroutine touches it
}

func setupTarget(ctx context.Context, client *http.Client, bases []string, admin string, conns int, mix benchMix) (*target, error) {
	now := time.Now().UTC()
	t := &target{
		base: bases[0], bases: bases, client: client, admin: admin, prefix: runPrefix(), cycle: mix.cycle(),
		issue: now.Format(time.DateOnly), due: now.AddDate(0, 0, benchTermDays).Format(time.DateOnly),
		conns: make([]benchConn, conns),
	}
	for i := range t.conns {
		t.conns[i].base = bases[i%len(bases)]
	}
	if !needsSetup(mix) {
		return t, nil
	}
	if err := t.setup(ctx, conns, mix); err != nil {
		return nil, err
	}
	return t, t.awaitReplicas(ctx)
}

// setup makes the cluster, the core and every connection's participants through the
// first base, and for get_receivable each connection's pool of receivables.
func (t *target) setup(ctx context.Context, conns int, mix benchMix) error {
	now := time.Now().UTC()
	admin := t.admin
	cluster, err := t.create(ctx, "/v1/clusters", admin, map[string]any{
		"name": "bench " + t.prefix, "county_code": "330206", "level": "national", "industry": "汽车零部件",
		"valid_until": now.AddDate(3, 0, 0).Format(time.DateOnly),
	})
	if err != nil {
		return err
	}
	core, err := t.participant(ctx, map[string]any{"role": "core", "rating": "AAA"})
	if err != nil {
		return err
	}
	t.coreID = core.ID
	err = parallel(ctx, conns, func(i int) error {
		sme, err := t.participant(ctx, map[string]any{"role": "sme", "cluster_id": cluster.ID})
		if err != nil {
			return err
		}
		t.conns[i].sme = sme.Token
		if mix.has(opGetBook) {
			lender, err := t.participant(ctx, map[string]any{"role": "lender"})
			if err != nil {
				return err
			}
			t.conns[i].lender = lender.Token
		}
		return nil
	})
	if err != nil || !mix.has(opGetReceivable) {
		return err
	}
	return parallel(ctx, conns, func(i int) error { return t.fillPool(ctx, i) })
}

// awaitReplicas waits until every other base has applied what setup wrote through the
// first (replicas apply the journal each at its own pace), so that no connection's
// first request finds its token unknown.
func (t *target) awaitReplicas(ctx context.Context) error {
	if len(t.bases) == 1 {
		return nil
	}
	want, err := t.appliedSeq(ctx, t.base)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(benchReplicaWait)
	for _, b := range t.bases[1:] {
		for {
			seq, err := t.appliedSeq(ctx, b)
			if err != nil {
				return err
			}
			if seq >= want {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("setup: %s applied seq %d, not %d, after %v", b, seq, want, benchReplicaWait)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
	return nil
}

const benchReplicaWait = 30 * time.Second

func (t *target) appliedSeq(ctx context.Context, base string) (uint64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/v1/node", nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+t.admin)
	resp, err := t.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("setup: GET %s/v1/node: %w", base, err)
	}
	defer resp.Body.Close()
	var n struct {
		AppliedSeq *uint64 `json:"applied_seq"`
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, benchSetupBodyMax))
	if err != nil || resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &n) != nil || n.AppliedSeq == nil {
		return 0, fmt.Errorf("setup: GET %s/v1/node = %d %.300s (%v), want 200 with applied_seq", base, resp.StatusCode, raw, err)
	}
	return *n.AppliedSeq, nil
}

// fillPool posts benchPoolPerConn receivables as connection i's SME.
func (t *target) fillPool(ctx context.Context, i int) error {
	c := &t.conns[i]
	for range benchPoolPerConn {
		c.invoice++
		r, err := t.create(ctx, "/v1/receivables", c.sme, t.receivable(c.invoice))
		if err != nil {
			return err
		}
		c.pool = append(c.pool, r.ID)
	}
	return nil
}

func (t *target) receivable(n uint64) map[string]any {
	return map[string]any{
		"debtor_id": t.coreID, "invoice_number": fmt.Sprintf("%s-%08d", t.prefix, n), "amount": benchAmountFen,
		"currency": "CNY", "issue_date": t.issue, "due_date": t.due,
	}
}

type created struct {
	ID    string `json:"id"`
	Token string `json:"token"`
}

// participant onboards one participant with a fresh USCC and, for SMEs and cores,
// the address of a fresh key.
func (t *target) participant(ctx context.Context, body map[string]any) (created, error) {
	t.mu.Lock()
	t.nextID++
	n := t.nextID
	t.mu.Unlock()
	code, err := uscc.Make('9', '1', "330100", fmt.Sprintf("%s%05d", t.prefix, n))
	if err != nil {
		return created{}, err
	}
	body["uscc"], body["name"] = code, fmt.Sprintf("bench %s %d", t.prefix, n)
	if body["role"] != "lender" {
		key, err := crypto.GenerateKey()
		if err != nil {
			return created{}, err
		}
		body["address"] = crypto.PubkeyToAddress(key.PublicKey).Hex()
	}
	p, err := t.create(ctx, "/v1/participants", t.admin, body)
	if err == nil && p.Token == "" {
		err = fmt.Errorf("POST /v1/participants: no token in the answer")
	}
	return p, err
}

// create POSTs body and wants 201 with an id.
func (t *target) create(ctx context.Context, path, token string, body any) (created, error) {
	rd, err := jsonBody(body)
	if err != nil {
		return created{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.base+path, rd)
	if err != nil {
		return created{}, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := t.client.Do(req)
	if err != nil {
		return created{}, fmt.Errorf("setup: POST %s: %w", path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, benchSetupBodyMax))
	if err != nil {
		return created{}, fmt.Errorf("setup: POST %s: %w", path, err)
	}
	var out created
	if resp.StatusCode != http.StatusCreated || json.Unmarshal(raw, &out) != nil || out.ID == "" {
		return created{}, fmt.Errorf("setup: POST %s = %d %.300s, want 201 with an id", path, resp.StatusCode, raw)
	}
	return out, nil
}

// parallel runs f(0..n-1) on benchSetupParallel goroutines and returns the first error.
func parallel(ctx context.Context, n int, f func(i int) error) error {
	next := make(chan int)
	errc := make(chan error, benchSetupParallel)
	var wg sync.WaitGroup
	for range min(n, benchSetupParallel) {
		wg.Go(func() {
			for i := range next {
				if err := f(i); err != nil {
					errc <- err
					return
				}
			}
		})
	}
	var err error
feed:
	for i := 0; i < n; i++ {
		select {
		case next <- i:
		case err = <-errc:
			break feed
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err == nil && len(errc) > 0 {
		err = <-errc
	}
	return err
}

// do makes connection conn's seq-th request of the mix: connections start at
// different places of the cycle.
func (t *target) do(ctx context.Context, conn int, seq uint64) int {
	c := &t.conns[conn]
	op := t.cycle[(seq+uint64(conn))%uint64(len(t.cycle))]
	req, err := t.request(ctx, c, op, seq)
	if err != nil {
		return 0
	}
	resp, err := t.client.Do(req)
	if err != nil {
		return 0
	}
	// Read to the end, so the connection is kept alive for the next request.
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func (t *target) request(ctx context.Context, c *benchConn, op benchOp, seq uint64) (*http.Request, error) {
	method, path, token := http.MethodGet, "", c.sme
	var body io.Reader
	switch op {
	case opPostReceivable:
		c.invoice++
		rd, err := jsonBody(t.receivable(c.invoice))
		if err != nil {
			return nil, err
		}
		method, path, body = http.MethodPost, "/v1/receivables", rd
	case opGetReceivable:
		path = "/v1/receivables/" + c.pool[seq%uint64(len(c.pool))]
	case opListReceivables:
		path = "/v1/receivables?limit=" + strconv.Itoa(benchListLimit)
	case opGetBook:
		path, token = "/v1/books/"+t.coreID, c.lender
	case opHealthz:
		path, token = "/healthz", ""
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// --- the histogram ---

// histogram is HdrHistogram's log-linear layout over nanoseconds: values below
// 2·histSub are kept exactly; above, each power of two is split into histSub
// buckets, so a bucket is at most 1/histSub (0.8%) of its values wide. Values at or
// above 2^histMaxBits ns (18 minutes) fall into the last bucket.
type histogram struct {
	counts [histBuckets]uint64
	count  uint64
	sum    int64
	max    int64
}

const (
	histSubBits = 7
	histSub     = 1 << histSubBits
	histMaxBits = 40
	histBuckets = (histMaxBits - histSubBits + 1) << histSubBits
)

func histIndex(v int64) int {
	v = min(max(v, 0), 1<<histMaxBits-1)
	shift := max(bits.Len64(uint64(v))-histSubBits-1, 0)
	return shift<<histSubBits + int(v>>shift)
}

// histHighest is the largest value that falls into bucket i.
func histHighest(i int) int64 {
	if i < 2*histSub {
		return int64(i)
	}
	shift := i>>histSubBits - 1
	sub := int64(i - shift<<histSubBits)
	return (sub+1)<<shift - 1
}

func (h *histogram) record(v int64) {
	v = max(v, 0)
	h.counts[histIndex(v)]++
	h.count++
	h.sum += v
	h.max = max(h.max, v)
}

func (h *histogram) merge(o *histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.count += o.count
	h.sum += o.sum
	h.max = max(h.max, o.max)
}

// quantile is the value at or below which a fraction q of the values lie, as the
// highest value of its bucket (never above the largest recorded): an upper bound
// within 1/histSub of the exact value.
func (h *histogram) quantile(q float64) int64 {
	if h.count == 0 {
		return 0
	}
	rank := min(max(uint64(math.Ceil(q*float64(h.count))), 1), h.count)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return min(histHighest(i), h.max)
		}
	}
	return h.max
}

func (h *histogram) mean() int64 {
	if h.count == 0 {
		return 0
	}
	return h.sum / int64(h.count)
}
