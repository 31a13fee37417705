// SPDX-License-Identifier: Apache-2.0

package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/scfx/scfx/matcher"
)

// docs/api.md "Conventions": Idempotency-Key on any POST (and, here, DELETE): a retry
// with the same key and body returns the first response and has no second effect;
// the same key with another body is 409 idempotency_conflict; keys are per caller.

// idemCase is one write, made twice with one key.
type idemCase struct {
	name   string
	caller *testParty
	method string
	path   string
	body   any
	status int
	effect func(before, after matcher.Stats) bool // the one effect the first call has
}

func idemCases(e *testEnv) []idemCase {
	e.t.Helper()
	cl := e.cluster("national")
	smeA, smeB := e.sme(cl.ID, "specialized"), e.sme("", "")
	core, lender := e.core("AAA"), e.lender()
	pending := e.invoice(smeA, core, 1_000_000, 60)
	toSplit := e.financeable(smeA, core, 2_000_000, 90)
	toList := e.financeable(smeA, core, 3_000_000, 90)
	toSettle := e.financeable(smeA, core, 4_000_000, 90)
	resting := e.financeable(smeA, core, 5_000_000, 90)
	restingListing := e.list(smeA, resting.ID, 1).Listing.ID
	offer := e.offer(lender, core, 100_000_000, 500)
	toCancel := e.offer(lender, core, 1_000_000, 9000)
	toFund := e.financeable(smeA, core, 6_000_000, 90)
	match := e.list(smeA, toFund.ID, 2000).Match
	if match == nil || match.OfferID != offer.ID {
		e.t.Fatalf("listing of %s did not match offer %s: %+v", toFund.ID, offer.ID, match)
	}
	salt := newSalt(e.t)
	plus := func(f func(matcher.Stats) uint64) func(b, a matcher.Stats) bool {
		return func(b, a matcher.Stats) bool { return f(a) == f(b)+1 }
	}
	same := func(b, a matcher.Stats) bool { return a == b }
	return []idemCase{
		{name: "POST clusters", caller: e.Admin, method: "POST", path: "/v1/clusters", status: http.StatusCreated,
			body:   map[string]any{"name": "新集群", "county_code": "330206", "level": "national", "industry": "模具", "valid_until": e.date(365)},
			effect: plus(func(s matcher.Stats) uint64 { return s.Clusters })},
		{name: "POST participants", caller: e.Admin, method: "POST", path: "/v1/participants", status: http.StatusCreated,
			body:   map[string]any{"name": "新银行", "uscc": e.newUSCC(), "role": "lender"},
			effect: plus(func(s matcher.Stats) uint64 { return s.Participants })},
		{name: "POST receivables", caller: smeA, method: "POST", path: "/v1/receivables", status: http.StatusCreated,
			body: map[string]any{"debtor_id": core.ID, "invoice_number": e.newInvoiceNumber(), "amount": 1000, "currency": "CNY",
				"issue_date": e.date(0), "due_date": e.date(30)},
			effect: plus(func(s matcher.Stats) uint64 { return s.Receivables })},
		{name: "POST confirm", caller: core, method: "POST", path: "/v1/receivables/" + pending.ID + "/confirm", status: http.StatusOK,
			body: map[string]any{"signature": e.confirmationSignature(core, pending.ID)}, effect: same},
		{name: "POST transfers", caller: smeA, method: "POST", path: "/v1/receivables/" + toSplit.ID + "/transfers", status: http.StatusCreated,
			body: map[string]any{"to_id": smeB.ID, "amount": 700_000, "salt": salt.Hex(),
				"signature": e.transferSignature(smeA, toSplit.ID, smeB, 700_000, salt)},
			effect: plus(func(s matcher.Stats) uint64 { return s.Receivables })},
		{name: "POST listings", caller: smeA, method: "POST", path: "/v1/receivables/" + toList.ID + "/listings", status: http.StatusCreated,
			body: map[string]any{"max_rate_bps": 3000}, effect: plus(func(s matcher.Stats) uint64 { return s.Listings })},
		{name: "POST settle", caller: core, method: "POST", path: "/v1/receivables/" + toSettle.ID + "/settle", status: http.StatusOK,
			body: map[string]any{"reference": "PAY-IDEM-1"}, effect: same},
		{name: "POST offers", caller: lender, method: "POST", path: "/v1/offers", status: http.StatusCreated,
			body:   map[string]any{"core_id": core.ID, "line_amount": 5_000_000, "rates_bps": map[string]int{"A": 800}, "max_tenor_days": 30},
			effect: plus(func(s matcher.Stats) uint64 { return s.Offers })},
		{name: "POST fund", caller: lender, method: "POST", path: "/v1/matches/" + match.ID + "/fund", status: http.StatusOK,
			body: map[string]any{"reference": "SWIFT-IDEM-1"}, effect: same},
		{name: "DELETE listing", caller: smeA, method: "DELETE", path: "/v1/listings/" + restingListing, status: http.StatusOK, effect: same},
		{name: "DELETE offer", caller: lender, method: "DELETE", path: "/v1/offers/" + toCancel.ID, status: http.StatusOK, effect: same},
	}
}

