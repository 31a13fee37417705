// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// BenchmarkReplicas is a measurement, not a test (docs/benchmarks.md "Distributed
// mode"): `scfx bench` with the same load — POST receivables, 64 connections —
// against (a) embedded `scfx serve`, (b) one replica over Redis, (c) three replicas
// (one client spreading its connections over the three, as a load balancer would),
// with the CPU each process used meanwhile. Each round starts and measures each setup
// afresh, one after the other, the order rotating from round to round so that a
// machine whose speed drifts (this one is shared) weighs on each alike; each round's
// ratio compares runs a minute or two apart, and the table gives medians.
// It runs only with -bench Replicas -benchtime 1x (-bench Replicas/3-replicas: that
// setup alone, for comparing two builds); SCFX_BENCH_ROUNDS (default 3)
// sets the rounds, SCFX_BENCH_DURATION (default 10s) the measured time of each run,
// SCFX_BENCH_SLICES measures each round in slices (see below),
// SCFX_BENCH_SNAPSHOT_EVERY the servers' --snapshot-every, SCFX_BENCH_REPLICA_PROCS
// the replicas' GOMAXPROCS (share, the default: the machine's cores divided among
// them, at least one each; default: Go's own, every core).
//
// It is a benchmark, not a test: make test does not run it.
func BenchmarkReplicas(t *testing.B) {
	duration := 10 * time.Second
	if v := os.Getenv("SCFX_BENCH_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			t.Fatalf("SCFX_BENCH_DURATION=%q: want a positive duration", v)
		}
		duration = d
	}
	rounds := 3
	if v := os.Getenv("SCFX_BENCH_ROUNDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 50 {
			t.Fatalf("SCFX_BENCH_ROUNDS=%q: want 1 to 50", v)
		}
		rounds = n
	}
	// SCFX_BENCH_SNAPSHOT_EVERY sets --snapshot-every of every server: each one
	// snapshots its whole state in the background every so many entries (default
	// 10,000, and at most every 30 s).
	var flags []string
	if v := os.Getenv("SCFX_BENCH_SNAPSHOT_EVERY"); v != "" {
		flags = []string{"--snapshot-every", v}
	}
	// Replicas that share the machine get their share of its cores each (GOMAXPROCS,
	// docs/operations.md "CPU and memory per replica"), as an operator would give them:
	// three Go schedulers of two threads each on two cores keep waking each other.
	// SCFX_BENCH_REPLICA_PROCS=default leaves every replica Go's default (all cores).
	procs := os.Getenv("SCFX_BENCH_REPLICA_PROCS")
	if procs != "" && procs != "share" && procs != "default" {
		t.Fatalf("SCFX_BENCH_REPLICA_PROCS=%q: want share or default", procs)
	}
	share := func(n int) []string {
		if procs == "default" {
			return nil
		}
		return []string{fmt.Sprintf("GOMAXPROCS=%d", max(1, runtime.NumCPU()/n))}
	}
	setups := []*benchSetup{
		{key: "embedded", name: "embedded `scfx serve`", conns: "64", start: func(t testing.TB) benchTarget {
			base, pid := startEmbeddedServe(t, flags...)
			return benchTarget{bases: []string{base}, pids: map[string]int{"scfx/embedded": pid}}
		}},
		{key: "1-replica", name: "1 replica, Redis", conns: "64", start: func(t testing.TB) benchTarget {
			return startPlatformEnv(t, 1, share(1), flags...).target()
		}},
		{key: "3-replicas", name: "3 replicas, Redis", conns: "64 over 3", start: func(t testing.TB) benchTarget {
			return startPlatformEnv(t, 3, share(3), flags...).target()
		}},
	}
	// SCFX_BENCH_SLICES > 1 measures each round in slices: the round starts every
	// setup, then runs the load on one after the other, a slice of the duration each
	// time, the order rotating, until each has had the whole duration; a setup's run
	// of the round is the sum of its slices. The ratios then compare throughputs
	// measured seconds apart instead of a minute (this machine's speed drifts on that
	// scale), each market growing slice by slice. Default 1: one run per setup and
	// round, each setup started afresh for it.
	slices := 1
	if v := os.Getenv("SCFX_BENCH_SLICES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 20 || duration/time.Duration(n) < time.Second {
			t.Fatalf("SCFX_BENCH_SLICES=%q: want 1 to 20, and slices of the duration (%v) of at least 1 s", v, duration)
		}
		slices = n
	}
	for round := range rounds {
		if slices > 1 {
			t.Run(fmt.Sprintf("sliced/round-%d", round+1), func(t *testing.B) {
				runSliced(t, setups, round, slices, duration)
			})
			continue
		}
		for k := range setups {
			s := setups[(round+k)%len(setups)]
			t.Run(fmt.Sprintf("%s/round-%d", s.key, round+1), func(t *testing.B) {
				s.runs = append(s.runs, s.run(t, duration))
			})
		}
	}
	if t.Failed() {
		return
	}
	t.Logf("%s, %d rounds of %s runs (each after a 2 s warmup) in %d slices, %d cores, serve flags %q, replicas' environment %q (1) and %q (3)%s",
		time.Now().UTC().Format("2006-01-02 15:04 MST"), rounds, duration, slices, runtime.NumCPU(), flags, share(1), share(3), replicasTable(setups))
}

