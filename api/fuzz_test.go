// SPDX-License-Identifier: Apache-2.0

package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzRouter sends random requests — method, path, query, body, token, headers —
// through the router (Server.ServeHTTP, no network) and checks that nothing is ever
// a 5xx or a panic, and that every 4xx is a well-formed problem (docs/api.md
// "Conventions"). The seed corpus is real requests on a real market; "{R}"-style
// placeholders in a path or body are replaced by the market's ids, so the fuzzer
// mutates requests that reach the handlers and the state machine, not only the 404
// of an unknown path.
//
//	go test ./api -run '^$' -fuzz '^FuzzRouter$' -fuzztime 30s
func FuzzRouter(f *testing.F) {
	e := newTestEnv(f, unlimited(), withoutOpenAPIValidation())
	mk := newAuthzMarket(e)
	tokens := []string{"", "not-a-token", e.Admin.Token, mk.smeA.Token, mk.smeB.Token, mk.coreA.Token, mk.coreB.Token, mk.lenderA.Token, mk.lenderB.Token}
	ids := strings.NewReplacer(
		"{R}", mk.R.ID, "{P}", mk.P.ID, "{F}", mk.F.ID, "{C}", mk.C.ID, "{Q}", mk.Q.ID,
		"{L}", mk.L, "{LR}", mk.LR, "{M}", mk.M, "{OA}", mk.OA.ID, "{OB}", mk.OB.ID, "{OC}", mk.OC.ID,
		"{CL}", mk.cluster.ID, "{SMEA}", mk.smeA.ID, "{SMEB}", mk.smeB.ID, "{COREA}", mk.coreA.ID, "{COREB}", mk.coreB.ID,
		"{LENDERA}", mk.lenderA.ID, "{TODAY}", e.date(0), "{DUE}", e.date(60), "{SALT}", newSalt(f).Hex(),
		"{SIG}", randomSignature(f), "{USCC}", e.newUSCC(),
	)
	const (
		op, smeA, smeB, coreA, coreB, lenderA, lenderB = 2, 3, 4, 5, 6, 7, 8
	)
	seeds := []struct {
		method, path, body string
		token              uint8
		key, contentType   string
	}{
		{"GET", "/healthz", "", 0, "", ""},
		{"GET", "/readyz", "", 0, "", ""},
		{"GET", "/metrics", "", 0, "", ""},
		{"GET", "/openapi.json", "", 0, "", ""},
		{"GET", "/", "", 0, "", ""},
		{"GET", "/v1/node", "", op, "", ""},
		{"GET", "/v1/ledger", "", smeA, "", ""},
		{"POST", "/v1/clusters", `{"name":"集群","county_code":"330206","level":"national","industry":"模具","valid_until":"{DUE}"}`, op, "k1", "application/json"},
		{"GET", "/v1/clusters?limit=2&cursor=1", "", smeB, "", ""},
		{"GET", "/v1/clusters/{CL}", "", lenderA, "", ""},
		{"POST", "/v1/participants", `{"name":"企业","uscc":"{USCC}","role":"sme","address":"0x00000000000000000000000000000000000000a1","cluster_id":"{CL}","certification":"innovative","certification_valid_until":"{DUE}"}`, op, "", "application/json"},
		{"POST", "/v1/participants", `{"name":"核心","uscc":"{USCC}","role":"core","address":"0x00000000000000000000000000000000000000a2","rating":"AA+"}`, op, "k2", ""},
		{"GET", "/v1/participants?limit=500", "", op, "", ""},
		{"GET", "/v1/participants/{SMEA}", "", smeA, "", ""},
		{"POST", "/v1/receivables", `{"debtor_id":"{COREA}","invoice_number":"INV-FUZZ-0001","amount":100000,"currency":"CNY","issue_date":"{TODAY}","due_date":"{DUE}"}`, smeA, "", "application/json"},
		{"POST", "/v1/receivables", `{"debtor_id":"{COREA}","invoice_number":"INV-FUZZ-0002","amount":1.5,"currency":"CNY","issue_date":"{TODAY}","due_date":"{DUE}"}`, smeB, "k3", ""},
		{"GET", "/v1/receivables?status=financeable&limit=1", "", coreA, "", ""},
		{"GET", "/v1/receivables/{R}", "", lenderA, "", ""},
		{"GET", "/v1/receivables/{P}/typed-data", "", coreA, "", ""},
		{"POST", "/v1/receivables/{P}/confirm", `{"signature":"{SIG}"}`, coreA, "", "application/json"},
		{"POST", "/v1/receivables/{F}/transfers", `{"to_id":"{SMEB}","amount":1000,"salt":"{SALT}","signature":"{SIG}"}`, smeA, "k4", ""},
		{"GET", "/v1/receivables/{F}/transfers/typed-data?to_id={SMEB}&amount=1000&salt={SALT}", "", smeA, "", ""},
		{"POST", "/v1/receivables/{F}/listings", `{"max_rate_bps":800}`, smeA, "", ""},
		{"POST", "/v1/receivables/{R}/settle", `{"reference":"PAY-1"}`, coreA, "", ""},
		{"GET", "/v1/receivables/{C}/proof?kind=transfer", "", smeB, "", ""},
		{"GET", "/v1/receivables/{R}/proof?kind=assignment", "", coreA, "", ""},
		{"GET", "/v1/listings/{L}", "", smeA, "", ""},
		{"DELETE", "/v1/listings/{L}", "", smeA, "", ""},
		{"DELETE", "/v1/listings/{LR}", "", coreB, "k5", ""},
		{"POST", "/v1/offers", `{"core_id":"{COREA}","line_amount":1000000,"rates_bps":{"A":300,"B":400,"C":500},"min_score":100,"max_tenor_days":180,"min_ticket":1,"max_ticket":1000000,"cluster_ids":["{CL}"],"min_certification":"innovative"}`, lenderB, "", ""},
		{"GET", "/v1/offers/{OA}", "", lenderA, "", ""},
		{"DELETE", "/v1/offers/{OC}", "", lenderA, "", ""},
		{"GET", "/v1/matches?limit=10", "", smeA, "", ""},
		{"GET", "/v1/matches/{M}", "", coreA, "", ""},
		{"POST", "/v1/matches/{M}/fund", `{"reference":"SWIFT-1"}`, lenderA, "", ""},
		{"GET", "/v1/books/{COREA}?limit=3", "", lenderB, "", ""},
		{"PUT", "/v1/offers/{OA}", `{}`, lenderA, "", ""},
		{"PATCH", "/v1/receivables/{R}", `{"amount":1}`, op, "", ""},
		{"OPTIONS", "/v1/receivables", "", smeA, "", ""},
		{"HEAD", "/v1/node", "", op, "", ""},
		{"GET", "/v1/receivables/../node", "", op, "", ""},
		{"GET", "/v1//receivables", "", op, "", ""},
		{"GET", "/v1/receivables/", "", op, "", ""},
		{"GET", "/v1/receivables/%00", "", op, "", ""},
		{"POST", "/v1/clusters", `{"name":"` + strings.Repeat("x", 300) + `"}`, op, strings.Repeat("k", 300), "text/plain"},
		{"POST", "/v1/offers", `[{"core_id":1}]`, lenderA, "", ""},
		{"POST", "/v1/offers", `{"rates_bps":{"a":1,"A":2,"A":3}}`, lenderA, "", ""},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, []byte(s.body), s.token, s.key, s.contentType)
	}
	f.Fuzz(func(t *testing.T, method, path string, body []byte, token uint8, key, contentType string) {
		if len(body) > 2*MaxBodyBytes || len(path) > 8<<10 {
			return
		}
		path = ids.Replace(path)
		body = []byte(ids.Replace(string(body)))
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		req, err := http.NewRequest(method, "http://scfx.test"+path, bytes.NewReader(body))
		if err != nil {
			return // not a request a client could send
		}
		if tok := tokens[int(token)%len(tokens)]; tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		if key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
		if contentType == "" {
			contentType = "application/json" // most seeds: so that the body is read, not refused with 415
		}
		req.Header.Set("Content-Type", contentType)
		rec := httptest.NewRecorder()
		e.Server.ServeHTTP(rec, req) // a panic fails the fuzz target
		if rec.Code >= 500 {
			t.Fatalf("%s %s (token %d, body %q) = %d %s", method, path, token%uint8(len(tokens)), body, rec.Code, rec.Body)
		}
		if rec.Code < 400 || method == http.MethodHead {
			return
		}
		if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
			t.Fatalf("%s %s = %d with Content-Type %q, want application/problem+json", method, path, rec.Code, ct)
		}
		var p Problem
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
			t.Fatalf("%s %s = %d: problem does not decode: %v: %s", method, path, rec.Code, err, rec.Body)
		}
		if p.Status != rec.Code || p.Code == "" || p.Type == "" || p.Title == "" {
			t.Fatalf("%s %s = %d: problem %+v", method, path, rec.Code, p)
		}
		if want, ok := statusOf[p.Code]; !ok || want != rec.Code {
			t.Fatalf("%s %s = %d with code %q (status %d in docs/api.md)", method, path, rec.Code, p.Code, want)
		}
	})
}
