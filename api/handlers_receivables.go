// SPDX-License-Identifier: Apache-2.0

package api

import (
	"encoding/hex"
	"net/http"
	"strconv"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/gin-gonic/gin"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/eip712"
	"github.com/scfx/scfx/ledger"
	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/merkle"
)

func hexLower(b []byte) string { return hex.EncodeToString(b) }

func (s *Server) submitReceivable(c *gin.Context) {
	if !requireRole(c, string(matcher.RoleSME)) {
		return
	}
	var in matcher.SubmitReceivable
	req, ok := s.decode(c, &in)
	if !ok {
		return
	}
	s.submitReceivableCmd(c, req, matcher.Command{Payload: &in}, http.StatusCreated)
}

// getReceivable writes the receivable straight from the state under the read lock
// (appendReceivableOf: the bytes c.JSON would write for viewReceivable).
func (s *Server) getReceivable(c *gin.Context) {
	var e *matcher.Error
	bp := renderBufs.Get().(*[]byte)
	b := (*bp)[:0]
	s.n.View(func(m *matcher.Matcher) {
		var r *matcher.Receivable
		if r, e = m.Receivable(actorOf(c), c.Param("id")); e == nil {
			b = appendReceivableOf(b, r, m.ScoreOf(r), m.Anchors(r))
		}
	})
	if e != nil {
		renderBufs.Put(bp)
		fail(c, e)
		return
	}
	writeRendered(c, http.StatusOK, bp, b)
}

var statuses = map[string]bool{}

func init() {
	for _, st := range []matcher.Status{matcher.StatusPending, matcher.StatusConfirmed, matcher.StatusFinanceable,
		matcher.StatusListed, matcher.StatusMatched, matcher.StatusFunded, matcher.StatusSettled, matcher.StatusOverdue,
		matcher.StatusDuplicate, matcher.StatusTransferred, matcher.StatusRejected, matcher.StatusCredited} {
		statuses[string(st)] = true
	}
}

func (s *Server) listReceivables(c *gin.Context) {
	cursor, limit, ok := listParams(c)
	if !ok {
		return
	}
	status := c.Query("status")
	if status != "" && !statuses[status] {
		fail(c, fieldError("status", "is not a receivable status"))
		return
	}
	s.view(c, func(m *matcher.Matcher) (any, *matcher.Error) {
		p := m.Receivables(actorOf(c), matcher.Status(status), cursor, limit)
		return viewPage(p, func(r *matcher.Receivable) ReceivableView { return viewReceivable(m, r) }), nil
	})
}

func domainOf(m *matcher.Matcher) (eip712.Domain, *matcher.Error) {
	l := m.Ledger()
	if l == nil {
		return eip712.Domain{}, errf(matcher.CodeUnavailable, "the ledger is not configured yet")
	}
	return eip712.Domain{ChainID: l.ChainID, VerifyingContract: l.Registry}, nil
}

func (s *Server) confirmationTypedData(c *gin.Context) {
	s.view(c, func(m *matcher.Matcher) (any, *matcher.Error) {
		r, e := m.Receivable(actorOf(c), c.Param("id"))
		if e != nil {
			return nil, e
		}
		d, e := domainOf(m)
		if e != nil {
			return nil, e
		}
		return eip712.ToJSON(eip712.ConfirmationTypedData(d, m.ConfirmationOf(r))), nil
	})
}

type confirmRequest struct {
	Signature string `json:"signature"`
}

func (s *Server) confirm(c *gin.Context) {
	if !s.visibleTo(c, findReceivable) || !requireRole(c, string(matcher.RoleCore)) {
		return
	}
	var in confirmRequest
	req, ok := s.decode(c, &in)
	if !ok {
		return
	}
	cmd := matcher.Command{Payload: &matcher.Confirm{ReceivableID: c.Param("id"), Signature: in.Signature}}
	s.submitReceivableCmd(c, req, cmd, http.StatusOK)
}

type transferRequest struct {
	ToID      string `json:"to_id"`
	Amount    int64  `json:"amount"`
	Salt      string `json:"salt"`
	Signature string `json:"signature"`
}

func (s *Server) transfer(c *gin.Context) {
	if !s.visibleTo(c, findReceivable) || !requireRole(c, string(matcher.RoleSME)) {
		return
	}
	var in transferRequest
	req, ok := s.decode(c, &in)
	if !ok {
		return
	}
	cmd := matcher.Command{Payload: &matcher.Transfer{
		ReceivableID: c.Param("id"), ToID: in.ToID, Amount: in.Amount, Salt: in.Salt, Signature: in.Signature,
	}}
	s.submitReceivableCmd(c, req, cmd, http.StatusCreated)
}

