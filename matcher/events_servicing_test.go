// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"slices"
	"testing"
)

// changeEvents are the change events (Event.Change set) of evs that who may see
// ("" for the operator), as "type object_id change_amount".
func changeEvents(evs []Event, who string) []Event {
	var out []Event
	for _, e := range evs {
		if e.Change != "" && (who == "" || slices.Contains(e.Audience, who)) {
			out = append(out, e)
		}
	}
	return out
}

func wantChange(t *testing.T, evs []Event, typ, id string, fen int64, status string) Event {
	t.Helper()
	for _, e := range evs {
		if e.Type == typ && e.ObjectID == id {
			if e.ChangeFen != fen || e.Status != status || e.Change == "" || e.Type != e.Object+"."+e.Change {
				t.Fatalf("%s of %s = %+v, want change_amount %d, status %s", typ, id, e, fen, status)
			}
			return e
		}
	}
	t.Fatalf("no %s event of %s in %+v", typ, id, evs)
	return Event{}
}

// docs/api.md "Events": a credit note is an event on the invoice (its amount), on
// each fragment it reached (what landed there) and on each fill it diluted (what
// the seller now owes); a payment on the receivable and the fill it paid; a receipt
// on the match; each with the object's status as the entry left it.
func TestEvents_ServicingChanges(t *testing.T) {
	s := newServicingMarket(t)
	root := s.financeable(s.a, s.core, 1_000_000, 90)
	fb := s.transfer(root, s.b, 300_000)
	fc := s.transfer(root, s.c, 200_000)
	s.settleLedger()
	mt := s.financed(fb)
	s.m.EnableEvents()
	s.m.TakeEvents()

	// 800,000: 500,000 off the root, 200,000 off fc (now credited), 100,000 off mt.
	s.must(s.as(s.core, s.creditNoteCmd(root, 800_000, 1)))
	evs := s.m.TakeEvents()
	wantChange(t, evs, "receivable.credit_note", root, 800_000, string(StatusTransferred))
	wantChange(t, evs, "receivable.credit_note", fc, 200_000, string(StatusCredited))
	wantChange(t, evs, "receivable.credit_note", fb, 100_000, string(s.rcv(fb).Status))
	e := wantChange(t, evs, "match.credit_note", mt.ID, 100_000, MatchFunded)
	if e.ReceivableID != fb {
		t.Fatalf("match.credit_note receivable_id = %s, want %s", e.ReceivableID, fb)
	}
	// The seller (b) and the lender see the fill's dilution; c sees only its own
	// fragment's; the lender not the unfinanced fragment c.
	for who, want := range map[string][]string{
		s.b:      {"receivable.credit_note " + fb, "match.credit_note " + mt.ID},
		s.c:      {"receivable.credit_note " + fc},
		s.lender: {"receivable.credit_note " + fb, "match.credit_note " + mt.ID},
		s.core:   {"receivable.credit_note " + root, "receivable.credit_note " + fc, "receivable.credit_note " + fb, "match.credit_note " + mt.ID},
		s.a:      {"receivable.credit_note " + root},
	} {
		if got := eventTypes(changeEvents(evs, who), ""); !slices.Equal(got, want) {
			t.Errorf("%s's credit note events: got %q, want %q", who, got, want)
		}
	}

	// A payment to the lender: on the fragment and on the fill.
	s.must(s.as(s.core, Command{Payload: &RecordPayment{ReceivableID: fb, MatchID: mt.ID, Amount: 50_000, Reference: "CNAPS-1"}}))
	evs = s.m.TakeEvents()
	e = wantChange(t, evs, "receivable.payment", fb, 50_000, string(s.rcv(fb).Status))
	if e.MatchID != mt.ID || e.Reference != "CNAPS-1" {
		t.Fatalf("receivable.payment = %+v, want match_id %s and the reference", e, mt.ID)
	}
	wantChange(t, evs, "match.payment", mt.ID, 50_000, MatchFunded)

	// Two receipts: the first leaves the fill funded, the second repays it (after
	// the change event, the status event: its last event says repaid).
	s.must(s.as(s.lender, Command{Payload: &ConfirmRepayment{MatchID: mt.ID, Amount: 50_000, Reference: "RCPT-1"}}))
	evs = s.m.TakeEvents()
	wantChange(t, evs, "match.repayment", mt.ID, 50_000, MatchFunded)
	open := principalOpen(mt)
	s.must(s.as(s.core, Command{Payload: &RecordPayment{ReceivableID: fb, MatchID: mt.ID, Amount: open, Reference: "CNAPS-2"}}))
	s.must(s.as(s.lender, Command{Payload: &ConfirmRepayment{MatchID: mt.ID, Amount: open, Reference: "RCPT-2"}}))
	evs = s.m.TakeEvents()
	wantChange(t, evs, "match.repayment", mt.ID, open, MatchFunded)
	var lastOfMatch Event
	for _, x := range evs {
		if x.ObjectID == mt.ID {
			lastOfMatch = x
		}
	}
	if lastOfMatch.Type != "match.repaid" || lastOfMatch.Status != MatchRepaid {
		t.Fatalf("the fill's last event is %+v, want match.repaid", lastOfMatch)
	}
	// A payment to a holder: the receivable's own.
	other := s.financeable(s.a, s.core, 10_000, 60)
	s.m.TakeEvents()
	s.must(s.as(s.core, Command{Payload: &RecordPayment{ReceivableID: other, Amount: 1_000, Reference: "P-1"}}))
	evs = s.m.TakeEvents()
	if e := wantChange(t, evs, "receivable.payment", other, 1_000, string(s.rcv(other).Status)); e.MatchID != "" {
		t.Fatalf("a payment to the holder names match %s", e.MatchID)
	}
	if got := eventTypes(changeEvents(evs, s.lender), ""); len(got) != 0 {
		t.Fatalf("the lender sees %q of a receivable it does not finance", got)
	}
}

