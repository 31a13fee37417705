// SPDX-License-Identifier: Apache-2.0

package demo

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scfx/scfx/internal/apitest"
)

const testTimeout = 3 * time.Minute

func runDemo(t *testing.T, cfg Config) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	var out bytes.Buffer
	err := Run(ctx, cfg, &out)
	return out.String(), err
}

// TestRunVerbose runs the demo against a server on a real chain with --verbose and
// --chain-rpc: something is financed at every tier, every request and answer is
// printed (the typed data signed included), proofs are checked on chain, and no
// token is printed whole.
func TestRunVerbose(t *testing.T) {
	srv := apitest.Start(t)
	out, err := runDemo(t, Config{URL: srv.URL, Token: srv.AdminToken, ChainRPC: srv.ChainRPC, Verbose: true})
	if err != nil {
		t.Fatalf("Run(verbose) = %v\noutput:\n%s", err, out)
	}
	checkTable(t, out)
	requests := regexp.MustCompile(`(?m)^→ (GET|POST|DELETE) /v1/\S+  \(as `).FindAllString(out, -1)
	if len(requests) == 0 {
		t.Fatalf("Run(verbose) printed no request line (→ METHOD /v1/… (as …)); output:\n%s", out)
	}
	for _, want := range []string{"← 201 Created", "Idempotency-Key: demo-", `"primaryType": "Confirmation"`, `"primaryType": "Transfer"`,
		`"max_rate_bps": 800`, "more polls of GET /v1/receivables/"} {
		if !strings.Contains(out, want) {
			t.Errorf("Run(verbose) does not show %q", want)
		}
	}
	if !strings.Contains(out, "checked against the registry on chain at "+srv.ChainRPC) {
		t.Errorf("Run with ChainRPC did not check proofs on chain; output:\n%s", out)
	}
	if m := regexp.MustCompile(`"token": "[^"…]{9,}`).FindString(out); m != "" {
		t.Errorf("Run(verbose) prints a whole token: %s", m)
	}
}

// TestRunAgainstRunningServer: the operator's token comes from
// <data-dir>/admin.token, proofs are checked by their Merkle path without a chain
// RPC, nothing of HTTP is printed without --verbose, a second run on the same
// server does not collide with the first, and a wrong token fails with the 401.
func TestRunAgainstRunningServer(t *testing.T) {
	srv := apitest.Start(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "admin.token"), []byte(srv.AdminToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := runDemo(t, Config{URL: srv.URL, DataDir: dir})
	if err != nil {
		t.Fatalf("Run(data dir) = %v\noutput:\n%s", err, out)
	}
	checkTable(t, out)
	if regexp.MustCompile(`(?m)^(→|←) `).MatchString(out) {
		t.Fatalf("Run without Verbose printed HTTP exchanges; output:\n%s", out)
	}
	if !strings.Contains(out, "proofs are checked with the Merkle path only") {
		t.Errorf("Run without ChainRPC did not say proofs are checked off chain; output:\n%s", out)
	}
	if out, err := runDemo(t, Config{URL: srv.URL, DataDir: dir}); err != nil {
		t.Fatalf("second Run on the same server = %v\noutput:\n%s", err, out)
	}
	if _, err := runDemo(t, Config{URL: srv.URL, Token: "not-the-operator"}); err == nil || !strings.Contains(err.Error(), "= 401") {
		t.Fatalf("Run with a bad token = %v, want the 401", err)
	}
}

// TestServerFlagsNeedURL: the flags that describe a given server are refused
// without one, and no server is started without a binary to start.
func TestServerFlagsNeedURL(t *testing.T) {
	for _, cfg := range []Config{{Token: "t"}, {DataDir: "d"}, {ChainRPC: "http://127.0.0.1:1"}, {}} {
		if _, err := runDemo(t, cfg); err == nil {
			t.Errorf("Run(%+v) with no URL = nil, want an error", cfg)
		}
	}
}

// checkTable finds the per-tier table (header "tier receivables held listed
// financed share avg_bps …") and wants rows for tiers 1, 2 and 3, each with a
// nonzero financed share and average rate.
func checkTable(t *testing.T, out string) {
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
