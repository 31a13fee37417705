// SPDX-License-Identifier: Apache-2.0

package main

// scfx bench baseline and scfx bench compare: the comparison point of the HTTP
// benchmark. The baseline is a bare Gin server with the route shape of scfx: it
// decodes POST /v1/receivables strictly into the same struct and answers with the
// same JSON shape, with no journal, no matcher and no token lookup. compare runs
// `scfx serve` (fresh data directory, durable file journal) and the baseline as
// child processes of this binary and puts the same load on each in turn.
//
// Setup against the baseline: it accepts the same setup calls the bench makes
// (POST /v1/clusters and /v1/participants answer 201 with fake ids and a fake
// token), so that both targets get exactly the same requests, headers included.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/spf13/cobra"

	"github.com/scfx/scfx/api"
	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/matcher"
)

const (
	baselineBodyMax = 1 << 20 // docs/api.md's body limit, as scfx serve applies it
	// What compare reports as met: serve's throughput at least half the bare
	// handler's, with serve's p99 at most 20 ms, at 64 connections on a 2-core machine.
	goalRatioMin = 0.5
	goalP99MaxMs = 20.0
	// compare lifts serve's per-token rate limit out of the way: the bench gives every
	// connection its own token, but the limit is not what is measured.
	compareServeRateLimit = "1e9"
	childHealthWait       = 60 * time.Second
	childStopWait         = 15 * time.Second
	childLogTail          = 2000 // bytes of a child's log quoted in an error
)

func baselineCmd() *cobra.Command {
	var addr string
	cmd := &cobra.Command{
		Use:   "baseline",
		Short: "Serve a bare Gin handler with scfx's receivable routes and JSON (the comparison point of bench compare)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return serveBaseline(ctx, addr, cmd.ErrOrStderr())
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8081", "listen address")
	return cmd
}

// serveBaseline serves until ctx ends, with the http.Server settings of scfx serve.
func serveBaseline(ctx context.Context, addr string, log io.Writer) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: baselineEngine(), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	fmt.Fprintf(log, "baseline serving on %s\n", ln.Addr())
	select {
	case err = <-errc:
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), childStopWait)
		err = hs.Shutdown(sctx)
		cancel()
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

func baselineEngine() *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	e.POST("/v1/clusters", baselineCreate("cls_1"))
	e.POST("/v1/participants", baselineCreate("par_1"))
	e.POST("/v1/receivables", func(c *gin.Context) {
		var in matcher.SubmitReceivable
		if err := baselineDecode(c, &in); err != nil {
			c.Header("Content-Type", "application/problem+json")
			c.AbortWithStatusJSON(http.StatusBadRequest, gin.H{"type": "about:blank", "title": "Validation failed",
				"status": http.StatusBadRequest, "detail": err.Error(), "code": "validation_failed"})
			return
		}
		c.JSON(http.StatusCreated, baselineView("rcv_1", in))
	})
	e.GET("/v1/receivables/:id", func(c *gin.Context) {
		c.JSON(http.StatusOK, baselineView(c.Param("id"), baselineStatic))
	})
	e.GET("/v1/receivables", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"items": []any{}, "next_cursor": nil}) })
	e.GET("/v1/books/:core_id", func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"core_id": c.Param("core_id"), "listings": []any{}, "quotes": []any{}})
	})
	return e
}

// baselineDecode is the strict decoding of scfx's API: the body within the limit,
// one JSON object, no unknown fields, nothing after it.
func baselineDecode(c *gin.Context, v any) error {
	b, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, baselineBodyMax))
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON object")
	}
	return nil
}

// baselineCreate answers a setup POST with a fake id (and token), echoing the body.
func baselineCreate(id string) gin.HandlerFunc {
	return func(c *gin.Context) {
		var body map[string]any
		if err := baselineDecode(c, &body); err != nil {
			c.AbortWithStatusJSON(http.StatusBadRequest, gin.H{"code": "validation_failed", "detail": err.Error()})
			return
		}
		body["id"], body["token"] = id, "baseline-token"
		c.JSON(http.StatusCreated, body)
	}
}

// baselineStatic is what GET answers: the baseline keeps nothing.
var baselineStatic = matcher.SubmitReceivable{
	DebtorID: "par_1", InvoiceNumber: "INV-00000001", Amount: benchAmountFen, Currency: "CNY",
	IssueDate: "2026-01-01", DueDate: "2026-04-01",
}

