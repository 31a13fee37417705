// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// BenchmarkCancelListing: one op cancels a resting listing, taken at random from a
// book of n; the cost must not grow with n (docs/benchmarks.md, "Costs that grew with
// the market"). Every cancelRound cancels, with the timer stopped, the receivables are
// listed again (at the end of the book), so that the book keeps (nearly) its size.
//
//	go test ./matcher -run '^$' -bench CancelListing -test.cpu 1
func BenchmarkCancelListing(b *testing.B) {
	for _, n := range []int{100, 10_000} {
		b.Run(fmt.Sprintf("resting=%d", n), func(b *testing.B) { benchCancelListing(b, n) })
	}
}

const cancelRound = 50

func benchCancelListing(b *testing.B, n int) {
	w, _, lids := restWorld(b, n)
	rids := make([]string, n)
	for i, id := range lids {
		rids[i] = w.m.s.Listings.get(id).ReceivableID
	}
	holder := w.m.s.Receivables.get(rids[0]).HolderID
	rng := rand.New(rand.NewPCG(1, 2))
	var round []int
	var cpu time.Duration // of the timed parts only
	b.ReportAllocs()
	b.ResetTimer()
	start := processCPU()
	for i := 0; i < b.N; i++ {
		if i%cancelRound == 0 {
			cpu += processCPU() - start // the timer's own reads are not the op's
			b.StopTimer()
			for _, j := range round {
				c := listCmd(rids[j], 1000)
				c.Actor = holder
				w.seq++
				r := w.m.Apply(Entry{Seq: w.seq, TimeMs: w.nowMs, Cmd: c})
				if r.Err != nil || r.Match != nil {
					b.Fatalf("list %s: %v, match %v, want it resting", rids[j], r.Err, r.Match)
				}
				lids[j] = r.Listing.ID
			}
			round = round[:0]
			for len(round) < cancelRound {
				if j := rng.IntN(n); !slices.Contains(round, j) {
					round = append(round, j)
				}
			}
			b.StartTimer()
			start = processCPU()
		}
		j := round[i%cancelRound]
		w.seq++
		c := Command{Actor: holder, Payload: &CancelListing{ListingID: lids[j]}}
		if r := w.m.Apply(Entry{Seq: w.seq, TimeMs: w.nowMs, Cmd: c}); r.Err != nil {
			b.Fatalf("cancel %s: %v", lids[j], r.Err)
		}
	}
	b.StopTimer()
	reportOps(b, cpu+processCPU()-start)
}

// BenchmarkListMatchUsedUp: one op lists a receivable against a book of 10,000 live
// offers of which the cheapest used their lines up (the busy market's book) and
// matches it with the cheapest offer that can still fill; the cost must not grow with
// the used-up lines (docs/benchmarks.md, "Costs that grew with the market").
//
//	go test ./matcher -run '^$' -bench ListMatchUsedUp -test.cpu 1
func BenchmarkListMatchUsedUp(b *testing.B) {
	for _, usedUp := range []int{0, 9_900} {
		b.Run(fmt.Sprintf("offers=10000/used-up=%d", usedUp), func(b *testing.B) { benchListMatchUsedUp(b, 10_000, usedUp) })
	}
}

