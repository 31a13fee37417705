// SPDX-License-Identifier: Apache-2.0

package api

// Helpers of the authorization, bad-input, idempotency and fuzz tests, on top of the
// shared environment of testenv_test.go: the state hash a refused request must leave
// alone, object counts, and one market where every role has an object of its own and
// a party it is not.

import (
	"crypto/rand"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/scfx/scfx/matcher"
)

// unlimited is an api.Config edit for tests that make many requests with one token:
// the default limit (500/s, burst 1000) would answer 429 in the middle of a table.
func unlimited() envOption {
	return withAPIConfig(func(c *Config) {
		c.RatePerSecond, c.RateBurst = 1e9, 1<<30
		c.AuthFailuresPerSecond, c.AuthFailureBurst = 1e9, 1<<30
	})
}

// stateHash is GET /v1/node's state_hash, as the operator (docs/api.md, "Endpoints").
func (e *testEnv) stateHash() string {
	e.t.Helper()
	var v NodeView
	e.getJSON(e.Admin.Token, "/v1/node", &v)
	if len(v.StateHash) != 64 {
		e.t.Fatalf("GET /v1/node: state_hash %q is not 64 hex digits", v.StateHash)
	}
	return v.StateHash
}

// unchanged fails the test if the state hash moved since before (a refused request
// must change nothing: docs/api.md, docs/matching.md §5).
func (e *testEnv) unchanged(t testing.TB, before string, r *apiResp) {
	t.Helper()
	if after := e.stateHash(); after != before {
		t.Fatalf("%s changed the state: state_hash %s, before %s", r, after, before)
	}
}

// counts are the matcher's object counters: one effect or none.
func (e *testEnv) counts() matcher.Stats {
	var s matcher.Stats
	e.view(func(m *matcher.Matcher) { s = m.Stats() })
	s.AppliedSeq, s.PendingLeaves, s.PendingRegs = 0, 0, 0
	return s
}

// randomSignature is 65 well-formed bytes (v = 27) that no key of the test signed:
// it gets past the shape check and fails recovery or the signer check.
func randomSignature(t testing.TB) string {
	t.Helper()
	b := make([]byte, 65)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	b[0] = 0x01 // r != 0
	b[32] = 0x01
	b[64] = 27
	return hexutil.Encode(b)
}

// authzMarket is one market where every role has objects of its own and objects it is
// not party to (docs/api.md "Conventions" (visibility)).
//
//	smeA  holds R (matched to lenderA's offer OA: match M, listing LR), Q (resting
//	      listing L), F (financeable; split C to smeB) and P (pending_confirmation)
//	smeB  holds C, a fragment of F
//	coreA is the debtor of all of them; coreB of none
//	lenderA: OA (live, on coreA), OC (cancelled, on coreB), party to R through M
//	lenderB: OB (live on coreA), party to nothing
type authzMarket struct {
	cluster                  clusterView
	smeA, smeB, coreA, coreB *testParty
	lenderA, lenderB         *testParty
	R, P, F, C, Q            ReceivableView
	L, LR, M                 string
	OA, OB, OC               offerView
	callers                  map[string]*testParty // by name, the operator included
	badToken, fakeToken      string
}

