// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"cmp"
	"math/big"
	"slices"
)

// Batch clearing (call auction) of one core's book: collect its resting listings
// and live offers and assign fills to offers so that the SMEs' total saving against
// their max_rate_bps is as large as it can be, under each line's available amount,
// eligibility, ticket sizes and minimum fills (docs/matching.md §4).
//
// The relaxation without minimum fills and tickets is a transportation LP, solved
// exactly as a min-cost flow on integer capacities (flow.go): its value bounds every
// assignment. The LP's fills that break a minimum are dropped and what they freed is
// refilled greedily, cheapest first; the report gives the bound and the gap. When
// nothing had to be dropped the auction is exact.

// Book modes: a book in auction mode matches nothing on arrival; its listings and
// offers rest until the next ClearAuction.
const (
	BookContinuous = "continuous"
	BookAuction    = "auction"
)

// Limits of an auction (a limit on everything): the LP's pairs, and its augmenting
// paths, bound one auction's work; a bigger book is cleared by the greedy pass alone.
const (
	maxAuctionPairs    = 1 << 20
	maxAuctionAugments = 1 << 16
	maxDiveRounds      = 8
	// volumeTieBreak weighs a financed fen-day against a saving of 1/1024 bps on it:
	// a listing whose best quote is exactly its maximum still gets financed, and no
	// saving is ever given up for volume (weights are saving × 1024 + days).
	volumeTieBreak = 1024
)

// AuctionReport is what one auction did.
type AuctionReport struct {
	CoreID      string `json:"core_id"`
	Listings    int    `json:"listings"`
	Offers      int    `json:"offers"`
	Fills       int    `json:"fills"`
	VolumeFen   int64  `json:"volume"`
	DiscountFen int64  `json:"discount"`
	// SavingFen is the SMEs' saving against their maximum rates on the fills made.
	// The auction maximises that saving plus 1/1024 bps on every financed fen-day (a
	// tie-break toward volume, worth about a fen on a whole book); BoundFen is the LP
	// relaxation's optimum of that objective in fen (rounded up), -1 when the book was
	// too big to solve it; GapPpm how far below the bound the fills made are, in
	// millionths of it.
	SavingFen int64 `json:"saving"`
	BoundFen  int64 `json:"bound"`
	GapPpm    int64 `json:"gap_ppm"`
	Exact     bool  `json:"exact"`
}

// BookMode is core's book mode.
func (m *Matcher) BookMode(core string) string {
	if m.s.BookModes[core] == BookAuction {
		return BookAuction
	}
	return BookContinuous
}

func (m *Matcher) setBookMode(actor string, c *SetBookMode) (Result, *Error) {
	if err := requireOperator(actor); err != nil {
		return Result{}, err
	}
	if p := m.s.Participants.get(c.CoreID); p == nil || p.Role != RoleCore {
		return Result{}, fieldErr("core_id", "must be a core enterprise")
	}
	switch c.Mode {
	case BookAuction:
		m.s.BookModes[c.CoreID] = BookAuction
	case BookContinuous:
		delete(m.s.BookModes, c.CoreID)
	default:
		return Result{}, fieldErr("mode", "must be continuous or auction")
	}
	return Result{}, nil
}

func (m *Matcher) clearAuction(actor string, c *ClearAuction) (Result, *Error) {
	if actor != ActorOperator && actor != ActorSystem {
		return Result{}, forbidden("only the operator or the node's schedule runs an auction")
	}
	var cores []string
	if c.CoreID != "" {
		if p := m.s.Participants.get(c.CoreID); p == nil || p.Role != RoleCore {
			return Result{}, fieldErr("core_id", "must be a core enterprise")
		}
		cores = []string{c.CoreID}
	} else {
		for core := range m.s.BookModes {
			cores = append(cores, core)
		}
		slices.SortFunc(cores, func(a, b string) int { // by number: par_9 before par_10
			return cmp.Compare(idNumber(prefixParticipant, a), idNumber(prefixParticipant, b))
		})
	}
	var res Result
	for _, core := range cores {
		b := m.ix.books[core]
		if b == nil {
			b = &book{}
		}
		rep, fills := m.runAuction(core, b)
		res.Matches = append(res.Matches, fills...)
		res.Auctions = append(res.Auctions, rep)
	}
	return res, nil
}

// auctionPair is a listing and an offer that may trade, with the offer's quote.
type auctionPair struct {
	li, oi   int
	rate     int64
	capacity int64 // the most this pair could fill
	minFen   int64 // the offer's minimum ticket
}

type auctionListing struct {
	l     *Listing
	r     *Receivable
	days  int
	t     terms
	pairs []auctionPair // cheapest quote first, then older offer
}

