// SPDX-License-Identifier: Apache-2.0

package ledger

import (
	"testing"
	"time"

	"github.com/scfx/scfx/matcher"
)

// The adaptive rule (AnchorerConfig.FixedDelay false): a batch that is not full goes
// at once unless the arrivals of the last MaxDelay would fill it before its oldest
// item has waited MaxDelay.
func TestAnchorerAdaptiveDue(t *testing.T) {
	t0 := time.Unix(1_000_000, 0)
	a := NewAnchorer(nil, nil, AnchorerConfig{MaxDelay: time.Second})
	fixed := NewAnchorer(nil, nil, AnchorerConfig{MaxDelay: time.Second, FixedDelay: true})
	ms := time.Millisecond
	for _, c := range []struct {
		name           string
		age            time.Duration // of the oldest pending item
		pending, batch int
		recent         uint64
		want, wantFix  time.Duration
	}{
		{"idle: one item goes at once", 0, 1, 1000, 1, 0, time.Second},
		{"moderate: 50/s never fills 1,000 in a second", 100 * ms, 5, 1000, 50, 0, 900 * ms},
		{"just short: 999/s with 1 pending", 0, 1, 1000, 998, 0, time.Second},
		{"load: 1,000/s fills 1,000 in a second", 0, 1, 1000, 1000, time.Second, time.Second},
		{"load: 2,000/s, half the batch there, 250 ms left", 750 * ms, 500, 1000, 2000, 250 * ms, 250 * ms},
		{"slowing: 400 left to fill in 250 ms at 1,500/s", 750 * ms, 600, 1000, 1500, 0, 250 * ms},
		{"full goes at once", 0, 1000, 1000, 5000, 0, 0},
		{"waited MaxDelay goes at once", time.Second, 10, 1000, 5000, 0, 0},
		{"registrations: 500/s fills 500", 0, 1, 500, 500, time.Second, time.Second},
		{"registrations: 499/s does not", 0, 1, 500, 498, 0, time.Second},
	} {
		now := t0.Add(c.age)
		if got := a.due(t0, c.pending, c.batch, c.recent, now); got != c.want {
			t.Errorf("%s: adaptive due = %v, want %v", c.name, got, c.want)
		}
		if got := fixed.due(t0, c.pending, c.batch, c.recent, now); got != c.wantFix {
			t.Errorf("%s: fixed due = %v, want %v", c.name, got, c.wantFix)
		}
	}
	// Products beyond 64 bits compare right.
	if !willFill(0, 1000, 1<<40, 1<<40, 1<<40) || willFill(0, 1<<40, 1<<39, 1<<40, 1<<40) {
		t.Fatal("willFill overflows")
	}
}

// arrivals counts what reached a queue in the last window on a deterministic clock.
func TestArrivals(t *testing.T) {
	t0 := time.Unix(1_000_000, 0)
	w := time.Second
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	var r arrivals
	// First sight: 100 sent before, 30 waiting — the backlog counts as arrived now.
	r.observe(100, 130, t0, w)
	if got := r.recent(t0, w); got != 30 {
		t.Fatalf("recent after the first observation = %d, want 30 (the backlog)", got)
	}
	r.observe(120, 150, at(400*time.Millisecond), w) // 20 more (and 20 sent)
	r.observe(150, 150, at(500*time.Millisecond), w) // nothing new
	r.observe(150, 160, at(900*time.Millisecond), w) // 10 more
	if got := r.recent(at(900*time.Millisecond), w); got != 60 {
		t.Fatalf("recent at 0.9 s = %d, want 60", got)
	}
	if got := r.recent(at(1200*time.Millisecond), w); got != 30 {
		t.Fatalf("recent at 1.2 s = %d, want 30 (those of 0.4 s and 0.9 s)", got)
	}
	if got := r.recent(at(1500*time.Millisecond), w); got != 10 {
		t.Fatalf("recent at 1.5 s = %d, want 10", got)
	}
	if got := r.recent(at(5*time.Second), w); got != 0 {
		t.Fatalf("recent after a quiet window = %d, want 0", got)
	}
	// Memory stays bounded under a flood of marks, and merging only ever counts more.
	var f arrivals
	f.observe(0, 0, t0, time.Hour)
	for i := range 4 * maxMarks {
		f.observe(0, uint64(i+1), at(time.Duration(i)*time.Millisecond), time.Hour)
	}
	if len(f.marks) > maxMarks {
		t.Fatalf("%d marks kept, want at most %d", len(f.marks), maxMarks)
	}
	if got := f.recent(at(4*maxMarks*time.Millisecond), time.Hour); got != 4*maxMarks {
		t.Fatalf("recent = %d, want %d", got, 4*maxMarks)
	}
}

// On a real chain: with the adaptive rule and an hour's MaxDelay, a backlog that
// fills batches of 2 goes out in full batches and the odd leaf waits (load), while
// five registrations, which could never fill a batch of 500 in an hour at this pace,
// go at once (idle): four of the five receivables are financeable within seconds,
// not an hour.
func TestAnchorerAdaptiveBatches(t *testing.T) {
	e, n := configuredChain(t)
	mk := newMarket(t, n, "", "")
	ids := mk.confirmedInvoices(5)
	cfg := fastAnchoring()
	cfg.MaxBatch, cfg.MaxDelay = 2, time.Hour
	a := NewAnchorer(n, e, cfg)
	runAnchorer(t, a)
	for _, id := range ids[:4] {
		waitStatus(t, n, id, matcher.StatusFinanceable, 30*time.Second)
	}
	time.Sleep(200 * time.Millisecond)
	if s := a.Stats(); s.Batches != 2 || s.LeavesAnchored != 4 || s.Registrations != 5 || s.RegisterTxs != 1 {
		t.Fatalf("Stats = %+v, want 2 batches of 2 leaves and the 5 registrations in one transaction", s)
	}
	if st := status(n, ids[4]); st != matcher.StatusConfirmed {
		t.Fatalf("the fifth receivable is %s, want %s: its leaf waits for a full batch", st, matcher.StatusConfirmed)
	}
}
