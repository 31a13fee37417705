// SPDX-License-Identifier: Apache-2.0

package api

import (
	"slices"
	"testing"

	"github.com/scfx/scfx/api/wire"
)

// changesOf are the change events (change set) of p's feed, as "type object_id".
func (e *testEnv) changesOf(p *testParty) ([]string, []wire.Event) {
	e.t.Helper()
	var out []string
	var evs []wire.Event
	for _, ev := range e.events(p, "?limit=500").Items {
		if ev.Change != "" {
			out = append(out, ev.Type+" "+ev.ObjectID)
			evs = append(evs, ev)
		}
	}
	return out, evs
}

// GET /v1/events carries the changes that are not of status (docs/api.md "Events"):
// the credit note on the invoice, the fragment and the fill it reached; the payment
// and the receipt; the core's rating change — each to whom may see it, with what
// changed and its amount.
func TestEvents_ServicingChangesHTTP(t *testing.T) {
	e := newTestEnv(t)
	s := e.servicingLifecycle()
	inv, frag, mt := s.inv.ID, s.frag.ID, s.match.ID
	want := map[*testParty][]string{
		s.core: {"receivable.credit_note " + inv, "receivable.credit_note " + frag, "match.credit_note " + mt,
			"receivable.payment " + frag, "match.payment " + mt, "match.repayment " + mt, "participant.rating " + s.core.ID},
		s.a: {"receivable.credit_note " + inv},
		s.b: {"receivable.credit_note " + frag, "match.credit_note " + mt, "receivable.payment " + frag, "match.payment " + mt,
			"match.repayment " + mt},
		// The lender has a line on the core: it sees the core's rating change.
		s.lender: {"receivable.credit_note " + frag, "match.credit_note " + mt, "receivable.payment " + frag, "match.payment " + mt,
			"match.repayment " + mt, "participant.rating " + s.core.ID},
	}
	for p, w := range want {
		if got, _ := e.changesOf(p); !slices.Equal(got, w) {
			t.Errorf("%s's change events:\n got %q\nwant %q", p.Role, got, w)
		}
	}
	got, evs := e.changesOf(e.Admin)
	if !slices.Equal(got, want[s.core]) {
		t.Fatalf("the operator's change events:\n got %q\nwant %q", got, want[s.core])
	}
	type fields struct {
		change       string
		amount       int64
		status       string
		matchID, ref string
		from, to     string
		receivableID string
		objectAmount int64
	}
	wantFields := []fields{
		{"credit_note", 70_000_00, "transferred", "", "", "", "", "", 100_000_00},
		{"credit_note", 10_000_00, "funded", "", "", "", "", "", 40_000_00},
		{"credit_note", 10_000_00, "funded", "", "", "", "", frag, 40_000_00},
		{"payment", 30_000_00, "funded", mt, "CNAPS-9", "", "", "", 40_000_00},
		{"payment", 30_000_00, "funded", "", "CNAPS-9", "", "", frag, 40_000_00},
		{"repayment", 30_000_00 - s.rebate, "funded", "", "RCPT-1", "", "", frag, 40_000_00},
		{"rating", 0, "active", "", "", "AA", "AAA", "", 0},
	}
	for i, ev := range evs {
		g := fields{ev.Change, ev.ChangeFen, ev.Status, ev.MatchID, ev.Reference, ev.From, ev.To, ev.ReceivableID, ev.AmountFen}
		if g != wantFields[i] || ev.Type != ev.Object+"."+ev.Change {
			t.Errorf("%s: got %+v, want %+v", ev.Type, g, wantFields[i])
		}
	}
	// The receipt that repaid the fill is followed by its status event.
	all := e.events(e.Admin, "?limit=500").Items
	for i, ev := range all {
		if ev.Type == "match.repayment" && (i+1 == len(all) || all[i+1].Type != "match.repaid" || all[i+1].Seq != ev.Seq) {
			t.Fatalf("match.repayment is not followed by match.repaid of the same entry: %+v", all[i:])
		}
	}
}
