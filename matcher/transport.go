// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"cmp"
	"container/heap"
	"slices"
)

// transport solves the call auction's LP relaxation exactly: a transportation
// problem from listings (supply: what rests) to offers (capacity: what is
// available), each pair with a capacity and a value per fen, maximising the total
// value of a flow of any size.
//
// It starts from the greedy flow (pairs by value per fen, highest first) and then
// cancels negative cycles until none is left, which is the optimality condition of
// a min-cost flow. Cycles are searched on a graph of the offers and one root node
// (source and sink merged): a residual cycle through the full graph alternates
// listings and offers, so each arc of the small graph stands for the best listing to
// move flow through — kept in heaps that change only where a cancellation changed a
// listing's flows. A book has few offers and many listings, so each search is a
// Bellman-Ford over the offers alone. Integers throughout; ties go to the lower
// listing index, so every replica finds the same flow.

type transport struct {
	n     int              // offers; node n is the root
	capO  []int64          // residual line of each offer
	line  []int64          // each offer's whole available line
	rest  []int64          // residual supply of each listing
	pairs [][]transportArc // per listing, its arcs to offers
	// heaps, by id: entryID(o) root → o, listings with supply left and room on o;
	// backID(o) o → root, listings with flow on o, giving it back; exchID(o, p)
	// o → p, listings with flow on o and room on p.
	heaps []arcHeap
	// top caches each heap's best valid item between searches; dirty marks the heaps
	// that got an item since (a stale top is found by its version).
	top   []arcItem
	topOK []bool
	dirty []bool
}

func (t *transport) entryID(o int) int   { return o }
func (t *transport) backID(o int) int    { return t.n + o }
func (t *transport) exchID(o, p int) int { return 2*t.n + o*t.n + p }

type transportArc struct {
	offer    int
	capacity int64 // residual
	flow     int64
	cost     int64 // per fen, negative: minus the value
}

// arcItem is one listing's way along an arc of the small graph: give back a fen of
// its arc from (-1: none, the fen comes from its supply) and take one on its arc to
// (-1: none, the fen returns to its supply).
type arcItem struct {
	cost    int64
	listing int32
	from    int16
	to      int16
}

type arcHeap []arcItem

func (h arcHeap) Len() int { return len(h) }
func (h arcHeap) Less(i, j int) bool {
	if h[i].cost != h[j].cost {
		return h[i].cost < h[j].cost
	}
	return h[i].listing < h[j].listing
}
func (h arcHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *arcHeap) Push(x any)   { *h = append(*h, x.(arcItem)) }
func (h *arcHeap) Pop() any {
	old := *h
	it := old[len(old)-1]
	*h = old[:len(old)-1]
	return it
}

func newTransport(nOffers int, capO []int64, rest []int64, pairs [][]transportArc) *transport {
	nh := 2*nOffers + nOffers*nOffers
	t := &transport{n: nOffers, capO: capO, line: slices.Clone(capO), rest: rest, pairs: pairs,
		heaps: make([]arcHeap, nh), top: make([]arcItem, nh), topOK: make([]bool, nh), dirty: make([]bool, nh)}
	for i := range t.dirty {
		t.dirty[i] = true
	}
	return t
}

// greedy fills pairs by value per fen, highest first, as much as each can take.
func (t *transport) greedy() {
	type ref struct {
		cost int64
		l, k int32
	}
	var all []ref
	for l, arcs := range t.pairs {
		for k, a := range arcs {
			all = append(all, ref{a.cost, int32(l), int32(k)})
		}
	}
	slices.SortFunc(all, func(a, b ref) int {
		if a.cost != b.cost {
			return cmp.Compare(a.cost, b.cost)
		}
		if a.l != b.l {
			return int(a.l - b.l)
		}
		return int(a.k - b.k)
	})
	for _, r := range all {
		a := &t.pairs[r.l][r.k]
		f := min(t.rest[r.l], t.capO[a.offer], a.capacity)
		if f <= 0 || a.cost >= 0 {
			continue
		}
		a.flow, a.capacity = a.flow+f, a.capacity-f
		t.rest[r.l] -= f
		t.capO[a.offer] -= f
	}
}

