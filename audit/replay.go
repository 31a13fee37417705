// SPDX-License-Identifier: Apache-2.0

// Package audit is what `scfx audit` checks (docs/audit.md): it replays a
// market's journal through the matcher from empty, recomputes the transparency log,
// checks every log head the anchorer committed against both and against the chain,
// checks that the log was only appended between heads, and compares the matches it
// re-derived with the server's.
package audit

import (
	"bytes"
	"fmt"

	"github.com/ethereum/go-ethereum/common"

	"github.com/scfx/scfx/journal"
	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/node"
	"github.com/scfx/scfx/translog"
)

// Discrepancy is something the log, the chain or the server says that the replay
// proves wrong; Seq names the entry (or the first entry of the range) it is about.
type Discrepancy struct {
	Seq  uint64
	What string
}

func (d Discrepancy) String() string {
	if d.Seq == 0 {
		return d.What
	}
	return fmt.Sprintf("seq %d: %s", d.Seq, d.What)
}

// Replay is a journal applied to a matcher from empty, with its transparency log.
type Replay struct {
	M         *matcher.Matcher
	Log       *translog.Log
	Entries   uint64           // entries read (and applied, unless a problem stopped the replay)
	Heads     int              // committed heads checked
	Anchorers []common.Address // every anchorer account the ledger named, in order
	Passes    int              // 1, or more when a signature was refused (see ReplayLog)
	// Unhashed are the sizes of committed heads whose root was checked but not their
	// state hash: sizes not in Options.CheckAt.
	Unhashed []uint64
	Problems []Discrepancy
	// Bad is the first committed head whose root the entries do not give: the
	// entries in From..Size differ from those the head was committed over.
	Bad *BadRange
}

// BadRange is where a log stops matching a committed head.
type BadRange struct {
	From, Size uint64
	Root       common.Hash // the committed root of the first Size entries
}

// Source reads a log's entries from seq 1 in order, handing each to yield until
// yield returns false or the log ends; its error is what kept it from reading on.
// The replay may read a source twice.
type Source func(yield func(journal.Entry) bool) error

// Options is how a replay runs.
type Options struct {
	// CheckAt are the sizes of the log heads whose state hash the replay checks:
	// the state is hashed after each of those entries (and only there: hashing the
	// state costs as much as thousands of entries). A cut that commits a head at
	// another size has its root checked and its size put in Replay.Unhashed.
	// ReplayEntries passes every size its entries' cuts commit; Run, every head the
	// server lists as anchored.
	CheckAt []uint64
	// Workers is how many goroutines recover signatures beside the replay; 0: none,
	// every signature is recovered in line as a node does.
	Workers int
	// Grow is how many entries to make room for in the log's tree (a hint).
	Grow uint64
}

// ReplayEntries applies entries (which must start at seq 1) to a new matcher as a
// node does, building the log as it goes, and checks every head the entries' cuts
// commit: the log's root and the state hash at the head's size. Entries out of
// order, with a gap, or going back in time are discrepancies at their seq, and the
// replay stops there: nothing after them can be placed.
func ReplayEntries(entries []journal.Entry, workers int) *Replay {
	src := func(yield func(journal.Entry) bool) error {
		for _, e := range entries {
			if !yield(e) {
				return nil
			}
		}
		return nil
	}
	r, err := ReplayLog(src, Options{CheckAt: committedSizes(entries), Workers: workers, Grow: uint64(len(entries))})
	if err != nil {
		panic("audit: a slice of entries cannot fail to read: " + err.Error())
	}
	return r
}

// maxPasses bounds the replays of one log: after a pass whose signature check
// failed, the next checks that signature in line and trusts the ones before it;
// the last pass checks every later signature in line.
const maxPasses = 4

