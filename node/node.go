// SPDX-License-Identifier: Apache-2.0

// Package node joins the journal and the matcher: Submit appends a command, waits
// until this node has applied it, and returns the matcher's result. One goroutine
// applies the journal in order; readers share a read lock; snapshots are taken every
// N entries and at a clean shutdown, and a start is the latest snapshot plus a replay
// of the journal after it (README, "Architecture").
package node

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scfx/scfx/feed"
	"github.com/scfx/scfx/journal"
	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/translog"
)

// Defaults of Config.
const (
	DefaultSnapshotEvery = 10_000
	DefaultApplyBatch    = 1024
	DefaultMaxInFlight   = 16_384
	readRetryMax         = 2 * time.Second
)

// Config configures a node.
type Config struct {
	Journal       journal.Journal // the node closes it on Close
	SnapshotDir   string
	SnapshotEvery uint64 // take a snapshot after this many entries (DefaultSnapshotEvery)
	// SnapshotMinInterval spaces snapshots in time too: a snapshot encodes the whole
	// state, so under heavy load "every N entries" alone would spend most of a core
	// re-encoding a growing state. 0: no minimum.
	SnapshotMinInterval time.Duration
	Matcher             matcher.Config
	ApplyBatch          int           // entries read and applied under one lock (DefaultApplyBatch)
	MaxInFlight         int           // Submits waiting at once; more get ErrOverloaded (DefaultMaxInFlight)
	TickEvery           time.Duration // submit a Tick this often; 0: never (the anchoring node ticks)
	ClearEvery          time.Duration // clear the auction books this often; 0: never (as TickEvery)
	// OnSnapshot, if set, is called after each snapshot with the oldest snapshot kept
	// on disk: the oldest entry this replica may replay from (journal trimming).
	OnSnapshot func(oldestKept uint64)
	// LogFile holds the transparency log's hashes (package translog), beside the
	// journal; "": the log is kept in memory and rebuilt from the journal at each start.
	LogFile string
	// Feed, if set, gets the events of every entry applied (docs/api.md "Events") and
	// is saved with each snapshot. Open restores the newest snapshot the feed has
	// reached, so that replaying the journal after it loses no event.
	Feed   *feed.Feed
	Logger *slog.Logger
}

var (
	// ErrClosed: the node is shutting down.
	ErrClosed = errors.New("node: closed")
	// ErrOverloaded: too many Submits are in flight; retry later.
	ErrOverloaded = errors.New("node: too many commands in flight")
	// ErrUnavailable wraps a journal failure: the command was not appended.
	ErrUnavailable = errors.New("node: journal unavailable")
	// ErrJournalBehindSnapshot: the newest snapshot holds entries the journal no longer
	// has (a truncated journal, or one restored from an older backup than the
	// snapshots). Open refuses it: the next appends would reuse those seqs, and the
	// applier would skip them as already applied.
	ErrJournalBehindSnapshot = errors.New("node: the journal ends before the newest snapshot")
	// ErrInvariant: the state restored or replayed at Open breaks an invariant of
	// docs/matching.md §5; the node does not serve it.
	ErrInvariant = errors.New("node: the state breaks an invariant")
)

// Node is one replica of the state machine.
type Node struct {
	cfg    Config
	j      journal.Journal
	log    *slog.Logger
	origin string

	mu sync.RWMutex
	m  *matcher.Matcher
	lg *translog.Log // the journal as a Merkle tree, at m's applied seq; nil: none (ErrNoLog)

	wmu     sync.Mutex
	waiters map[uint64]waiter
	ticket  uint64
	slots   chan struct{}

	// The applier's scratch, reused from batch to batch.
	out    []delivery
	leaves []translog.Hash

	appendObs  atomic.Pointer[func(time.Duration)]
	snapSeq    atomic.Uint64
	applied    atomic.Uint64 // the matcher's applied seq, for the idle folder
	appliedAt  atomic.Int64  // when the applier last applied a batch (ns since born)
	born       time.Time     // when Open made the node: appliedAt's origin, monotonic
	idleAfter  atomic.Int64  // idleFoldAfter (ns); a test sets it
	snapMu     sync.Mutex    // one snapshot write at a time
	snapWant   chan uint64
	lastSnap   uint64    // applier-owned: seq of the last snapshot asked for
	lastSnapAt time.Time // applier-owned: when
	notify     chan struct{}
	ctx        context.Context
	cancel     context.CancelFunc
	done       chan struct{}
	wg         sync.WaitGroup
	closeOnce  sync.Once
	closeErr   error
}

