// SPDX-License-Identifier: Apache-2.0

package audit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sort"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/client"
	"github.com/scfx/scfx/journal"
	"github.com/scfx/scfx/ledger"
	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/translog"
)

// Server is what the audit reads of the server (*client.Client, with an auditor's
// or the operator's token).
type Server interface {
	LogHead(ctx context.Context, fromSize uint64) (*wire.LogHead, error)
	LogEntries(ctx context.Context, from, to uint64) (*wire.LogEntries, error)
	LogConsistency(ctx context.Context, old, size uint64) (*wire.LogConsistency, error)
	LogInclusion(ctx context.Context, seq, size uint64) (*wire.LogInclusion, error)
	Matches(ctx context.Context, o client.ListOptions) (*wire.Page[wire.Match], error)
}

// Chain is what the audit reads of the chain (*ledger.AuditChain).
type Chain interface {
	ChainID() uint64
	AnchoredAt(ctx context.Context, root common.Hash) (uint64, error)
	AnchoredBy(ctx context.Context, anchorer common.Address) ([]ledger.AnchoredRoot, error)
}

// DialChain connects to the chain of the registry the replayed ledger names.
type DialChain func(ctx context.Context, registry common.Address) (Chain, error)

// GCPercent is the garbage collector's target scfx audit runs with: the replay
// allocates a whole market's state once and keeps it, so collecting at every doubling
// of a small heap (GOGC 100) only spends CPU (the server runs with 400 too).
const GCPercent = 400

// ErrUnchecked wraps what kept the audit from checking: the server or the chain did
// not answer, or the log holds no ledger to check against (exit 2).
var ErrUnchecked = errors.New("audit: could not check")

// Report is what an audit found.
type Report struct {
	Entries     uint64
	Heads       int // committed heads checked against the replay
	Batches     int // anchored batches checked on chain
	Consistency int // consistency proofs checked between consecutive heads
	Matches     int // matches compared with the server's
	Replay      time.Duration
	Problems    []Discrepancy
}

// Run audits the market behind srv against the chain dial reaches, writing what it
// checks to out. An error wrapping ErrUnchecked means it could not finish; otherwise
// the report's Problems are the proven discrepancies (none: the market is clean).
func Run(ctx context.Context, srv Server, dial DialChain, out io.Writer) (*Report, error) {
	head, err := srv.LogHead(ctx, 0)
	if err != nil {
		return nil, fmt.Errorf("%w: the log's head: %v", ErrUnchecked, err)
	}
	// The heads the server lists as anchored are where the replay hashes the state
	// (it cannot go back to a size once past it); every head the replayed log
	// anchored must be among them (checkServerHeads).
	anchored, err := allAnchoredHeads(ctx, srv, head)
	if err != nil {
		return nil, err
	}
	sizes := make([]uint64, len(anchored))
	for i, a := range anchored {
		sizes[i] = a.Size
	}
	fmt.Fprintf(out, "log of %d entries, root %s, %d heads listed as anchored\n", head.Size, head.Root, len(anchored))
	start := time.Now()
	r, err := ReplayLog(serverSource(ctx, srv, head.Size), Options{CheckAt: sizes, Workers: Workers(), Grow: head.Size})
	if err != nil {
		return nil, err
	}
	rep := &Report{Entries: r.Entries, Heads: r.Heads, Replay: time.Since(start), Problems: r.Problems}
	if len(r.Problems) == 0 && r.Entries < head.Size {
		rep.problem(r.Entries+1, fmt.Sprintf("the log's head says %d entries; it serves %d", head.Size, r.Entries))
	}
	passes := ""
	if r.Passes > 1 {
		passes = fmt.Sprintf(" (%d passes: a signature the matcher refuses)", r.Passes)
	}
	fmt.Fprintf(out, "replayed %d entries in %s (%.0f entries/s)%s; %d committed heads checked\n",
		r.Entries, rep.Replay.Round(time.Millisecond), float64(r.Entries)/max(rep.Replay.Seconds(), 1e-9), passes, r.Heads)
	if len(rep.Problems) > 0 {
		// The replay stopped or a head failed: what follows rests on them. Name the
		// entry if the server can still prove what was anchored.
		if r.Bad != nil {
			rep.pinpoint(ctx, srv, r)
		}
		return rep, nil
	}
	if root := common.Hash(r.Log.Head().Root).Hex(); root != head.Root {
		rep.problem(0, fmt.Sprintf("the server's head says root %s for %d entries; its entries give %s", head.Root, head.Size, root))
	}
	rep.checkServerHeads(r, anchored)
	if err := rep.checkChain(ctx, r, dial, out); err != nil {
		return nil, err
	}
	if err := rep.checkConsistency(ctx, srv, r); err != nil {
		return nil, err
	}
	if err := rep.compareMatches(ctx, srv, r.M, out); err != nil {
		return nil, err
	}
	return rep, nil
}

