// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"fmt"
	"strings"
	"testing"
)

// docs/matching.md "Partial fills": a listing with a minimum fill may be financed by
// several offers, cheapest first, each fill a match of its own priced by its own
// offer's quote; the rest rests; money is conserved; no line is over-committed.

func listFill(id string, maxRate, minFill int64) Command {
	c := listCmd(id, maxRate)
	c.Payload.(*List).MinFillFen = minFill
	return c
}

// The case: a ¥600k listing rested while ¥350k of line stood free.
func TestPartialFillAcrossLenders(t *testing.T) {
	w := newWorld(t)
	a, core, cheap, dear := w.sme("", ""), w.core("AAA"), w.lender(), w.lender()
	w.offer(cheap, core, 350_000_00, 300, 300, 300)
	w.offer(dear, core, 400_000_00, 420, 420, 420)
	whole := w.financeable(a, core, 600_000_00, 90)
	// Default: the whole amount from one offer — no offer has ¥600k: it rests.
	if r := w.list(whole, 1000); r.Match != nil || r.Listing.Status != ListingResting {
		t.Fatalf("whole-amount listing = %+v, want it resting", r)
	}
	split := w.financeable(a, core, 600_000_00, 90)
	r := w.must(w.as(a, listFill(split, 1000, 100_000_00)))
	if len(r.Matches) != 2 || r.Listing.Status != ListingMatched || r.Listing.FilledFen != 600_000_00 {
		t.Fatalf("partial listing = %+v, want two fills", r)
	}
	f1, f2 := r.Matches[0], r.Matches[1]
	if f1.LenderID != cheap || f1.AmountFen != 350_000_00 || f1.RateBps != 300 ||
		f2.LenderID != dear || f2.AmountFen != 250_000_00 || f2.RateBps != 420 {
		t.Fatalf("fills %+v %+v, want ¥350k at 300 from the cheaper line, then ¥250k at 420", f1, f2)
	}
	if f1.DiscountFen != Discount(f1.AmountFen, 300, f1.Days) || f2.DiscountFen != Discount(f2.AmountFen, 420, f2.Days) {
		t.Fatal("a fill is not priced by its own offer")
	}
	if rcv := w.rcv(split); rcv.Status != StatusMatched || len(rcv.MatchIDs) != 2 || len(rcv.Lenders) != 2 {
		t.Fatalf("receivable %+v, want matched by two lenders", rcv)
	}
	// Funded when its fills are funded, one assignment leaf per fill.
	leaves := len(w.rcv(split).Leaves)
	w.must(w.fund(f1.ID))
	if st := w.rcv(split).Status; st != StatusMatched {
		t.Fatalf("after one fill funded: %s, want matched", st)
	}
	w.must(w.fund(f2.ID))
	if rcv := w.rcv(split); rcv.Status != StatusFunded || len(rcv.Leaves) != leaves+2 {
		t.Fatalf("after both fills funded: %s with %d leaves, want funded with two more", rcv.Status, len(rcv.Leaves)-leaves)
	}
	w.checkInvariants()
	// Settlement gives both lines back.
	w.must(w.as(core, settleCmd(split)))
	for _, id := range []string{f1.OfferID, f2.OfferID} {
		if o := w.m.s.Offers.get(id); o.UsedFen != 0 {
			t.Fatalf("offer %s uses %d after settlement", id, o.UsedFen)
		}
	}
	w.checkInvariants()
}

// A fill takes at least the minimum; what no offer can take at the minimum rests,
// and a new offer fills it; the remainder below the minimum is taken whole.
func TestPartialFillMinimumAndResting(t *testing.T) {
	w := newWorld(t)
	a, core, l1, l2 := w.sme("", ""), w.core("AAA"), w.lender(), w.lender()
	w.offer(l1, core, 150_000_00, 300, 300, 300)
	id := w.financeable(a, core, 500_000_00, 90)
	r := w.must(w.as(a, listFill(id, 1000, 200_000_00)))
	if len(r.Matches) != 0 || r.Listing.Status != ListingResting {
		t.Fatalf("¥150k line against a ¥200k minimum fill: %+v, want no fill", r)
	}
	o2 := w.offerWith(l2, core, 420_000_00, 350, nil)
	if len(o2.Matches) != 1 || o2.Matches[0].AmountFen != 420_000_00 {
		t.Fatalf("new offer's fills %+v, want ¥420k", o2.Matches)
	}
	l := w.m.s.Listings.get(r.Listing.ID)
	if l.Status != ListingResting || l.RestingFen() != 80_000_00 || w.rcv(id).Status != StatusListed {
		t.Fatalf("listing %+v, want ¥80k resting", l)
	}
	// ¥80k rests, below the ¥200k minimum: l1's ¥150k takes it whole when it returns.
	o3 := w.offerWith(l1, core, 80_000_00, 300, nil)
	if len(o3.Matches) != 1 || o3.Matches[0].AmountFen != 80_000_00 {
		t.Fatalf("fills %+v, want the ¥80k remainder whole", o3.Matches)
	}
	if l := w.m.s.Listings.get(r.Listing.ID); l.Status != ListingMatched || l.FilledFen != l.AmountFen {
		t.Fatalf("listing %+v, want matched", l)
	}
	book, _ := w.m.Book(core, 0)
	if len(book.Listings) != 0 {
		t.Fatalf("book still lists %+v", book.Listings)
	}
	w.checkInvariants()
}

