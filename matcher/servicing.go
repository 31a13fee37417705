// SPDX-License-Identifier: Apache-2.0

package matcher

// Servicing after funding (docs/api.md, "Servicing"): the core records what it paid
// to whom, lenders confirm what they received, late interest accrues on an overdue
// claim, and a lender ends an overdue claim by recourse or write-off.

// maxPaymentRecords bounds the payment records of one receivable and the repayment
// records of one match.
const maxPaymentRecords = 1000

func (m *Matcher) recordPayment(actor string, c *RecordPayment) (Result, *Error) {
	_, r, err := m.debtorsReceivable(actor, c.ReceivableID, "records payments on")
	if err != nil {
		return Result{}, err
	}
	if err := checkAmount("amount", c.Amount); err != nil {
		return Result{}, err
	}
	if err := checkReference(c.Reference); err != nil {
		return Result{}, err
	}
	root := m.s.Receivables.get(r.RootID)
	switch {
	case root.Confirmation == nil || root.Status == StatusDuplicate || root.Status == StatusSettled:
		return Result{}, invalidState("invoice %s is %s: payments are recorded on a confirmed, unpaid invoice", root.ID, root.Status)
	case len(r.Payments) >= maxPaymentRecords:
		return Result{}, invalidState("receivable %s already has %d payment records", r.ID, maxPaymentRecords)
	}
	res := Result{Receivable: r}
	if c.MatchID != "" {
		mt := m.s.Matches.get(c.MatchID)
		if mt == nil || mt.ReceivableID != r.ID {
			return Result{}, notFound("match", c.MatchID)
		}
		if mt.Status != MatchFunded && mt.Status != MatchOverdue {
			return Result{}, invalidState("match %s is %s: the core pays the lender of a funded match", mt.ID, mt.Status)
		}
		if owed := mt.AmountFen - mt.DilutionFen + m.LateInterest(mt); mt.PaidFen+c.Amount > owed {
			return Result{}, errorf(CodeInsufficientAmount, "match %s: %d fen recorded paid of %d owed, asked %d more", mt.ID, mt.PaidFen, owed, c.Amount)
		}
		mt.PaidFen += c.Amount
		res.Match = mt
	} else {
		if open := m.openUnfinanced(r); c.Amount > open {
			return Result{}, errorf(CodeInsufficientAmount, "receivable %s: the core owes its holder %d fen, asked %d", r.ID, open, c.Amount)
		}
		r.HolderPaidFen += c.Amount
		m.withdrawListing(r)
	}
	r.Payments = append(r.Payments, Payment{MatchID: c.MatchID, AmountFen: c.Amount, Reference: c.Reference, AtMs: m.nowMs})
	paid := change{Change: ChangePayment, Fen: c.Amount, MatchID: c.MatchID, Reference: c.Reference}
	m.emitReceivableChange(r, paid)
	if res.Match != nil {
		paid.MatchID = "" // the event's object
		m.emitMatchChange(res.Match, paid)
	}
	m.settleIfPaid(root)
	m.mustHold("record payment on "+r.ID, r)
	return res, nil
}

// withdrawListing takes r's resting listing out of the book once the core pays its
// holder: what rests is being paid, not financed. Fills already made stay.
func (m *Matcher) withdrawListing(r *Receivable) {
	l := m.s.Listings.get(r.ListingID)
	if l == nil || l.Status != ListingResting {
		return
	}
	l.Status = ListingCancelled
	m.ix.book(l.DebtorID).removeListing(l)
	if l.FilledFen == 0 {
		r.Status, r.ListingID = StatusFinanceable, ""
	} else {
		r.Status = m.filledStatus(r)
	}
	m.emitListing(l, false)
	m.emitReceivable(r, false)
}

func (m *Matcher) lendersMatch(actor, id string) (*Match, *Error) {
	lender, err := m.actor(actor, RoleLender)
	if err != nil {
		return nil, err
	}
	mt := m.s.Matches.get(id)
	if mt == nil || mt.LenderID != lender.ID {
		return nil, notFound("match", id)
	}
	return mt, nil
}

func (m *Matcher) confirmRepayment(actor string, c *ConfirmRepayment) (Result, *Error) {
	mt, err := m.lendersMatch(actor, c.MatchID)
	if err != nil {
		return Result{}, err
	}
	if err := checkAmount("amount", c.Amount); err != nil {
		return Result{}, err
	}
	if err := checkReference(c.Reference); err != nil {
		return Result{}, err
	}
	switch {
	case mt.Status != MatchFunded && mt.Status != MatchOverdue:
		return Result{}, invalidState("match %s is %s, not funded or overdue", mt.ID, mt.Status)
	case len(mt.Repayments) >= maxPaymentRecords:
		return Result{}, invalidState("match %s already has %d repayments", mt.ID, maxPaymentRecords)
	}
	r := m.s.Receivables.get(mt.ReceivableID)
	today := m.Today()
	interest := m.LateInterest(mt) - mt.LateInterestPaidFen
	principal := principalOpen(mt)
	if c.Amount > interest+principal {
		return Result{}, errorf(CodeInsufficientAmount, "match %s: %d fen owed (%d late interest, %d principal), confirmed %d", mt.ID, interest+principal, interest, principal, c.Amount)
	}
	m.accrue(mt, today)
	m.released = m.released[:0]
	rp := Repayment{AmountFen: c.Amount, Reference: c.Reference, AtMs: m.nowMs, InterestFen: min(c.Amount, interest)}
	rp.PrincipalFen = c.Amount - rp.InterestFen
	mt.Repayments = append(mt.Repayments, rp)
	mt.LateInterestPaidFen += rp.InterestFen
	mt.RepaidFen += rp.PrincipalFen
	m.emitMatchChange(mt, change{Change: ChangeRepayment, Fen: c.Amount, Reference: c.Reference})
	rebate := EarlyRebate(principal, mt.RateBps, int(r.DueDate-today))
	if rp.PrincipalFen >= principal-rebate {
		// Paid in full, or early in full less the discount not yet earned.
		mt.RebateFen = principal - rp.PrincipalFen
		m.closeFill(mt, MatchRepaid)
	}
	root := m.s.Receivables.get(r.RootID)
	m.settleIfPaid(root)
	m.mustHold("confirm repayment of "+mt.ID, r)
	return Result{Match: mt, Receivable: r, Matches: m.serveReleased()}, nil
}

