// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"bytes"
	"crypto/aes"
	"crypto/sha256"
	"crypto/sha3"
	"encoding/binary"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// verifyStateHash makes every command the tests apply (world.apply, the simulation's
// steps) check the running state hash against fullStateHash; benchmarks turn it off
// (TestMain), since it costs a full encoding of the state per command.
var verifyStateHash = true

func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.bench"); f != nil && f.Value.String() != "" {
		verifyStateHash, verifyBestOffer = false, false
	}
	os.Exit(m.Run())
}

// checkStateHash fails when the running state hash is not the full one.
func checkStateHash(tb testing.TB, m *Matcher, after string) {
	tb.Helper()
	if !verifyStateHash {
		return
	}
	if got, want := m.StateHash(), m.fullStateHash(); got != want {
		tb.Fatalf("after %s: running state hash %x, full %x", after, got, want)
	}
}

// TestStateHashIncremental: random simulated commands, with the hash read at random
// intervals (after one command or after many), always equal the full computation;
// a snapshot restored mid-way hashes the same, and keeps hashing the same as the
// original as both apply the rest of the journal.
func TestStateHashIncremental(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		s := &sim{world: newWorld(t), rng: rand.New(rand.NewPCG(seed, 0x4a54)), rejects: map[Code]int{}, oks: map[Kind]int{}}
		s.record(w0Entry(s.world))
		s.populate()
		var restored *Matcher
		restoredAt := 0
		next := 1
		for i := 0; i < 600; i++ {
			c := s.next()
			s.step(c)
			if restored != nil {
				restored.ApplyRaw(uint64(len(s.log)), s.log[len(s.log)-1].timeMs, s.log[len(s.log)-1].data)
			}
			if i < next {
				continue
			}
			next = i + 1 + s.rng.IntN(40)
			got, want := s.m.StateHash(), s.m.fullStateHash()
			if got != want {
				t.Fatalf("seed %d step %d (%s): running %x, full %x", seed, i, c.Kind(), got, want)
			}
			if restored != nil {
				if h := restored.StateHash(); h != want {
					t.Fatalf("seed %d step %d: the matcher restored at entry %d hashes %x, the original %x", seed, i, restoredAt, h, want)
				}
			}
			if restored == nil && i > 200 {
				snap, err := s.m.Snapshot()
				if err != nil {
					t.Fatal(err)
				}
				if restored, err = Restore(DefaultConfig(), snap); err != nil {
					t.Fatal(err)
				}
				restoredAt = len(s.log)
				if h := restored.StateHash(); h != want {
					t.Fatalf("seed %d: restored at entry %d hashes %x, want %x", seed, restoredAt, h, want)
				}
			}
		}
	}
}

// TestStateHashFoldsInParts: the waiting changes folded a few at a time at random
// points (FoldStateHash, as an idle node does) reach the hash a read folding them all
// at once reaches, and repeated small folds leave nothing waiting.
func TestStateHashFoldsInParts(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		s := &sim{world: newWorld(t), rng: rand.New(rand.NewPCG(seed, 0xf01d)), rejects: map[Code]int{}, oks: map[Kind]int{}}
		s.record(w0Entry(s.world))
		s.populate()
		s.m.StateHash()
		parts := 0
		for i := 0; i < 600; i++ {
			s.step(s.next())
			switch k := s.rng.IntN(10); {
			case k < 4:
				before := s.m.FoldStateHash(0)
				// pending counts a registration changed twice, or changed and new, more
				// than once: a fold may take that many more off the count than its budget.
				max, dup := 1+s.rng.IntN(8), len(s.m.hs.regsDirty)
				left := s.m.FoldStateHash(max)
				if before > 0 && left >= before {
					t.Fatalf("seed %d step %d: %d changes waited, %d after a fold", seed, i, before, left)
				}
				if before-left > max+dup {
					t.Fatalf("seed %d step %d: a fold of at most %d (+%d registrations counted twice) took %d → %d", seed, i, max, dup, before, left)
				}
				parts++
			case k < 5:
				if got, want := s.m.StateHash(), s.m.fullStateHash(); got != want {
					t.Fatalf("seed %d step %d: running %x, full %x", seed, i, got, want)
				}
				if n := s.m.FoldStateHash(0); n != 0 {
					t.Fatalf("seed %d step %d: %d changes wait after a read", seed, i, n)
				}
			}
		}
		for n := 0; s.m.FoldStateHash(3) > 0; n++ {
			if n > 100_000 {
				t.Fatalf("seed %d: folding 3 at a time never ends", seed)
			}
		}
		if got, want := s.m.StateHash(), s.m.fullStateHash(); got != want {
			t.Fatalf("seed %d at the end: running %x, full %x", seed, got, want)
		}
		if parts < 100 {
			t.Fatalf("seed %d: %d partial folds", seed, parts)
		}
	}
}

