// SPDX-License-Identifier: Apache-2.0

package matcher

import "testing"

func payCmd(id, matchID string, amount int64) Command {
	return Command{Payload: &RecordPayment{ReceivableID: id, MatchID: matchID, Amount: amount, Reference: "CNAPS-1"}}
}

func repayCmd(matchID string, amount int64) Command {
	return Command{Payload: &ConfirmRepayment{MatchID: matchID, Amount: amount, Reference: "RCPT-1"}}
}

// docs/api.md "Repayment": the core records payments per holder and per fill,
// partial ones too; a fill is repaid only when its lender confirms; the invoice is
// settled when nothing is owed on it, and the line is given back.
func TestRepaymentAtMaturity(t *testing.T) {
	s := newServicingMarket(t)
	root := s.financeable(s.a, s.core, 1_000_000, 60)
	fb := s.transfer(root, s.b, 400_000)
	s.settleLedger()
	mt := s.financed(fb)
	s.passDays(60) // the due date

	before := s.hash()
	s.wantCode(s.as(s.core, payCmd(root, "", 600_001)), CodeInsufficientAmount, before)
	s.wantCode(s.as(s.core, payCmd(root, mt.ID, 1)), CodeNotFound, before) // the fill is on fb
	s.wantCode(s.as(s.lender, payCmd(fb, mt.ID, 1)), CodeForbidden, before)
	s.wantCode(s.as(s.core, repayCmd(mt.ID, 1)), CodeForbidden, before)
	s.wantCode(s.as(s.lender, repayCmd(mt.ID, 400_001)), CodeInsufficientAmount, before)

	s.must(s.as(s.core, payCmd(root, "", 250_000)))
	s.must(s.as(s.core, payCmd(root, "", 350_000)))
	s.must(s.as(s.core, payCmd(fb, mt.ID, 400_000)))
	if st := s.m.s.Matches.get(mt.ID).Status; st != MatchFunded {
		t.Fatalf("match is %s before its lender confirmed, want funded", st)
	}
	s.must(s.as(s.lender, repayCmd(mt.ID, 100_000)))
	if got := s.m.s.Matches.get(mt.ID); got.Status != MatchFunded || got.RepaidFen != 100_000 {
		t.Fatalf("after a partial receipt the match is %s with %d repaid", got.Status, got.RepaidFen)
	}
	used := s.m.s.Offers.get(s.offer).UsedFen
	res := s.must(s.as(s.lender, repayCmd(mt.ID, 300_000)))
	if res.Match.Status != MatchRepaid || res.Match.RebateFen != 0 {
		t.Fatalf("match is %s (rebate %d), want repaid without rebate", res.Match.Status, res.Match.RebateFen)
	}
	if got := s.m.s.Offers.get(s.offer).UsedFen; got != used-400_000 {
		t.Fatalf("line used %d, want %d: repaid gives the line back", got, used-400_000)
	}
	for _, id := range []string{root, fb} {
		if st := s.rcv(id).Status; st != StatusSettled {
			t.Fatalf("%s is %s, want settled", id, st)
		}
	}
	if p := s.m.s.Participants.get(s.core); p.Settled != 1 || p.Defaulted != 0 {
		t.Fatalf("core history settled %d defaulted %d, want 1 and 0", p.Settled, p.Defaulted)
	}
	s.checkInvariants()
}

// docs/api.md "Early settlement": paid before the due date, the lender returns the
// discount not yet earned: floor(principal × rate_bps × days early / 3,650,000).
func TestEarlySettlementRebate(t *testing.T) {
	s := newServicingMarket(t)
	root := s.financeable(s.a, s.core, 10_000_000, 90)
	mt := s.financed(root)
	s.passDays(30)
	days := int(s.rcv(root).DueDate - s.m.Today())
	rebate := Discount(10_000_000, mt.RateBps, days)
	if rebate != 10_000_000*500*int64(days)/3_650_000 || rebate == 0 {
		t.Fatalf("rebate %d for %d days", rebate, days)
	}
	before := s.hash()
	s.wantCode(s.as(s.lender, repayCmd(mt.ID, 10_000_001)), CodeInsufficientAmount, before)
	res := s.must(s.as(s.lender, repayCmd(mt.ID, 10_000_000-rebate)))
	if res.Match.Status != MatchRepaid || res.Match.RebateFen != rebate {
		t.Fatalf("match %s rebate %d, want repaid with %d", res.Match.Status, res.Match.RebateFen, rebate)
	}
	if st := s.rcv(root).Status; st != StatusSettled {
		t.Fatalf("invoice is %s, want settled", st)
	}
	s.checkInvariants()
}