// A core's rating change reaches the core, the lenders with a live line on it or a
// fill it owes, and the operator; an SME's certification or cluster only the SME.
func TestEvents_ParticipantChanges(t *testing.T) {
	s := newServicingMarket(t)
	idle, other := s.world.lender(), s.world.lender()
	// The servicing market's lender has a live line on s.core.
	otherCore := s.world.core("A")
	s.world.offer(other, otherCore, 1e9, 300, 400, 500)
	s.m.EnableEvents()
	s.m.TakeEvents()
	s.must(s.op(Command{Payload: &UpdateParticipant{ParticipantID: s.core, Rating: "AA", Reason: "评级下调"}}))
	evs := s.m.TakeEvents()
	if len(evs) != 1 {
		t.Fatalf("a rating change made %d events: %+v", len(evs), evs)
	}
	e := evs[0]
	if e.Type != "participant.rating" || e.Change != "rating" || e.From != "AAA" || e.To != "AA" || e.Status != StatusActive || e.ObjectID != s.core {
		t.Fatalf("rating event = %+v", e)
	}
	if want := sortedIDs(s.core, s.lender); !slices.Equal(e.Audience, want) {
		t.Fatalf("rating event audience = %v, want %v (not %s, %s)", e.Audience, want, idle, other)
	}
	// A lender whose line was cancelled but whose fill the core still owes sees it too.
	id := s.financeable(s.a, s.core, 100_000, 60)
	mt := s.financed(id)
	s.must(s.as(s.lender, Command{Payload: &CancelOffer{OfferID: s.offer}}))
	s.m.TakeEvents()
	s.must(s.op(Command{Payload: &UpdateParticipant{ParticipantID: s.core, Rating: "AAA", Reason: "上调"}}))
	if evs := s.m.TakeEvents(); len(evs) != 1 || !slices.Contains(evs[0].Audience, mt.LenderID) {
		t.Fatalf("after its line was cancelled, the lender of a funded fill does not see the rating: %+v", evs)
	}

	// An SME: certification (and its validity), then its cluster, one event a field.
	cl := s.world.cluster(LevelNational)
	s.must(s.op(Command{Payload: &UpdateParticipant{ParticipantID: s.b, Certification: "specialized",
		CertificationValidUntil: s.date(365), ClusterID: cl, Reason: "年审"}}))
	evs = s.m.TakeEvents()
	got := eventTypes(evs, s.b)
	want := []string{"participant.certification " + s.b, "participant.certification_valid_until " + s.b, "participant.cluster_id " + s.b}
	if !slices.Equal(got, want) {
		t.Fatalf("SME change events %q, want %q", got, want)
	}
	for _, e := range evs {
		if !slices.Equal(e.Audience, []string{s.b}) {
			t.Fatalf("SME change %s seen by %v, want the SME alone", e.Type, e.Audience)
		}
	}
	if evs[0].From != "" && evs[0].From != "none" || evs[0].To != "specialized" || evs[2].To != cl {
		t.Fatalf("SME change values: %+v", evs)
	}
}

