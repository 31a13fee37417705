// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
)

// eventsOf applies the log to a new matcher with events on, unanswered (as a replica
// applies another's entries), from the snapshot if one is given.
func eventsOf(t *testing.T, log []recorded, snap []byte, from int) (*Matcher, []Event) {
	t.Helper()
	m := New(DefaultConfig())
	if snap != nil {
		var err error
		if m, err = Restore(DefaultConfig(), snap); err != nil {
			t.Fatal(err)
		}
	}
	m.EnableEvents()
	var out []Event
	for i := from; i < len(log); i++ {
		m.ApplyRawUnanswered(uint64(i+1), log[i].timeMs, log[i].data)
		out = append(out, m.TakeEvents()...)
	}
	return m, out
}

// checkSimEvents holds the simulation's run to the feed's properties (docs/api.md
// "Events"): two replicas make the same events; a replica restored from a snapshot
// makes the same events after it; an object's last event has its status now; every
// object made has its created event first; ids are in journal order.
func checkSimEvents(t *testing.T, seed uint64, answered *Matcher, log []recorded, snap []byte, snapAt int) {
	t.Helper()
	m, all := eventsOf(t, log, nil, 0)
	_, again := eventsOf(t, log, nil, 0)
	if !reflect.DeepEqual(all, again) {
		t.Fatalf("seed %d: two replicas made different events", seed)
	}
	_, restored := eventsOf(t, log, snap, snapAt)
	var tail []Event
	for _, e := range all {
		if e.Seq > uint64(snapAt) {
			tail = append(tail, e)
		}
	}
	if !reflect.DeepEqual(tail, restored) {
		t.Fatalf("seed %d: after the snapshot at %d a restored replica made %d events, want %d", seed, snapAt, len(restored), len(tail))
	}
	if answered.StateHash() != m.StateHash() {
		t.Fatalf("seed %d: events changed the state", seed)
	}
	last := map[string]Event{}
	for i, e := range all {
		if i > 0 && !(all[i-1].Seq < e.Seq || all[i-1].Seq == e.Seq && all[i-1].Idx+1 == e.Idx) {
			t.Fatalf("seed %d: event %d-%d after %d-%d", seed, e.Seq, e.Idx, all[i-1].Seq, all[i-1].Idx)
		}
		key := e.Object + "/" + e.ObjectID
		if _, seen := last[key]; seen == (e.Type == e.Object+"."+EventCreated) {
			t.Fatalf("seed %d: event %s of %s: created events must come first and once", seed, e.Type, key)
		}
		if len(e.Audience) == 0 && e.Object != ObjectParticipant {
			t.Fatalf("seed %d: event %s of %s has no audience", seed, e.Type, key)
		}
		last[key] = e
	}
	statuses := map[string]string{}
	for _, r := range m.s.Receivables.rows {
		statuses[ObjectReceivable+"/"+r.ID] = string(r.Status)
	}
	for _, l := range m.s.Listings.rows {
		statuses[ObjectListing+"/"+l.ID] = l.Status
	}
	for _, mt := range m.s.Matches.rows {
		statuses[ObjectMatch+"/"+mt.ID] = mt.Status
	}
	for _, o := range m.s.Offers.rows {
		statuses[ObjectOffer+"/"+o.ID] = o.Status
	}
	for _, p := range m.s.Participants.rows {
		st := StatusActive
		if p.Suspended {
			st = StatusSuspended
		}
		statuses[ObjectParticipant+"/"+p.ID] = st
	}
	for key, st := range statuses {
		e, ok := last[key]
		if !ok {
			t.Fatalf("seed %d: %s was made without an event", seed, key)
		}
		if e.Status != st {
			t.Fatalf("seed %d: %s is %s, its last event (%s) says %s", seed, key, st, e.Type, e.Status)
		}
	}
}