// Open restores the newest valid snapshot, replays the journal after it, and starts
// applying. It returns once the journal as it stood at Open is applied.
func Open(ctx context.Context, cfg Config) (*Node, error) {
	if cfg.Journal == nil || cfg.SnapshotDir == "" {
		return nil, errors.New("node: a journal and a snapshot directory are required")
	}
	if cfg.SnapshotEvery == 0 {
		cfg.SnapshotEvery = DefaultSnapshotEvery
	}
	if cfg.ApplyBatch <= 0 {
		cfg.ApplyBatch = DefaultApplyBatch
	}
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = DefaultMaxInFlight
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(cfg.SnapshotDir, 0o700); err != nil {
		return nil, fmt.Errorf("node: %w", err)
	}
	// Half-written snapshots of a crash; only at Open, when nothing is writing one.
	if err := removeTemps(cfg.SnapshotDir); err != nil {
		return nil, err
	}
	m, err := loadLatest(cfg)
	if err != nil {
		return nil, err
	}
	if cfg.Feed != nil {
		m.EnableEvents()
	}
	// A restored state that breaks an invariant is a bug or a damaged snapshot that
	// still parsed: refuse to serve it (docs/operations.md, "Panics and invariants").
	if err := m.CheckInvariants(); err != nil {
		return nil, fmt.Errorf("%w: snapshot at seq %d: %v", ErrInvariant, m.AppliedSeq(), err)
	}
	if err := checkJournalReaches(m.AppliedSeq(), cfg.Journal.LastSeq(), cfg.SnapshotDir); err != nil {
		return nil, err
	}
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	n := &Node{
		cfg: cfg, j: cfg.Journal, log: cfg.Logger, origin: hex.EncodeToString(rnd[:]), m: m,
		waiters: map[uint64]waiter{}, slots: make(chan struct{}, cfg.MaxInFlight),
		notify: make(chan struct{}, 1), done: make(chan struct{}), snapWant: make(chan uint64, 1),
	}
	n.snapSeq.Store(m.AppliedSeq())
	n.applied.Store(m.AppliedSeq())
	n.born = time.Now()
	n.idleAfter.Store(int64(idleFoldAfter))
	n.lastSnap = m.AppliedSeq()
	if n.lg, err = openLog(ctx, cfg, m.AppliedSeq()); err != nil {
		return nil, err
	}
	if err := n.catchUp(ctx, cfg.Journal.LastSeq()); err != nil {
		n.closeLog()
		return nil, err
	}
	if err := m.CheckInvariants(); err != nil {
		return nil, fmt.Errorf("%w: after replaying the journal to seq %d: %v", ErrInvariant, m.AppliedSeq(), err)
	}
	// The first read of the state hash folds the whole state (docs/matching.md §6):
	// here, before serving, not under the read lock of the first GET /v1/node or cut.
	m.StateHash()
	n.ctx, n.cancel = context.WithCancel(context.Background())
	go n.run()
	n.wg.Add(1)
	go n.snapshotter()
	n.wg.Add(1)
	go n.expireWaiters()
	n.wg.Add(1)
	go n.idleFolder()
	if cfg.TickEvery > 0 {
		n.wg.Add(1)
		go func() {
			defer n.wg.Done()
			n.RunTicker(n.ctx, cfg.TickEvery)
		}()
	}
	if cfg.ClearEvery > 0 {
		n.wg.Add(1)
		go func() {
			defer n.wg.Done()
			n.RunAuctions(n.ctx, cfg.ClearEvery)
		}()
	}
	return n, nil
}

// loadLatest restores the newest snapshot that reads back whole; none: empty state.
// With a feed, the newest at or below the feed's seq comes first: the entries after
// it are replayed, and their events reach the feed.
func loadLatest(cfg Config) (*matcher.Matcher, error) {
	seqs, err := listSnapshots(cfg.SnapshotDir)
	if err != nil {
		return nil, err
	}
	if cfg.Feed != nil {
		seqs = feedFirst(seqs, cfg.Feed.Seq())
	}
	for _, seq := range seqs {
		body, err := readSnapshot(cfg.SnapshotDir, seq)
		if err == nil {
			var m *matcher.Matcher
			if m, err = matcher.Restore(cfg.Matcher, body); err == nil {
				cfg.Logger.Info("restored snapshot", "seq", seq)
				return m, nil
			}
		}
		cfg.Logger.Warn("skipping snapshot", "seq", seq, "err", err)
	}
	return matcher.New(cfg.Matcher), nil
}

