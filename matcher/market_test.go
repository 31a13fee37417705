// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

// Tests of listings, offers, matching and funding: docs/api.md "Listings", "Lender" and
// docs/matching.md.

// docs/api.md POST /v1/receivables/{id}/listings: "(the holder) … Needs a financeable
// receivable with at least 15 days to run (configurable), else 409 invalid_state."
func TestAPI_List_Refusals(t *testing.T) {
	w := newWorld(t)
	a, b, core, lender := w.sme("", ""), w.sme("", ""), w.core("AAA"), w.lender()
	fin := w.financeable(a, core, 1_000_000, 90)
	short := w.financeable(a, core, 1_000_000, 14)
	listed := w.financeable(a, core, 1_000_000, 90)
	w.list(listed, 500)
	gone := w.financeable(a, core, 1_000, 90)
	w.transfer(gone, b, 1_000)
	pending := w.receivable(a, core, 1_000, 90)
	confirmed := w.receivable(a, core, 1_000, 90)
	w.confirm(confirmed)
	rows := []struct {
		name  string
		actor string
		cmd   Command
		want  Code
	}{
		{"another SME is not a party", b, listCmd(fin, 500), CodeNotFound},
		{"the debtor core may not", core, listCmd(fin, 500), CodeForbidden},
		{"a lender may not", lender, listCmd(fin, 500), CodeForbidden},
		{"no such receivable", a, listCmd("rcv_999", 500), CodeNotFound},
		{"pending_confirmation", a, listCmd(pending, 500), CodeInvalidState},
		{"confirmed, ledger pending", a, listCmd(confirmed, 500), CodeInvalidState},
		{"already listed", a, listCmd(listed, 500), CodeInvalidState},
		{"transferred", a, listCmd(gone, 500), CodeInvalidState},
		{"14 days to run", a, listCmd(short, 500), CodeInvalidState},
		{"max_rate_bps 0", a, listCmd(fin, 0), CodeValidation},
		{"max_rate_bps negative", a, listCmd(fin, -1), CodeValidation},
		{"max_rate_bps above 100%", a, listCmd(fin, maxRateBps+1), CodeValidation},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			w.tb = t
			w.wantCode(w.as(row.actor, row.cmd), row.want, w.hash())
		})
	}
	w.tb = t
	for _, rate := range []int64{1, maxRateBps} {
		id := w.financeable(a, core, 1_000, 15) // exactly 15 days to run: allowed
		l := w.list(id, rate).Listing
		if l.MaxRateBps != rate || l.Status != ListingResting || w.rcv(id).Status != StatusListed {
			t.Fatalf("listing %+v, receivable %s", l, w.rcv(id).Status)
		}
	}
	w.checkInvariants()
}

// docs/api.md listings: "at least 15 days to run (configurable)".
func TestAPI_List_MinTenorConfigurable(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MinListTenorDays = 30
	w := newWorldConfig(t, cfg)
	a, core := w.sme("", ""), w.core("AAA")
	short, ok := w.financeable(a, core, 1000, 29), w.financeable(a, core, 1000, 30)
	w.wantCode(w.as(a, listCmd(short, 500)), CodeInvalidState, w.hash())
	w.list(ok, 500)
}

