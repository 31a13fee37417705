// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// docs/matching.md §4: batch clearing.

func setMode(core, mode string) Command {
	return Command{Payload: &SetBookMode{CoreID: core, Mode: mode}}
}

func clearCmd(core string) Command {
	return Command{Payload: &ClearAuction{CoreID: core}}
}

func TestAuctionModeRestsUntilCleared(t *testing.T) {
	w := newWorld(t)
	a, core, lender := w.sme("", ""), w.core("AAA"), w.lender()
	w.wantCode(w.as(a, setMode(core, BookAuction)), CodeForbidden, w.hash())
	w.wantCode(w.op(setMode(core, "sealed-bid")), CodeValidation, w.hash())
	w.wantCode(w.op(setMode(a, BookAuction)), CodeValidation, w.hash())
	w.must(w.op(setMode(core, BookAuction)))
	id := w.financeable(a, core, 100_000_00, 90)
	if r := w.list(id, 800); r.Match != nil {
		t.Fatal("a listing in an auction book matched on arrival")
	}
	if r := w.must(w.as(lender, w.offerCmd(core, 1_000_000_00, 300, 300, 300))); len(r.Matches) != 0 {
		t.Fatal("an offer in an auction book matched on arrival")
	}
	w.wantCode(w.as(a, clearCmd(core)), CodeForbidden, w.hash())
	r := w.must(w.op(clearCmd(core)))
	// Exact: the bound is the LP's saving rounded up, the fills' saving rounded down.
	if len(r.Auctions) != 1 || len(r.Matches) != 1 || r.Auctions[0].VolumeFen != 100_000_00 || !r.Auctions[0].Exact ||
		r.Auctions[0].BoundFen-r.Auctions[0].SavingFen > 1 {
		t.Fatalf("auction = %+v, %d fills", r.Auctions, len(r.Matches))
	}
	want := Discount(100_000_00, 800-300, r.Matches[0].Days)
	if rep := r.Auctions[0]; rep.SavingFen != want || rep.BoundFen < rep.SavingFen {
		t.Fatalf("saving %d bound %d, want saving %d", rep.SavingFen, rep.BoundFen, want)
	}
	// The schedule clears every auction book; back to continuous, arrivals match.
	w.must(w.sys(clearCmd("")))
	w.must(w.op(setMode(core, BookContinuous)))
	id2 := w.financeable(a, core, 100_000_00, 90)
	if r := w.list(id2, 800); r.Match == nil {
		t.Fatal("continuous again: the listing did not match")
	}
	w.checkInvariants()
}

// Continuous matching is first come, first served: the first listing takes the
// cheap line although a later listing saves more on it. The auction assigns the
// cheap line where it saves most.
func TestAuctionBeatsTimePriority(t *testing.T) {
	run := func(mode string) (saving, discount int64) {
		w := newWorld(t)
		a, core, cheap, dear := w.sme("", ""), w.core("AAA"), w.lender(), w.lender()
		w.must(w.op(setMode(core, mode)))
		short := w.financeable(a, core, 100_000_00, 30)
		long := w.financeable(a, core, 100_000_00, 180)
		w.list(short, 900)
		w.list(long, 900)
		r1 := w.must(w.as(cheap, w.offerCmd(core, 100_000_00, 300, 300, 300)))
		r2 := w.must(w.as(dear, w.offerCmd(core, 100_000_00, 800, 800, 800)))
		fills := append(r1.Matches, r2.Matches...)
		if mode == BookAuction {
			fills = w.must(w.op(clearCmd(core))).Matches
		}
		w.checkInvariants()
		for _, f := range fills {
			saving += Discount(f.AmountFen, 900-f.RateBps, f.Days)
			discount += f.DiscountFen
		}
		return saving, discount
	}
	cs, cd := run(BookContinuous)
	as, ad := run(BookAuction)
	if as <= cs || ad >= cd {
		t.Fatalf("auction saving %d discount %d, continuous %d %d: want more saving, less discount", as, ad, cs, cd)
	}
}

