// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"fmt"
	"math/rand/v2"
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
			switch rng.IntN(5) {
			case 1:
				o.UsedFen = rng.Int64N(o.LineFen + 1)
			case 2:
				o.ReservedFen = o.LineFen // an exhausted line
			}
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
