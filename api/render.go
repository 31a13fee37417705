// SPDX-License-Identifier: Apache-2.0

package api

import (
	"encoding/json"
	"strconv"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/gin-gonic/gin"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/matcher"
)

// maxPooledRender: bigger buffers (a receivable with many payments) are left to the GC.
const maxPooledRender = 16 << 10

var renderBufs = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

func appendAnchor(b []byte, a *wire.Anchor) []byte {
	b = append(b, `{"kind":`...)
	b = appendJSONString(b, a.Kind)
	b = append(b, `,"leaf":`...)
	b = appendHash(b, &a.Leaf)
	b = append(b, `,"root":`...)
	b = appendOptHash(b, a.Root)
	b = append(b, `,"tx_hash":`...)
	b = appendOptHash(b, a.TxHash)
	if a.Block != 0 {
		b = append(b, `,"block_number":`...)
		b = strconv.AppendUint(b, a.Block, 10)
	}
	b = append(b, `,"anchored":`...)
	b = strconv.AppendBool(b, a.Anchored)
	return append(b, '}')
}

func appendCreditNote(b []byte, n *wire.CreditNote) []byte {
	b = append(b, `{"amount":`...)
	b = strconv.AppendInt(b, n.Amount, 10)
	b = append(b, `,"reason":`...)
	b = appendJSONString(b, n.Reason)
	b = append(b, `,"salt":`...)
	b = appendJSONString(b, n.Salt)
	b = append(b, `,"signature":`...)
	b = appendJSONString(b, n.Signature)
	b = append(b, `,"digest":`...)
	b = appendJSONString(b, n.Digest)
	b = append(b, `,"allocations":`...)
	if n.Allocations == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, a := range n.Allocations {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"receivable_id":`...)
			b = appendJSONString(b, a.ReceivableID)
			b = append(b, `,"match_id":`...)
			b = appendOptString(b, a.MatchID)
			b = append(b, `,"amount":`...)
			b = strconv.AppendInt(b, a.Amount, 10)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"created_at":`...)
	b = appendJSONString(b, n.CreatedAt)
	return append(b, '}')
}

// appendHash is a common.Hash as its MarshalText writes it: "0x" and 64 lower-case
// hex digits.
func appendHash(b []byte, h *common.Hash) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, `"0x`...)
	for _, c := range h {
		b = append(b, hexDigits[c>>4], hexDigits[c&0xf])
	}
	return append(b, '"')
}

func appendOptHash(b []byte, h *common.Hash) []byte {
	if h == nil {
		return append(b, "null"...)
	}
	return appendHash(b, h)
}

func appendOptString(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return appendJSONString(b, *s)
}

// appendJSONString appends s as encoding/json does. Printable ASCII other than the
// characters json.Marshal escapes (`"`, `\`, and `<`, `>`, `&` for HTML) is copied;
// any other string is left to json.Marshal, so that the escapes are its own.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always encodes
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// writeReceivable answers status with the receivable of a command's result — r
// with the score and anchors it had at that entry — as c.JSON would answer
// viewReceivableAt(r, s, anchors), written straight from the matcher's types without
// reflection and without a view of strings first, into a pooled buffer
// (TestAppendReceivableOfIsMarshal). POST /v1/receivables and GET
// /v1/receivables/{id}, the hot routes, answer through it.
func writeReceivable(c *gin.Context, status int, r *matcher.Receivable, s matcher.Score, anchors []matcher.Anchor) {
	bp := renderBufs.Get().(*[]byte)
	writeRendered(c, status, bp, appendReceivableOf((*bp)[:0], r, s, anchors))
}

// writeRendered answers status with the JSON b, written into the pooled buffer bp,
// and gives the buffer back to the pool.
func writeRendered(c *gin.Context, status int, bp *[]byte, b []byte) {
	c.Data(status, "application/json; charset=utf-8", b)
	if cap(b) <= maxPooledRender {
		*bp = b
		renderBufs.Put(bp)
	}
}