// baselineView is a pending receivable as scfx serve renders one, with static values
// where the server would compute them.
func baselineView(id string, in matcher.SubmitReceivable) api.ReceivableView {
	return api.ReceivableView{
		ID: id, Tier: 1, CreditorID: "par_2", HolderID: "par_2", DebtorID: in.DebtorID, InvoiceNumber: in.InvoiceNumber,
		Fingerprint: "0xa6aeff0216a8b81e00b4ce864b7614174f4d9e1e7496b1012c770352349b8ae5",
		Amount:      in.Amount, Remaining: in.Amount, Currency: in.Currency, IssueDate: in.IssueDate, DueDate: in.DueDate,
		Status: "pending_confirmation", ScoreBand: "D",
		ScoreComponents: []wire.ScoreComponent{{Name: "eligibility", Reason: "not financeable while pending_confirmation"}},
		ScorePolicy:     "chain-position/v1", Anchors: []wire.Anchor{}, CreatedAt: "2026-01-01T00:00:00.000Z",
	}
}

// --- compare ---

type compareResult struct {
	Serve           benchResult `json:"serve"`
	Baseline        benchResult `json:"baseline"`
	ThroughputRatio float64     `json:"throughput_ratio"` // serve / baseline
	ServeP99Ms      float64     `json:"serve_p99_ms"`
	BaselineP99Ms   float64     `json:"baseline_p99_ms"`
	GoalMet         bool        `json:"goal_met"` // ratio ≥ 0.5 and serve's p99 ≤ 20 ms
}

func compareCmd() *cobra.Command {
	var lc loadConfig
	var tmpDir, serveFlags string
	cmd := &cobra.Command{
		Use:   "compare",
		Short: "Start scfx serve (fresh data dir) and the baseline as child processes and load each in turn",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			mix, err := lc.check()
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			res, err := runCompare(ctx, lc, mix, tmpDir, strings.Fields(serveFlags), cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			return printCompare(cmd.OutOrStdout(), lc.JSON, res)
		},
	}
	addLoadFlags(cmd, &lc)
	cmd.Flags().StringVar(&tmpDir, "tmp-dir", os.TempDir(), "where serve's fresh data directory is made (use a real disk: the journal fsyncs)")
	cmd.Flags().StringVar(&serveFlags, "serve-flags", "", `more flags for scfx serve, space-separated (e.g. "--snapshot-every 1000000000")`)
	return cmd
}

func runCompare(ctx context.Context, lc loadConfig, mix benchMix, tmpDir string, serveFlags []string, progress io.Writer) (compareResult, error) {
	exe, err := os.Executable()
	if err != nil {
		return compareResult{}, err
	}
	dir, err := os.MkdirTemp(tmpDir, "scfx-bench-")
	if err != nil {
		return compareResult{}, err
	}
	defer os.RemoveAll(dir)
	dataDir := filepath.Join(dir, "data")
	args := append([]string{"serve", "--data-dir", dataDir, "--rate-limit", compareServeRateLimit}, serveFlags...)
	serve, err := startChild("serve", exe, filepath.Join(dir, "serve.log"), args...)
	if err != nil {
		return compareResult{}, err
	}
	defer serve.stop()
	base, err := startChild("baseline", exe, filepath.Join(dir, "baseline.log"), "bench", "baseline")
	if err != nil {
		return compareResult{}, err
	}
	defer base.stop()
	token, err := readTokenFile(filepath.Join(dataDir, "admin.token"))
	if err != nil {
		return compareResult{}, err
	}
	fmt.Fprintf(progress, "scfx serve: pid %d %s (data %s); baseline: pid %d %s\n", serve.pid(), serve.base, dataDir, base.pid(), base.base)
	var res compareResult
	for _, run := range []struct {
		c     *child
		token string
		out   *benchResult
	}{{serve, token, &res.Serve}, {base, "baseline-token", &res.Baseline}} {
		before := sampleCPU(run.c.pid())
		r, err := runBench(ctx, run.c.base, run.token, lc, mix)
		if err != nil {
			return compareResult{}, fmt.Errorf("%s: %w%s", run.c.name, err, run.c.logTail())
		}
		r.Name, r.CPU = run.c.name, sampleCPU(run.c.pid()).since(before)
		*run.out = r
	}
	if res.Baseline.Throughput > 0 {
		res.ThroughputRatio = res.Serve.Throughput / res.Baseline.Throughput
	}
	res.ServeP99Ms, res.BaselineP99Ms = res.Serve.LatencyMs.P99, res.Baseline.LatencyMs.P99
	res.GoalMet = res.ThroughputRatio >= goalRatioMin && res.ServeP99Ms <= goalP99MaxMs
	return res, nil
}

func printCompare(w io.Writer, asJSON bool, r compareResult) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	for _, res := range []benchResult{r.Serve, r.Baseline} {
		fmt.Fprintf(w, "%s: ", res.Name)
		writeResult(w, res)
	}
	verdict := "missed"
	if r.GoalMet {
		verdict = "met"
	}
	fmt.Fprintf(w, "serve/baseline throughput %.3f  p99 serve %.2f ms, baseline %.2f ms  (goal ratio ≥ %.1f, p99 ≤ %.0f ms: %s)\n",
		r.ThroughputRatio, r.ServeP99Ms, r.BaselineP99Ms, goalRatioMin, goalP99MaxMs, verdict)
	return nil
}

