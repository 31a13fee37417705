// SPDX-License-Identifier: Apache-2.0

package ledger

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/bits"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/scfx/scfx/contracts"
	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/translog"
)

// Node is what the anchorer needs of the node that owns it: read the state, submit
// outcomes, and hear when ledger work was queued. *node.Node has these methods; the
// anchorer never imports package node (README, "Architecture").
type Node interface {
	View(func(*matcher.Matcher))
	Submit(ctx context.Context, cmd matcher.Command) (matcher.Result, error)
	Changed() <-chan struct{}
}

// HeadNode is a Node that keeps the journal as a transparency log (*node.Node): the
// anchorer commits its head and state hash in every batch it cuts (docs/audit.md).
type HeadNode interface {
	LogHead() (translog.Head, [32]byte, error)
}

// Defaults of AnchorerConfig (docs/operations.md §2: --anchor-max-batch, --anchor-max-delay).
const (
	DefaultMaxBatch   = 1_000
	DefaultMaxDelay   = time.Second
	DefaultBackoffMin = 100 * time.Millisecond
	DefaultBackoffMax = 30 * time.Second
	DefaultTxTimeout  = 2 * time.Minute
	// idleRecheck is how long the anchorer sleeps with nothing queued before looking
	// again even without a Changed signal: a safety net, not the wake-up path.
	idleRecheck = time.Minute
)

// AnchorerConfig configures an Anchorer; the zero value gives the defaults.
type AnchorerConfig struct {
	// MaxBatch is the most leaves one anchor transaction covers (at most
	// matcher.MaxAnchorBatch). A batch is sent when this many leaves wait, when the
	// oldest has waited MaxDelay, or — the adaptive rule, unless FixedDelay — at once
	// when the arrivals of the last MaxDelay say the batch would not be full by then.
	MaxBatch int
	MaxDelay time.Duration
	// FixedDelay turns the adaptive rule off: a batch that is not full always waits
	// MaxDelay (the rule before 2026-12-06). With the rule (the default), an idle or
	// moderately loaded queue goes out at once in small batches, and one whose last
	// MaxDelay of arrivals would fill a batch within MaxDelay waits for a full one, so
	// that under load the gas per financed invoice is that of full batches
	// (docs/operations.md §2, docs/benchmarks.md "Ledger").
	FixedDelay bool
	// RegisterBatch is the most fingerprints one register transaction carries (at most
	// matcher.MaxRegisterBatch = 500, which fits Osaka's 2^24 gas cap per transaction;
	// lower it on a chain with dearer storage).
	RegisterBatch int
	// Fence returns the fencing token put in every outcome: a constant 1 on a single
	// node, the Redis lease's token in distributed mode. nil: a constant 1.
	Fence func() uint64
	// BackoffMin and BackoffMax bound the exponential wait after a failed attempt.
	BackoffMin, BackoffMax time.Duration
	// TxTimeout bounds one attempt at a transaction: pending ones to mine, ours to be
	// sent, mined and Depth deep.
	TxTimeout time.Duration
	Logger    *slog.Logger
}

