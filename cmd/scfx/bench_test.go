// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/scfx/scfx/bench"
)

const (
	benchPkg    = "github.com/scfx/scfx/bench"
	baselinePkg = "github.com/scfx/scfx/bench/baseline"
)

// runPrefix is the bench's per-run prefix of USCCs and invoice numbers, for the
// process tests' own loads.
func runPrefix() string { return bench.RunPrefix() }

// TestScfxDoesNotLinkBaseline: the production binary contains no fake server. The
// baseline is its own binary, and scfx's dependencies (what go build links into it)
// hold the bench but not the baseline.
func TestScfxDoesNotLinkBaseline(t *testing.T) {
	deps := func(pkg string) []string {
		t.Helper()
		out, err := exec.Command("go", "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		return strings.Fields(string(out))
	}
	scfx := deps("github.com/scfx/scfx/cmd/scfx")
	if !slices.Contains(scfx, benchPkg) {
		t.Fatalf("go list -deps of cmd/scfx has no %s: it does not list the binary's dependencies", benchPkg)
	}
	if slices.Contains(scfx, baselinePkg) {
		t.Errorf("cmd/scfx depends on %s: the production binary links the fake baseline server", baselinePkg)
	}
	if !slices.Contains(deps("github.com/scfx/scfx/cmd/scfx-baseline"), baselinePkg) {
		t.Errorf("cmd/scfx-baseline does not depend on %s: the check above looks for the wrong package", baselinePkg)
	}
}

// buildBaseline builds cmd/scfx-baseline into a temporary directory.
func buildBaseline(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), bench.BaselineBinName)
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/scfx/scfx/cmd/scfx-baseline").CombinedOutput(); err != nil {
		t.Fatalf("go build cmd/scfx-baseline: %v\n%s", err, out)
	}
	return bin
}

// TestBenchCompareEndToEnd: `scfx bench compare` starts scfx serve and the baseline
// binary as child processes, both answer every request of a short run with 2xx, and
// both children are gone when it returns.
func TestBenchCompareEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binaries")
	}
	out, errOut, err := runScfx(t, nil, "bench", "compare", "--connections", "4", "--duration", "1s", "--warmup", "200ms",
		"--mix", "post_receivable=1,get_receivable=1", "--json", "--tmp-dir", t.TempDir(), "--baseline-bin", buildBaseline(t))
	if err != nil {
		t.Fatalf("scfx bench compare: %v\nstderr:\n%s", err, errOut)
	}
	var res bench.CompareResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("scfx bench compare --json printed %q: %v", out, err)
	}
	for _, r := range []bench.Result{res.Serve, res.Baseline} {
		if r.OK == 0 || r.Requests != r.OK || len(r.Errors) != 0 || r.Missed != 0 {
			t.Errorf("%s: requests %d, ok %d, errors %v, missed %d; want requests, all 2xx", r.Name, r.Requests, r.OK, r.Errors, r.Missed)
		}
		if r.Connections != 4 || r.DurationS != 1 || r.Mix != "post_receivable=1,get_receivable=1" {
			t.Errorf("%s: ran %+v, want the flags' load", r.Name, r)
		}
	}
	if res.Serve.Name != "serve" || res.Baseline.Name != "baseline" || res.ThroughputRatio <= 0 {
		t.Errorf("compare = %+v", res)
	}
	pids := regexp.MustCompile(`pid (\d+)`).FindAllStringSubmatch(errOut, -1)
	if len(pids) != 2 {
		t.Fatalf("stderr %q: want the two children's pids", errOut)
	}
	for _, m := range pids {
		pid, _ := strconv.Atoi(m[1])
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("child pid %d still there after compare returned (kill 0: %v)", pid, err)
		}
	}
}

// TestBenchCompareNoBaseline: without the baseline binary next to scfx (or at
// --baseline-bin), compare starts nothing and says how to build it.
func TestBenchCompareNoBaseline(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	next := filepath.Join(filepath.Dir(scfxBinary(t)), bench.BaselineBinName)
	given := filepath.Join(t.TempDir(), "nothing-here")
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{nil, []string{next, "missing", "make build", "--baseline-bin"}},
		{[]string{"--baseline-bin", given}, []string{"--baseline-bin " + given, "missing", "make build"}},
	} {
		tmp := t.TempDir()
		args := append([]string{"bench", "compare", "--duration", "1s", "--tmp-dir", tmp}, tc.args...)
		_, errOut, err := runScfx(t, nil, args...)
		if err == nil {
			t.Fatalf("scfx %s succeeded, want the missing baseline refused", strings.Join(args, " "))
		}
		for _, s := range tc.want {
			if !strings.Contains(errOut, s) {
				t.Errorf("scfx %s: stderr %q, want it to say %q", strings.Join(args, " "), errOut, s)
			}
		}
		if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
			t.Errorf("scfx %s made %d entries in --tmp-dir: it started serve before finding the baseline", strings.Join(args, " "), len(entries))
		}
	}
}

// BenchmarkServeUnderLoad runs `scfx serve` in this test process and `scfx bench` as
// a child process against it, so that `go test -cpuprofile` (or -memprofile,
// -mutexprofile, -blockprofile) profiles the server alone:
//
//	SCFX_BENCH_PROFILE=post_receivable=1 go test ./cmd/scfx -run '^$' -bench ServeUnderLoad -benchtime 1x -cpuprofile cpu.out
//	go tool pprof -top cmd/scfx/scfx.test cpu.out
//
// SCFX_BENCH_SERVE_FLAGS adds flags to serve (e.g. "--snapshot-every 1000000000");
// SCFX_BENCH_CONNECTIONS and SCFX_BENCH_DURATION set the load (64, 10s).
//
// It is a benchmark, not a test: it measures, and make test does not run it.
func BenchmarkServeUnderLoad(t *testing.B) {
	mix := envOr("SCFX_BENCH_PROFILE", "post_receivable=1")
	dir, addr := t.TempDir(), freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		cmd := serveCmd()
		args := []string{"--addr", addr, "--data-dir", dir, "--rate-limit", bench.CompareServeRateLimit}
		cmd.SetArgs(append(args, strings.Fields(os.Getenv("SCFX_BENCH_SERVE_FLAGS"))...))
		served <- cmd.ExecuteContext(ctx)
	}()
	defer func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	base := "http://" + addr
	waitFor(t, time.Minute, "serve to answer /healthz", func() bool {
		resp, err := http.Get(base + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	out, errOut, err := runScfx(t, nil, "bench", "--url", base, "--data-dir", dir, "--mix", mix,
		"--connections", envOr("SCFX_BENCH_CONNECTIONS", "64"), "--duration", envOr("SCFX_BENCH_DURATION", "10s"))
	if err != nil {
		t.Fatalf("scfx bench: %v\n%s", err, errOut)
	}
	t.Log("\n" + out)
}