// docs/api.md listings: "lists the whole remaining"; DELETE /v1/listings/{id} "(the holder;
// only while resting)"; a cancelled listing gives the receivable back as financeable.
func TestAPI_List_WholeRemainingAndCancel(t *testing.T) {
	w := newWorld(t)
	a, b, core, lender := w.sme("", ""), w.sme("", ""), w.core("AAA"), w.lender()
	id := w.financeable(a, core, 1_000_000, 90)
	w.transfer(id, b, 300_000)
	res := w.list(id, 500)
	l := res.Listing
	if l.AmountFen != 700_000 || res.Match != nil {
		t.Fatalf("listing amount %d (match %v), want the whole remaining 700000 resting", l.AmountFen, res.Match)
	}
	if bk, _ := w.m.Book(core, 0); len(bk.Listings) != 1 || bk.Listings[0].AmountFen != 700_000 {
		t.Fatalf("book %+v, want the resting listing", bk)
	}
	cancel := Command{Payload: &CancelListing{ListingID: l.ID}}
	w.wantCode(w.as(b, cancel), CodeNotFound, w.hash())     // another SME: not its listing
	w.wantCode(w.as(core, cancel), CodeForbidden, w.hash()) // a core may not
	w.wantCode(w.as(lender, cancel), CodeForbidden, w.hash())
	w.wantCode(w.as(a, Command{Payload: &CancelListing{ListingID: "lst_999"}}), CodeNotFound, w.hash())
	got := w.must(w.as(a, cancel))
	if got.Listing.Status != ListingCancelled || w.rcv(id).Status != StatusFinanceable || w.rcv(id).ListingID != "" {
		t.Fatalf("after cancel: listing %s, receivable %s", got.Listing.Status, w.rcv(id).Status)
	}
	if bk, _ := w.m.Book(core, 0); len(bk.Listings) != 0 {
		t.Fatalf("book still holds %d listings", len(bk.Listings))
	}
	w.wantCode(w.as(a, cancel), CodeInvalidState, w.hash()) // no longer resting
	// Financeable again: it can be listed again, and then matched.
	w.offer(lender, core, 10_000_000, 300, 300, 300)
	m := w.list(id, 500).Match
	if m == nil {
		t.Fatal("relisting did not match")
	}
	matched := Command{Payload: &CancelListing{ListingID: m.ListingID}}
	w.wantCode(w.as(a, matched), CodeInvalidState, w.hash()) // matched, not resting
	w.checkInvariants()
}

// wantDiscount is docs/api.md's floor(amount × rate_bps × days / 3,650,000) in big integers.
func wantDiscount(amount, rate int64, days int) int64 {
	p := new(big.Int).Mul(big.NewInt(amount), big.NewInt(rate))
	p.Mul(p, big.NewInt(int64(days)))
	return p.Quo(p, big.NewInt(3_650_000)).Int64()
}

// docs/api.md matches: "discount = floor(amount × rate_bps × days / 3,650,000), advance =
// amount − discount"; the product passes 2^63 for large invoices.
func TestAPI_Discount(t *testing.T) {
	rows := []struct {
		amount, rate int64
		days         int
	}{
		{1, 1, 1}, {3_650_000, 1, 1}, {3_649_999, 1, 1}, {1_000_000, 365, 365},
		{1_000_000_000_000_000, 10_000, 365}, // 3.65·10^22 > 2^63
		{999_999_999_999_999, 9_999, 364},
		{922_337_203_685_477, 10_000, 1_000}, // amount·rate·days ≈ 2^63·1000
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		rows = append(rows, struct {
			amount, rate int64
			days         int
		}{r.Int64N(1_000_000_000_000_000) + 1, r.Int64N(maxRateBps) + 1, r.IntN(366) + 1})
	}
	for _, row := range rows {
		if got, want := Discount(row.amount, row.rate, row.days), wantDiscount(row.amount, row.rate, row.days); got != want {
			t.Fatalf("Discount(%d, %d, %d) = %d, want %d", row.amount, row.rate, row.days, got, want)
		}
	}
}

// checkMatch asserts the terms of docs/api.md GET /v1/matches on mt.
func checkMatch(t *testing.T, w *world, mt *Match, rate int64) {
	t.Helper()
	r := w.rcv(mt.ReceivableID)
	days := int(r.DueDate - w.today())
	if mt.RateBps != rate || mt.Days != days || mt.AmountFen != r.RemainingFen ||
		mt.DiscountFen != wantDiscount(mt.AmountFen, rate, days) || mt.AdvanceFen != mt.AmountFen-mt.DiscountFen {
		t.Fatalf("match %+v, want rate %d, days %d (due − match date), discount floor(amount×rate×days/3650000)", mt, rate, days)
	}
	if mt.HolderID != r.HolderID || mt.DebtorID != r.DebtorID || mt.Status != MatchMatched || r.Status != StatusMatched {
		t.Fatalf("match %+v on receivable %+v", mt, r)
	}
}

