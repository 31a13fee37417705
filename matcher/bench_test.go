// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"fmt"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// benchBook builds a core with 100 live offers and n financeable receivables cloned
// from one real one (signing n confirmations would dwarf the benchmark).
func benchBook(b *testing.B, n int) (*world, []string) { return benchBookOffers(b, 100, n) }

// benchBookOffers is benchBook with offers live offers in the book.
func benchBookOffers(b testing.TB, offers, n int) (*world, []string) {
	b.Helper()
	w := newWorld(b)
	cl := w.cluster(LevelNational)
	core := w.core("AAA")
	sme := w.sme(cl, "specialized")
	for i := 0; i < offers; i++ {
		l := w.lender()
		w.offer(l, core, 1e15, 300+int64(i*7%97), 400+int64(i%50), 600)
	}
	tmpl := w.m.s.Receivables.get(w.financeable(sme, core, 1_000_000_00, 120))
	ids := make([]string, n)
	for i := range ids {
		w.m.s.Counters.Receivable++
		r := tmpl.copy()
		r.ID = makeID(prefixReceivable, w.m.s.Counters.Receivable)
		w.m.s.Receivables.put(r.ID, r)
		w.m.ix.addReceivable(r)
		ids[i] = r.ID
	}
	return w, ids
}

// BenchmarkApplyListMatch: one op lists a financeable receivable against a book of
// 100 live offers and matches it; docs/benchmarks.md
// ("Matcher") has its target and figures.
func BenchmarkApplyListMatch(b *testing.B) { benchApplyListMatch(b, 100) }

// BenchmarkApplyListMatchOffers is BenchmarkApplyListMatch at 10, 100, 1,000 and
// 10,000 live offers in the book: a match must cost (nearly) the same whatever the
// size of the book (docs/benchmarks.md, "Matcher").
func BenchmarkApplyListMatchOffers(b *testing.B) {
	for _, n := range []int{10, 100, 1_000, 10_000} {
		b.Run(fmt.Sprintf("offers=%d", n), func(b *testing.B) { benchApplyListMatch(b, n) })
	}
}

// TestListMatchAllocs: a list+match allocates only the result's two copies (the
// listing, and Matches with the match) — the new rows, their ids and lists come from
// chunks (slab.go), the quote reason is formatted when read (docs/benchmarks.md,
// "The apply path without allocations"). Chunk refills and table growth, amortized,
// stay well under one more.
func TestListMatchAllocs(t *testing.T) {
	const runs = 1000
	w, ids := benchBookOffers(t, 100, runs+1)
	cmds := make([]Command, len(ids))
	for i := range cmds {
		cmds[i] = listCmd(ids[i], 1000)
		cmds[i].Actor = w.m.s.Receivables.get(ids[i]).HolderID
	}
	i := 0
	allocs := testing.AllocsPerRun(runs, func() {
		w.seq++
		if r := w.m.Apply(Entry{Seq: w.seq, TimeMs: w.nowMs, Cmd: cmds[i]}); r.Err != nil || r.Match == nil {
			t.Fatalf("list %s: %v, match %v", ids[i], r.Err, r.Match)
		}
		i++
	})
	t.Logf("%.3f allocations a list+match", allocs)
	if allocs > 2.5 {
		t.Fatalf("list+match allocates %.2f times, want at most 2.5", allocs)
	}
}

func benchApplyListMatch(b *testing.B, offers int) {
	w, ids := benchBookOffers(b, offers, b.N)
	cmds := make([]Command, b.N)
	for i := range cmds {
		cmds[i] = listCmd(ids[i], 1000)
		cmds[i].Actor = w.m.s.Receivables.get(ids[i]).HolderID
	}
	heap := liveHeap()
	b.ReportAllocs()
	b.ResetTimer()
	cpu := processCPU()
	for i := 0; i < b.N; i++ {
		w.seq++
		r := w.m.Apply(Entry{Seq: w.seq, TimeMs: w.nowMs, Cmd: cmds[i]})
		if r.Err != nil || r.Match == nil {
			b.Fatalf("list %s: %v, match %v", ids[i], r.Err, r.Match)
		}
	}
	b.StopTimer()
	reportOps(b, processCPU()-cpu)
	// What a list+match leaves in the state: the bytes the heap holds after a
	// collection, beyond what it held before (the commands' room is freed as they go).
	clear(cmds)
	b.ReportMetric(float64(liveHeap()-heap)/float64(b.N), "kept-B/op")
	runtime.KeepAlive(w)
}

// liveHeap is the heap's live bytes after a full collection.
func liveHeap() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// reportOps reports ops per second of wall time, and the process's CPU time per op
// and ops per CPU-second (the garbage collector's included): on a shared machine the
// wall time measures the neighbours.
func reportOps(b *testing.B, cpu time.Duration) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(b.N)/cpu.Seconds(), "ops/cpu-s")
}

