// SPDX-License-Identifier: Apache-2.0

package api

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/merkle"
)

// TestServicingHTTP walks docs/api.md's "Servicing" over HTTP: a rejection, a credit
// note that reaches a financed fragment, payments, an early repayment with its
// rebate, and a participant change with its history; refusals change nothing.
func TestServicingHTTP(t *testing.T) {
	e := newTestEnv(t)
	e.servicingLifecycle()
	// Bad bodies are refused and change nothing.
	core, a := e.core("A"), e.sme("", "")
	r := e.invoice(a, core, 1_000_00, 60)
	before := e.stateHash()
	for _, body := range []any{map[string]string{}, map[string]any{"reason": "x", "extra": 1}, map[string]string{"reason": string(make([]byte, 201))}} {
		e.wantProblem(e.post(core.Token, "/v1/receivables/"+r.ID+"/reject", body), http.StatusBadRequest, matcher.CodeValidation)
	}
	for _, body := range []map[string]any{{"amount": 0, "reference": "R"}, {"amount": 1}, {"amount": "1", "reference": "R"}} {
		e.wantProblem(e.post(core.Token, "/v1/receivables/"+r.ID+"/payments", body), http.StatusBadRequest, matcher.CodeValidation)
	}
	e.wantProblem(e.post(e.Admin.Token, "/v1/participants/"+core.ID+"/changes", map[string]string{"rating": "AAA"}), http.StatusBadRequest, matcher.CodeValidation)
	e.unchanged(t, before, nil)
	e.wantProblem(e.get(core.Token, "/v1/receivables/"+r.ID+"/credit-notes/typed-data?amount=1&reason=x&salt=0x01"), http.StatusBadRequest, matcher.CodeValidation)
}

// servicingRun is what servicingLifecycle made, for the tests that read its events.
type servicingRun struct {
	core, a, b, lender *testParty
	inv, frag          ReceivableView
	match              matchView
	rebate             int64
}

