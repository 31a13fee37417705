// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// The rule tests and the simulation run with every match search checked against the
// scan of the whole book (market.go, verifyBestOffer); benchmarks turn it off
// (TestMain).
func init() { verifyBestOffer = true }

// TestBestOfferIndexedEqualsScan is the differential test of the indexed book: on
// random books (band and curve offers, ties, minimum scores and tenors, tickets,
// cluster and certification filters, lines partly used, suspended lenders, cancelled
// offers) and random listings, bestOffer picks exactly what bestOfferScan — the rule
// of docs/matching.md over every offer — picks, amount and rate included.
func TestBestOfferIndexedEqualsScan(t *testing.T) {
	seeds := 300
	if testing.Short() {
		seeds = 40
	}
	compared, found := 0, 0
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		rng := rand.New(rand.NewPCG(seed, 0xb00c))
		w := newWorld(t)
		core := w.core("AAA")
		clusters := []string{w.cluster(LevelNational), w.cluster(LevelProvincial), w.cluster(LevelNational)}
		lenders := make([]string, 1+rng.IntN(8))
		for i := range lenders {
			lenders[i] = w.lender()
		}
		rates := []int64{0, 300, 320, 320, 350, 400, 600}
		nOffers := 1 + rng.IntN(60)
		var offers []string
		for i := 0; i < nOffers; i++ {
			c := w.offerCmd(core, 1_000_000+rng.Int64N(50_000_000), 300, 300, 300)
			p := c.Payload.(*PostOffer)
			if rng.IntN(3) == 0 {
				p.RatesBps = Rates{}
				p.RateCurve = &RateCurve{BaseBps: 250 + rng.Int64N(100), BpsPer100Points: rng.Int64N(60), MaxBps: 0}
				p.RateCurve.MaxBps = p.RateCurve.BaseBps + rng.Int64N(400)
			} else {
				p.RatesBps = Rates{A: rates[1+rng.IntN(len(rates)-1)], B: rates[rng.IntN(len(rates))], C: rates[rng.IntN(len(rates))]}
			}
			if rng.IntN(4) == 0 {
				p.MinScore = rng.IntN(1001)
			}
			p.MaxTenorDays = 1 + rng.IntN(365)
			if rng.IntN(4) == 0 {
				p.MinTicket = rng.Int64N(p.LineAmount / 2)
			}
			if rng.IntN(4) == 0 {
				p.MaxTicket = max(p.MinTicket, rng.Int64N(p.LineAmount))
			}
			if rng.IntN(5) == 0 {
				p.ClusterIDs = []string{clusters[rng.IntN(len(clusters))]}
			}
			if rng.IntN(5) == 0 {
				p.MinCertification = []string{"none", "innovative", "specialized", "little_giant"}[rng.IntN(4)]
			}
			offers = append(offers, w.must(w.as(lenders[rng.IntN(len(lenders))], c)).Offer.ID)
		}
		// Commands first: the changes by hand below are not what the state hash tracks.
		for _, id := range offers {
			if o := w.m.s.Offers.get(id); rng.IntN(6) == 0 {
				w.must(w.as(o.LenderID, Command{Payload: &CancelOffer{OfferID: id}}))
			}
		}
		for _, id := range offers {
			o := w.m.s.Offers.get(id)
			could := o.canFill()
			switch rng.IntN(5) {
			case 1:
				o.UsedFen = rng.Int64N(o.LineFen + 1)
			case 2:
				o.ReservedFen = o.LineFen // an exhausted line
			}
			w.m.ix.book(core).lineMoved(o, could) // as moveLine does
		}
		for _, id := range lenders {
			if rng.IntN(6) == 0 {
				w.m.s.Participants.get(id).Suspended = true
			}
		}
		if err := w.m.checkBooks(); err != nil { // the lines changed by hand break the others
			t.Fatalf("seed %d: %v", seed, err)
		}
		for i := 0; i < 200; i++ {
			score := rng.IntN(1001)
			tm := terms{score: score, band: Band(score), tenorDays: rng.IntN(400) - 5, certRank: rng.IntN(4)}
			if rng.IntN(2) == 0 {
				tm.clusterID = clusters[rng.IntN(len(clusters))]
			}
			amount := 1 + rng.Int64N(60_000_000)
			l := &Listing{ID: fmt.Sprint("lst_test_", i), DebtorID: core, AmountFen: amount, MaxRateBps: 250 + rng.Int64N(500)}
			if rng.IntN(3) == 0 {
				l.FilledFen = rng.Int64N(amount)
			}
			if rng.IntN(3) == 0 {
				l.MinFillFen = rng.Int64N(amount + 1)
			}
			o, a, r := w.m.bestOffer(l, tm)
			so, sa, sr := w.m.bestOfferScan(l, tm)
			if o != so || a != sa || r != sr {
				t.Fatalf("seed %d listing %d (terms %+v, max %d bps): indexed %v %d fen at %d bps, scan %v %d fen at %d bps",
					seed, i, tm, l.MaxRateBps, offerID(o), a, r, offerID(so), sa, sr)
			}
			compared++
			if o != nil {
				found++
			}
		}
	}
	// The books must exercise both answers, or the test proves little.
	if found < compared/10 || found > compared*9/10 {
		t.Fatalf("%d of %d searches found an offer: the random books are too easy or too hard", found, compared)
	}
	t.Logf("%d searches, %d found an offer", compared, found)
}

