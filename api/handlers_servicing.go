// SPDX-License-Identifier: Apache-2.0

package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/eip712"
	"github.com/scfx/scfx/matcher"
)

// Servicing after funding (docs/api.md, "Servicing"): rejection, credit notes,
// payments, receipts, recourse, write-off and participant changes.

func (s *Server) rejectReceivable(c *gin.Context) {
	if !s.visibleTo(c, findReceivable) || !requireRole(c, string(matcher.RoleCore)) {
		return
	}
	var in wire.ReasonRequest
	req, ok := s.decode(c, &in)
	if !ok {
		return
	}
	cmd := matcher.Command{Payload: &matcher.RejectReceivable{ReceivableID: c.Param("id"), Reason: in.Reason}}
	s.submitReceivableCmd(c, req, cmd, http.StatusOK)
}

func (s *Server) creditNote(c *gin.Context) {
	if !s.visibleTo(c, findReceivable) || !requireRole(c, string(matcher.RoleCore)) {
		return
	}
	var in wire.CreditNoteRequest
	req, ok := s.decode(c, &in)
	if !ok {
		return
	}
	cmd := matcher.Command{Payload: &matcher.IssueCreditNote{
		ReceivableID: c.Param("id"), Amount: in.Amount, Reason: in.Reason, Salt: in.Salt, Signature: in.Signature,
	}}
	s.submitReceivableCmd(c, req, cmd, http.StatusCreated)
}

// maxReasonQuery bounds the reason a typed-data request echoes into the message.
const maxReasonQuery = 800

func (s *Server) creditNoteTypedData(c *gin.Context) {
	amount, salt, ok := amountAndSalt(c)
	if !ok {
		return
	}
	reason := c.Query("reason")
	if reason == "" || len(reason) > maxReasonQuery {
		fail(c, fieldError("reason", "is required, at most 200 characters"))
		return
	}
	s.view(c, func(m *matcher.Matcher) (any, *matcher.Error) {
		r, e := m.Receivable(actorOf(c), c.Param("id"))
		if e != nil {
			return nil, e
		}
		d, e := domainOf(m)
		if e != nil {
			return nil, e
		}
		return eip712.ToJSON(eip712.CreditNoteTypedData(d, matcher.CreditNoteOf(r, amount, reason, salt))), nil
	})
}

func (s *Server) recordPayment(c *gin.Context) {
	if !s.visibleTo(c, findReceivable) || !requireRole(c, string(matcher.RoleCore)) {
		return
	}
	var in wire.PaymentRequest
	req, ok := s.decode(c, &in)
	if !ok {
		return
	}
	cmd := matcher.Command{Payload: &matcher.RecordPayment{
		ReceivableID: c.Param("id"), MatchID: in.MatchID, Amount: in.Amount, Reference: in.Reference,
	}}
	s.submitReceivableCmd(c, req, cmd, http.StatusCreated)
}

func (s *Server) renderMatch(m *matcher.Matcher, r matcher.Result) any {
	return viewMatch(r.Match, m.Today())
}

func (s *Server) confirmRepayment(c *gin.Context) {
	if !s.visibleTo(c, findMatch) || !requireRole(c, string(matcher.RoleLender)) {
		return
	}
	var in wire.RepaymentRequest
	req, ok := s.decode(c, &in)
	if !ok {
		return
	}
	cmd := matcher.Command{Payload: &matcher.ConfirmRepayment{MatchID: c.Param("id"), Amount: in.Amount, Reference: in.Reference}}
	s.submit(c, req, cmd, http.StatusCreated, s.renderMatch)
}

func (s *Server) exerciseRecourse(c *gin.Context) {
	s.endOverdue(c, func(id, reason string) matcher.Payload { return &matcher.ExerciseRecourse{MatchID: id, Reason: reason} })
}

func (s *Server) writeOff(c *gin.Context) {
	s.endOverdue(c, func(id, reason string) matcher.Payload { return &matcher.WriteOff{MatchID: id, Reason: reason} })
}

func (s *Server) endOverdue(c *gin.Context, payload func(id, reason string) matcher.Payload) {
	if !s.visibleTo(c, findMatch) || !requireRole(c, string(matcher.RoleLender)) {
		return
	}
	var in wire.ReasonRequest
	req, ok := s.decode(c, &in)
	if !ok {
		return
	}
	s.submit(c, req, matcher.Command{Payload: payload(c.Param("id"), in.Reason)}, http.StatusOK, s.renderMatch)
}

func (s *Server) changeParticipant(c *gin.Context) {
	if !requireRole(c, roleOperator) || !s.visibleTo(c, findParticipant) {
		return
	}
	var in wire.ParticipantChangeRequest
	req, ok := s.decode(c, &in)
	if !ok {
		return
	}
	cmd := matcher.Command{Payload: &matcher.UpdateParticipant{
		ParticipantID: c.Param("id"), Rating: in.Rating, Certification: in.Certification,
		CertificationValidUntil: in.CertificationValidUntil, ClusterID: in.ClusterID, Reason: in.Reason,
	}}
	s.submit(c, req, cmd, http.StatusCreated, func(_ *matcher.Matcher, r matcher.Result) any { return viewParticipant(r.Participant) })
}

// participantChanges is the history of a participant's changes, oldest first; the
// cursor is the number of changes already listed.
func (s *Server) participantChanges(c *gin.Context) {
	cursor, limit, ok := listParams(c)
	if !ok {
		return
	}
	s.view(c, func(m *matcher.Matcher) (any, *matcher.Error) {
		p, e := m.Participant(actorOf(c), c.Param("id"))
		if e != nil {
			return nil, e
		}
		out := page[wire.ParticipantChange]{Items: []wire.ParticipantChange{}}
		h := p.History
		for i := min(cursor, uint64(len(h))); i < uint64(len(h)) && len(out.Items) < limit; i++ {
			x := h[i]
			out.Items = append(out.Items, wire.ParticipantChange{Field: x.Field, From: x.From, To: x.To, Reason: x.Reason, Seq: x.Seq, CreatedAt: instant(x.AtMs)})
			if len(out.Items) == limit && i+1 < uint64(len(h)) {
				out.NextCursor = optString(strconv.FormatUint(i+1, 10))
			}
		}
		return out, nil
	})
}
