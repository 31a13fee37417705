// SPDX-License-Identifier: Apache-2.0

package audit_test

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/scfx/scfx/audit"
	"github.com/scfx/scfx/eip712"
	"github.com/scfx/scfx/journal"
	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/node"
	"github.com/scfx/scfx/sim"
	"github.com/scfx/scfx/uscc"
)

// simJournal is the journal of a `scfx sim` market (one clearing mode), as a node
// would have written it.
func simJournal(b testing.TB, cfg sim.Config) []journal.Entry {
	b.Helper()
	var es []journal.Entry
	cfg.Clearing = []sim.Clearing{sim.Continuous}
	cfg.Record = func(e matcher.Entry) {
		data, err := node.EncodeEntry("sim", e.Seq, e.Cmd)
		if err != nil {
			b.Fatal(err)
		}
		es = append(es, journal.Entry{Seq: e.Seq, TimeMs: e.TimeMs, Data: data})
	}
	if _, err := sim.Run(cfg); err != nil {
		b.Fatal(err)
	}
	return es
}

// BenchmarkReplay: scfx audit's replay — every entry decoded, applied to a matcher
// from empty and hashed into the log — over a simulated market of 100,000 entries
// and more (docs/benchmarks.md, "Audit"). Goal: at least 200,000 entries/s on the
// 2-core machine. "inline" recovers every signature in the replay's goroutine, as
// a node does; "workers" recovers them on one goroutine a CPU beside it, as scfx
// audit does; "workers+heads" also hashes the state after every anchor.
//
//	go test ./audit -run '^$' -bench 'Replay$' -benchtime 5x
func BenchmarkReplay(b *testing.B) {
	defer debug.SetGCPercent(debug.SetGCPercent(audit.GCPercent))
	es := simJournal(b, sim.Config{Seed: 1, Cores: 20, SMEs: 8100, Lenders: 8, Days: 90})
	b.Logf("%d entries, %d of them signed", len(es), signed(b, es))
	// The sim cuts no heads; a server cuts one a batch, and the audit hashes the
	// state at each: "heads" hashes it where the sim records an anchor.
	src := func(yield func(journal.Entry) bool) error {
		for _, e := range es {
			if !yield(e) {
				break
			}
		}
		return nil
	}
	anchors := anchorSeqs(b, es)
	for _, bc := range []struct {
		name   string
		replay func() *audit.Replay
	}{
		{"inline", func() *audit.Replay { return audit.ReplayEntries(es, 0) }},
		{"workers", func() *audit.Replay { return audit.ReplayEntries(es, audit.Workers()) }},
		{"workers+heads", func() *audit.Replay {
			r, err := audit.ReplayLog(src, audit.Options{CheckAt: anchors, Workers: audit.Workers(), Grow: uint64(len(es))})
			if err != nil {
				b.Fatal(err)
			}
			return r
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			benchReplay(b, len(es), bc.replay, func(r *audit.Replay) error {
				if len(r.Problems) > 0 || r.M.AppliedSeq() != uint64(len(es)) || r.Passes != 1 {
					return fmt.Errorf("%v, applied %d of %d in %d passes", r.Problems, r.M.AppliedSeq(), len(es), r.Passes)
				}
				return nil
			})
		})
	}
}

// signed counts the entries that carry a signature the replay recovers.
func signed(b *testing.B, es []journal.Entry) int {
	n := 0
	for _, e := range es {
		cmd, err := node.EntryCommand(e.Data)
		if err != nil {
			b.Fatal(err)
		}
		switch cmd.Payload.(type) {
		case *matcher.Confirm, *matcher.Transfer, *matcher.IssueCreditNote:
			n++
		}
	}
	return n
}

// anchorSeqs are the seqs of the record_anchor entries of es.
func anchorSeqs(b *testing.B, es []journal.Entry) []uint64 {
	var seqs []uint64
	for _, e := range es {
		cmd, err := node.EntryCommand(e.Data)
		if err != nil {
			b.Fatal(err)
		}
		if _, ok := cmd.Payload.(*matcher.RecordAnchor); ok {
			seqs = append(seqs, e.Seq)
		}
	}
	b.Logf("%d anchors", len(seqs))
	return seqs
}