// amountAndSalt reads the amount and salt query parameters of the typed-data reads
// (a transfer's, a credit note's); it answers the problem itself when one is bad.
func amountAndSalt(c *gin.Context) (amount int64, salt common.Hash, ok bool) {
	amount, err := strconv.ParseInt(c.Query("amount"), 10, 64)
	if err != nil || amount <= 0 {
		fail(c, fieldError("amount", "must be a positive integer number of fen"))
		return 0, salt, false
	}
	sb, err := hexutil.Decode(c.Query("salt"))
	if err != nil || len(sb) != 32 {
		fail(c, fieldError("salt", "must be 0x and 32 bytes of hex"))
		return 0, salt, false
	}
	return amount, common.BytesToHash(sb), true
}

func (s *Server) transferTypedData(c *gin.Context) {
	amount, salt, ok := amountAndSalt(c)
	if !ok {
		return
	}
	s.view(c, func(m *matcher.Matcher) (any, *matcher.Error) {
		r, e := m.Receivable(actorOf(c), c.Param("id"))
		if e != nil {
			return nil, e
		}
		toID := c.Query("to_id")
		to, e := m.Participant(matcher.ActorOperator, toID)
		if e != nil || !canonicalID(toID) || to.Role != matcher.RoleSME {
			return nil, fieldError("to_id", "must be an SME")
		}
		d, e := domainOf(m)
		if e != nil {
			return nil, e
		}
		return eip712.ToJSON(eip712.TransferTypedData(d, m.TransferOf(r, to, amount, salt))), nil
	})
}

type referenceRequest struct {
	Reference string `json:"reference"`
}

func (s *Server) settle(c *gin.Context) {
	if !s.visibleTo(c, findReceivable) || !requireRole(c, string(matcher.RoleCore)) {
		return
	}
	var in referenceRequest
	req, ok := s.decode(c, &in)
	if !ok {
		return
	}
	cmd := matcher.Command{Payload: &matcher.Settle{ReceivableID: c.Param("id"), Reference: in.Reference}}
	s.submitReceivableCmd(c, req, cmd, http.StatusOK)
}

var leafKinds = map[string]byte{
	"":             merkle.KindConfirmation,
	"confirmation": merkle.KindConfirmation,
	"transfer":     merkle.KindTransfer,
	"assignment":   merkle.KindAssignment,
	"credit_note":  merkle.KindCreditNote,
}

func (s *Server) proof(c *gin.Context) {
	kind, ok := leafKinds[c.Query("kind")]
	if !ok {
		fail(c, fieldError("kind", "must be confirmation, transfer, assignment or credit_note"))
		return
	}
	s.view(c, func(m *matcher.Matcher) (any, *matcher.Error) {
		r, e := m.Receivable(actorOf(c), c.Param("id"))
		if e != nil {
			return nil, e
		}
		p, e := m.ProvenLeaf(r.ID, kind)
		if e != nil {
			return nil, e
		}
		return viewProof(p, m.Ledger()), nil
	})
}

// lineage answers the chain of hops from a receivable back to its core-signed
// confirmation (docs/api.md "Lineage"), to those the receivable is visible to.
func (s *Server) lineage(c *gin.Context) {
	s.view(c, func(m *matcher.Matcher) (any, *matcher.Error) {
		hops, e := m.Lineage(actorOf(c), c.Param("id"))
		if e != nil {
			return nil, e
		}
		l := m.Ledger()
		v := lineageView{ReceivableID: c.Param("id"), RegistryRef: m.RegistryRefOf(hops[0].ReceivableID), Hops: make([]wire.LineageHop, len(hops))}
		for i, h := range hops {
			v.Hops[i] = wire.LineageHop{
				Proof: viewProof(h.ProvenLeaf, l), ReceivableID: h.ReceivableID, Tier: h.Tier,
				Amount: h.AmountFen, ParentAmount: h.ParentAmountFen, SplitBefore: h.SplitBeforeFen,
			}
		}
		return v, nil
	})
}

func viewProof(p matcher.ProvenLeaf, l *matcher.LedgerConfig) proofView {
	proof := p.Proof
	if proof == nil {
		proof = []common.Hash{}
	}
	v := proofView{
		Kind: matcher.LeafKindName(p.Kind), Leaf: p.Leaf, Root: p.Root, Proof: proof, TxHash: p.TxHash,
		BlockNumber: p.Block, RegistryAddress: l.Registry.Hex(), ChainID: l.ChainID,
	}
	v.LeafData = ledger.ProofData(p)
	return v
}