// feedFirst orders snapshots (newest first) so that those at or below the feed's seq
// come first; the newer ones stay as a fallback (the feed then has a gap).
func feedFirst(seqs []uint64, feedSeq uint64) []uint64 {
	var below, above []uint64
	for _, s := range seqs {
		if s <= feedSeq {
			below = append(below, s)
		} else {
			above = append(above, s)
		}
	}
	return append(below, above...)
}

// checkJournalReaches refuses a journal whose last seq is below the restored
// snapshot's, saying what the operator can do (docs/operations.md, "Faults and what
// the server does").
func checkJournalReaches(snapSeq, journalSeq uint64, snapDir string) error {
	if snapSeq <= journalSeq {
		return nil
	}
	return fmt.Errorf("%w: the journal's last seq is %d, the snapshot's seq is %d: entries %d..%d are gone "+
		"from the journal (truncated, or restored from an older backup than %s); restore the journal "+
		"from a backup that reaches seq %d, or accept losing those entries and move the snapshots "+
		"above seq %d out of %s (docs/operations.md, \"Faults and what the server does\")",
		ErrJournalBehindSnapshot, journalSeq, snapSeq, journalSeq+1, snapSeq, snapDir, snapSeq, journalSeq, snapDir)
}

// catchUp applies the journal up to seq before the node serves anything.
func (n *Node) catchUp(ctx context.Context, seq uint64) error {
	for n.m.AppliedSeq() < seq {
		es, err := n.j.Read(ctx, n.m.AppliedSeq()+1, n.cfg.ApplyBatch)
		if err != nil {
			return fmt.Errorf("node: replay from %d: %w", n.m.AppliedSeq()+1, err)
		}
		n.applyBatch(es)
	}
	return nil
}

// run is the applier: the one goroutine that changes the matcher.
func (n *Node) run() {
	defer close(n.done)
	backoff := 10 * time.Millisecond
	for {
		es, err := n.j.Read(n.ctx, n.m.AppliedSeq()+1, n.cfg.ApplyBatch)
		if err != nil {
			if n.ctx.Err() != nil {
				return
			}
			n.log.Error("journal read failed", "from", n.m.AppliedSeq()+1, "err", err)
			select {
			case <-time.After(backoff):
			case <-n.ctx.Done():
				return
			}
			backoff = min(2*backoff, readRetryMax)
			continue
		}
		backoff = 10 * time.Millisecond
		n.applyBatch(es)
		if n.m.AppliedSeq()-n.lastSnap >= n.cfg.SnapshotEvery && time.Since(n.lastSnapAt) >= n.cfg.SnapshotMinInterval {
			n.requestSnapshot(n.m.AppliedSeq())
		}
	}
}

// The node folds the state hash's waiting changes when it has nothing to apply
// (matcher.FoldStateHash): once idleFoldAfter has passed without an entry applied,
// idleFoldSlice at a time under the write lock, letting go of it between slices, and
// it stops as soon as an entry is applied or waits to be. A busy node folds nothing
// until a read of the hash; an idle one is left with nothing for that read to fold.
const (
	idleFoldAfter = 250 * time.Millisecond
	idleFoldTick  = 100 * time.Millisecond
	idleFoldSlice = 1024
)

// idleFolder folds the state hash's waiting changes while the node is idle.
func (n *Node) idleFolder() {
	defer n.wg.Done()
	t := time.NewTicker(idleFoldTick)
	defer t.Stop()
	folded := n.applied.Load() // Open folded the state up to here
	for {
		select {
		case <-n.ctx.Done():
			return
		case <-t.C:
		}
		applied := n.applied.Load()
		if applied == folded || time.Since(n.born)-time.Duration(n.appliedAt.Load()) < time.Duration(n.idleAfter.Load()) {
			continue
		}
		for {
			left, busy := n.foldSlice(applied)
			if left == 0 {
				folded = applied
			}
			if left == 0 || busy {
				break
			}
		}
	}
}

