// SPDX-License-Identifier: Apache-2.0

package node

import (
	"context"
	"errors"
	"fmt"

	"github.com/scfx/scfx/journal"
	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/translog"
)

// logCheckTail is how many of the newest leaves Open checks against the journal: a
// file cut or scribbled by a crash is wrong at its end, and checking every leaf would
// read the whole journal at each start.
const logCheckTail = 1024

// ErrNoLog: this node keeps no transparency log (it could not be rebuilt: the journal
// was trimmed below what the log file held).
var ErrNoLog = errors.New("node: no transparency log")

// openLog opens the transparency log of cfg and brings it to upTo, the seq the
// restored state is at: it drops leaves the journal no longer has, checks the newest
// leaves against the journal (rebuilding from the first that differs) and appends the
// leaves of the entries the snapshot covers. nil, nil: the journal no longer holds
// the entries the log lacks, so this node serves no log.
func openLog(ctx context.Context, cfg Config, upTo uint64) (*translog.Log, error) {
	lg, err := translog.Open(cfg.LogFile)
	if err != nil {
		return nil, err
	}
	ok, err := reconcileLog(ctx, cfg, lg, upTo)
	if err != nil || !ok {
		lg.Close()
		if err == nil {
			cfg.Logger.Warn("transparency log disabled: the journal no longer holds the entries it lacks", "log_size", lg.Size())
		}
		return nil, err
	}
	return lg, nil
}

func reconcileLog(ctx context.Context, cfg Config, lg *translog.Log, upTo uint64) (bool, error) {
	j := cfg.Journal
	if err := lg.Truncate(min(j.LastSeq(), upTo)); err != nil {
		return false, err
	}
	from := uint64(1)
	if lg.Size() > logCheckTail {
		from = lg.Size() - logCheckTail + 1
	}
	bad, ok, err := firstBadLeaf(ctx, cfg, lg, from)
	if err != nil || !ok {
		return ok, err
	}
	if bad != 0 {
		cfg.Logger.Warn("transparency log differs from the journal: rebuilding", "from_seq", bad)
		if err := lg.Truncate(bad - 1); err != nil {
			return false, err
		}
	}
	return extendLog(ctx, cfg, lg, upTo)
}

// firstBadLeaf is the first seq from `from` whose stored leaf is not the journal's
// entry (0: none).
func firstBadLeaf(ctx context.Context, cfg Config, lg *translog.Log, from uint64) (uint64, bool, error) {
	for seq := from; seq <= lg.Size(); {
		es, ok, err := readExact(ctx, cfg, seq)
		if err != nil || !ok {
			return 0, ok, err
		}
		for _, e := range es {
			if e.Seq > lg.Size() {
				return 0, true, nil
			}
			stored, _ := lg.Leaf(e.Seq)
			if stored != translog.LeafHash(e.Seq, e.TimeMs, e.Data) {
				return e.Seq, true, nil
			}
			seq = e.Seq + 1
		}
	}
	return 0, true, nil
}

// extendLog appends the leaves of the journal's entries after the log up to upTo.
func extendLog(ctx context.Context, cfg Config, lg *translog.Log, upTo uint64) (bool, error) {
	for lg.Size() < upTo {
		es, ok, err := readExact(ctx, cfg, lg.Size()+1)
		if err != nil || !ok {
			return ok, err
		}
		var leaves []translog.Hash
		for _, e := range es {
			if e.Seq > upTo {
				break
			}
			leaves = append(leaves, translog.LeafHash(e.Seq, e.TimeMs, e.Data))
		}
		if err := lg.Append(leaves...); err != nil {
			return false, err
		}
	}
	return true, nil
}

// readExact reads entries from seq; ok is false when the journal starts after seq
// (trimmed).
func readExact(ctx context.Context, cfg Config, seq uint64) ([]journal.Entry, bool, error) {
	es, err := cfg.Journal.Read(ctx, seq, cfg.ApplyBatch)
	if err != nil {
		if cfg.Journal.LastSeq() >= seq {
			// A store that trimmed seq says so with an error; any other failure is one.
			cfg.Logger.Warn("transparency log: journal read failed", "seq", seq, "err", err)
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("node: transparency log from seq %d: %w", seq, err)
	}
	if len(es) == 0 || es[0].Seq != seq {
		return nil, false, nil
	}
	return es, true, nil
}

// appendLeaves adds the applied entries' leaves to the log; the caller holds n.mu.
// A failed write stops the log for good (logged): its file would no longer follow
// the journal, and the next start rebuilds it.
func (n *Node) appendLeaves(leaves []translog.Hash) {
	if n.lg == nil || len(leaves) == 0 {
		return
	}
	if err := n.lg.Append(leaves...); err != nil {
		n.log.Error("transparency log: append failed; serving no log until restart", "err", err)
		n.lg.Close()
		n.lg = nil
	}
}

// LogHead is the transparency log's head with the matcher's state hash at the same
// size, read together under the read lock. matcher.StateHash folds what changed since
// its last read (docs/matching.md §6): it holds up the applier that long, not for a
// full encoding of the state.
func (n *Node) LogHead() (translog.Head, [32]byte, error) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	if n.lg == nil {
		return translog.Head{}, [32]byte{}, ErrNoLog
	}
	return n.lg.Head(), n.m.StateHash(), nil
}

// Log runs fn with the transparency log under the read lock, whose size is the
// applied seq; ErrNoLog if this node keeps none.
func (n *Node) Log(fn func(lg *translog.Log) error) error {
	n.mu.RLock()
	defer n.mu.RUnlock()
	if n.lg == nil {
		return ErrNoLog
	}
	return fn(n.lg)
}

// closeLog syncs and closes the log's file at shutdown (the applier has stopped).
func (n *Node) closeLog() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.lg == nil {
		return
	}
	if err := n.lg.Sync(); err != nil {
		n.log.Warn("transparency log: sync", "err", err)
	}
	n.lg.Close()
	n.lg = nil
}

// Replay applies entry e to m as every node does, answering nobody: the path an
// auditor's replay takes (scfx audit), the same as this node's applier.
func Replay(m *matcher.Matcher, e journal.Entry) matcher.Result {
	_, _, res := applyEntry(m, e, "")
	return res
}

// EntryCommand is the command inside a journal entry's envelope.
func EntryCommand(data []byte) (matcher.Command, error) {
	_, _, body, err := decodeEnvelope(data)
	if err != nil {
		return matcher.Command{}, err
	}
	return matcher.DecodeCommand(body)
}

// EncodeEntry is the bytes a node appends for cmd (its envelope with an origin of
// origin and a ticket): for tools that write a journal without a node (benchmarks).
func EncodeEntry(origin string, ticket uint64, cmd matcher.Command) ([]byte, error) {
	body, err := matcher.EncodeCommand(cmd)
	if err != nil {
		return nil, err
	}
	return encodeEnvelope(origin, ticket, body), nil
}