// Cancelling a partly filled listing withdraws the rest; the fills stay financed.
func TestPartialFillCancelKeepsFills(t *testing.T) {
	w := newWorld(t)
	a, core, l1 := w.sme("", ""), w.core("AAA"), w.lender()
	w.offer(l1, core, 100_000_00, 300, 300, 300)
	id := w.financeable(a, core, 300_000_00, 90)
	r := w.must(w.as(a, listFill(id, 1000, 50_000_00)))
	if len(r.Matches) != 1 || r.Listing.Status != ListingResting {
		t.Fatalf("listing %+v, want one fill and the rest resting", r)
	}
	w.must(w.as(a, Command{Payload: &CancelListing{ListingID: r.Listing.ID}}))
	if rcv := w.rcv(id); rcv.Status != StatusMatched {
		t.Fatalf("receivable after cancelling the rest: %s, want matched (its fill)", rcv.Status)
	}
	w.must(w.fund(r.Matches[0].ID))
	if rcv := w.rcv(id); rcv.Status != StatusFunded {
		t.Fatalf("receivable after funding its fill: %s, want funded", rcv.Status)
	}
	w.checkInvariants()
}

func TestPartialFillRefusals(t *testing.T) {
	w := newWorld(t)
	a, core := w.sme("", ""), w.core("AAA")
	id := w.financeable(a, core, 100_000_00, 90)
	for _, min := range []int64{-1, 100_000_01} {
		w.wantCode(w.as(a, listFill(id, 1000, min)), CodeValidation, w.hash())
	}
}

// Old journals hold List without a minimum fill: its encoding is unchanged, and the
// new tag carries only a minimum fill that is set.
func TestCodecListFill(t *testing.T) {
	old := Command{Actor: "par_1", Payload: &List{ReceivableID: "rcv_1", MaxRateBps: 500}}
	b := mustEncode(t, old)
	if b[len(b)-1-len("rcv_1")-1-2] != tagList {
		t.Fatalf("a List without min fill is not encoded with tagList: %x", b)
	}
	withMin := old
	withMin.Payload = &List{ReceivableID: "rcv_1", MaxRateBps: 500, MinFillFen: 7}
	got, err := DecodeCommand(mustEncode(t, withMin))
	if err != nil || got.Payload.(*List).MinFillFen != 7 {
		t.Fatalf("DecodeCommand = %+v, %v", got.Payload.(*List), err)
	}
}

// docs/matching.md §3: a line given back by a settlement serves the book's resting
// listings at once, as a new offer would.
func TestSettlementServesRestingListings(t *testing.T) {
	w := newWorld(t)
	a, b, core, lender := w.sme("", ""), w.sme("", ""), w.core("AAA"), w.lender()
	w.offer(lender, core, 100_000_00, 300, 300, 300)
	first := w.financeable(a, core, 100_000_00, 60)
	m1 := w.list(first, 900).Match
	w.must(w.fund(m1.ID))
	waiting := w.financeable(b, core, 80_000_00, 90)
	if r := w.list(waiting, 900); r.Match != nil {
		t.Fatal("the line is used: the listing should rest")
	}
	r := w.must(w.as(core, settleCmd(first)))
	if len(r.Matches) != 1 || r.Matches[0].ReceivableID != waiting || r.Matches[0].AmountFen != 80_000_00 {
		t.Fatalf("settlement's matches %+v, want the resting listing financed from the repaid line", r.Matches)
	}
	w.checkInvariants()
}

// A broken invariant found after fund stops the applier loudly (a panic naming it),
// never a wrong state served (docs/operations.md, "Panics and invariants").
func TestBrokenInvariantAfterFundPanics(t *testing.T) {
	w := newWorld(t)
	a, core, lender := w.sme("", ""), w.core("AAA"), w.lender()
	w.offer(lender, core, 100_000_00, 300, 300, 300)
	id := w.financeable(a, core, 100_000_00, 60)
	mt := w.list(id, 900).Match
	w.m.s.Listings.get(mt.ListingID).FilledFen-- // the damage a bug could do
	defer func() {
		if p := recover(); p == nil || !strings.Contains(fmt.Sprint(p), "invariant broken after fund "+mt.ID) {
			t.Fatalf("recover() = %v, want the invariant named", p)
		}
	}()
	w.fund(mt.ID)
}
