// SPDX-License-Identifier: Apache-2.0

package matcher

import "slices"

// Events are the changes participants may see (docs/api.md "Events"): an object
// created, its status changed, or a change that leaves its status as it is (a
// payment recorded, a credit note, a repayment confirmed, a participant's rating,
// certification or cluster: Event.Change says which, with its amount). The matcher makes them as it applies an entry, so
// every replica that applies the same journal makes the same events with the same
// ids; the node hands them to the feed (package feed). They are not state: a matcher
// with events off (the snapshotter's copy, the simulation) makes none, and the state
// hash never covers them.

// Event objects.
const (
	ObjectReceivable  = "receivable"
	ObjectListing     = "listing"
	ObjectMatch       = "match"
	ObjectOffer       = "offer"
	ObjectParticipant = "participant"
)

// EventCreated is the type suffix of an object's first event; the others name the
// status the object moved to ("match.funded") or, for a change that is not one of
// status, the change ("receivable.payment"): Event.Change.
const EventCreated = "created"

// Changes that are not a status change: an event's Change, and its type's suffix.
// A participant's change is named by the field that changed (ParticipantChange.Field:
// rating, certification, certification_valid_until, cluster_id).
const (
	ChangeCreditNote = "credit_note" // a credit note on the invoice, or what landed on a fragment or a fill
	ChangePayment    = "payment"     // the core recorded a payment (to a holder, or a lender with MatchID)
	ChangeRepayment  = "repayment"   // the lender confirmed a receipt
)

// Event is one change: Seq and Idx (its place among the entry's events) make its id,
// "<seq>-<idx>". Audience are the participants who may see the object, as of the end
// of the entry (the operator sees every event).
type Event struct {
	Seq          uint64   `json:"seq"`
	Idx          uint32   `json:"idx"`
	TimeMs       int64    `json:"time_ms"`
	Type         string   `json:"type"`
	Object       string   `json:"object"`
	ObjectID     string   `json:"object_id"`
	Status       string   `json:"status"`
	AmountFen    int64    `json:"amount"`
	ReceivableID string   `json:"receivable_id,omitempty"`
	Audience     []string `json:"audience"`

	// A change that is not one of status (empty for created and status events):
	// Change names it, ChangeFen is its amount — a payment's or a receipt's, a credit
	// note's on the invoice and what landed on each fragment and fill; on a match gone
	// to recourse or written off, what the seller owes or the lender gave up —,
	// MatchID the fill a payment went to, Reference the payment's or receipt's
	// reference, From and To a participant field's values before and after.
	Change    string `json:"change,omitempty"`
	ChangeFen int64  `json:"change_amount,omitempty"`
	MatchID   string `json:"match_id,omitempty"`
	Reference string `json:"reference,omitempty"`
	From      string `json:"from,omitempty"`
	To        string `json:"to,omitempty"`
}

// maxEventsPerEntry bounds what one entry may add to the feed: a settlement of a
// large tree or a tick over many maturities emits one event per object it changes,
// which is bounded by the state; this is the assertion that it stays sane.
const maxEventsPerEntry = 1 << 20

// events is the matcher's scratch for events: pending for the entry being applied,
// out for every entry applied since TakeEvents.
type events struct {
	on      bool
	pending []Event
	out     []Event
	types   map[[2]string]string // (object, status or "created") → type, made once
	// audiences are the audiences of an entry's objects while commitEvents gives an
	// entry of many events theirs (emptied after each).
	audiences map[[2]string][]string
}

// scanAudienceUpTo is the most events an entry may have for commitEvents to find an
// object's audience among the entry's earlier events by scanning back; more use
// events.audiences, so that an entry of k events (an offer that fills thousands of
// resting listings) costs O(k), not O(k²).
const scanAudienceUpTo = 16

// EnableEvents turns event making on (the node's matcher, whose events feed the API).
func (m *Matcher) EnableEvents() { m.ev.on = true }