// docs/matching.md: "A new listing takes the lowest eligible quote at or below its maximum
// rate; ties go to the older offer. None: it rests." "The trade's rate is always the
// offer's quote."
func TestDesign6_LowestQuoteAtOrBelowMaxRate_TiesToOlder(t *testing.T) {
	w := newWorld(t)
	a, core, l1, l2 := w.sme("", ""), w.core("AAA"), w.lender(), w.lender()
	w.offer(l1, core, 10_000_000, 500, 500, 500)
	o400 := w.offer(l2, core, 10_000_000, 400, 400, 400)
	w.offer(l1, core, 10_000_000, 450, 450, 450)
	o400b := w.offer(l1, core, 10_000_000, 400, 400, 400) // ties with o400, younger
	id := w.financeable(a, core, 1_234_567, 83)
	mt := w.list(id, 10_000).Match
	if mt == nil || mt.OfferID != o400 || mt.LenderID != l2 {
		t.Fatalf("match %+v, want the older of the 400 bps offers %s", mt, o400)
	}
	checkMatch(t, w, mt, 400) // the offer's quote, not the listing's 10,000
	if o := w.m.s.Offers.get(o400); o.ReservedFen != mt.AmountFen || o.Available() != o.LineFen-mt.AmountFen {
		t.Fatalf("offer reserved %d available %d after a match of %d", o.ReservedFen, o.Available(), mt.AmountFen)
	}
	if rc := w.rcv(id); len(rc.Lenders) != 1 || rc.Lenders[0] != l2 || rc.MatchID != mt.ID {
		t.Fatalf("receivable lenders %v match %s", rc.Lenders, rc.MatchID)
	}
	// Below every quote: it rests.
	below := w.financeable(a, core, 1_000_000, 83)
	if res := w.list(below, 399); res.Match != nil || res.Listing.Status != ListingResting {
		t.Fatalf("list at 399 bps = %+v, want resting", res)
	}
	// Exactly at the quote: "at or below".
	at := w.financeable(a, core, 1_000_000, 83)
	if mt := w.list(at, 400).Match; mt == nil || mt.OfferID != o400 {
		t.Fatalf("list at 400 bps = %+v, want a match on %s", mt, o400)
	}
	// With the older line gone the tie goes to the younger.
	w.must(w.as(l2, Command{Payload: &CancelOffer{OfferID: o400}}))
	next := w.financeable(a, core, 1_000_000, 83)
	if mt := w.list(next, 10_000).Match; mt == nil || mt.OfferID != o400b {
		t.Fatalf("match %+v, want %s", mt, o400b)
	}
	w.checkInvariants()
}

// docs/api.md matches, end to end at the largest invoice: amount × rate × days is
// 10^15 × 3650 × 200 ≈ 7.3·10^20, far above 2^63 ≈ 9.2·10^18.
func TestAPI_MatchDiscountAboveInt64Product(t *testing.T) {
	w := newWorld(t)
	a, core, l := w.sme("", ""), w.core("AAA"), w.lender()
	id := w.financeable(a, core, maxAmountFen, 200)
	w.offer(l, core, maxAmountFen, 3650, 3650, 3650)
	mt := w.list(id, 10_000).Match
	if mt == nil || mt.DiscountFen != 200_000_000_000_000 || mt.AdvanceFen != 800_000_000_000_000 {
		t.Fatalf("match %+v, want discount 2·10^14 and advance 8·10^14", mt)
	}
	checkMatch(t, w, mt, 3650)
	w.checkInvariants()
}

