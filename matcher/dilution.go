// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"math/bits"
	"slices"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/scfx/scfx/eip712"
	"github.com/scfx/scfx/merkle"
)

// Disputes and dilution (docs/api.md, "Servicing"). Before it confirms, a core may
// reject a receivable; once it confirmed, the claim is irrevocable and only a credit
// note changes what the core owes.

// maxReasonRunes bounds the free text of a rejection or a credit note.
const maxReasonRunes = 200

// maxCreditNotes bounds the credit notes on one invoice, so one core cannot grow
// the state without bound.
const maxCreditNotes = 100

func (m *Matcher) rejectReceivable(actor string, c *RejectReceivable) (Result, *Error) {
	_, r, err := m.debtorsReceivable(actor, c.ReceivableID, "rejects")
	if err != nil {
		return Result{}, err
	}
	if err := checkText("reason", c.Reason, maxReasonRunes); err != nil {
		return Result{}, err
	}
	if r.Status != StatusPending {
		return Result{}, invalidState("receivable %s is %s: only a receivable pending confirmation can be rejected; a confirmed claim changes only by credit notes", r.ID, r.Status)
	}
	r.Status, r.RejectReason = StatusRejected, c.Reason
	m.emitReceivable(r, false)
	return Result{Receivable: r}, nil
}

// CreditNoteOf is the EIP-712 message a debtor core signs for a credit note on r.
func CreditNoteOf(r *Receivable, amount int64, reason string, salt common.Hash) eip712.CreditNote {
	return eip712.CreditNote{Receivable: r.ID, Amount: uint64(amount), Reason: reason, Salt: salt}
}

func (m *Matcher) creditNote(actor string, c *IssueCreditNote) (Result, *Error) {
	core, r, err := m.debtorsReceivable(actor, c.ReceivableID, "issues credit notes on")
	if err != nil {
		return Result{}, err
	}
	salt, sig, err := checkCreditNoteInput(c)
	if err != nil {
		return Result{}, err
	}
	if err := m.checkCreditNoteState(r, core, c.Amount, salt); err != nil {
		return Result{}, err
	}
	dom, err := m.domain()
	if err != nil {
		return Result{}, err
	}
	digest := eip712.CreditNoteDigest(dom, CreditNoteOf(r, c.Amount, c.Reason, salt))
	if !m.signedBy(digest, sig, core.Address) {
		return Result{}, errorf(CodeInvalidSignature, "the signature does not recover to the debtor core's address")
	}
	allocs := m.dilute(r, c.Amount)
	r.CreditNotes = append(r.CreditNotes, CreditNote{
		AmountFen: c.Amount, Reason: c.Reason, Allocations: allocs, AtMs: m.nowMs,
		Signed: Signed{Signer: core.Address, Signature: hexutil.Encode(sig), Digest: digest, Salt: &salt, AtMs: m.nowMs},
	})
	m.setSalt(saltKey(core.ID, salt))
	m.emitCreditNote(r, c.Amount, allocs)
	m.pushLeaf(r, merkle.KindCreditNote, merkle.CreditNoteLeaf(r.ID, digest, sig), "")
	m.eachInTree(r, func(x *Receivable) { m.mustHold("credit note on "+r.ID, x) })
	if err := m.checkTree(r); err != nil {
		panic("matcher: invariant broken after credit note on " + r.ID + ": " + err.Error())
	}
	return Result{Receivable: r, NewLeaves: 1}, nil
}

// emitCreditNote tells the parties of what a credit note reached (docs/api.md
// "Events"): the invoice, with the note's amount; each fragment it reached, with what
// landed on it and its fills; each fill, with its dilution — what the seller now owes
// the lender. After dilute, so each event has its object's status as the note left it.
func (m *Matcher) emitCreditNote(root *Receivable, amount int64, allocs []Allocation) {
	if !m.ev.on {
		return
	}
	m.emitReceivableChange(root, change{Change: ChangeCreditNote, Fen: amount})
	var frags []string
	landed := map[string]int64{}
	for _, a := range allocs {
		if a.ReceivableID != root.ID {
			if _, seen := landed[a.ReceivableID]; !seen {
				frags = append(frags, a.ReceivableID)
			}
			landed[a.ReceivableID] += a.AmountFen
		}
	}
	for _, id := range frags {
		m.emitReceivableChange(m.s.Receivables.get(id), change{Change: ChangeCreditNote, Fen: landed[id]})
	}
	for _, a := range allocs {
		if a.MatchID != "" {
			m.emitMatchChange(m.s.Matches.get(a.MatchID), change{Change: ChangeCreditNote, Fen: a.AmountFen})
		}
	}
}