// TestIdempotencySameKeySameBody: the retry answers the first response, status and
// body, marked Idempotent-Replayed, and has no effect of its own.
func TestIdempotencySameKeySameBody(t *testing.T) {
	e := newTestEnv(t, unlimited())
	for i, c := range idemCases(e) {
		t.Run(c.name, func(t *testing.T) {
			key := fmt.Sprintf("idem-%d", i)
			before := e.counts()
			hashBefore := e.stateHash()
			first := e.do(c.method, c.path, c.caller.Token, c.body, "Idempotency-Key", key)
			wantStatus(t, first, c.status)
			if first.Header.Get("Idempotent-Replayed") != "" {
				t.Errorf("%s: the first response is marked Idempotent-Replayed", first)
			}
			afterFirst, hashFirst := e.counts(), e.stateHash()
			if !c.effect(before, afterFirst) {
				t.Fatalf("%s: counts %+v → %+v, not the one effect expected", first, before, afterFirst)
			}
			if hashFirst == hashBefore {
				t.Fatalf("%s: the first request changed nothing", first)
			}
			for n := 0; n < 3; n++ {
				retry := e.do(c.method, c.path, c.caller.Token, c.body, "Idempotency-Key", key)
				if retry.Status != first.Status || !bytes.Equal(retry.Body, replayOf(t, first.Body)) {
					t.Fatalf("retry %d: %s\nfirst: %s", n, retry, first)
				}
				if retry.Header.Get("Idempotent-Replayed") != "true" {
					t.Errorf("%s: retry not marked Idempotent-Replayed: true", retry)
				}
			}
			if got := e.counts(); got != afterFirst {
				t.Fatalf("retries had an effect: counts %+v, after the first %+v", got, afterFirst)
			}
			if got := e.stateHash(); got != hashFirst {
				t.Fatalf("retries changed the state: %s, after the first %s", got, hashFirst)
			}
			// Without the key the same request is a new one: refused or a second
			// object, never the first response replayed.
			again := e.do(c.method, c.path, c.caller.Token, c.body)
			if again.Header.Get("Idempotent-Replayed") != "" {
				t.Fatalf("%s: replayed without an Idempotency-Key", again)
			}
		})
	}
}

