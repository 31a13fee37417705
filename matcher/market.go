// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"fmt"
	"math/bits"
	"slices"

	"github.com/scfx/scfx/merkle"
)

// Limits of the market (TigerBeetle: a limit on everything).
const (
	maxRateBps        = 10_000 // 100% a year: anything above is a typo, not a price
	maxClusterFilters = 100
	maxLiveOffersBook = 10_000 // per core: a new offer scans the book's resting listings
	daysPerYearBps    = 10_000 * 365
)

// Discount is amount × rate_bps × days / (10000 × 365), rounded down to the fen
// (docs/matching.md). The product can pass 2^63, so it is computed in 128 bits.
func Discount(amountFen, rateBps int64, days int) int64 {
	if amountFen <= 0 || rateBps <= 0 || days <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(amountFen), uint64(rateBps)*uint64(days))
	q, _ := bits.Div64(hi, lo, daysPerYearBps)
	return int64(q)
}

// terms are what eligibility reads of a listing, as of now.
type terms struct {
	score     int
	band      string
	tenorDays int
	clusterID string // the holder's valid cluster, "" if none
	certRank  int    // the holder's valid certification
}

func (m *Matcher) termsOf(r *Receivable) terms {
	in := m.inputs(r)
	t := terms{score: in.total(), tenorDays: in.tenorDays}
	t.band = Band(t.score)
	t.certRank, _ = certRank(in.cert)
	if in.clusterLevel != "" {
		t.clusterID = m.s.Participants.get(r.HolderID).ClusterID
	}
	return t
}

// fill is what o would take of l and at what rate, or false when o may not serve
// it: o's quote for l's terms (docs/matching.md eligibility), on as much of the rest as
// o's line and maximum ticket allow, if that is at least l's minimum fill and o's
// minimum ticket (docs/matching.md).
func fill(o *Offer, l *Listing, t terms) (amount, rate int64, ok bool) {
	rate, ok = quote(o, t)
	if !ok {
		return 0, 0, false
	}
	if amount, ok = fillAmount(o, l); !ok {
		return 0, 0, false
	}
	return amount, rate, true
}

// fillAmount is what o would take of l if it may serve it at all, and whether that
// is a fill both accept: it depends on amounts only, so a walk of the book checks it
// before it scores the listing.
func fillAmount(o *Offer, l *Listing) (int64, bool) {
	amount := min(l.RestingFen(), o.Available())
	if o.MaxTicketFen > 0 {
		amount = min(amount, o.MaxTicketFen)
	}
	if amount < l.minFill() || amount <= 0 || o.MinTicketFen > 0 && amount < o.MinTicketFen {
		return 0, false
	}
	return amount, true
}

// quote is o's rate for a listing with terms t, or false when o may not serve it
// whatever the amount (docs/matching.md eligibility).
func quote(o *Offer, t terms) (int64, bool) {
	var rate int64
	var ok bool
	if o.Curve != nil {
		rate, ok = o.Curve.Quote(t.score), t.band != "D"
	} else {
		rate, ok = o.Rates.Quote(t.band)
	}
	switch {
	// A resting listing can outlive its due date (Tick takes it off only after the
	// grace period): a claim at or past maturity has no tenor to finance, and fund
	// would refuse the match, leaving the line reserved for nothing.
	case !ok, t.score < o.MinScore, t.tenorDays > o.MaxTenorDays, t.tenorDays < 1:
		return 0, false
	}
	if len(o.ClusterIDs) > 0 {
		if _, found := slices.BinarySearch(o.ClusterIDs, t.clusterID); !found || t.clusterID == "" {
			return 0, false
		}
	}
	if min, _ := certRank(o.MinCertification); t.certRank < min {
		return 0, false
	}
	return rate, true
}