func (rep *Report) problem(seq uint64, what string) {
	rep.Problems = append(rep.Problems, Discrepancy{Seq: seq, What: what})
}

// Workers is how many goroutines recover signatures beside the replay: one a CPU
// (the replay's goroutine waits on them when they fall behind).
func Workers() int { return runtime.GOMAXPROCS(0) }

// serverSource reads entries 1..size a page at a time, the next page on its way
// while the replay applies one: it holds at most a few pages.
func serverSource(ctx context.Context, srv Server, size uint64) Source {
	type page struct {
		from    uint64
		entries []wire.LogEntry
		err     error
	}
	return func(yield func(journal.Entry) bool) error {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		pages := make(chan page, 2)
		go func() {
			defer close(pages)
			for from := uint64(1); from <= size; {
				p, err := srv.LogEntries(ctx, from, size)
				pg := page{from: from, err: err}
				if err == nil {
					pg.entries = p.Entries
				}
				select {
				case pages <- pg:
				case <-ctx.Done():
					return
				}
				if err != nil || len(pg.entries) == 0 {
					return // a log shorter than its head: Run says so
				}
				from += uint64(len(pg.entries))
			}
		}()
		for pg := range pages {
			if pg.err != nil {
				return fmt.Errorf("%w: entries from %d: %v", ErrUnchecked, pg.from, pg.err)
			}
			for _, e := range pg.entries {
				if !yield(journal.Entry{Seq: e.Seq, TimeMs: e.TimeMs, Data: e.Data}) {
					return nil
				}
			}
		}
		return ctx.Err()
	}
}

// allAnchoredHeads pages through the server's anchored heads.
func allAnchoredHeads(ctx context.Context, srv Server, first *wire.LogHead) ([]wire.AnchoredHead, error) {
	all := first.Anchored
	for page := first.Anchored; len(page) > 0; {
		next, err := srv.LogHead(ctx, page[len(page)-1].Size+1)
		if err != nil {
			return nil, fmt.Errorf("%w: anchored heads: %v", ErrUnchecked, err)
		}
		page = next.Anchored
		all = append(all, page...)
	}
	return all, nil
}

// checkServerHeads: every head the server says was anchored is a batch of the replay
// with the same head, each of those was checked against the replay already, and
// every head the replay anchored is one the server lists (so its state was hashed).
func (rep *Report) checkServerHeads(r *Replay, anchored []wire.AnchoredHead) {
	byRoot := map[common.Hash]matcher.Batch{}
	for _, b := range r.M.AnchoredHeads(0, 1<<31) {
		byRoot[b.Root] = b
	}
	unhashed := map[uint64]bool{}
	for _, size := range r.Unhashed {
		unhashed[size] = true
	}
	for _, b := range byRoot {
		if unhashed[b.Head.Size] {
			rep.problem(b.Head.Size, fmt.Sprintf("the log anchored a head of %d entries in batch %s that the server does not list as anchored", b.Head.Size, b.Root.Hex()))
		}
	}
	for _, a := range anchored {
		b, ok := byRoot[common.HexToHash(a.BatchRoot)]
		if !ok || b.Head.Size != a.Size || b.Head.Root != common.HexToHash(a.Root) || b.Head.StateHash != common.HexToHash(a.StateHash) {
			rep.problem(a.Size, fmt.Sprintf("the server lists a head anchored in batch %s that the log does not record so", a.BatchRoot))
		}
	}
}