func offerID(o *Offer) string {
	if o == nil {
		return "none"
	}
	return o.ID
}

// TestBookOrderUnderRemovals: a book's resting listings and live offers stay oldest
// first (seqList), and each band's price index holds the offers that can fill, by
// rate then age (pricedList), under random adds; removals (a cancel, a withdrawal, a
// credit note) that leave holes and squeeze them out; removals of what is no longer
// there; the pass that drops filled listings; and lines used up and given back.
// After every step the book reads exactly as plain slices appended to, searched and
// deleted from, and sorted, would. The books grow to hundreds (the price index to
// several chunks), then shrink.
func TestBookOrderUnderRemovals(t *testing.T) {
	const steps = 4000
	// Weights of the steps: add a listing, remove one, remove one no longer there,
	// drop filled ones, add an offer, move a line, cancel an offer.
	grow, shrink := []int{6, 1, 1, 1, 8, 3, 1}, []int{1, 6, 1, 1, 1, 3, 8}
	for seed := uint64(1); seed <= 4; seed++ {
		rng := rand.New(rand.NewPCG(seed, 0x0dde))
		var b book
		var listings, gone []*Listing
		var offers []*Offer
		var seqL, seqO uint64
		for step := 0; step < steps; step++ {
			weights := grow
			if step >= steps/2 {
				weights = shrink
			}
			switch weightedPick(rng, weights) {
			case 0:
				seqL++
				l := &Listing{ID: makeID(prefixListing, seqL), Seq: seqL, Status: ListingResting}
				b.addListing(l)
				listings = append(listings, l)
			case 1:
				if len(listings) == 0 {
					break
				}
				i := rng.IntN(len(listings))
				l := listings[i]
				l.Status = ListingCancelled
				b.removeListing(l)
				listings = slices.Delete(listings, i, i+1)
				gone = append(gone, l)
			case 2:
				if len(gone) > 0 {
					b.removeListing(gone[rng.IntN(len(gone))]) // no longer there: nothing changes
				}
			case 3:
				for _, l := range listings { // a new offer's fills
					if rng.IntN(40) == 0 {
						l.Status = ListingMatched
					}
				}
				b.dropFilled()
				listings = slices.DeleteFunc(listings, func(l *Listing) bool { return l.Status != ListingResting })
			case 4:
				seqO++
				o := &Offer{ID: makeID(prefixOffer, seqO), Seq: seqO, CoreID: "core", Status: OfferLive, LineFen: 100,
					Rates: Rates{A: 300 + rng.Int64N(20), B: rng.Int64N(3) * 200, C: 600}}
				if rng.IntN(3) == 0 {
					o.MinTicketFen = rng.Int64N(50)
				}
				b.addOffer(o)
				offers = append(offers, o)
			case 5:
				if len(offers) == 0 {
					break
				}
				o := offers[rng.IntN(len(offers))] // a fill, or a line given back
				could := o.canFill()
				o.ReservedFen = rng.Int64N(o.LineFen)
				if rng.IntN(3) == 0 {
					o.ReservedFen = o.LineFen
				}
				b.lineMoved(o, could)
			case 6:
				if len(offers) == 0 {
					break
				}
				i := rng.IntN(len(offers))
				offers[i].Status = OfferCancelled
				b.removeOffer(offers[i])
				b.removeOffer(offers[i]) // twice: nothing changes
				offers = slices.Delete(offers, i, i+1)
			}
			if err := sameBook(&b, listings, offers); err != nil {
				t.Fatalf("seed %d step %d: %v", seed, step, err)
			}
		}
	}
}

// weightedPick is an index of weights, drawn in proportion to them.
func weightedPick(rng *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := rng.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	panic("unreachable")
}