// TakeEvents returns the events of the entries applied since the last call, in
// order, and forgets them. The slice is the matcher's own, valid until the next entry
// is applied: the node copies what it keeps (feed.Add) before it applies more.
func (m *Matcher) TakeEvents() []Event {
	out := m.ev.out
	m.ev.out = m.ev.out[:0]
	return out
}

// emit records one event of the entry being applied; the audience comes at the end.
func (m *Matcher) emit(object, id, status string, created bool, amount int64, receivableID string) {
	if !m.ev.on {
		return
	}
	suffix := status
	if created {
		suffix = EventCreated
	}
	m.emitAs(object, suffix, id, status, amount, receivableID)
}

// emitAs records one event of type object.suffix and returns it (the entry's own,
// until the next emit); nil when events are off.
func (m *Matcher) emitAs(object, suffix, id, status string, amount int64, receivableID string) *Event {
	if !m.ev.on {
		return nil
	}
	typ, ok := m.ev.types[[2]string{object, suffix}]
	if !ok {
		if m.ev.types == nil {
			m.ev.types = map[[2]string]string{}
		}
		typ = object + "." + suffix
		m.ev.types[[2]string{object, suffix}] = typ
	}
	m.ev.pending = append(m.ev.pending, Event{
		Type: typ, Object: object, ObjectID: id, Status: status, AmountFen: amount, ReceivableID: receivableID,
	})
	return &m.ev.pending[len(m.ev.pending)-1]
}

// change is what a change event says beyond its object (Event's fields of the same names).
type change struct {
	Change    string
	Fen       int64
	MatchID   string
	Reference string
}

func (e *Event) set(c change) {
	e.Change, e.ChangeFen, e.MatchID, e.Reference = c.Change, c.Fen, c.MatchID, c.Reference
}

// emitReceivableChange records a change of r that leaves its status as it is.
func (m *Matcher) emitReceivableChange(r *Receivable, c change) {
	if e := m.emitAs(ObjectReceivable, c.Change, r.ID, string(r.Status), r.AmountFen, ""); e != nil {
		e.set(c)
	}
}

// emitMatchChange records a change of mt that leaves its status as it is.
func (m *Matcher) emitMatchChange(mt *Match, c change) {
	if e := m.emitAs(ObjectMatch, c.Change, mt.ID, mt.Status, mt.AmountFen, mt.ReceivableID); e != nil {
		e.set(c)
	}
}

// setLastChangeFen gives the entry's last event (a status event just emitted) the
// amount of its change.
func (m *Matcher) setLastChangeFen(fen int64) {
	if n := len(m.ev.pending); m.ev.on && n > 0 {
		m.ev.pending[n-1].ChangeFen = fen
	}
}

// emitParticipantChange records one field of p changed. Its audience is p and, for
// a core's rating, the lenders exposed to the core: those with a live offer on it
// or a fill it still owes (docs/api.md "Events"). Every such event of one entry has
// the same audience, so the entry's events of p share it.
func (m *Matcher) emitParticipantChange(p *Participant, pc ParticipantChange) {
	if !m.ev.on {
		return
	}
	status := StatusActive
	if p.Suspended {
		status = StatusSuspended
	}
	e := m.emitAs(ObjectParticipant, pc.Field, p.ID, status, 0, "")
	e.Change, e.From, e.To = pc.Field, pc.From, pc.To
	e.Audience = m.participantChangeAudience(p)
}

