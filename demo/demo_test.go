// SPDX-License-Identifier: Apache-2.0

package demo

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/scfx/scfx/demo/demotest"
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
	demotest.CheckTable(t, out)
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
	demotest.CheckTable(t, out)
	if regexp.MustCompile(`(?m)^(→|←) `).MatchString(out) {
		t.Fatalf("Run without Verbose printed HTTP exchanges; output:\n%s", out)
	}
	if !strings.Contains(out, "proofs are checked with the Merkle path only") {
		t.Errorf("Run without ChainRPC did not say proofs are checked off chain; output:\n%s", out)
	}
	// docs/api.md "Servicing": the demo shows a credit note and a repayment.
	for _, want := range []string{"issues a credit note of ¥", "confirms: repaid, rebate ¥"} {
		if !strings.Contains(out, want) {
			t.Errorf("Run does not show %q; output:\n%s", want, out)
		}
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
