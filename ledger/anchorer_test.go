// SPDX-License-Identifier: Apache-2.0

package ledger

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/merkle"
)

// contracts/README.md: a tier-1 receivable becomes financeable when its confirmation is
// valid, its fingerprint registered clean and its confirmation leaf anchored; a
// fragment when the transfer leaf that made it is anchored; an assignment is anchored
// too. Every proof the matcher serves holds on the chain.
func TestEmbeddedEndToEnd(t *testing.T) {
	dir := t.TempDir()
	e := openEmbedded(t, dir, 0)
	n := openNode(t, filepath.Join(dir, "node"))
	l := configure(t, n, e, dir)
	if l.ChainID != EmbeddedChainID || l.Registry != e.Registry() || l.Anchorer != e.Sender() {
		t.Fatalf("ledger = %+v, want chain %d registry %s anchorer %s", l, EmbeddedChainID, e.Registry().Hex(), e.Sender().Hex())
	}
	mk := newMarket(t, n, "", "")

	id := mk.invoice("")
	if res := mk.confirm(id); res.Receivable.Status != matcher.StatusConfirmed {
		t.Fatalf("confirm without the ledger: status %s, want %s", res.Receivable.Status, matcher.StatusConfirmed)
	}
	time.Sleep(100 * time.Millisecond)
	if st := status(n, id); st != matcher.StatusConfirmed {
		t.Fatalf("with no anchorer running: status %s, want %s", st, matcher.StatusConfirmed)
	}

	a := NewAnchorer(n, e, fastAnchoring())
	stop := runAnchorer(t, a)
	waitStatus(t, n, id, matcher.StatusFinanceable, 30*time.Second)
	p := proofOf(t, n, id, merkle.KindConfirmation)
	checkOnChain(t, e, p)
	if err := VerifyProof(context.Background(), e.HTTPEndpoint(), p); err != nil {
		t.Fatalf("VerifyProof(confirmation) = %v", err)
	}

	child := mk.transfer(id, 40_000_00)
	waitStatus(t, n, child, matcher.StatusFinanceable, 30*time.Second)
	checkOnChain(t, e, proofOf(t, n, child, merkle.KindTransfer))

	mk.finance(child)
	waitStatus(t, n, child, matcher.StatusFunded, 5*time.Second)
	waitFor(t, 30*time.Second, "assignment anchored", func() bool {
		var err *matcher.Error
		n.View(func(m *matcher.Matcher) { _, err = m.Proof(child, merkle.KindAssignment) })
		return err == nil
	})
	pa := proofOf(t, n, child, merkle.KindAssignment)
	checkOnChain(t, e, pa)
	if err := VerifyProof(context.Background(), e.HTTPEndpoint(), pa); err != nil {
		t.Fatalf("VerifyProof(assignment) = %v", err)
	}
	if err := stop(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run after cancel = %v, want context.Canceled", err)
	}
	s := a.Stats()
	if s.LeavesAnchored != 3 || s.Registrations != 1 || s.Duplicates != 0 || s.RegisterTxs != 1 || s.AnchorTxs != s.Batches {
		t.Fatalf("Stats = %+v; want 3 leaves, 1 clean registration in 1 tx, one anchor tx per batch", s)
	}

	// The chain and the registry survive a restart.
	reg, sender := e.Registry(), e.Sender()
	n.Close()
	if err := e.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	e2 := openEmbedded(t, dir, 0)
	defer e2.Close()
	if e2.Registry() != reg || e2.Sender() != sender {
		t.Fatalf("reopened: registry %s sender %s, want %s %s", e2.Registry().Hex(), e2.Sender().Hex(), reg.Hex(), sender.Hex())
	}
	checkOnChain(t, e2, p)
	checkOnChain(t, e2, pa)
}

