// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
)

// Token is one of a participant's bearer tokens. Only the SHA-256 of the token is
// kept: the token itself comes from crypto/rand in the API and is shown once.
type Token struct {
	ID        string `json:"id"` // tok_N, N counting the participant's tokens from 1
	Hash      string `json:"hash"`
	CreatedMs int64  `json:"created_ms"`
	ExpiresMs int64  `json:"expires_ms,omitempty"` // 0: until revoked
}

// maxTokensPerParticipant bounds a participant's live tokens: enough to rotate with
// an overlap per system that calls us, not a store of secrets.
const maxTokensPerParticipant = 10

// Participant statuses (PATCH /v1/participants/{id}).
const (
	StatusActive    = "active"
	StatusSuspended = "suspended"
)

func tokenID(n uint64) string { return "tok_" + strconv.FormatUint(n, 10) }

// checkTokenHash checks a token hash the API computed: 64 lower-case hex digits, not
// in use by anyone.
func (m *Matcher) checkTokenHash(h string) *Error {
	if len(h) != 64 || strings.ToLower(h) != h || !isHex(h) {
		return fieldErr("token_hash", "must be 64 lower-case hex digits")
	}
	if _, dup := m.ix.byToken[h]; dup {
		return fieldErr("token_hash", "is already in use")
	}
	return nil
}

// ownParticipant is participant id, which actor may manage: the operator any, a
// participant only itself (others do not exist for it).
func (m *Matcher) ownParticipant(actor, id string) (*Participant, *Error) {
	p := m.s.Participants.get(id)
	if p == nil || (actor != ActorOperator && actor != id) {
		return nil, notFound("participant", id)
	}
	if actor != ActorOperator && p.Suspended {
		return nil, forbidden("participant %s is suspended", id)
	}
	return p, nil
}

func (m *Matcher) issueToken(actor string, c *IssueToken) (Result, *Error) {
	p, err := m.ownParticipant(actor, c.ParticipantID)
	if err != nil {
		return Result{}, err
	}
	if err := m.checkTokenHash(c.TokenHash); err != nil {
		return Result{}, err
	}
	if c.ExpiresMs != 0 && c.ExpiresMs <= m.nowMs {
		return Result{}, fieldErr("expires_at", "must be in the future")
	}
	if len(p.Tokens) >= maxTokensPerParticipant {
		return Result{}, errorf(CodeInvalidState, "participant %s has %d tokens, the most it may have: revoke one first", p.ID, len(p.Tokens))
	}
	p.TokenSeq++
	t := Token{ID: tokenID(p.TokenSeq), Hash: c.TokenHash, CreatedMs: m.nowMs, ExpiresMs: c.ExpiresMs}
	p.Tokens = append(p.Tokens, t)
	m.ix.byToken[t.Hash] = p.ID
	return Result{Participant: p.copy(), Token: &t}, nil
}

func (m *Matcher) revokeToken(actor string, c *RevokeToken) (Result, *Error) {
	p, err := m.ownParticipant(actor, c.ParticipantID)
	if err != nil {
		return Result{}, err
	}
	i := slices.IndexFunc(p.Tokens, func(t Token) bool { return t.ID == c.TokenID })
	if i < 0 {
		return Result{}, notFound("token", c.TokenID)
	}
	t := p.Tokens[i]
	delete(m.ix.byToken, t.Hash)
	p.Tokens = slices.Delete(slices.Clone(p.Tokens), i, i+1)
	return Result{Participant: p.copy(), Token: &t}, nil
}

func (m *Matcher) setStatus(actor string, c *SetStatus) (Result, *Error) {
	if err := requireOperator(actor); err != nil {
		return Result{}, err
	}
	p := m.s.Participants.get(c.ParticipantID)
	if p == nil {
		return Result{}, notFound("participant", c.ParticipantID)
	}
	switch c.Status {
	case StatusActive:
		p.Suspended = false
	case StatusSuspended:
		p.Suspended = true
	default:
		return Result{}, fieldErr("status", "must be active or suspended")
	}
	m.emitParticipant(p, false)
	return Result{Participant: p.copy()}, nil
}

// maxRejectDetail bounds what a journaled refusal carries.
const maxRejectDetail = 1024

func (m *Matcher) reject(actor string, c *Reject) (Result, *Error) {
	if actor == ActorSystem {
		return Result{}, forbidden("the system does not reject requests")
	}
	e := c.Error
	if e.Code == "" || e.Code == CodeUnavailable || len(e.Detail) > maxRejectDetail || len(e.Fields) > 16 {
		return Result{}, errorf(CodeValidation, "reject: not a refusal the API makes")
	}
	return Result{}, &e
}

// Authenticate is the participant whose live token hashes to tokenHash at nowMs
// (the API's clock: tokens expire in wall time, not in journal time), a copy.
func (m *Matcher) Authenticate(tokenHash string, nowMs int64) (*Participant, *Error) {
	p, err := m.authenticate([]byte(tokenHash), nowMs)
	if err != nil {
		return nil, err
	}
	return p.copy(), nil
}

// AuthenticateSum is Authenticate for a token's SHA-256, answering only who the
// caller is: what every request asks, without a hex string of the hash or a copy of
// the participant (its tokens and history) to make and collect each time.
func (m *Matcher) AuthenticateSum(sum *[sha256.Size]byte, nowMs int64) (id string, role Role, err *Error) {
	var hash [2 * sha256.Size]byte
	hex.Encode(hash[:], sum[:])
	p, err := m.authenticate(hash[:], nowMs)
	if err != nil {
		return "", "", err
	}
	return p.ID, p.Role, nil
}

// authenticate is the participant (the state's own) whose live token's hex hash is
// hash; a lookup by string(hash) makes no string.
func (m *Matcher) authenticate(hash []byte, nowMs int64) (*Participant, *Error) {
	id, ok := m.ix.byToken[string(hash)]
	if !ok {
		return nil, errorf(CodeUnauthorized, "the bearer token is not valid")
	}
	p := m.s.Participants.get(id)
	if p.Suspended {
		return nil, errorf(CodeUnauthorized, "participant %s is suspended", p.ID)
	}
	for _, t := range p.Tokens {
		if t.Hash == string(hash) && t.ExpiresMs != 0 && t.ExpiresMs <= nowMs {
			return nil, errorf(CodeUnauthorized, "the bearer token expired")
		}
	}
	return p, nil
}

// Tokens lists a participant's live tokens (the operator or the participant).
func (m *Matcher) Tokens(actor, id string) ([]Token, *Error) {
	p := m.s.Participants.get(id)
	if p == nil || (actor != ActorOperator && actor != id) {
		return nil, notFound("participant", id)
	}
	return slices.Clone(p.Tokens), nil
}

// copy is p with its own token list, so that later entries do not change it.
func (p *Participant) copy() *Participant {
	cp := *p
	cp.Tokens = slices.Clone(p.Tokens)
	cp.History = slices.Clone(p.History)
	return &cp
}