// runSliced is one round of BenchmarkReplicas in slices (SCFX_BENCH_SLICES): it
// starts every setup, then measures them in turn, a slice of the duration at a
// time (each slice after the bench's own warmup), and adds up each setup's slices.
func runSliced(t *testing.B, setups []*benchSetup, round, slices int, duration time.Duration) {
	targets := make([]benchTarget, len(setups))
	for i, s := range setups {
		targets[i] = s.start(t)
	}
	sums := make([]benchTotal, len(setups))
	slice := duration / time.Duration(slices)
	for n := range slices {
		for k := range setups {
			i := (round + n + k) % len(setups)
			t.Logf("slice %d of %d: %s", n+1, slices, setups[i].name)
			sums[i].add(measure(t, targets[i], slice), slices)
		}
	}
	for i, s := range setups {
		s.runs = append(s.runs, sums[i])
	}
}

// benchSetup is one setup of BenchmarkReplicas and its runs, one per round.
type benchSetup struct {
	key, name, conns string                         // key names its sub-benchmarks: -bench Replicas/3-replicas runs only that setup
	start            func(t testing.TB) benchTarget // starts the setup afresh, stopped when t ends
	runs             []benchTotal
}

// benchTarget is a running setup: the servers' addresses (one client spreads its
// connections over them), its processes for CPU accounting (see platform.pids) and
// its Redis's address ("" for none).
type benchTarget struct {
	bases []string
	pids  map[string]int
	redis string
}

// target is the platform as a benchmark's target: every replica takes requests.
func (pf *platform) target() benchTarget {
	var bases []string
	for _, r := range pf.reps {
		bases = append(bases, r.base())
	}
	tg := benchTarget{bases: bases, pids: pf.pids()}
	if pf.redis != nil {
		tg.redis = pf.redis.Addr()
	}
	return tg
}

// run starts the setup, measures it once and logs where the time went inside it.
// Every run starts from an empty market: a state grown by earlier rounds would make
// the later rounds slower than the first, whichever setup they measure.
func (s *benchSetup) run(t testing.TB, duration time.Duration) benchTotal {
	t.Helper()
	return measure(t, s.start(t), duration)
}

// measure runs the load on a running setup once and logs where the time went.
func measure(t testing.TB, tg benchTarget, duration time.Duration) benchTotal {
	t.Helper()
	var before map[string][2]uint64
	if tg.redis != "" {
		before = redisStats(t, tg.redis)
	}
	r := runBenchProc(t, strings.Join(tg.bases, ","), 64, duration, tg.pids)
	logServerTimes(t, tg.bases...)
	if tg.redis != "" {
		logRedisStats(t, before, redisStats(t, tg.redis), r.ok)
	}
	return r
}