func TestVerifyProofRefusesWhatDoesNotHold(t *testing.T) {
	e, n := configuredChain(t)
	mk := newMarket(t, n, "", "")
	ids := []string{mk.invoice(""), mk.invoice(""), mk.invoice("")}
	for _, id := range ids {
		mk.confirm(id)
	}
	runAnchorer(t, NewAnchorer(n, e, fastAnchoring()))
	for _, id := range ids {
		waitStatus(t, n, id, matcher.StatusFinanceable, 30*time.Second)
	}
	good := proofOf(t, n, ids[1], merkle.KindConfirmation)
	if len(good.Proof) == 0 {
		t.Fatalf("proof of a batch of 3 has no siblings: the leaves were not anchored together")
	}
	ctx := context.Background()
	if err := VerifyProof(ctx, e.HTTPEndpoint(), good); err != nil {
		t.Fatalf("VerifyProof(good) = %v", err)
	}
	bad := map[string]func(p *ProofJSON){
		"other leaf":  func(p *ProofJSON) { p.Leaf = common.HexToHash("0x01") },
		"no siblings": func(p *ProofJSON) { p.Proof = nil },
		"wrong chain": func(p *ProofJSON) { p.ChainID = 1 },
		"wrong block": func(p *ProofJSON) { p.BlockNumber++ },
		"wrong tx":    func(p *ProofJSON) { p.TxHash = common.BytesToHash(e.Registry().Bytes()) },
		"unanchored root": func(p *ProofJSON) {
			p.Leaf, p.Root, p.Proof = p.Root, merkle.Root([]common.Hash{p.Root, p.Leaf}), []common.Hash{p.Leaf}
		},
	}
	for name, mutate := range bad {
		p := good
		p.Proof = append([]common.Hash(nil), good.Proof...)
		mutate(&p)
		err := VerifyProof(ctx, e.HTTPEndpoint(), p)
		if name == "wrong tx" {
			if err == nil {
				t.Errorf("VerifyProof(%s) = nil, want an error", name)
			}
			continue
		}
		if !errors.Is(err, ErrInvalidProof) {
			t.Errorf("VerifyProof(%s) = %v, want ErrInvalidProof", name, err)
		}
	}
}

// The anchorer killed at each crash point of a transaction, then restarted on the same
// journal and chain: every leaf and fingerprint reaches the chain exactly once and no
// transaction is sent twice (README, "Architecture", "the life of a command", step 5).
func TestAnchorerCrashPoints(t *testing.T) {
	// One block a second, so that a transaction sent just before the crash is still
	// pending when the anchorer restarts: the crash-after-send case for real.
	chainDir := t.TempDir()
	e := openEmbedded(t, chainDir, 1)
	defer e.Close()
	for _, op := range []string{"register", "anchor"} {
		for _, point := range []string{pointBeforeSend, pointAfterSend, pointAfterReceipt} {
			t.Run(op+"/"+point, func(t *testing.T) { crashAt(t, e, op, point) })
		}
	}
}

var errCrash = errors.New("crash")

func crashAt(t *testing.T, e *Embedded, op, point string) {
	dir := t.TempDir()
	ctx := context.Background()
	start, err := e.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n := openNode(t, dir)
	defer n.Close()
	configure(t, n, e, dir)
	mk := newMarket(t, n, "", "")
	ids := []string{mk.invoice(""), mk.invoice(""), mk.invoice("")}
	for _, id := range ids {
		mk.confirm(id)
	}

	first := NewAnchorer(n, e, fastAnchoring())
	first.hook = func(p, o string) error {
		if p == point && o == op {
			return errCrash
		}
		return nil
	}
	runCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := first.Run(runCtx); !errors.Is(err, errCrash) {
		t.Fatalf("first Run = %v, want the crash", err)
	}
	if point == pointAfterSend {
		pending, _ := e.PendingTxs(ctx)
		t.Logf("after the crash: %d transactions pending", pending)
	}
	for _, id := range ids {
		if st := status(n, id); st == matcher.StatusFinanceable {
			t.Fatalf("%s is financeable before its ledger work was recorded", id)
		}
	}

	second := NewAnchorer(n, e, fastAnchoring())
	runAnchorer(t, second)
	var fps, roots []common.Hash
	for _, id := range ids {
		waitStatus(t, n, id, matcher.StatusFinanceable, 30*time.Second)
		fps = append(fps, fingerprintOf(n, id))
		p := proofOf(t, n, id, merkle.KindConfirmation)
		checkOnChain(t, e, p)
		roots = append(roots, p.Root)
	}
	if roots[0] != roots[1] || roots[1] != roots[2] {
		t.Fatalf("the three leaves went out in different batches: roots %v", roots)
	}
	registers, anchors := registryTxs(t, e, e.Client(), start, fps, roots[:1])
	if registers != 1 || anchors != 1 {
		t.Fatalf("register transactions = %d, anchor transactions = %d; want 1 and 1", registers, anchors)
	}
	s1, s2 := first.Stats(), second.Stats()
	t.Logf("first %+v", s1)
	t.Logf("second %+v", s2)
	if sent := s1.AnchorTxs + s2.AnchorTxs; sent != 1 {
		t.Fatalf("anchor transactions counted by the anchorers = %d, want 1", sent)
	}
	if sent := s1.RegisterTxs + s2.RegisterTxs; sent != 1 {
		t.Fatalf("register transactions counted by the anchorers = %d, want 1", sent)
	}
	if op == "anchor" && point != pointBeforeSend && s2.FoundOnChain != 1 {
		t.Fatalf("restarted anchorer found %d batches on chain, want 1 (it must record, not resend)", s2.FoundOnChain)
	}
}

