// SPDX-License-Identifier: Apache-2.0

package ledger

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/merkle"
)

// Gas figures of contracts/README.md.
const (
	newFingerprintFloorGas = 22_100 // a fresh SSTORE (20,000) and its cold access (2,100)
	txBaseGas              = 21_000
	leavesPerFinancedInv   = 2 // a confirmation and an assignment
)

// financedInvoiceGasMax is the budget of one financed invoice on chain, a multiple
// of the floor of an on-chain uniqueness check (docs/benchmarks.md, Ledger).
const financedInvoiceGasMax = 1.12 * newFingerprintFloorGas

// financedInvoiceGas is what one financed invoice costs on chain: its fingerprint's
// share of a full register batch (500, with the matcher's low-calldata refs) plus its
// two leaves' share of a full anchor batch (1,000).
type financedInvoiceGas struct {
	register, registerRandomRefs, anchor uint64 // whole transactions
}

func (g financedInvoiceGas) perFingerprint() float64 {
	return float64(g.register) / matcher.MaxRegisterBatch
}

func (g financedInvoiceGas) perInvoice() float64 {
	return g.perFingerprint() + leavesPerFinancedInv*float64(g.anchor)/DefaultMaxBatch
}

// measureFinancedInvoiceGas sends a full register batch, the same with random refs,
// and a full anchor on e; base numbers the receivables, apart from any sent before.
func measureFinancedInvoiceGas(t testing.TB, e *Embedded, base uint64) financedInvoiceGas {
	t.Helper()
	ctx := context.Background()
	platform := crypto.Keccak256Hash([]byte("bench platform"))
	var g financedInvoiceGas
	fps, refs := benchRegistrations(platform, base, matcher.MaxRegisterBatch)
	base += matcher.MaxRegisterBatch
	g.register = sendAndMeasure(t, e, func() (common.Hash, error) { return e.SendRegister(ctx, fps, refs) })

	fps2, _ := benchRegistrations(platform, base, matcher.MaxRegisterBatch)
	random := make([]common.Hash, len(fps2))
	for i := range random {
		random[i] = crypto.Keccak256Hash([]byte(fmt.Sprint("random ref", base, i)))
	}
	g.registerRandomRefs = sendAndMeasure(t, e, func() (common.Hash, error) { return e.SendRegister(ctx, fps2, random) })

	leaves := make([]common.Hash, DefaultMaxBatch)
	for i := range leaves {
		leaves[i] = crypto.Keccak256Hash([]byte(fmt.Sprint("leaf", base, i)))
	}
	g.anchor = sendAndMeasure(t, e, func() (common.Hash, error) { return e.SendAnchor(ctx, merkle.Root(leaves), len(leaves)) })
	return g
}

// TestGasPerFinancedInvoice holds one financed invoice within its gas budget.
func TestGasPerFinancedInvoice(t *testing.T) {
	e := openEmbedded(t, t.TempDir(), 0)
	defer e.Close()
	g := measureFinancedInvoiceGas(t, e, 0)
	t.Logf("register(500): %d gas; anchor(1000 leaves): %d gas; financed invoice %.0f gas = %.3f × %d",
		g.register, g.anchor, g.perInvoice(), g.perInvoice()/newFingerprintFloorGas, newFingerprintFloorGas)
	if got := g.perInvoice(); got > financedInvoiceGasMax {
		t.Errorf("gas per financed invoice = %.0f (%.3f × %d), want at most %.0f (1.12 ×)",
			got, got/newFingerprintFloorGas, newFingerprintFloorGas, financedInvoiceGasMax)
	}
}