func (m *Matcher) list(actor string, c *List) (Result, *Error) {
	holder, err := m.actor(actor, RoleSME)
	if err != nil {
		return Result{}, err
	}
	r, err := m.visibleReceivable(actor, c.ReceivableID)
	if err != nil {
		return Result{}, err
	}
	if r.HolderID != holder.ID {
		return Result{}, forbidden("only the holder lists a receivable")
	}
	if c.MaxRateBps <= 0 || c.MaxRateBps > maxRateBps {
		return Result{}, fieldErr("max_rate_bps", "must be between 1 and %d", maxRateBps)
	}
	if r.Status != StatusFinanceable {
		return Result{}, invalidState("receivable %s is %s, not financeable", r.ID, r.Status)
	}
	if r.HolderPaidFen > 0 {
		return Result{}, invalidState("receivable %s is being paid by the core", r.ID)
	}
	if c.MinFillFen < 0 || c.MinFillFen > r.RemainingFen {
		return Result{}, fieldErr("min_fill_fen", "must be between 1 and the amount listed (%d)", r.RemainingFen)
	}
	t := m.termsOf(r)
	if t.tenorDays < m.cfg.MinListTenorDays {
		return Result{}, invalidState("receivable %s has %d days to run, a listing needs %d", r.ID, t.tenorDays, m.cfg.MinListTenorDays)
	}
	m.s.Counters.Listing++
	l := m.alloc.listings.new()
	*l = Listing{
		ID: m.alloc.ids.id(prefixListing, m.s.Counters.Listing), Seq: m.s.Counters.Listing,
		ReceivableID: r.ID, HolderID: r.HolderID, DebtorID: r.DebtorID, AmountFen: r.RemainingFen,
		MaxRateBps: c.MaxRateBps, Score: t.score, Band: t.band, TenorDays: t.tenorDays, Tier: r.Tier,
		Status: ListingResting, CreatedMs: m.nowMs, MinFillFen: c.MinFillFen,
	}
	m.s.Listings.put(l.ID, l)
	r.Status, r.ListingID = StatusListed, l.ID
	m.emitListing(l, true)
	m.emitReceivable(r, false)
	res := Result{}
	// Cheapest first: each fill takes what its offer can, until nothing rests or no
	// offer can take the minimum fill of what rests.
	for l.RestingFen() > 0 && m.BookMode(r.DebtorID) == BookContinuous {
		o, amount, rate := m.bestOffer(l, t)
		if verifyBestOffer {
			if so, sa, sr := m.bestOfferScan(l, t); so != o || sa != amount || sr != rate {
				panic(fmt.Sprintf("matcher: listing %s: indexed book chose %v, the scan %v", l.ID, o, so))
			}
		}
		if o == nil {
			break
		}
		res.Matches = append(res.Matches, *m.makeMatch(l, o, rate, r, amount, t))
	}
	if l.RestingFen() > 0 {
		m.ix.book(r.DebtorID).addListing(l)
	}
	res.Listing = l
	if len(res.Matches) > 0 {
		// The first fill, as res.Matches already holds it: no fill changes an earlier
		// one, and detach leaves a Match that points into Matches as it is.
		res.Match = &res.Matches[0]
	}
	return res, nil
}

// bestOffer is the lowest eligible quote at or below the listing's maximum that can
// take the listing's minimum fill, with the amount it takes; ties go to the older
// offer. It walks the band's offers by the best rate each can quote (book.priced), then
// age, and stops at the first whose best rate is above the listing's maximum, or above
// the best quote found (or equal to it, from a younger offer): no offer further on can
// do better. The index leaves out the offers whose line can fill nothing
// (Offer.canFill): the walk would only pass them, and since the stop depends on an
// offer's place, not on its line, it stops where it would have. bestOfferScan is the
// same rule over every offer.
func (m *Matcher) bestOffer(l *Listing, t terms) (best *Offer, amount, rate int64) {
	k := bandIndex(t.band)
	if k < 0 {
		return nil, 0, 0 // band D: no offer quotes it
	}
	for e := range m.ix.book(l.DebtorID).priced[k].all() {
		// Past the best found: an offer further on quotes more, or the same and is younger.
		if e.rate > l.MaxRateBps || best != nil && comparePriced(e, rate, best.Seq) > 0 {
			break
		}
		o := e.o
		a, q, ok := fill(o, l, t)
		if !ok || q > l.MaxRateBps || best != nil && (q > rate || q == rate && o.Seq > best.Seq) {
			continue
		}
		if m.s.Participants.get(o.LenderID).Suspended {
			continue // a suspended lender's line stays as it is until it is reactivated
		}
		best, amount, rate = o, a, q
	}
	return best, amount, rate
}