// ReplayLog replays the log src reads, as ReplayEntries does, holding one entry
// at a time. With workers, signatures are recovered on them while the replay goes
// on assuming each is good; if one is not, the replay is thrown away and src read
// again (see replayPass): the result is always that of a replay that recovers every
// signature in line, in order, as a node does.
func ReplayLog(src Source, o Options) (*Replay, error) {
	checkAt := make(map[uint64]bool, len(o.CheckAt))
	for _, s := range o.CheckAt {
		checkAt[s] = true
	}
	var prev *Replay
	var trustBelow uint64
	for pass := 1; ; pass++ {
		workers := o.Workers
		if pass == maxPasses {
			workers = 0
		}
		p := newPass(checkAt, o.Grow, workers, trustBelow, prev)
		p.r.Passes = pass
		err := src(p.add)
		bad := p.finish()
		if err != nil {
			return nil, err
		}
		if bad == 0 || workers == 0 {
			return p.r, nil
		}
		// Entries before bad were checked as a node checks them (every signature
		// among them recovered to its signer): the next pass trusts those, checks
		// entry bad's in line, and reads on.
		prev, trustBelow = p.r, bad
	}
}

// pass is one replay of a log.
type pass struct {
	r        *Replay
	checkAt  map[uint64]bool
	states   map[uint64]common.Hash // the state hash at each size of checkAt reached
	lastGood uint64                 // the largest size whose heads checked
	lastTime int64
	ledger   *matcher.LedgerConfig
	stopped  bool
	seq      uint64 // the entry being applied
	sigs     *sigPool
	// trustBelow: every signature of an entry before it was recovered to its signer
	// by an earlier pass over the same entries (prev's leaves are what they were).
	trustBelow uint64
	prev       *translog.Log
}

func newPass(checkAt map[uint64]bool, grow uint64, workers int, trustBelow uint64, prev *Replay) *pass {
	p := &pass{
		r:       &Replay{M: matcher.New(matcher.DefaultConfig()), Log: translog.New()},
		checkAt: checkAt, states: map[uint64]common.Hash{}, trustBelow: trustBelow,
	}
	if prev != nil {
		p.prev = prev.Log
	}
	p.r.Log.Grow(grow)
	if workers > 0 {
		p.sigs = newSigPool(workers)
	}
	p.r.M.SetSignatureCheck(p.checkSignature)
	return p
}

// checkSignature is the matcher's signature check in a pass.
func (p *pass) checkSignature(digest common.Hash, sig []byte, want common.Address) bool {
	switch {
	case p.seq < p.trustBelow:
		return true
	case p.sigs == nil || p.seq == p.trustBelow:
		return matcher.RecoverCheck(digest, sig, want)
	default:
		return p.sigs.assume(p.seq, digest, sig, want)
	}
}

// add applies the next entry; false: the replay stopped (a problem nothing after
// can be checked past).
func (p *pass) add(e journal.Entry) bool {
	if p.stopped {
		return false
	}
	r := p.r
	seq := r.Entries + 1
	if e.Seq != seq {
		r.problem(seq, fmt.Sprintf("the log has entry %d where entry %d is due (an entry dropped, added or moved)", e.Seq, seq))
		return p.stop()
	}
	if e.TimeMs < p.lastTime {
		r.problem(seq, fmt.Sprintf("time %d ms goes back from %d ms (entries reordered)", e.TimeMs, p.lastTime))
		return p.stop()
	}
	leaf := translog.LeafHash(e.Seq, e.TimeMs, e.Data)
	if p.prev != nil && seq <= p.prev.Size() {
		if before, err := p.prev.Leaf(seq); err != nil || before != leaf {
			r.problem(seq, "the log served this entry differently when read again")
			return p.stop()
		}
	}
	r.Entries = seq
	p.lastTime = e.TimeMs
	p.seq = seq
	node.Replay(r.M, e)
	if err := r.Log.Append(leaf); err != nil {
		panic("audit: appending to a tree in memory: " + err.Error())
	}
	// Only set_ledger sets the ledger: the others are not asked (Ledger copies it).
	if hasKind(e.Data, setLedgerKind) {
		if l := r.M.Ledger(); l != nil && (p.ledger == nil || l.Anchorer != p.ledger.Anchorer) {
			p.ledger = l
			r.Anchorers = append(r.Anchorers, l.Anchorer)
		}
	}
	if p.checkAt[seq] {
		p.states[seq] = common.Hash(r.M.StateHash())
	}
	// A cut's head is checked whether or not the matcher took the cut: the head is
	// the anchorer's commitment, in the log either way (a tampered entry before it
	// can get it refused).
	if hasKind(e.Data, cutKind) {
		if cmd, err := node.EntryCommand(e.Data); err == nil {
			if cb, ok := cmd.Payload.(*matcher.CutBatch); ok && cb.Head != nil && !p.checkHead(seq, cb.Head) {
				return p.stop() // every later head rests on the entries that failed
			}
		}
	}
	return true
}