func checkCreditNoteInput(c *IssueCreditNote) (common.Hash, []byte, *Error) {
	if err := checkAmount("amount", c.Amount); err != nil {
		return common.Hash{}, nil, err
	}
	if err := checkText("reason", c.Reason, maxReasonRunes); err != nil {
		return common.Hash{}, nil, err
	}
	sb, derr := hexutil.Decode(c.Salt)
	if derr != nil || len(sb) != saltLen {
		return common.Hash{}, nil, fieldErr("salt", "must be 0x and 32 bytes of hex")
	}
	sig, err := parseSignature(c.Signature)
	if err != nil {
		return common.Hash{}, nil, err
	}
	return common.BytesToHash(sb), sig, nil
}

func (m *Matcher) checkCreditNoteState(r *Receivable, core *Participant, amount int64, salt common.Hash) *Error {
	switch {
	case r.Tier != 1:
		return invalidState("receivable %s is a fragment: a credit note is on the invoice, %s", r.ID, r.RootID)
	case r.Confirmation == nil || r.Status == StatusDuplicate || r.Status == StatusSettled:
		return invalidState("receivable %s is %s: a credit note needs a confirmed, unpaid invoice", r.ID, r.Status)
	case r.Matured:
		return invalidState("receivable %s is overdue: a credit note comes before maturity", r.ID)
	case len(r.CreditNotes) >= maxCreditNotes:
		return invalidState("receivable %s already has %d credit notes", r.ID, maxCreditNotes)
	case m.s.Salts[saltKey(core.ID, salt)]:
		return invalidState("salt %s was already used by this core", salt.Hex())
	}
	if owed := m.treeOwed(r); amount > owed {
		return errorf(CodeInsufficientAmount, "the core owes %d fen on %s, the credit note is for %d", owed, r.ID, amount)
	}
	return nil
}

// unfinanced is the part of what r holds that no fill finances: its remaining
// amount less its fills, but for those cancelled (a fill never funded gives its
// part back to the holder).
func (m *Matcher) unfinanced(r *Receivable) int64 {
	u := r.RemainingFen
	for _, id := range r.MatchIDs {
		if mt := m.s.Matches.get(id); mt.Status != MatchCancelled {
			u -= mt.AmountFen
		}
	}
	return u
}

// openUnfinanced is what the core still owes the holder of r's unfinanced part.
func (m *Matcher) openUnfinanced(r *Receivable) int64 { return m.unfinanced(r) - r.HolderPaidFen }

// liveFill: a fill the core still owes on (matched or funded, not yet repaid).
func liveFill(mt *Match) bool {
	return mt.Status == MatchMatched || mt.Status == MatchFunded || mt.Status == MatchOverdue
}

// principalOpen is the principal the core still owes the lender of mt.
func principalOpen(mt *Match) int64 {
	if !liveFill(mt) {
		return 0
	}
	return mt.AmountFen - mt.DilutionFen - mt.RepaidFen
}

// treeOwed is what the core owes on the invoice r roots.
func (m *Matcher) treeOwed(r *Receivable) int64 {
	var owed int64
	m.eachInTree(r, func(x *Receivable) {
		owed += m.openUnfinanced(x)
		for _, id := range x.MatchIDs {
			owed += principalOpen(m.s.Matches.get(id))
		}
	})
	return owed
}