// Against brute force on small books of whole-amount listings (each to one offer or
// none): the bound is never below the best assignment, the auction never above it,
// and an auction that says it is exact reaches it (in the auction's objective).
func TestAuctionAgainstBruteForce(t *testing.T) {
	for seed := uint64(1); seed <= 40; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 7))
			w := newWorld(t)
			core := w.core("AAA")
			w.must(w.op(setMode(core, BookAuction)))
			var ls []*Listing
			for i := 0; i < 2+rng.IntN(4); i++ {
				id := w.financeable(w.sme("", ""), core, (1+rng.Int64N(20))*10_000_00, 20+rng.IntN(150))
				l := w.list(id, 400+rng.Int64N(500)).Listing
				if rng.IntN(2) == 0 {
					w.must(w.as(l.HolderID, Command{Payload: &CancelListing{ListingID: l.ID}}))
					l = w.must(w.as(l.HolderID, listFill(id, l.MaxRateBps, l.AmountFen))).Listing // min fill = whole: same rule
				}
				ls = append(ls, w.m.s.Listings.get(l.ID))
			}
			var os []*Offer
			for i := 0; i < 1+rng.IntN(3); i++ {
				rate := 300 + rng.Int64N(400)
				r := w.must(w.as(w.lender(), w.offerCmd(core, (1+rng.Int64N(40))*10_000_00, rate, rate+rng.Int64N(100), rate+100+rng.Int64N(100))))
				os = append(os, w.m.s.Offers.get(r.Offer.ID))
			}
			best := bruteForce(w.m, ls, os)
			r := w.must(w.op(clearCmd(core)))
			rep := r.Auctions[0]
			var got int64
			for _, f := range r.Matches {
				l := w.m.s.Listings.get(f.ListingID)
				got += f.AmountFen * objectiveWeight(l.MaxRateBps, f.RateBps, f.Days)
			}
			if got > best.value {
				t.Fatalf("auction objective %d above the brute-force optimum %d", got, best.value)
			}
			if rep.Exact && got != best.value {
				t.Fatalf("exact auction objective %d, optimum %d", got, best.value)
			}
			if rep.BoundFen < best.saving {
				t.Fatalf("bound %d below the optimum's saving %d", rep.BoundFen, best.saving)
			}
			w.checkInvariants()
		})
	}
}

func objectiveWeight(maxRate, rate int64, days int) int64 {
	return (maxRate-rate)*int64(days)*volumeTieBreak + int64(days)
}

type bruteBest struct{ value, saving int64 }

// bruteForce tries every assignment of each listing to one offer or none.
func bruteForce(m *Matcher, ls []*Listing, os []*Offer) bruteBest {
	var best bruteBest
	avail := make([]int64, len(os))
	for j, o := range os {
		avail[j] = o.Available()
	}
	var rec func(i int, value, saving int64)
	rec = func(i int, value, saving int64) {
		if i == len(ls) {
			if value > best.value {
				best = bruteBest{value, saving}
			}
			best.saving = max(best.saving, saving)
			return
		}
		rec(i+1, value, saving)
		l := ls[i]
		r := m.s.Receivables.get(l.ReceivableID)
		days := int(r.DueDate - m.Today())
		for j, o := range os {
			rate, ok := quote(o, m.termsOf(r))
			if !ok || rate > l.MaxRateBps || avail[j] < l.AmountFen {
				continue
			}
			avail[j] -= l.AmountFen
			rec(i+1, value+l.AmountFen*objectiveWeight(l.MaxRateBps, rate, days), saving+Discount(l.AmountFen, l.MaxRateBps-rate, days))
			avail[j] += l.AmountFen
		}
	}
	rec(0, 0, 0)
	return best
}

// TestAuctionKeepsRestingOrder: the listings an auction fills whole leave the book,
// and those it leaves (untouched or filled in part) keep their order (arrival).
func TestAuctionKeepsRestingOrder(t *testing.T) {
	w := newWorld(t)
	a, core, lender := w.sme("", ""), w.core("AAA"), w.lender()
	w.must(w.op(setMode(core, BookAuction)))
	var lids []string
	for i := range 12 {
		id := w.financeable(a, core, 100_000_00, 30+10*i)
		c := listCmd(id, 900)
		if i%3 == 0 {
			c.Payload.(*List).MinFillFen = 10_000_00
		}
		lids = append(lids, w.must(w.as(a, c)).Listing.ID)
	}
	w.must(w.as(lender, w.offerCmd(core, 550_000_00, 300, 300, 300)))
	r := w.must(w.op(clearCmd(core)))
	if len(r.Matches) == 0 {
		t.Fatal("the auction filled nothing")
	}
	var want []string
	for _, id := range lids {
		if w.m.s.Listings.get(id).Status == ListingResting {
			want = append(want, id)
		}
	}
	if len(want) == 0 || len(want) == len(lids) {
		t.Fatalf("%d of %d listings still rest: the test needs some filled and some not", len(want), len(lids))
	}
	if got := restingIDs(w, core); !slices.Equal(got, want) {
		t.Fatalf("resting %v, want %v", got, want)
	}
	w.checkInvariants()
}