func newAuthzMarket(e *testEnv) *authzMarket {
	e.t.Helper()
	mk := &authzMarket{cluster: e.cluster("national")}
	mk.smeA = e.sme(mk.cluster.ID, "specialized")
	mk.smeB = e.sme(mk.cluster.ID, "none")
	mk.coreA, mk.coreB = e.core("AAA"), e.core("AA")
	mk.lenderA, mk.lenderB = e.lender(), e.lender()

	// Q rests: listed before any offer, at a rate no offer will quote.
	mk.Q = e.financeable(mk.smeA, mk.coreA, 3_000_000, 120)
	mk.L = e.list(mk.smeA, mk.Q.ID, 1).Listing.ID
	mk.OA = e.offer(mk.lenderA, mk.coreA, 100_000_000, 500)
	mk.R = e.financeable(mk.smeA, mk.coreA, 5_000_000, 90)
	lr := e.list(mk.smeA, mk.R.ID, 2000)
	if lr.Match == nil {
		e.t.Fatalf("listing of R did not match OA: %+v", lr)
	}
	mk.LR, mk.M = lr.Listing.ID, lr.Match.ID
	mk.OB = e.offer(mk.lenderB, mk.coreA, 10_000_000, 9000)
	mk.OC = e.offer(mk.lenderA, mk.coreB, 1_000_000, 600)
	e.mustStatus(e.del(mk.lenderA.Token, "/v1/offers/"+mk.OC.ID), http.StatusOK, nil)
	mk.F = e.financeable(mk.smeA, mk.coreA, 8_000_000, 100)
	mk.C = e.transfer(mk.smeA, mk.F.ID, mk.smeB, 2_000_000)
	e.settleLedger()
	mk.P = e.invoice(mk.smeA, mk.coreA, 1_000_000, 60)

	mk.callers = map[string]*testParty{
		"operator": e.Admin, "smeA": mk.smeA, "smeB": mk.smeB, "coreA": mk.coreA, "coreB": mk.coreB,
		"lenderA": mk.lenderA, "lenderB": mk.lenderB,
	}
	mk.badToken = "not-a-token"
	mk.fakeToken = NewToken() // the shape of a real token, issued to no one
	return mk
}

// callerNames is every authenticated caller of the market, in a stable order.
var callerNames = []string{"operator", "smeA", "smeB", "coreA", "coreB", "lenderA", "lenderB"}

// codeOf is the stable code docs/api.md gives each refusal status in these tests.
func codeOf(status int) matcher.Code {
	switch status {
	case http.StatusBadRequest:
		return matcher.CodeValidation
	case http.StatusUnauthorized:
		return matcher.CodeUnauthorized
	case http.StatusForbidden:
		return matcher.CodeForbidden
	case http.StatusNotFound:
		return matcher.CodeNotFound
	case http.StatusConflict:
		return matcher.CodeInvalidState
	}
	return ""
}

// wantStatus is mustStatus reporting to t (a subtest), not to the env's test.
func wantStatus(t testing.TB, r *apiResp, status int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s, want %d", r, status)
	}
}

// isProblem checks r is a problem of status and code as docs/api.md "Conventions" has
// it: Content-Type application/problem+json; type, title, status, detail and code
// present; status equal to the HTTP status. It reports to t, not to the env's test.
func isProblem(t testing.TB, r *apiResp, status int, code matcher.Code) Problem {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s, want %d %s", r, status, code)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("%s: Content-Type %q, want application/problem+json", r, ct)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("%s: not a JSON object: %v", r, err)
	}
	for _, k := range []string{"type", "title", "status", "detail", "code"} {
		if _, ok := m[k]; !ok {
			t.Fatalf("%s: problem without %q", r, k)
		}
	}
	var p Problem
	if err := json.Unmarshal(r.Body, &p); err != nil {
		t.Fatalf("%s: %v", r, err)
	}
	if p.Status != status || p.Code != code || p.Type == "" || p.Title == "" || p.Detail == "" {
		t.Fatalf("%s: problem status %d code %q, want %d %q, and type, title, detail set", r, p.Status, p.Code, status, code)
	}
	if code == matcher.CodeValidation {
		for _, fe := range p.Errors {
			if fe.Field == "" || fe.Message == "" {
				t.Fatalf("%s: errors[] entry without field or message", r)
			}
		}
	} else if len(p.Errors) > 0 {
		t.Fatalf("%s: errors[] on a %s problem", r, code)
	}
	return p
}

// absentField, as a value in patchJSON, removes the key.
type absentFieldKey struct{}

var absentField = absentFieldKey{}

// patchJSON is a copy of a JSON body with fields set (name, value pairs) or removed
// (value absentField); the base is not changed.
func patchJSON(base map[string]any, kv ...any) map[string]any {
	out := make(map[string]any, len(base))
	for k, v := range base {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == absentField {
			delete(out, kv[i].(string))
			continue
		}
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

// hasField reports whether a validation problem names field in errors[].
func hasField(p Problem, field string) bool {
	for _, fe := range p.Errors {
		if fe.Field == field {
			return true
		}
	}
	return false
}