// index pushes listing l's ways into the heaps: all of them (wasRest < 0), or those
// that became valid since the flows were was and the supply wasRest.
func (t *transport) index(l int, was []transportArc, wasRest int64) {
	arcs := t.pairs[l]
	all := wasRest < 0
	restOpened := all || wasRest <= 0 && t.rest[l] > 0
	for k, a := range arcs {
		flowOpened := a.flow > 0 && (all || was[k].flow <= 0)
		capOpened := a.capacity > 0 && (all || was[k].capacity <= 0)
		if flowOpened {
			t.push(t.backID(a.offer), arcItem{cost: -a.cost, listing: int32(l), from: int16(k), to: -1})
		}
		if a.capacity > 0 && t.rest[l] > 0 && (capOpened || restOpened) {
			t.push(t.entryID(a.offer), arcItem{cost: a.cost, listing: int32(l), from: -1, to: int16(k)})
		}
		for f, b := range arcs {
			if f == k || b.flow <= 0 || a.capacity <= 0 {
				continue
			}
			if capOpened || all || was[f].flow <= 0 {
				t.push(t.exchID(b.offer, a.offer), arcItem{cost: a.cost - b.cost, listing: int32(l), from: int16(f), to: int16(k)})
			}
		}
	}
}

// push adds an item to heap id.
func (t *transport) push(id int, it arcItem) {
	heap.Push(&t.heaps[id], it)
	t.dirty[id] = true
}

// best is the cheapest valid item of heap id, from the cache while the heap got
// nothing new and its cached best is still valid.
func (t *transport) best(id int) (arcItem, bool) {
	if !t.dirty[id] && (!t.topOK[id] || t.valid(t.top[id])) {
		return t.top[id], t.topOK[id]
	}
	t.dirty[id] = false
	t.top[id], t.topOK[id] = t.scanTop(&t.heaps[id])
	return t.top[id], t.topOK[id]
}

// scanTop drops h's items that are no longer valid and returns its best valid one.
func (t *transport) scanTop(h *arcHeap) (arcItem, bool) {
	for h.Len() > 0 {
		it := (*h)[0]
		if t.valid(it) {
			return it, true
		}
		heap.Pop(h)
	}
	return arcItem{}, false
}

// valid tells whether the listing can still move a fen the item's way. An item that
// stops being valid is dropped; index pushes it again when it becomes valid again.
func (t *transport) valid(it arcItem) bool {
	arcs := t.pairs[it.listing]
	if it.from >= 0 && arcs[it.from].flow <= 0 || it.from < 0 && t.rest[it.listing] <= 0 {
		return false
	}
	return it.to < 0 || arcs[it.to].capacity > 0
}

// smallArc is an arc of the small graph: from node u to node v by item; or, with
// sink set, from an offer with line left to the root at no cost (a fen more lent);
// or, with unsink set, from the root to an offer that lends (a fen less lent).
type smallArc struct {
	u, v   int
	it     arcItem
	sink   bool
	unsink bool
	cost   int64
}

// solve starts from the greedy flow and cancels negative cycles, at most maxCancel.
// It reports whether it reached optimality.
func (t *transport) solve(maxCancel int) bool {
	t.greedy()
	for l := range t.pairs {
		t.index(l, nil, -1)
	}
	return t.optimize(maxCancel)
}

// forbid takes pair k of listing l out of the problem: its flow goes back to the
// listing's supply and the offer's line, and it carries no more. optimize then
// finds the best flow without it, from where it was.
func (t *transport) forbid(l, k int) {
	was, wasRest := slices.Clone(t.pairs[l]), t.rest[l]
	a := &t.pairs[l][k]
	t.rest[l] += a.flow
	t.capO[a.offer] += a.flow
	a.flow, a.capacity = 0, 0
	t.index(l, was, wasRest)
	t.dirty[t.entryID(a.offer)] = true // the line it gave back opens the sink
}

// optimize cancels negative cycles, at most maxCancel; it reports whether it
// reached optimality.
func (t *transport) optimize(maxCancel int) bool {
	dist := make([]int64, t.n+1)
	pred := make([]int, t.n+1)
	mark := make([]int, t.n+1)
	var arcs []smallArc
	for c := 0; c < maxCancel; c++ {
		arcs = t.smallArcs(arcs[:0])
		// Bellman-Ford from every node at once (all distances 0). A cycle in the
		// predecessor graph is a negative cycle (Tarjan): look for one after every
		// pass, which finds it long before pass n+1 would.
		for i := range dist {
			dist[i], pred[i] = 0, -1
		}
		v := -1
		for pass := 0; pass <= t.n+1 && v < 0; pass++ {
			changed := false
			for i, a := range arcs {
				if d := dist[a.u] + a.cost; d < dist[a.v] {
					dist[a.v], pred[a.v], changed = d, i, true
				}
			}
			if !changed {
				return true // no negative cycle: optimal
			}
			v = predCycle(arcs, pred, mark)
		}
		if v < 0 {
			return false
		}
		var cycle []smallArc
		for u := v; ; {
			a := arcs[pred[u]]
			cycle = append(cycle, a)
			u = a.u
			if u == v {
				break
			}
		}
		if !t.cancel(cycle) {
			return false
		}
	}
	return false
}

