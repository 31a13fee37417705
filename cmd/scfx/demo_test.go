// SPDX-License-Identifier: Apache-2.0

package main

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestDemoSelfStarted runs `scfx demo --verbose` as a user would, with no server:
// it starts its own (this binary's serve, with the chain's JSON-RPC for on-chain
// proof checks), runs the market over HTTP, stops the server by its PID, exits 0 and
// prints the per-tier table with something financed at every tier, and under
// --verbose every request and response.
func TestDemoSelfStarted(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	out, errOut, err := runScfx(t, nil, "demo", "--verbose", "--timeout", "3m")
	if err != nil {
		t.Fatalf("scfx demo --verbose: %v\nstderr:\n%s\nstdout:\n%s", err, errOut, out)
	}
	checkDemoTable(t, out)
	requests := regexp.MustCompile(`(?m)^→ (GET|POST|DELETE) /v1/\S+  \(as `).FindAllString(out, -1)
	if len(requests) == 0 {
		t.Fatalf("scfx demo --verbose printed no request line (→ METHOD /v1/… (as …)); stdout:\n%s", out)
	}
	for _, want := range []string{"← 201 Created", "Idempotency-Key: ", `"primaryType": "Confirmation"`, `"primaryType": "Transfer"`} {
		if !strings.Contains(out, want) {
			t.Errorf("scfx demo --verbose does not show %q", want)
		}
	}
	if !strings.Contains(out, "checked against the registry on chain at http://127.0.0.1:") {
		t.Errorf("the self-started demo did not check proofs on chain; stdout:\n%s", out)
	}
	if m := regexp.MustCompile(`"token": "[^"…]{9,}`).FindString(out); m != "" {
		t.Errorf("scfx demo --verbose prints a whole token: %s", m)
	}
	m := regexp.MustCompile(`scfx serve, pid (\d+),`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("scfx demo did not say which server it started; stdout:\n%s", out)
	}
	pid, _ := strconv.Atoi(m[1])
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Fatalf("the server the demo started (pid %d) is still there after it exited: kill(pid, 0) = %v", pid, err)
	}
}

// checkDemoTable finds the per-tier table (header "tier receivables held listed
// financed share avg_bps …") and wants rows for tiers 1, 2 and 3, each with a
// nonzero financed share and average rate.
func checkDemoTable(t *testing.T, out string) {
	t.Helper()
	lines := strings.Split(out, "\n")
	start := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "tier ") && strings.Contains(l, "share") {
			start = i
		}
	}
	if start < 0 {
		t.Fatalf("no per-tier table in the demo's output:\n%s", out)
	}
	header := strings.Fields(lines[start])
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	for _, name := range []string{"tier", "held", "financed", "share", "avg_bps"} {
		if _, ok := col[name]; !ok {
			t.Fatalf("per-tier table header %q has no %s column", lines[start], name)
		}
	}
	seen := map[string]bool{}
	for _, l := range lines[start+1:] {
		f := strings.Fields(l)
		if len(f) != len(header) {
			break
		}
		tier := f[col["tier"]]
		seen[tier] = true
		share, err := strconv.ParseFloat(strings.TrimSuffix(f[col["share"]], "%"), 64)
		if err != nil || share <= 0 || share > 100 {
			t.Errorf("tier %s: financed share %q, want more than 0%% and at most 100%%", tier, f[col["share"]])
		}
		if rate, err := strconv.ParseFloat(f[col["avg_bps"]], 64); err != nil || rate <= 0 {
			t.Errorf("tier %s: average rate %q bps, want a positive number", tier, f[col["avg_bps"]])
		}
	}
	for _, tier := range []string{"1", "2", "3"} {
		if !seen[tier] {
			t.Errorf("the per-tier table has no row for tier %s:\n%s", tier, strings.Join(lines[start:], "\n"))
		}
	}
}