// runAuction plans and makes the fills of one book.
func (m *Matcher) runAuction(core string, b *book) (AuctionReport, []Match) {
	rep := AuctionReport{CoreID: core, Listings: b.resting.len(), BoundFen: -1}
	offers := make([]*Offer, 0, b.offers.len())
	for o := range b.offers.all() {
		if o.Available() > 0 && !m.s.Participants.get(o.LenderID).Suspended {
			offers = append(offers, o)
		}
	}
	rep.Offers = len(offers)
	ls := m.auctionListings(slices.Collect(b.resting.all()), offers)
	avail := make([]int64, len(offers))
	for j, o := range offers {
		avail[j] = o.Available()
	}
	pairs := 0
	for _, al := range ls {
		pairs += len(al.pairs)
	}
	// Candidate plans, the best of which is made: the LP's fills that respect the
	// minimums and the dive's, each completed greedily, and the greedy alone.
	var plans [][][]int64
	exact := pairs == 0 // nothing may trade: nothing is the best
	if pairs == 0 {
		rep.BoundFen = 0
	}
	if pairs > 0 && pairs <= maxAuctionPairs {
		lp, dive, bound, feasible := solveAuctionLP(ls, offers)
		rep.BoundFen = bound
		for i, flows := range [][][]int64{lp, dive} {
			plan, left := make([][]int64, len(ls)), slices.Clone(avail)
			kept := keepFeasible(ls, flows, plan, left)
			refill := greedyFill(ls, plan, left)
			if i == 0 {
				exact = feasible && kept && !refill
			}
			plans = append(plans, plan)
		}
	}
	if !exact {
		plan := make([][]int64, len(ls))
		greedyFill(ls, plan, slices.Clone(avail))
		plans = append(plans, plan)
	}
	plan := make([][]int64, len(ls))
	if len(plans) > 0 {
		plan = plans[0]
	}
	for _, p := range plans {
		if planValue(ls, p).Cmp(planValue(ls, plan)) > 0 {
			plan = p
		}
	}
	rep.Exact = exact
	var out []Match
	for i, al := range ls {
		for k, amount := range plan[i] {
			if amount == 0 {
				continue
			}
			p := al.pairs[k]
			mt := m.makeMatch(al.l, offers[p.oi], p.rate, al.r, amount, al.t)
			out = append(out, *mt)
			rep.Fills++
			rep.VolumeFen += amount
			rep.DiscountFen += mt.DiscountFen
			rep.SavingFen += Discount(amount, al.l.MaxRateBps-p.rate, al.days)
		}
	}
	b.dropFilled()
	if rep.BoundFen > 0 {
		reached := objectiveFen(planValue(ls, plan), false)
		rep.GapPpm = max(0, (rep.BoundFen-reached)*1_000_000/rep.BoundFen)
	}
	return rep, out
}

// auctionListings are the book's listings with the offers that may fill each.
func (m *Matcher) auctionListings(resting []*Listing, offers []*Offer) []auctionListing {
	today := m.Today()
	out := make([]auctionListing, 0, len(resting))
	for li, l := range resting {
		r := m.s.Receivables.get(l.ReceivableID)
		t := m.termsOf(r)
		al := auctionListing{l: l, r: r, days: int(r.DueDate - today), t: t}
		for oi, o := range offers {
			rate, ok := quote(o, t)
			if !ok || rate > l.MaxRateBps {
				continue
			}
			c := min(l.RestingFen(), o.Available())
			if o.MaxTicketFen > 0 {
				c = min(c, o.MaxTicketFen)
			}
			// A pair that cannot take the listing's minimum fill (or the offer's
			// minimum ticket) can never trade: leaving it out of the LP keeps the
			// bound from counting fills no plan may make.
			if c <= 0 || c < l.minFill() || o.MinTicketFen > 0 && c < o.MinTicketFen {
				continue
			}
			al.pairs = append(al.pairs, auctionPair{li: li, oi: oi, rate: rate, capacity: c, minFen: o.MinTicketFen})
		}
		slices.SortStableFunc(al.pairs, func(a, b auctionPair) int { return cmp.Compare(a.rate, b.rate) })
		out = append(out, al)
	}
	return out
}