// BenchmarkGasPerFinancedInvoice reports the chain gas one financed invoice costs, as
// a multiple of the 22,100-gas floor. Run with -benchtime=1x: it measures, it does not
// loop.
//
//	go test ./ledger/ -run '^$' -bench GasPerFinancedInvoice -benchtime=1x
func BenchmarkGasPerFinancedInvoice(b *testing.B) {
	e := openEmbedded(b, b.TempDir(), 0)
	defer e.Close()
	var g financedInvoiceGas
	base := uint64(0)
	for range b.N {
		g = measureFinancedInvoiceGas(b, e, base)
		base += 2 * matcher.MaxRegisterBatch
	}
	b.ReportMetric(g.perFingerprint(), "gas/fingerprint")
	b.ReportMetric(float64(g.registerRandomRefs)/matcher.MaxRegisterBatch, "gas/fingerprint-random-ref")
	b.ReportMetric(float64(g.anchor), "gas/anchor")
	b.ReportMetric(g.perInvoice(), "gas/financed-invoice")
	b.ReportMetric(g.perInvoice()/newFingerprintFloorGas, "x-floor")
	b.Logf("register(500): %d gas (%.0f per fingerprint; random refs %.0f); anchor(1000 leaves): %d gas; financed invoice %.0f gas = %.3f × %d",
		g.register, g.perFingerprint(), float64(g.registerRandomRefs)/matcher.MaxRegisterBatch, g.anchor,
		g.perInvoice(), g.perInvoice()/newFingerprintFloorGas, newFingerprintFloorGas)
}

// BenchmarkRegisterGasBreakdown fits gas(n) = fixed + n × marginal over register
// batches of several sizes, so the marginal cost can be split into the storage floor,
// calldata, the event and the loop.
//
//	go test ./ledger/ -run '^$' -bench RegisterGasBreakdown -benchtime=1x
func BenchmarkRegisterGasBreakdown(b *testing.B) {
	e := openEmbedded(b, b.TempDir(), 0)
	defer e.Close()
	ctx := context.Background()
	platform := crypto.Keccak256Hash([]byte("breakdown platform"))
	sizes := []int{1, 100, 500}
	gas := make([]uint64, len(sizes))
	var calldata []uint64
	base := uint64(0)
	for range b.N {
		calldata = calldata[:0]
		for i, n := range sizes {
			fps, refs := benchRegistrations(platform, base, n)
			base += uint64(n)
			gas[i] = sendAndMeasure(b, e, func() (common.Hash, error) { return e.SendRegister(ctx, fps, refs) })
			calldata = append(calldata, calldataGas(e.reg.PackRegister(words(fps), words(refs))))
		}
	}
	n0, n1 := sizes[0], sizes[len(sizes)-1]
	marginal := float64(gas[len(gas)-1]-gas[0]) / float64(n1-n0)
	marginalCalldata := float64(calldata[len(calldata)-1]-calldata[0]) / float64(n1-n0)
	const eventGas = 375 + 2*375 + 8*32 // LOG2 with 32 bytes of data
	loop := marginal - newFingerprintFloorGas - marginalCalldata - eventGas
	b.ReportMetric(marginal, "gas/marginal-fingerprint")
	b.ReportMetric(marginalCalldata, "gas/calldata")
	b.ReportMetric(eventGas, "gas/event")
	b.ReportMetric(loop, "gas/loop+memory")
	b.Logf("gas by batch size %v: %v; marginal %.0f = floor %d + calldata %.0f + Registered event %d + loop/memory %.0f; fixed %.0f (base %d)",
		sizes, gas, marginal, newFingerprintFloorGas, marginalCalldata, eventGas, loop, float64(gas[0])-marginal, txBaseGas)
}

// benchRegistrations are n fingerprints with the refs the matcher would give
// receivables rcv_{base+1}..rcv_{base+n} of platform.
func benchRegistrations(platform common.Hash, base uint64, n int) (fps, refs []common.Hash) {
	for i := range n {
		id := fmt.Sprintf("rcv_%d", base+uint64(i)+1)
		fps = append(fps, crypto.Keccak256Hash([]byte("91330100MA0000000X|91330100MA0000001X|"+id)))
		refs = append(refs, matcher.RegistryRef(platform, id))
	}
	return fps, refs
}

func sendAndMeasure(t testing.TB, e *Embedded, send func() (common.Hash, error)) uint64 {
	t.Helper()
	tx, err := send()
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.Receipt(context.Background(), tx)
	if err != nil {
		t.Fatal(err)
	}
	return r.GasUsed
}

// calldataGas is the standard calldata price: 4 gas a zero byte, 16 any other.
func calldataGas(data []byte) uint64 {
	var g uint64
	for _, c := range data {
		if c == 0 {
			g += 4
		} else {
			g += 16
		}
	}
	return g
}