// dilute spreads a credit note of amount fen (at most treeOwed) over the tree of
// root by the rule of docs/api.md, "Credit notes":
//
//  1. the root's own unfinanced part;
//  2. then the fragments' unfinanced parts, pro rata (below);
//  3. then the fills still owed, pro rata to their open principal: the core owes
//     the lender less and the seller owes the difference (Match.DilutionFen), so
//     the lender's claim is whole.
//
// Pro rata: part i of weights w is floor(amount × w_i / Σw); the fen left over go
// one each to the largest remainders (amount × w_i mod Σw), ties to the earlier in
// the tree's order (parents first, fragments in the order they were made). Every
// fen of the note lands somewhere.
func (m *Matcher) dilute(root *Receivable, amount int64) []Allocation {
	var allocs []Allocation
	rest := amount
	if x := min(rest, m.openUnfinanced(root)); x > 0 {
		m.creditUnfinanced(root, x)
		allocs = append(allocs, Allocation{ReceivableID: root.ID, AmountFen: x})
		rest -= x
	}
	var frags []*Receivable
	var fills []*Match
	m.eachInTree(root, func(x *Receivable) {
		if x != root && m.openUnfinanced(x) > 0 {
			frags = append(frags, x)
		}
		for _, id := range x.MatchIDs {
			if mt := m.s.Matches.get(id); principalOpen(mt) > 0 {
				fills = append(fills, mt)
			}
		}
	})
	if rest > 0 && len(frags) > 0 {
		w := make([]int64, len(frags))
		for i, x := range frags {
			w[i] = m.openUnfinanced(x)
		}
		for i, part := range proRata(rest, w) {
			if part > 0 {
				rest -= part
				m.creditUnfinanced(frags[i], part)
				allocs = append(allocs, Allocation{ReceivableID: frags[i].ID, AmountFen: part})
			}
		}
	}
	if rest > 0 {
		w := make([]int64, len(fills))
		for i, mt := range fills {
			w[i] = principalOpen(mt)
		}
		for i, part := range proRata(rest, w) {
			if part > 0 {
				rest -= part
				fills[i].DilutionFen += part
				allocs = append(allocs, Allocation{ReceivableID: fills[i].ReceivableID, MatchID: fills[i].ID, AmountFen: part})
			}
		}
	}
	if rest != 0 {
		panic("matcher: credit note on " + root.ID + " not fully allocated")
	}
	return allocs
}

// proRata splits amount (at most Σw) over the weights: floors, then the leftover
// fen by largest remainder, ties to the lower index. No part exceeds its weight.
func proRata(amount int64, w []int64) []int64 {
	var total int64
	for _, x := range w {
		total += x
	}
	if amount <= 0 || total <= 0 {
		return make([]int64, len(w))
	}
	if amount >= total {
		return slices.Clone(w)
	}
	parts := make([]int64, len(w))
	rems := make([]uint64, len(w))
	left := amount
	for i, x := range w {
		hi, lo := bits.Mul64(uint64(amount), uint64(x))
		q, r := bits.Div64(hi, lo, uint64(total))
		parts[i], rems[i] = int64(q), r
		left -= int64(q)
	}
	order := make([]int, len(w))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case rems[a] > rems[b]:
			return -1
		case rems[a] < rems[b]:
			return 1
		}
		return 0
	})
	for _, i := range order[:left] {
		parts[i]++
	}
	return parts
}

// creditUnfinanced takes x (at most openUnfinanced) off what r holds: its
// remaining amount and, if its listing rests, the listing's amount with it. A
// listing with nothing left to rest leaves the book; a receivable with nothing
// left is credited (or transferred, if it split fragments off).
func (m *Matcher) creditUnfinanced(r *Receivable, x int64) {
	r.RemainingFen -= x
	r.CreditedFen += x
	l := m.s.Listings.get(r.ListingID)
	switch {
	case l == nil || l.Status != ListingResting:
	case l.RestingFen() > x:
		l.AmountFen -= x
	case l.FilledFen > 0: // nothing rests any more: the fills are the listing
		l.AmountFen -= x
		l.Status = ListingMatched
		m.ix.book(l.DebtorID).removeListing(l)
		r.Status = m.filledStatus(r)
		m.emitListing(l, false)
		m.emitReceivable(r, false)
	default: // nothing was filled: the listing is withdrawn as it stood
		l.Status = ListingCancelled
		m.ix.book(l.DebtorID).removeListing(l)
		r.ListingID = ""
		m.emitListing(l, false)
	}
	if r.RemainingFen == 0 {
		if len(r.Children) > 0 {
			r.Status = StatusTransferred
		} else {
			r.Status = StatusCredited
		}
		m.emitReceivable(r, false)
	}
}

// checkTree: the credit notes on the invoice root are all where dilute put them.
func (m *Matcher) checkTree(root *Receivable) error {
	var notes, landed int64
	for _, n := range root.CreditNotes {
		notes += n.AmountFen
	}
	m.eachInTree(root, func(x *Receivable) {
		landed += x.CreditedFen
		for _, id := range x.MatchIDs {
			landed += m.s.Matches.get(id).DilutionFen
		}
	})
	if notes != landed {
		return errorf(CodeInvalidState, "invoice %s: credit notes of %d fen, %d landed in its tree", root.ID, notes, landed)
	}
	return nil
}
