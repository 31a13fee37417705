// SPDX-License-Identifier: Apache-2.0

package api

import (
	"net/http"
	"slices"
	"testing"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/matcher"
)

// lateInterest is docs/api.md's formula ("Overdue"): floor(P × late_rate_bps × days
// / 3,650,000), in integers.
func lateInterest(principal, lateRateBps int64, days int) int64 {
	return principal * lateRateBps * int64(days) / 3_650_000
}

// TestServicingOverTimeHTTP moves the journal's clock to walk what happens after
// funding over HTTP (docs/api.md "Repayment, early settlement, overdue and
// recourse"): an early settlement with its rebate; maturity and grace → overdue with
// late interest computed on read; recourse where the offer allowed it (409 where
// not); a write-off; partial payments and receipts until repaid. Every figure is
// checked against the documented formulas, and the lender's feed shows each change.
func TestServicingOverTimeHTTP(t *testing.T) {
	e := newTestEnv(t, withClock())
	a := e.sme("", "")
	recourseLender, plainLender := e.lender(), e.lender()
	// One core per fill, so each listing meets the one offer meant for it.
	funded := func(lender *testParty, late int64, recourse bool, amount int64, dueDays int) (*testParty, ReceivableView, matchView) {
		t.Helper()
		core := e.core("AA")
		e.postOffer(lender, map[string]any{"core_id": core.ID, "line_amount": 1_000_000_000, "max_tenor_days": 365,
			"rates_bps": map[string]int64{"A": 600, "B": 600, "C": 600}, "late_rate_bps": late, "recourse": recourse})
		r := e.financeable(a, core, amount, dueDays)
		l := e.list(a, r.ID, 900)
		if l.Match == nil {
			t.Fatalf("listing of %s was not matched", r.ID)
		}
		var mv matchView
		e.postJSON(lender.Token, "/v1/matches/"+l.Match.ID+"/fund", map[string]string{"reference": "SWIFT-" + r.ID}, http.StatusOK, &mv)
		return core, r, mv
	}
	core1, r1, m1 := funded(recourseLender, 1800, true, 100_000_00, 30) // goes overdue; recourse
	_, _, m2 := funded(plainLender, 1200, false, 50_000_00, 30)         // goes overdue; no recourse: write-off
	core3, r3, m3 := funded(recourseLender, 1800, true, 60_000_00, 30)  // goes overdue; paid in parts
	core4, r4, m4 := funded(plainLender, 1200, false, 80_000_00, 90)    // settled early
	match := func(lender *testParty, id string) matchView {
		t.Helper()
		var mv matchView
		e.getJSON(lender.Token, "/v1/matches/"+id, &mv)
		return mv
	}

	// Day 0: nothing is overdue, so neither recourse nor write-off applies.
	before := e.stateHash()
	e.wantProblem(e.post(recourseLender.Token, "/v1/matches/"+m1.ID+"/recourse", map[string]string{"reason": "早"}), http.StatusConflict, matcher.CodeInvalidState)
	e.wantProblem(e.post(plainLender.Token, "/v1/matches/"+m2.ID+"/write-off", map[string]string{"reason": "早"}), http.StatusConflict, matcher.CodeInvalidState)
	e.unchanged(t, before, nil)

	// Day 10: early settlement of m4, 80 days before its due date. The lender
	// returns floor(P × rate × days_early / 3,650,000) of the discount.
	e.Clock.advanceDays(10)
	e.tick()
	daysEarly := int(mustDate(t, r4.DueDate) - e.today())
	if daysEarly != 80 {
		t.Fatalf("days early = %d, want 80 (the clock moved 10 days)", daysEarly)
	}
	rebate := m4.Amount * m4.RateBps * int64(daysEarly) / 3_650_000
	if rebate <= 0 || rebate != matcher.EarlyRebate(m4.Amount, m4.RateBps, daysEarly) {
		t.Fatalf("rebate %d: the documented formula and matcher.EarlyRebate disagree", rebate)
	}
	var rv ReceivableView
	e.postJSON(core4.Token, "/v1/receivables/"+r4.ID+"/payments", map[string]any{"match_id": m4.ID, "amount": m4.Amount - rebate, "reference": "CNAPS-4"}, http.StatusCreated, &rv)
	e.wantProblem(e.post(plainLender.Token, "/v1/matches/"+m4.ID+"/repayments", map[string]any{"amount": m4.Amount + 1, "reference": "R"}), http.StatusConflict, matcher.CodeInsufficientAmount)
	var mv matchView
	e.postJSON(plainLender.Token, "/v1/matches/"+m4.ID+"/repayments", map[string]any{"amount": m4.Amount - rebate, "reference": "RCPT-4"}, http.StatusCreated, &mv)
	if mv.Status != "repaid" || mv.Rebate != rebate || mv.Outstanding != 0 || mv.LateInterest != 0 {
		t.Fatalf("early-settled match = %+v, want repaid with rebate %d", mv, rebate)
	}
	if got := e.receivable(core4.Token, r4.ID); got.Status != "settled" {
		t.Fatalf("invoice %s is %s after its one fill was repaid, want settled", r4.ID, got.Status)
	}

	// Day 40: 30-day claims are past due + 3 days' grace: the tick makes them overdue.
	e.Clock.advanceDays(30)
	e.tick()
	lateFrom := mustDate(t, r1.DueDate) + 3
	days := int(e.today() - lateFrom)
	if days != 7 {
		t.Fatalf("days late = %d, want 7", days)
	}
	mv = match(recourseLender, m1.ID)
	if mv.Status != "overdue" || mv.LateInterest != lateInterest(m1.Amount, 1800, days) || mv.Outstanding != m1.Amount+mv.LateInterest {
		t.Fatalf("overdue match = %+v, want late interest %d", mv, lateInterest(m1.Amount, 1800, days))
	}
	if got := e.receivable(core1.Token, r1.ID); got.Status != "overdue" {
		t.Fatalf("invoice %s is %s past due and grace, want overdue", r1.ID, got.Status)
	}
	// Day 45: computed on read, not stored per day.
	e.Clock.advanceDays(5)
	e.tick()
	days += 5
	if mv = match(recourseLender, m1.ID); mv.LateInterest != lateInterest(m1.Amount, 1800, days) {
		t.Fatalf("late interest on day 45 = %d, want %d", mv.LateInterest, lateInterest(m1.Amount, 1800, days))
	}
	e.view(func(m *matcher.Matcher) {
		if mt, err := m.Match(matcher.ActorOperator, m1.ID); err != nil || mt.LateAccruedFen != 0 {
			t.Fatalf("late interest was stored (%+v): it is computed on read", mt)
		}
	})

	// Recourse where the offer allowed it; not where it did not (stable code, nothing changed).
	before = e.stateHash()
	e.wantProblem(e.post(plainLender.Token, "/v1/matches/"+m2.ID+"/recourse", map[string]string{"reason": "逾期"}), http.StatusConflict, matcher.CodeInvalidState)
	e.wantProblem(e.post(plainLender.Token, "/v1/matches/"+m1.ID+"/recourse", map[string]string{"reason": "逾期"}), http.StatusNotFound, matcher.CodeNotFound)
	e.unchanged(t, before, nil)
	owed1 := m1.Amount + lateInterest(m1.Amount, 1800, days)
	e.postJSON(recourseLender.Token, "/v1/matches/"+m1.ID+"/recourse", map[string]string{"reason": "逾期"}, http.StatusOK, &mv)
	if mv.Status != "recourse" || mv.SellerOwes != owed1 || mv.ClosedAt == nil || mv.CloseReason == nil || *mv.CloseReason != "逾期" {
		t.Fatalf("match after recourse = %+v, want seller_owes %d", mv, owed1)
	}
	owed2 := m2.Amount + lateInterest(m2.Amount, 1200, days)
	e.postJSON(plainLender.Token, "/v1/matches/"+m2.ID+"/write-off", map[string]string{"reason": "核销"}, http.StatusOK, &mv)
	if mv.Status != "written_off" || mv.WrittenOff != owed2 || mv.Outstanding != 0 {
		t.Fatalf("match after write-off = %+v, want written_off %d", mv, owed2)
	}
	e.wantProblem(e.post(plainLender.Token, "/v1/matches/"+m2.ID+"/write-off", map[string]string{"reason": "again"}), http.StatusConflict, matcher.CodeInvalidState)

	// m3: a partial payment on day 45 — late interest first, then principal — then
	// the rest on day 55, with interest on the principal left since the receipt.
	late3 := lateInterest(m3.Amount, 1800, days)
	e.postJSON(core3.Token, "/v1/receivables/"+r3.ID+"/payments", map[string]any{"match_id": m3.ID, "amount": 20_000_00, "reference": "CNAPS-31"}, http.StatusCreated, &rv)
	e.postJSON(recourseLender.Token, "/v1/matches/"+m3.ID+"/repayments", map[string]any{"amount": 20_000_00, "reference": "RCPT-31"}, http.StatusCreated, &mv)
	if mv.Status != "overdue" || len(mv.Repayments) != 1 || mv.Repayments[0].Interest != late3 || mv.Repayments[0].Principal != 20_000_00-late3 {
		t.Fatalf("after a partial receipt: %+v, want interest %d first", mv, late3)
	}
	principal := m3.Amount - (20_000_00 - late3)
	e.Clock.advanceDays(10)
	e.tick()
	mv = match(recourseLender, m3.ID)
	wantLate := late3 + lateInterest(principal, 1800, 10)
	if mv.LateInterest != wantLate || mv.LateInterestPaid != late3 || mv.Outstanding != principal+wantLate-late3 {
		t.Fatalf("day 55: %+v, want late interest %d (paid %d) and outstanding %d", mv, wantLate, late3, principal+wantLate-late3)
	}
	rest := mv.Outstanding
	e.postJSON(core3.Token, "/v1/receivables/"+r3.ID+"/payments", map[string]any{"match_id": m3.ID, "amount": rest, "reference": "CNAPS-32"}, http.StatusCreated, &rv)
	e.postJSON(recourseLender.Token, "/v1/matches/"+m3.ID+"/repayments", map[string]any{"amount": rest, "reference": "RCPT-32"}, http.StatusCreated, &mv)
	if mv.Status != "repaid" || mv.Outstanding != 0 || mv.Repaid != m3.Amount || mv.LateInterestPaid != wantLate || mv.Rebate != 0 {
		t.Fatalf("after the last receipt: %+v, want repaid", mv)
	}
	if got := e.receivable(core3.Token, r3.ID); got.Status != "settled" {
		t.Fatalf("invoice %s is %s once its fill is repaid, want settled", r3.ID, got.Status)
	}

	// The lenders' feeds show every change, with its amount.
	var feed []wire.Event
	e.getJSON(recourseLender.Token, "/v1/events?limit=500", &struct{ Items *[]wire.Event }{&feed})
	want := []string{"match.overdue " + m1.ID, "match.overdue " + m3.ID, "match.recourse " + m1.ID,
		"match.payment " + m3.ID, "match.repayment " + m3.ID, "match.payment " + m3.ID, "match.repayment " + m3.ID, "match.repaid " + m3.ID}
	var got []string
	for _, ev := range feed {
		if ev.Object == "match" && ev.Type != "match.created" && ev.Type != "match.funded" {
			got = append(got, ev.Type+" "+ev.ObjectID)
		}
		switch {
		case ev.Type == "match.recourse" && ev.ChangeFen != owed1,
			ev.Type == "match.repayment" && ev.ObjectID == m3.ID && ev.ChangeFen != 20_000_00 && ev.ChangeFen != rest,
			ev.Type == "match.payment" && ev.Reference == "":
			t.Errorf("event %+v", ev)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("the recourse lender's match events:\n got %q\nwant %q", got, want)
	}
	var plain []wire.Event
	e.getJSON(plainLender.Token, "/v1/events?limit=500", &struct{ Items *[]wire.Event }{&plain})
	found := false
	for _, ev := range plain {
		if ev.Type == "match.written_off" && ev.ObjectID == m2.ID {
			found = ev.ChangeFen == owed2
		}
		if ev.ObjectID == m1.ID {
			t.Fatalf("the plain lender sees %s of another lender's match", ev.Type)
		}
	}
	if !found {
		t.Fatalf("no match.written_off event of %s with change_amount %d in %+v", m2.ID, owed2, plain)
	}
}