// BenchmarkAnchorThroughput measures how fast the anchorer drains a backlog on the
// embedded chain: n confirmed invoices (n leaves, n fingerprints) queued before it
// starts, default batch sizes.
//
//	go test ./ledger/ -run '^$' -bench AnchorThroughput -benchtime=1x
func BenchmarkAnchorThroughput(b *testing.B) {
	const n = 5_000
	for range b.N {
		dir := b.TempDir()
		e := openEmbedded(b, dir, 0)
		nd := openNode(b, filepath.Join(dir, "node"))
		configure(b, nd, e, dir)
		mk := newMarket(b, nd, "", "")
		confirmMany(b, mk, n)
		a := NewAnchorer(nd, e, AnchorerConfig{MaxDelay: time.Millisecond})
		start := time.Now()
		stop := runAnchorer(b, a)
		var leavesDone, regsDone time.Duration
		for leavesDone == 0 || regsDone == 0 {
			var leaves, regs int
			nd.View(func(m *matcher.Matcher) { leaves, regs = m.PendingCounts() })
			if leaves == 0 && leavesDone == 0 {
				leavesDone = time.Since(start)
			}
			if regs == 0 && regsDone == 0 {
				regsDone = time.Since(start)
			}
			time.Sleep(time.Millisecond)
		}
		stop()
		s := a.Stats()
		b.ReportMetric(float64(n)/leavesDone.Seconds(), "leaves/s")
		b.ReportMetric(float64(n)/regsDone.Seconds(), "registrations/s")
		b.ReportMetric(float64(n)/max(leavesDone, regsDone).Seconds(), "invoices/s")
		b.Logf("%d leaves in %v (%d anchor txs), %d registrations in %v (%d register txs)", n, leavesDone, s.AnchorTxs, n, regsDone, s.RegisterTxs)
		nd.Close()
		e.Close()
	}
}

// confirmMany submits and confirms n invoices from a few goroutines, so that journal
// appends share fsyncs.
func confirmMany(b *testing.B, mk *market, n int) {
	const workers = 8
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				mk.confirm(mk.invoice(""))
			}
		}()
	}
	wg.Wait()
}

// BenchmarkConfirmToFinanceable measures the time from a confirmation being accepted
// to its receivable becoming financeable (registered and anchored), on the embedded
// chain under a steady stream of 50 confirmations a second: at the default settings
// (1,000 leaves / 1 s, the adaptive rule) and with the rule off (FixedDelay), for a
// block on demand (period 0) and one block a second (period 1). Each op is one
// invoice; use a fixed count:
//
//	go test ./ledger/ -run '^$' -bench ConfirmToFinanceable -benchtime=300x
func BenchmarkConfirmToFinanceable(b *testing.B) {
	for _, period := range []uint64{0, 1} {
		for _, fixed := range []bool{false, true} {
			rule := "adaptive"
			if fixed {
				rule = "fixed"
			}
			b.Run(fmt.Sprintf("period=%ds/delay=%v/%s", period, DefaultMaxDelay, rule), func(b *testing.B) {
				confirmToFinanceable(b, period, AnchorerConfig{FixedDelay: fixed})
			})
		}
	}
}

// confirmInterval paces the stream: 50 confirmations a second.
const confirmInterval = 20 * time.Millisecond