// docs/matching.md: "An offer is eligible for a listing when: the band is priced and the
// score is at least the offer's minimum; the remaining tenor is within its maximum; the
// amount is within its ticket size and its remaining line; the SME's cluster and
// certification meet the offer's filters." docs/scoring.md: "expired counts as none".
// Each row makes a cheap offer eligible or not through one filter alone; a dearer
// plain offer catches the listing when the cheap one may not.
func TestDesign6_EachEligibilityFilter(t *testing.T) {
	type fixture struct {
		cl, short, other string
		band             string
		score, tenor     int
		amount           int64
	}
	plain := func(w *world, f *fixture) string { return w.sme("", "") }
	inCluster := func(w *world, f *fixture) string { return w.sme(f.cl, "") }
	inShortCluster := func(w *world, f *fixture) string { return w.sme(f.short, "") }
	certified := func(c Certification, days int) func(w *world, f *fixture) string {
		return func(w *world, f *fixture) string { return w.smeCert("", c, days) }
	}
	rows := []struct {
		name     string
		holder   func(*world, *fixture) string
		advance  int
		mut      func(o *PostOffer, f fixture)
		eligible bool
	}{
		{"no filter", plain, 0, func(*PostOffer, fixture) {}, true},
		{"band not priced", plain, 0, func(o *PostOffer, f fixture) { o.RatesBps = Rates{A: 300} }, false},
		{"band priced alone", plain, 0, func(o *PostOffer, f fixture) { o.RatesBps = Rates{A: 900, B: 300} }, true},
		{"min_score above the score", plain, 0, func(o *PostOffer, f fixture) { o.MinScore = f.score + 1 }, false},
		{"min_score at the score", plain, 0, func(o *PostOffer, f fixture) { o.MinScore = f.score }, true},
		{"max_tenor_days below the tenor", plain, 0, func(o *PostOffer, f fixture) { o.MaxTenorDays = f.tenor - 1 }, false},
		{"max_tenor_days at the tenor", plain, 0, func(o *PostOffer, f fixture) { o.MaxTenorDays = f.tenor }, true},
		{"min_ticket above the amount", plain, 0, func(o *PostOffer, f fixture) { o.MinTicket = f.amount + 1 }, false},
		{"min_ticket at the amount", plain, 0, func(o *PostOffer, f fixture) { o.MinTicket = f.amount }, true},
		{"max_ticket below the amount", plain, 0, func(o *PostOffer, f fixture) { o.MaxTicket = f.amount - 1 }, false},
		{"max_ticket at the amount", plain, 0, func(o *PostOffer, f fixture) { o.MaxTicket = f.amount }, true},
		{"line below the amount", plain, 0, func(o *PostOffer, f fixture) { o.LineAmount = f.amount - 1 }, false},
		{"line at the amount", plain, 0, func(o *PostOffer, f fixture) { o.LineAmount = f.amount }, true},
		{"cluster_ids without the SME's", inCluster, 0, func(o *PostOffer, f fixture) { o.ClusterIDs = []string{f.other} }, false},
		{"cluster_ids with the SME's", inCluster, 0, func(o *PostOffer, f fixture) { o.ClusterIDs = []string{f.other, f.cl} }, true},
		{"cluster_ids, SME in no cluster", plain, 0, func(o *PostOffer, f fixture) { o.ClusterIDs = []string{f.cl} }, false},
		{"cluster_ids, cluster valid its last day", inShortCluster, 20, func(o *PostOffer, f fixture) { o.ClusterIDs = []string{f.short} }, true},
		{"cluster_ids, cluster expired", inShortCluster, 21, func(o *PostOffer, f fixture) { o.ClusterIDs = []string{f.short} }, false},
		{"min_certification above", certified(CertInnovative, 300), 0, func(o *PostOffer, f fixture) { o.MinCertification = "specialized" }, false},
		{"min_certification at", certified(CertInnovative, 300), 0, func(o *PostOffer, f fixture) { o.MinCertification = "innovative" }, true},
		{"min_certification below", certified(CertLittleGiant, 300), 0, func(o *PostOffer, f fixture) { o.MinCertification = "specialized" }, true},
		{"min_certification none", plain, 0, func(o *PostOffer, f fixture) { o.MinCertification = "none" }, true},
		{"min_certification, uncertified", plain, 0, func(o *PostOffer, f fixture) { o.MinCertification = "innovative" }, false},
		{"certification valid its last day", certified(CertLittleGiant, 20), 20, func(o *PostOffer, f fixture) { o.MinCertification = "innovative" }, true},
		{"certification expired", certified(CertLittleGiant, 20), 21, func(o *PostOffer, f fixture) { o.MinCertification = "innovative" }, false},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			w := newWorld(t)
			f := fixture{cl: w.cluster(LevelNational), short: w.clusterUntil(LevelProvincial, 20), other: w.cluster(LevelProvincial), amount: 1_000_000}
			core, cheapL, dearL := w.core("AAA"), w.lender(), w.lender()
			id := w.financeable(row.holder(w, &f), core, f.amount, 90)
			w.passDays(row.advance)
			sc := w.m.ScoreOf(w.rcv(id))
			f.score, f.band, f.tenor = sc.Total, sc.Band, int(w.rcv(id).DueDate-w.today())
			if row.name == "band not priced" && f.band == "A" {
				t.Fatalf("fixture scores %d (band A): cannot leave its band unpriced", f.score)
			}
			cheap := w.offerCmd(core, 10_000_000, 300, 300, 300)
			row.mut(cheap.Payload.(*PostOffer), f)
			cheapID := w.must(w.as(cheapL, cheap)).Offer.ID
			dearID := w.offer(dearL, core, 10_000_000, 500, 500, 500)
			mt := w.list(id, 10_000).Match
			want, rate := dearID, int64(500)
			if row.eligible {
				want, rate = cheapID, 300
			}
			if mt == nil || mt.OfferID != want {
				t.Fatalf("match %+v, want offer %s (cheap offer eligible: %v)", mt, want, row.eligible)
			}
			checkMatch(t, w, mt, rate)
			w.checkInvariants()
		})
	}
}