func (c AnchorerConfig) withDefaults() AnchorerConfig {
	if c.MaxBatch <= 0 {
		c.MaxBatch = DefaultMaxBatch
	}
	c.MaxBatch = min(c.MaxBatch, matcher.MaxAnchorBatch)
	if c.MaxDelay < 0 {
		c.MaxDelay = 0
	} else if c.MaxDelay == 0 {
		c.MaxDelay = DefaultMaxDelay
	}
	if c.RegisterBatch <= 0 {
		c.RegisterBatch = matcher.MaxRegisterBatch
	}
	c.RegisterBatch = min(c.RegisterBatch, matcher.MaxRegisterBatch, contracts.MaxRegisterBatch)
	if c.Fence == nil {
		c.Fence = func() uint64 { return 1 }
	}
	if c.BackoffMin <= 0 {
		c.BackoffMin = DefaultBackoffMin
	}
	if c.BackoffMax < c.BackoffMin {
		c.BackoffMax = max(DefaultBackoffMax, c.BackoffMin)
	}
	if c.TxTimeout <= 0 {
		c.TxTimeout = DefaultTxTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// ErrFenced: the matcher refused an outcome because its fencing token is older than
// one it already applied — another node took the anchoring lease. Run stops.
var ErrFenced = errors.New("ledger: fencing token is stale: another node holds the anchoring lease")

// Anchorer moves the matcher's ledger queues onto the chain: fingerprints to
// register, leaves to anchor in batches under one Merkle root. One runs per platform
// (README, "Architecture"); see the package doc for why it never sends anything twice.
type Anchorer struct {
	n   Node
	b   Backend
	cfg AnchorerConfig
	log *slog.Logger
	reg *contracts.ScfxRegistry // event decoding

	// Wall-clock arrival marks of the queues, in memory only: the matcher has no clock
	// of its own to spare for this, and after a restart a leaf waits at most MaxDelay more.
	leafClock, regClock waitClock
	// Arrivals of the last MaxDelay in each queue, for the adaptive rule.
	leafRate, regRate arrivals
	now               func() time.Time // time.Now; tests may set another clock

	stats stats
	// hook, if set (tests only), runs at each crash point of a send; an error from it
	// stops Run at that point as a crash would.
	hook func(point, op string) error
}

// Crash points of a transaction, for the tests' hook.
const (
	pointBeforeSend   = "before-send"
	pointAfterSend    = "after-send"
	pointAfterReceipt = "after-receipt"
)

// hookError is an error from the test hook: Run returns it instead of retrying.
type hookError struct{ err error }

func (e *hookError) Error() string { return e.err.Error() }
func (e *hookError) Unwrap() error { return e.err }

// NewAnchorer returns an anchorer of node n's queues onto backend b. Start it with Run.
func NewAnchorer(n Node, b Backend, cfg AnchorerConfig) *Anchorer {
	cfg = cfg.withDefaults()
	return &Anchorer{n: n, b: b, cfg: cfg, log: cfg.Logger, reg: contracts.NewScfxRegistry(), now: time.Now}
}

// Run anchors until ctx ends (it returns ctx's error), the fencing token goes stale
// (ErrFenced), or the matcher is bound to another chain or registry than the backend.
// Chain and journal failures are logged and retried with bounded exponential backoff;
// nothing queued is lost by a failed attempt, as the queues live in the matcher.
func (a *Anchorer) Run(ctx context.Context) error {
	backoff := a.cfg.BackoffMin
	for {
		wait, err := a.step(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if stopsRun(err) {
				return err
			}
			a.stats.chainErrors.Add(1)
			a.log.Warn("anchorer: attempt failed; retrying", "err", err, "backoff", backoff)
			if err := sleep(ctx, backoff); err != nil {
				return err
			}
			backoff = min(2*backoff, a.cfg.BackoffMax)
			continue
		}
		backoff = a.cfg.BackoffMin
		if wait <= 0 {
			continue
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-a.n.Changed():
		case <-t.C:
		}
		t.Stop()
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// errMisbound: the journal's ledger is another chain or registry than the backend's.
var errMisbound = errors.New("ledger: the matcher is bound to another chain or registry")

// queues is what one step reads of the matcher, copied out under its read lock.
type queues struct {
	ledger        *matcher.LedgerConfig
	regFirst      uint64
	regs          []matcher.Registration
	regsTotal     uint64
	cutFirst      uint64
	cut           []common.Hash
	cutHead       *matcher.LogHead
	hasCut        bool
	leafFirst     uint64
	leavesPending int
}

func (a *Anchorer) read() queues {
	var q queues
	a.n.View(func(m *matcher.Matcher) {
		q.ledger = m.Ledger()
		q.regFirst, q.regs = m.PendingRegistrations(a.cfg.RegisterBatch)
		q.cutFirst, q.cut, q.hasCut = m.PendingCut()
		q.cutHead = m.PendingCutHead()
		q.leafFirst, _ = m.PendingLeaves(0)
		var regsPending int
		q.leavesPending, regsPending = m.PendingCounts()
		q.regsTotal = q.regFirst - 1 + uint64(regsPending)
	})
	return q
}

// step does whatever ledger work is due and returns how long to wait before the next
// step (0: go on at once).
func (a *Anchorer) step(ctx context.Context) (time.Duration, error) {
	q := a.read()
	if q.ledger == nil {
		return time.Second, nil // the owner has not submitted SetLedger yet
	}
	if q.ledger.ChainID != a.b.ChainID() || q.ledger.Registry != a.b.Registry() {
		return 0, fmt.Errorf("%w: journal has chain %d registry %s, backend chain %d registry %s",
			errMisbound, q.ledger.ChainID, q.ledger.Registry.Hex(), a.b.ChainID(), a.b.Registry().Hex())
	}
	fence := a.cfg.Fence()
	now := a.now()
	leavesTotal := q.leafFirst - 1 + uint64(q.leavesPending)
	a.regClock.observe(q.regsTotal, now)
	a.leafClock.observe(leavesTotal, now)
	a.regRate.observe(q.regFirst-1, q.regsTotal, now, a.cfg.MaxDelay)
	a.leafRate.observe(q.leafFirst-1, leavesTotal, now, a.cfg.MaxDelay)

	// Registrations and anchors are independent queues: one failing (a revert, a
	// missing role) must not hold the other back, so both are tried before the errors
	// go back to Run.
	wait := idleRecheck
	did := false
	var errs []error
	if len(q.regs) > 0 {
		pending := int(q.regsTotal - (q.regFirst - 1))
		if w := a.due(a.regClock.since(q.regFirst, now), pending, a.cfg.RegisterBatch, a.regRate.recent(now, a.cfg.MaxDelay), now); w > 0 {
			wait = min(wait, w)
		} else if err := a.register(ctx, q.regFirst, q.regs, fence); err != nil {
			if stopsRun(err) {
				return 0, err
			}
			errs = append(errs, err)
		} else {
			did = true
		}
	}
	first, count := q.cutFirst, len(q.cut)
	if !q.hasCut && q.leavesPending > 0 {
		if w := a.due(a.leafClock.since(q.leafFirst, now), q.leavesPending, a.cfg.MaxBatch, a.leafRate.recent(now, a.cfg.MaxDelay), now); w > 0 {
			wait = min(wait, w)
		} else {
			first, count = q.leafFirst, min(q.leavesPending, a.cfg.MaxBatch)
		}
	}
	if count > 0 {
		if err := a.anchorBatch(ctx, q, first, count, fence); err != nil {
			return 0, errors.Join(append(errs, err)...)
		}
		did = true
	}
	if len(errs) > 0 {
		return 0, errors.Join(errs...)
	}
	if did {
		return 0, nil
	}
	return wait, nil
}

// anchorBatch finishes the pending cut, or cuts leaves first.. (count) and anchors them.
func (a *Anchorer) anchorBatch(ctx context.Context, q queues, first uint64, count int, fence uint64) error {
	if q.hasCut {
		return a.anchorCut(ctx, q.cutFirst, q.cut, q.cutHead, fence)
	}
	return a.cutAndAnchor(ctx, first, count, fence)
}

// stopsRun reports whether err ends Run rather than being retried.
func stopsRun(err error) bool {
	var he *hookError
	return errors.Is(err, ErrFenced) || errors.Is(err, errMisbound) || errors.As(err, &he)
}

// due is how long until a queue of pending items, the oldest arrived at oldest, must
// be sent in batches of batch; 0 when it is due now: full, waited MaxDelay, or — the
// adaptive rule — not going to be full by then at the pace of the last MaxDelay
// (recent arrivals). A queue that will fill waits: Run wakes on every new item and
// asks again, so it goes the moment it is full, or at the oldest's MaxDelay.
func (a *Anchorer) due(oldest time.Time, pending, batch int, recent uint64, now time.Time) time.Duration {
	if pending >= batch {
		return 0
	}
	left := oldest.Add(a.cfg.MaxDelay).Sub(now)
	if left <= 0 {
		return 0
	}
	if a.cfg.FixedDelay || willFill(pending, batch, recent, left, a.cfg.MaxDelay) {
		return left
	}
	return 0
}

// willFill reports whether a queue of pending items fills a batch within left when
// items keep arriving as they did in the last window (recent of them).
func willFill(pending, batch int, recent uint64, left, window time.Duration) bool {
	if window <= 0 {
		return false
	}
	// pending + recent×left/window ≥ batch, as recent×left ≥ (batch−pending)×window
	// in 128-bit integers.
	hi1, lo1 := bits.Mul64(recent, uint64(max(left, 0)))
	hi2, lo2 := bits.Mul64(uint64(max(batch-pending, 0)), uint64(window))
	return hi1 > hi2 || hi1 == hi2 && lo1 >= lo2
}

// submit applies an outcome through the node and turns a refusal into an error; a
// refusal for a stale fence is ErrFenced.
func (a *Anchorer) submit(ctx context.Context, cmd matcher.Command, fence uint64) error {
	res, err := a.n.Submit(ctx, cmd)
	if err != nil {
		return fmt.Errorf("ledger: submit %s: %w", cmd.Kind(), err)
	}
	if res.Err == nil {
		return nil
	}
	if res.Err.Code == matcher.CodeInvalidState {
		var current uint64
		a.n.View(func(m *matcher.Matcher) {
			if l := m.Ledger(); l != nil {
				current = l.Fence
			}
		})
		if current > fence {
			return fmt.Errorf("%w (ours %d, applied %d)", ErrFenced, fence, current)
		}
	}
	return fmt.Errorf("ledger: %s refused: %w", cmd.Kind(), res.Err)
}

func (a *Anchorer) crashPoint(point, op string) error {
	if a.hook == nil {
		return nil
	}
	if err := a.hook(point, op); err != nil {
		return &hookError{err}
	}
	return nil
}

// Stats are the anchorer's counters since it was made, for the API's metrics.
type Stats struct {
	LeavesAnchored uint64 `json:"leaves_anchored"`
	Batches        uint64 `json:"batches"`
	Registrations  uint64 `json:"registrations"` // fingerprints answered, clean or duplicate
	Duplicates     uint64 `json:"duplicates"`
	AnchorTxs      uint64 `json:"anchor_txs"`   // anchor transactions sent
	RegisterTxs    uint64 `json:"register_txs"` // register transactions sent
	// FoundOnChain counts batches recorded without sending: their root was on chain
	// already (the anchorer had crashed after sending).
	FoundOnChain uint64 `json:"found_on_chain"`
	ChainErrors  uint64 `json:"chain_errors"` // failed attempts (chain or journal), each retried
	AnchorGas    uint64 `json:"anchor_gas"`
	RegisterGas  uint64 `json:"register_gas"`
}

type stats struct {
	leavesAnchored, batches, registrations, duplicates atomic.Uint64
	anchorTxs, registerTxs, foundOnChain, chainErrors  atomic.Uint64
	anchorGas, registerGas                             atomic.Uint64
}

// Stats returns the counters; safe to call from any goroutine.
func (a *Anchorer) Stats() Stats {
	s := &a.stats
	return Stats{
		LeavesAnchored: s.leavesAnchored.Load(), Batches: s.batches.Load(),
		Registrations: s.registrations.Load(), Duplicates: s.duplicates.Load(),
		AnchorTxs: s.anchorTxs.Load(), RegisterTxs: s.registerTxs.Load(),
		FoundOnChain: s.foundOnChain.Load(), ChainErrors: s.chainErrors.Load(),
		AnchorGas: s.anchorGas.Load(), RegisterGas: s.registerGas.Load(),
	}
}

// arrivals counts how many items reached a queue in the last window, from marks of
// the queue's running total: the adaptive rule's measure of load.
type arrivals struct {
	marks []mark // ascending total and time; marks[0] is at or before the window's start
}

// observe records that items 1..total had arrived by now; sent items (1..base) were
// there before. The first observation counts the whole queue as arrived now, so a
// backlog found at start is load.
func (r *arrivals) observe(base, total uint64, now time.Time, window time.Duration) {
	if len(r.marks) == 0 {
		r.marks = append(r.marks, mark{base, now.Add(-window - 1)})
	}
	if r.marks[len(r.marks)-1].total < total {
		r.marks = append(r.marks, mark{total, now})
	}
	r.prune(now, window)
	if len(r.marks) > maxMarks {
		// Dropping an inner mark can only keep an older base: recent counts more, so
		// the rule errs towards full batches (less gas), never towards more sends.
		r.marks = append(r.marks[:1], r.marks[2:]...)
	}
}

// prune drops marks before the window's start but the last of them.
func (r *arrivals) prune(now time.Time, window time.Duration) {
	start := now.Add(-window)
	i := 0
	for i+1 < len(r.marks) && !r.marks[i+1].at.After(start) {
		i++
	}
	r.marks = r.marks[i:]
}

// recent is how many items arrived in the window ending now.
func (r *arrivals) recent(now time.Time, window time.Duration) uint64 {
	r.prune(now, window)
	if len(r.marks) < 2 {
		return 0
	}
	return r.marks[len(r.marks)-1].total - r.marks[0].total
}

// waitClock remembers when the anchorer first saw a queue reach each length, so that
// the wait of its oldest item is known to within one observation.
type waitClock struct {
	marks []mark // ascending total
}

type mark struct {
	total uint64    // items 1..total had arrived by at
	at    time.Time // when total was first seen
}

// maxMarks bounds the clock's memory; merging two marks keeps the earlier time, so a
// batch can only go out sooner than MaxDelay, never later.
const maxMarks = 1024

func (w *waitClock) observe(total uint64, now time.Time) {
	if n := len(w.marks); n > 0 && w.marks[n-1].total >= total {
		return
	}
	w.marks = append(w.marks, mark{total, now})
	if len(w.marks) > maxMarks {
		w.marks[0].total = w.marks[1].total
		w.marks = append(w.marks[:1], w.marks[2:]...)
	}
}

// since is when item number first arrived, dropping the marks of items before it.
func (w *waitClock) since(first uint64, now time.Time) time.Time {
	i := 0
	for i < len(w.marks) && w.marks[i].total < first {
		i++
	}
	w.marks = w.marks[i:]
	if len(w.marks) == 0 {
		return now
	}
	return w.marks[0].at
}
