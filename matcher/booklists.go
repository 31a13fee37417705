// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"fmt"
	"iter"
	"slices"
)

// seqList is a book's resting listings or live offers, oldest first, from which one
// leaves at the cost of a binary search, not of a search and a shift of the whole
// book (a cancel, a withdrawal or a credit note in a book of thousands).
//
// Objects enter in creation order (a new one has the highest Seq; Restore adds them
// by id), so seqs, each item's Seq, is ascending and finds an item by binary search.
// Removing one leaves a hole (a nil item; its Seq stays, so the search still works)
// which every reader skips by reading through all. Once holes are more than half of
// the items they are squeezed out in one pass that keeps the order: each removal pays
// for at most one move of one item, and the slice is never more than twice the book.
// The zero seqList is an empty list.
type seqList[T any] struct {
	items []*T     // nil where an item was removed
	seqs  []uint64 // items[i]'s Seq, holes included, ascending
	holes int
}

// add appends x, whose Seq must be above every Seq in the list: the list is in
// creation order, and a search relies on it.
func (s *seqList[T]) add(x *T, seq uint64) {
	if n := len(s.seqs); n > 0 && s.seqs[n-1] >= seq {
		panic(fmt.Sprintf("matcher: book: seq %d added after %d", seq, s.seqs[n-1]))
	}
	s.items = append(s.items, x)
	s.seqs = append(s.seqs, seq)
}

// remove takes x, whose Seq is seq, out of the list; the others keep their order.
// Removing what is not in the list changes nothing.
func (s *seqList[T]) remove(x *T, seq uint64) {
	i, found := slices.BinarySearch(s.seqs, seq)
	if !found || s.items[i] != x {
		return
	}
	s.items[i] = nil
	s.holes++
	if s.holes*2 > len(s.items) {
		s.deleteFunc(func(*T) bool { return false })
	}
}

// deleteFunc takes out, in one pass, every item del reports, and the holes; the
// rest keep their order.
func (s *seqList[T]) deleteFunc(del func(*T) bool) {
	n := 0
	for i, x := range s.items {
		if x == nil || del(x) {
			continue
		}
		s.items[n], s.seqs[n] = x, s.seqs[i]
		n++
	}
	clear(s.items[n:]) // let the garbage collector have what left
	s.items, s.seqs, s.holes = s.items[:n], s.seqs[:n], 0
}

// len is the number of items in the list.
func (s *seqList[T]) len() int { return len(s.items) - s.holes }

// all yields the items, oldest first. The list must not change while it yields:
// a removal may squeeze the holes out under it.
func (s *seqList[T]) all() iter.Seq[*T] {
	return func(yield func(*T) bool) {
		for _, x := range s.items {
			if x != nil && !yield(x) {
				return
			}
		}
	}
}

// check is the list's own invariant: seqs ascending and each item's (seq reads it),
// the holes counted, and no more than half of the items.
func (s *seqList[T]) check(seq func(*T) uint64) error {
	if len(s.seqs) != len(s.items) {
		return fmt.Errorf("%d items, %d seqs", len(s.items), len(s.seqs))
	}
	holes := 0
	for i, x := range s.items {
		switch {
		case i > 0 && s.seqs[i-1] >= s.seqs[i]:
			return fmt.Errorf("seq %d after %d", s.seqs[i], s.seqs[i-1])
		case x == nil:
			holes++
		case seq(x) != s.seqs[i]:
			return fmt.Errorf("item %d has seq %d, the list says %d", i, seq(x), s.seqs[i])
		}
	}
	if holes != s.holes || holes*2 > len(s.items) {
		return fmt.Errorf("%d holes of %d items, counted %d", holes, len(s.items), s.holes)
	}
	return nil
}

// pricedChunkMax is the most offers one chunk of a pricedList holds: what an offer
// coming in or going out moves at most, besides the list of chunks when a chunk
// splits or empties (a few hundred chunks at the largest book, maxLiveOffersBook).
// Entries hold a pointer, so a move is a copy under the garbage collector's write
// barrier: a smaller chunk moves less, a larger one makes the list of chunks longer.
const pricedChunkMax = 64