// replicasTable is BenchmarkReplicas's result: per setup, each round's throughput and
// its ratio to the embedded run of the same round, with medians.
func replicasTable(setups []*benchSetup) string {
	median := func(xs []float64) float64 {
		xs = slices.Sorted(slices.Values(xs))
		switch n := len(xs); {
		case n == 0:
			return math.NaN() // e.g. ratios when -bench left out the embedded setup
		case n%2 == 0:
			return (xs[n/2-1] + xs[n/2]) / 2
		default:
			return xs[n/2]
		}
	}
	join := func(xs []float64, format string) string {
		parts := make([]string, len(xs))
		for i, x := range xs {
			parts[i] = fmt.Sprintf(format, x)
		}
		return strings.Join(parts, " · ")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n| setup | connections | throughput, 2xx/s (rounds) | median | vs embedded (rounds) | median | p50 / p99 ms (medians) | CPU µs per request: scfx / redis / bench = total (medians) | scfx page faults per request (median) | context switches per request (median) | fresh page µs (rounds) | errors | other CPU |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for _, s := range setups {
		var rps, ratio, p50, p99, scfx, rds, bench, total, faults, switches, pageCost []float64
		var errs uint64
		var other time.Duration
		if len(s.runs) == 0 {
			continue // not selected by -bench
		}
		for i, r := range s.runs {
			rps = append(rps, r.throughput)
			if i < len(setups[0].runs) {
				ratio = append(ratio, r.throughput/setups[0].runs[i].throughput)
			}
			p50, p99 = append(p50, r.p50), append(p99, r.p99)
			perReq := func(n uint64) float64 { return float64(n) / float64(max(r.ok, 1)) }
			us := func(d time.Duration) float64 { return perReq(uint64(d.Microseconds())) }
			var all time.Duration
			for _, d := range r.cpu {
				all += d
			}
			scfx, rds, bench, total = append(scfx, us(r.cpu["scfx"])), append(rds, us(r.cpu["redis"])), append(bench, us(r.cpu["bench"])), append(total, us(all))
			faults, switches, pageCost = append(faults, perReq(r.faults)), append(switches, perReq(r.switches)), append(pageCost, r.pageCost)
			errs += r.requests - r.ok
			other += r.other
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %.0f | %s | %.2f | %.2f / %.2f | %.0f / %.0f / %.0f = %.0f | %.2f | %.2f | %s | %d | %.1f s |\n", s.name, s.conns,
			join(rps, "%.0f"), median(rps), join(ratio, "%.2f"), median(ratio), median(p50), median(p99),
			median(scfx), median(rds), median(bench), median(total), median(faults), median(switches), join(pageCost, "%.1f"), errs, other.Seconds())
	}
	return b.String()
}

// benchTotal is one bench run's result, with the CPU the processes used meanwhile.
type benchTotal struct {
	requests, ok uint64
	throughput   float64
	p50, p99     float64                  // ms
	cpu          map[string]time.Duration // CPU used during the run: "scfx", "redis", "geth", "bench"
	other        time.Duration            // CPU the rest of the machine used meanwhile
	faults       uint64                   // minor page faults of the scfx servers during the run
	switches     uint64                   // context switches of the whole machine during the run
	pageCost     float64                  // µs per fresh page just before the run (freshPageCost)
}

// add adds one slice of a run cut into slices: counts and CPU add up, throughput,
// latencies and the page cost are the slices' means (the slices are equally long).
func (b *benchTotal) add(r benchTotal, slices int) {
	n := float64(slices)
	b.requests += r.requests
	b.ok += r.ok
	b.throughput += r.throughput / n
	b.p50 += r.p50 / n
	b.p99 += r.p99 / n
	if b.cpu == nil {
		b.cpu = map[string]time.Duration{}
	}
	for k, d := range r.cpu {
		b.cpu[k] += d
	}
	b.other += r.other
	b.faults += r.faults
	b.switches += r.switches
	b.pageCost += r.pageCost / n
}

// pids are the platform's processes, "kind" or "kind/name", for CPU accounting.
func (pf *platform) pids() map[string]int {
	out := map[string]int{"geth": pf.geth.PID()}
	if pf.redis != nil {
		out["redis"] = pf.redis.PID()
	}
	for _, r := range pf.reps {
		out["scfx/"+r.id] = r.cmd.Process.Pid
	}
	return out
}

// waitQuiet waits (up to two minutes, or SCFX_BENCH_QUIET_WAIT) until the machine has
// been nine tenths idle for three seconds in a row: geth indexes its state for a while
// after a start, and this machine is shared — another run must not be charged to this
// one (runBenchProcs reports the CPU used by others during the run, too). On a machine
// that others keep busy, SCFX_BENCH_QUIET_WAIT=10s saves most of two minutes per run.
func waitQuiet(t testing.TB) {
	t.Helper()
	wait := 2 * time.Minute
	if v := os.Getenv("SCFX_BENCH_QUIET_WAIT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			t.Fatalf("SCFX_BENCH_QUIET_WAIT=%q: want a duration", v)
		}
		wait = d
	}
	deadline := time.Now().Add(wait)
	for quiet := 0; quiet < 3; {
		m0 := readMachineStat()
		time.Sleep(time.Second)
		m1 := readMachineStat()
		if quiet++; m1.total > m0.total && (m1.busy-m0.busy)*10 > m1.total-m0.total {
			quiet = 0
		}
		if time.Now().After(deadline) {
			t.Logf("the machine did not become quiet in %v: measuring anyway", wait)
			return
		}
	}
}

