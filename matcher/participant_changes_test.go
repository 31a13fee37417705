// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"fmt"
	"slices"
	"testing"
)

// docs/api.md "Participant changes": effective from the entry, history kept,
// resting listings re-scored and served by the live offers they now qualify for.
func TestUpdateParticipant(t *testing.T) {
	w := newWorld(t)
	core := w.core("BBB")
	sme := w.sme("", "")
	lender := w.lender()
	id := w.financeable(sme, core, 1_000_000, 90)
	l := w.list(id, 1000).Listing
	score := l.Score
	w.offerWith(lender, core, 1e12, 500, func(p *PostOffer) { p.MinScore = score + 50 })
	if st := w.m.s.Listings.get(l.ID).Status; st != ListingResting {
		t.Fatalf("listing is %s, want resting below the offer's minimum score", st)
	}
	before := w.hash()
	upd := func(p UpdateParticipant) Command { return Command{Payload: &p} }
	w.wantCode(w.as(sme, upd(UpdateParticipant{ParticipantID: core, Rating: "AAA", Reason: "年审"})), CodeForbidden, before)
	w.wantCode(w.op(upd(UpdateParticipant{ParticipantID: core, Rating: "AAA"})), CodeValidation, before)
	w.wantCode(w.op(upd(UpdateParticipant{ParticipantID: core, Rating: "ZZ", Reason: "r"})), CodeValidation, before)
	w.wantCode(w.op(upd(UpdateParticipant{ParticipantID: core, Certification: "specialized", Reason: "r"})), CodeValidation, before)
	w.wantCode(w.op(upd(UpdateParticipant{ParticipantID: sme, Certification: "specialized", Reason: "r"})), CodeValidation, before)
	w.wantCode(w.op(upd(UpdateParticipant{ParticipantID: core, Rating: "BBB", Reason: "r"})), CodeValidation, before)
	w.wantCode(w.op(upd(UpdateParticipant{ParticipantID: "par_999", Rating: "AAA", Reason: "r"})), CodeNotFound, before)

	res := w.must(w.op(upd(UpdateParticipant{ParticipantID: core, Rating: "AAA", Reason: "评级上调"})))
	h := res.Participant.History
	if len(h) != 1 || h[0].Field != "rating" || h[0].From != "BBB" || h[0].To != "AAA" || h[0].AtMs != w.nowMs || h[0].Reason != "评级上调" {
		t.Fatalf("history %+v", h)
	}
	if len(res.Matches) != 1 || res.Matches[0].ListingID != l.ID {
		t.Fatalf("the re-scored listing was not served: %+v", res.Matches)
	}
	if got := w.m.s.Listings.get(l.ID); got.Score <= score {
		t.Fatalf("listing score %d, want above %d", got.Score, score)
	}

	clu := w.cluster(LevelNational)
	res = w.must(w.op(upd(UpdateParticipant{ParticipantID: sme, Certification: "little_giant", CertificationValidUntil: w.date(365), ClusterID: clu, Reason: "认定"})))
	if p := res.Participant; p.Certification != CertLittleGiant || p.ClusterID != clu || len(p.History) != 3 {
		t.Fatalf("sme after update: %s %s history %+v", p.Certification, p.ClusterID, p.History)
	}
	res = w.must(w.op(upd(UpdateParticipant{ParticipantID: sme, Certification: "none", ClusterID: ClusterNone, Reason: "撤销"})))
	if p := res.Participant; p.Certification != CertNone || p.ClusterID != "" || p.CertificationValidUntil != 0 || len(p.History) != 6 {
		t.Fatalf("sme after withdrawal: %+v", p)
	}
	w.checkInvariants()
}

// TestRescoreKeepsTermsBetweenWalks: a re-score lets every offer of the book walk it,
// and keeps each listing's terms from one walk to the next until a fill (restingTerms).
// A core upgraded past ten offers' minimum score, over 40 resting listings of
// varied amounts, tenors, rates, minimum fills and certifications, with lines and
// tickets that run out part-way: the fills are those of walks that score every
// listing afresh, on a copy of the state taken before. The offers' minimum score
// leaves from a third to five sixths of the listings out, so that walks pass
// listings whose kept terms refuse them before they reach one they fill.
func TestRescoreKeepsTermsBetweenWalks(t *testing.T) {
	for _, sixths := range []int{2, 3, 4, 5} {
		t.Run(fmt.Sprintf("eligible=%d/6", 6-sixths), func(t *testing.T) { testRescoreKeepsTerms(t, sixths) })
	}
}