// foldSlice folds one slice of the waiting changes, unless the node is busy again
// (an entry applied since applied, or one waiting to be) or closing; it says how
// many changes still wait.
func (n *Node) foldSlice(applied uint64) (left int, busy bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.ctx.Err() != nil || n.m.AppliedSeq() != applied || n.j.LastSeq() > applied {
		return -1, true
	}
	return n.m.FoldStateHash(idleFoldSlice), false
}

// outcome is what a Submit waits for: its result, or the journal's failure to
// write its entry, or its deadline passing (timedOut).
type outcome struct {
	res      matcher.Result
	err      error
	timedOut bool
}

// waiter is a Submit waiting for its outcome; deadline (Unix ns, 0: none) is
// SubmitWithin's, enforced by expireWaiters.
type waiter struct {
	ch       chan outcome
	deadline int64
}

// expireEvery is how often expireWaiters looks for Submits past their deadline: a
// SubmitWithin times out up to this much late.
const expireEvery = 20 * time.Millisecond

// expireWaiters answers the Submits whose SubmitWithin deadline has passed: one
// ticker for the node instead of a timer per request (a context.WithTimeout per
// POST is a timer, a child context and its removal on the hot path; docs/benchmarks.md
// "HTTP API" has its cost).
func (n *Node) expireWaiters() {
	defer n.wg.Done()
	t := time.NewTicker(expireEvery)
	defer t.Stop()
	for {
		select {
		case <-n.ctx.Done():
			return
		case now := <-t.C:
			ns := now.UnixNano()
			n.wmu.Lock()
			for ticket, w := range n.waiters {
				if w.deadline != 0 && w.deadline <= ns {
					w.ch <- outcome{timedOut: true}
					delete(n.waiters, ticket)
				}
			}
			n.wmu.Unlock()
		}
	}
}

type delivery struct {
	ticket uint64
	res    matcher.Result
}

// applyBatch applies entries under one write lock, then hands results to waiters.
func (n *Node) applyBatch(es []journal.Entry) {
	out := n.out[:0]
	defer func() { clear(out); n.out = out[:0] }() // the results are the Submits' now
	var evs []matcher.Event
	leaves := false
	first := n.m.AppliedSeq() + 1 // only this goroutine changes it
	// The entries' leaves are hashed before taking the lock, which readers wait for.
	for len(es) > 0 && es[0].Seq < first {
		es = es[1:] // a read that overlapped one already applied
	}
	logLeaves := n.leaves[:0]
	defer func() { n.leaves = logLeaves[:0] }()
	for i, e := range es {
		if e.Seq != first+uint64(i) {
			es = es[:i] // a gap: what follows it is not applied (as it never was)
			break
		}
		logLeaves = append(logLeaves, translog.LeafHash(e.Seq, e.TimeMs, e.Data))
	}
	n.mu.Lock()
	for _, e := range es {
		mine, ticket, res := applyEntry(n.m, e, n.origin)
		leaves = leaves || res.NewLeaves > 0 || res.NewRegs > 0
		if mine {
			out = append(out, delivery{ticket, res})
		}
	}
	n.appendLeaves(logLeaves)
	last := n.m.AppliedSeq()
	n.applied.Store(last)
	n.appliedAt.Store(int64(time.Since(n.born)))
	if n.cfg.Feed != nil {
		evs = n.m.TakeEvents()
	}
	n.mu.Unlock()
	if n.cfg.Feed != nil && last >= first {
		// Before the results: a caller that reads its feed after its write returned
		// finds the write's events.
		n.cfg.Feed.Add(first, last, evs)
	}
	if leaves {
		select {
		case n.notify <- struct{}{}:
		default:
		}
	}
	if len(out) == 0 {
		return
	}
	n.wmu.Lock()
	for _, d := range out {
		if w, ok := n.waiters[d.ticket]; ok {
			w.ch <- outcome{res: d.res}
			delete(n.waiters, d.ticket)
		}
	}
	n.wmu.Unlock()
}

// Submit appends cmd to the journal, waits until this node has applied it and
// returns the matcher's result (a rejected command is a result with Err set). An
// error means the outcome is not known here: ErrUnavailable (not appended),
// ErrOverloaded (not appended), or the context ended (it may yet be applied).
func (n *Node) Submit(ctx context.Context, cmd matcher.Command) (matcher.Result, error) {
	return n.submit(ctx, cmd, 0)
}