// EarlyRebate is the discount not yet earned on principal fen paid days before the
// due date: floor(principal × rate_bps × days / 3,650,000), the discount's own
// formula and day count (docs/api.md); 0 on or after the due date.
func EarlyRebate(principalFen, rateBps int64, days int) int64 {
	return Discount(principalFen, rateBps, days)
}

// closeFill ends a funded or overdue fill: its line is given back.
func (m *Matcher) closeFill(mt *Match, status string) {
	o := m.s.Offers.get(mt.OfferID)
	m.moveLine(o, 0, -mt.AmountFen)
	m.noteReleased(o)
	mt.Status, mt.ClosedMs = status, m.nowMs
	m.emitMatch(mt, false)
}

func (m *Matcher) endOverdue(actor, id, reason, status string) (Result, *Error) {
	mt, err := m.lendersMatch(actor, id)
	if err != nil {
		return Result{}, err
	}
	if err := checkText("reason", reason, maxReasonRunes); err != nil {
		return Result{}, err
	}
	switch {
	case mt.Status != MatchOverdue:
		return Result{}, invalidState("match %s is %s, not overdue", mt.ID, mt.Status)
	case status == MatchRecourse && !mt.Recourse:
		return Result{}, invalidState("match %s was made on an offer without recourse", mt.ID)
	}
	m.accrue(mt, m.Today())
	owed := principalOpen(mt) + mt.LateAccruedFen - mt.LateInterestPaidFen
	if status == MatchRecourse {
		mt.RecourseFen = owed
	} else {
		mt.WrittenOffFen = owed
	}
	mt.CloseReason = reason
	m.released = m.released[:0]
	m.closeFill(mt, status)
	m.setLastChangeFen(owed)
	r := m.s.Receivables.get(mt.ReceivableID)
	m.mustHold("end of overdue "+mt.ID, r)
	return Result{Match: mt, Receivable: r, Matches: m.serveReleased()}, nil
}

// LateInterest is the late interest mt has accrued as of the matcher's clock:
// what accrue stored, plus floor(principal open × late_rate_bps × days /
// 3,650,000) for the days since, counted from the due date plus the grace
// period. It is computed on read, never stored per day; a closed fill accrues
// no more.
func (m *Matcher) LateInterest(mt *Match) int64 { return mt.LateInterestOn(m.Today()) }

// LateInterestOn is the late interest mt has accrued as of today.
func (mt *Match) LateInterestOn(today Date) int64 { return mt.LateAccruedFen + mt.lateSince(today) }

func (mt *Match) lateSince(today Date) int64 {
	if mt.LateRateBps == 0 || !liveFill(mt) || mt.Status == MatchMatched || today <= mt.LateFrom {
		return 0
	}
	return Discount(principalOpen(mt), mt.LateRateBps, int(today-mt.LateFrom))
}

// accrue stores the late interest up to today, before the principal it runs on
// changes.
func (m *Matcher) accrue(mt *Match, today Date) {
	if mt.LateRateBps > 0 && today > mt.LateFrom {
		mt.LateAccruedFen += mt.lateSince(today)
		mt.LateFrom = today
	}
}

// settleIfPaid settles the invoice root once the core owes nothing on it: every
// holder paid and every fill repaid (or cancelled). A fill that went to recourse or
// was written off leaves the invoice as it is (overdue): the core did not pay it.
func (m *Matcher) settleIfPaid(root *Receivable) {
	if root.Status == StatusSettled {
		return
	}
	paid := true
	m.eachInTree(root, func(x *Receivable) {
		if m.openUnfinanced(x) > 0 {
			paid = false
		}
		for _, id := range x.MatchIDs {
			switch m.s.Matches.get(id).Status {
			case MatchRepaid, MatchSettled, MatchCancelled:
			default:
				paid = false
			}
		}
	})
	if !paid {
		return
	}
	m.eachInTree(root, func(x *Receivable) {
		m.closeListing(x)
		if x.Status != StatusCredited {
			x.Status = StatusSettled
			m.emitReceivable(x, false)
		}
	})
	m.s.Participants.get(root.DebtorID).Settled++
}
