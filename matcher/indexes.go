// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"slices"

	"github.com/ethereum/go-ethereum/common"
)

// indexes are derived from state and rebuilt by Restore: every query is served from
// them, never from a scan of all objects.
type indexes struct {
	byToken   map[string]string         // token hash → participant
	byAddress map[common.Address]string // SME and core addresses → participant
	parties   map[string]*[]uint64      // participant → receivable numbers it is party to, ascending
	matches   map[string]*[]uint64      // participant → match numbers (lender, holder, debtor), ascending
	offers    map[string][]uint64       // lender → offer numbers, ascending
	books     map[string]*book          // core → its book
	due       dueIndex                  // confirmed tier-1 receivables by due date, for Tick
	// heads are the indexes in the state's Batches of the batches that commit a log
	// head, in order; headsOrdered says their sizes never decrease (as a node cuts
	// them), so that AnchoredHeads finds where to start by binary search.
	heads        []int
	headsOrdered bool
}

// addHead adds batches[i], which commits a log head.
func (ix *indexes) addHead(batches []Batch, i int) {
	if n := len(ix.heads); n > 0 && batches[ix.heads[n-1]].Head.Size > batches[i].Head.Size {
		ix.headsOrdered = false
	}
	ix.heads = append(ix.heads, i)
}

// dueIndex is the confirmed tier-1 receivables awaiting maturity by due date: the
// numbers due on each day, ascending, and the days that have any, ascending. A
// confirmation appends to its day's list (a new receivable has the highest number),
// so adding costs the same whatever the number of receivables live; one list of all
// sorted by date moved half of it on every confirmation and made rebuilding the
// index quadratic in the receivables.
type dueIndex struct {
	days  []Date
	byDay map[Date][]uint64
}

// add adds receivable number n, due on day (once: adding it again changes nothing).
func (d *dueIndex) add(day Date, n uint64) {
	list, ok := d.byDay[day]
	if !ok {
		if d.byDay == nil {
			d.byDay = map[Date][]uint64{}
		}
		i, _ := slices.BinarySearch(d.days, day)
		d.days = slices.Insert(d.days, i, day)
	}
	d.byDay[day] = insertSorted(list, n)
}

// popBefore removes the numbers due strictly before day and calls f with each, by
// due date, then number.
func (d *dueIndex) popBefore(day Date, f func(n uint64)) {
	k := 0
	for ; k < len(d.days) && d.days[k] < day; k++ {
		for _, n := range d.byDay[d.days[k]] {
			f(n)
		}
		delete(d.byDay, d.days[k])
	}
	d.days = slices.Delete(d.days, 0, k)
}

// book is one core's market: live offers and resting listings, each oldest first,
// and the live offers of each financeable band by price (priced).
type book struct {
	offers  []*Offer
	resting []*Listing
	priced  [3][]pricedOffer // bands A, B, C
}

// pricedOffer is a live offer under the best rate it quotes a band (Offer.bandQuote):
// no listing of the band gets a lower one from it, since a curve rises as the score
// falls. A band's offers are sorted by that rate, then by age (Seq), so bestOffer
// stops at the first offer whose best rate is above the best quote found.
type pricedOffer struct {
	rate int64
	seq  uint64
	o    *Offer
}

var pricedBands = [3]string{"A", "B", "C"}

// bandIndex is the index of band in book.priced, or -1 for band D, which no offer serves.
func bandIndex(band string) int {
	switch band {
	case "A":
		return 0
	case "B":
		return 1
	case "C":
		return 2
	}
	return -1
}

func comparePriced(e pricedOffer, rate int64, seq uint64) int {
	switch {
	case e.rate != rate:
		return cmpInt64(e.rate, rate)
	case e.seq < seq:
		return -1
	case e.seq > seq:
		return 1
	}
	return 0
}

func cmpInt64(a, b int64) int {
	if a < b {
		return -1
	}
	if a > b {
		return 1
	}
	return 0
}

func newIndexes() indexes {
	return indexes{
		byToken: map[string]string{}, byAddress: map[common.Address]string{},
		parties: map[string]*[]uint64{}, matches: map[string]*[]uint64{}, offers: map[string][]uint64{},
		books: map[string]*book{}, headsOrdered: true,
	}
}