// SubmitWithin is Submit that gives up after timeout as if ctx had that deadline
// (it returns context.DeadlineExceeded), without a timer of its own: the node
// expires waiting Submits from one ticker, up to expireEvery late.
func (n *Node) SubmitWithin(ctx context.Context, cmd matcher.Command, timeout time.Duration) (matcher.Result, error) {
	return n.submit(ctx, cmd, time.Now().Add(timeout).UnixNano())
}

func (n *Node) submit(ctx context.Context, cmd matcher.Command, deadline int64) (matcher.Result, error) {
	body, err := matcher.EncodeCommand(cmd)
	if err != nil {
		return matcher.Result{}, fmt.Errorf("node: encode command: %w", err)
	}
	select {
	case n.slots <- struct{}{}:
		defer func() { <-n.slots }()
	default:
		return matcher.Result{}, ErrOverloaded
	}
	ch := outcomes.Get().(chan outcome)
	defer putOutcome(ch)
	n.wmu.Lock()
	n.ticket++
	ticket := n.ticket
	n.waiters[ticket] = waiter{ch: ch, deadline: deadline}
	n.wmu.Unlock()
	if q, ok := n.j.(journal.Enqueuer); ok {
		return n.submitQueued(ctx, q, ticket, ch, encodeEnvelope(n.origin, ticket, body))
	}
	if deadline != 0 {
		// Append waits on ctx.
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, time.Unix(0, deadline))
		defer cancel()
	}
	start := time.Now()
	_, err = n.j.Append(ctx, encodeEnvelope(n.origin, ticket, body))
	if obs := n.appendObs.Load(); obs != nil {
		(*obs)(time.Since(start))
	}
	if err != nil {
		n.forget(ticket)
		return matcher.Result{}, n.appendError(ctx, err)
	}
	return n.await(ctx, ticket, ch, journal.Pending{})
}

// outcomes pools the channels Submits wait on. An outcome is sent only under wmu to
// a ticket still in waiters, which the send removes; when a Submit returns, its
// ticket has left waiters (sent, forgotten or failed), so nothing more is sent on
// its channel, and putOutcome empties one sent but never received (a Submit that
// gave up first) before it is reused (TestSubmitReusesNoStaleOutcome).
var outcomes = sync.Pool{New: func() any { return make(chan outcome, 1) }}

func putOutcome(ch chan outcome) {
	select {
	case <-ch:
	default:
	}
	outcomes.Put(ch)
}

// submitQueued is Submit on a journal that can queue an entry without a waiting
// caller: the Submit sleeps once, until the applier hands it its result — which
// it can only do once the entry is durable, since the applier reads durable entries
// only — instead of waking for the journal's fsync and sleeping again for the
// applier. The journal's writer reports a failed write (and the append latency, for
// the metric) through done.
func (n *Node) submitQueued(ctx context.Context, q journal.Enqueuer, ticket uint64, ch chan outcome, data []byte) (matcher.Result, error) {
	start := time.Now()
	done := func(err error) {
		if obs := n.appendObs.Load(); obs != nil {
			(*obs)(time.Since(start))
		}
		if err == nil {
			return
		}
		n.wmu.Lock()
		w, waiting := n.waiters[ticket]
		delete(n.waiters, ticket)
		n.wmu.Unlock()
		if waiting {
			w.ch <- outcome{err: err}
		}
	}
	p, err := q.Enqueue(ctx, data, done)
	if err != nil {
		n.forget(ticket)
		return matcher.Result{}, n.appendError(ctx, err)
	}
	return n.await(ctx, ticket, ch, p)
}

// await waits for the outcome of the entry of ticket. If ctx ends first, a record
// still queued (p) is given up, so that it is never written.
func (n *Node) await(ctx context.Context, ticket uint64, ch chan outcome, p journal.Pending) (matcher.Result, error) {
	select {
	case o := <-ch:
		if o.timedOut {
			p.Cancel()
			return matcher.Result{}, context.DeadlineExceeded
		}
		if o.err != nil {
			return matcher.Result{}, n.appendError(ctx, o.err)
		}
		return o.res, nil
	case <-ctx.Done():
		p.Cancel()
		n.forget(ticket)
		return matcher.Result{}, ctx.Err()
	case <-n.done:
		n.forget(ticket)
		return matcher.Result{}, ErrClosed
	}
}