// checkChain: every batch the replay recorded is anchored on chain where the log
// says, and every root the platform's anchorers put on chain is a batch of the log.
func (rep *Report) checkChain(ctx context.Context, r *Replay, dial DialChain, out io.Writer) error {
	l := r.M.Ledger()
	if l == nil {
		return fmt.Errorf("%w: the log binds no ledger (no set_ledger entry)", ErrUnchecked)
	}
	c, err := dial(ctx, l.Registry)
	if err != nil {
		return fmt.Errorf("%w: the chain: %v", ErrUnchecked, err)
	}
	if c.ChainID() != l.ChainID {
		rep.problem(0, fmt.Sprintf("the log's ledger is chain %d, the chain given is %d", l.ChainID, c.ChainID()))
		return nil
	}
	batches := r.M.AnchoredHeads(0, 1<<31)
	inLog := map[common.Hash]bool{}
	for _, b := range r.M.Batches() {
		inLog[b.Root] = true
		at, err := c.AnchoredAt(ctx, b.Root)
		if err != nil {
			return fmt.Errorf("%w: anchoredAt(%s): %v", ErrUnchecked, b.Root.Hex(), err)
		}
		rep.Batches++
		if at != b.Block {
			seq := uint64(0)
			if b.Head != nil {
				seq = b.Head.Size
			}
			rep.problem(seq, fmt.Sprintf("batch %s (leaves %d..%d) is anchored at block %d on chain, the log says %d", b.Root.Hex(), b.First, b.First+uint64(b.Count)-1, at, b.Block))
		}
	}
	var lastBlock uint64
	for _, b := range r.M.Batches() {
		lastBlock = max(lastBlock, b.Block)
	}
	later := 0
	for _, a := range r.Anchorers {
		roots, err := c.AnchoredBy(ctx, a)
		if err != nil {
			return fmt.Errorf("%w: the anchorer's roots: %v", ErrUnchecked, err)
		}
		for _, ar := range roots {
			switch {
			case inLog[ar.Root]:
			case ar.Block > lastBlock:
				later++ // anchored after the audited prefix: its record is not in it yet
			default:
				rep.problem(0, fmt.Sprintf("root %s was anchored by the platform (%s, block %d, tx %s) but no batch of the log has it: the log lost or rewrote entries",
					ar.Root.Hex(), a.Hex(), ar.Block, ar.TxHash.Hex()))
			}
		}
	}
	fmt.Fprintf(out, "chain %d, registry %s: %d batches anchored where the log says (%d with heads); %d roots anchored after the audited entries\n",
		l.ChainID, l.Registry.Hex(), rep.Batches, len(batches), later)
	return nil
}

// checkConsistency: between consecutive committed heads the server proves the log
// was only appended, against the roots the chain holds.
func (rep *Report) checkConsistency(ctx context.Context, srv Server, r *Replay) error {
	heads := r.M.AnchoredHeads(0, 1<<31)
	sort.Slice(heads, func(i, j int) bool { return heads[i].Head.Size < heads[j].Head.Size })
	for i := 1; i < len(heads); i++ {
		old, cur := heads[i-1].Head, heads[i].Head
		if old.Size == cur.Size {
			continue
		}
		p, err := srv.LogConsistency(ctx, old.Size, cur.Size)
		if err != nil {
			return fmt.Errorf("%w: consistency %d..%d: %v", ErrUnchecked, old.Size, cur.Size, err)
		}
		proof := make([]translog.Hash, len(p.Proof))
		for k, h := range p.Proof {
			proof[k] = translog.Hash(common.HexToHash(h))
		}
		rep.Consistency++
		if err := translog.CheckConsistency(proof, cur.Size, translog.Hash(cur.Root), old.Size, translog.Hash(old.Root)); err != nil {
			rep.problem(old.Size+1, fmt.Sprintf("the log of %d entries is not an extension of the log of %d anchored before it: %v", cur.Size, old.Size, err))
		}
	}
	return nil
}

// compareMatches prints every match the replay derived that differs from the
// server's, and every one the server lacks. Matches the server made after the
// audited entries are not compared.
func (rep *Report) compareMatches(ctx context.Context, srv Server, m *matcher.Matcher, out io.Writer) error {
	server, err := client.Collect(ctx, matcher.MaxPageLimit, srv.Matches)
	if err != nil {
		return fmt.Errorf("%w: the server's matches: %v", ErrUnchecked, err)
	}
	byID := make(map[string]wire.Match, len(server))
	for _, s := range server {
		byID[s.ID] = s
	}
	differ := 0
	for cursor := uint64(0); ; {
		page := m.Matches(matcher.ActorOperator, cursor, matcher.MaxPageLimit)
		for _, mt := range page.Items {
			rep.Matches++
			s, ok := byID[mt.ID]
			if !ok {
				rep.problem(0, fmt.Sprintf("match %s (listing %s, offer %s, %d fen at %d bps) follows from the log but the server does not have it", mt.ID, mt.ListingID, mt.OfferID, mt.AmountFen, mt.RateBps))
				differ++
				continue
			}
			if d := matchDiff(mt, s); d != "" {
				rep.problem(0, fmt.Sprintf("match %s: replayed %s, the server has %s", mt.ID, d, serverSide(s)))
				differ++
			}
		}
		if page.Next == "" {
			break
		}
		next, perr := matcher.ParseCursor(page.Next)
		if perr != nil {
			panic("audit: the matcher's own cursor: " + perr.Error())
		}
		cursor = next
	}
	fmt.Fprintf(out, "%d matches re-derived, %d differ from the server's\n", rep.Matches, differ)
	return nil
}

