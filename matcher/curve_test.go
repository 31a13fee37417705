// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"strings"
	"testing"
)

// docs/matching.md §2: an offer may price by score with a rate curve.

func curveOffer(core string, line int64, c RateCurve) Command {
	return Command{Payload: &PostOffer{CoreID: core, LineAmount: line, MaxTenorDays: 365, RateCurve: &c}}
}

func TestRateCurveQuote(t *testing.T) {
	c := RateCurve{BaseBps: 300, BpsPer100Points: 15, MaxBps: 360}
	for _, x := range []struct {
		score int
		want  int64
	}{{1000, 300}, {900, 315}, {899, 316}, {800, 330}, {701, 345}, {600, 360}, {500, 360}, {0, 360}} {
		if got := c.Quote(x.score); got != x.want {
			t.Errorf("Quote(%d) = %d, want %d", x.score, got, x.want)
		}
	}
}

// A tier-3 fragment scores lower than its tier-1 parent: bands make a small score
// difference a band's price step; a curve charges it pro rata.
func TestRateCurveMatchesByScore(t *testing.T) {
	w := newWorld(t)
	cl := w.cluster(LevelNational)
	a, b, c := w.sme(cl, "specialized"), w.sme(cl, "specialized"), w.sme(cl, "specialized")
	core, lender := w.core("AAA"), w.lender()
	curve := RateCurve{BaseBps: 250, BpsPer100Points: 20, MaxBps: 500}
	w.must(w.as(lender, curveOffer(core, 1_000_000_000_00, curve)))
	root := w.financeable(a, core, 3_000_000_00, 120)
	t2 := w.transfer(root, b, 1_000_000_00)
	w.anchor()
	t3 := w.transfer(t2, c, 400_000_00)
	w.anchor()
	var rates []int64
	for _, id := range []string{root, t2, t3} {
		r := w.list(id, 1000)
		if r.Match == nil {
			t.Fatalf("listing of %s did not match", id)
		}
		sc := w.m.ScoreOf(w.rcv(id)).Total
		if want := curve.Quote(sc); r.Match.RateBps != want {
			t.Fatalf("%s (score %d) at %d bps, want the curve's %d", id, sc, r.Match.RateBps, want)
		}
		if !strings.Contains(r.Match.QuoteReason.String(), "on the curve") {
			t.Fatalf("quote reason %q", r.Match.QuoteReason.String())
		}
		rates = append(rates, r.Match.RateBps)
	}
	if rates[2] < rates[0] || rates[2]-rates[0] > 50 {
		t.Fatalf("rates by tier %v: want tier 3 within 50 bps above tier 1", rates)
	}
	w.checkInvariants()
}

func TestRateCurveRefusals(t *testing.T) {
	w := newWorld(t)
	core, lender := w.core("AAA"), w.lender()
	for name, c := range map[string]Command{
		"no base":        curveOffer(core, 1000, RateCurve{BpsPer100Points: 1, MaxBps: 10}),
		"max below base": curveOffer(core, 1000, RateCurve{BaseBps: 300, MaxBps: 200}),
		"negative slope": curveOffer(core, 1000, RateCurve{BaseBps: 300, BpsPer100Points: -1, MaxBps: 400}),
		"above 100%":     curveOffer(core, 1000, RateCurve{BaseBps: 300, MaxBps: 10_001}),
	} {
		r := w.as(lender, c)
		if r.Err == nil || r.Err.Code != CodeValidation {
			t.Errorf("%s: %+v, want validation_failed", name, r.Err)
		}
	}
	both := curveOffer(core, 1000, RateCurve{BaseBps: 300, MaxBps: 400})
	both.Payload.(*PostOffer).RatesBps = Rates{A: 300}
	w.wantCode(w.as(lender, both), CodeValidation, w.hash())
}
