// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
)

// Tokens are rotated and revoked by entries of the journal
// (so every replica agrees at the entry's seq), participants can be suspended, and the
// idempotency store is bounded per caller.

func issueCmd(pid, hash string, expiresMs int64) Command {
	return Command{Payload: &IssueToken{ParticipantID: pid, TokenHash: hash, ExpiresMs: expiresMs}}
}

func TestTokenRotateAndRevoke(t *testing.T) {
	w := newWorld(t)
	a, b := w.sme("", ""), w.sme("", "")
	first := w.m.s.Participants.get(a).Tokens[0]
	if p, err := w.m.Authenticate(first.Hash, w.nowMs); err != nil || p.ID != a {
		t.Fatalf("Authenticate(first token) = %v, %v; want %s", p, err, a)
	}
	// The participant rotates its own token: both work until the old one is revoked.
	newHash := tokenHash("rotated")
	r := w.must(w.as(a, issueCmd(a, newHash, 0)))
	if r.Token == nil || r.Token.ID != "tok_2" || r.Token.Hash != newHash {
		t.Fatalf("issue = %+v, want tok_2", r.Token)
	}
	for _, h := range []string{first.Hash, newHash} {
		if _, err := w.m.Authenticate(h, w.nowMs); err != nil {
			t.Fatalf("Authenticate(%s) during the overlap: %v", h[:8], err)
		}
	}
	w.must(w.as(a, Command{Payload: &RevokeToken{ParticipantID: a, TokenID: first.ID}}))
	if _, err := w.m.Authenticate(first.Hash, w.nowMs); err == nil || err.Code != CodeUnauthorized {
		t.Fatalf("Authenticate(revoked) = %v, want unauthorized", err)
	}
	if _, err := w.m.Authenticate(newHash, w.nowMs); err != nil {
		t.Fatalf("Authenticate(new) after revoking the old: %v", err)
	}
	// Another participant may neither see nor touch a's tokens; the operator may.
	w.wantCode(w.as(b, issueCmd(a, tokenHash("x"), 0)), CodeNotFound, w.hash())
	w.wantCode(w.as(b, Command{Payload: &RevokeToken{ParticipantID: a, TokenID: "tok_2"}}), CodeNotFound, w.hash())
	w.must(w.op(issueCmd(a, tokenHash("by operator"), 0)))
	// Refusals: a hash in use, a past expiry, an unknown token, too many tokens.
	w.wantCode(w.as(a, issueCmd(a, newHash, 0)), CodeValidation, w.hash())
	w.wantCode(w.as(a, issueCmd(a, tokenHash("past"), w.nowMs)), CodeValidation, w.hash())
	w.wantCode(w.as(a, Command{Payload: &RevokeToken{ParticipantID: a, TokenID: "tok_1"}}), CodeNotFound, w.hash())
	for i := len(w.m.s.Participants.get(a).Tokens); i < maxTokensPerParticipant; i++ {
		w.must(w.as(a, issueCmd(a, tokenHash(fmt.Sprint("more", i)), 0)))
	}
	w.wantCode(w.as(a, issueCmd(a, tokenHash("one too many"), 0)), CodeInvalidState, w.hash())
	// The state after a snapshot and restore authenticates the same tokens.
	m2 := w.restored()
	if _, err := m2.Authenticate(first.Hash, w.nowMs); err == nil {
		t.Fatal("restored matcher accepts a revoked token")
	}
	if _, err := m2.Authenticate(newHash, w.nowMs); err != nil {
		t.Fatalf("restored matcher refuses a live token: %v", err)
	}
	w.checkInvariants()
}

func TestTokenExpiry(t *testing.T) {
	w := newWorld(t)
	a := w.sme("", "")
	h := tokenHash("expiring")
	expires := w.nowMs + 60_000
	w.must(w.as(a, issueCmd(a, h, expires)))
	if _, err := w.m.Authenticate(h, expires-1); err != nil {
		t.Fatalf("Authenticate before expiry: %v", err)
	}
	if _, err := w.m.Authenticate(h, expires); err == nil || !strings.Contains(err.Detail, "expired") {
		t.Fatalf("Authenticate at expiry = %v, want expired", err)
	}
}