// verifyBestOffer makes list check every bestOffer against bestOfferScan (tests: the
// simulation and the rule tests run with it on).
var verifyBestOffer bool

// bestOfferScan is bestOffer by a scan of every live offer of the book, oldest first:
// the rule as docs/matching.md states it, which the differential test holds bestOffer to.
func (m *Matcher) bestOfferScan(l *Listing, t terms) (best *Offer, amount, rate int64) {
	for o := range m.ix.book(l.DebtorID).offers.all() {
		a, q, ok := fill(o, l, t)
		if !ok || q > l.MaxRateBps || best != nil && q >= rate {
			continue
		}
		if m.s.Participants.get(o.LenderID).Suspended {
			continue // a suspended lender's line stays as it is until it is reactivated
		}
		best, amount, rate = o, a, q
	}
	return best, amount, rate
}

// makeMatch fills amount of l from o at rate: the line reserves the amount. The
// listing is matched, and its receivable with it, once nothing of it rests.
func (m *Matcher) makeMatch(l *Listing, o *Offer, rate int64, r *Receivable, amount int64, t terms) *Match {
	if amount <= 0 || amount > l.RestingFen() {
		panic("matcher: fill of " + l.ID + " outside what rests")
	}
	m.s.Counters.Match++
	days := int(r.DueDate - m.Today())
	discount := Discount(amount, rate, days)
	mt := m.alloc.matches.new()
	*mt = Match{
		ID: m.alloc.ids.id(prefixMatch, m.s.Counters.Match), ListingID: l.ID, ReceivableID: r.ID, OfferID: o.ID,
		LenderID: o.LenderID, HolderID: l.HolderID, DebtorID: l.DebtorID, AmountFen: amount,
		RateBps: rate, QuoteReason: quoteReason(o, t, rate), Days: days, DiscountFen: discount, AdvanceFen: amount - discount,
		Status: MatchMatched, CreatedMs: m.nowMs,
		LateRateBps: o.LateRateBps, Recourse: o.Recourse, LateFrom: r.DueDate + Date(m.cfg.OverdueGraceDays),
	}
	m.s.Matches.put(mt.ID, mt)
	m.emitMatch(mt, true)
	m.moveLine(o, mt.AmountFen, 0)
	m.s.Offers.mark(o.ID) // o and l may come from the book, not from get
	m.s.Listings.mark(l.ID)
	l.FilledFen += amount
	l.MatchIDs = m.alloc.appendStr(l.MatchIDs, mt.ID)
	r.MatchIDs = m.alloc.appendStr(r.MatchIDs, mt.ID)
	if l.MatchID == "" {
		l.MatchID, r.MatchID = mt.ID, mt.ID
	}
	if l.RestingFen() == 0 {
		l.Status, r.Status = ListingMatched, StatusMatched
		m.emitListing(l, false)
		m.emitReceivable(r, false)
	}
	if !slices.Contains(r.Lenders, o.LenderID) {
		r.Lenders = m.alloc.appendStr(r.Lenders, o.LenderID)
		m.ix.addParty(o.LenderID, r)
	}
	m.ix.addMatch(mt)
	return mt
}

// moveLine adds reservedFen and usedFen (either may be negative) to o's line: every
// change to a line's amounts goes through here, so that the book's price index keeps
// exactly the live offers that can still fill (book.lineMoved).
func (m *Matcher) moveLine(o *Offer, reservedFen, usedFen int64) {
	could := o.canFill()
	o.ReservedFen += reservedFen
	o.UsedFen += usedFen
	assertLine(o)
	if o.Status == OfferLive {
		m.ix.book(o.CoreID).lineMoved(o, could)
	}
}

// assertLine is the line invariant of docs/matching.md §5; breaking it is a bug.
func assertLine(o *Offer) {
	if o.UsedFen < 0 || o.ReservedFen < 0 || o.UsedFen+o.ReservedFen > o.LineFen {
		panic("matcher: line invariant broken on offer " + o.ID)
	}
}