// docs/matching.md: "A new or changed offer serves resting eligible listings, oldest first,
// while its line lasts."
func TestDesign6_NewOfferServesRestingOldestFirst(t *testing.T) {
	w := newWorld(t)
	a, core, lender := w.sme("", ""), w.core("AAA"), w.lender()
	r1 := w.financeable(a, core, 1_000_000, 90)
	r2 := w.financeable(a, core, 2_000_000, 90) // above the offer's max_ticket
	r3 := w.financeable(a, core, 1_000_000, 90) // its max rate is below the quote
	r4 := w.financeable(a, core, 1_000_000, 90)
	r5 := w.financeable(a, core, 1_000_000, 90)
	for _, l := range []struct {
		id   string
		rate int64
	}{{r1, 10_000}, {r2, 10_000}, {r3, 100}, {r5, 10_000}, {r4, 10_000}} { // r5 listed before r4
		if res := w.list(l.id, l.rate); res.Match != nil {
			t.Fatalf("listing with no offers matched: %+v", res.Match)
		}
	}
	w.advanceDays(10) // days are counted from the match, not the listing
	res := w.offerWith(lender, core, 2_500_000, 300, func(o *PostOffer) { o.MaxTicket = 1_500_000 })
	var got []string
	for _, mt := range res.Matches {
		got = append(got, mt.ReceivableID)
		checkMatch(t, w, &mt, 300)
		if mt.Days != 80 {
			t.Fatalf("match days %d, want 90 − 10", mt.Days)
		}
	}
	// r1 (oldest), r2 skipped (ticket), r3 skipped (rate), r5 (listed before r4); then
	// 500,000 fen of line is left, too little for r4.
	if len(got) != 2 || got[0] != r1 || got[1] != r5 {
		t.Fatalf("served %v, want [%s %s]", got, r1, r5)
	}
	if o := res.Offer; o.ReservedFen != 2_000_000 || o.Available() != 500_000 {
		t.Fatalf("offer reserved %d available %d", o.ReservedFen, o.Available())
	}
	bk, _ := w.m.Book(core, 0)
	if len(bk.Listings) != 3 {
		t.Fatalf("book holds %d listings, want r2, r3 and r4", len(bk.Listings))
	}
	res = w.offerWith(lender, core, 10_000_000, 90, nil)
	got = got[:0]
	for _, mt := range res.Matches {
		got = append(got, mt.ReceivableID)
	}
	if len(got) != 3 || got[0] != r2 || got[1] != r3 || got[2] != r4 {
		t.Fatalf("second offer served %v, want [%s %s %s]", got, r2, r3, r4)
	}
	w.checkInvariants()
}

