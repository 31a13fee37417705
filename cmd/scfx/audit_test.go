// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/uscc"
)

// TestAuditDemoMarket: docs/audit.md's walk — the demo's market on `scfx serve
// --chain-http`, an auditor's token and the chain's URL: `scfx audit` exits 0 and
// says what it checked; with a chain it cannot reach it exits 2, not 1.
func TestAuditDemoMarket(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir, chainAddr := t.TempDir(), freeAddr(t)
	data := filepath.Join(dir, "data")
	p := startServeArgs(t, freeAddr(t), data, "--chain-http", chainAddr, "--anchor-max-delay", "50ms")
	admin := readAdminToken(t, data)
	rpc := "http://" + chainAddr
	if out, errOut, err := runScfx(t, nil, "demo", "--url", p.base, "--data-dir", data); err != nil {
		t.Fatalf("scfx demo = %v\n%s\n%s", err, out, errOut)
	}
	ctx := context.Background()
	deadline := time.Now().Add(time.Minute)
	for {
		l, err := p.client(admin).Ledger(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if l.PendingLeaves == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d leaves still pending", l.PendingLeaves)
		}
		time.Sleep(50 * time.Millisecond)
	}
	code, err := uscc.Make('9', '1', "110105", "MA0000778")
	if err != nil {
		t.Fatal(err)
	}
	aud, err := p.client(admin).CreateParticipant(ctx, wire.CreateParticipantRequest{Name: "审计", USCC: code, Role: "auditor"})
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, err := runScfx(t, nil, "audit", "--url", p.base, "--token", aud.Token, "--rpc", rpc)
	if err != nil || !strings.Contains(out, "\nok: ") || strings.Contains(out, "DISCREPANCY") {
		t.Fatalf("scfx audit of the demo market = %v\nstdout:\n%s\nstderr:\n%s", err, out, errOut)
	}
	t.Logf("scfx audit:\n%s", out)
	_, errOut, err = runScfx(t, nil, "audit", "--url", p.base, "--token", aud.Token, "--rpc", "http://"+freeAddr(t), "--timeout", "20s")
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 2 || !strings.Contains(errOut, "could not check") {
		t.Fatalf("scfx audit without a chain = %v, stderr %q; want exit 2, could not check", err, errOut)
	}
}
