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
	for _, l := range w.m.ix.book(core).resting {
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
