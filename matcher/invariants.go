// SPDX-License-Identifier: Apache-2.0

package matcher

import "fmt"

// CheckInvariants verifies the invariants of docs/matching.md §5 over the whole state. It
// is a full scan: tests call it after every step; production may call it after a
// restore.
func (m *Matcher) CheckInvariants() error {
	if err := m.checkReceivables(); err != nil {
		return err
	}
	if err := m.checkLines(); err != nil {
		return err
	}
	return m.checkBooks()
}

func (m *Matcher) checkReceivables() error {
	filled := map[string]int64{} // listing → the amounts of its fills
	for _, id := range m.s.Matches.ids() {
		mt := m.s.Matches.get(id)
		filled[mt.ListingID] += mt.AmountFen
		if mt.DiscountFen+mt.AdvanceFen != mt.AmountFen || mt.DiscountFen < 0 || mt.AmountFen <= 0 {
			return fmt.Errorf("match %s: discount %d + advance %d != amount %d", mt.ID, mt.DiscountFen, mt.AdvanceFen, mt.AmountFen)
		}
		if err := checkServicing(mt); err != nil {
			return err
		}
	}
	// Money is conserved in every listing: fills + resting = listed.
	for _, l := range m.s.Listings.rows {
		if filled[l.ID] != l.FilledFen || l.FilledFen < 0 || l.FilledFen > l.AmountFen || len(l.MatchIDs) > 0 && l.MatchID != l.MatchIDs[0] {
			return fmt.Errorf("listing %s: fills of %d, filled %d, amount %d", l.ID, filled[l.ID], l.FilledFen, l.AmountFen)
		}
		if (l.Status == ListingMatched) != (l.FilledFen == l.AmountFen) {
			return fmt.Errorf("listing %s is %s with %d of %d filled", l.ID, l.Status, l.FilledFen, l.AmountFen)
		}
	}
	for _, id := range m.s.Receivables.ids() {
		r := m.s.Receivables.get(id)
		sum := r.RemainingFen
		for _, c := range r.Children {
			ch := m.s.Receivables.get(c)
			if ch.Fingerprint != r.Fingerprint || ch.RootID != r.RootID || ch.Tier != r.Tier+1 || ch.DebtorID != r.DebtorID || ch.DueDate != r.DueDate {
				return fmt.Errorf("fragment %s does not follow its parent %s", c, r.ID)
			}
			sum += ch.AmountFen
		}
		if sum+r.CreditedFen != r.AmountFen || r.RemainingFen < 0 || r.CreditedFen < 0 {
			return fmt.Errorf("receivable %s: children + remaining + credited = %d, amount %d", r.ID, sum+r.CreditedFen, r.AmountFen)
		}
		if r.HolderPaidFen < 0 || r.HolderPaidFen > m.unfinanced(r) {
			return fmt.Errorf("receivable %s: paid its holder %d of %d unfinanced", r.ID, r.HolderPaidFen, m.unfinanced(r))
		}
		if r.Tier == 1 {
			if err := m.checkTree(r); err != nil {
				return err
			}
		}
		if owner := m.s.Fingerprints[r.Fingerprint]; owner != r.RootID {
			return fmt.Errorf("receivable %s: fingerprint belongs to %s, its root is %s", r.ID, owner, r.RootID)
		}
		if err := m.checkStatus(r); err != nil {
			return err
		}
	}
	return nil
}

