// SPDX-License-Identifier: Apache-2.0

package api

// Bad input beyond the field rules: malformed bodies, the body limit, the
// Idempotency-Key header, the edges of each rule and the rate limit.

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/scfx/scfx/matcher"
)

// jsonOf is v as JSON text, to edit into bodies encoding/json would not write.
func jsonOf(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestBadInputMalformedBodies: what is not one JSON object of the right shape is 400
// validation_failed, on every POST, and changes nothing (a body that does not say it
// is JSON: TestBadInputContentType).
func TestBadInputMalformedBodies(t *testing.T) {
	e := newTestEnv(t, unlimited())
	w := newAuthzMarket(e)
	valid := jsonOf(t, map[string]any{"name": "新集群", "county_code": "330206", "level": "national", "industry": "模具", "valid_until": e.date(365)})
	bodies := []struct {
		name, body, contentType, field string
	}{
		{"empty", "", "", ""},
		{"whitespace", "  \n ", "", ""},
		{"truncated", valid[:len(valid)-5], "", ""},
		{"open brace", "{", "", ""},
		{"not JSON", "hello", "", ""},
		{"array", "[" + valid + "]", "", ""},
		{"string", `"` + valid + `"`, "", ""},
		{"number", "42", "", ""},
		{"null", "null", "", ""},
		{"two objects", valid + valid, "", ""},
		{"trailing object", valid + " {}", "", ""},
		{"trailing garbage", valid + "x", "", ""},
		{"trailing brace", valid + "}", "", ""},
		{"trailing bracket", valid + "]", "", ""},
		{"trailing comma", strings.TrimSuffix(valid, "}") + ",}", "", ""},
		{"single quotes", strings.ReplaceAll(valid, `"`, `'`), "", ""},
		{"comment", "/* c */" + valid, "", ""},
		{"duplicate key", strings.TrimSuffix(valid, "}") + `,"level":"provincial"}`, "", "level"},
		{"invalid UTF-8", "{\"name\":\"\xff\xfe\"}", "", ""},
		{"BOM", "\ufeff" + valid, "", ""},
		{"nested too deep", strings.Repeat("[", 10_000) + strings.Repeat("]", 10_000), "", ""},
	}
	var cases []badCase
	for _, b := range bodies {
		c := badCase{name: "POST clusters/" + b.name, caller: e.Admin, method: "POST", path: "/v1/clusters",
			body: []byte(b.body), status: http.StatusBadRequest, code: matcher.CodeValidation, field: b.field}
		if b.contentType != "" {
			c.headers = []string{"Content-Type", b.contentType}
		}
		cases = append(cases, c)
	}
	// Every write endpoint refuses a malformed body before anything else.
	for _, path := range []string{
		"/v1/participants", "/v1/receivables/" + w.P.ID + "/confirm", "/v1/receivables/" + w.F.ID + "/transfers",
		"/v1/receivables/" + w.F.ID + "/listings", "/v1/receivables/" + w.R.ID + "/settle", "/v1/matches/" + w.M + "/fund",
		"/v1/offers", "/v1/receivables",
	} {
		caller := map[string]*testParty{
			"/v1/participants": e.Admin, "/v1/offers": w.lenderA, "/v1/receivables": w.smeA,
			"/v1/receivables/" + w.P.ID + "/confirm": w.coreA, "/v1/receivables/" + w.R.ID + "/settle": w.coreA,
			"/v1/matches/" + w.M + "/fund": w.lenderA,
		}[path]
		if caller == nil {
			caller = w.smeA
		}
		for _, b := range []struct{ name, body string }{
			{"malformed", `{"a":`}, {"trailing data", `{} {}`}, {"array", `[]`}, {"unknown field", `{"zzz":1}`},
		} {
			c := badCase{name: "POST " + path + "/" + b.name, caller: caller, method: "POST", path: path,
				body: []byte(b.body), status: http.StatusBadRequest, code: matcher.CodeValidation}
			if b.name == "unknown field" {
				c.field = "zzz"
			}
			cases = append(cases, c)
		}
	}
	runBadCases(t, e, cases)
}

// TestBadInputBodyLimit: a body over 1 MiB is 413 payload_too_large, whether its
// length is announced or not; a body of exactly 1 MiB is read.
func TestBadInputBodyLimit(t *testing.T) {
	e := newTestEnv(t, unlimited())
	valid := jsonOf(t, map[string]any{"name": "新集群", "county_code": "330206", "level": "national", "industry": "模具", "valid_until": e.date(365)})
	pad := func(n int) []byte { return []byte(valid + strings.Repeat(" ", n-len(valid))) }

	t.Run("over 1 MiB with Content-Length", func(t *testing.T) {
		before := e.stateHash()
		r := e.do("POST", "/v1/clusters", e.Admin.Token, pad(MaxBodyBytes+1))
		isProblem(t, r, http.StatusRequestEntityTooLarge, matcher.CodePayloadTooLarge)
		e.unchanged(t, before, r)
	})
	t.Run("10 MiB with Content-Length", func(t *testing.T) {
		before := e.stateHash()
		r := e.do("POST", "/v1/clusters", e.Admin.Token, pad(10*MaxBodyBytes))
		isProblem(t, r, http.StatusRequestEntityTooLarge, matcher.CodePayloadTooLarge)
		e.unchanged(t, before, r)
	})
	t.Run("over 1 MiB chunked", func(t *testing.T) {
		before := e.stateHash()
		r := rawPost(t, e, "/v1/clusters", e.Admin.Token, io.MultiReader(bytes.NewReader(pad(MaxBodyBytes+1))), -1)
		isProblem(t, r, http.StatusRequestEntityTooLarge, matcher.CodePayloadTooLarge)
		e.unchanged(t, before, r)
	})
	t.Run("exactly 1 MiB is read", func(t *testing.T) {
		r := e.do("POST", "/v1/clusters", e.Admin.Token, pad(MaxBodyBytes))
		wantStatus(t, r, http.StatusCreated)
	})
	t.Run("exactly 1 MiB chunked is read", func(t *testing.T) {
		r := rawPost(t, e, "/v1/clusters", e.Admin.Token, io.MultiReader(bytes.NewReader(pad(MaxBodyBytes))), -1)
		wantStatus(t, r, http.StatusCreated)
	})
}

// rawPost sends a body of the given length (-1: unknown, sent chunked).
func rawPost(t *testing.T, e *testEnv, path, token string, body io.Reader, length int64) *apiResp {
	t.Helper()
	req, err := http.NewRequest("POST", e.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = length
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &apiResp{Method: "POST", Path: path, Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// TestBadInputIdempotencyKeyHeader: a key that is not 1–255 printable ASCII
// characters is refused before anything is done.
func TestBadInputIdempotencyKeyHeader(t *testing.T) {
	e := newTestEnv(t, unlimited())
	body := map[string]any{"name": "新集群", "county_code": "330206", "level": "national", "industry": "模具", "valid_until": e.date(365)}
	var cases []badCase
	for name, key := range map[string]string{
		"too long": strings.Repeat("k", 256), "space": "my key", "tab": "my\tkey", "non-ASCII": "键-1",
	} {
		cases = append(cases, badCase{name: name, caller: e.Admin, method: "POST", path: "/v1/clusters", body: body,
			headers: []string{"Idempotency-Key", key}, status: http.StatusBadRequest, code: matcher.CodeValidation, field: "Idempotency-Key"})
	}
	runBadCases(t, e, cases)
	r := e.do("POST", "/v1/clusters", e.Admin.Token, body, "Idempotency-Key", strings.Repeat("k", 255))
	wantStatus(t, r, http.StatusCreated)
}

// TestBadInputBoundariesAccepted: the edges of each rule are inside it.
func TestBadInputBoundariesAccepted(t *testing.T) {
	e := newTestEnv(t, unlimited())
	sme, core := e.sme("", ""), e.core("AAA")
	invoice := func(kv ...any) map[string]any {
		return patchJSON(map[string]any{"debtor_id": core.ID, "invoice_number": e.newInvoiceNumber(), "amount": 1,
			"currency": "CNY", "issue_date": e.date(0), "due_date": e.date(1)}, kv...)
	}
	for name, body := range map[string]map[string]any{
		"amount 10^15":      invoice("amount", int64(1_000_000_000_000_000)),
		"amount 1":          invoice(),
		"invoice number 8":  invoice("invoice_number", "ABCD-123"),
		"invoice number 20": invoice("invoice_number", "ABCDEFGHIJ-123456789"),
		"term 365 days":     invoice("issue_date", e.date(-10), "due_date", e.date(355)),
		"due tomorrow":      invoice("issue_date", e.date(-1), "due_date", e.date(1)),
		"amount 1000":       invoice("amount", 1000),
	} {
		t.Run(name, func(t *testing.T) {
			wantStatus(t, e.post(sme.Token, "/v1/receivables", body), http.StatusCreated)
		})
	}
	key, _ := crypto.GenerateKey()
	lower := strings.ToLower(crypto.PubkeyToAddress(key.PublicKey).Hex())
	t.Run("address lower case", func(t *testing.T) {
		r := e.post(e.Admin.Token, "/v1/participants", map[string]any{"name": "小写", "uscc": e.newUSCC(), "role": "sme", "address": lower})
		wantStatus(t, r, http.StatusCreated)
	})
	t.Run("limit 501 is clamped", func(t *testing.T) {
		wantStatus(t, e.get(e.Admin.Token, "/v1/receivables?limit=501"), http.StatusOK)
	})
	t.Run("rates_bps A only, max_tenor_days 365", func(t *testing.T) {
		lender := e.lender()
		r := e.post(lender.Token, "/v1/offers", map[string]any{"core_id": core.ID, "line_amount": 1, "rates_bps": map[string]int{"A": 10_000}, "max_tenor_days": 365})
		wantStatus(t, r, http.StatusCreated)
	})
}

// TestBadInputRateLimit: a server with 1 request per second and a burst of 2 answers
// the third quick request of one token with 429 rate_limited and Retry-After; other
// tokens have buckets of their own; a refused write changes nothing.
func TestBadInputRateLimit(t *testing.T) {
	e := newTestEnv(t, withAPIConfig(func(c *Config) { c.RatePerSecond, c.RateBurst = 1, 2 }))
	sme := e.sme("", "") // the operator's first request
	path := "/v1/participants/" + sme.ID
	wantStatus(t, e.get(sme.Token, path), http.StatusOK)
	wantStatus(t, e.get(sme.Token, path), http.StatusOK)
	r := e.get(sme.Token, path)
	isProblem(t, r, http.StatusTooManyRequests, matcher.CodeRateLimited)
	ra, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || ra < 1 || ra > 2 {
		t.Fatalf("%s: Retry-After %q, want 1 or 2 seconds", r, r.Header.Get("Retry-After"))
	}
	// No token is not a token: 401, whatever the buckets.
	isProblem(t, e.get("", path), http.StatusUnauthorized, matcher.CodeUnauthorized)

	// The operator's bucket is its own: it still holds a request or two. Writes until
	// one is refused; the refused one changes nothing.
	body := map[string]any{"name": "新集群", "county_code": "330206", "level": "national", "industry": "模具", "valid_until": e.date(365)}
	var limited *apiResp
	var hashBefore string
	var clustersBefore uint64
	for i := 0; i < 5 && limited == nil; i++ {
		e.view(func(m *matcher.Matcher) { h := m.StateHash(); hashBefore = hexLower(h[:]) })
		clustersBefore = e.counts().Clusters
		if r := e.post(e.Admin.Token, "/v1/clusters", body); r.Status == http.StatusTooManyRequests {
			limited = r
		} else {
			wantStatus(t, r, http.StatusCreated)
		}
	}
	if limited == nil {
		t.Fatal("5 quick POSTs at 1/s with a burst of 2: none was rate limited")
	}
	isProblem(t, limited, http.StatusTooManyRequests, matcher.CodeRateLimited)
	if limited.Header.Get("Retry-After") == "" {
		t.Fatalf("%s: no Retry-After", limited)
	}
	if got := e.counts().Clusters; got != clustersBefore {
		t.Fatalf("a rate-limited POST made a cluster: %d, before %d", got, clustersBefore)
	}
	// After Retry-After the token may ask again.
	time.Sleep(time.Duration(ra) * time.Second)
	wantStatus(t, e.get(sme.Token, path), http.StatusOK)
	if got := e.stateHash(); got != hashBefore {
		t.Fatalf("a rate-limited POST changed the state: %s, before %s", got, hashBefore)
	}
}
