// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestDueIndexOrder: the due index against a sorted list of (due date, number): adds
// in random order (as a rebuild may), again for some, and pops at rising days give
// the same numbers in the same order, each once.
func TestDueIndexOrder(t *testing.T) {
	type item struct {
		due Date
		n   uint64
	}
	r := rand.New(rand.NewPCG(5, 6))
	for round := range 20 {
		var d dueIndex
		var model []item
		next := uint64(1)
		today := Date(0)
		for op := range 3000 {
			switch k := r.IntN(20); {
			case k < 14: // a confirmation: the newest receivable
				it := item{today + Date(r.IntN(200)), next}
				next++
				d.add(it.due, it.n)
				model = append(model, it)
			case k < 17: // an older one, or one already in (a rebuild's order)
				if next == 1 {
					continue
				}
				n := 1 + r.Uint64N(next-1)
				due := today + Date(r.IntN(200))
				if i := slices.IndexFunc(model, func(it item) bool { return it.n == n }); i >= 0 {
					due = model[i].due
				} else {
					model = append(model, item{due, n})
				}
				d.add(due, n)
			default: // a tick
				today += Date(r.IntN(10))
				slices.SortFunc(model, func(a, b item) int { return cmp.Or(cmp.Compare(a.due, b.due), cmp.Compare(a.n, b.n)) })
				i := 0
				for i < len(model) && model[i].due < today {
					i++
				}
				var want, got []uint64
				for _, it := range model[:i] {
					want = append(want, it.n)
				}
				model = model[i:]
				d.popBefore(today, func(n uint64) { got = append(got, n) })
				if !slices.Equal(got, want) {
					t.Fatalf("round %d, op %d: popBefore(%d) = %v, want %v", round, op, today, got, want)
				}
			}
			if d.len() != len(model) {
				t.Fatalf("round %d, op %d: %d due, want %d", round, op, d.len(), len(model))
			}
		}
	}
}

// BenchmarkAddDue: one confirmation's entry in the due index with live receivables
// already in it, due over the next 180 days: the cost must not grow with them. Each
// op adds one more, so compare with a fixed count (docs/benchmarks.md, "Due index"):
//
//	go test ./matcher -run '^$' -bench AddDue -benchtime 2000x -count 3
func BenchmarkAddDue(b *testing.B) {
	for _, live := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("live=%d", live), func(b *testing.B) {
			ix := newIndexes()
			r := rand.New(rand.NewPCG(1, 2))
			n := uint64(0)
			add := func() {
				n++
				ix.addDue(&Receivable{ID: makeID(prefixReceivable, n), DueDate: Date(20_000 + r.IntN(180))})
			}
			for range live {
				add()
			}
			b.ReportAllocs()
			for b.Loop() {
				add()
			}
		})
	}
}

// len is the number of receivables in d.
func (d *dueIndex) len() int {
	n := 0
	for _, list := range d.byDay {
		n += len(list)
	}
	return n
}