func TestSuspendedParticipant(t *testing.T) {
	w := newWorld(t)
	a, core, lender := w.sme("", ""), w.core("AAA"), w.lender()
	rcv := w.financeable(a, core, 500_000, 90)
	offer := w.offer(lender, core, 10_000_000, 300, 400, 500)
	tok := w.m.s.Participants.get(a).Tokens[0].Hash
	suspend := func(pid, status string) Command {
		return Command{Payload: &SetStatus{ParticipantID: pid, Status: status}}
	}
	w.wantCode(w.as(a, suspend(a, StatusSuspended)), CodeForbidden, w.hash())
	w.wantCode(w.op(suspend(a, "frozen")), CodeValidation, w.hash())
	w.must(w.op(suspend(a, StatusSuspended)))
	if _, err := w.m.Authenticate(tok, w.nowMs); err == nil || err.Code != CodeUnauthorized {
		t.Fatalf("Authenticate(suspended) = %v, want unauthorized", err)
	}
	// Its commands are refused from this entry on; its objects stay.
	w.wantCode(w.as(a, w.submitCmd(core, 1000, 90)), CodeForbidden, w.hash())
	w.wantCode(w.as(a, Command{Payload: &List{ReceivableID: rcv, MaxRateBps: 1000}}), CodeForbidden, w.hash())
	w.wantCode(w.as(a, issueCmd(a, tokenHash("sneak"), 0)), CodeForbidden, w.hash())
	if r, err := w.m.Receivable(a, rcv); err != nil || r.ID != rcv {
		t.Fatalf("suspended participant's receivable: %v", err)
	}
	// A suspended lender's line does not finance new listings.
	w.must(w.op(suspend(a, StatusActive)))
	w.must(w.op(suspend(lender, StatusSuspended)))
	if r := w.list(rcv, 1000); r.Err != nil || r.Match != nil {
		t.Fatalf("list with only a suspended lender = %+v, want it resting", r)
	}
	if o := w.m.s.Offers.get(offer); o.Status != OfferLive {
		t.Fatalf("suspended lender's offer %s, want it kept live", o.Status)
	}
	w.checkInvariants()
}

// One caller's burst of keyed requests evicts only its own oldest keys.
func TestIdempotencyCapPerCaller(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MaxIdemRecords = 3
	w := newWorldConfig(t, cfg)
	a, b, core := w.sme("", ""), w.sme("", ""), w.core("AAA")
	keyed := func(c Command, key string) Command { c.IdemKey, c.IdemHash = key, "h-"+key; return c }
	w.must(w.as(b, keyed(w.submitCmd(core, 1000, 90), "b1")))
	for i := 0; i < 10; i++ {
		w.must(w.as(a, keyed(w.submitCmd(core, 1000, 90), fmt.Sprint("a", i))))
	}
	if r := w.must(w.as(b, keyed(w.submitCmd(core, 1000, 90), "b1"))); !r.Replayed {
		t.Fatal("b's key was evicted by a's burst")
	}
	if n := len(w.m.s.IdemByCaller[a]); n != 3 {
		t.Fatalf("a keeps %d keys, want its cap 3", n)
	}
	if r := w.must(w.as(a, keyed(w.submitCmd(core, 1000, 90), "a9"))); !r.Replayed {
		t.Fatal("a's newest key was dropped")
	}
	if r := w.must(w.as(a, keyed(w.submitCmd(core, 1000, 90), "a0"))); r.Replayed {
		t.Fatal("a's oldest key was kept past the cap")
	}
}

