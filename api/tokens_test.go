// SPDX-License-Identifier: Apache-2.0

package api

import (
	"bytes"
	"encoding/base64"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/scfx/scfx/matcher"
)

// A participant's token comes from crypto/rand only. Onboarding
// with the same Idempotency-Key and body under the same operator token on two
// platforms gives two tokens (no HMAC of the key that a backup could recompute), and
// neither the token nor its bytes are in any file of the data directory.
func TestParticipantTokenNotRecomputable(t *testing.T) {
	var tokens []string
	var envs []*testEnv
	for i := 0; i < 2; i++ {
		e := newTestEnv(t, unlimited())
		body := map[string]any{"name": "重试银行", "uscc": "91330100MA0000001F", "role": "lender"}
		var p participantView
		e.mustStatus(e.do("POST", "/v1/participants", e.Admin.Token, body, "Idempotency-Key", "onboard-1"), http.StatusCreated, &p)
		tokens, envs = append(tokens, p.Token), append(envs, e)
	}
	if tokens[0] == "" || tokens[0] == tokens[1] {
		t.Fatalf("tokens %q: want two different random tokens", tokens)
	}
	e := envs[0]
	if err := e.Node.Snapshot(); err != nil {
		t.Fatal(err)
	}
	raw, err := base64.RawURLEncoding.DecodeString(tokens[0])
	if err != nil {
		t.Fatal(err)
	}
	files := 0
	err = filepath.WalkDir(e.Dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		if bytes.Contains(b, []byte(tokens[0])) || bytes.Contains(b, raw) {
			t.Errorf("%s holds the token", path)
		}
		return nil
	})
	if err != nil || files < 2 {
		t.Fatalf("walked %d files: %v (want the journal and a snapshot)", files, err)
	}
}

// A keyed request the API refused before the matcher (a body that
// does not decode) is remembered: its retry gets the same refusal, marked replayed,
// and the key with another body is idempotency_conflict; nothing else changes.
func TestIdempotencyRemembersRefusals(t *testing.T) {
	e := newTestEnv(t, unlimited(), withoutOpenAPIValidation())
	sme, core := e.sme("", ""), e.core("AA")
	good := map[string]any{"debtor_id": core.ID, "invoice_number": e.newInvoiceNumber(), "amount": 1000, "currency": "CNY",
		"issue_date": e.date(0), "due_date": e.date(30)}
	bad := patchJSON(good, "amount", "a lot")
	before := e.counts()
	first := e.do("POST", "/v1/receivables", sme.Token, bad, "Idempotency-Key", "k-bad")
	e.wantProblem(first, http.StatusBadRequest, matcher.CodeValidation)
	retry := e.do("POST", "/v1/receivables", sme.Token, bad, "Idempotency-Key", "k-bad")
	e.wantProblem(retry, http.StatusBadRequest, matcher.CodeValidation)
	if retry.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("retry of a refused request not marked replayed: %s", retry)
	}
	e.wantProblem(e.do("POST", "/v1/receivables", sme.Token, good, "Idempotency-Key", "k-bad"), http.StatusConflict, matcher.CodeIdempotencyConflict)
	// The same for a refusal by the matcher (an amount of 0).
	zero := patchJSON(good, "amount", 0)
	e.wantProblem(e.do("POST", "/v1/receivables", sme.Token, zero, "Idempotency-Key", "k-zero"), http.StatusBadRequest, matcher.CodeValidation)
	e.wantProblem(e.do("POST", "/v1/receivables", sme.Token, good, "Idempotency-Key", "k-zero"), http.StatusConflict, matcher.CodeIdempotencyConflict)
	if got := e.counts(); got != before {
		t.Fatalf("refused requests changed the counts %+v → %+v", before, got)
	}
	// Another caller's key of the same name is its own.
	other := e.sme("", "")
	e.mustStatus(e.do("POST", "/v1/receivables", other.Token, good, "Idempotency-Key", "k-bad"), http.StatusCreated, nil)
}

// An expiring token works until expires_at; a past or malformed
// expires_at is refused.
func TestTokenExpiresAt(t *testing.T) {
	e := newTestEnv(t, unlimited())
	p := e.lender()
	path := "/v1/participants/" + p.ID + "/tokens"
	for _, bad := range []string{"2020-01-01T00:00:00Z", "tomorrow", time.Now().AddDate(11, 0, 0).Format(time.RFC3339)} {
		e.wantProblem(e.do("POST", path, p.Token, map[string]any{"expires_at": bad}), http.StatusBadRequest, matcher.CodeValidation)
	}
	at := time.Now().Add(1500 * time.Millisecond).UTC()
	var tv tokenView
	e.mustStatus(e.do("POST", path, p.Token, map[string]any{"expires_at": at.Format(time.RFC3339Nano)}), http.StatusCreated, &tv)
	if tv.ExpiresAt == nil {
		t.Fatalf("token %+v, want an expiry", tv)
	}
	e.mustStatus(e.get(tv.Token, "/v1/participants/"+p.ID), http.StatusOK, nil)
	time.Sleep(time.Until(at) + 50*time.Millisecond)
	pr := e.wantProblem(e.get(tv.Token, "/v1/participants/"+p.ID), http.StatusUnauthorized, matcher.CodeUnauthorized)
	if pr.Detail != "the bearer token expired" {
		t.Errorf("expired token detail %q", pr.Detail)
	}
	// Another participant cannot issue or revoke p's tokens: p does not exist for it.
	q := e.lender()
	e.wantProblem(e.do("POST", path, q.Token, map[string]any{}), http.StatusNotFound, matcher.CodeNotFound)
	e.wantProblem(e.do("DELETE", path+"/tok_1", q.Token, nil), http.StatusNotFound, matcher.CodeNotFound)
	// Only the operator suspends.
	e.wantProblem(e.do("PATCH", "/v1/participants/"+p.ID, p.Token, map[string]any{"status": "suspended"}), http.StatusForbidden, matcher.CodeForbidden)
}