// servicingLifecycle runs every servicing operation at least once (the lifecycle
// test requires each documented operation answered).
func (e *testEnv) servicingLifecycle() servicingRun {
	t := e.t
	t.Helper()
	op := e.Admin.Token
	core, a, b, lender := e.core("AA"), e.sme("", ""), e.sme("", ""), e.lender()

	// §Disputes: a core rejects what it has not confirmed; a confirmed claim is not.
	pending := e.invoice(a, core, 50_000_00, 60)
	other := e.core("A")
	before := e.stateHash()
	e.wantProblem(e.post(a.Token, "/v1/receivables/"+pending.ID+"/reject", map[string]string{"reason": "x"}), http.StatusForbidden, matcher.CodeForbidden)
	e.wantProblem(e.post(other.Token, "/v1/receivables/"+pending.ID+"/reject", map[string]string{"reason": "x"}), http.StatusNotFound, matcher.CodeNotFound)
	e.unchanged(t, before, nil)
	var rv ReceivableView
	e.postJSON(core.Token, "/v1/receivables/"+pending.ID+"/reject", map[string]string{"reason": "货物未到"}, http.StatusOK, &rv)
	if rv.Status != "rejected" || rv.RejectReason == nil || *rv.RejectReason != "货物未到" {
		t.Fatalf("rejected receivable = %s %v", rv.Status, rv.RejectReason)
	}
	var rp page[ReceivableView]
	e.getJSON(core.Token, "/v1/receivables?status=rejected", &rp)
	if len(rp.Items) != 1 || rp.Items[0].ID != pending.ID {
		t.Fatalf("GET /v1/receivables?status=rejected = %+v", rp.Items)
	}

	// An offer with servicing terms; an invoice of ¥100,000.00, ¥40,000.00 passed
	// to b, who finances it.
	off := e.postOffer(lender, map[string]any{"core_id": core.ID, "line_amount": 1_000_000_000, "max_tenor_days": 365,
		"rates_bps": map[string]int64{"A": 500, "B": 500, "C": 500}, "late_rate_bps": 1800, "recourse": true})
	if off.LateRateBps != 1800 || !off.Recourse {
		t.Fatalf("offer = %+v, want late_rate_bps 1800 and recourse", off)
	}
	inv := e.financeable(a, core, 100_000_00, 90)
	e.wantProblem(e.post(core.Token, "/v1/receivables/"+inv.ID+"/reject", map[string]string{"reason": "dispute"}), http.StatusConflict, matcher.CodeInvalidState)
	frag := e.transfer(a, inv.ID, b, 40_000_00)
	e.settleLedger()
	l := e.list(b, frag.ID, 900)
	if l.Match == nil {
		t.Fatalf("listing of the fragment was not matched: %+v", l)
	}
	var mv matchView
	e.postJSON(lender.Token, "/v1/matches/"+l.Match.ID+"/fund", map[string]string{"reference": "SWIFT-1"}, http.StatusOK, &mv)

	// §Credit notes: ¥70,000.00 — ¥60,000.00 off the invoice's own part, ¥10,000.00
	// off the fill, which the seller owes the lender.
	before = e.stateHash()
	e.wantProblem(e.post(core.Token, "/v1/receivables/"+inv.ID+"/credit-notes", map[string]any{
		"amount": 70_000_00, "reason": "退货", "salt": newSalt(t).Hex(), "signature": randomSignature(t)}), http.StatusConflict, matcher.CodeInvalidSignature)
	e.unchanged(t, before, nil)
	salt := newSalt(t)
	q := url.Values{"amount": {strconv.Itoa(70_000_00)}, "reason": {"退货"}, "salt": {salt.Hex()}}
	r := e.get(core.Token, "/v1/receivables/"+inv.ID+"/credit-notes/typed-data?"+q.Encode())
	e.mustStatus(r, http.StatusOK, nil)
	sig := signTypedData(t, core.Key, r.Body)
	e.postJSON(core.Token, "/v1/receivables/"+inv.ID+"/credit-notes", map[string]any{
		"amount": 70_000_00, "reason": "退货", "salt": salt.Hex(), "signature": sig}, http.StatusCreated, &rv)
	if len(rv.CreditNotes) != 1 || rv.Remaining != 0 || rv.Credited != 60_000_00 {
		t.Fatalf("invoice after the credit note: remaining %d credited %d notes %+v", rv.Remaining, rv.Credited, rv.CreditNotes)
	}
	n := rv.CreditNotes[0]
	if len(n.Allocations) != 2 || n.Allocations[1].MatchID == nil || *n.Allocations[1].MatchID != mv.ID || n.Allocations[1].Amount != 10_000_00 {
		t.Fatalf("allocations = %+v", n.Allocations)
	}
	e.getJSON(lender.Token, "/v1/matches/"+mv.ID, &mv)
	if mv.Dilution != 10_000_00 || mv.SellerOwes != 10_000_00 || mv.Outstanding != 30_000_00 {
		t.Fatalf("match after dilution: %+v", mv)
	}
	e.settleLedger()
	// The credit note's proof carries the signed note: its leaf recomputes from it.
	e.checkProof(core.Token, inv, "credit_note", merkle.KindCreditNote)

	// §Repayment: the core records paying the lender; the lender confirms before the
	// due date, so the discount not yet earned comes back as a rebate.
	e.wantProblem(e.post(core.Token, "/v1/receivables/"+frag.ID+"/payments", map[string]any{"amount": 1, "reference": "P"}), http.StatusConflict, matcher.CodeInsufficientAmount)
	e.postJSON(core.Token, "/v1/receivables/"+frag.ID+"/payments", map[string]any{"match_id": mv.ID, "amount": 30_000_00, "reference": "CNAPS-9"}, http.StatusCreated, &rv)
	if len(rv.Payments) != 1 || rv.Payments[0].MatchID == nil {
		t.Fatalf("payments = %+v", rv.Payments)
	}
	var due int
	e.view(func(m *matcher.Matcher) { due = int(mustDate(t, frag.DueDate) - m.Today()) })
	rebate := matcher.EarlyRebate(30_000_00, mv.RateBps, due)
	e.wantProblem(e.post(core.Token, "/v1/matches/"+mv.ID+"/repayments", map[string]any{"amount": 1, "reference": "R"}), http.StatusForbidden, matcher.CodeForbidden)
	e.wantProblem(e.post(lender.Token, "/v1/matches/"+mv.ID+"/repayments", map[string]any{"amount": 30_000_01, "reference": "R"}), http.StatusConflict, matcher.CodeInsufficientAmount)
	e.postJSON(lender.Token, "/v1/matches/"+mv.ID+"/repayments", map[string]any{"amount": 30_000_00 - rebate, "reference": "RCPT-1"}, http.StatusCreated, &mv)
	if mv.Status != "repaid" || mv.Rebate != rebate || mv.Outstanding != 0 || len(mv.Repayments) != 1 || mv.ClosedAt == nil {
		t.Fatalf("match after the receipt: %+v (rebate want %d)", mv, rebate)
	}
	e.wantProblem(e.post(lender.Token, "/v1/matches/"+mv.ID+"/recourse", map[string]string{"reason": "x"}), http.StatusConflict, matcher.CodeInvalidState)
	e.wantProblem(e.post(lender.Token, "/v1/matches/"+mv.ID+"/write-off", map[string]string{"reason": "x"}), http.StatusConflict, matcher.CodeInvalidState)
	if got := e.receivable(core.Token, inv.ID); got.Status != "settled" {
		t.Fatalf("invoice is %s once nothing is owed, want settled", got.Status)
	}

	// §Participant changes: the operator, with a reason; the participant sees its history.
	e.wantProblem(e.post(core.Token, "/v1/participants/"+core.ID+"/changes", map[string]string{"rating": "AAA", "reason": "r"}), http.StatusForbidden, matcher.CodeForbidden)
	e.wantProblem(e.post(op, "/v1/participants/"+core.ID+"/changes", map[string]string{"certification": "specialized", "reason": "r"}), http.StatusBadRequest, matcher.CodeValidation)
	var pv2 participantView
	e.postJSON(op, "/v1/participants/"+core.ID+"/changes", map[string]string{"rating": "AAA", "reason": "评级上调"}, http.StatusCreated, &pv2)
	if pv2.Rating == nil || *pv2.Rating != "AAA" {
		t.Fatalf("participant after the change = %+v", pv2)
	}
	var hp wire.Page[wire.ParticipantChange]
	e.getJSON(core.Token, "/v1/participants/"+core.ID+"/changes?limit=5", &hp)
	if len(hp.Items) != 1 || hp.Items[0].From != "AA" || hp.Items[0].To != "AAA" || hp.Items[0].Reason != "评级上调" {
		t.Fatalf("history = %+v", hp)
	}
	e.wantProblem(e.get(a.Token, "/v1/participants/"+core.ID+"/changes"), http.StatusNotFound, matcher.CodeNotFound)
	return servicingRun{core: core, a: a, b: b, lender: lender, inv: inv, frag: frag, match: mv, rebate: rebate}
}

func mustDate(t testing.TB, s string) matcher.Date {
	d, ok := matcher.ParseDate(s)
	if !ok {
		t.Fatalf("bad date %q", s)
	}
	return d
}