func eventTypes(evs []Event, who string) []string {
	var out []string
	for _, e := range evs {
		if who == "" || slices.Contains(e.Audience, who) {
			out = append(out, fmt.Sprintf("%s %s", e.Type, e.ObjectID))
		}
	}
	return out
}

// A receivable's life, as each party's feed shows it.
func TestEvents_LifeOfAReceivable(t *testing.T) {
	w := newWorld(t)
	core, sme, bank := w.core("AAA"), w.sme("", "none"), w.lender()
	w.m.EnableEvents()
	w.m.TakeEvents()
	id := w.financeable(sme, core, 1_000_000, 90)
	off := w.offer(bank, core, 10_000_000, 300, 400, 500)
	res := w.must(w.as(sme, listCmd(id, 600)))
	mt := res.Match.ID
	w.must(w.as(bank, Command{Payload: &Fund{MatchID: mt, Reference: "wire-1"}}))
	w.must(w.as(core, Command{Payload: &Settle{ReceivableID: id, Reference: "pay-1"}}))
	evs := w.m.TakeEvents()
	l := res.Listing.ID
	want := map[string][]string{
		sme: {"receivable.created " + id, "receivable.confirmed " + id, "receivable.financeable " + id,
			"listing.created " + l, "receivable.listed " + id, "match.created " + mt, "listing.matched " + l,
			"receivable.matched " + id, "match.funded " + mt, "receivable.funded " + id, "match.settled " + mt,
			"receivable.settled " + id},
		core: {"receivable.created " + id, "receivable.confirmed " + id, "receivable.financeable " + id,
			"receivable.listed " + id, "match.created " + mt, "receivable.matched " + id, "match.funded " + mt,
			"receivable.funded " + id, "match.settled " + mt, "receivable.settled " + id},
		// The lender sees the receivable from its match on: the audience is taken at
		// the end of the entry, so the listing's receivable events of that entry too.
		bank: {"offer.created " + off, "receivable.listed " + id, "match.created " + mt, "receivable.matched " + id,
			"match.funded " + mt, "receivable.funded " + id, "match.settled " + mt, "receivable.settled " + id},
	}
	for who, types := range want {
		if got := eventTypes(evs, who); !slices.Equal(got, types) {
			t.Errorf("%s's events:\n got %q\nwant %q", who, got, types)
		}
	}
	for _, e := range evs {
		if e.Seq == 0 || e.TimeMs != w.nowMs {
			t.Fatalf("event %+v: want a seq and the entry's time %d", e, w.nowMs)
		}
	}
}

// A refused command and an idempotent replay change nothing, so they make no event;
// a matcher with events off makes none.
func TestEvents_OnlyFromChanges(t *testing.T) {
	w := newWorld(t)
	core, sme := w.core("AAA"), w.sme("", "none")
	w.m.EnableEvents()
	w.m.TakeEvents()
	c := w.submitCmd(core, 1_000, 90)
	c.IdemKey, c.IdemHash = "k1", "h1"
	w.must(w.as(sme, c))
	if got := len(w.m.TakeEvents()); got != 1 {
		t.Fatalf("submit made %d events, want 1", got)
	}
	if r := w.as(sme, c); !r.Replayed {
		t.Fatalf("replay: %+v", r)
	}
	if evs := w.m.TakeEvents(); len(evs) != 0 {
		t.Fatalf("an idempotent replay made events %+v", evs)
	}
	if r := w.as(core, w.submitCmd(core, 1_000, 90)); r.Err == nil {
		t.Fatal("a core submitted a receivable")
	}
	if evs := w.m.TakeEvents(); len(evs) != 0 {
		t.Fatalf("a refused command made events %+v", evs)
	}
	off := newWorld(t)
	off.financeable(off.sme("", "none"), off.core("AAA"), 1_000, 90)
	if evs := off.m.TakeEvents(); len(evs) != 0 {
		t.Fatalf("events off: made %d events", len(evs))
	}
}
