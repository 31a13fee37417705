// SPDX-License-Identifier: Apache-2.0

package bench

// Compare runs `scfx serve` (fresh data directory, durable file journal) and the
// baseline (the scfx-baseline binary: a bare Gin server with the route shape and
// JSON of scfx, no journal, no matcher, no token lookup) as child processes and puts
// the same load on each in turn. The baseline answers the same setup calls (fake ids,
// a fake token), so that both targets get exactly the same requests, headers included.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

const (
	// BaselineBinName is the baseline's binary, as `make build` names it next to scfx.
	BaselineBinName = "scfx-baseline"
	// CompareServeRateLimit is serve's --rate-limit under Compare: the bench gives every
	// connection its own token, but the per-token limit is not what is measured.
	CompareServeRateLimit = "1e9"
	// What Compare reports as met: serve's throughput at least half the bare
	// handler's, with serve's p99 at most 20 ms, at 64 connections on a 2-core machine.
	goalRatioMin = 0.5
	goalP99MaxMs = 20.0
	// baselineToken is what the bench gives the baseline as the operator token: the
	// baseline checks no token, and answers every setup call with this one.
	baselineToken = "baseline-token"
)

// CompareConfig is a Compare run: the load, and how to start its two targets.
type CompareConfig struct {
	Config
	ScfxBin     string   // the scfx binary whose serve is measured
	BaselineBin string   // the scfx-baseline binary; "": BaselineBinName next to ScfxBin
	TmpDir      string   // where serve's fresh data directory is made
	ServeFlags  []string // more flags for scfx serve
}

// CompareResult is serve's and the baseline's runs side by side.
type CompareResult struct {
	Serve           Result  `json:"serve"`
	Baseline        Result  `json:"baseline"`
	ThroughputRatio float64 `json:"throughput_ratio"` // serve / baseline
	ServeP99Ms      float64 `json:"serve_p99_ms"`
	BaselineP99Ms   float64 `json:"baseline_p99_ms"`
	GoalMet         bool    `json:"goal_met"` // ratio ≥ 0.5 and serve's p99 ≤ 20 ms
}

// Compare starts serve and the baseline, runs the load against each in turn, and
// stops both by PID; progress gets their PIDs and addresses.
func Compare(ctx context.Context, cc CompareConfig, progress io.Writer) (CompareResult, error) {
	if err := cc.Check(); err != nil {
		return CompareResult{}, err
	}
	baselineBin, err := baselineBinary(cc.BaselineBin, cc.ScfxBin)
	if err != nil {
		return CompareResult{}, err
	}
	dir, err := os.MkdirTemp(cc.TmpDir, "scfx-bench-")
	if err != nil {
		return CompareResult{}, err
	}
	defer os.RemoveAll(dir)
	dataDir := filepath.Join(dir, "data")
	args := append([]string{"serve", "--data-dir", dataDir, "--rate-limit", CompareServeRateLimit}, cc.ServeFlags...)
	serve, err := startChild("serve", cc.ScfxBin, filepath.Join(dir, "serve.log"), args...)
	if err != nil {
		return CompareResult{}, err
	}
	defer serve.stop()
	base, err := startChild("baseline", baselineBin, filepath.Join(dir, "baseline.log"))
	if err != nil {
		return CompareResult{}, err
	}
	defer base.stop()
	token, err := ReadTokenFile(filepath.Join(dataDir, "admin.token"))
	if err != nil {
		return CompareResult{}, err
	}
	fmt.Fprintf(progress, "scfx serve: pid %d %s (data %s); baseline: pid %d %s\n", serve.pid(), serve.base, dataDir, base.pid(), base.base)
	var res CompareResult
	for _, run := range []struct {
		c     *child
		token string
		out   *Result
	}{{serve, token, &res.Serve}, {base, baselineToken, &res.Baseline}} {
		before := sampleCPU(run.c.pid())
		r, err := Run(ctx, run.c.base, run.token, cc.Config)
		if err != nil {
			return CompareResult{}, fmt.Errorf("%s: %w%s", run.c.name, err, run.c.logTail())
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

// baselineBinary is the baseline binary to run: given, else BaselineBinName in
// scfx's directory. It must be an executable file; the error says how to build one.
func baselineBinary(given, scfxBin string) (string, error) {
	path := given
	if path == "" {
		path = filepath.Join(filepath.Dir(scfxBin), BaselineBinName)
	}
	why := "not an executable file"
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		why = "missing"
	case err != nil:
		why = err.Error()
	case info.Mode().IsRegular() && info.Mode().Perm()&0o111 != 0:
		return path, nil
	}
	const build = "build it with `make build` (bin/scfx and bin/" + BaselineBinName + ") or `go build -o <dir>/" +
		BaselineBinName + " ./cmd/" + BaselineBinName + "`"
	if given == "" {
		return "", fmt.Errorf("baseline binary %s (looked for next to %s): %s; %s, or give --baseline-bin", path, scfxBin, why, build)
	}
	return "", fmt.Errorf("--baseline-bin %s: %s; %s", path, why, build)
}

// PrintCompare writes r as indented JSON, or both runs and the ratio for a person.
func PrintCompare(w io.Writer, asJSON bool, r CompareResult) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	for _, res := range []Result{r.Serve, r.Baseline} {
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