// TestIdempotencyOtherBody: the same key with another body, method or path is 409
// idempotency_conflict, and changes nothing.
func TestIdempotencyOtherBody(t *testing.T) {
	e := newTestEnv(t, unlimited())
	sme, core := e.sme("", ""), e.core("AA")
	body := map[string]any{"debtor_id": core.ID, "invoice_number": e.newInvoiceNumber(), "amount": 1000, "currency": "CNY",
		"issue_date": e.date(0), "due_date": e.date(30)}
	const key = "order-42"
	first := e.do("POST", "/v1/receivables", sme.Token, body, "Idempotency-Key", key)
	wantStatus(t, first, http.StatusCreated)
	for _, c := range []struct {
		name         string
		method, path string
		body         any
	}{
		{"other amount", "POST", "/v1/receivables", patchJSON(body, "amount", 1001)},
		{"other invoice", "POST", "/v1/receivables", patchJSON(body, "invoice_number", e.newInvoiceNumber())},
		{"same JSON, other spacing", "POST", "/v1/receivables", " " + jsonOf(t, body)},
		{"same fields, other order", "POST", "/v1/receivables", reorderedJSON(t, body)},
		{"other path", "POST", "/v1/receivables/" + first.decodeID(t) + "/listings", map[string]any{"max_rate_bps": 100}},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := e.counts()
			hash := e.stateHash()
			r := e.do(c.method, c.path, sme.Token, c.body, "Idempotency-Key", key)
			isProblem(t, r, http.StatusConflict, matcher.CodeIdempotencyConflict)
			if got := e.counts(); got != before {
				t.Fatalf("%s: counts %+v, before %+v", r, got, before)
			}
			e.unchanged(t, hash, r)
		})
	}
	// The key still answers its first request.
	r := e.do("POST", "/v1/receivables", sme.Token, body, "Idempotency-Key", key)
	if r.Status != first.Status || !bytes.Equal(r.Body, first.Body) {
		t.Fatalf("after conflicts: %s, want the first %s", r, first)
	}
}

// decodeID is the "id" of a JSON object body.
func (r *apiResp) decodeID(t testing.TB) string {
	t.Helper()
	var v struct {
		ID string `json:"id"`
	}
	r.decode(t, &v)
	if v.ID == "" {
		t.Fatalf("%s: no id", r)
	}
	return v.ID
}

// reorderedJSON writes body's fields in reverse key order: the same JSON value,
// other bytes. The request hash covers the bytes, so this is another body.
func reorderedJSON(t testing.TB, body map[string]any) string {
	t.Helper()
	keys := make([]string, 0, len(body))
	for k := range body {
		keys = append(keys, k)
	}
	for i := 0; i < len(keys); i++ {
		for j := i + 1; j < len(keys); j++ {
			if keys[j] > keys[i] {
				keys[i], keys[j] = keys[j], keys[i]
			}
		}
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s:%s", jsonOf(t, k), jsonOf(t, body[k]))
	}
	b.WriteByte('}')
	return b.String()
}

// TestIdempotencyKeysPerCaller: one key used by two callers is two keys.
func TestIdempotencyKeysPerCaller(t *testing.T) {
	e := newTestEnv(t, unlimited())
	core := e.core("AAA")
	smeA, smeB := e.sme("", ""), e.sme("", "")
	const key = "shared-key-1"
	body := map[string]any{"debtor_id": core.ID, "invoice_number": e.newInvoiceNumber(), "amount": 1000, "currency": "CNY",
		"issue_date": e.date(0), "due_date": e.date(30)}
	before := e.counts()
	a := e.do("POST", "/v1/receivables", smeA.Token, body, "Idempotency-Key", key)
	wantStatus(t, a, http.StatusCreated)
	// The same key and the same bytes from another SME: its own invoice (another
	// creditor, so another fingerprint), not smeA's answer and not a conflict.
	b := e.do("POST", "/v1/receivables", smeB.Token, body, "Idempotency-Key", key)
	wantStatus(t, b, http.StatusCreated)
	if b.Header.Get("Idempotent-Replayed") != "" || a.decodeID(t) == b.decodeID(t) {
		t.Fatalf("smeB's request was answered with smeA's: %s / %s", a, b)
	}
	var rb ReceivableView
	b.decode(t, &rb)
	if rb.HolderID != smeB.ID {
		t.Fatalf("smeB's receivable is held by %s", rb.HolderID)
	}
	// Another body from a third caller under the same key: no conflict either.
	lender := e.lender()
	o := e.do("POST", "/v1/offers", lender.Token, map[string]any{"core_id": core.ID, "line_amount": 1000, "rates_bps": map[string]int{"A": 100}, "max_tenor_days": 30},
		"Idempotency-Key", key)
	wantStatus(t, o, http.StatusCreated)
	c := e.do("POST", "/v1/clusters", e.Admin.Token, map[string]any{"name": "集群", "county_code": "330206", "level": "national", "industry": "模具", "valid_until": e.date(365)},
		"Idempotency-Key", key)
	wantStatus(t, c, http.StatusCreated)
	after := e.counts()
	if after.Receivables != before.Receivables+2 || after.Offers != before.Offers+1 || after.Clusters != before.Clusters+1 {
		t.Fatalf("counts %+v → %+v, want two receivables, an offer and a cluster", before, after)
	}
	// Each caller's retry still gets its own first answer.
	for _, x := range []struct {
		p     *testParty
		first *apiResp
	}{{smeA, a}, {smeB, b}} {
		r := e.do("POST", "/v1/receivables", x.p.Token, body, "Idempotency-Key", key)
		if !bytes.Equal(r.Body, x.first.Body) {
			t.Fatalf("retry as %s: %s, want %s", x.p.ID, r, x.first)
		}
	}
}

