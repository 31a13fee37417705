// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"github.com/scfx/scfx/eip712"
)

// genServicing draws one of the commands after funding (docs/api.md, "Servicing"):
// rejections, credit notes, payments, receipts, recourse, write-offs and
// participant changes, valid and not; the invariants then check that money is
// conserved through them.
func (s *sim) genServicing() Command {
	switch s.rng.IntN(7) {
	case 0:
		ids := s.idsWhere(func(r *Receivable) bool { return r.Status == StatusPending || s.rng.IntN(20) == 0 })
		if len(ids) == 0 {
			return s.genSubmit()
		}
		r := s.m.s.Receivables.get(pick(s.rng, ids))
		return Command{Actor: r.DebtorID, Payload: &RejectReceivable{ReceivableID: r.ID, Reason: "货物不符"}}
	case 1:
		return s.genCreditNote()
	case 2:
		return s.genPayment()
	case 3, 4:
		return s.genRepayment()
	case 5:
		return s.genUpdateParticipant()
	}
	mt := s.anyMatch()
	if mt == nil {
		return s.genFund()
	}
	if s.rng.IntN(2) == 0 {
		return Command{Actor: mt.LenderID, Payload: &ExerciseRecourse{MatchID: mt.ID, Reason: "逾期"}}
	}
	return Command{Actor: mt.LenderID, Payload: &WriteOff{MatchID: mt.ID, Reason: "核销"}}
}

func (s *sim) anyMatch() *Match {
	ids := s.m.s.Matches.ids()
	if len(ids) == 0 {
		return nil
	}
	var live []string
	for _, id := range ids {
		if st := s.m.s.Matches.get(id).Status; st == MatchFunded || st == MatchOverdue {
			live = append(live, id)
		}
	}
	if len(live) > 0 && s.rng.IntN(5) != 0 {
		ids = live
	}
	return s.m.s.Matches.get(pick(s.rng, ids))
}

func (s *sim) genCreditNote() Command {
	ids := s.idsWhere(func(r *Receivable) bool {
		return r.Tier == 1 && r.Confirmation != nil && (!r.Matured && r.Status != StatusSettled || s.rng.IntN(10) == 0)
	})
	if len(ids) == 0 {
		return s.genConfirm()
	}
	r := s.m.s.Receivables.get(pick(s.rng, ids))
	owed := s.m.treeOwed(r)
	amount := 1 + s.rng.Int64N(owed/2+1)
	if s.rng.IntN(6) == 0 {
		amount = owed + s.rng.Int64N(2)
	}
	n := salt(s.rng.IntN(400))
	msg := CreditNoteOf(r, amount, "退货", n)
	c := Command{Actor: r.DebtorID, Payload: &IssueCreditNote{ReceivableID: r.ID, Amount: amount, Reason: "退货", Salt: n.Hex(),
		Signature: s.sign(r.DebtorID, eip712.CreditNoteDigest(s.domain(), msg))}}
	if s.rng.IntN(10) == 0 { // signed for another amount
		c.Payload.(*IssueCreditNote).Amount++
	}
	return c
}

func (s *sim) genPayment() Command {
	if mt := s.anyMatch(); mt != nil && s.rng.IntN(2) == 0 {
		owed := mt.AmountFen - mt.DilutionFen - mt.PaidFen
		amount := max(1, owed/int64(1+s.rng.IntN(3))) + s.rng.Int64N(2)
		return Command{Actor: mt.DebtorID, Payload: &RecordPayment{ReceivableID: mt.ReceivableID, MatchID: mt.ID, Amount: amount, Reference: "PAY"}}
	}
	ids := s.idsWhere(func(r *Receivable) bool { return s.m.openUnfinanced(r) > 0 || s.rng.IntN(10) == 0 })
	if len(ids) == 0 {
		return s.genConfirm()
	}
	r := s.m.s.Receivables.get(pick(s.rng, ids))
	open := s.m.openUnfinanced(r)
	amount := max(1, open/int64(1+s.rng.IntN(3))) + s.rng.Int64N(2)
	return Command{Actor: r.DebtorID, Payload: &RecordPayment{ReceivableID: r.ID, Amount: amount, Reference: "PAY"}}
}

func (s *sim) genRepayment() Command {
	mt := s.anyMatch()
	if mt == nil {
		return s.genFund()
	}
	owed := principalOpen(mt) + s.m.LateInterest(mt) - mt.LateInterestPaidFen
	amount := max(1, owed/int64(1+s.rng.IntN(3)))
	if s.rng.IntN(5) == 0 {
		amount = owed + 1 - s.rng.Int64N(3)
	}
	return Command{Actor: mt.LenderID, Payload: &ConfirmRepayment{MatchID: mt.ID, Amount: amount, Reference: "RCPT"}}
}

func (s *sim) genUpdateParticipant() Command {
	if s.rng.IntN(2) == 0 {
		return Command{Actor: ActorOperator, Payload: &UpdateParticipant{ParticipantID: pick(s.rng, s.cores),
			Rating: pick(s.rng, []string{"AAA", "AA", "A+", "BBB", "CCC"}), Reason: "年审"}}
	}
	c := &UpdateParticipant{ParticipantID: pick(s.rng, s.smes), Reason: "复核"}
	switch s.rng.IntN(3) {
	case 0:
		c.Certification = pick(s.rng, []string{"none", "innovative", "specialized", "little_giant"})
		if c.Certification != "none" {
			c.CertificationValidUntil = s.date(30 + s.rng.IntN(700))
		}
	case 1:
		c.ClusterID = pick(s.rng, append([]string{ClusterNone}, s.clus...))
	default:
		c.Rating = "AA" // not for SMEs
	}
	return Command{Actor: ActorOperator, Payload: c}
}