// pricedList is one band's price index (book.priced): offers by rate, then age. An
// offer comes in or goes out each time its line is used up or given back (canFill),
// which in a busy market is most fills; in one slice each would move every dearer
// offer of the band (the cheapest line is the one used up). The list is cut into sorted
// chunks, each at most pricedChunkMax, so that an offer moves one chunk only. A
// chunk that fills is split in two; one that empties goes. Chunks are not merged:
// at worst (every chunk down to one offer) a band costs what the one slice did.
// The zero pricedList is empty.
type pricedList struct {
	chunks [][]pricedOffer // none empty, each ascending, each above the one before
	n      int
}

// find is where an entry with rate and seq is, or would go: chunk c, index i.
func (p *pricedList) find(rate int64, seq uint64) (c, i int, found bool) {
	// The first chunk whose last entry is not below the key; past the last, the key
	// goes at the end of the last chunk.
	c, _ = slices.BinarySearchFunc(p.chunks, struct{}{}, func(ch []pricedOffer, _ struct{}) int {
		return comparePriced(ch[len(ch)-1], rate, seq)
	})
	if c == len(p.chunks) {
		if c == 0 {
			return 0, 0, false
		}
		c--
		return c, len(p.chunks[c]), false
	}
	i, found = slices.BinarySearchFunc(p.chunks[c], struct{}{}, func(e pricedOffer, _ struct{}) int {
		return comparePriced(e, rate, seq)
	})
	return c, i, found
}

// insert adds e in its place; an entry of the same rate and seq must not be there.
func (p *pricedList) insert(e pricedOffer) {
	c, i, found := p.find(e.rate, e.seq)
	switch {
	case found:
		panic("matcher: offer " + e.o.ID + " priced twice")
	case len(p.chunks) == 0:
		p.chunks = append(p.chunks, []pricedOffer{e})
		p.n++
		return
	}
	p.chunks[c] = slices.Insert(p.chunks[c], i, e)
	p.n++
	if ch := p.chunks[c]; len(ch) > pricedChunkMax {
		half := len(ch) / 2
		// The upper half gets a slice of its own: the two must not share the array.
		p.chunks = slices.Insert(p.chunks, c+1, slices.Clone(ch[half:]))
		clear(ch[half:])
		p.chunks[c] = ch[:half]
	}
}

// remove takes out the entry with rate and seq, if it is there.
func (p *pricedList) remove(rate int64, seq uint64) {
	c, i, found := p.find(rate, seq)
	if !found {
		return
	}
	p.chunks[c] = slices.Delete(p.chunks[c], i, i+1)
	p.n--
	if len(p.chunks[c]) == 0 {
		p.chunks = slices.Delete(p.chunks, c, c+1)
	}
}

// len is the number of entries.
func (p *pricedList) len() int { return p.n }

// all yields the entries in order: by rate, then age.
func (p *pricedList) all() iter.Seq[pricedOffer] {
	return func(yield func(pricedOffer) bool) {
		for _, ch := range p.chunks {
			for _, e := range ch {
				if !yield(e) {
					return
				}
			}
		}
	}
}

// check is the list's own invariant: chunks neither empty nor over pricedChunkMax,
// entries in strict order across them, and counted.
func (p *pricedList) check() error {
	n := 0
	var prev *pricedOffer
	for c, ch := range p.chunks {
		if len(ch) == 0 || len(ch) > pricedChunkMax {
			return fmt.Errorf("chunk %d holds %d entries", c, len(ch))
		}
		for i := range ch {
			if prev != nil && comparePriced(*prev, ch[i].rate, ch[i].seq) >= 0 {
				return fmt.Errorf("offer %s out of order", ch[i].o.ID)
			}
			prev = &ch[i]
			n++
		}
	}
	if n != p.n {
		return fmt.Errorf("%d entries, counted %d", n, p.n)
	}
	return nil
}