// docs/api.md matches: "days = the due date minus the match's date"; POST /v1/matches/{id}/fund
// refuses a claim past its due date, so no offer may take a resting listing that has
// run past its due date (its "days" would be zero or negative).
func TestDesign6_NoMatchOnceDue(t *testing.T) {
	for _, advance := range []int{20, 21, 22} {
		w := newWorld(t)
		a, core, lender := w.sme("", ""), w.core("AAA"), w.lender()
		id := w.financeable(a, core, 1_000_000, 20)
		w.list(id, 10_000)
		w.advanceDays(advance) // due today or already past, within the grace period
		if res := w.offerWith(lender, core, 10_000_000, 300, nil); len(res.Matches) != 0 {
			t.Fatalf("%d days on: a listing due %d days ago was matched: %+v", advance, advance-20, res.Matches[0])
		}
		w.checkInvariants()
	}
}

// docs/api.md Lender: "DELETE /v1/offers/{id} (the lender) → 200; reserved amounts stay
// reserved"; "a match reserves its amount, funding moves it to used"; POST
// /v1/matches/{id}/fund "(the lender) … the claim is assigned to the lender (an
// anchored leaf)"; docs/matching.md "Funding moves the line from reserved to used and
// assigns the claim to the lender".
func TestAPI_CancelOfferAndFund(t *testing.T) {
	w := newWorld(t)
	a, core, l1, l2 := w.sme("", ""), w.core("AAA"), w.lender(), w.lender()
	o := w.offer(l1, core, 5_000_000, 300, 300, 300)
	id := w.financeable(a, core, 1_000_000, 90)
	mt := w.list(id, 10_000).Match
	cancel := Command{Payload: &CancelOffer{OfferID: o}}
	w.wantCode(w.as(l2, cancel), CodeNotFound, w.hash()) // another lender's offer
	w.wantCode(w.as(a, cancel), CodeForbidden, w.hash())
	w.must(w.as(l1, cancel))
	off := w.m.s.Offers.get(o)
	if off.Status != OfferCancelled || off.ReservedFen != 1_000_000 || off.UsedFen != 0 {
		t.Fatalf("cancelled offer %+v, want reserved 1000000 kept", off)
	}
	w.wantCode(w.as(l1, cancel), CodeInvalidState, w.hash())
	// A cancelled offer serves no one.
	other := w.financeable(a, core, 1_000_000, 90)
	if res := w.list(other, 10_000); res.Match != nil {
		t.Fatalf("a cancelled offer matched %+v", res.Match)
	}
	// Funding: only the match's lender.
	w.wantCode(w.as(l2, fundCmd(mt.ID)), CodeNotFound, w.hash())
	w.wantCode(w.as(a, fundCmd(mt.ID)), CodeForbidden, w.hash())
	w.wantCode(w.as(core, fundCmd(mt.ID)), CodeForbidden, w.hash())
	w.wantCode(w.as(ActorOperator, fundCmd(mt.ID)), CodeForbidden, w.hash())
	w.wantCode(w.as(l1, fundCmd("mat_999")), CodeNotFound, w.hash())
	w.wantCode(w.as(l1, Command{Payload: &Fund{MatchID: mt.ID}}), CodeValidation, w.hash())
	leavesBefore, _ := w.m.PendingCounts()
	res := w.fund(mt.ID)
	if res.Match.Status != MatchFunded || res.Match.Reference != "SWIFT-0001" || res.Receivable.Status != StatusFunded ||
		res.Receivable.AssigneeID != l1 || res.NewLeaves != 1 {
		t.Fatalf("fund = %+v", res)
	}
	if off.ReservedFen != 0 || off.UsedFen != 1_000_000 {
		t.Fatalf("after funding reserved %d used %d, want 0 and 1000000", off.ReservedFen, off.UsedFen)
	}
	leaves, _ := w.m.PendingCounts()
	last := w.m.s.Leaves[len(w.m.s.Leaves)-1]
	if leaves != leavesBefore+1 || LeafKindName(last.Kind) != "assignment" || last.MatchID != mt.ID || last.ReceivableID != id {
		t.Fatalf("pending leaves %d→%d, last %+v: want one assignment leaf", leavesBefore, leaves, last)
	}
	w.wantCode(w.as(l1, fundCmd(mt.ID)), CodeInvalidState, w.hash()) // funded twice
	// The lender is now party to the receivable (docs/api.md Visibility).
	if _, err := w.m.Receivable(l1, id); err != nil {
		t.Fatalf("Receivable(lender) = %v", err)
	}
	w.checkInvariants()
}