func (m *Matcher) cancelListing(actor string, c *CancelListing) (Result, *Error) {
	holder, err := m.actor(actor, RoleSME)
	if err != nil {
		return Result{}, err
	}
	l := m.s.Listings.get(c.ListingID)
	if l == nil || l.HolderID != holder.ID {
		return Result{}, notFound("listing", c.ListingID)
	}
	if l.Status != ListingResting {
		return Result{}, invalidState("listing %s is %s, not resting", l.ID, l.Status)
	}
	r := m.s.Receivables.get(l.ReceivableID)
	l.Status = ListingCancelled
	m.ix.book(l.DebtorID).removeListing(l)
	if l.FilledFen == 0 {
		r.Status, r.ListingID = StatusFinanceable, ""
	} else {
		// What was filled stays financed; the rest is withdrawn and stays with the
		// holder, unfinanced (docs/matching.md).
		r.Status = m.filledStatus(r)
	}
	m.emitListing(l, false)
	m.emitReceivable(r, false)
	return Result{Listing: l, Receivable: r}, nil
}

func (m *Matcher) postOffer(actor string, c *PostOffer) (Result, *Error) {
	lender, err := m.actor(actor, RoleLender)
	if err != nil {
		return Result{}, err
	}
	o, err := m.checkOffer(c)
	if err != nil {
		return Result{}, err
	}
	b := m.ix.book(o.CoreID)
	if b.offers.len() >= maxLiveOffersBook {
		return Result{}, invalidState("core %s already has %d live offers", o.CoreID, maxLiveOffersBook)
	}
	m.s.Counters.Offer++
	o.ID, o.Seq, o.LenderID, o.Status, o.CreatedMs = makeID(prefixOffer, m.s.Counters.Offer), m.s.Counters.Offer, lender.ID, OfferLive, m.nowMs
	m.s.Offers.put(o.ID, o)
	m.emitOffer(o, true)
	b.addOffer(o)
	m.ix.addOffer(o)
	var matches []Match
	if m.BookMode(o.CoreID) == BookContinuous {
		matches = m.serveResting(o, nil)
	}
	return Result{Offer: o, Matches: matches}, nil
}

// serveResting lets an offer take resting listings, oldest first, while its line
// lasts: a new offer, one whose line a settlement gave back, or every live offer of
// a book whose listings a participant change re-scored. Those it fills whole leave
// the book in one pass at the end.
//
// seen, if not nil, keeps the listings' terms from one walk to the next, for a command
// that lets several offers walk the same book (a re-score, a release of lines): each
// listing is scored once, not once an offer.
func (m *Matcher) serveResting(o *Offer, seen *restingTerms) []Match {
	var out []Match
	b := m.ix.book(o.CoreID)
	seen.walk(b)
	i := -1
	for l := range b.resting.all() {
		i++
		if o.Available() <= 0 {
			break
		}
		if _, ok := fillAmount(o, l); !ok {
			continue // what is left of the line is not a fill it accepts: no need to score
		}
		t, scored := seen.at(i, l)
		var r *Receivable
		if !scored {
			r = m.s.Receivables.get(l.ReceivableID)
			t = m.termsOf(r)
			seen.keep(i, l, t)
		}
		if amount, rate, ok := fill(o, l, t); ok && rate <= l.MaxRateBps {
			if r == nil {
				r = m.s.Receivables.get(l.ReceivableID)
			}
			out = append(out, *m.makeMatch(l, o, rate, r, amount, t))
			seen.forget()
		}
	}
	b.dropFilled()
	return out
}

// restingTerms keeps the terms of one book's resting listings by their place in the
// walk. Terms depend on the state and the entry's time, which a walk changes only by
// a fill: so a fill empties it. A slot also holds its listing and is used only for
// that listing, so a place that holds another listing (the book's listings stay in
// their places until one fills, but nothing rests on that) is scored afresh.
// A nil *restingTerms keeps nothing.
type restingTerms struct {
	b     *book
	slots []termsSlot
}

type termsSlot struct {
	l *Listing
	t terms
}

// walk starts a walk of b: terms kept from another book are dropped.
func (c *restingTerms) walk(b *book) {
	if c != nil && c.b != b {
		c.b = b
		c.forget()
	}
}

