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

// book is one core's market: live offers and resting listings, each oldest first
// (seqList), and, per financeable band, the live offers whose line can still make a
// fill, by price (priced).
type book struct {
	offers  seqList[Offer]
	resting seqList[Listing]
	priced  [3]pricedList // bands A, B, C
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
	b.offers.add(o, o.Seq)
	if o.canFill() {
		b.price(o)
	}
}

func (b *book) removeOffer(o *Offer) {
	b.offers.remove(o, o.Seq)
	b.unprice(o)
}

// canFill: what is left of o's line is a fill o accepts for some listing (fillAmount:
// at least 1 fen and o's minimum ticket). An offer that cannot is out of its book's
// price index, so that a search for the best offer does not walk past the used-up
// lines of a busy market; it goes back in its place (rate, then age) as soon as its
// line has room again (lineMoved). A listing's own minimum fill still rules offers out
// one by one: it is the listing's, not the offer's.
func (o *Offer) canFill() bool { return o.Available() > 0 && o.Available() >= o.MinTicketFen }

// lineMoved keeps o, whose reserved or used amount just changed, in the price index
// exactly while it can fill (canFill); could says whether it could before the change.
// An offer no longer live is in no book, whatever its line.
func (b *book) lineMoved(o *Offer, could bool) {
	switch can := o.canFill(); {
	case o.Status != OfferLive || can == could:
	case can:
		b.price(o)
	default:
		b.unprice(o)
	}
}

// price adds o to the price index of each band it quotes, in its place.
func (b *book) price(o *Offer) {
	for k, band := range pricedBands {
		if rate, ok := o.bandQuote(band); ok {
			b.priced[k].insert(pricedOffer{rate: rate, seq: o.Seq, o: o})
		}
	}
}

// unprice takes o out of the price index, if it is there.
func (b *book) unprice(o *Offer) {
	for k, band := range pricedBands {
		if rate, ok := o.bandQuote(band); ok {
			b.priced[k].remove(rate, o.Seq)
		}
	}
}

func (b *book) addListing(l *Listing) { b.resting.add(l, l.Seq) }

// dropFilled takes out of the book, in one pass, the listings that stopped resting
// (filled whole by the fills just made); the rest keep their order. Removing each
// with removeListing would cost a search each.
func (b *book) dropFilled() {
	b.resting.deleteFunc(func(l *Listing) bool { return l.Status != ListingResting })
}

func (b *book) removeListing(l *Listing) { b.resting.remove(l, l.Seq) }

func (ix *indexes) addDue(r *Receivable) { ix.due.add(r.DueDate, idNumber(prefixReceivable, r.ID)) }

// popDue removes and returns the receivables due strictly before day, earliest first
// (and by number within a day).
func (ix *indexes) popDue(day Date) []string {
	var out []string
	ix.due.popBefore(day, func(n uint64) { out = append(out, makeID(prefixReceivable, n)) })
	return out
}
