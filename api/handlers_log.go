// SPDX-License-Identifier: Apache-2.0

package api

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/ethereum/go-ethereum/common"
	"github.com/gin-gonic/gin"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/journal"
	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/node"
	"github.com/scfx/scfx/translog"
)

// Limits of the log endpoints: a page of entries is bounded by count and by bytes
// (an entry may hold up to the journal's 4 MiB record), and a head listing by count.
const (
	logEntriesMax      = 1000
	logEntriesBytesMax = 4 << 20
	logHeadsMax        = 1000
)

// The transparency log (docs/audit.md) is for the operator and auditors.
var logRoles = []string{roleOperator, string(matcher.RoleAuditor)}

func hashHex(h translog.Hash) string { return common.Hash(h).Hex() }

func hashesHex(hs []translog.Hash) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = hashHex(h)
	}
	return out
}

// seqParam reads a positive integer query parameter; def when absent (0: required).
func seqParam(c *gin.Context, name string, def uint64) (uint64, bool) {
	v := c.Query(name)
	if v == "" {
		if def == 0 {
			fail(c, fieldError(name, "is required"))
			return 0, false
		}
		return def, true
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || n == 0 {
		fail(c, fieldError(name, "must be a positive integer"))
		return 0, false
	}
	return n, true
}

// withLog runs fn on the node's log, answering 503 when the node keeps none.
func (s *Server) withLog(c *gin.Context, fn func(lg *translog.Log) (any, *matcher.Error)) {
	var body any
	var e *matcher.Error
	err := s.n.Log(func(lg *translog.Log) error {
		body, e = fn(lg)
		return nil
	})
	if errors.Is(err, node.ErrNoLog) {
		fail(c, errf(matcher.CodeUnavailable, "this node keeps no transparency log (docs/audit.md)"))
		return
	}
	if e != nil {
		fail(c, e)
		return
	}
	c.JSON(http.StatusOK, body)
}

func outOfLog(name string, v, size uint64) *matcher.Error {
	return fieldError(name, "must be at most the log's size "+strconv.FormatUint(size, 10)+", got "+strconv.FormatUint(v, 10))
}

// logHead: GET /v1/log/head — the tree as it stands and the heads anchored on chain.
func (s *Server) logHead(c *gin.Context) {
	if !requireRole(c, logRoles...) {
		return
	}
	from, ok := seqParam(c, "from_size", 1)
	if !ok {
		return
	}
	var anchored []matcher.Batch
	s.n.View(func(m *matcher.Matcher) { anchored = m.AnchoredHeads(from, logHeadsMax) })
	s.withLog(c, func(lg *translog.Log) (any, *matcher.Error) {
		h := lg.Head()
		v := wire.LogHead{Size: h.Size, Root: hashHex(h.Root), Anchored: make([]wire.AnchoredHead, 0, len(anchored))}
		for _, b := range anchored {
			v.Anchored = append(v.Anchored, wire.AnchoredHead{
				Size: b.Head.Size, Root: b.Head.Root.Hex(), StateHash: b.Head.StateHash.Hex(),
				BatchRoot: b.Root.Hex(), FirstLeaf: b.First, Count: b.Count, TxHash: b.TxHash.Hex(), BlockNumber: b.Block,
			})
		}
		return v, nil
	})
}

// logEntries: GET /v1/log/entries?from=&to= — the journal's entries with their seq,
// time and bytes, as the log's leaves hash them.
func (s *Server) logEntries(c *gin.Context) {
	if !requireRole(c, logRoles...) {
		return
	}
	from, ok := seqParam(c, "from", 1)
	if !ok {
		return
	}
	to, ok := seqParam(c, "to", from+logEntriesMax-1)
	if !ok {
		return
	}
	if to < from {
		fail(c, fieldError("to", "must be at least from"))
		return
	}
	size := uint64(0)
	_ = s.n.Log(func(lg *translog.Log) error { size = lg.Size(); return nil })
	if from > size {
		fail(c, outOfLog("from", from, size))
		return
	}
	to = min(to, size, from+logEntriesMax-1)
	page := wire.LogEntries{Entries: []wire.LogEntry{}}
	bytes := 0
	for seq := from; seq <= to && bytes < logEntriesBytesMax; {
		es, err := s.n.Journal().Read(c.Request.Context(), seq, int(to-seq+1))
		if err != nil || len(es) == 0 || es[0].Seq != seq {
			fail(c, errf(matcher.CodeUnavailable, "the journal no longer holds entry "+strconv.FormatUint(seq, 10)))
			return
		}
		for _, e := range es {
			if e.Seq > to || bytes >= logEntriesBytesMax {
				break
			}
			page.Entries = append(page.Entries, entryView(e))
			bytes += len(e.Data)
			seq = e.Seq + 1
		}
	}
	if next := from + uint64(len(page.Entries)); next <= size {
		page.Next = &next
	}
	c.JSON(http.StatusOK, page)
}

func entryView(e journal.Entry) wire.LogEntry {
	return wire.LogEntry{Seq: e.Seq, TimeMs: e.TimeMs, Data: e.Data}
}

// logInclusion: GET /v1/log/inclusion?seq=&size= — entry seq's leaf is in the tree
// of size entries (default: the whole log).
func (s *Server) logInclusion(c *gin.Context) {
	if !requireRole(c, logRoles...) {
		return
	}
	seq, ok := seqParam(c, "seq", 0)
	if !ok {
		return
	}
	s.withLog(c, func(lg *translog.Log) (any, *matcher.Error) {
		size := lg.Size()
		if c.Query("size") != "" {
			n, err := strconv.ParseUint(c.Query("size"), 10, 64)
			if err != nil || n == 0 {
				return nil, fieldError("size", "must be a positive integer")
			}
			if n > size {
				return nil, outOfLog("size", n, size)
			}
			size = n
		}
		if seq > size {
			return nil, fieldError("seq", "must be at most size "+strconv.FormatUint(size, 10))
		}
		root, _ := lg.Root(size)
		leaf, _ := lg.Leaf(seq)
		proof, err := lg.ProveInclusion(seq, size)
		if err != nil {
			panic("api: inclusion proof within the log: " + err.Error()) // the range is checked above
		}
		return wire.LogInclusion{Seq: seq, Size: size, Root: hashHex(root), Leaf: hashHex(leaf), Proof: hashesHex(proof)}, nil
	})
}

// logConsistency: GET /v1/log/consistency?old=&new= — the tree of old entries is a
// prefix of the tree of new entries (default: the whole log).
func (s *Server) logConsistency(c *gin.Context) {
	if !requireRole(c, logRoles...) {
		return
	}
	old, ok := seqParam(c, "old", 0)
	if !ok {
		return
	}
	s.withLog(c, func(lg *translog.Log) (any, *matcher.Error) {
		size := lg.Size()
		if c.Query("new") != "" {
			n, err := strconv.ParseUint(c.Query("new"), 10, 64)
			if err != nil || n == 0 {
				return nil, fieldError("new", "must be a positive integer")
			}
			if n > size {
				return nil, outOfLog("new", n, size)
			}
			size = n
		}
		if old > size {
			return nil, fieldError("old", "must be at most new "+strconv.FormatUint(size, 10))
		}
		oldRoot, _ := lg.Root(old)
		root, _ := lg.Root(size)
		proof, err := lg.ProveConsistency(old, size)
		if err != nil {
			panic("api: consistency proof within the log: " + err.Error()) // the range is checked above
		}
		return wire.LogConsistency{Old: old, New: size, OldRoot: hashHex(oldRoot), NewRoot: hashHex(root), Proof: hashesHex(proof)}, nil
	})
}