// redisNetStats are the INFO stats fields redisStats keeps, and their names there.
var redisNetStats = map[string]string{"total_net_input_bytes": "bytes in", "total_net_output_bytes": "bytes out"}

// redisStats is Redis's INFO commandstats — calls and µs by command — and the bytes
// it received and sent (INFO stats), as "bytes in" and "bytes out".
func redisStats(t testing.TB, addr string) map[string][2]uint64 {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	info, err := c.Info(context.Background(), "commandstats", "stats").Result()
	if err != nil {
		t.Fatalf("redis INFO commandstats stats: %v", err)
	}
	out := map[string][2]uint64{}
	for line := range strings.SplitSeq(info, "\n") {
		name, rest, ok := strings.Cut(strings.TrimSpace(line), ":")
		if key := redisNetStats[name]; ok && key != "" {
			n, _ := strconv.ParseUint(rest, 10, 64)
			out[key] = [2]uint64{n, 0}
			continue
		}
		name, isCmd := strings.CutPrefix(name, "cmdstat_")
		if !ok || !isCmd {
			continue
		}
		var calls, usec uint64
		for kv := range strings.SplitSeq(rest, ",") {
			k, v, _ := strings.Cut(kv, "=")
			switch k {
			case "calls":
				calls, _ = strconv.ParseUint(v, 10, 64)
			case "usec":
				usec, _ = strconv.ParseUint(v, 10, 64)
			}
		}
		out[name] = [2]uint64{calls, usec}
	}
	return out
}

// logRedisStats logs what Redis did during a run, per 2xx request: its commands'
// calls and time (fsyncs and networking are not in it) and the bytes it received and
// sent.
func logRedisStats(t testing.TB, before, after map[string][2]uint64, ok uint64) {
	t.Helper()
	var b strings.Builder
	for _, name := range slices.Sorted(maps.Keys(after)) {
		calls, usec := after[name][0]-before[name][0], after[name][1]-before[name][1]
		if strings.HasPrefix(name, "bytes ") {
			fmt.Fprintf(&b, " %s %.0f per request;", name, float64(calls)/float64(max(ok, 1)))
			continue
		}
		if calls > 0 {
			fmt.Fprintf(&b, " %s %d calls (%.3f per request, %.1f µs per request);", name, calls, float64(calls)/float64(max(ok, 1)), float64(usec)/float64(max(ok, 1)))
		}
	}
	t.Logf("redis commands during the run:%s", b.String())
}