// replayOf is what an idempotent replay answers for a first answer: the same, but a
// token is never shown twice: token left out, token_shown false.
func replayOf(t *testing.T, first []byte) []byte {
	t.Helper()
	if !bytes.Contains(first, []byte(`"token_shown":true`)) {
		return first
	}
	var v map[string]json.RawMessage
	if err := json.Unmarshal(first, &v); err != nil {
		t.Fatal(err)
	}
	tok := string(v["token"])
	out := bytes.Replace(first, []byte(`,"token":`+tok), nil, 1)
	return bytes.Replace(out, []byte(`"token_shown":true`), []byte(`"token_shown":false`), 1)
}

// TestIdempotencyParticipantToken: POST /v1/participants with a key answers a retry
// with the same participant but not the token (a token comes from
// crypto/rand only and is shown once; nothing kept can recompute it), and the token
// of the first answer works.
func TestIdempotencyParticipantToken(t *testing.T) {
	e := newTestEnv(t, unlimited())
	body := map[string]any{"name": "重试银行", "uscc": e.newUSCC(), "role": "lender"}
	first := e.do("POST", "/v1/participants", e.Admin.Token, body, "Idempotency-Key", "onboard-1")
	var p1 participantView
	e.mustStatus(first, http.StatusCreated, &p1)
	retry := e.do("POST", "/v1/participants", e.Admin.Token, body, "Idempotency-Key", "onboard-1")
	var p2 participantView
	e.mustStatus(retry, http.StatusCreated, &p2)
	if p1.Token == "" || p1.TokenShown == nil || !*p1.TokenShown {
		t.Fatalf("first = %s, want the token and token_shown: true", first)
	}
	if p2.Token != "" || p2.TokenShown == nil || *p2.TokenShown || p2.ID != p1.ID || !bytes.Equal(retry.Body, replayOf(t, first.Body)) {
		t.Fatalf("retry = %s, want the first %s without its token, token_shown: false", retry, first)
	}
	var me participantView
	e.getJSON(p1.Token, "/v1/participants/"+p1.ID, &me)
	if me.ID != p1.ID || me.Token != "" {
		t.Fatalf("GET /v1/participants/%s with its token = %+v", p1.ID, me)
	}
	// Another key, another participant, another token; no key, a random token.
	other := e.do("POST", "/v1/participants", e.Admin.Token, patchJSON(body, "uscc", e.newUSCC()), "Idempotency-Key", "onboard-2")
	var p3 participantView
	e.mustStatus(other, http.StatusCreated, &p3)
	if p3.Token == p1.Token || p3.ID == p1.ID {
		t.Fatalf("another key gave the same participant or token: %+v", p3)
	}
	e.mustStatus(e.get(p3.Token, "/v1/participants/"+p3.ID), http.StatusOK, nil)
	// The first token is not the second's.
	isProblem(t, e.get(p1.Token, "/v1/participants/"+p3.ID), http.StatusNotFound, matcher.CodeNotFound)
	// The same key with the uscc changed: a conflict, no participant, no token.
	before := e.counts()
	r := e.do("POST", "/v1/participants", e.Admin.Token, patchJSON(body, "uscc", e.newUSCC()), "Idempotency-Key", "onboard-1")
	isProblem(t, r, http.StatusConflict, matcher.CodeIdempotencyConflict)
	if e.counts() != before {
		t.Fatal("a conflicting retry created a participant")
	}
}