// benchListMatchUsedUp builds a book of offers, the usedUp cheapest with a line of
// one receivable each and the rest dearer with lines that do not run out, and lists
// usedUp receivables to use those lines up, before the timer starts.
func benchListMatchUsedUp(b *testing.B, offers, usedUp int) {
	w, ids := benchBookOffers(b, 0, usedUp+b.N)
	r0 := w.m.s.Receivables.get(ids[0])
	lenders := make([]string, 100)
	for i := range lenders {
		lenders[i] = w.lender()
	}
	for i := 0; i < offers; i++ {
		line, rate := int64(1e15), 900+int64(i%50)
		if i < usedUp {
			line, rate = r0.RemainingFen, 300+int64(i%97)
		}
		w.offer(lenders[i%len(lenders)], r0.DebtorID, line, rate, rate, rate)
	}
	cmds := make([]Command, len(ids))
	for i, id := range ids {
		cmds[i] = listCmd(id, 1000)
		cmds[i].Actor = r0.HolderID
	}
	for _, c := range cmds[:usedUp] {
		if r := w.must(w.apply(c)); r.Match == nil || r.Match.RateBps >= 900 {
			b.Fatalf("list %s: match %+v, want a cheap line used up", r.Listing.ID, r.Match)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := processCPU()
	for _, c := range cmds[usedUp:] {
		w.seq++
		if r := w.m.Apply(Entry{Seq: w.seq, TimeMs: w.nowMs, Cmd: c}); r.Err != nil || r.Match == nil || r.Match.RateBps < 900 {
			b.Fatalf("list: %v, match %+v, want a dear line", r.Err, r.Match)
		}
	}
	b.StopTimer()
	reportOps(b, processCPU()-cpu)
}

// BenchmarkListMatchUsesUpLine: one op lists a receivable against a book of 10,000
// live offers, each with a line of one receivable, and uses up the cheapest line: the
// line leaves the price index (book.priced), which must not cost a move of the whole
// band. Every 100 ops the core pays those receivables, with the timer stopped, which
// gives their lines back, so that the book stays as it was.
//
//	go test ./matcher -run '^$' -bench ListMatchUsesUpLine -test.cpu 1
func BenchmarkListMatchUsesUpLine(b *testing.B) {
	const offers, round = 10_000, 100
	w, ids := benchBookOffers(b, 0, b.N)
	r0 := w.m.s.Receivables.get(ids[0])
	lenders := make([]string, 100)
	for i := range lenders {
		lenders[i] = w.lender()
	}
	for i := 0; i < offers; i++ {
		rate := 300 + int64(i%97)
		w.offer(lenders[i%len(lenders)], r0.DebtorID, r0.RemainingFen, rate, rate, rate)
	}
	var cpu time.Duration // of the timed parts only
	b.ReportAllocs()
	b.ResetTimer()
	start := processCPU()
	for i, id := range ids {
		if i > 0 && i%round == 0 {
			cpu += processCPU() - start
			b.StopTimer()
			for _, paid := range ids[i-round : i] {
				w.must(w.as(r0.DebtorID, settleCmd(paid)))
			}
			b.StartTimer()
			start = processCPU()
		}
		c := listCmd(id, 1000)
		c.Actor = r0.HolderID
		w.seq++
		if r := w.m.Apply(Entry{Seq: w.seq, TimeMs: w.nowMs, Cmd: c}); r.Err != nil || r.Match == nil {
			b.Fatalf("list %s: %v, match %v", id, r.Err, r.Match)
		}
	}
	b.StopTimer()
	reportOps(b, cpu+processCPU()-start)
}

// BenchmarkRescoreResting: one op is the operator changing a core's rating, which
// re-scores the core's resting listings and lets each live offer of its book serve
// them (docs/api.md, PATCH /v1/participants). Every listing's amount suits every
// offer, and every offer quotes above every listing's maximum rate: nothing fills, so
// each op walks the whole book once an offer.
//
//	go test ./matcher -run '^$' -bench RescoreResting -test.cpu 1
func BenchmarkRescoreResting(b *testing.B) {
	for _, sz := range []struct{ offers, resting int }{{10, 1_000}, {100, 1_000}, {1_000, 1_000}} {
		b.Run(fmt.Sprintf("offers=%d/resting=%d", sz.offers, sz.resting), func(b *testing.B) {
			w, core, _ := restWorld(b, sz.resting)
			for range sz.offers {
				w.must(w.as(w.lender(), w.offerCmd(core, 1e15, 1200, 1300, 1400)))
			}
			if r := w.op(Command{Payload: &UpdateParticipant{ParticipantID: core, Rating: "AA+", Reason: "warm-up"}}); r.Err != nil || len(r.Matches) != 0 {
				b.Fatalf("rating change: %v, %d matches, want none", r.Err, len(r.Matches))
			}
			cmds := []Command{
				{Actor: ActorOperator, Payload: &UpdateParticipant{ParticipantID: core, Rating: "AAA", Reason: "annual review"}},
				{Actor: ActorOperator, Payload: &UpdateParticipant{ParticipantID: core, Rating: "AA+", Reason: "annual review"}},
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				w.seq++
				if r := w.m.Apply(Entry{Seq: w.seq, TimeMs: w.nowMs, Cmd: cmds[i%2]}); r.Err != nil || len(r.Matches) != 0 {
					b.Fatalf("rating change: %v, %d matches, want none", r.Err, len(r.Matches))
				}
			}
		})
	}
}