func testRescoreKeepsTerms(t *testing.T, sixths int) {
	w := newWorld(t)
	core := w.core("A")
	cl := w.cluster(LevelNational)
	certs := []string{"none", "innovative", "specialized", "little_giant"}
	var smes []string
	for _, c := range certs {
		smes = append(smes, w.sme(cl, c), w.sme("", c))
	}
	top := 0
	for i := range 40 {
		id := w.financeable(smes[i%len(smes)], core, int64(200_000+(i*37%11)*150_000), 60+(i*13%7)*15)
		c := listCmd(id, int64(400+(i*29%9)*100))
		if i%5 == 2 {
			c.Payload.(*List).MinFillFen = w.rcv(id).RemainingFen / 2
		}
		c.Actor = w.rcv(id).HolderID
		top = max(top, w.must(w.apply(c)).Listing.Score)
	}
	// The offers' minimum score splits the listings as the upgrade will score them
	// (and is above every score now): terms decide who is served, and at what rate.
	after := w.restored()
	after.s.Participants.get(core).Rating = "AAA"
	var scores []int
	for l := range after.ix.book(core).resting.all() {
		scores = append(scores, after.termsOf(after.s.Receivables.get(l.ReceivableID)).score)
	}
	slices.Sort(scores)
	minScore := max(top+1, scores[len(scores)*sixths/6])
	// Two offers above every listing's maximum rate walk the book first and fill
	// nothing: the eight after them find every listing's terms kept.
	for range 2 {
		w.offerWith(w.lender(), core, 1e12, 1500, func(p *PostOffer) { p.MinScore = minScore })
	}
	for i := range 8 {
		r := int64(i * 70)
		w.offerWith(w.lender(), core, int64(900_000+i*400_000), 0, func(p *PostOffer) {
			p.RatesBps, p.MinScore = Rates{A: 300 + r, B: 500 + r, C: 800 + r}, minScore
			if i%2 == 1 {
				p.MaxTenorDays = 100
			}
			if i%3 == 1 {
				p.MaxTicket = 350_000
			}
			if i%4 == 2 {
				p.MinTicket = 400_000
			}
		})
	}
	if n := len(restingIDs(w, core)); n != 40 {
		t.Fatalf("fixture: %d listings rest, want all 40 below the offers' minimum score", n)
	}
	fresh := w.restored()
	res := w.must(w.op(Command{Payload: &UpdateParticipant{ParticipantID: core, Rating: "AAA", Reason: "评级上调"}}))

	fresh.s.Participants.get(core).Rating = "AAA"
	want := fresh.rescoreResting(core, nil)
	if len(want) < 4 || len(restingIDs(w, core)) == 0 {
		t.Fatalf("fixture: %d fills and %d listings left resting, want fills and listings left over", len(want), len(restingIDs(w, core)))
	}
	if len(res.Matches) != len(want) {
		t.Fatalf("%d fills, want %d", len(res.Matches), len(want))
	}
	for i, m := range res.Matches {
		g := want[i]
		if m.ID != g.ID || m.ListingID != g.ListingID || m.OfferID != g.OfferID || m.AmountFen != g.AmountFen || m.RateBps != g.RateBps {
			t.Fatalf("fill %d: %s of %s by %s, %d fen at %d bps; want %s of %s by %s, %d fen at %d bps",
				i, m.ID, m.ListingID, m.OfferID, m.AmountFen, m.RateBps, g.ID, g.ListingID, g.OfferID, g.AmountFen, g.RateBps)
		}
	}
	for l := range w.m.ix.book(core).resting.all() {
		if f := fresh.s.Listings.get(l.ID); f.Status != l.Status || f.RestingFen() != l.RestingFen() {
			t.Fatalf("listing %s: %s with %d fen resting, want %s with %d", l.ID, l.Status, l.RestingFen(), f.Status, f.RestingFen())
		}
	}
}