// TestStateHashSeesEveryChange: changing any one element of the state — a row, a
// leaf, a map entry, a link of an idempotency queue, the header — changes the hash.
func TestStateHashSeesEveryChange(t *testing.T) {
	w := newWorld(t)
	cl := w.cluster(LevelNational)
	core := w.core("AAA")
	sme := w.sme(cl, "specialized")
	lender := w.lender()
	w.offer(lender, core, 1e12, 300, 400, 600)
	id := w.financeable(sme, core, 1_000_000_00, 120)
	w.must(w.list(id, 1000))
	c := listCmd(id, 1000)
	c.IdemKey, c.IdemHash = "k1", "h1"
	w.as(sme, c) // refused, and remembered under its key
	base := w.m.fullStateHash()
	for name, change := range map[string]func(m *Matcher) func(){
		"receivable": func(m *Matcher) func() {
			r := m.s.Receivables.rows[0]
			r.AmountFen++
			return func() { r.AmountFen-- }
		},
		"leaf": func(m *Matcher) func() {
			m.s.Leaves[0].Kind++
			return func() { m.s.Leaves[0].Kind-- }
		},
		"uscc": func(m *Matcher) func() {
			for k := range m.s.USCCs {
				v := m.s.USCCs[k]
				m.s.USCCs[k] = v + "x"
				return func() { m.s.USCCs[k] = v }
			}
			panic("no USCC")
		},
		"idem queue": func(m *Matcher) func() {
			for k, keys := range m.s.IdemByCaller {
				m.s.IdemByCaller[k] = append(keys, "extra")
				return func() { m.s.IdemByCaller[k] = keys }
			}
			panic("no idempotency queue")
		},
		"counters": func(m *Matcher) func() {
			m.s.Counters.Match++
			return func() { m.s.Counters.Match-- }
		},
	} {
		undo := change(w.m)
		if w.m.fullStateHash() == base {
			t.Errorf("changing a %s left the state hash as it was", name)
		}
		undo()
		if w.m.fullStateHash() != base {
			t.Fatalf("undoing the change of a %s did not restore the hash", name)
		}
	}
}

// TestStateHashPendingIsBounded: a caller whose idempotency records are evicted as
// fast as it makes them (MaxIdemRecords), with nobody reading the state hash (no
// anchor cut, no GET /v1/node: a replica that anchors nothing), leaves at most one
// change an entry waiting for the next read — not one for every record made and
// dropped — and that read still gives the full hash.
func TestStateHashPendingIsBounded(t *testing.T) {
	w := newWorld(t)
	w.m.cfg.MaxIdemRecords = 10
	core := w.core("AAA")
	sme := w.sme(w.cluster(LevelNational), "specialized")
	w.hash()
	const uploads = 2000
	for i := range uploads {
		c := w.submitCmd(core, 1_000_00, 90)
		c.Actor, c.IdemKey, c.IdemHash = sme, fmt.Sprintf("k%d", i), "h"
		w.seq++
		// Not w.apply: it reads the state hash after every command.
		if r := w.m.Apply(Entry{Seq: w.seq, TimeMs: w.nowMs, Cmd: c}); r.Err != nil {
			t.Fatalf("upload %d: %v", i, r.Err)
		}
	}
	byName := map[string]int{}
	for k := range w.m.hs.churn {
		byName[k.name]++
	}
	for _, op := range w.m.hs.ops {
		byName[op.name]++
	}
	t.Logf("entries waiting for the state hash, by map: %v", byName)
	if n := byName[elIdem] + byName[elIdemByCaller]; n > 2*w.m.cfg.MaxIdemRecords+2 {
		t.Errorf("%d idempotency entries wait for the state hash after %d keyed uploads, want at most %d (the live ones)",
			n, uploads, 2*w.m.cfg.MaxIdemRecords+2)
	}
	if n := byName[elFingerprints]; n != uploads {
		t.Errorf("%d fingerprints wait for the state hash, want the %d uploaded", n, uploads)
	}
	if got, want := w.m.StateHash(), w.m.fullStateHash(); got != want {
		t.Fatalf("running state hash %x, full %x", got, want)
	}
	if len(w.m.hs.churn)+len(w.m.hs.ops) != 0 {
		t.Fatalf("%d map changes still wait after a read", len(w.m.hs.churn)+len(w.m.hs.ops))
	}
}