func (n *Node) forget(ticket uint64) {
	n.wmu.Lock()
	delete(n.waiters, ticket)
	n.wmu.Unlock()
}

// appendError is Submit's error for a journal that failed to append its entry.
func (n *Node) appendError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(err, journal.ErrUncertain) {
		// The entry may be in the journal: not "nothing changed".
		return fmt.Errorf("node: outcome unknown: %w", err)
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}

// View runs fn with the matcher under the read lock. fn must not keep the matcher
// or anything it returns by pointer past the call, nor call Submit.
func (n *Node) View(fn func(m *matcher.Matcher)) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	fn(n.m)
}

// SetAppendObserver has f called with the latency of every journal append (metrics).
func (n *Node) SetAppendObserver(f func(time.Duration)) { n.appendObs.Store(&f) }

// Changed signals (coalesced) when applied entries queued ledger work.
func (n *Node) Changed() <-chan struct{} { return n.notify }

// SnapshotSeq is the sequence of the newest snapshot on disk.
func (n *Node) SnapshotSeq() uint64 { return n.snapSeq.Load() }

// InFlight is how many Submits wait for their entries to be applied.
func (n *Node) InFlight() int { return len(n.slots) }

// Journal is the node's journal.
func (n *Node) Journal() journal.Journal { return n.j }

// requestSnapshot asks the snapshotter for a snapshot at seq; it never blocks the
// applier (a request while one is being made is merged into the next).
func (n *Node) requestSnapshot(seq uint64) {
	n.lastSnap, n.lastSnapAt = seq, time.Now()
	select {
	case n.snapWant <- seq:
	default:
		select { // replace a stale request with the newer one
		case <-n.snapWant:
		default:
		}
		select {
		case n.snapWant <- seq:
		default:
		}
	}
}

// snapshotter makes the periodic snapshots from a matcher of its own — restored from
// the newest snapshot and brought forward by replaying the journal — so that encoding
// the whole state never holds up the applier (it took ~0.6 s at 10,000 receivables,
// stalling every write for that long). It costs a second copy of the state in memory
// and applying each entry twice; both are cheaper than a stall.
func (n *Node) snapshotter() {
	defer n.wg.Done()
	var shadow *matcher.Matcher
	for {
		var target uint64
		select {
		case <-n.ctx.Done():
			return
		case target = <-n.snapWant:
		}
		if shadow == nil {
			m, err := loadLatest(n.cfg)
			if err != nil {
				n.log.Error("snapshotter: load", "err", err)
				continue
			}
			shadow = m
		}
		start := time.Now()
		if err := n.replayTo(shadow, target); err != nil {
			if n.ctx.Err() == nil {
				n.log.Error("snapshotter: replay", "target", target, "err", err)
			}
			continue
		}
		replayed := time.Now()
		if err := n.writeFrom(shadow); err != nil {
			n.log.Error("snapshot failed", "seq", target, "err", err)
			continue
		}
		n.log.Info("snapshot written", "seq", target, "replay", replayed.Sub(start).Round(time.Millisecond),
			"encode_and_write", time.Since(replayed).Round(time.Millisecond))
	}
}

// replayTo applies the journal to m up to and including seq.
func (n *Node) replayTo(m *matcher.Matcher, seq uint64) error {
	for m.AppliedSeq() < seq {
		es, err := n.j.Read(n.ctx, m.AppliedSeq()+1, n.cfg.ApplyBatch)
		if err != nil {
			return err
		}
		for _, e := range es {
			if e.Seq > seq {
				break
			}
			if e.Seq == m.AppliedSeq()+1 {
				applyEntry(m, e, "")
			}
		}
	}
	return nil
}

// writeFrom encodes m and writes it as the snapshot at its applied sequence.
func (n *Node) writeFrom(m *matcher.Matcher) error {
	n.snapMu.Lock()
	defer n.snapMu.Unlock()
	seq := m.AppliedSeq()
	if seq <= n.snapSeq.Load() {
		return nil
	}
	body, err := m.Snapshot()
	if err != nil {
		return fmt.Errorf("node: snapshot: %w", err)
	}
	oldest, err := writeSnapshot(n.cfg.SnapshotDir, seq, body)
	if err != nil {
		return err
	}
	n.snapSeq.Store(seq)
	n.saveFeed()
	n.snapshotted(oldest)
	return nil
}

