// SPDX-License-Identifier: Apache-2.0

package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/scfx/scfx/matcher"
)

// Tokens and participant status (docs/api.md "Tokens").
// Each change is a journal entry, so it takes effect on every replica at that entry.

type tokenRequest struct {
	ExpiresAt string `json:"expires_at"` // RFC 3339; "" never
}

func viewToken(pid string, t *matcher.Token) tokenView {
	v := tokenView{ID: t.ID, ParticipantID: pid, CreatedAt: instant(t.CreatedMs)}
	if t.ExpiresMs != 0 {
		v.ExpiresAt = optString(instant(t.ExpiresMs))
	}
	return v
}

// maxTokenLifetime bounds expires_at: a date beyond it is a typo, not a policy.
const maxTokenLifetime = 10 * 365 * 24 * time.Hour

func (s *Server) issueToken(c *gin.Context) {
	if !s.visibleTo(c, findParticipant) {
		return
	}
	var in tokenRequest
	req, ok := s.decode(c, &in)
	if !ok {
		return
	}
	var expiresMs int64
	if in.ExpiresAt != "" {
		at, err := time.Parse(time.RFC3339, in.ExpiresAt)
		if err != nil || at.Before(time.Now()) || at.After(time.Now().Add(maxTokenLifetime)) {
			fail(c, fieldError("expires_at", "must be an RFC 3339 time in the next 10 years"))
			return
		}
		expiresMs = at.UnixMilli()
	}
	token := NewToken()
	pid := c.Param("id")
	cmd := matcher.Command{Payload: &matcher.IssueToken{
		ParticipantID: pid, TokenHash: HashToken(token), ExpiresMs: expiresMs,
	}}
	s.submit(c, req, cmd, http.StatusCreated, func(_ *matcher.Matcher, r matcher.Result) any {
		v := viewToken(pid, r.Token)
		v.Token, v.TokenShown = shownToken(r, token)
		return v
	})
}

func (s *Server) listTokens(c *gin.Context) {
	// A participant has at most 10 live tokens: one page always holds them all, but
	// limit and cursor are checked as on every list.
	if _, _, ok := listParams(c); !ok {
		return
	}
	s.view(c, func(m *matcher.Matcher) (any, *matcher.Error) {
		ts, e := m.Tokens(actorOf(c), c.Param("id"))
		if e != nil {
			return nil, e
		}
		items := make([]tokenView, len(ts))
		for i := range ts {
			items[i] = viewToken(c.Param("id"), &ts[i])
		}
		return page[tokenView]{Items: items}, nil
	})
}

func (s *Server) revokeToken(c *gin.Context) {
	if !s.visibleTo(c, findParticipant) {
		return
	}
	req, ok := deleteRequest(c)
	if !ok {
		return
	}
	pid := c.Param("id")
	cmd := matcher.Command{Payload: &matcher.RevokeToken{ParticipantID: pid, TokenID: c.Param("token_id")}}
	s.submit(c, req, cmd, http.StatusOK, func(_ *matcher.Matcher, r matcher.Result) any {
		v := viewToken(pid, r.Token)
		v.Revoked = true
		return v
	})
}

type statusRequest struct {
	Status string `json:"status"`
}

func (s *Server) setParticipantStatus(c *gin.Context) {
	if !s.visibleTo(c, findParticipant) || !requireRole(c, roleOperator) {
		return
	}
	var in statusRequest
	req, ok := s.decode(c, &in)
	if !ok {
		return
	}
	cmd := matcher.Command{Payload: &matcher.SetStatus{ParticipantID: c.Param("id"), Status: in.Status}}
	s.submit(c, req, cmd, http.StatusOK, func(_ *matcher.Matcher, r matcher.Result) any { return viewParticipant(r.Participant) })
}