// processCPU is the user and system time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkApplyRawListMatch is the same with the journal decoding included.
func BenchmarkApplyRawListMatch(b *testing.B) { benchApplyRawListMatch(b, false) }

// BenchmarkApplyRawListMatchEvents is the same with events on, taken every 1,024
// entries as the node takes them per batch: what the feed costs the apply path (five
// events an op: listing created and matched, receivable listed and matched, match
// created).
func BenchmarkApplyRawListMatchEvents(b *testing.B) { benchApplyRawListMatch(b, true) }

func benchApplyRawListMatch(b *testing.B, events bool) {
	w, ids := benchBook(b, b.N)
	if events {
		w.m.EnableEvents()
		w.m.TakeEvents()
	}
	raw := make([][]byte, b.N)
	for i := range raw {
		c := listCmd(ids[i], 1000)
		c.Actor = w.m.s.Receivables.get(ids[i]).HolderID
		raw[i], _ = EncodeCommand(c)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w.seq++
		if r := w.m.ApplyRaw(w.seq, w.nowMs, raw[i]); r.Err != nil {
			b.Fatal(r.Err)
		}
		if events && i%1024 == 1023 {
			w.m.TakeEvents()
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

// BenchmarkStateHash measures reading the hash /v1/node serves (and the anchorer
// commits per batch) after one list+match — a listing, a match, the receivable, the
// offer and the participants read — in a state of 10,000 and 100,000 receivables: the
// read folds what changed, whatever the size of the state.
func BenchmarkStateHash(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("receivables=%d", n), func(b *testing.B) {
			w, ids := benchBook(b, n+b.N)
			_ = w.m.StateHash() // the first read folds the whole state
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				c := listCmd(ids[n+i], 1000)
				c.Actor = w.m.s.Receivables.get(ids[n+i]).HolderID
				w.seq++
				if r := w.m.Apply(Entry{Seq: w.seq, TimeMs: w.nowMs, Cmd: c}); r.Err != nil {
					b.Fatal(r.Err)
				}
				b.StartTimer()
				_ = w.m.StateHash()
			}
		})
	}
}

// BenchmarkStateHashFull is the state hash computed from the whole state, as the
// first read after a restore does (and as every read did before it was kept running).
func BenchmarkStateHashFull(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("receivables=%d", n), func(b *testing.B) {
			w, _ := benchBook(b, n)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				_ = w.m.fullStateHash()
			}
		})
	}
}

func ExampleDiscount() {
	// 1,000,000.00 yuan at 3.85% for 90 days.
	fmt.Println(Discount(100_000_000, 385, 90))
	// Output: 949315
}

// BenchmarkApplyRawSubmit: one op is a journal record of POST /v1/receivables,
// decoded and applied — with an Idempotency-Key, by the replica that answers it.
// BenchmarkApplyRawSubmitUnanswered: one without a key, applied by every other
// replica.
func BenchmarkApplyRawSubmit(b *testing.B) { benchApplyRawSubmit(b, true, false) }

func BenchmarkApplyRawSubmitUnanswered(b *testing.B) { benchApplyRawSubmit(b, false, false) }

// BenchmarkApplyRawSubmitHashed is BenchmarkApplyRawSubmit on a matcher whose state
// hash has been read once, as a node's has (node.Open reads it): each change is kept
// for the next read, which never comes here (a replica that anchors nothing).
func BenchmarkApplyRawSubmitHashed(b *testing.B) { benchApplyRawSubmit(b, true, true) }

func benchApplyRawSubmit(b *testing.B, answered, hashed bool) {
	w := newWorld(b)
	cl := w.cluster(LevelNational)
	core := w.core("AAA")
	smes := make([]string, 64)
	for i := range smes {
		smes[i] = w.sme(cl, "specialized")
	}
	raw := make([][]byte, b.N)
	for i := range raw {
		c := w.submitCmd(core, 1_000_000, 90)
		c.Actor = smes[i%len(smes)]
		c.Payload.(*SubmitReceivable).InvoiceNumber = fmt.Sprintf("BENCH-%010d", i)
		if answered {
			c.IdemKey, c.IdemHash = fmt.Sprintf("key-%d", i), "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		}
		raw[i], _ = EncodeCommand(c)
	}
	apply := w.m.ApplyRaw
	if !answered {
		apply = w.m.ApplyRawUnanswered
	}
	if hashed {
		w.m.StateHash()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w.seq++
		if r := apply(w.seq, w.nowMs, raw[i]); r.Err != nil {
			b.Fatal(r.Err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}