func matchDiff(mt *matcher.Match, s wire.Match) string {
	if mt.ListingID == s.ListingID && mt.ReceivableID == s.ReceivableID && mt.OfferID == s.OfferID && mt.LenderID == s.LenderID &&
		mt.HolderID == s.HolderID && mt.DebtorID == s.DebtorID && mt.AmountFen == s.Amount && mt.RateBps == s.RateBps &&
		mt.Days == s.Days && mt.DiscountFen == s.Discount && mt.AdvanceFen == s.Advance {
		return ""
	}
	return fmt.Sprintf("listing %s receivable %s offer %s lender %s %d fen at %d bps for %d days, advance %d",
		mt.ListingID, mt.ReceivableID, mt.OfferID, mt.LenderID, mt.AmountFen, mt.RateBps, mt.Days, mt.AdvanceFen)
}

func serverSide(s wire.Match) string {
	return fmt.Sprintf("listing %s receivable %s offer %s lender %s %d fen at %d bps for %d days, advance %d",
		s.ListingID, s.ReceivableID, s.OfferID, s.LenderID, s.Amount, s.RateBps, s.Days, s.Advance)
}

// pinpoint names the first entry of r.Bad's range whose leaf is not the one the
// committed head was built over, when the server can prove the anchored log (its own
// log is intact, the copy the audit read is not). It bisects the range with
// consistency proofs — does the committed tree extend the tree of the first m
// entries the audit read? — about 17 of them for 100,000 entries, and proves the
// entry it lands on with an inclusion proof of the server's leaf under the
// committed root, which the entry the audit read does not match.
func (rep *Report) pinpoint(ctx context.Context, srv Server, r *Replay) {
	b := r.Bad
	// The first b.From-1 entries are those of a head that checked (or none).
	lo, hi := b.From, b.Size
	for lo < hi {
		mid := lo + (hi-lo)/2
		same, err := extends(ctx, srv, r, b, mid)
		if err != nil {
			return // the server cannot prove the anchored log
		}
		if same {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	seq := lo
	p, err := srv.LogInclusion(ctx, seq, b.Size)
	if err != nil {
		return
	}
	anchored := translog.Hash(common.HexToHash(p.Leaf))
	if translog.CheckInclusion(hashes(p.Proof), b.Size, translog.Hash(b.Root), seq, anchored) != nil {
		return // the server cannot prove the anchored log either
	}
	got, err := r.Log.Leaf(seq) // the leaf of the entry the audit read
	if err != nil || got == anchored {
		return
	}
	rep.problem(seq, fmt.Sprintf("this entry is not the one anchored: its leaf is %s, the anchored log has %s (an entry changed, dropped or moved here)",
		common.Hash(got).Hex(), p.Leaf))
}

// extends says whether the tree committed in b extends the tree of the first m
// entries the audit read (m < b.Size), by the server's consistency proof; an error
// if the server gives none.
func extends(ctx context.Context, srv Server, r *Replay, b *BadRange, m uint64) (bool, error) {
	if m > r.Log.Size() {
		return false, nil // the audit read fewer: the committed tree has more
	}
	ours, err := r.Log.Root(m)
	if err != nil {
		return false, err
	}
	p, err := srv.LogConsistency(ctx, m, b.Size)
	if err != nil {
		return false, err
	}
	return translog.CheckConsistency(hashes(p.Proof), b.Size, translog.Hash(b.Root), m, ours) == nil, nil
}

func hashes(hex []string) []translog.Hash {
	out := make([]translog.Hash, len(hex))
	for k, h := range hex {
		out[k] = translog.Hash(common.HexToHash(h))
	}
	return out
}