// child is one process of this binary on a free loopback port, stopped by its PID.
type child struct {
	name    string
	cmd     *exec.Cmd
	base    string
	logPath string
	log     *os.File
	exited  chan struct{}
}

// startChild runs exe with args and --addr on a free port, its output to logPath,
// and waits until it answers /healthz.
func startChild(name, exe, logPath string, args ...string) (*child, error) {
	addr, err := freeLoopbackAddr()
	if err != nil {
		return nil, err
	}
	log, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, append(args, "--addr", addr)...)
	cmd.Env = childEnv()
	cmd.Stdout, cmd.Stderr = log, log
	c := &child{name: name, cmd: cmd, base: "http://" + addr, logPath: logPath, log: log, exited: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, err
	}
	go func() {
		_ = cmd.Wait()
		close(c.exited)
	}()
	if err := c.waitHealthy(); err != nil {
		c.stop()
		return nil, err
	}
	return c, nil
}

func (c *child) pid() int { return c.cmd.Process.Pid }

func (c *child) waitHealthy() error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(childHealthWait)
	for {
		select {
		case <-c.exited:
			return fmt.Errorf("%s exited at start (%v)%s", c.name, c.cmd.ProcessState, c.logTail())
		default:
		}
		if resp, err := client.Get(c.base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not answer /healthz in %s%s", c.name, childHealthWait, c.logTail())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop sends SIGTERM to the child's PID, and SIGKILL if it has not exited in time.
func (c *child) stop() {
	_ = syscall.Kill(c.pid(), syscall.SIGTERM)
	select {
	case <-c.exited:
	case <-time.After(childStopWait):
		_ = syscall.Kill(c.pid(), syscall.SIGKILL)
		<-c.exited
	}
	c.log.Close()
}

// logTail is the end of the child's output, for an error message.
func (c *child) logTail() string {
	b, err := os.ReadFile(c.logPath)
	if err != nil || len(b) == 0 {
		return ""
	}
	return "; its output ends:\n" + string(b[max(0, len(b)-childLogTail):])
}

// childEnv is this process's environment without SCFX_* variables, so that the
// children run on their flags (SCFX_ADMIN_TOKEN unset: serve writes admin.token).
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SCFX_") {
			env = append(env, kv)
		}
	}
	return env
}

// freeLoopbackAddr is a 127.0.0.1 port that nothing listens on right now.
func freeLoopbackAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// --- CPU accounting: on a shared machine, a run is only as good as its neighbours ---

// cpuUse is the CPU time spent during a run, in seconds: by the target process, by
// this process (the load generator) and by everything else on the machine.
type cpuUse struct {
	Target float64 `json:"target"`
	Bench  float64 `json:"bench"`
	Other  float64 `json:"other"`
}

// cpuSample holds cumulative CPU seconds; ok is false where /proc is not there.
type cpuSample struct {
	machine, self, target float64
	ok                    bool
}

// procTicksPerSecond is USER_HZ, the unit of /proc/stat: 100 on every Linux port.
const procTicksPerSecond = 100

func sampleCPU(pid int) cpuSample {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return cpuSample{}
	}
	self := time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
	machine, err1 := machineBusyTicks()
	target, err2 := processTicks(pid)
	if err1 != nil || err2 != nil {
		return cpuSample{}
	}
	return cpuSample{machine: machine / procTicksPerSecond, self: self, target: target / procTicksPerSecond, ok: true}
}

func (s cpuSample) since(b cpuSample) *cpuUse {
	if !s.ok || !b.ok {
		return nil
	}
	u := &cpuUse{Target: s.target - b.target, Bench: s.self - b.self}
	u.Other = max(s.machine-b.machine-u.Target-u.Bench, 0)
	return u
}

// machineBusyTicks is the busy time of all CPUs from /proc/stat's "cpu" line: user,
// nice, system, irq, softirq and steal (not idle, not iowait).
func machineBusyTicks() (float64, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, fmt.Errorf("/proc/stat: unexpected %q", line)
	}
	var busy float64
	for _, i := range []int{1, 2, 3, 6, 7, 8} {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/stat: %w", err)
		}
		busy += v
	}
	return busy, nil
}

// processTicks is utime+stime of a process from /proc/<pid>/stat.
func processTicks(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name is in parentheses and may hold spaces: fields count from after it.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	utime, err1 := strconv.ParseFloat(f[11], 64)
	stime, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: bad times", pid)
	}
	return utime + stime, nil
}