func (p *pass) stop() bool {
	p.stopped = true
	return false
}

// finish waits for the signatures still being recovered: the seq of the first
// entry whose signature the pass assumed good and was not, or 0.
func (p *pass) finish() uint64 {
	if p.sigs == nil {
		return 0
	}
	return p.sigs.close()
}

// cutKind and setLedgerKind are how a cut_batch and a set_ledger command start their
// binary encoding (matcher's codec: the magic byte, then the kind as a
// length-prefixed string), and kindWithin how far into an entry (past its envelope)
// it can lie.
var (
	cutKind       = []byte("\xb1\x09" + string(matcher.KindCutBatch))
	setLedgerKind = []byte("\xb1\x0a" + string(matcher.KindSetLedger))
)

const kindWithin = 96

// hasKind: the entry may be a command of that kind (its encoding near the start).
func hasKind(data, kind []byte) bool {
	return bytes.Contains(data[:min(len(data), kindWithin)], kind)
}

// committedSizes is the size of every head the entries' cuts commit.
func committedSizes(entries []journal.Entry) []uint64 {
	var sizes []uint64
	for _, e := range entries {
		// Only cuts carry heads: skip decoding the rest by the kind's encoding
		// near the start of the entry.
		if !hasKind(e.Data, cutKind) {
			continue
		}
		if cmd, err := node.EntryCommand(e.Data); err == nil {
			if cb, ok := cmd.Payload.(*matcher.CutBatch); ok && cb.Head != nil {
				sizes = append(sizes, cb.Head.Size)
			}
		}
	}
	return sizes
}

// checkHead compares the head the cut at seq commits with the log and the state at
// the head's size.
func (p *pass) checkHead(seq uint64, h *matcher.CutHead) bool {
	r := p.r
	r.Heads++
	from := p.lastGood + 1
	if h.Size < p.lastGood {
		from = 1 // a head older than one checked: not expected, not wrong
	}
	if h.Size >= seq {
		// The anchorer reads the head before it cuts: the cut has moved up, or
		// the head's size is not the log's.
		r.Bad = &BadRange{From: from, Size: h.Size, Root: common.HexToHash(h.Root)}
		r.problem(from, fmt.Sprintf("the cut at seq %d commits a head of %d entries, not before itself: an entry in %d..%d was dropped or moved",
			seq, h.Size, from, seq))
		return false
	}
	root, err := r.Log.Root(h.Size)
	if err != nil {
		panic("audit: the root of a prefix of a tree in memory: " + err.Error())
	}
	if common.HexToHash(h.Root) != common.Hash(root) {
		r.Bad = &BadRange{From: from, Size: h.Size, Root: common.HexToHash(h.Root)}
		r.problem(from, fmt.Sprintf("the head committed at seq %d says the log of %d entries has root %s; these entries give %s: an entry in %d..%d was changed, dropped or moved",
			seq, h.Size, h.Root, common.Hash(root).Hex(), from, h.Size))
		return false
	}
	p.lastGood = max(p.lastGood, h.Size)
	state, ok := p.states[h.Size]
	if !ok {
		// Not a size the replay was told to hash the state at: Run tells it the
		// heads the server lists as anchored, and checks that every head anchored
		// in the replayed log is one (a cut not anchored yet is not listed).
		r.Unhashed = append(r.Unhashed, h.Size)
		return true
	}
	if common.HexToHash(h.StateHash) != state {
		r.problem(from, fmt.Sprintf("the head committed at seq %d says the state after entry %d hashes to %s; replaying gives %s: the matcher did not do what these entries say, in %d..%d",
			seq, h.Size, h.StateHash, state.Hex(), from, h.Size))
		return false
	}
	return true
}

func (r *Replay) problem(seq uint64, what string) {
	r.Problems = append(r.Problems, Discrepancy{Seq: seq, What: what})
}