// benchReplay replays n entries b.N times and reports the rates.
func benchReplay(b *testing.B, n int, replay func() *audit.Replay, check func(*audit.Replay) error) {
	// The replay's goroutine on one thread, to measure its own CPU time: on a
	// machine of two cores, it and the rest (recoveries, the collector) shared
	// over both bound the rate an idle machine would give.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var elapsed, cpu, thread time.Duration
	for b.Loop() {
		start, cpu0, thread0 := time.Now(), processCPU(), threadCPU()
		r := replay()
		elapsed, cpu, thread = elapsed+time.Since(start), cpu+processCPU()-cpu0, thread+threadCPU()-thread0
		if err := check(r); err != nil {
			b.Fatalf("replay: %v", err)
		}
	}
	reportRate(b, n, elapsed, cpu, thread)
}

// uploadJournal is n invoices uploaded by one SME on one core: entries that carry
// no signature, what `scfx bench --mix post_receivable=1` writes.
func uploadJournal(b *testing.B, n int) []journal.Entry {
	b.Helper()
	const t0 = int64(1_790_000_000_000)
	var es []journal.Entry
	add := func(actor string, p matcher.Payload) {
		seq := uint64(len(es) + 1)
		data, err := node.EncodeEntry("bench", seq, matcher.Command{Actor: actor, Payload: p})
		if err != nil {
			b.Fatal(err)
		}
		es = append(es, journal.Entry{Seq: seq, TimeMs: t0 + int64(seq), Data: data})
	}
	core, _ := uscc.Make('9', '1', "330206", "MA0000001")
	sme, _ := uscc.Make('9', '1', "330206", "MA0000002")
	add(matcher.ActorOperator, &matcher.CreateParticipant{Name: "核心企业", USCC: core, Role: "core", Rating: "AAA",
		Address: "0x00000000000000000000000000000000000000c0", TokenHash: fmt.Sprintf("%064x", 1)})
	add(matcher.ActorOperator, &matcher.CreateParticipant{Name: "供应商", USCC: sme, Role: "sme",
		Address: "0x00000000000000000000000000000000000000c1", TokenHash: fmt.Sprintf("%064x", 2)})
	for i := range n {
		add("par_2", &matcher.SubmitReceivable{DebtorID: "par_1", InvoiceNumber: fmt.Sprintf("INV-%08d", i), Amount: 1_000_000,
			Currency: "CNY", IssueDate: "2026-09-01", DueDate: "2026-12-30"})
	}
	return es
}

// BenchmarkReplayUploads: the replay of a journal of uploads only (no signature to
// recover), 100,000 of them.
//
//	go test ./audit -run '^$' -bench ReplayUploads -benchtime 5x
func BenchmarkReplayUploads(b *testing.B) {
	defer debug.SetGCPercent(debug.SetGCPercent(audit.GCPercent))
	es := uploadJournal(b, 100_000)
	benchReplay(b, len(es), func() *audit.Replay { return audit.ReplayEntries(es, audit.Workers()) }, func(r *audit.Replay) error {
		if n := r.M.Stats().Receivables; len(r.Problems) > 0 || n != 100_000 {
			return fmt.Errorf("%v, %d receivables", r.Problems, n)
		}
		return nil
	})
}

// reportRate reports entries per second of wall time, per second of the process's
// CPU time (on a shared machine the wall time measures the neighbours), per second
// of the replay goroutine's CPU time, and the rate two idle cores would bound:
// entries over the larger of the replay goroutine's CPU time and half the process's.
func reportRate(b *testing.B, n int, elapsed, cpu, thread time.Duration) {
	total := float64(n * b.N)
	b.ReportMetric(float64(n), "entries")
	b.ReportMetric(total/elapsed.Seconds(), "entries/s")
	b.ReportMetric(total/cpu.Seconds(), "entries/cpu-s")
	b.ReportMetric(total/thread.Seconds(), "entries/replay-cpu-s")
	b.ReportMetric(total/max(thread.Seconds(), cpu.Seconds()/2), "entries/s-2core-bound")
}

