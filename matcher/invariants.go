package matcher

import "fmt"

// CheckInvariants verifies the invariants of DESIGN.md §7 over the whole state. It
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
	active := map[string]string{} // receivable → its live match
	for _, id := range m.s.Matches.ids() {
		mt := m.s.Matches.get(id)
		if mt.Status == MatchMatched || mt.Status == MatchFunded || mt.Status == MatchOverdue {
			if prev, dup := active[mt.ReceivableID]; dup {
				return fmt.Errorf("receivable %s is matched twice: %s and %s", mt.ReceivableID, prev, mt.ID)
			}
			active[mt.ReceivableID] = mt.ID
		}
		if mt.DiscountFen+mt.AdvanceFen != mt.AmountFen || mt.DiscountFen < 0 {
			return fmt.Errorf("match %s: discount %d + advance %d != amount %d", mt.ID, mt.DiscountFen, mt.AdvanceFen, mt.AmountFen)
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
		if sum != r.AmountFen || r.RemainingFen < 0 {
			return fmt.Errorf("receivable %s: children + remaining = %d, amount %d", r.ID, sum, r.AmountFen)
		}
		if owner := m.s.Fingerprints[r.Fingerprint]; owner != r.RootID {
			return fmt.Errorf("receivable %s: fingerprint belongs to %s, its root is %s", r.ID, owner, r.RootID)
		}
		if err := m.checkStatus(r, active[r.ID]); err != nil {
			return err
		}
	}
	return nil
}

// checkStatus ties a receivable's status to its listing and match.
func (m *Matcher) checkStatus(r *Receivable, live string) error {
	var want string
	switch r.Status {
	case StatusListed:
		if l := m.s.Listings.get(r.ListingID); l == nil || l.Status != ListingResting || l.AmountFen != r.RemainingFen {
			return fmt.Errorf("receivable %s is listed without a resting listing of its remaining amount", r.ID)
		}
	case StatusMatched:
		want = MatchMatched
	case StatusFunded:
		want = MatchFunded
	}
	if want != "" {
		mt := m.s.Matches.get(live)
		if mt == nil || mt.Status != want || mt.ID != r.MatchID {
			return fmt.Errorf("receivable %s is %s, its live match is %q", r.ID, r.Status, live)
		}
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
		for _, l := range b.resting {
			if l.Status != ListingResting || l.DebtorID != core {
				return fmt.Errorf("book %s holds listing %s that is %s", core, l.ID, l.Status)
			}
		}
		for _, o := range b.offers {
			if o.Status != OfferLive || o.CoreID != core {
				return fmt.Errorf("book %s holds offer %s that is %s", core, o.ID, o.Status)
			}
		}
		inBooks += len(b.resting)
	}
	if inBooks != resting {
		return fmt.Errorf("books hold %d resting listings, the state %d", inBooks, resting)
	}
	return nil
}
