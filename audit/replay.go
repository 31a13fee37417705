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
	Heads     int              // committed heads checked
	Anchorers []common.Address // every anchorer account the ledger named, in order
	Problems  []Discrepancy
	// Bad is the first committed head whose root the entries do not give: the
	// entries in From..Size differ from those the head was committed over.
	Bad *BadRange
}

// BadRange is where a log stops matching a committed head.
type BadRange struct {
	From, Size uint64
	Root       common.Hash // the committed root of the first Size entries
}

// pendingHead is a head a cut committed, waiting for the replay to reach its size.
type pendingHead struct {
	cutSeq uint64
	head   matcher.CutHead
}

// ReplayEntries applies entries (which must start at seq 1) to a new matcher as a
// node does, building the log as it goes, and checks at each committed head's size
// that the log's root and the state hash are the head's. Entries out of order, with
// a gap, or going back in time are discrepancies at their seq, and the replay stops
// there: nothing after them can be placed.
func ReplayEntries(entries []journal.Entry) *Replay {
	r := &Replay{M: matcher.New(matcher.DefaultConfig()), Log: translog.New()}
	r.Log.Grow(uint64(len(entries)))
	want := r.committedHeads(entries)
	lastGood := uint64(0) // the size of the last head that checked
	var lastTime int64
	var ledger *matcher.LedgerConfig
	for i, e := range entries {
		seq := uint64(i + 1)
		if e.Seq != seq {
			r.problem(seq, fmt.Sprintf("the log has entry %d where entry %d is due (an entry dropped, added or moved)", e.Seq, seq))
			return r
		}
		if e.TimeMs < lastTime {
			r.problem(seq, fmt.Sprintf("time %d ms goes back from %d ms (entries reordered)", e.TimeMs, lastTime))
			return r
		}
		lastTime = e.TimeMs
		node.Replay(r.M, e)
		if err := r.Log.Append(translog.LeafHash(e.Seq, e.TimeMs, e.Data)); err != nil {
			panic("audit: appending to a tree in memory: " + err.Error())
		}
		if l := r.M.Ledger(); l != nil && (ledger == nil || l.Anchorer != ledger.Anchorer) {
			ledger = l
			r.Anchorers = append(r.Anchorers, l.Anchorer)
		}
		if hs := want[seq]; len(hs) > 0 {
			if !r.checkHeads(seq, hs, lastGood) {
				return r // every later head rests on the entries that failed
			}
			lastGood = seq
		}
	}
	for size, hs := range want {
		if size > uint64(len(entries)) {
			for _, h := range hs {
				r.problem(h.cutSeq, fmt.Sprintf("the cut commits a head of size %d, past the log's end %d", size, len(entries)))
			}
		}
	}
	return r
}

// cutKind is how a cut_batch command's kind starts its binary encoding (matcher's
// codec: the magic byte, then the kind as a length-prefixed string), and
// cutKindWithin how far into an entry (past its envelope) it can lie.
var cutKind = []byte("\xb1\x09" + string(matcher.KindCutBatch))

const cutKindWithin = 96

// committedHeads finds the heads the log's cuts commit, by the size they are at.
func (r *Replay) committedHeads(entries []journal.Entry) map[uint64][]pendingHead {
	want := map[uint64][]pendingHead{}
	for _, e := range entries {
		// Only cuts carry heads: skip decoding the rest (the replay decodes every
		// entry once more), by the kind's encoding near the start of the entry.
		if !bytes.Contains(e.Data[:min(len(e.Data), cutKindWithin)], cutKind) {
			continue
		}
		cmd, err := node.EntryCommand(e.Data)
		if err != nil {
			continue // a refused entry: the replay takes it as such
		}
		if cb, ok := cmd.Payload.(*matcher.CutBatch); ok && cb.Head != nil {
			want[cb.Head.Size] = append(want[cb.Head.Size], pendingHead{cutSeq: e.Seq, head: *cb.Head})
		}
	}
	return want
}

// checkHeads compares the heads committed at size with the log and the state there.
func (r *Replay) checkHeads(size uint64, hs []pendingHead, lastGood uint64) bool {
	root := common.Hash(r.Log.Head().Root)
	state := common.Hash(r.M.StateHash())
	ok := true
	for _, h := range hs {
		r.Heads++
		switch {
		case common.HexToHash(h.head.Root) != root:
			r.Bad = &BadRange{From: lastGood + 1, Size: size, Root: common.HexToHash(h.head.Root)}
			r.problem(lastGood+1, fmt.Sprintf("the head committed at seq %d says the log of %d entries has root %s; these entries give %s: an entry in %d..%d was changed, dropped or moved",
				h.cutSeq, size, h.head.Root, root.Hex(), lastGood+1, size))
			ok = false
		case common.HexToHash(h.head.StateHash) != state:
			r.problem(lastGood+1, fmt.Sprintf("the head committed at seq %d says the state after entry %d hashes to %s; replaying gives %s: the matcher did not do what these entries say, in %d..%d",
				h.cutSeq, size, h.head.StateHash, state.Hex(), lastGood+1, size))
			ok = false
		}
	}
	return ok
}

func (r *Replay) problem(seq uint64, what string) {
	r.Problems = append(r.Problems, Discrepancy{Seq: seq, What: what})
}