// solveAuctionLP solves the relaxation and returns its flows, its saving rounded up
// (the bound) and whether its fills already respect every minimum. Then it dives for fills that respect the minimums: a pair whose fill breaks
// its listing's minimum fill or its offer's minimum ticket is forbidden and the LP
// solved again from where it was, for at most maxDiveRounds rounds; the flows
// returned are the last round's. A listing's largest breaking fill is spared once, so
// that a listing split across two offers can settle on one.
func solveAuctionLP(ls []auctionListing, offers []*Offer) (lp, dive [][]int64, bound int64, feasible bool) {
	capO := make([]int64, len(offers))
	for j, o := range offers {
		capO[j] = o.Available()
	}
	rest := make([]int64, len(ls))
	arcs := make([][]transportArc, len(ls))
	for i, al := range ls {
		rest[i] = al.l.RestingFen()
		arcs[i] = make([]transportArc, len(al.pairs))
		for k, p := range al.pairs {
			w := (al.l.MaxRateBps-p.rate)*int64(al.days)*volumeTieBreak + int64(al.days)
			arcs[i][k] = transportArc{offer: p.oi, capacity: p.capacity, cost: -w}
		}
	}
	tr := newTransport(len(offers), capO, rest, arcs)
	tr.solve(maxAuctionAugments)
	lp = flowsOf(arcs)
	bound = objectiveFen(planValue(ls, lp), true)
	feasible = true
	for i, al := range ls {
		if len(breakingFills(al, arcs[i])) > 0 {
			feasible = false
		}
	}
	spared := map[[2]int]bool{}
	for round := 0; round < maxDiveRounds; round++ {
		broken := 0
		for i, al := range ls {
			bad := breakingFills(al, arcs[i])
			largest := -1
			for _, k := range bad {
				if !spared[[2]int{i, k}] && (largest < 0 || arcs[i][k].flow > arcs[i][largest].flow) {
					largest = k
				}
			}
			for _, k := range bad {
				if k == largest {
					spared[[2]int{i, k}] = true
					continue
				}
				tr.forbid(i, k)
				broken++
			}
			if largest >= 0 {
				broken++
			}
		}
		if broken == 0 {
			break
		}
		tr.optimize(maxAuctionAugments)
	}
	return lp, flowsOf(arcs), bound, feasible
}

func flowsOf(arcs [][]transportArc) [][]int64 {
	flows := make([][]int64, len(arcs))
	for i := range arcs {
		flows[i] = make([]int64, len(arcs[i]))
		for k := range arcs[i] {
			flows[i][k] = arcs[i][k].flow
		}
	}
	return flows
}

// planValue is the auction's objective of a plan: Σ fill × (saving per fen × 1024 +
// days), exactly (it can pass 2^63).
func planValue(ls []auctionListing, plan [][]int64) *big.Int {
	v, term := new(big.Int), new(big.Int)
	for i, al := range ls {
		for k, f := range plan[i] {
			if f > 0 {
				w := (al.l.MaxRateBps-al.pairs[k].rate)*int64(al.days)*volumeTieBreak + int64(al.days)
				v.Add(v, term.Mul(big.NewInt(f), big.NewInt(w)))
			}
		}
	}
	return v
}

// breakingFills are the pairs of al whose fills break a minimum, taking its fills
// cheapest first as keepFeasible does.
func breakingFills(al auctionListing, arcs []transportArc) []int {
	var bad []int
	rest := al.l.RestingFen()
	for k, p := range al.pairs {
		f := arcs[k].flow
		if f == 0 {
			continue
		}
		need := al.l.minFillOf(rest)
		if f < need || f < p.minFen {
			bad = append(bad, k)
			continue
		}
		rest -= f
	}
	return bad
}

// objectiveFen converts the auction's objective to fen of saving: value ÷ (1024 ×
// 10000 × 365), rounded up for a bound, down for what was reached.
func objectiveFen(value *big.Int, up bool) int64 {
	d := big.NewInt(volumeTieBreak * daysPerYearBps)
	q, r := new(big.Int).QuoRem(value, d, new(big.Int))
	if up && r.Sign() > 0 {
		q.Add(q, big.NewInt(1))
	}
	if !q.IsInt64() {
		return 1 << 62
	}
	return q.Int64()
}

// keepFeasible copies into plan the LP fills that respect every listing's minimum
// fill and every offer's minimum ticket, cheapest first, and takes what they use
// from avail. It reports whether every LP fill was kept.
func keepFeasible(ls []auctionListing, flows, plan [][]int64, avail []int64) bool {
	all := true
	for i, al := range ls {
		plan[i] = make([]int64, len(al.pairs))
		rest := al.l.RestingFen()
		for k, p := range al.pairs {
			f := flows[i][k]
			if f == 0 {
				continue
			}
			need := al.l.minFillOf(rest)
			o := p.oi
			if f < need || f < p.minFen || f > avail[o] {
				all = false
				continue
			}
			plan[i][k], rest, avail[o] = f, rest-f, avail[o]-f
		}
	}
	return all
}

// greedyFill fills what the plan left resting, listing by listing in book order,
// each from the cheapest offer that can take its minimum fill, as continuous
// matching would. It reports whether it added a fill.
func greedyFill(ls []auctionListing, plan [][]int64, avail []int64) bool {
	added := false
	for i, al := range ls {
		if plan[i] == nil {
			plan[i] = make([]int64, len(al.pairs))
		}
		rest := al.l.RestingFen()
		for _, f := range plan[i] {
			rest -= f
		}
		for rest > 0 {
			need := al.l.minFillOf(rest)
			best := -1
			var amount int64
			for k, p := range al.pairs {
				if plan[i][k] > 0 {
					continue // one fill per pair
				}
				a := min(rest, avail[p.oi], p.capacity)
				if a >= need && a >= p.minFen && a > 0 {
					best, amount = k, a
					break // pairs are cheapest first
				}
			}
			if best < 0 {
				break
			}
			plan[i][best] = amount
			rest -= amount
			avail[al.pairs[best].oi] -= amount
			added = true
		}
	}
	return added
}