func confirmToFinanceable(b *testing.B, period uint64, cfg AnchorerConfig) {
	dir := b.TempDir()
	e := openEmbedded(b, dir, period)
	defer e.Close()
	nd := openNode(b, filepath.Join(dir, "node"))
	defer nd.Close()
	configure(b, nd, e, dir)
	mk := newMarket(b, nd, "", "")
	a := NewAnchorer(nd, e, cfg)
	runAnchorer(b, a)

	var mu sync.Mutex
	confirmed := map[string]time.Time{}
	var latencies []time.Duration
	done := make(chan struct{})
	go func() { // watch for financeable receivables
		defer close(done)
		for {
			mu.Lock()
			if len(latencies) == b.N {
				mu.Unlock()
				return
			}
			var ids []string
			for id := range confirmed {
				ids = append(ids, id)
			}
			mu.Unlock()
			now := time.Now()
			for _, id := range ids {
				if status(nd, id) == matcher.StatusFinanceable {
					mu.Lock()
					latencies = append(latencies, now.Sub(confirmed[id]))
					delete(confirmed, id)
					mu.Unlock()
				}
			}
			time.Sleep(time.Millisecond)
		}
	}()
	b.ResetTimer()
	tick := time.NewTicker(confirmInterval)
	for range b.N {
		<-tick.C
		id := mk.invoice("")
		mk.confirm(id)
		mu.Lock()
		confirmed[id] = time.Now()
		mu.Unlock()
	}
	tick.Stop()
	<-done
	b.StopTimer()
	slices.Sort(latencies)
	p := func(q float64) time.Duration { return latencies[min(len(latencies)-1, int(q*float64(len(latencies))))] }
	b.ReportMetric(float64(p(0.50).Milliseconds()), "p50-ms")
	b.ReportMetric(float64(p(0.99).Milliseconds()), "p99-ms")
	s := a.Stats()
	b.ReportMetric(float64(s.AnchorTxs), "anchor-txs")
	b.ReportMetric(float64(s.RegisterTxs), "register-txs")
	b.Logf("%d invoices: confirm→financeable p50 %v, p99 %v, max %v; %d anchor and %d register transactions",
		len(latencies), p(0.5), p(0.99), latencies[len(latencies)-1], s.AnchorTxs, s.RegisterTxs)
}

// BenchmarkGasUnderLoad streams confirmations (of invoices uploaded and signed
// before) as fast as the node takes them (16 workers), the anchorer at its default
// batch and delay, and reports the gas per financed invoice the chain charged — each register transaction's gas shared by its
// fingerprints, each anchor's by its leaves, an invoice being one fingerprint and two
// leaves — over the steady state (transactions sent from one MaxDelay after the
// stream began until it ended) and over the whole run (with the ramp-up and the
// tail), with the adaptive rule and with FixedDelay. Use a fixed count of invoices:
//
//	go test ./ledger/ -run '^$' -bench GasUnderLoad -benchtime=8000x
func BenchmarkGasUnderLoad(b *testing.B) {
	for _, fixed := range []bool{false, true} {
		rule := "adaptive"
		if fixed {
			rule = "fixed"
		}
		b.Run("rule="+rule, func(b *testing.B) { gasUnderLoad(b, AnchorerConfig{FixedDelay: fixed}) })
	}
}

func gasUnderLoad(b *testing.B, cfg AnchorerConfig) {
	dir := b.TempDir()
	e := openEmbedded(b, dir, 0)
	defer e.Close()
	nd := openNode(b, filepath.Join(dir, "node"))
	defer nd.Close()
	configure(b, nd, e, dir)
	mk := newMarket(b, nd, "", "")
	_, _, logErr := nd.LogHead()
	rb := &recordingBackend{Embedded: e, headLeaf: logErr == nil}
	a := NewAnchorer(nd, rb, cfg)
	stop := runAnchorer(b, a)

	// The invoices and their signed confirmations are made first: the stream is the
	// confirmations alone, each a registration and a leaf.
	ids := make([]string, b.N)
	cmds := make([]matcher.Command, b.N)
	parallel(b.N, 16, func(i int) { ids[i] = mk.invoice("") })
	parallel(b.N, 16, func(i int) { cmds[i] = mk.confirmCommand(ids[i]) })
	b.ResetTimer()
	start := time.Now()
	parallel(b.N, 16, func(i int) { mk.must(cmds[i]) })
	end := time.Now()
	b.StopTimer()
	waitFor(b, 5*time.Minute, "the queues to drain", func() bool {
		var leaves, regs int
		nd.View(func(m *matcher.Matcher) { leaves, regs = m.PendingCounts() })
		return leaves == 0 && regs == 0
	})
	stop()

	steady := rb.gas(start.Add(DefaultMaxDelay), end)
	all := rb.gas(time.Time{}, time.Now())
	rate := float64(b.N) / end.Sub(start).Seconds()
	b.ReportMetric(rate, "confirms/s")
	b.ReportMetric(steady.perInvoice(), "gas/financed-invoice-steady")
	b.ReportMetric(steady.perInvoice()/newFingerprintFloorGas, "x-floor-steady")
	b.ReportMetric(all.perInvoice(), "gas/financed-invoice-all")
	b.Logf("%d confirmations in %v (%.0f/s); steady state: %s; whole run: %s",
		b.N, end.Sub(start).Round(time.Millisecond), rate, steady, all)
	// Not a failure when above: the gas depends on the rate this machine reaches
	// (docs/benchmarks.md, "Ledger"); TestGasPerFinancedInvoice holds full batches.
	if got := steady.perInvoice(); got > financedInvoiceGasMax {
		b.Logf("above the budget of %.0f gas: batches were not full at %.0f confirmations/s", financedInvoiceGasMax, rate)
	}
}