// Snapshots from before token rotation kept one token_hash per participant and one
// queue of idempotency keys; they restore into today's shapes with the same tokens.
func TestRestoreLegacySnapshot(t *testing.T) {
	w := newWorld(t)
	a, core := w.sme("", ""), w.core("AAA")
	c := w.submitCmd(core, 1000, 90)
	c.IdemKey, c.IdemHash = "k", "h"
	w.must(w.as(a, c))
	want := w.m.StateHash()
	// Write the legacy shapes by hand.
	legacy := New(w.m.Config())
	legacy.s = w.m.s
	legacy.appliedSeq, legacy.nowMs = w.m.appliedSeq, w.m.nowMs
	var parts []*Participant
	for _, id := range w.m.s.Participants.ids() {
		p := *w.m.s.Participants.get(id)
		p.LegacyTokenHash, p.Tokens, p.TokenSeq = p.Tokens[0].Hash, nil, 0
		parts = append(parts, &p)
	}
	legacy.s.Participants = newTable[Participant](prefixParticipant)
	for _, p := range parts {
		legacy.s.Participants.put(p.ID, p)
	}
	legacy.s.LegacyIdemOrder = w.m.s.IdemByCaller[a]
	legacy.s.IdemByCaller = nil
	snap, err := legacy.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(snap), `"token_hash"`) || !strings.Contains(string(snap), `"idem_order"`) {
		t.Fatal("fixture: the snapshot is not in the legacy shape")
	}
	m2, err := Restore(w.m.Config(), snap)
	if err != nil {
		t.Fatal(err)
	}
	if got := m2.StateHash(); got != want {
		t.Fatalf("restored legacy state hash %x, want %x (the state replay builds)", got, want)
	}
}

// TestAuthenticateSum: the request path's lookup by a token's SHA-256 answers what
// Authenticate answers — the participant and its role, or the same refusal — for a
// live, an expired, a suspended and an unknown token, and a live token's lookup
// allocates nothing (no hex string, no copy of the participant).
func TestAuthenticateSum(t *testing.T) {
	w := newWorld(t)
	a, core, lender := w.sme("", ""), w.core("AAA"), w.lender()
	expiring := tokenHash("expiring")
	expires := w.nowMs + 60_000
	w.must(w.as(a, issueCmd(a, expiring, expires)))
	suspended := w.sme("", "")
	w.must(w.op(Command{Payload: &SetStatus{ParticipantID: suspended, Status: StatusSuspended}}))
	sum := func(hash string) *[32]byte {
		var s [32]byte
		if _, err := hex.Decode(s[:], []byte(hash)); err != nil {
			t.Fatalf("token hash %q: %v", hash, err)
		}
		return &s
	}
	for _, c := range []struct {
		name string
		hash string
		now  int64
	}{
		{"sme", w.m.s.Participants.get(a).Tokens[0].Hash, w.nowMs},
		{"core", w.m.s.Participants.get(core).Tokens[0].Hash, w.nowMs},
		{"lender", w.m.s.Participants.get(lender).Tokens[0].Hash, w.nowMs},
		{"before expiry", expiring, expires - 1},
		{"at expiry", expiring, expires},
		{"suspended", w.m.s.Participants.get(suspended).Tokens[0].Hash, w.nowMs},
		{"unknown", tokenHash("nobody's"), w.nowMs},
	} {
		id, role, err := w.m.AuthenticateSum(sum(c.hash), c.now)
		p, want := w.m.Authenticate(c.hash, c.now)
		switch {
		case want != nil:
			if err == nil || err.Code != want.Code || err.Detail != want.Detail || id != "" {
				t.Errorf("%s: AuthenticateSum = %q, %v; Authenticate refused with %v", c.name, id, err, want)
			}
		case err != nil || id != p.ID || role != p.Role:
			t.Errorf("%s: AuthenticateSum = %q %q %v; Authenticate = %s %s", c.name, id, role, err, p.ID, p.Role)
		}
	}
	live := sum(w.m.s.Participants.get(a).Tokens[0].Hash)
	if n := testing.AllocsPerRun(100, func() {
		if id, _, err := w.m.AuthenticateSum(live, w.nowMs); err != nil || id != a {
			t.Fatalf("AuthenticateSum(live) = %q, %v", id, err)
		}
	}); n != 0 {
		t.Errorf("AuthenticateSum of a live token allocates %.1f times, want 0", n)
	}
}