// TestIdempotencyConcurrentRetries: many copies of one request at once, one key:
// one effect, one answer.
func TestIdempotencyConcurrentRetries(t *testing.T) {
	e := newTestEnv(t, unlimited())
	sme, core := e.sme("", ""), e.core("AA")
	body := jsonOf(t, map[string]any{"debtor_id": core.ID, "invoice_number": e.newInvoiceNumber(), "amount": 1000, "currency": "CNY",
		"issue_date": e.date(0), "due_date": e.date(30)})
	before := e.counts()
	const n = 16
	type answer struct {
		status int
		body   []byte
		err    error
	}
	answers := make([]answer, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, err := http.NewRequest("POST", e.URL+"/v1/receivables", bytes.NewReader([]byte(body)))
			if err != nil {
				answers[i].err = err
				return
			}
			req.Header.Set("Authorization", "Bearer "+sme.Token)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", "burst-1")
			resp, err := e.client.Do(req)
			if err != nil {
				answers[i].err = err
				return
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			answers[i] = answer{resp.StatusCode, b, err}
		}()
	}
	wg.Wait()
	for i, a := range answers {
		if a.err != nil {
			t.Fatalf("request %d: %v", i, a.err)
		}
		if a.status != http.StatusCreated || !bytes.Equal(a.body, answers[0].body) {
			t.Fatalf("request %d = %d %s, request 0 = %d %s", i, a.status, a.body, answers[0].status, answers[0].body)
		}
	}
	if after := e.counts(); after.Receivables != before.Receivables+1 {
		t.Fatalf("%d concurrent retries made %d receivables, want 1", n, after.Receivables-before.Receivables)
	}
}

// TestIdempotencyRetryAfterLedgerWork: a confirmation retried after the anchorer
// has anchored it answers the first response's receivable (status confirmed, the
// same terms, signature, score and anchors — byte for byte) and has no second effect.
func TestIdempotencyRetryAfterLedgerWork(t *testing.T) {
	e := newTestEnv(t, unlimited())
	sme, core := e.sme("", ""), e.core("AAA")
	r := e.invoice(sme, core, 1_000_000, 60)
	body := map[string]any{"signature": e.confirmationSignature(core, r.ID)}
	first := e.do("POST", "/v1/receivables/"+r.ID+"/confirm", core.Token, body, "Idempotency-Key", "confirm-1")
	e.mustStatus(first, http.StatusOK, nil)
	e.settleLedger()
	if st := e.receivable(core.Token, r.ID).Status; st != string(matcher.StatusFinanceable) {
		t.Fatalf("after the ledger answered: %s, want financeable", st)
	}
	hash := e.stateHash()
	retry := e.do("POST", "/v1/receivables/"+r.ID+"/confirm", core.Token, body, "Idempotency-Key", "confirm-1")
	e.mustStatus(retry, http.StatusOK, nil)
	if got, want := string(retry.Body), string(first.Body); got != want {
		t.Errorf("retry after anchoring:\n got %s\nwant %s", got, want)
	}
	e.unchanged(t, hash, retry)
}