func sortedIDs(ids ...string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

// A recourse or a write-off says what the seller now owes or the lender gave up.
func TestEvents_EndOfOverdueAmount(t *testing.T) {
	s := newServicingMarket(t)
	id := s.financeable(s.a, s.core, 100_000, 30)
	mt := s.financed(id)
	s.passDays(40)
	if mt.Status != MatchOverdue {
		t.Fatalf("match is %s after maturity and grace, want overdue", mt.Status)
	}
	s.m.EnableEvents()
	s.m.TakeEvents()
	s.must(s.as(s.lender, Command{Payload: &ExerciseRecourse{MatchID: mt.ID, Reason: "逾期"}}))
	evs := s.m.TakeEvents()
	e := wantChangeless(t, evs, "match.recourse", mt.ID)
	if e.ChangeFen != mt.RecourseFen || mt.RecourseFen <= 100_000 {
		t.Fatalf("match.recourse change_amount %d, the match's recourse %d (principal plus late interest)", e.ChangeFen, mt.RecourseFen)
	}
}

func wantChangeless(t *testing.T, evs []Event, typ, id string) Event {
	t.Helper()
	for _, e := range evs {
		if e.Type == typ && e.ObjectID == id {
			return e
		}
	}
	t.Fatalf("no %s event of %s in %+v", typ, id, evs)
	return Event{}
}

// checkChangeEvents holds an accepted servicing command of the simulation to its
// change events (docs/api.md "Events"): a credit note's on the invoice with its
// amount and on every fragment and fill it reached with what landed there; a
// payment's on the receivable (and the fill); a receipt's on the match; one a
// participant field changed, with its new value.
func checkChangeEvents(t *testing.T, seed uint64, step int, c Command, r Result, evs []Event) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("seed %d step %d (%s): "+format, append([]any{seed, step, c.Kind()}, args...)...)
	}
	find := func(typ, id string) *Event {
		for i := range evs {
			if evs[i].Type == typ && evs[i].ObjectID == id {
				return &evs[i]
			}
		}
		return nil
	}
	if r.Replayed {
		return // answered again under its Idempotency-Key: nothing changed
	}
	switch p := c.Payload.(type) {
	case *IssueCreditNote:
		if e := find("receivable.credit_note", p.ReceivableID); e == nil || e.ChangeFen != p.Amount {
			fail("invoice event %+v, want change_amount %d", e, p.Amount)
		}
		notes := r.Receivable.CreditNotes
		landed := map[string]int64{}
		for _, a := range notes[len(notes)-1].Allocations {
			if a.MatchID != "" {
				if e := find("match.credit_note", a.MatchID); e == nil || e.ChangeFen != a.AmountFen {
					fail("fill %s got %d, its event is %+v", a.MatchID, a.AmountFen, e)
				}
			}
			if a.ReceivableID != p.ReceivableID {
				landed[a.ReceivableID] += a.AmountFen
			}
		}
		for id, fen := range landed {
			if e := find("receivable.credit_note", id); e == nil || e.ChangeFen != fen {
				fail("fragment %s got %d, its event is %+v", id, fen, e)
			}
		}
	case *RecordPayment:
		e := find("receivable.payment", p.ReceivableID)
		if e == nil || e.ChangeFen != p.Amount || e.MatchID != p.MatchID || e.Reference != p.Reference {
			fail("payment event %+v, want %+v", e, p)
		}
		if p.MatchID != "" {
			if e := find("match.payment", p.MatchID); e == nil || e.ChangeFen != p.Amount || e.MatchID != "" {
				fail("fill payment event %+v, want %+v", e, p)
			}
		}
	case *ConfirmRepayment:
		if e := find("match.repayment", p.MatchID); e == nil || e.ChangeFen != p.Amount || e.Reference != p.Reference {
			fail("receipt event %+v, want %+v", e, p)
		}
	case *UpdateParticipant:
		n := 0
		for _, e := range evs {
			if e.Object == ObjectParticipant && e.ObjectID == p.ParticipantID {
				if e.Change == "" || e.Type != ObjectParticipant+"."+e.Change || e.From == e.To || !slices.Contains(e.Audience, p.ParticipantID) {
					fail("participant event %+v", e)
				}
				n++
			}
		}
		if n == 0 {
			fail("no participant change event")
		}
	}
}