// docs/api.md "Overdue": after the grace period the fill is overdue; late interest
// at the offer's late_rate_bps accrues on read; receipts pay interest first.
func TestOverdueLateInterest(t *testing.T) {
	s := newServicingMarket(t)
	root := s.financeable(s.a, s.core, 10_000_000, 30)
	mt := s.financed(root)
	s.passDays(30 + DefaultOverdueGraceDays + 1)
	if got := s.m.s.Matches.get(mt.ID); got.Status != MatchOverdue {
		t.Fatalf("match is %s, want overdue", got.Status)
	}
	if got, want := s.m.LateInterest(s.m.s.Matches.get(mt.ID)), Discount(10_000_000, 1800, 1); got != want || want == 0 {
		t.Fatalf("late interest %d, want %d", got, want)
	}
	s.passDays(9)
	late := Discount(10_000_000, 1800, 10)
	if got := s.m.LateInterest(s.m.s.Matches.get(mt.ID)); got != late {
		t.Fatalf("late interest after 10 days %d, want %d", got, late)
	}
	res := s.must(s.as(s.lender, repayCmd(mt.ID, late+4_000_000)))
	if r := res.Match.Repayments[0]; r.InterestFen != late || r.PrincipalFen != 4_000_000 {
		t.Fatalf("receipt split %d interest %d principal, want %d and 4000000", r.InterestFen, r.PrincipalFen, late)
	}
	s.passDays(10)
	want := late + Discount(6_000_000, 1800, 10)
	if got := s.m.LateInterest(s.m.s.Matches.get(mt.ID)); got != want {
		t.Fatalf("late interest %d, want %d (on the principal still open)", got, want)
	}
	if p := s.m.s.Participants.get(s.core); p.Defaulted != 1 {
		t.Fatalf("core defaulted %d, want 1", p.Defaulted)
	}
	s.checkInvariants()
}

func TestRecourseAndWriteOff(t *testing.T) {
	s := newServicingMarket(t)
	noRecourse := s.world.lender()
	s.offerWith(noRecourse, s.core, 1e12, 400, nil) // cheaper: takes the first listing
	r1 := s.financeable(s.a, s.core, 1_000_000, 30)
	m1 := s.financed(r1)
	if m1.LenderID != noRecourse {
		t.Fatalf("first fill by %s, want %s", m1.LenderID, noRecourse)
	}
	s.must(s.as(noRecourse, Command{Payload: &CancelOffer{OfferID: m1.OfferID}}))
	r2 := s.financeable(s.b, s.core, 2_000_000, 30)
	m2 := s.financed(r2)
	before := s.hash()
	s.wantCode(s.as(s.lender, Command{Payload: &ExerciseRecourse{MatchID: m2.ID, Reason: "unpaid"}}), CodeInvalidState, before) // not overdue yet
	s.passDays(30 + DefaultOverdueGraceDays + 5)
	before = s.hash()
	s.wantCode(s.as(noRecourse, Command{Payload: &ExerciseRecourse{MatchID: m1.ID, Reason: "unpaid"}}), CodeInvalidState, before)
	s.wantCode(s.as(s.lender, Command{Payload: &WriteOff{MatchID: m1.ID, Reason: "x"}}), CodeNotFound, before)

	late := s.m.LateInterest(s.m.s.Matches.get(m2.ID))
	res := s.must(s.as(s.lender, Command{Payload: &ExerciseRecourse{MatchID: m2.ID, Reason: "核心企业逾期"}}))
	if res.Match.Status != MatchRecourse || res.Match.RecourseFen != 2_000_000+late {
		t.Fatalf("recourse: %s owed %d, want %d", res.Match.Status, res.Match.RecourseFen, 2_000_000+late)
	}
	res = s.must(s.as(noRecourse, Command{Payload: &WriteOff{MatchID: m1.ID, Reason: "不良"}}))
	if res.Match.Status != MatchWrittenOff || res.Match.WrittenOffFen < 1_000_000 {
		t.Fatalf("write-off: %s %d", res.Match.Status, res.Match.WrittenOffFen)
	}
	if o := s.m.s.Offers.get(m1.OfferID); o.UsedFen != 0 {
		t.Fatalf("written-off line still uses %d", o.UsedFen)
	}
	s.passDays(20)
	if got := s.m.LateInterest(s.m.s.Matches.get(m2.ID)); got != late {
		t.Fatalf("late interest after recourse moved to %d from %d", got, late)
	}
	s.checkInvariants()
}
