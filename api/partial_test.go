// SPDX-License-Identifier: Apache-2.0

package api

import (
	"net/http"
	"testing"
)

// docs/matching.md "Partial fills" over HTTP: min_fill_fen lets two lenders finance
// one listing; the listing and receivable show the fills; funding both funds it.
func TestListPartialFill(t *testing.T) {
	e := newTestEnv(t, unlimited(), withRequestValidation())
	sme, core, l1, l2 := e.sme("", ""), e.core("AAA"), e.lender(), e.lender()
	e.offer(l1, core, 35_000_000, 300)
	e.offer(l2, core, 40_000_000, 420)
	r := e.financeable(sme, core, 60_000_000, 90)
	var v listingResponse
	e.postJSON(sme.Token, "/v1/receivables/"+r.ID+"/listings",
		map[string]int64{"max_rate_bps": 1000, "min_fill_fen": 10_000_000}, http.StatusCreated, &v)
	if len(v.Matches) != 2 || v.Match == nil || v.Match.ID != v.Matches[0].ID || v.Listing.Status != "matched" ||
		v.Listing.FilledFen != 60_000_000 || v.Listing.RestingFen != 0 || v.Listing.MinFillFen != 10_000_000 {
		t.Fatalf("listing = %+v", v)
	}
	if v.Matches[0].Amount != 35_000_000 || v.Matches[0].RateBps != 300 || v.Matches[1].Amount != 25_000_000 || v.Matches[1].RateBps != 420 {
		t.Fatalf("fills %+v, want ¥350k at 300 bps then ¥250k at 420", v.Matches)
	}
	for i, lender := range []*testParty{l1, l2} {
		e.postJSON(lender.Token, "/v1/matches/"+v.Matches[i].ID+"/fund", map[string]string{"reference": "SWIFT-1"}, http.StatusOK, nil)
	}
	if got := e.receivable(sme.Token, r.ID); got.Status != "funded" {
		t.Fatalf("receivable after both fills funded: %s", got.Status)
	}
	e.wantProblem(e.do("POST", "/v1/receivables/"+e.financeable(sme, core, 1_000, 90).ID+"/listings", sme.Token,
		map[string]int64{"max_rate_bps": 1000, "min_fill_fen": 1_001}), http.StatusBadRequest, "validation_failed")
}