// saveFeed saves the feed after a snapshot: its seq is at or past the snapshot's, so
// a restart finds a snapshot the feed has reached.
func (n *Node) saveFeed() {
	if n.cfg.Feed == nil {
		return
	}
	if err := n.cfg.Feed.Save(); err != nil {
		n.log.Error("feed save failed", "err", err)
	}
}

// applyEntry applies one journal entry: the command inside its envelope. An entry
// without a valid envelope takes its seq as a refused record (every entry is written
// in an envelope, so none has a command to apply). Entries that self (this node's
// origin) appended get their whole result, for the Submit waiting on it; the others
// are applied unanswered (matcher.ApplyRawUnanswered: the same state, without what
// only a response needs).
func applyEntry(m *matcher.Matcher, e journal.Entry, self string) (mine bool, ticket uint64, res matcher.Result) {
	origin, ticket, cmd, err := decodeEnvelope(e.Data)
	if err != nil {
		return false, 0, m.ApplyRefused(e.Seq, e.TimeMs, err.Error())
	}
	if self != "" && string(origin) == self {
		return true, ticket, m.ApplyRaw(e.Seq, e.TimeMs, cmd)
	}
	return false, ticket, m.ApplyRawUnanswered(e.Seq, e.TimeMs, cmd)
}

// Snapshot writes a snapshot of the state as applied now and waits for it. It
// encodes under the read lock, holding up the applier: it is for a clean shutdown and
// tests; the periodic snapshots come from the snapshotter.
func (n *Node) Snapshot() error {
	n.mu.RLock()
	defer n.mu.RUnlock()
	return n.writeFrom(n.m)
}

func (n *Node) snapshotted(oldest uint64) {
	if n.cfg.OnSnapshot != nil {
		n.cfg.OnSnapshot(oldest)
	}
}

// RunTicker submits a Tick every period until ctx ends: time moves maturities
// forward even when no command arrives.
func (n *Node) RunTicker(ctx context.Context, every time.Duration) {
	n.RunPeriodic(ctx, every, matcher.Command{Actor: matcher.ActorSystem, Payload: &matcher.Tick{}}, nil)
}

// RunAuctions clears every book in auction mode every period until ctx ends
// (--clear-every), logging each book's report.
func (n *Node) RunAuctions(ctx context.Context, every time.Duration) {
	cmd := matcher.Command{Actor: matcher.ActorSystem, Payload: &matcher.ClearAuction{}}
	n.RunPeriodic(ctx, every, cmd, func(r matcher.Result) {
		for _, a := range r.Auctions {
			n.log.Info("auction cleared", "core", a.CoreID, "listings", a.Listings, "offers", a.Offers, "fills", a.Fills,
				"volume_fen", a.VolumeFen, "discount_fen", a.DiscountFen, "saving_fen", a.SavingFen, "bound_fen", a.BoundFen,
				"gap_ppm", a.GapPpm, "exact", a.Exact)
		}
	})
}

// RunPeriodic submits cmd as the system every period until ctx ends, handing each
// result to done (if not nil).
func (n *Node) RunPeriodic(ctx context.Context, every time.Duration, cmd matcher.Command, done func(matcher.Result)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-n.done:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(ctx, every)
			res, err := n.Submit(ctx, cmd)
			switch {
			case err != nil && ctx.Err() == nil:
				n.log.Warn("periodic command failed", "kind", cmd.Kind(), "err", err)
			case err == nil && res.Err != nil:
				n.log.Warn("periodic command refused", "kind", cmd.Kind(), "err", res.Err)
			case err == nil && done != nil:
				done(res)
			}
			cancel()
		}
	}
}

// Close stops applying, waits for background work, writes a final snapshot and
// closes the journal. Submits still waiting get ErrClosed.
func (n *Node) Close() error {
	n.closeOnce.Do(func() {
		n.cancel()
		<-n.done
		n.wg.Wait()
		err := n.Snapshot()
		n.closeLog()
		if cerr := n.j.Close(); err == nil {
			err = cerr
		}
		n.closeErr = err
	})
	return n.closeErr
}