// sameBook says how b differs from the plain lists it should read as.
func sameBook(b *book, listings []*Listing, offers []*Offer) error {
	if err := b.resting.check(func(l *Listing) uint64 { return l.Seq }); err != nil {
		return err
	}
	if err := b.offers.check(func(o *Offer) uint64 { return o.Seq }); err != nil {
		return err
	}
	if got := slices.Collect(b.resting.all()); !slices.Equal(got, listings) || b.resting.len() != len(listings) {
		id := func(l *Listing) string { return l.ID }
		return fmt.Errorf("resting %s (%d), want %s", objectIDs(got, id), b.resting.len(), objectIDs(listings, id))
	}
	if got := slices.Collect(b.offers.all()); !slices.Equal(got, offers) || b.offers.len() != len(offers) {
		id := func(o *Offer) string { return o.ID }
		return fmt.Errorf("offers %s (%d), want %s", objectIDs(got, id), b.offers.len(), objectIDs(offers, id))
	}
	for k, band := range pricedBands {
		var want []pricedOffer
		for _, o := range offers {
			if rate, ok := o.bandQuote(band); ok && o.canFill() {
				want = append(want, pricedOffer{rate: rate, seq: o.Seq, o: o})
			}
		}
		slices.SortFunc(want, func(x, y pricedOffer) int { return cmp.Or(cmp.Compare(x.rate, y.rate), cmp.Compare(x.seq, y.seq)) })
		if got := slices.Collect(b.priced[k].all()); !slices.Equal(got, want) {
			return fmt.Errorf("band %s priced %s, want %s", band, pricedIDs(got), pricedIDs(want))
		}
	}
	return b.checkPriced("core")
}

func pricedIDs(list []pricedOffer) string {
	var out []string
	for _, e := range list {
		out = append(out, fmt.Sprintf("%s@%d", e.o.ID, e.rate))
	}
	return strings.Join(out, " ")
}

func objectIDs[T any](xs []*T, id func(*T) string) string {
	var out []string
	for _, x := range xs {
		out = append(out, id(x))
	}
	return strings.Join(out, " ")
}

// TestPricedHoldsOnlyLinesThatCanFill (docs/matching.md §1): a line used up — or left
// below its offer's minimum ticket — leaves its band's price index, so that a search
// walks only offers that can fill; the next listing still goes to the cheapest offer
// that can. A line given back (a fill cancelled or settled when the core pays) comes
// back into the index in its place, so the older of two offers at one rate wins again.
// The index survives a snapshot, and the invariant check catches a used-up line left
// in it.
func TestPricedHoldsOnlyLinesThatCanFill(t *testing.T) {
	w := newWorld(t)
	a, core := w.sme("", ""), w.core("AAA")
	const amount = 100_000_00
	offer := func(rate, line, minTicket int64) string {
		return w.offerWith(w.lender(), core, line, rate, func(p *PostOffer) { p.MinTicket = minTicket }).Offer.ID
	}
	ticket := offer(290, amount*3/2, amount*6/10) // half a receivable left is below its minimum
	older := offer(300, amount, 0)
	younger := offer(300, amount, 0)
	mid := offer(320, amount, 0)
	dear := offer(340, 10*amount, 0)
	pricedIn := func(m *Matcher, want ...string) {
		t.Helper()
		for k, band := range pricedBands {
			var got []string
			for e := range m.ix.book(core).priced[k].all() {
				got = append(got, e.o.ID)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("band %s indexes %v, want %v", band, got, want)
			}
		}
		if err := m.CheckInvariants(); err != nil {
			t.Fatalf("CheckInvariants() = %v", err)
		}
	}
	priced := func(want ...string) { t.Helper(); pricedIn(w.m, want...) }
	priced(ticket, older, younger, mid, dear)
	list := func(wantOffer string) *Match {
		t.Helper()
		r := w.list(w.financeable(a, core, amount, 90), 1000)
		if r.Match == nil || r.Match.OfferID != wantOffer {
			t.Fatalf("listing matched %+v, want offer %s", r.Match, wantOffer)
		}
		return r.Match
	}
	m1 := list(ticket)
	m2 := list(older)
	m3 := list(younger)
	list(mid)
	priced(dear) // every cheaper line used up: a search walks none of them
	list(dear)

	// Paid, the fills give their lines back, each into its place: the younger's
	// (funded, so settled) first, then the older's (unfunded, so cancelled) before it.
	w.must(w.fund(m3.ID))
	w.must(w.as(core, settleCmd(m3.ReceivableID)))
	priced(younger, dear)
	w.must(w.as(core, settleCmd(m2.ReceivableID)))
	priced(older, younger, dear)
	list(older) // the tie goes to the older offer, whichever came back first
	list(younger)
	w.must(w.as(core, settleCmd(m1.ReceivableID)))
	priced(ticket, dear)

	restored := w.restored()
	pricedIn(restored, ticket, dear)
	list(ticket)

	// A used-up line left in the index is a broken invariant.
	b := w.m.ix.book(core)
	b.price(w.m.s.Offers.get(mid))
	if err := w.m.CheckInvariants(); err == nil || !strings.Contains(err.Error(), "can fill") {
		t.Fatalf("CheckInvariants() = %v, want the used-up line %s found in the index", err, mid)
	}
	b.unprice(w.m.s.Offers.get(mid))
	w.checkInvariants()
}