// checkStatus ties a receivable's status to its listing and fills.
func (m *Matcher) checkStatus(r *Receivable) error {
	live := map[string]int{}
	for _, id := range r.MatchIDs {
		mt := m.s.Matches.get(id)
		if mt == nil || mt.ReceivableID != r.ID {
			return fmt.Errorf("receivable %s lists match %s that is not its own", r.ID, id)
		}
		live[mt.Status]++
	}
	l := m.s.Listings.get(r.ListingID)
	switch r.Status {
	case StatusListed:
		if l == nil || l.Status != ListingResting || l.AmountFen != r.RemainingFen {
			return fmt.Errorf("receivable %s is listed without a resting listing of its remaining amount", r.ID)
		}
	case StatusMatched:
		if l == nil || l.Status == ListingResting || live[MatchMatched] == 0 {
			return fmt.Errorf("receivable %s is matched with no fill waiting to be funded", r.ID)
		}
	case StatusFunded:
		// A fill repaid (or ended by its lender) keeps its receivable funded until the
		// invoice is settled.
		if l == nil || l.Status == ListingResting || live[MatchMatched] > 0 || live[MatchFunded]+live[MatchRepaid]+live[MatchRecourse]+live[MatchWrittenOff] == 0 {
			return fmt.Errorf("receivable %s is funded with fills %v", r.ID, live)
		}
	}
	return nil
}

// checkServicing: what became of a fill's amount adds up. Its amount is what credit
// notes took (the seller owes it), what the lender confirmed as principal, the
// rebate of an early settlement, and what is still open; a repaid fill has nothing
// open.
func checkServicing(mt *Match) error {
	accounted := mt.DilutionFen + mt.RepaidFen + mt.RebateFen
	switch {
	case mt.DilutionFen < 0 || mt.RepaidFen < 0 || mt.RebateFen < 0 || accounted > mt.AmountFen:
		return fmt.Errorf("match %s: dilution %d + repaid %d + rebate %d exceed amount %d", mt.ID, mt.DilutionFen, mt.RepaidFen, mt.RebateFen, mt.AmountFen)
	case mt.Status == MatchRepaid && accounted != mt.AmountFen:
		return fmt.Errorf("match %s is repaid with %d of %d accounted for", mt.ID, accounted, mt.AmountFen)
	case mt.LateInterestPaidFen < 0 || mt.LateInterestPaidFen > mt.LateAccruedFen:
		return fmt.Errorf("match %s: late interest paid %d of %d accrued", mt.ID, mt.LateInterestPaidFen, mt.LateAccruedFen)
	}
	var principal, interest int64
	for _, rp := range mt.Repayments {
		principal += rp.PrincipalFen
		interest += rp.InterestFen
	}
	if principal != mt.RepaidFen || interest != mt.LateInterestPaidFen {
		return fmt.Errorf("match %s: repayments of %d principal and %d interest, recorded %d and %d", mt.ID, principal, interest, mt.RepaidFen, mt.LateInterestPaidFen)
	}
	return nil
}

func (m *Matcher) checkLines() error {
	reserved, used := map[string]int64{}, map[string]int64{}
	for _, mt := range m.s.Matches.rows {
		switch mt.Status {
		case MatchMatched:
			reserved[mt.OfferID] += mt.AmountFen
		case MatchFunded, MatchOverdue:
			used[mt.OfferID] += mt.AmountFen
		}
	}
	for _, id := range m.s.Offers.ids() {
		o := m.s.Offers.get(id)
		if o.UsedFen < 0 || o.ReservedFen < 0 || o.UsedFen+o.ReservedFen > o.LineFen {
			return fmt.Errorf("offer %s: used %d + reserved %d > line %d", o.ID, o.UsedFen, o.ReservedFen, o.LineFen)
		}
		if o.ReservedFen != reserved[o.ID] || o.UsedFen != used[o.ID] {
			return fmt.Errorf("offer %s: reserved %d used %d, its matches say %d and %d", o.ID, o.ReservedFen, o.UsedFen, reserved[o.ID], used[o.ID])
		}
	}
	return nil
}