// processCPU is the user and system time this process has used.
func processCPU() time.Duration { return rusage(syscall.RUSAGE_SELF) }

// threadCPU is the user and system time the calling thread has used.
func threadCPU() time.Duration { return rusage(rusageThread) }

// rusageThread is Linux's RUSAGE_THREAD.
const rusageThread = 1

func rusage(who int) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkRecoverCheck: one signature check as the matcher makes it (eip712.Recover,
// go-ethereum's libsecp256k1 public-key recovery, and a comparison): what a signed
// entry costs the replay beyond the rest, and so the ceiling of the replay's rate on
// a market whose signed entries are a given share.
//
//	go test ./audit -run '^$' -bench RecoverCheck
func BenchmarkRecoverCheck(b *testing.B) {
	key, err := crypto.GenerateKey()
	if err != nil {
		b.Fatal(err)
	}
	want := crypto.PubkeyToAddress(key.PublicKey)
	digest := crypto.Keccak256Hash([]byte("scfx audit"))
	sig, err := eip712.Sign(key, digest)
	if err != nil {
		b.Fatal(err)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	thread0 := threadCPU()
	for b.Loop() {
		if !matcher.RecoverCheck(digest, sig, want) {
			b.Fatal("the signature does not check")
		}
	}
	b.ReportMetric(float64(threadCPU()-thread0)/float64(b.N), "cpu-ns/op")
}

// BenchmarkSignatureCheck: the ways to check that a signature is a given address's
// (docs/benchmarks.md "Audit"), in CPU time per check: "SigToPub" recovers the key
// and derives its address as eip712.Recover did (libsecp256k1 through cgo, then the
// key parsed into big integers and marshalled back); "Ecrecover" recovers the
// 65-byte key and hashes it to the address directly (matcher.RecoverCheck); "Verify"
// verifies the signature against the signer's key already known (a cache per
// address), which alone does not bind v (the recovery id), so it answers
// differently from a node on a signature whose v was flipped.
//
//	go test ./audit -run '^$' -bench SignatureCheck -count 5
func BenchmarkSignatureCheck(b *testing.B) {
	key, err := crypto.GenerateKey()
	if err != nil {
		b.Fatal(err)
	}
	want := crypto.PubkeyToAddress(key.PublicKey)
	pub := crypto.FromECDSAPub(&key.PublicKey)
	const n = 64
	digests := make([]common.Hash, n)
	sigs := make([][]byte, n)
	for i := range digests {
		digests[i] = crypto.Keccak256Hash([]byte(fmt.Sprintf("scfx audit %d", i)))
		if sigs[i], err = eip712.Sign(key, digests[i]); err != nil {
			b.Fatal(err)
		}
	}
	for _, bc := range []struct {
		name  string
		check func(d common.Hash, sig []byte) bool
	}{
		{"SigToPub", func(d common.Hash, sig []byte) bool {
			raw := append([]byte(nil), sig...)
			raw[64] -= 27
			p, err := crypto.SigToPub(d[:], raw)
			return err == nil && crypto.PubkeyToAddress(*p) == want
		}},
		{"Ecrecover", func(d common.Hash, sig []byte) bool { return matcher.RecoverCheck(d, sig, want) }},
		{"Verify", func(d common.Hash, sig []byte) bool { return crypto.VerifySignature(pub, d[:], sig[:64]) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			thread0 := threadCPU()
			i := 0
			for b.Loop() {
				if !bc.check(digests[i%n], sigs[i%n]) {
					b.Fatal("the signature does not check")
				}
				i++
			}
			b.ReportMetric(float64(threadCPU()-thread0)/float64(b.N), "cpu-ns/op")
		})
	}
}