func (ix *indexes) addParticipant(p *Participant) {
	for _, t := range p.Tokens {
		ix.byToken[t.Hash] = p.ID
	}
	if p.Role != RoleLender {
		ix.byAddress[p.Address] = p.ID
	}
}

// insertSorted adds n to an ascending list (usually at the end).
func insertSorted(list []uint64, n uint64) []uint64 {
	if len(list) == 0 || list[len(list)-1] < n {
		return append(list, n) // the common case: the newest object
	}
	i, found := slices.BinarySearch(list, n)
	if found {
		return list
	}
	return slices.Insert(list, i, n)
}

func (ix *indexes) addReceivable(r *Receivable) {
	n := idNumber(prefixReceivable, r.ID)
	addNumber(ix.parties, r.HolderID, n)
	addNumber(ix.parties, r.DebtorID, n)
}

func (ix *indexes) addParty(pid string, r *Receivable) {
	addNumber(ix.parties, pid, idNumber(prefixReceivable, r.ID))
}

func (ix *indexes) addMatch(mt *Match) {
	n := idNumber(prefixMatch, mt.ID)
	addNumber(ix.matches, mt.LenderID, n)
	addNumber(ix.matches, mt.HolderID, n)
	addNumber(ix.matches, mt.DebtorID, n)
}

// addNumber adds n to key's list in index: one lookup, no assignment once the list
// exists (list+match adds to five lists).
func addNumber(index map[string]*[]uint64, key string, n uint64) {
	list := index[key]
	if list == nil {
		list = new([]uint64)
		index[key] = list
	}
	*list = insertSorted(*list, n)
}

// numbers is key's list in index (nil if none).
func numbers(index map[string]*[]uint64, key string) []uint64 {
	if list := index[key]; list != nil {
		return *list
	}
	return nil
}

func (ix *indexes) addOffer(o *Offer) {
	ix.offers[o.LenderID] = insertSorted(ix.offers[o.LenderID], idNumber(prefixOffer, o.ID))
}

func (ix *indexes) book(core string) *book {
	b := ix.books[core]
	if b == nil {
		b = &book{}
		ix.books[core] = b
	}
	return b
}

func (b *book) addOffer(o *Offer) {
	b.offers = append(b.offers, o)
	for k, band := range pricedBands {
		rate, ok := o.bandQuote(band)
		if !ok {
			continue
		}
		list := b.priced[k]
		i, _ := slices.BinarySearchFunc(list, o, func(e pricedOffer, o *Offer) int { return comparePriced(e, rate, o.Seq) })
		b.priced[k] = slices.Insert(list, i, pricedOffer{rate: rate, seq: o.Seq, o: o})
	}
}

func (b *book) removeOffer(o *Offer) {
	if i := slices.Index(b.offers, o); i >= 0 {
		b.offers = slices.Delete(b.offers, i, i+1)
	}
	for k, band := range pricedBands {
		rate, ok := o.bandQuote(band)
		if !ok {
			continue
		}
		list := b.priced[k]
		if i, found := slices.BinarySearchFunc(list, o, func(e pricedOffer, o *Offer) int { return comparePriced(e, rate, o.Seq) }); found {
			b.priced[k] = slices.Delete(list, i, i+1)
		}
	}
}

func (b *book) addListing(l *Listing) { b.resting = append(b.resting, l) }

// dropFilled takes out of the book, in one pass, the listings that stopped resting
// (filled whole by the fills just made); the rest keep their order. Removing each
// with removeListing would move the book once per fill.
func (b *book) dropFilled() {
	b.resting = slices.DeleteFunc(b.resting, func(l *Listing) bool { return l.Status != ListingResting })
}

func (b *book) removeListing(l *Listing) {
	if i := slices.Index(b.resting, l); i >= 0 {
		b.resting = slices.Delete(b.resting, i, i+1)
	}
}

func (ix *indexes) addDue(r *Receivable) { ix.due.add(r.DueDate, idNumber(prefixReceivable, r.ID)) }

// popDue removes and returns the receivables due strictly before day, earliest first
// (and by number within a day).
func (ix *indexes) popDue(day Date) []string {
	var out []string
	ix.due.popBefore(day, func(n uint64) { out = append(out, makeID(prefixReceivable, n)) })
	return out
}