func (c *restingTerms) at(i int, l *Listing) (terms, bool) {
	if c == nil || i >= len(c.slots) || c.slots[i].l != l {
		return terms{}, false
	}
	return c.slots[i].t, true
}

func (c *restingTerms) keep(i int, l *Listing, t terms) {
	if c == nil {
		return
	}
	for len(c.slots) <= i {
		c.slots = append(c.slots, termsSlot{})
	}
	c.slots[i] = termsSlot{l, t}
}

func (c *restingTerms) forget() {
	if c != nil {
		clear(c.slots)
		c.slots = c.slots[:0]
	}
}

func (m *Matcher) checkOffer(c *PostOffer) (*Offer, *Error) {
	core := m.s.Participants.get(c.CoreID)
	if core == nil || core.Role != RoleCore {
		return nil, fieldErr("core_id", "must be a core enterprise")
	}
	if err := checkAmount("line_amount", c.LineAmount); err != nil {
		return nil, err
	}
	if c.RateCurve != nil {
		if err := checkCurve(c.RatesBps, c.RateCurve); err != nil {
			return nil, err
		}
	} else if err := checkRates(c.RatesBps); err != nil {
		return nil, err
	}
	switch {
	case c.MinScore < 0 || c.MinScore > maxScore:
		return nil, fieldErr("min_score", "must be between 0 and %d", maxScore)
	case c.MaxTenorDays < 1 || c.MaxTenorDays > m.cfg.MaxTermDays:
		return nil, fieldErr("max_tenor_days", "must be between 1 and %d", m.cfg.MaxTermDays)
	case c.MinTicket < 0 || c.MinTicket > c.LineAmount:
		return nil, fieldErr("min_ticket", "must be between 0 and the line amount")
	case c.MaxTicket < 0 || c.MaxTicket > c.LineAmount:
		return nil, fieldErr("max_ticket", "must be between 0 and the line amount")
	case c.MaxTicket > 0 && c.MinTicket > c.MaxTicket:
		return nil, fieldErr("min_ticket", "must not exceed max_ticket")
	case c.LateRateBps < 0 || c.LateRateBps > maxRateBps:
		return nil, fieldErr("late_rate_bps", "must be between 0 and %d", maxRateBps)
	case len(c.ClusterIDs) > maxClusterFilters:
		return nil, fieldErr("cluster_ids", "at most %d clusters", maxClusterFilters)
	}
	clusters := slices.Clone(c.ClusterIDs)
	slices.Sort(clusters)
	for i, id := range clusters {
		if m.s.Clusters.get(id) == nil {
			return nil, fieldErr("cluster_ids", "no such cluster %q", id)
		}
		if i > 0 && clusters[i-1] == id {
			return nil, fieldErr("cluster_ids", "cluster %q twice", id)
		}
	}
	minCert := CertNone
	if c.MinCertification != "" {
		if _, ok := certRank(Certification(c.MinCertification)); !ok {
			return nil, fieldErr("min_certification", "must be none, innovative, specialized or little_giant")
		}
		minCert = Certification(c.MinCertification)
	}
	if clusters == nil {
		clusters = []string{}
	}
	return &Offer{
		CoreID: core.ID, LineFen: c.LineAmount, Rates: c.RatesBps, Curve: cloneCurve(c.RateCurve), MinScore: c.MinScore,
		MaxTenorDays: c.MaxTenorDays, MinTicketFen: c.MinTicket, MaxTicketFen: c.MaxTicket,
		ClusterIDs: clusters, MinCertification: minCert, LateRateBps: c.LateRateBps, Recourse: c.Recourse,
	}, nil
}

func checkCurve(r Rates, c *RateCurve) *Error {
	switch {
	case r != Rates{}:
		return fieldErr("rates_bps", "an offer prices by rates_bps or by rate_curve, not both")
	case c.BaseBps < 1 || c.BaseBps > maxRateBps:
		return fieldErr("rate_curve.base_bps", "must be between 1 and %d", maxRateBps)
	case c.BpsPer100Points < 0 || c.BpsPer100Points > maxRateBps:
		return fieldErr("rate_curve.bps_per_100_points", "must be between 0 and %d", maxRateBps)
	case c.MaxBps < c.BaseBps || c.MaxBps > maxRateBps:
		return fieldErr("rate_curve.max_bps", "must be between base_bps and %d", maxRateBps)
	}
	return nil
}

