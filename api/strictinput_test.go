// SPDX-License-Identifier: Apache-2.0

package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/scfx/scfx/matcher"
)

// The strict edges of a request: a body says it is JSON, is one
// JSON object, is valid UTF-8; an id has one spelling; an error repeats at most 64
// bytes of what it was sent.

// postTyped sends body to path with exactly the Content-Type given ("": none at all).
func postTyped(t *testing.T, e *testEnv, path, token, contentType string, body []byte) *apiResp {
	t.Helper()
	req, err := http.NewRequest("POST", e.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
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

// TestBadInputContentType: a body that is not declared application/json (charset
// utf-8 at most) is 415 unsupported_media_type and changes nothing — a form post
// (curl -d without -H) and a missing Content-Type too; the JSON spellings pass.
func TestBadInputContentType(t *testing.T) {
	e := newTestEnv(t, unlimited())
	body := []byte(jsonOf(t, map[string]any{"name": "新集群", "county_code": "330206", "level": "national", "industry": "模具", "valid_until": e.date(365)}))
	for _, ct := range []string{
		"", "application/x-www-form-urlencoded", "application/xml", "text/plain", "text/json",
		"application/json; charset=latin1", "application/json; charset=utf-8; boundary=x",
		"application/jsonx", "multipart/form-data; boundary=x", "application/json;;",
	} {
		t.Run("refused "+ct, func(t *testing.T) {
			before := e.stateHash()
			r := postTyped(t, e, "/v1/clusters", e.Admin.Token, ct, body)
			isProblem(t, r, http.StatusUnsupportedMediaType, CodeUnsupportedMediaType)
			e.unchanged(t, before, r)
		})
	}
	for _, ct := range []string{"application/json", "application/json; charset=utf-8", "Application/JSON; Charset=UTF-8"} {
		t.Run("accepted "+ct, func(t *testing.T) {
			wantStatus(t, postTyped(t, e, "/v1/clusters", e.Admin.Token, ct, body), http.StatusCreated)
		})
	}
	t.Run("no body, no type: the body is what is missing", func(t *testing.T) {
		isProblem(t, postTyped(t, e, "/v1/clusters", e.Admin.Token, "", nil), http.StatusBadRequest, matcher.CodeValidation)
	})
}

// TestBadInputNotAnObject: null, an array or a scalar is 400 "must be a JSON
// object", not a request with every field missing.
func TestBadInputNotAnObject(t *testing.T) {
	e := newTestEnv(t, unlimited())
	w := newAuthzMarket(e)
	for _, body := range []string{"null", " null ", "[]", "[{}]", "42", `"x"`, "true", "false"} {
		for path, caller := range map[string]*testParty{
			"/v1/clusters": e.Admin, "/v1/offers": w.lenderA, "/v1/receivables/" + w.F.ID + "/listings": w.smeA,
		} {
			t.Run(path+" "+body, func(t *testing.T) {
				before := e.stateHash()
				r := e.post(caller.Token, path, []byte(body))
				p := isProblem(t, r, http.StatusBadRequest, matcher.CodeValidation)
				if !strings.Contains(p.Detail, "must be a JSON object") {
					t.Errorf("%s: detail %q, want it to say the body must be a JSON object", r, p.Detail)
				}
				e.unchanged(t, before, r)
			})
		}
	}
}

// TestBadInputInvalidUTF8: a string that is not valid UTF-8 — raw bytes or a lone
// surrogate escape — is 400, never stored with U+FFFD in its place; a surrogate
// pair is a character and passes.
func TestBadInputInvalidUTF8(t *testing.T) {
	e := newTestEnv(t, unlimited())
	cluster := func(name string) []byte {
		return []byte(`{"name":"` + name + `","county_code":"330206","level":"national","industry":"模具","valid_until":"` + e.date(365) + `"}`)
	}
	for name, body := range map[string][]byte{
		"raw 0xff":             cluster("集群\xff"),
		"truncated rune":       cluster("集群\xe6\xa8"),
		"overlong slash":       cluster("a\xc0\xafb"),
		"lone high surrogate":  cluster(`a\ud800b`),
		"lone low surrogate":   cluster(`a\udc00b`),
		"high then not low":    cluster(`a\ud800\u0041`),
		"high at the end":      cluster(`a\ud83d`),
		"UTF-16 surrogate raw": cluster("a\xed\xa0\x80b"),
	} {
		t.Run(name, func(t *testing.T) {
			before := e.stateHash()
			r := e.post(e.Admin.Token, "/v1/clusters", body)
			isProblem(t, r, http.StatusBadRequest, matcher.CodeValidation)
			e.unchanged(t, before, r)
		})
	}
	t.Run("surrogate pair and escaped backslash pass", func(t *testing.T) {
		var v clusterView
		e.mustStatus(e.post(e.Admin.Token, "/v1/clusters", cluster(`\ud83d\ude00 \\ud800`)), http.StatusCreated, &v)
		if v.Name != `😀 \ud800` {
			t.Fatalf("name = %q, want %q", v.Name, `😀 \ud800`)
		}
	})
}

// TestIDsAreCanonical: an id has one spelling. rcv_01 is not rcv_1: a path id in
// any other spelling is 404 not_found, an id in a body or query is 400 naming the
// field, and nothing changes.
func TestIDsAreCanonical(t *testing.T) {
	e := newTestEnv(t, unlimited())
	w := newAuthzMarket(e)
	if w.F.ID != "rcv_4" && !strings.HasPrefix(w.F.ID, "rcv_") {
		t.Fatalf("receivable id %q is not rcv_<n>", w.F.ID)
	}
	alias := func(id string) string { p, n, _ := strings.Cut(id, "_"); return p + "_0" + n }
	wantStatus(t, e.get(w.smeA.Token, "/v1/receivables/"+w.F.ID), http.StatusOK)
	for _, id := range []string{alias(w.F.ID), "rcv_00" + strings.TrimPrefix(w.F.ID, "rcv_"), "rcv_+" + strings.TrimPrefix(w.F.ID, "rcv_"),
		w.F.ID + "x", "RCV_" + strings.TrimPrefix(w.F.ID, "rcv_"), "rcv_0", "rcv_", "rcv_18446744073709551617", w.F.ID + "%20"} {
		t.Run("GET "+id, func(t *testing.T) {
			isProblem(t, e.get(w.smeA.Token, "/v1/receivables/"+id), http.StatusNotFound, matcher.CodeNotFound)
		})
	}
	salt := newSalt(t)
	cases := []badCase{
		{name: "confirm", caller: w.coreA, method: "POST", path: "/v1/receivables/" + alias(w.P.ID) + "/confirm",
			body: map[string]string{"signature": e.confirmationSignature(w.coreA, w.P.ID)}, status: 404, code: matcher.CodeNotFound},
		{name: "fund", caller: w.lenderA, method: "POST", path: "/v1/matches/" + alias(w.M) + "/fund",
			body: map[string]string{"reference": "SWIFT-1"}, status: 404, code: matcher.CodeNotFound},
		{name: "cancel offer", caller: w.lenderA, method: "DELETE", path: "/v1/offers/" + alias(w.OA.ID), status: 404, code: matcher.CodeNotFound},
		{name: "book", caller: w.lenderA, method: "GET", path: "/v1/books/" + alias(w.coreA.ID), status: 404, code: matcher.CodeNotFound},
		{name: "transfer to_id", caller: w.smeA, method: "POST", path: "/v1/receivables/" + w.F.ID + "/transfers",
			body: map[string]any{"to_id": alias(w.smeB.ID), "amount": 1000, "salt": salt.Hex(),
				"signature": e.transferSignature(w.smeA, w.F.ID, w.smeB, 1000, salt)}, status: 400, code: matcher.CodeValidation, field: "to_id"},
		{name: "receivable debtor_id", caller: w.smeA, method: "POST", path: "/v1/receivables",
			body: map[string]any{"debtor_id": alias(w.coreA.ID), "invoice_number": e.newInvoiceNumber(), "amount": 1000,
				"currency": "CNY", "issue_date": e.date(0), "due_date": e.date(30)}, status: 400, code: matcher.CodeValidation, field: "debtor_id"},
		{name: "offer core_id", caller: w.lenderB, method: "POST", path: "/v1/offers",
			body:   map[string]any{"core_id": alias(w.coreA.ID), "line_amount": 1000, "rates_bps": map[string]int{"A": 500}, "max_tenor_days": 90},
			status: 400, code: matcher.CodeValidation, field: "core_id"},
		{name: "offer cluster_ids", caller: w.lenderB, method: "POST", path: "/v1/offers",
			body: map[string]any{"core_id": w.coreA.ID, "line_amount": 1000, "rates_bps": map[string]int{"A": 500}, "max_tenor_days": 90,
				"cluster_ids": []string{alias(w.cluster.ID)}}, status: 400, code: matcher.CodeValidation, field: "cluster_ids"},
		{name: "participant cluster_id", caller: e.Admin, method: "POST", path: "/v1/participants",
			body:   map[string]any{"name": "别名", "uscc": e.newUSCC(), "role": "lender", "cluster_id": alias(w.cluster.ID)},
			status: 400, code: matcher.CodeValidation, field: "cluster_id"},
		{name: "transfer typed-data to_id", caller: w.smeA, method: "GET",
			path:   "/v1/receivables/" + w.F.ID + "/transfers/typed-data?amount=1000&salt=" + salt.Hex() + "&to_id=" + alias(w.smeB.ID),
			status: 400, code: matcher.CodeValidation, field: "to_id"},
	}
	runBadCases(t, e, cases)
}

// TestErrorsEchoAtMost64Bytes: what a client sent comes back in a problem cut to 64
// bytes (on a rune boundary, with an ellipsis) — in detail and in errors[].
func TestErrorsEchoAtMost64Bytes(t *testing.T) {
	e := newTestEnv(t, unlimited())
	long := strings.Repeat("票据", 2000) // 12,000 bytes, 3 per rune
	valid := map[string]any{"name": "新集群", "county_code": "330206", "level": "national", "industry": "模具", "valid_until": e.date(365)}
	key := strings.Repeat("k", 255)
	wantStatus(t, e.do("POST", "/v1/clusters", e.Admin.Token, valid, "Idempotency-Key", key), http.StatusCreated)
	for name, r := range map[string]*apiResp{
		"unknown field": e.post(e.Admin.Token, "/v1/clusters", []byte(`{"`+long+`":1}`)),
		"bad date":      e.post(e.Admin.Token, "/v1/clusters", patchJSON(valid, "valid_until", long)),
		"number as a string field": e.post(e.Admin.Token, "/v1/clusters",
			[]byte(`{"name":1.`+strings.Repeat("5", 10_000)+`}`)),
		"idempotency key": e.do("POST", "/v1/clusters", e.Admin.Token, patchJSON(valid, "name", "别的"), "Idempotency-Key", key),
		"content type":    postTyped(t, e, "/v1/clusters", e.Admin.Token, "text/"+strings.Repeat("x", 2000), []byte("{}")),
	} {
		t.Run(name, func(t *testing.T) {
			if r.Status < 400 {
				t.Fatalf("%s: want an error", r)
			}
			var p Problem
			if err := json.Unmarshal(r.Body, &p); err != nil {
				t.Fatalf("%s: %v", r, err)
			}
			texts := []string{p.Detail}
			for _, f := range p.Errors {
				texts = append(texts, f.Field, f.Message)
			}
			for _, s := range texts {
				if !utf8.ValidString(s) {
					t.Errorf("%s: %q is not valid UTF-8", r, s)
				}
				for _, in := range []string{long, key, strings.Repeat("5", 100), strings.Repeat("x", 100)} {
					if strings.Contains(s, in[:65]) {
						t.Errorf("%s: %q repeats more than 64 bytes of the input", r, s)
					}
				}
				if len(s) > 300 {
					t.Errorf("%s: a problem text of %d bytes", r, len(s))
				}
			}
		})
	}
	if got := clip(strings.Repeat("票", 30)); got != strings.Repeat("票", 21)+"…" {
		t.Errorf("clip(30 × 票) = %q, want 21 × 票 and …", got)
	}
	if got := clip(strings.Repeat("a", 64)); got != strings.Repeat("a", 64) {
		t.Errorf("clip(64 bytes) = %q, want it whole", got)
	}
}