// predCycle returns a node on a cycle of the predecessor graph, or -1. mark is
// scratch space of one int per node.
func predCycle(arcs []smallArc, pred, mark []int) int {
	for i := range mark {
		mark[i] = -1
	}
	for s := range pred {
		u := s
		for u >= 0 && mark[u] < 0 {
			mark[u] = s
			if pred[u] < 0 {
				u = -1
				break
			}
			u = arcs[pred[u]].u
		}
		if u >= 0 && mark[u] == s {
			return u
		}
	}
	return -1
}

// smallArcs lists the arcs of the small graph with their current best items.
func (t *transport) smallArcs(out []smallArc) []smallArc {
	root := t.n
	for o := 0; o < t.n; o++ {
		if it, ok := t.best(t.entryID(o)); ok {
			out = append(out, smallArc{u: root, v: o, it: it, cost: it.cost})
		}
		if it, ok := t.best(t.backID(o)); ok {
			out = append(out, smallArc{u: o, v: root, it: it, cost: it.cost})
		}
		if t.capO[o] > 0 {
			out = append(out, smallArc{u: o, v: root, sink: true})
		}
		if t.capO[o] < t.line[o] {
			out = append(out, smallArc{u: root, v: o, unsink: true})
		}
		for p := 0; p < t.n; p++ {
			if p == o {
				continue
			}
			if it, ok := t.best(t.exchID(o, p)); ok {
				out = append(out, smallArc{u: o, v: p, it: it, cost: it.cost})
			}
		}
	}
	return out
}

// cancel pushes as much flow round the cycle as every resource it uses allows,
// counting a listing's arcs once however many of the cycle's arcs go through it.
func (t *transport) cancel(cycle []smallArc) bool {
	type key struct{ l, k int32 }
	dFlow := map[key]int64{}
	dRest := map[int32]int64{}
	dCap := map[int]int64{}
	for _, a := range cycle {
		if a.sink {
			dCap[a.u]-- // the offer's line takes a fen more
			continue
		}
		if a.unsink {
			dCap[a.v]++ // the offer's line takes a fen less
			continue
		}
		l := a.it.listing
		if a.it.from >= 0 {
			dFlow[key{l, int32(a.it.from)}]--
		} else {
			dRest[l]--
		}
		if a.it.to >= 0 {
			dFlow[key{l, int32(a.it.to)}]++
		} else {
			dRest[l]++
		}
	}
	push := transportInf
	for k, d := range dFlow {
		a := t.pairs[k.l][k.k]
		switch {
		case d < 0:
			push = min(push, a.flow/-d)
		case d > 0:
			push = min(push, a.capacity/d)
		}
	}
	for l, d := range dRest {
		if d < 0 {
			push = min(push, t.rest[l]/-d)
		}
	}
	for o, d := range dCap {
		if d < 0 {
			push = min(push, t.capO[o]/-d)
		}
	}
	if push <= 0 || push >= transportInf {
		return false
	}
	// What the touched listings held before, to push only the ways that open.
	type before struct {
		arcs []transportArc
		rest int64
	}
	prev := map[int32]before{}
	note := func(l int32) {
		if _, ok := prev[l]; !ok {
			prev[l] = before{slices.Clone(t.pairs[l]), t.rest[l]}
		}
	}
	for k := range dFlow {
		note(k.l)
	}
	for l := range dRest {
		note(l)
	}
	for k, d := range dFlow {
		a := &t.pairs[k.l][k.k]
		a.flow += d * push
		a.capacity -= d * push
	}
	for l, d := range dRest {
		t.rest[l] += d * push
	}
	for o, d := range dCap {
		t.capO[o] += d * push
	}
	touched := make([]int32, 0, len(prev))
	for l := range prev {
		touched = append(touched, l)
	}
	slices.Sort(touched) // map order must not reach the heaps
	for _, l := range touched {
		t.index(int(l), prev[l].arcs, max(prev[l].rest, 0))
	}
	return true
}

const transportInf = int64(1) << 62