// TestStateHashConcurrentReaders: readers that share the node's read lock — state
// hashes, snapshots, queries — may run together after commands changed the state
// (run it with -race: the folding of the changes is the hasher's, under its lock).
func TestStateHashConcurrentReaders(t *testing.T) {
	w := newWorld(t)
	cl := w.cluster(LevelNational)
	core := w.core("AAA")
	sme := w.sme(cl, "specialized")
	w.offer(w.lender(), core, 1e12, 300, 400, 600)
	for round := 0; round < 3; round++ {
		saved := verifyStateHash
		verifyStateHash = false // the readers below are the check
		id := w.financeable(sme, core, 1_000_000_00, 120)
		w.must(w.list(id, 1000))
		verifyStateHash = saved
		want := w.m.fullStateHash()
		done := make(chan [32]byte, 8)
		for g := 0; g < 8; g++ {
			go func(g int) {
				if g%2 == 0 {
					if _, err := w.m.Snapshot(); err != nil {
						panic(err)
					}
					_, _ = w.m.Receivable(sme, id)
				}
				done <- w.m.StateHash()
			}(g)
		}
		for g := 0; g < 8; g++ {
			if got := <-done; got != want {
				t.Fatalf("round %d: a reader got %x, want %x", round, got, want)
			}
		}
	}
}

// TestLatticeLanes: the lattice's four-lanes-a-word sums are the lane-by-lane sums
// and differences modulo 2^16, carries and borrows kept in their lane (the values
// next to 0 and 2^16 - 1 most of all).
func TestLatticeLanes(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 2))
	edge := []uint16{0, 1, 0x7fff, 0x8000, 0x8001, 0xfffe, 0xffff}
	lane := func() uint16 {
		if rng.IntN(2) == 0 {
			return edge[rng.IntN(len(edge))]
		}
		return uint16(rng.Uint32())
	}
	for round := 0; round < 200; round++ {
		var acc lattice
		var want [latticeLanes]uint16
		for i := range want {
			want[i] = lane()
			acc[i/4] |= uint64(want[i]) << (16 * (i % 4))
		}
		var b [2 * latticeLanes]byte
		var in [latticeLanes]uint16
		for i := range in {
			in[i] = lane()
			binary.LittleEndian.PutUint16(b[2*i:], in[i])
		}
		add := round%2 == 0
		addLanes(&acc, &b, add)
		for i := range want {
			if add {
				want[i] += in[i]
			} else {
				want[i] -= in[i]
			}
			if got := uint16(acc[i/4] >> (16 * (i % 4))); got != want[i] {
				t.Fatalf("round %d lane %d: got %#x, want %#x", round, i, got, want[i])
			}
		}
	}
}

// TestExpandIsAESCounterMode: an element's lanes are AES-256 under its digest of the
// counter blocks 0, 1, 2, ... (128-bit big-endian), as docs/matching.md §6 defines.
func TestExpandIsAESCounterMode(t *testing.T) {
	d := sha256.Sum256([]byte("scfx"))
	var got [2 * latticeLanes]byte
	expand(d, &got)
	b, err := aes.NewCipher(d[:])
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(got)/aes.BlockSize; i++ {
		var ctr, want [aes.BlockSize]byte
		binary.BigEndian.PutUint64(ctr[8:], uint64(i))
		b.Encrypt(want[:], ctr[:])
		if !bytes.Equal(got[i*aes.BlockSize:(i+1)*aes.BlockSize], want[:]) {
			t.Fatalf("block %d: %x, want %x", i, got[i*aes.BlockSize:(i+1)*aes.BlockSize], want)
		}
	}
	// Taking out what was put in leaves nothing.
	var f folder
	f.fold(d, true)
	f.fold(d, false)
	if f.acc != (lattice{}) {
		t.Fatal("a digest folded in and out leaves lanes")
	}
}

// BenchmarkElementExpansion: one element's 2 KB of lanes, as state hash v3 expands
// it (AES-256-CTR keyed by the digest) and as v2 did (SHAKE128), and the lanes
// added to a lattice (docs/benchmarks.md "Audit"); cpu-ns/op is the benchmark
// thread's own CPU time, which a shared machine does not inflate as it does wall time.
//
//	go test ./matcher -run '^$' -bench ElementExpansion -count 5
func BenchmarkElementExpansion(b *testing.B) {
	d := sha256.Sum256([]byte("scfx"))
	var out [2 * latticeLanes]byte
	x := sha3.NewSHAKE128()
	var acc lattice
	for _, bc := range []struct {
		name string
		op   func()
	}{
		{"AES-256-CTR", func() { expand(d, &out); d[0]++ }},
		{"SHAKE128", func() { x.Reset(); x.Write(d[:]); x.Read(out[:]); d[0]++ }},
		{"lanes", func() { addLanes(&acc, &out, true) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			cpu0 := threadCPU()
			for b.Loop() {
				bc.op()
			}
			b.ReportMetric(float64(threadCPU()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}

// threadCPU is the calling thread's user and system time (Linux's RUSAGE_THREAD).
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
