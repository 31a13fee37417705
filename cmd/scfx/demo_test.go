// SPDX-License-Identifier: Apache-2.0

package main

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/scfx/scfx/demo/demotest"
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
	demotest.CheckTable(t, out)
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