// participantChangeAudience reads the core's book (its live offers) and the index of
// its fills, not every offer and match of the market. Rows are read without marking
// them for the state hash: nothing here changes.
func (m *Matcher) participantChangeAudience(p *Participant) []string {
	out := []string{p.ID}
	if p.Role == RoleCore {
		if b := m.ix.books[p.ID]; b != nil {
			for o := range b.offers.all() {
				out = append(out, o.LenderID)
			}
		}
		for _, n := range numbers(m.ix.matches, p.ID) {
			if mt := m.s.Matches.rows[n-1]; mt.DebtorID == p.ID && liveFill(mt) {
				out = append(out, mt.LenderID)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (m *Matcher) emitReceivable(r *Receivable, created bool) {
	m.emit(ObjectReceivable, r.ID, string(r.Status), created, r.AmountFen, "")
}

func (m *Matcher) emitListing(l *Listing, created bool) {
	m.emit(ObjectListing, l.ID, l.Status, created, l.AmountFen, l.ReceivableID)
}

func (m *Matcher) emitMatch(mt *Match, created bool) {
	m.emit(ObjectMatch, mt.ID, mt.Status, created, mt.AmountFen, mt.ReceivableID)
}

func (m *Matcher) emitOffer(o *Offer, created bool) {
	m.emit(ObjectOffer, o.ID, o.Status, created, o.LineFen, "")
}

func (m *Matcher) emitParticipant(p *Participant, created bool) {
	status := StatusActive
	if p.Suspended {
		status = StatusSuspended
	}
	m.emit(ObjectParticipant, p.ID, status, created, 0, "")
}

// discardEvents drops the events of a refused command: it changed nothing.
func (m *Matcher) discardEvents() { m.ev.pending = m.ev.pending[:0] }

// commitEvents numbers the entry's events, gives each its audience and moves them to
// what TakeEvents returns.
func (m *Matcher) commitEvents(seq uint64) {
	if len(m.ev.pending) == 0 {
		return
	}
	if len(m.ev.pending) > maxEventsPerEntry {
		panic("matcher: an entry made more events than maxEventsPerEntry")
	}
	many := len(m.ev.pending) > scanAudienceUpTo
	if many && m.ev.audiences == nil {
		m.ev.audiences = map[[2]string][]string{}
	}
	for i := range m.ev.pending {
		e := m.ev.pending[i]
		e.Seq, e.Idx, e.TimeMs = seq, uint32(i), m.nowMs
		// Events of one object in one entry share its audience (read-only).
		if many {
			key := [2]string{e.Object, e.ObjectID}
			aud, ok := m.ev.audiences[key]
			if !ok {
				aud = m.audience(e.Object, e.ObjectID)
				m.ev.audiences[key] = aud
			}
			e.Audience = aud
		} else {
			for j := i - 1; j >= 0 && e.Audience == nil; j-- {
				if p := &m.ev.out[len(m.ev.out)-(i-j)]; p.Object == e.Object && p.ObjectID == e.ObjectID {
					e.Audience = p.Audience
				}
			}
			if e.Audience == nil {
				e.Audience = m.audience(e.Object, e.ObjectID)
			}
		}
		m.ev.out = append(m.ev.out, e)
	}
	if many {
		clear(m.ev.audiences)
	}
	m.ev.pending = m.ev.pending[:0]
}

// audience are the participants who may see an object (docs/api.md "Conventions"):
// a receivable's parties, a listing's holder, a match's lender, holder and debtor, an
// offer's lender, a participant itself. Sorted, without repeats.
func (m *Matcher) audience(object, id string) []string {
	var out []string
	switch object {
	case ObjectReceivable:
		r := m.s.Receivables.get(id)
		out = make([]string, 0, 3+len(r.Lenders))
		out = append(out, r.HolderID, r.DebtorID)
		if r.AssigneeID != "" {
			out = append(out, r.AssigneeID)
		}
		out = append(out, r.Lenders...)
	case ObjectListing:
		out = append(out, m.s.Listings.get(id).HolderID)
	case ObjectMatch:
		mt := m.s.Matches.get(id)
		out = []string{mt.LenderID, mt.HolderID, mt.DebtorID}
	case ObjectOffer:
		out = append(out, m.s.Offers.get(id).LenderID)
	case ObjectParticipant:
		out = append(out, id)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
