// SPDX-License-Identifier: Apache-2.0

package baseline

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestHandlerAnswers: the baseline answers every route the bench loads byte for byte
// as below: a receivable in the JSON shape of scfx's api.ReceivableView, setup calls
// with fake ids and a fake token, and strict decoding (unknown fields, trailing data)
// refused as scfx refuses it.
func TestHandlerAnswers(t *testing.T) {
	h := Handler()
	for _, tc := range []struct {
		method, path, body string
		status             int
		contentType, want  string
	}{
		{"GET", "/healthz", "", 200, "application/json; charset=utf-8", "{\"status\":\"ok\"}"},
		{"POST", "/v1/clusters", "{\"name\":\"bench X\",\"level\":\"national\"}", 201, "application/json; charset=utf-8", "{\"id\":\"cls_1\",\"level\":\"national\",\"name\":\"bench X\",\"token\":\"baseline-token\"}"},
		{"POST", "/v1/participants", "{\"role\":\"sme\",\"uscc\":\"91330100MA2X00001X\"}", 201, "application/json; charset=utf-8", "{\"id\":\"par_1\",\"role\":\"sme\",\"token\":\"baseline-token\",\"uscc\":\"91330100MA2X00001X\"}"},
		{"POST", "/v1/receivables", "{\"debtor_id\":\"par_9\",\"invoice_number\":\"AB12-00000001\",\"amount\":1000000,\"currency\":\"CNY\",\"issue_date\":\"2026-12-06\",\"due_date\":\"2027-03-06\"}", 201, "application/json; charset=utf-8", "{\"id\":\"rcv_1\",\"parent_id\":null,\"tier\":1,\"creditor_id\":\"par_2\",\"holder_id\":\"par_2\",\"assignee_id\":null,\"debtor_id\":\"par_9\",\"invoice_number\":\"AB12-00000001\",\"fingerprint\":\"0xa6aeff0216a8b81e00b4ce864b7614174f4d9e1e7496b1012c770352349b8ae5\",\"amount\":1000000,\"remaining\":1000000,\"currency\":\"CNY\",\"issue_date\":\"2026-12-06\",\"due_date\":\"2027-03-06\",\"status\":\"pending_confirmation\",\"score\":0,\"score_band\":\"D\",\"score_components\":[{\"name\":\"eligibility\",\"value\":0,\"reason\":\"not financeable while pending_confirmation\"}],\"score_policy\":\"chain-position/v1\",\"confirmation\":null,\"anchors\":[],\"created_at\":\"2026-01-01T00:00:00.000Z\",\"reject_reason\":null,\"credited\":0,\"paid_to_holder\":0,\"credit_notes\":[],\"payments\":[]}"},
		{"POST", "/v1/receivables", "{\"debtor_id\":\"par_9\",\"bogus\":1}", 400, "application/problem+json", "{\"code\":\"validation_failed\",\"detail\":\"json: unknown field \\\"bogus\\\"\",\"status\":400,\"title\":\"Validation failed\",\"type\":\"about:blank\"}"},
		{"POST", "/v1/receivables", "{\"debtor_id\":\"par_9\"} {}", 400, "application/problem+json", "{\"code\":\"validation_failed\",\"detail\":\"trailing data after the JSON object\",\"status\":400,\"title\":\"Validation failed\",\"type\":\"about:blank\"}"},
		{"POST", "/v1/clusters", "[1]", 400, "application/json; charset=utf-8", "{\"code\":\"validation_failed\",\"detail\":\"json: cannot unmarshal array into Go value of type map[string]interface {}\"}"},
		{"GET", "/v1/receivables/rcv_42", "", 200, "application/json; charset=utf-8", "{\"id\":\"rcv_42\",\"parent_id\":null,\"tier\":1,\"creditor_id\":\"par_2\",\"holder_id\":\"par_2\",\"assignee_id\":null,\"debtor_id\":\"par_1\",\"invoice_number\":\"INV-00000001\",\"fingerprint\":\"0xa6aeff0216a8b81e00b4ce864b7614174f4d9e1e7496b1012c770352349b8ae5\",\"amount\":1000000,\"remaining\":1000000,\"currency\":\"CNY\",\"issue_date\":\"2026-01-01\",\"due_date\":\"2026-04-01\",\"status\":\"pending_confirmation\",\"score\":0,\"score_band\":\"D\",\"score_components\":[{\"name\":\"eligibility\",\"value\":0,\"reason\":\"not financeable while pending_confirmation\"}],\"score_policy\":\"chain-position/v1\",\"confirmation\":null,\"anchors\":[],\"created_at\":\"2026-01-01T00:00:00.000Z\",\"reject_reason\":null,\"credited\":0,\"paid_to_holder\":0,\"credit_notes\":[],\"payments\":[]}"},
		{"GET", "/v1/receivables?limit=50", "", 200, "application/json; charset=utf-8", "{\"items\":[],\"next_cursor\":null}"},
		{"GET", "/v1/books/par_1", "", 200, "application/json; charset=utf-8", "{\"core_id\":\"par_1\",\"listings\":[],\"quotes\":[]}"},
		{"GET", "/v1/nothing", "", 404, "text/plain", "404 page not found"},
	} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body)))
		if w.Code != tc.status || w.Header().Get("Content-Type") != tc.contentType || w.Body.String() != tc.want {
			t.Errorf("%s %s %s = %d %q %s\nwant %d %q %s", tc.method, tc.path, tc.body,
				w.Code, w.Header().Get("Content-Type"), w.Body.String(), tc.status, tc.contentType, tc.want)
		}
	}
}

// TestHandlerBodyLimit: a body over scfx's limit is refused.
func TestHandlerBodyLimit(t *testing.T) {
	big := `{"debtor_id":"` + strings.Repeat("x", bodyMax) + `"}`
	w := httptest.NewRecorder()
	Handler().ServeHTTP(w, httptest.NewRequest("POST", "/v1/receivables", strings.NewReader(big)))
	if w.Code != 400 || !strings.Contains(w.Body.String(), "too large") {
		t.Errorf("POST /v1/receivables with %d bytes = %d %.200s, want 400 (too large)", len(big), w.Code, w.Body.String())
	}
}