// appendReceivableOf appends json.Marshal(viewReceivableAt(r, s, anchors)).
func appendReceivableOf(b []byte, r *matcher.Receivable, s matcher.Score, anchors []matcher.Anchor) []byte {
	b = append(b, `{"id":`...)
	b = appendJSONString(b, r.ID)
	b = append(b, `,"parent_id":`...)
	b = appendNonEmpty(b, r.ParentID)
	b = append(b, `,"tier":`...)
	b = strconv.AppendInt(b, int64(r.Tier), 10)
	b = append(b, `,"creditor_id":`...)
	b = appendJSONString(b, r.CreditorID)
	b = append(b, `,"holder_id":`...)
	b = appendJSONString(b, r.HolderID)
	b = append(b, `,"assignee_id":`...)
	b = appendNonEmpty(b, r.AssigneeID)
	b = append(b, `,"debtor_id":`...)
	b = appendJSONString(b, r.DebtorID)
	b = append(b, `,"invoice_number":`...)
	b = appendJSONString(b, r.InvoiceNumber)
	b = append(b, `,"fingerprint":`...)
	b = appendHash(b, &r.Fingerprint)
	b = append(b, `,"amount":`...)
	b = strconv.AppendInt(b, r.AmountFen, 10)
	b = append(b, `,"remaining":`...)
	b = strconv.AppendInt(b, r.RemainingFen, 10)
	b = append(b, `,"currency":`...)
	b = appendJSONString(b, r.Currency)
	b = append(b, `,"issue_date":`...)
	b = appendDate(b, r.IssueDate)
	b = append(b, `,"due_date":`...)
	b = appendDate(b, r.DueDate)
	b = append(b, `,"status":`...)
	b = appendJSONString(b, string(r.Status))
	b = append(b, `,"score":`...)
	b = strconv.AppendInt(b, int64(s.Total), 10)
	b = append(b, `,"score_band":`...)
	b = appendJSONString(b, s.Band)
	b = append(b, `,"score_components":`...)
	if s.Components == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, sc := range s.Components {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"name":`...)
			b = appendJSONString(b, sc.Name)
			b = append(b, `,"value":`...)
			b = strconv.AppendInt(b, int64(sc.Value), 10)
			b = append(b, `,"reason":`...)
			b = appendJSONString(b, sc.Reason)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"score_policy":`...)
	b = appendJSONString(b, s.Policy)
	b = append(b, `,"confirmation":`...)
	if c := r.Confirmation; c == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, `{"signature":`...)
		b = appendJSONString(b, c.Signature)
		b = append(b, `,"signer":`...)
		b = appendJSONString(b, c.Signer.Hex()) // EIP-55 mixed case
		b = append(b, `,"digest":`...)
		b = appendHash(b, &c.Digest)
		b = append(b, `,"confirmed_at":`...)
		b = appendInstant(b, c.AtMs)
		b = append(b, '}')
	}
	b = append(b, `,"anchors":[`...) // viewAnchors: never null
	for i := range anchors {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendAnchor(b, (*wire.Anchor)(&anchors[i]))
	}
	b = append(b, `],"created_at":`...)
	b = appendInstant(b, r.CreatedMs)
	b = append(b, `,"reject_reason":`...)
	b = appendNonEmpty(b, r.RejectReason)
	b = append(b, `,"credited":`...)
	b = strconv.AppendInt(b, r.CreditedFen, 10)
	b = append(b, `,"paid_to_holder":`...)
	b = strconv.AppendInt(b, r.HolderPaidFen, 10)
	b = append(b, `,"credit_notes":[`...) // made with their length: never null
	for i, n := range r.CreditNotes {
		if i > 0 {
			b = append(b, ',')
		}
		v := viewCreditNote(n) // rare on the hot routes: the view's way
		b = appendCreditNote(b, &v)
	}
	b = append(b, `],"payments":[`...)
	for i, p := range r.Payments {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"match_id":`...)
		b = appendNonEmpty(b, p.MatchID)
		b = append(b, `,"amount":`...)
		b = strconv.AppendInt(b, p.AmountFen, 10)
		b = append(b, `,"reference":`...)
		b = appendJSONString(b, p.Reference)
		b = append(b, `,"created_at":`...)
		b = appendInstant(b, p.AtMs)
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

// appendNonEmpty is optString's pointer as JSON: null for "".
func appendNonEmpty(b []byte, s string) []byte {
	if s == "" {
		return append(b, "null"...)
	}
	return appendJSONString(b, s)
}

// appendInstant is instant(ms) as a JSON string (its digits and signs need no escape).
func appendInstant(b []byte, ms int64) []byte {
	b = append(b, '"')
	b = time.UnixMilli(ms).UTC().AppendFormat(b, instantLayout)
	return append(b, '"')
}

// appendDate is d.String() as a JSON string.
func appendDate(b []byte, d matcher.Date) []byte {
	b = append(b, '"')
	b = time.Unix(d.Unix(), 0).UTC().AppendFormat(b, time.DateOnly)
	return append(b, '"')
}