// POST /v1/matches/{id}/fund on a claim already at its due date is invalid_state: the
// lender would pay out a claim the core pays today.
func TestAPI_Fund_AtDueDateIsInvalidState(t *testing.T) {
	w := newWorld(t)
	a, core, l := w.sme("", ""), w.core("AAA"), w.lender()
	w.offer(l, core, 5_000_000, 300, 300, 300)
	mt := w.list(w.financeable(a, core, 1_000_000, 20), 10_000).Match
	w.advanceDays(20)
	w.wantCode(w.as(l, fundCmd(mt.ID)), CodeInvalidState, w.hash())
}

// docs/api.md POST /v1/offers: the offer's own fields are checked.
func TestAPI_PostOffer_Refusals(t *testing.T) {
	w := newWorld(t)
	a, core, l := w.sme("", ""), w.core("AAA"), w.lender()
	rows := []struct {
		name  string
		actor string
		mut   func(*PostOffer)
		want  Code
	}{
		{"accepted", l, func(*PostOffer) {}, ""},
		{"an SME may not", a, func(*PostOffer) {}, CodeForbidden},
		{"a core may not", core, func(*PostOffer) {}, CodeForbidden},
		{"core_id an SME", l, func(o *PostOffer) { o.CoreID = a }, CodeValidation},
		{"line 0", l, func(o *PostOffer) { o.LineAmount = 0 }, CodeValidation},
		{"line above 10^15", l, func(o *PostOffer) { o.LineAmount = maxAmountFen + 1 }, CodeValidation},
		{"no A rate", l, func(o *PostOffer) { o.RatesBps.A = 0 }, CodeValidation},
		{"A rate above 100%", l, func(o *PostOffer) { o.RatesBps.A = maxRateBps + 1 }, CodeValidation},
		{"negative C rate", l, func(o *PostOffer) { o.RatesBps.C = -1 }, CodeValidation},
		{"min_score above 1000", l, func(o *PostOffer) { o.MinScore = 1001 }, CodeValidation},
		{"max_tenor_days 0", l, func(o *PostOffer) { o.MaxTenorDays = 0 }, CodeValidation},
		{"max_tenor_days 366", l, func(o *PostOffer) { o.MaxTenorDays = 366 }, CodeValidation},
		{"min_ticket above max_ticket", l, func(o *PostOffer) { o.MinTicket, o.MaxTicket = 10, 5 }, CodeValidation},
		{"max_ticket above the line", l, func(o *PostOffer) { o.MaxTicket = o.LineAmount + 1 }, CodeValidation},
		{"no such cluster", l, func(o *PostOffer) { o.ClusterIDs = []string{"clu_9"} }, CodeValidation},
		{"unknown certification", l, func(o *PostOffer) { o.MinCertification = "gold" }, CodeValidation},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			w.tb = t
			c := w.offerCmd(core, 1_000_000, 300, 0, 0)
			row.mut(c.Payload.(*PostOffer))
			before := w.hash()
			r := w.as(row.actor, c)
			if row.want == "" {
				w.must(r)
				return
			}
			w.wantCode(r, row.want, before)
		})
	}
}