// logServerTimes logs, from each server's /metrics, the mean time of a journal append
// and of a POST /v1/receivables inside the server, setup and warmup included: with the
// client's latency they tell where a request's time goes.
func logServerTimes(t testing.TB, bases ...string) {
	t.Helper()
	var b strings.Builder
	for _, base := range bases {
		resp, err := http.Get(base + "/metrics")
		if err != nil {
			t.Logf("%s/metrics: %v", base, err)
			return
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		vals := map[string]float64{}
		for line := range strings.SplitSeq(string(raw), "\n") {
			name, v, ok := strings.Cut(line, " ")
			if !ok || strings.HasPrefix(name, "#") {
				continue
			}
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				continue
			}
			switch {
			case name == "scfx_journal_append_seconds_sum", name == "scfx_journal_append_seconds_count":
				vals[name] += f
			case strings.HasPrefix(name, "scfx_http_request_duration_seconds_") && strings.Contains(name, `route="/v1/receivables"`) && strings.Contains(name, `code="201"`):
				if strings.HasPrefix(name, "scfx_http_request_duration_seconds_sum") {
					vals["post_sum"] += f
				} else if strings.HasPrefix(name, "scfx_http_request_duration_seconds_count") {
					vals["post_count"] += f
				}
			}
		}
		ms := func(sum, n float64) float64 { return 1000 * sum / max(n, 1) }
		fmt.Fprintf(&b, " %s: append %.2f ms mean (%.0f appends), POST /v1/receivables %.2f ms mean in the server;", base,
			ms(vals["scfx_journal_append_seconds_sum"], vals["scfx_journal_append_seconds_count"]), vals["scfx_journal_append_seconds_count"],
			ms(vals["post_sum"], vals["post_count"]))
	}
	t.Logf("server times:%s", b.String())
}

// runBenchProc runs `scfx bench --json` against url (one base, or several separated by
// commas: its connections alternate over them) and measures the CPU the servers
// (servers: kind or kind/name → pid) and the bench process used meanwhile.
func runBenchProc(t testing.TB, url string, conns int, duration time.Duration, servers map[string]int) benchTotal {
	t.Helper()
	var r struct {
		Requests   uint64            `json:"requests"`
		OK         uint64            `json:"ok"`
		Errors     map[string]uint64 `json:"errors"`
		Throughput float64           `json:"throughput_rps"`
		LatencyMs  struct {
			P50 float64 `json:"p50"`
			P99 float64 `json:"p99"`
		} `json:"latency_ms"`
	}
	waitQuiet(t)
	pageCost := freshPageCost()
	before := map[string]time.Duration{}
	faults := map[string]uint64{}
	for name, pid := range servers {
		before[name], faults[name] = procStat(pid)
	}
	m0 := readMachineStat()
	began := time.Now()
	cmd := exec.Command(scfxBinary(t), "bench", "--url", url, "--token", replicaAdmin,
		"--connections", strconv.Itoa(conns), "--duration", duration.String(), "--mix", "post_receivable=1", "--json")
	cmd.Env = cleanEnv()
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if err == nil {
		err = json.Unmarshal([]byte(out.String()), &r)
	}
	if err != nil {
		t.Fatalf("scfx bench --url %s: %v\n%s", url, err, errOut.String())
	}
	m1 := readMachineStat()
	switches := m1.switches - m0.switches
	benchCPU := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	total := benchTotal{requests: r.Requests, ok: r.OK, throughput: r.Throughput, p50: r.LatencyMs.P50, p99: r.LatencyMs.P99,
		cpu: map[string]time.Duration{"bench": benchCPU}, pageCost: pageCost, switches: switches}
	ours := benchCPU
	for name, pid := range servers {
		kind, _, _ := strings.Cut(name, "/")
		cpu, n := procStat(pid)
		d := cpu - before[name]
		total.cpu[kind] += d
		ours += d
		if kind == "scfx" {
			total.faults += n - faults[name]
		}
	}
	total.other = max(0, time.Duration(m1.busy-m0.busy)*time.Second/userHZ-ours)
	t.Logf("%s: %d requests, %.0f/s, p50 %.2f ms, p99 %.2f ms, errors %v", url, r.Requests, r.Throughput, r.LatencyMs.P50, r.LatencyMs.P99, r.Errors)
	t.Logf("CPU during the run (%v): %v; other processes of the machine: %v; scfx page faults %d (%.2f per request); context switches %d (%.2f per request); a fresh page costs %.2f µs",
		time.Since(began).Round(time.Millisecond), total.cpu, total.other, total.faults, float64(total.faults)/float64(max(r.OK, 1)),
		switches, float64(switches)/float64(max(r.OK, 1)), pageCost)
	return total
}
