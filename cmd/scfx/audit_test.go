// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/client"
	"github.com/scfx/scfx/uscc"
)

// auditedMarket is the demo's market on `scfx serve --chain-http`, every leaf
// anchored, with an auditor's token and the chain's URL: what a person given them
// runs `scfx audit` on (docs/audit.md).
type auditedMarket struct {
	serve   *proc
	rpc     string
	auditor string
}

func startAuditedMarket(t *testing.T) auditedMarket {
	t.Helper()
	data := filepath.Join(t.TempDir(), "data")
	p, admin, rpc := startServeWithChain(t, data)
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
	return auditedMarket{serve: p, rpc: rpc, auditor: aud.Token}
}

// TestAuditDemoMarket: docs/audit.md's walk — `scfx audit` on the demo's market
// exits 0 and says what it checked; with a chain it cannot reach it exits 2, not 1;
// through a proxy that changes, drops or reorders one entry of GET
// /v1/log/entries (the rest of the server's answers pass unchanged) it exits 1 and
// names that entry's seq.
func TestAuditDemoMarket(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	m := startAuditedMarket(t)
	out, errOut, err := runScfx(t, nil, "audit", "--url", m.serve.base, "--token", m.auditor, "--rpc", m.rpc)
	if err != nil || !strings.Contains(out, "\nok: ") || strings.Contains(out, "DISCREPANCY") {
		t.Fatalf("scfx audit of the demo market = %v\nstdout:\n%s\nstderr:\n%s", err, out, errOut)
	}
	t.Logf("scfx audit:\n%s", out)
	_, errOut, err = runScfx(t, nil, "audit", "--url", m.serve.base, "--token", m.auditor, "--rpc", "http://"+freeAddr(t), "--timeout", "20s")
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 2 || !strings.Contains(errOut, "could not check") {
		t.Fatalf("scfx audit without a chain = %v, stderr %q; want exit 2, could not check", err, errOut)
	}

	head, err := m.serve.client(m.auditor).LogHead(context.Background(), 0)
	if err != nil || len(head.Anchored) == 0 {
		t.Fatalf("GET /v1/log/head = %+v, %v; want anchored heads", head, err)
	}
	// An entry well inside the first anchored head, so a committed head covers it.
	k := head.Anchored[0].Size / 2
	for _, tamper := range []logTamper{tamperChange, tamperDrop, tamperSwap} {
		t.Run(string(tamper), func(t *testing.T) {
			mitm := httptest.NewServer(tamperingProxy(t, m.serve.base, tamper, k))
			defer mitm.Close()
			out, errOut, err := runScfx(t, nil, "audit", "--url", mitm.URL, "--token", m.auditor, "--rpc", m.rpc)
			if !errors.As(err, &exitErr) || exitErr.ExitCode() != 1 {
				t.Fatalf("scfx audit through a proxy that %ss entry %d = %v, want exit 1\nstdout:\n%s\nstderr:\n%s", tamper, k, err, out, errOut)
			}
			if want := fmt.Sprintf("DISCREPANCY seq %d: ", k); !strings.Contains(out, want) {
				t.Fatalf("scfx audit through a proxy that %ss entry %d names no %q\nstdout:\n%s", tamper, k, want, out)
			}
			t.Logf("%s entry %d:\n%s", tamper, k, out)
		})
	}
}

// logTamper is what tamperingProxy does to entry k of the log.
type logTamper string

const (
	tamperChange logTamper = "change" // flips a bit in the middle of its data
	tamperDrop   logTamper = "drop"   // leaves it out, the entries after it renumbered to close the gap
	tamperSwap   logTamper = "swap"   // swaps its data with entry k+1's
)

// tamperingProxy is a man in the middle between scfx audit and the server at base:
// it passes every request on, and rewrites the answers of GET /v1/log/entries
// to serve a log with entry k tampered.
func tamperingProxy(t *testing.T, base string, tamper logTamper, k uint64) http.Handler {
	upstream, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	pass := httputil.NewSingleHostReverseProxy(upstream)
	// fetch is GET /v1/log/entries on the server, in its numbering.
	fetch := func(r *http.Request, from, to uint64) (*wire.LogEntries, error) {
		return client.New(base, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")).LogEntries(r.Context(), from, to)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/log/entries" {
			pass.ServeHTTP(w, r)
			return
		}
		from, err1 := strconv.ParseUint(r.URL.Query().Get("from"), 10, 64)
		to, err2 := strconv.ParseUint(r.URL.Query().Get("to"), 10, 64)
		if err1 != nil || err2 != nil || to < from {
			http.Error(w, "the proxy takes from and to", http.StatusBadRequest)
			return
		}
		// The client's seq s is the server's s, or s+1 past a dropped entry k.
		shift := func(s uint64) uint64 {
			if tamper == tamperDrop && s >= k {
				return s + 1
			}
			return s
		}
		page, err := fetch(r, shift(from), shift(to)+1)
		var es []wire.LogEntry
		if err == nil {
			es = page.Entries
		}
		var out []wire.LogEntry
		for i, e := range es {
			switch {
			case e.Seq > shift(to):
			case tamper == tamperChange && e.Seq == k:
				e.Data = bytes.Clone(e.Data)
				e.Data[len(e.Data)/2] ^= 0x01
				out = append(out, e)
			case tamper == tamperDrop && e.Seq == k:
			case tamper == tamperDrop && e.Seq > k:
				e.Seq--
				out = append(out, e)
			case tamper == tamperSwap && e.Seq == k:
				if i+1 == len(es) {
					break // k+1 is on the next page: serve k with it
				}
				e.Data = es[i+1].Data
				out = append(out, e)
			case tamper == tamperSwap && e.Seq == k+1 && i > 0:
				e.Data = es[i-1].Data
				out = append(out, e)
			default:
				out = append(out, e)
			}
			if tamper == tamperSwap && e.Seq == k && i+1 == len(es) {
				break
			}
		}
		// A page the server refused (past its end) is an empty one here: the
		// tampered log is shorter than the server's head says.
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(wire.LogEntries{Entries: append([]wire.LogEntry{}, out...)})
	})
}