// parallel runs f(0..n-1) on workers goroutines.
func parallel(n, workers int, f func(i int)) {
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				f(i)
			}
		}()
	}
	wg.Wait()
}

// recordingBackend notes, for every register and anchor transaction the anchorer
// sends, when it was sent, what it carried and the gas its receipt shows.
type recordingBackend struct {
	*Embedded
	headLeaf bool // every anchored tree ends with the log head's leaf
	mu       sync.Mutex
	txs      map[common.Hash]*sentTx
}

type sentTx struct {
	at       time.Time
	register bool
	items    int // fingerprints, or leaves of the tree (the head's leaf included)
	gas      uint64
}

func (r *recordingBackend) note(tx common.Hash, register bool, items int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.txs == nil {
		r.txs = map[common.Hash]*sentTx{}
	}
	r.txs[tx] = &sentTx{at: time.Now(), register: register, items: items}
}

func (r *recordingBackend) SendRegister(ctx context.Context, fps, refs []common.Hash) (common.Hash, error) {
	tx, err := r.Embedded.SendRegister(ctx, fps, refs)
	if err == nil {
		r.note(tx, true, len(fps))
	}
	return tx, err
}

func (r *recordingBackend) SendAnchor(ctx context.Context, root common.Hash, count int) (common.Hash, error) {
	tx, err := r.Embedded.SendAnchor(ctx, root, count)
	if err == nil {
		r.note(tx, false, count)
	}
	return tx, err
}

func (r *recordingBackend) Receipt(ctx context.Context, tx common.Hash) (*types.Receipt, error) {
	rc, err := r.Embedded.Receipt(ctx, tx)
	if err == nil {
		r.mu.Lock()
		if s := r.txs[tx]; s != nil {
			s.gas = rc.GasUsed
		}
		r.mu.Unlock()
	}
	return rc, err
}

// loadGas sums the transactions sent in a span of time.
type loadGas struct {
	registers, fingerprints, registerGas int64
	anchors, leaves, anchorGas           int64
}

func (r *recordingBackend) gas(from, to time.Time) loadGas {
	r.mu.Lock()
	defer r.mu.Unlock()
	var g loadGas
	for _, s := range r.txs {
		if s.at.Before(from) || s.at.After(to) || s.gas == 0 {
			continue
		}
		if s.register {
			g.registers, g.fingerprints, g.registerGas = g.registers+1, g.fingerprints+int64(s.items), g.registerGas+int64(s.gas)
		} else {
			leaves := int64(s.items)
			if r.headLeaf {
				leaves-- // the tree's last leaf is the log head's, not an invoice's
			}
			g.anchors, g.leaves, g.anchorGas = g.anchors+1, g.leaves+leaves, g.anchorGas+int64(s.gas)
		}
	}
	return g
}

func (g loadGas) perInvoice() float64 {
	if g.fingerprints == 0 || g.leaves == 0 {
		return 0
	}
	return float64(g.registerGas)/float64(g.fingerprints) + leavesPerFinancedInv*float64(g.anchorGas)/float64(g.leaves)
}

func (g loadGas) String() string {
	return fmt.Sprintf("%d register txs (%d fingerprints, %.0f a tx), %d anchor txs (%d leaves, %.0f a tx): %.0f gas per financed invoice = %.3f × %d",
		g.registers, g.fingerprints, float64(g.fingerprints)/float64(max(1, g.registers)),
		g.anchors, g.leaves, float64(g.leaves)/float64(max(1, g.anchors)),
		g.perInvoice(), g.perInvoice()/newFingerprintFloorGas, newFingerprintFloorGas)
}
