// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"slices"
	"strconv"
)

// Page limits of docs/api.md "Lists and cursors".
const (
	DefaultPageLimit = 50
	MaxPageLimit     = 500
	// maxPageScan bounds the objects one filtered page may look at, so a filter that
	// matches little cannot turn one request into a scan of everything.
	maxPageScan = 20_000
)

// Page is one page of a list; Next is "" on the last page.
type Page[T any] struct {
	Items []T
	Next  string
}

// ParseCursor checks a cursor from a client: "" or the decimal counter of the last
// item of the previous page.
func ParseCursor(s string) (uint64, *Error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || len(s) > 20 {
		return 0, fieldErr("cursor", "is not a cursor this server issued")
	}
	return n, nil
}

func clampLimit(limit int) int {
	if limit <= 0 {
		return DefaultPageLimit
	}
	return min(limit, MaxPageLimit)
}

// paginate walks the numbers after cursor — all of 1..total when scope is nil, else
// those in scope (ascending) — and keeps those get accepts.
func paginate[T any](scope []uint64, all bool, total, cursor uint64, limit int, get func(uint64) (T, bool)) Page[T] {
	limit = clampLimit(limit)
	p := Page[T]{Items: make([]T, 0, min(limit, 64))}
	var next func() (uint64, bool)
	if all {
		n := cursor
		next = func() (uint64, bool) { n++; return n, n <= total }
	} else {
		i, found := slices.BinarySearch(scope, cursor)
		if found {
			i++
		}
		next = func() (uint64, bool) {
			if i >= len(scope) {
				return 0, false
			}
			i++
			return scope[i-1], true
		}
	}
	last := cursor
	for scanned := 0; scanned < maxPageScan; scanned++ {
		n, ok := next()
		if !ok {
			return p
		}
		last = n
		if v, keep := get(n); keep {
			p.Items = append(p.Items, v)
		}
		if len(p.Items) == limit {
			break
		}
	}
	// A full page, or the scan bound reached: more may follow the last number seen.
	if _, more := next(); more {
		p.Next = strconv.FormatUint(last, 10)
	}
	return p
}

// Cluster returns a cluster by id.
func (m *Matcher) Cluster(id string) (*Cluster, bool) {
	c := m.s.Clusters.get(id)
	if c == nil {
		return nil, false
	}
	cp := *c
	return &cp, true
}

// Clusters lists clusters (anyone may read the public cluster register).
func (m *Matcher) Clusters(cursor uint64, limit int) Page[Cluster] {
	return paginate(nil, true, m.s.Counters.Cluster, cursor, limit, func(n uint64) (Cluster, bool) {
		c := m.s.Clusters.at(n)
		if c == nil {
			return Cluster{}, false
		}
		return *c, true
	})
}

// Participant is a participant as actor sees it: the operator sees all, others themselves.
func (m *Matcher) Participant(actor, id string) (*Participant, *Error) {
	p := m.s.Participants.get(id)
	if p == nil || (!m.seesAll(actor) && actor != id) {
		return nil, notFound("participant", id)
	}
	return p.copy(), nil
}

// Participants lists the participants actor may see.
func (m *Matcher) Participants(actor string, cursor uint64, limit int) Page[Participant] {
	get := func(n uint64) (Participant, bool) {
		p := m.s.Participants.at(n)
		if p == nil {
			return Participant{}, false
		}
		return *p.copy(), true
	}
	if m.seesAll(actor) {
		return paginate(nil, true, m.s.Counters.Participant, cursor, limit, get)
	}
	n := idNumber(prefixParticipant, actor)
	if m.s.Participants.get(actor) == nil {
		return Page[Participant]{Items: []Participant{}}
	}
	return paginate([]uint64{n}, false, 0, cursor, limit, get)
}

// Directory lists every participant, optionally of one role, for any caller: the
// names, roles and addresses a participant needs to name its counterparties (the
// core it invoices, the supplier it transfers to). What else a participant is (its
// USCC, cluster, tokens) stays with Participants.
func (m *Matcher) Directory(role Role, cursor uint64, limit int) Page[Participant] {
	get := func(n uint64) (Participant, bool) {
		p := m.s.Participants.at(n)
		if p == nil || (role != "" && p.Role != role) {
			return Participant{}, false
		}
		return *p.copy(), true
	}
	return paginate(nil, true, m.s.Counters.Participant, cursor, limit, get)
}

// Receivable is a receivable actor is party to.
func (m *Matcher) Receivable(actor, id string) (*Receivable, *Error) {
	r, err := m.visibleReceivable(actor, id)
	if err != nil {
		return nil, err
	}
	return r.copy(), nil
}

// Receivables lists what actor is party to, optionally of one status.
func (m *Matcher) Receivables(actor string, status Status, cursor uint64, limit int) Page[*Receivable] {
	get := func(n uint64) (*Receivable, bool) {
		r := m.s.Receivables.at(n)
		if r == nil || (status != "" && r.Status != status) {
			return nil, false
		}
		return r.copy(), true
	}
	if m.seesAll(actor) {
		return paginate(nil, true, m.s.Counters.Receivable, cursor, limit, get)
	}
	return paginate(numbers(m.ix.parties, actor), false, 0, cursor, limit, get)
}

// Listing is a listing its holder (or the operator) may see.
func (m *Matcher) Listing(actor, id string) (*Listing, *Error) {
	l := m.s.Listings.get(id)
	if l == nil || (!m.seesAll(actor) && actor != l.HolderID) {
		return nil, notFound("listing", id)
	}
	return l.copy(), nil
}