// A stale fencing token stops the anchorer: another node holds the lease.
func TestAnchorerStopsOnStaleFence(t *testing.T) {
	e, n := configuredChain(t)
	mk := newMarket(t, n, "", "")

	newer := fastAnchoring()
	newer.Fence = func() uint64 { return 7 }
	stop := runAnchorer(t, NewAnchorer(n, e, newer))
	id := mk.invoice("")
	mk.confirm(id)
	waitStatus(t, n, id, matcher.StatusFinanceable, 30*time.Second)
	stop()

	older := fastAnchoring()
	older.Fence = func() uint64 { return 3 }
	id2 := mk.invoice("")
	mk.confirm(id2)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := NewAnchorer(n, e, older).Run(ctx); !errors.Is(err, ErrFenced) {
		t.Fatalf("Run with a stale fence = %v, want ErrFenced", err)
	}
	if st := status(n, id2); st != matcher.StatusConfirmed {
		t.Fatalf("after a fenced anchorer: %s, want %s", st, matcher.StatusConfirmed)
	}
}

// MaxBatch caps a batch; a full batch goes out without waiting for MaxDelay; with
// FixedDelay, a batch that is not full waits MaxDelay however idle the queue.
func TestAnchorerBatchesByCountAndDelay(t *testing.T) {
	e, n := configuredChain(t)
	mk := newMarket(t, n, "", "")
	ids := mk.confirmedInvoices(5)
	cfg := fastAnchoring()
	cfg.MaxBatch, cfg.MaxDelay, cfg.FixedDelay = 2, time.Hour, true
	a := NewAnchorer(n, e, cfg)
	runAnchorer(t, a)
	// 5 leaves, batches of 2: two full batches go at once, the fifth leaf waits an hour.
	waitFor(t, 30*time.Second, "two batches", func() bool { return a.Stats().Batches == 2 })
	time.Sleep(200 * time.Millisecond)
	if s := a.Stats(); s.Batches != 2 || s.LeavesAnchored != 4 {
		t.Fatalf("Stats = %+v, want 2 batches of 2", s)
	}
	var pending int
	n.View(func(m *matcher.Matcher) { pending, _ = m.PendingCounts() })
	if pending != 1 {
		t.Fatalf("pending leaves = %d, want 1", pending)
	}
	// Registrations are not full (5 < 500) and wait MaxDelay too: none is financeable.
	for _, id := range ids {
		if st := status(n, id); st != matcher.StatusConfirmed {
			t.Fatalf("%s is %s, want %s while its registration waits", id, st, matcher.StatusConfirmed)
		}
	}
}

func waitFor(t tb, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestWaitClock(t *testing.T) {
	t0 := time.Unix(1_000_000, 0)
	var w waitClock
	w.observe(3, t0)                    // items 1..3 at t0
	w.observe(3, t0.Add(time.Second))   // nothing new
	w.observe(5, t0.Add(2*time.Second)) // items 4..5
	if got := w.since(1, t0.Add(9*time.Second)); !got.Equal(t0) {
		t.Fatalf("since(1) = %v, want %v", got, t0)
	}
	if got := w.since(4, t0.Add(9*time.Second)); !got.Equal(t0.Add(2 * time.Second)) {
		t.Fatalf("since(4) = %v, want t0+2s", got)
	}
	if got := w.since(6, t0.Add(9*time.Second)); !got.Equal(t0.Add(9 * time.Second)) {
		t.Fatalf("since(6) with nothing seen = %v, want now", got)
	}
	for i := range 3 * maxMarks {
		w.observe(uint64(10+i), t0.Add(time.Duration(i)*time.Millisecond))
	}
	if len(w.marks) > maxMarks {
		t.Fatalf("%d marks kept, want at most %d", len(w.marks), maxMarks)
	}
	// Merging keeps the earlier time: a leaf may go out early, never late.
	if got := w.since(10, t0.Add(time.Hour)); got.After(t0) {
		t.Fatalf("since(10) = %v, want no later than %v", got, t0)
	}
}
