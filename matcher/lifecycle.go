// SPDX-License-Identifier: Apache-2.0

package matcher

import "slices"

// Settlement and maturity: the core pays (settle) or does not (Tick → overdue).

func (m *Matcher) settle(actor string, c *Settle) (Result, *Error) {
	core, r, err := m.debtorsReceivable(actor, c.ReceivableID, "settles")
	if err != nil {
		return Result{}, err
	}
	if err := checkReference(c.Reference); err != nil {
		return Result{}, err
	}
	if r.Tier != 1 {
		return Result{}, invalidState("receivable %s is a fragment: settle its tier-1 receivable %s", r.ID, r.RootID)
	}
	switch r.Status {
	case StatusPending, StatusDuplicate, StatusSettled, StatusRejected:
		return Result{}, invalidState("receivable %s is %s", r.ID, r.Status)
	}
	m.released = m.released[:0]
	m.eachInTree(r, m.settleOne)
	m.eachInTree(r, func(x *Receivable) { m.mustHold("settle "+r.ID, x) })
	core.Settled++
	return Result{Receivable: r, Matches: m.serveReleased()}, nil
}

// serveReleased lets every live offer whose line a settlement or a lapse gave back
// serve its book's resting listings, as a new offer would (docs/matching.md §3): a
// line repaid finances what waited for it.
func (m *Matcher) serveReleased() []Match {
	var out []Match
	var seen *restingTerms
	if len(m.released) > 1 {
		seen = &restingTerms{}
	}
	for _, o := range m.released {
		if o.Status == OfferLive && m.BookMode(o.CoreID) == BookContinuous && !m.s.Participants.get(o.LenderID).Suspended {
			out = append(out, m.serveResting(o, seen)...)
		}
	}
	m.released = m.released[:0]
	return out
}

// eachInTree calls fn on r and every fragment split from it, parents first, in the
// order the fragments were made.
func (m *Matcher) eachInTree(r *Receivable, fn func(*Receivable)) {
	fn(r)
	for _, id := range r.Children {
		m.eachInTree(m.s.Receivables.get(id), fn)
	}
}

// settleOne closes one receivable of a paid invoice.
func (m *Matcher) settleOne(r *Receivable) {
	m.closeOut(r, true)
	if r.Status != StatusCredited {
		r.Status = StatusSettled
		m.emitReceivable(r, false)
	}
}

// closeOut ends what r's listing and match hold once its invoice is paid or has gone
// overdue: a resting listing and an unfunded match are cancelled, the match's
// reservation released; a funded match is settled (its line given back) when paid,
// and goes overdue — its line still used — when not.
func (m *Matcher) closeOut(r *Receivable, paid bool) {
	m.closeListing(r)
	for _, id := range r.MatchIDs {
		m.closeMatch(m.s.Matches.get(id), paid)
	}
}

func (m *Matcher) closeMatch(mt *Match, paid bool) {
	o := m.s.Offers.get(mt.OfferID)
	switch {
	case mt.Status == MatchMatched:
		mt.Status = MatchCancelled
		m.moveLine(o, -mt.AmountFen, 0)
		m.noteReleased(o)
		m.emitMatch(mt, false)
	case paid && (mt.Status == MatchFunded || mt.Status == MatchOverdue):
		mt.Status = MatchSettled
		m.moveLine(o, 0, -mt.AmountFen)
		m.noteReleased(o)
		m.emitMatch(mt, false)
	case !paid && mt.Status == MatchFunded:
		mt.Status = MatchOverdue
		m.emitMatch(mt, false)
	}
	assertLine(o)
}

func (m *Matcher) closeListing(r *Receivable) {
	if l := m.s.Listings.get(r.ListingID); l != nil && l.Status == ListingResting {
		l.Status = ListingCancelled
		m.ix.book(l.DebtorID).removeListing(l)
		m.emitListing(l, false)
	}
}

// tick moves time: every confirmed claim unpaid past its due date plus the grace
// period goes overdue. A funded match keeps its line used until the core pays.
func (m *Matcher) tick(actor string) (Result, *Error) {
	if err := requireSystem(actor); err != nil {
		return Result{}, err
	}
	today := m.Today()
	m.released = m.released[:0]
	for _, id := range m.ix.popDue(today - Date(m.cfg.OverdueGraceDays)) {
		root := m.s.Receivables.get(id)
		if !needsMaturity(root) {
			continue
		}
		root.Matured = true
		m.eachInTree(root, m.overdueOne)
		m.s.Participants.get(root.DebtorID).Defaulted++
	}
	m.pruneIdem()
	return Result{Matches: m.serveReleased()}, nil
}

// noteReleased remembers, once, an offer whose line was given back.
func (m *Matcher) noteReleased(o *Offer) {
	if !slices.Contains(m.released, o) {
		m.released = append(m.released, o)
	}
}

func (m *Matcher) overdueOne(r *Receivable) {
	m.closeOut(r, false)
	switch r.Status {
	case StatusTransferred, StatusSettled, StatusCredited:
	default:
		r.Status = StatusOverdue
		m.emitReceivable(r, false)
	}
}

// needsMaturity: a confirmed tier-1 claim that is still unpaid and not yet matured.
func needsMaturity(r *Receivable) bool {
	return r.Confirmation != nil && !r.Matured && r.Status != StatusSettled && r.Status != StatusDuplicate
}
