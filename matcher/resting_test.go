// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"fmt"
	"slices"
	"testing"
)

// restWorld is a core's book with n resting listings (no offer yet), oldest first.
func restWorld(tb testing.TB, n int) (*world, string, []string) {
	tb.Helper()
	w, ids := benchBookOffers(tb, 0, n)
	holder := w.m.s.Receivables.get(ids[0]).HolderID
	lids := make([]string, n)
	for i, id := range ids {
		lids[i] = w.must(w.as(holder, listCmd(id, 1000))).Listing.ID
	}
	return w, w.m.s.Receivables.get(ids[0]).DebtorID, lids
}

func restingIDs(w *world, core string) []string {
	var out []string
	for l := range w.m.ix.book(core).resting.all() {
		out = append(out, l.ID)
	}
	return out
}

// TestServeRestingKeepsOrder: a new offer fills resting listings oldest first; those
// it fills whole leave the book, the one it skips (its maximum rate is below the
// offer's) and the one it fills in part stay, and every listing keeps its place.
func TestServeRestingKeepsOrder(t *testing.T) {
	w, ids := benchBookOffers(t, 0, 6)
	holder := w.m.s.Receivables.get(ids[0]).HolderID
	core := w.m.s.Receivables.get(ids[0]).DebtorID
	amount := w.m.s.Receivables.get(ids[0]).RemainingFen
	var lids []string
	for i, id := range ids {
		c := listCmd(id, 1000)
		switch i {
		case 1:
			c.Payload.(*List).MaxRateBps = 100 // below the offer's 300
		case 3:
			c.Payload.(*List).MinFillFen = amount / 4
		}
		lids = append(lids, w.must(w.as(holder, c)).Listing.ID)
	}
	// Enough for listings 0 and 2 whole and half of 3.
	r := w.must(w.as(w.lender(), w.offerCmd(core, amount*5/2, 300, 400, 600)))
	var filled []string
	for _, mt := range r.Matches {
		filled = append(filled, mt.ListingID)
	}
	if want := []string{lids[0], lids[2], lids[3]}; !slices.Equal(filled, want) {
		t.Fatalf("the offer filled %v, want %v", filled, want)
	}
	if got, want := restingIDs(w, core), []string{lids[1], lids[3], lids[4], lids[5]}; !slices.Equal(got, want) {
		t.Fatalf("resting %v, want %v", got, want)
	}
	if l := w.m.s.Listings.get(lids[3]); l.RestingFen() != amount/2 || l.Status != ListingResting {
		t.Fatalf("listing 3 rests %d (%s), want %d", l.RestingFen(), l.Status, amount/2)
	}
	if err := w.m.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}

// TestManyEventsAudience: an entry of more events than scanAudienceUpTo (an offer
// filling 30 resting listings: ~150 events) gives every event its object's audience,
// as an entry of a few does.
func TestManyEventsAudience(t *testing.T) {
	w, core, _ := restWorld(t, 30)
	w.m.EnableEvents()
	w.m.TakeEvents()
	amount := w.m.s.Receivables.get(w.m.s.Listings.get("lst_1").ReceivableID).RemainingFen
	r := w.must(w.as(w.lender(), w.offerCmd(core, amount*30, 300, 400, 600)))
	if len(r.Matches) != 30 {
		t.Fatalf("%d matches, want 30", len(r.Matches))
	}
	evs := w.m.TakeEvents()
	if len(evs) <= scanAudienceUpTo {
		t.Fatalf("%d events: not enough to test the map", len(evs))
	}
	objects := map[string]bool{}
	for i, e := range evs {
		if want := w.m.audience(e.Object, e.ObjectID); !slices.Equal(e.Audience, want) || len(want) == 0 {
			t.Fatalf("event %d (%s %s %s): audience %v, want %v", i, e.Type, e.Object, e.ObjectID, e.Audience, want)
		}
		objects[e.Object] = true
	}
	if len(objects) < 4 {
		t.Fatalf("events of %d kinds of object, want offers, listings, receivables and matches", len(objects))
	}
	if len(w.m.ev.audiences) != 0 {
		t.Fatalf("%d audiences kept after the entry", len(w.m.ev.audiences))
	}
}

// BenchmarkServeResting: one op is an offer posted to a book of n resting listings
// that fills the older half of them; ns/listing must not grow with n, with the
// event feed on (as a node runs) or off. "nofill" is an offer whose line is less
// than any listing accepts (a line released in part walks the book the same way):
// it scores none of them.
//
//	go test ./matcher -run '^$' -bench ServeResting -benchtime 3x
func BenchmarkServeResting(b *testing.B) {
	for _, events := range []bool{false, true} {
		for _, n := range []int{1_000, 10_000, 40_000} {
			b.Run(fmt.Sprintf("events=%t/resting=%d", events, n), func(b *testing.B) { benchServeResting(b, n, events, n/2) })
		}
	}
	b.Run("nofill/resting=40000", func(b *testing.B) { benchServeResting(b, 40_000, true, 0) })
}