func cloneCurve(c *RateCurve) *RateCurve {
	if c == nil {
		return nil
	}
	cp := *c
	return &cp
}

func checkRates(r Rates) *Error {
	if r.A <= 0 || r.A > maxRateBps {
		return fieldErr("rates_bps.A", "is required, between 1 and %d", maxRateBps)
	}
	if r.B < 0 || r.B > maxRateBps {
		return fieldErr("rates_bps.B", "must be between 1 and %d", maxRateBps)
	}
	if r.C < 0 || r.C > maxRateBps {
		return fieldErr("rates_bps.C", "must be between 1 and %d", maxRateBps)
	}
	return nil
}

func (m *Matcher) cancelOffer(actor string, c *CancelOffer) (Result, *Error) {
	lender, err := m.actor(actor, RoleLender)
	if err != nil {
		return Result{}, err
	}
	o := m.s.Offers.get(c.OfferID)
	if o == nil || o.LenderID != lender.ID {
		return Result{}, notFound("offer", c.OfferID)
	}
	if o.Status != OfferLive {
		return Result{}, invalidState("offer %s is %s, not live", o.ID, o.Status)
	}
	o.Status = OfferCancelled
	m.emitOffer(o, false)
	m.ix.book(o.CoreID).removeOffer(o)
	return Result{Offer: o}, nil
}

func checkReference(ref string) *Error {
	return checkText("reference", ref, maxReferenceLen)
}

func (m *Matcher) fund(actor string, c *Fund) (Result, *Error) {
	lender, err := m.actor(actor, RoleLender)
	if err != nil {
		return Result{}, err
	}
	mt := m.s.Matches.get(c.MatchID)
	if mt == nil || mt.LenderID != lender.ID {
		return Result{}, notFound("match", c.MatchID)
	}
	if err := checkReference(c.Reference); err != nil {
		return Result{}, err
	}
	r := m.s.Receivables.get(mt.ReceivableID)
	if mt.Status != MatchMatched {
		return Result{}, invalidState("match %s is %s, not matched", mt.ID, mt.Status)
	}
	if r.DueDate <= m.Today() {
		return Result{}, invalidState("receivable %s is past its due date", r.ID)
	}
	m.moveLine(m.s.Offers.get(mt.OfferID), -mt.AmountFen, mt.AmountFen)
	mt.Status, mt.Reference, mt.FundedMs = MatchFunded, c.Reference, m.nowMs
	r.AssigneeID = lender.ID
	m.emitMatch(mt, false)
	if l := m.s.Listings.get(mt.ListingID); l.Status != ListingResting {
		if st := m.filledStatus(r); st != r.Status {
			r.Status = st
			m.emitReceivable(r, false)
		}
	}
	m.pushLeaf(r, merkle.KindAssignment, merkle.AssignmentLeaf(r.ID, mt.ID, lender.ID, mt.AmountFen, m.nowMs), mt.ID)
	m.mustHold("fund "+mt.ID, r)
	return Result{Match: mt, Receivable: r, NewLeaves: 1}, nil
}

func (o *Offer) copy() *Offer {
	cp := *o
	cp.Curve = cloneCurve(o.Curve)
	cp.ClusterIDs = slices.Clone(o.ClusterIDs)
	return &cp
}

func (l *Listing) copy() *Listing {
	cp := *l
	// MatchIDs only grows (makeMatch appends): the copy shares what it holds now, and
	// a later append, past the copy's length, is not seen through it.
	cp.MatchIDs = slices.Clip(l.MatchIDs)
	return &cp
}

func (mt *Match) copy() *Match {
	cp := *mt
	cp.Repayments = slices.Clone(mt.Repayments)
	return &cp
}

// filledStatus is the status of a receivable whose listing no longer rests: funded
// once every fill is funded, matched while one still waits for its lender.
func (m *Matcher) filledStatus(r *Receivable) Status {
	for _, id := range r.MatchIDs {
		if m.s.Matches.get(id).Status == MatchMatched {
			return StatusMatched
		}
	}
	return StatusFunded
}
