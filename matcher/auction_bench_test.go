// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"math/rand/v2"
	"testing"
)

// auctionBook builds one core's book in auction mode: nListings resting listings
// cloned from three real receivables (SMEs of three certification rungs) with varied
// amounts, tenors, maximum rates and minimum fills, and nOffers live offers whose
// lines together cover about two thirds of what is listed. It returns the world's
// snapshot, so that every run clears the same book.
func auctionBook(tb testing.TB, seed uint64, nListings, nOffers int) (*world, []byte, string) {
	tb.Helper()
	rng := rand.New(rand.NewPCG(seed, 11))
	w := newWorld(tb)
	cl := w.cluster(LevelNational)
	core := w.core("AAA")
	w.must(w.op(setMode(core, BookAuction)))
	var tmpls []*Receivable
	for _, cert := range []string{"", "innovative", "little_giant"} {
		tmpls = append(tmpls, w.m.s.Receivables.get(w.financeable(w.sme(cl, cert), core, 1_000_000_00, 180)))
	}
	var listed int64
	for i := 0; i < nListings; i++ {
		w.m.s.Counters.Receivable++
		r := tmpls[rng.IntN(len(tmpls))].copy()
		r.ID = makeID(prefixReceivable, w.m.s.Counters.Receivable)
		r.AmountFen = (5 + rng.Int64N(500)) * 10_000_00 // ¥50k to ¥5m
		r.RemainingFen = r.AmountFen
		r.DueDate = w.today() + Date(20+rng.IntN(160))
		r.Children, r.Leaves = nil, nil
		w.m.s.Receivables.put(r.ID, r)
		w.m.ix.addReceivable(r)
		c := listCmd(r.ID, 350+rng.Int64N(500))
		if rng.IntN(2) == 0 {
			c.Payload.(*List).MinFillFen = r.AmountFen / int64(2+rng.IntN(4))
		}
		w.must(w.as(r.HolderID, c))
		listed += r.AmountFen
	}
	for i := 0; i < nOffers; i++ {
		rate := 280 + rng.Int64N(300)
		line := listed * 2 / 3 / int64(nOffers) * (1 + rng.Int64N(2))
		c := w.offerCmd(core, line, rate, rate+20+rng.Int64N(80), rate+100+rng.Int64N(150))
		if rng.IntN(4) == 0 {
			c.Payload.(*PostOffer).MinTicket = 20 * 10_000_00
		}
		w.must(w.as(w.lender(), c))
	}
	snap, err := w.m.Snapshot()
	if err != nil {
		tb.Fatal(err)
	}
	return w, snap, core
}

// BenchmarkAuction2000x50 clears a 2,000-listing, 50-offer book; docs/benchmarks.md
// has its time and gap to the LP bound, and the bounds they are held to.
func BenchmarkAuction2000x50(b *testing.B) {
	w, snap, core := auctionBook(b, 1, 2000, 50)
	var rep AuctionReport
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		m, err := Restore(w.m.Config(), snap)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		r := m.Apply(Entry{Seq: m.AppliedSeq() + 1, TimeMs: w.nowMs, Cmd: Command{Actor: ActorOperator, Payload: &ClearAuction{CoreID: core}}})
		if r.Err != nil {
			b.Fatal(r.Err)
		}
		rep = r.Auctions[0]
	}
	b.ReportMetric(float64(rep.GapPpm), "gap_ppm")
	b.ReportMetric(float64(rep.Fills), "fills")
}

// The auction on big random books: invariants hold, the bound is above what it made,
// and the gap is within 0.5%.
func TestAuctionGapOnRandomBooks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 300-listing books")
	}
	for seed := uint64(1); seed <= 3; seed++ {
		w, snap, core := auctionBook(t, seed, 300, 12)
		m, err := Restore(w.m.Config(), snap)
		if err != nil {
			t.Fatal(err)
		}
		r := m.Apply(Entry{Seq: m.AppliedSeq() + 1, TimeMs: w.nowMs, Cmd: Command{Actor: ActorOperator, Payload: &ClearAuction{CoreID: core}}})
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		rep := r.Auctions[0]
		t.Logf("seed %d: %+v", seed, rep)
		if err := m.CheckInvariants(); err != nil {
			t.Fatal(err)
		}
		if rep.BoundFen < rep.SavingFen || rep.GapPpm > 5000 || rep.Fills == 0 {
			t.Fatalf("seed %d: auction %+v, want a gap ≤ 0.5%%", seed, rep)
		}
		// Determinism: the same book clears the same way.
		m2, _ := Restore(w.m.Config(), snap)
		m2.Apply(Entry{Seq: m2.AppliedSeq() + 1, TimeMs: w.nowMs, Cmd: Command{Actor: ActorOperator, Payload: &ClearAuction{CoreID: core}}})
		if m2.StateHash() != m.StateHash() {
			t.Fatalf("seed %d: two clearings of one book differ", seed)
		}
	}
}