// benchServeResting posts an offer of a line for fills listings whole (a half of one
// if fills is 0) to a book of n.
func benchServeResting(b *testing.B, n int, events bool, fills int) {
	var spent int64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		w, core, _ := restWorld(b, n)
		if events {
			w.m.EnableEvents()
			w.m.TakeEvents()
		}
		amount := w.m.s.Receivables.get(w.m.s.Listings.get("lst_1").ReceivableID).RemainingFen
		line := amount * int64(fills)
		if fills == 0 {
			line = amount / 2
		}
		c := w.offerCmd(core, line, 300, 400, 600)
		c.Actor = w.lender()
		b.StartTimer()
		r := w.apply(c)
		b.StopTimer()
		if r.Err != nil || len(r.Matches) != fills {
			b.Fatalf("offer: %v, %d matches, want %d", r.Err, len(r.Matches), fills)
		}
		spent += int64(n)
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(spent), "ns/listing")
}

// checkRestingOf: for every participant, restingOf (the book and the index of its
// receivables) is the walk of every listing that rescoreResting made before it:
// the resting listings it holds or owes, in the order of their numbers.
func checkRestingOf(t *testing.T, m *Matcher, at string) {
	t.Helper()
	for _, p := range m.s.Participants.rows {
		var want []string
		for _, l := range m.s.Listings.rows {
			if l.Status == ListingResting && (l.HolderID == p.ID || l.DebtorID == p.ID) {
				want = append(want, l.ID)
			}
		}
		var got []string
		for _, l := range m.restingOf(p.ID) {
			got = append(got, l.ID)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%s: restingOf(%s) = %v, want %v", at, p.ID, got, want)
		}
	}
}

// TestRestingOfIsTheWalk: restingOf finds exactly the resting listings a participant
// holds or owes, oldest first, in two books with listings resting, cancelled,
// filled and re-listed, a tier-2 holder's among them; and a rating change re-scores
// them and lets the book's offers serve them.
func TestRestingOfIsTheWalk(t *testing.T) {
	w := newWorld(t)
	cl := w.cluster(LevelNational)
	coreA, coreB := w.core("AAA"), w.core("AA")
	a, b := w.sme(cl, "specialized"), w.sme("", "")
	var ids []string
	for i := range 4 {
		ids = append(ids, w.financeable(a, coreA, 100_000_00, 60+i), w.financeable(a, coreB, 100_000_00, 60+i))
	}
	child := w.transfer(ids[0], b, 40_000_00)
	w.settleLedger()
	var lids []string
	for _, id := range append(ids[1:], child) {
		lids = append(lids, w.list(id, 500).Listing.ID)
	}
	w.must(w.as(a, Command{Payload: &CancelListing{ListingID: lids[2]}}))
	relisted := w.list(w.m.s.Listings.get(lids[2]).ReceivableID, 500).Listing.ID
	// A line for one listing of coreB: the oldest resting there is filled.
	r := w.must(w.as(w.lender(), w.offerCmd(coreB, 100_000_00, 300, 300, 300)))
	if len(r.Matches) != 1 {
		t.Fatalf("the offer filled %d listings, want 1", len(r.Matches))
	}
	checkRestingOf(t, w.m, "before the rating change")
	if n := len(w.m.restingOf(coreA)); n < 3 {
		t.Fatalf("%d listings rest in coreA's book, want at least 3", n)
	}
	if got := w.m.restingOf(b); len(got) != 1 || got[0].ReceivableID != child {
		t.Fatalf("restingOf(tier-2 holder) = %v, want the child's listing", got)
	}
	if got := w.m.restingOf(a); got[len(got)-1].ID != relisted {
		t.Fatalf("the re-listed receivable's listing is not the newest of a's: %v", got)
	}
	// coreA's book has an offer at 450: a rating cut moves its listings' scores; a
	// new line for them serves what it may at the new scores.
	w.must(w.as(w.lender(), w.offerCmd(coreA, 1, 450, 450, 450)))
	before := w.m.restingOf(coreA)
	scores := map[string]int{}
	for _, l := range before {
		scores[l.ID] = l.Score
	}
	w.must(w.op(Command{Payload: &UpdateParticipant{ParticipantID: coreA, Rating: "A", Reason: "评级下调"}}))
	changed := 0
	for _, l := range before {
		if got := w.m.termsOf(w.m.s.Receivables.get(l.ReceivableID)); l.Score != got.score || l.Band != got.band {
			t.Fatalf("listing %s kept score %d band %s, now %d %s", l.ID, l.Score, l.Band, got.score, got.band)
		}
		if l.Score != scores[l.ID] {
			changed++
		}
	}
	if changed != len(before) {
		t.Fatalf("the rating cut re-scored %d of coreA's %d resting listings", changed, len(before))
	}
	checkRestingOf(t, w.m, "after the rating change")
	w.checkInvariants()
}