// Listings lists the resting listings actor holds (the operator: all of them), the
// ones a holder may still cancel.
func (m *Matcher) Listings(actor string, cursor uint64, limit int) Page[*Listing] {
	get := func(n uint64) (*Listing, bool) {
		l := m.s.Listings.at(n)
		if l == nil || l.Status != ListingResting || (actor != ActorOperator && actor != l.HolderID) {
			return nil, false
		}
		return l.copy(), true
	}
	return paginate(nil, true, m.s.Counters.Listing, cursor, limit, get)
}

// Offer is an offer its lender (or the operator) may see.
func (m *Matcher) Offer(actor, id string) (*Offer, *Error) {
	o := m.s.Offers.get(id)
	if o == nil || (!m.seesAll(actor) && actor != o.LenderID) {
		return nil, notFound("offer", id)
	}
	return o.copy(), nil
}

// Offers lists a lender's offers (the operator: all).
func (m *Matcher) Offers(actor string, cursor uint64, limit int) Page[*Offer] {
	get := func(n uint64) (*Offer, bool) {
		o := m.s.Offers.at(n)
		if o == nil {
			return nil, false
		}
		return o.copy(), true
	}
	if m.seesAll(actor) {
		return paginate(nil, true, m.s.Counters.Offer, cursor, limit, get)
	}
	return paginate(m.ix.offers[actor], false, 0, cursor, limit, get)
}

// Match is a match its lender, holder or debtor (or the operator) may see.
func (m *Matcher) Match(actor, id string) (*Match, *Error) {
	mt := m.s.Matches.get(id)
	if mt == nil || (!m.seesAll(actor) && actor != mt.LenderID && actor != mt.HolderID && actor != mt.DebtorID) {
		return nil, notFound("match", id)
	}
	return mt.copy(), nil
}

// Matches lists the matches actor is party to.
func (m *Matcher) Matches(actor string, cursor uint64, limit int) Page[*Match] {
	get := func(n uint64) (*Match, bool) {
		mt := m.s.Matches.at(n)
		if mt == nil {
			return nil, false
		}
		return mt.copy(), true
	}
	if m.seesAll(actor) {
		return paginate(nil, true, m.s.Counters.Match, cursor, limit, get)
	}
	return paginate(numbers(m.ix.matches, actor), false, 0, cursor, limit, get)
}

// BookListing is a resting listing with its owner left out.
type BookListing struct {
	Band      string `json:"band"`
	AmountFen int64  `json:"amount"`
	TenorDays int    `json:"tenor_days"`
	Tier      int    `json:"tier"`
}

// BookQuote is the best live rate for one band and the line behind it.
type BookQuote struct {
	Band         string `json:"band"`
	BestRateBps  int64  `json:"best_rate_bps"`
	Offers       int    `json:"offers"`
	AvailableFen int64  `json:"available"`
}

// BookView is a core's book, anonymised (docs/api.md GET /v1/books/{core_id}).
type BookView struct {
	CoreID   string        `json:"core_id"`
	Listings []BookListing `json:"listings"`
	Quotes   []BookQuote   `json:"quotes"`
}

// Book is core's anonymised book, at most limit listings; ok is false if core is not a core.
func (m *Matcher) Book(core string, limit int) (BookView, bool) {
	if p := m.s.Participants.get(core); p == nil || p.Role != RoleCore {
		return BookView{}, false
	}
	// A read must never write: ix.book would create the core's book on first use, a map
	// insert that two concurrent readers would race on (Go's fatal "concurrent map
	// writes"). A core that never had an offer or a listing has an empty book.
	b := m.ix.books[core]
	if b == nil {
		b = &book{}
	}
	v := BookView{CoreID: core, Listings: []BookListing{}, Quotes: []BookQuote{}}
	today := m.Today()
	limit = clampLimit(limit)
	for l := range b.resting.all() {
		if len(v.Listings) == limit {
			break
		}
		r := m.s.Receivables.get(l.ReceivableID)
		v.Listings = append(v.Listings, BookListing{Band: l.Band, AmountFen: l.AmountFen, TenorDays: int(r.DueDate - today), Tier: l.Tier})
	}
	// One pass over the live offers for the three bands.
	quotes := [...]BookQuote{{Band: "A"}, {Band: "B"}, {Band: "C"}}
	for o := range b.offers.all() {
		avail := o.Available()
		if avail <= 0 {
			continue
		}
		for i := range quotes {
			q := &quotes[i]
			rate, ok := o.bandQuote(q.Band)
			if !ok {
				continue
			}
			if q.Offers == 0 || rate < q.BestRateBps {
				q.BestRateBps = rate
			}
			q.Offers++
			q.AvailableFen += avail
		}
	}
	for _, q := range quotes {
		if q.Offers > 0 {
			v.Quotes = append(v.Quotes, q)
		}
	}
	return v, true
}

// Stats are counters for metrics and GET /v1/node.
type Stats struct {
	AppliedSeq    uint64
	Clusters      uint64
	Participants  uint64
	Receivables   uint64
	Listings      uint64
	Offers        uint64
	Matches       uint64
	PendingLeaves int
	PendingRegs   int
}

// Stats reads the counters.
func (m *Matcher) Stats() Stats {
	c := m.s.Counters
	leaves, regs := m.PendingCounts()
	return Stats{
		AppliedSeq: m.appliedSeq, Clusters: c.Cluster, Participants: c.Participant, Receivables: c.Receivable,
		Listings: c.Listing, Offers: c.Offer, Matches: c.Match, PendingLeaves: leaves, PendingRegs: regs,
	}
}