func (m *Matcher) checkBooks() error {
	resting := 0
	for _, l := range m.s.Listings.rows {
		if l.Status == ListingResting {
			resting++
		}
	}
	inBooks := 0
	for core, b := range m.ix.books {
		if err := b.resting.check(func(l *Listing) uint64 { return l.Seq }); err != nil {
			return fmt.Errorf("book %s: resting listings: %w", core, err)
		}
		if err := b.offers.check(func(o *Offer) uint64 { return o.Seq }); err != nil {
			return fmt.Errorf("book %s: offers: %w", core, err)
		}
		for l := range b.resting.all() {
			if l.Status != ListingResting || l.DebtorID != core {
				return fmt.Errorf("book %s holds listing %s that is %s", core, l.ID, l.Status)
			}
		}
		for o := range b.offers.all() {
			if o.Status != OfferLive || o.CoreID != core {
				return fmt.Errorf("book %s holds offer %s that is %s", core, o.ID, o.Status)
			}
		}
		inBooks += b.resting.len()
		if err := b.checkPriced(core); err != nil {
			return err
		}
	}
	if inBooks != resting {
		return fmt.Errorf("books hold %d resting listings, the state %d", inBooks, resting)
	}
	return nil
}

// mustHold checks the invariants that touch one receivable — its status against its
// listing and fills, its listing's conservation, its fills' lines — after a command
// changed it (fund, settle): a few objects, not a scan. A broken invariant is a bug:
// it panics, which stops the applier and the process loudly rather than serving a
// wrong state; every replica stops at the same entry (docs/operations.md, "Panics
// and invariants").
func (m *Matcher) mustHold(after string, r *Receivable) {
	if err := m.checkTouched(r); err != nil {
		panic("matcher: invariant broken after " + after + ": " + err.Error())
	}
}

func (m *Matcher) checkTouched(r *Receivable) error {
	if err := m.checkStatus(r); err != nil {
		return err
	}
	if l := m.s.Listings.get(r.ListingID); l != nil {
		var filled int64
		for _, id := range l.MatchIDs {
			filled += m.s.Matches.get(id).AmountFen
		}
		if filled != l.FilledFen || l.FilledFen > l.AmountFen {
			return fmt.Errorf("listing %s: fills of %d, filled %d, amount %d", l.ID, filled, l.FilledFen, l.AmountFen)
		}
	}
	for _, id := range r.MatchIDs {
		o := m.s.Offers.get(m.s.Matches.get(id).OfferID)
		if o.UsedFen < 0 || o.ReservedFen < 0 || o.UsedFen+o.ReservedFen > o.LineFen {
			return fmt.Errorf("offer %s: used %d + reserved %d > line %d", o.ID, o.UsedFen, o.ReservedFen, o.LineFen)
		}
	}
	return nil
}

// checkPriced: each band's price index holds exactly the book's live offers that quote
// the band and whose line can still fill (Offer.canFill), under the best rate they
// quote it, by rate then age (pricedList.check).
func (b *book) checkPriced(core string) error {
	for k, band := range pricedBands {
		want := 0
		for o := range b.offers.all() {
			if _, ok := o.bandQuote(band); ok && o.canFill() {
				want++
			}
		}
		list := &b.priced[k]
		if err := list.check(); err != nil {
			return fmt.Errorf("book %s: band %s index: %w", core, band, err)
		}
		if list.len() != want {
			return fmt.Errorf("book %s: band %s indexes %d offers, %d quote it and can fill", core, band, list.len(), want)
		}
		for e := range list.all() {
			rate, ok := e.o.bandQuote(band)
			switch {
			case !ok || rate != e.rate || e.seq != e.o.Seq || e.o.Status != OfferLive || e.o.CoreID != core:
				return fmt.Errorf("book %s: band %s indexes offer %s at %d bps, it quotes %d (%v)", core, band, e.o.ID, e.rate, rate, ok)
			case !e.o.canFill():
				return fmt.Errorf("book %s: band %s indexes offer %s, whose line has %d fen left (minimum ticket %d)", core, band, e.o.ID, e.o.Available(), e.o.MinTicketFen)
			}
		}
	}
	return nil
}
