// SPDX-License-Identifier: Apache-2.0

package matcher

import "testing"

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
