// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scfx/scfx/internal/tmpfstest"
	"github.com/scfx/scfx/journal"
)

// The journal's faults as the operator meets them on a real `scfx serve`
// (docs/operations.md, "Faults and what the server does").

// TestServeRefusesAJournalThatEndsBeforeTheSnapshot: a journal cut to half after a
// clean stop, below the snapshot SIGTERM wrote. serve must not start: it exits
// non-zero with a message naming both seqs, instead of answering /readyz 200 and
// leaving every write waiting.
func TestServeRefusesAJournalThatEndsBeforeTheSnapshot(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir, addr := t.TempDir(), freeAddr(t)
	p := startServe(t, addr, dir)
	admin := readAdminToken(t, dir)
	buildMarket(t, p, admin)
	snapSeq := p.node(admin).AppliedSeq
	if code := p.term(); code != 0 {
		t.Fatalf("exit code after SIGTERM = %d, want 0; output:\n%s", code, p.logs)
	}
	journalSeq := cutJournalToHalf(t, filepath.Join(dir, "journal"))
	if journalSeq >= snapSeq {
		t.Fatalf("journal cut to half ends at seq %d, want below the snapshot's %d", journalSeq, snapSeq)
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, scfxBinary(t), "serve", "--addr", freeAddr(t), "--data-dir", dir)
	cmd.Env = cleanEnv()
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || ctx.Err() != nil {
		t.Fatalf("scfx serve on a journal behind its snapshot = %v, want a non-zero exit; output:\n%s", err, out)
	}
	for _, want := range []string{
		fmt.Sprintf("journal's last seq is %d", journalSeq), fmt.Sprintf("snapshot's seq is %d", snapSeq),
		"restore the journal", "Faults and what the server does",
		"cut a torn tail", // the cut itself is logged too
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("scfx serve output does not say %q; output:\n%s", want, out)
		}
	}
}

// cutJournalToHalf truncates the journal's last segment to half its size and returns
// the last seq it holds then (read from a copy, so that serve recovers the cut itself).
func cutJournalToHalf(t *testing.T, dir string) uint64 {
	t.Helper()
	segs, err := filepath.Glob(filepath.Join(dir, "*.seg"))
	if err != nil || len(segs) == 0 {
		t.Fatalf("journal segments %v, %v", segs, err)
	}
	last := segs[len(segs)-1]
	st, err := os.Stat(last)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(last, st.Size()/2); err != nil {
		t.Fatal(err)
	}
	copied := t.TempDir()
	for _, s := range segs {
		b, err := os.ReadFile(s)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(copied, filepath.Base(s)), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	j, err := journal.OpenFile(copied, journal.FileOptions{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	return j.LastSeq()
}

// TestServeJournalWriteFailureIsReported: the journal's file system fills up (a real
// ENOSPC, on a tmpfs). The write fails, and so does every later one even once space
// is back (the journal cannot know what a failed write left); the operator sees it:
// /readyz answers 503 naming the cause, /metrics has scfx_journal_failed 1, and one
// ERROR line names it.
func TestServeJournalWriteFailureIsReported(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir, addr := t.TempDir(), freeAddr(t)
	journalDir := filepath.Join(dir, "journal")
	tmpfstest.MountOn(t, journalDir, 1<<20)
	p := startServe(t, addr, dir)
	admin := readAdminToken(t, dir)
	cluster := func(i int) map[string]any {
		return map[string]any{
			"name": fmt.Sprintf("宁波汽车零部件产业集群 %d", i), "county_code": "330206", "level": "national",
			"industry": "汽车零部件", "valid_until": day(3 * 365),
		}
	}
	p.must("POST", "/v1/clusters", admin, cluster(1), http.StatusCreated)
	if got := metricValue(t, p, "scfx_journal_failed"); got != "0" {
		t.Fatalf("scfx_journal_failed of a healthy journal = %s, want 0", got)
	}

	filler := tmpfstest.Fill(t, journalDir)
	// The segment's last page was allocated before the file system filled: the
	// appends that still fit in it succeed.
	const postsMax = 1000
	for i := 2; ; i++ {
		start := time.Now()
		status, raw := p.call("POST", "/v1/clusters", admin, cluster(i))
		if status == http.StatusServiceUnavailable {
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("POST on a full journal took %v to fail, want at once", took)
			}
			break
		}
		if status != http.StatusCreated || i > postsMax {
			t.Fatalf("POST /v1/clusters #%d on a full journal = %d %s, want 201 until it answers 503", i, status, raw)
		}
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	// Space is back, the journal stays failed: what the failed write left is unknown.
	if status, raw := p.call("POST", "/v1/clusters", admin, cluster(postsMax+1)); status != http.StatusServiceUnavailable {
		t.Fatalf("POST /v1/clusters after the failure, space back = %d %s, want 503", status, raw)
	}
	status, raw := p.call("GET", "/readyz", "", nil)
	if status != http.StatusServiceUnavailable || !strings.Contains(string(raw), "no space left on device") {
		t.Errorf("GET /readyz with a failed journal = %d %s, want 503 naming the cause", status, raw)
	}
	if got := metricValue(t, p, "scfx_journal_failed"); got != "1" {
		t.Errorf("scfx_journal_failed with a failed journal = %s, want 1", got)
	}
	var failed []string
	for line := range strings.SplitSeq(p.logs.String(), "\n") {
		if strings.Contains(line, "level=ERROR") && strings.Contains(line, "journal failed") {
			failed = append(failed, line)
		}
	}
	if len(failed) != 1 || !strings.Contains(failed[0], "no space left on device") {
		t.Errorf("ERROR lines naming the journal failure: %q, want exactly one naming ENOSPC; output:\n%s", failed, p.logs)
	}
}
