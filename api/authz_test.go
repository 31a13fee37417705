// SPDX-License-Identifier: Apache-2.0

package api

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/scfx/scfx/matcher"
)

// The authorization matrix of docs/api.md ("Auth", "Visibility" and each endpoint's
// role): every endpoint, called by no token, a bad token and every role, on an
// object of the caller's own and on another party's. Expected:
//
//   - no or bad token: 401 unauthorized, on every /v1 endpoint;
//   - an object the caller is not party to does not exist for it: 404 not_found;
//   - a visible object (or an endpoint) on which the caller's role may not act:
//     403 forbidden;
//   - a caller that may act gets past authorization: for a write it is sent a body
//     that is well formed but breaks a field rule, and answers 400 (or 409 when the
//     object's state refuses it), so that no allowed row changes anything either.
//
// After every refused request the state is unchanged (GET /v1/node's state_hash).

// authzEndpoint is one endpoint on one object and what each caller gets.
type authzEndpoint struct {
	name         string
	method, path string
	body         any            // sent by callers expected to be refused (a valid request)
	probe        any            // sent by callers expected to answer 400: well formed, one field bad
	want         map[string]int // caller name → status; a caller not listed is not called
}

// allCallers is a want map giving every authenticated caller the same status.
func allCallers(status int) map[string]int {
	m := map[string]int{}
	for _, c := range callerNames {
		m[c] = status
	}
	return m
}

// callersOnly is a want map: the callers named get status, every other authenticated caller other.
func callersOnly(status int, callers []string, other int) map[string]int {
	m := allCallers(other)
	for _, c := range callers {
		m[c] = status
	}
	return m
}

// wantWith overrides some callers of a want map.
func wantWith(m map[string]int, kv ...any) map[string]int {
	out := map[string]int{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1].(int)
	}
	return out
}

// wantWithout drops callers from a want map (a call that would change the state).
func wantWithout(m map[string]int, callers ...string) map[string]int {
	out := wantWith(m)
	for _, c := range callers {
		delete(out, c)
	}
	return out
}

func authzEndpoints(e *testEnv, mk *authzMarket) []authzEndpoint {
	const (
		ok        = http.StatusOK
		forbidden = http.StatusForbidden
		notFound  = http.StatusNotFound
		invalid   = http.StatusBadRequest
		conflict  = http.StatusConflict
	)
	salt := newSalt(e.t)
	transferQuery := url.Values{"to_id": {mk.smeB.ID}, "amount": {"1000"}, "salt": {salt.Hex()}}.Encode()
	clusterBody := map[string]any{"name": "新集群", "county_code": "330206", "level": "national", "industry": "模具", "valid_until": e.date(365)}
	participantBody := map[string]any{"name": "新银行", "uscc": e.newUSCC(), "role": "lender"}
	invoiceBody := map[string]any{"debtor_id": mk.coreA.ID, "invoice_number": e.newInvoiceNumber(), "amount": 1000,
		"currency": "CNY", "issue_date": e.date(0), "due_date": e.date(30)}
	offerBody := map[string]any{"core_id": mk.coreA.ID, "line_amount": 1_000_000, "rates_bps": map[string]int{"A": 100}, "max_tenor_days": 90}
	transferBody := map[string]any{"to_id": mk.smeB.ID, "amount": 1000, "salt": salt.Hex(), "signature": randomSignature(e.t)}
	confirmBody := map[string]any{"signature": randomSignature(e.t)}
	rcv := func(id string) string { return "/v1/receivables/" + id }

	eps := []authzEndpoint{
		// Operator.
		{name: "POST clusters", method: "POST", path: "/v1/clusters", body: clusterBody,
			probe: patchJSON(clusterBody, "level", "county"), want: callersOnly(invalid, []string{"operator"}, forbidden)},
		{name: "GET clusters", method: "GET", path: "/v1/clusters", want: allCallers(ok)},
		{name: "GET cluster", method: "GET", path: "/v1/clusters/" + mk.cluster.ID, want: allCallers(ok)},
		{name: "POST participants", method: "POST", path: "/v1/participants", body: participantBody,
			probe: patchJSON(participantBody, "role", "king"), want: callersOnly(invalid, []string{"operator"}, forbidden)},
		{name: "GET participants", method: "GET", path: "/v1/participants", want: allCallers(ok)},
		{name: "GET node", method: "GET", path: "/v1/node", want: callersOnly(ok, []string{"operator"}, forbidden)},

		// Receivables: R is smeA's, debtor coreA, matched to lenderA.
		{name: "POST receivables", method: "POST", path: "/v1/receivables", body: invoiceBody,
			probe: patchJSON(invoiceBody, "amount", 0), want: callersOnly(invalid, []string{"smeA", "smeB"}, forbidden)},
		{name: "GET receivables", method: "GET", path: "/v1/receivables", want: allCallers(ok)},
		{name: "GET receivable R", method: "GET", path: rcv(mk.R.ID),
			want: callersOnly(ok, []string{"operator", "smeA", "coreA", "lenderA"}, notFound)},
		{name: "GET receivable C (fragment)", method: "GET", path: rcv(mk.C.ID),
			want: callersOnly(ok, []string{"operator", "smeB", "coreA"}, notFound)},
		{name: "GET typed-data P", method: "GET", path: rcv(mk.P.ID) + "/typed-data",
			want: callersOnly(ok, []string{"operator", "smeA", "coreA"}, notFound)},
		{name: "GET transfer typed-data F", method: "GET", path: rcv(mk.F.ID) + "/transfers/typed-data?" + transferQuery,
			want: callersOnly(ok, []string{"operator", "smeA", "coreA"}, notFound)},
		{name: "GET proof R", method: "GET", path: rcv(mk.R.ID) + "/proof",
			want: callersOnly(ok, []string{"operator", "smeA", "coreA", "lenderA"}, notFound)},
		{name: "GET proof C transfer", method: "GET", path: rcv(mk.C.ID) + "/proof?kind=transfer",
			want: callersOnly(ok, []string{"operator", "smeB", "coreA"}, notFound)},

		// Confirm: the debtor core only.
		{name: "POST confirm P", method: "POST", path: rcv(mk.P.ID) + "/confirm", body: confirmBody,
			probe: map[string]any{"signature": "0x12"},
			want:  wantWith(allCallers(notFound), "coreA", invalid, "operator", forbidden, "smeA", forbidden)},
		{name: "POST confirm R (matched)", method: "POST", path: rcv(mk.R.ID) + "/confirm", body: confirmBody,
			want: wantWith(allCallers(notFound), "coreA", conflict, "operator", forbidden, "smeA", forbidden, "lenderA", forbidden)},

		// Transfer and list: the holder SME only.
		{name: "POST transfers F", method: "POST", path: rcv(mk.F.ID) + "/transfers", body: transferBody,
			probe: patchJSON(transferBody, "amount", 0),
			want:  wantWith(allCallers(notFound), "smeA", invalid, "operator", forbidden, "coreA", forbidden)},
		{name: "POST transfers R (matched)", method: "POST", path: rcv(mk.R.ID) + "/transfers", body: transferBody,
			want: wantWith(allCallers(notFound), "smeA", conflict, "operator", forbidden, "coreA", forbidden, "lenderA", forbidden)},
		{name: "POST transfers C (fragment)", method: "POST", path: rcv(mk.C.ID) + "/transfers",
			body: patchJSON(transferBody, "to_id", mk.smeA.ID), probe: patchJSON(transferBody, "to_id", mk.coreA.ID),
			want: wantWith(allCallers(notFound), "smeB", invalid, "operator", forbidden, "coreA", forbidden)},
		{name: "POST listings F", method: "POST", path: rcv(mk.F.ID) + "/listings", body: map[string]any{"max_rate_bps": 800},
			probe: map[string]any{"max_rate_bps": 0},
			want:  wantWith(allCallers(notFound), "smeA", invalid, "operator", forbidden, "coreA", forbidden)},
		{name: "POST listings R (matched)", method: "POST", path: rcv(mk.R.ID) + "/listings", body: map[string]any{"max_rate_bps": 800},
			want: wantWith(allCallers(notFound), "smeA", conflict, "operator", forbidden, "coreA", forbidden, "lenderA", forbidden)},

		// Settle: the debtor core, on a tier-1 receivable.
		{name: "POST settle R", method: "POST", path: rcv(mk.R.ID) + "/settle", body: map[string]any{"reference": "PAY-1"},
			probe: map[string]any{"reference": ""},
			want:  wantWith(allCallers(notFound), "coreA", invalid, "operator", forbidden, "smeA", forbidden, "lenderA", forbidden)},
		{name: "POST settle C (fragment)", method: "POST", path: rcv(mk.C.ID) + "/settle", body: map[string]any{"reference": "PAY-1"},
			want: wantWith(allCallers(notFound), "coreA", conflict, "operator", forbidden, "smeB", forbidden)},

		// Listings: visible to their holder and the operator.
		{name: "GET listing L", method: "GET", path: "/v1/listings/" + mk.L, want: callersOnly(ok, []string{"operator", "smeA"}, notFound)},
		{name: "DELETE listing L (resting)", method: "DELETE", path: "/v1/listings/" + mk.L,
			want: wantWithout(wantWith(allCallers(notFound), "operator", forbidden), "smeA")},
		{name: "DELETE listing LR (matched)", method: "DELETE", path: "/v1/listings/" + mk.LR,
			want: wantWith(allCallers(notFound), "smeA", conflict, "operator", forbidden)},

		// Offers: visible to their lender and the operator.
		{name: "POST offers", method: "POST", path: "/v1/offers", body: offerBody,
			probe: patchJSON(offerBody, "line_amount", 0), want: callersOnly(invalid, []string{"lenderA", "lenderB"}, forbidden)},
		{name: "GET offers", method: "GET", path: "/v1/offers", want: allCallers(ok)},
		{name: "GET offer OA", method: "GET", path: "/v1/offers/" + mk.OA.ID, want: callersOnly(ok, []string{"operator", "lenderA"}, notFound)},
		{name: "GET offer OB", method: "GET", path: "/v1/offers/" + mk.OB.ID, want: callersOnly(ok, []string{"operator", "lenderB"}, notFound)},
		{name: "DELETE offer OA (live)", method: "DELETE", path: "/v1/offers/" + mk.OA.ID,
			want: wantWithout(wantWith(allCallers(notFound), "operator", forbidden), "lenderA")},
		{name: "DELETE offer OC (cancelled)", method: "DELETE", path: "/v1/offers/" + mk.OC.ID,
			want: wantWith(allCallers(notFound), "lenderA", conflict, "operator", forbidden)},

		// Matches: visible to the lender, the holder and the debtor.
		{name: "GET matches", method: "GET", path: "/v1/matches", want: allCallers(ok)},
		{name: "GET match M", method: "GET", path: "/v1/matches/" + mk.M,
			want: callersOnly(ok, []string{"operator", "lenderA", "smeA", "coreA"}, notFound)},
		{name: "POST fund M", method: "POST", path: "/v1/matches/" + mk.M + "/fund", body: map[string]any{"reference": "SWIFT-1"},
			probe: map[string]any{"reference": ""},
			want:  wantWith(allCallers(notFound), "lenderA", invalid, "operator", forbidden, "smeA", forbidden, "coreA", forbidden)},

		// Books: lenders and the operator.
		{name: "GET book coreA", method: "GET", path: "/v1/books/" + mk.coreA.ID,
			want: callersOnly(ok, []string{"operator", "lenderA", "lenderB"}, forbidden)},
		{name: "GET book of a non-core", method: "GET", path: "/v1/books/" + mk.smeA.ID,
			want: callersOnly(notFound, []string{"operator", "lenderA", "lenderB"}, forbidden)},

		// Ledger: anyone with a token.
		{name: "GET ledger", method: "GET", path: "/v1/ledger", want: allCallers(ok)},

		// Objects that exist for no one but the operator's view of nothing.
		{name: "GET receivable (no such id)", method: "GET", path: rcv("rcv_999999"), want: allCallers(notFound)},
		{name: "POST confirm (no such id)", method: "POST", path: rcv("rcv_999999") + "/confirm", body: confirmBody, want: allCallers(notFound)},
		{name: "POST fund (no such id)", method: "POST", path: "/v1/matches/mat_999999/fund", body: map[string]any{"reference": "X"}, want: allCallers(notFound)},
	}
	// Participants: each sees itself; the operator sees all.
	for _, who := range []string{"smeA", "coreA", "lenderA"} {
		eps = append(eps, authzEndpoint{
			name: "GET participant " + who, method: "GET", path: "/v1/participants/" + mk.callers[who].ID,
			want: callersOnly(ok, []string{"operator", who}, notFound),
		})
	}
	return eps
}

func TestAuthzMatrix(t *testing.T) {
	e := newTestEnv(t, unlimited())
	mk := newAuthzMarket(e)
	eps := authzEndpoints(e, mk)
	tokens := map[string]string{"no token": "", "bad token": mk.badToken, "unknown token": mk.fakeToken}
	for _, ep := range eps {
		// Every /v1 endpoint: no or bad token is 401, whatever the object.
		for _, name := range []string{"no token", "bad token", "unknown token"} {
			t.Run(ep.name+"/"+name, func(t *testing.T) {
				before := e.stateHash()
				r := e.do(ep.method, ep.path, tokens[name], ep.body)
				isProblem(t, r, http.StatusUnauthorized, codeOf(http.StatusUnauthorized))
				if !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("%s: WWW-Authenticate %q, want a Bearer challenge", r, r.Header.Get("WWW-Authenticate"))
				}
				e.unchanged(t, before, r)
			})
		}
		callers := make([]string, 0, len(ep.want))
		for c := range ep.want {
			callers = append(callers, c)
		}
		sort.Slice(callers, func(i, j int) bool {
			return slices.Index(callerNames, callers[i]) < slices.Index(callerNames, callers[j])
		})
		for _, caller := range callers {
			want := ep.want[caller]
			t.Run(fmt.Sprintf("%s/%s=%d", ep.name, caller, want), func(t *testing.T) {
				body := ep.body
				if want == http.StatusBadRequest {
					body = ep.probe
				}
				before := e.stateHash()
				r := e.do(ep.method, ep.path, mk.callers[caller].Token, body)
				if want == http.StatusOK {
					wantStatus(t, r, http.StatusOK)
				} else {
					isProblem(t, r, want, codeOf(want))
				}
				e.unchanged(t, before, r)
			})
		}
	}
}

// TestAuthzAuthorizationHeader: only "Bearer <token>" authenticates (docs/api.md "Authentication").
func TestAuthzAuthorizationHeader(t *testing.T) {
	e := newTestEnv(t)
	sme := e.sme("", "")
	for _, tc := range []struct {
		name, header string
		want         int
	}{
		{"bearer", "Bearer " + sme.Token, http.StatusOK},
		{"no scheme", sme.Token, http.StatusUnauthorized},
		{"basic", "Basic " + sme.Token, http.StatusUnauthorized},
		{"empty bearer", "Bearer ", http.StatusUnauthorized},
		{"bearer only", "Bearer", http.StatusUnauthorized},
		{"token with suffix", "Bearer " + sme.Token + "x", http.StatusUnauthorized},
		{"token prefix", "Bearer " + sme.Token[:len(sme.Token)-1], http.StatusUnauthorized},
		{"token hash", "Bearer " + HashToken(sme.Token), http.StatusUnauthorized},
		{"long token", "Bearer " + strings.Repeat("a", 10_000), http.StatusUnauthorized},
		{"admin token prefix", "Bearer " + testAdminToken[:10], http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do("GET", "/v1/participants/"+sme.ID, "", nil, "Authorization", tc.header)
			if tc.want == http.StatusOK {
				wantStatus(t, r, http.StatusOK)
				return
			}
			isProblem(t, r, tc.want, codeOf(tc.want))
		})
	}
}

// TestAuthzServiceEndpoints: the service endpoints need no token (docs/api.md, "Endpoints").
func TestAuthzServiceEndpoints(t *testing.T) {
	e := newTestEnv(t)
	for _, path := range []string{"/healthz", "/readyz", "/metrics", "/openapi.json", "/"} {
		for _, token := range []string{"", "not-a-token"} {
			t.Run(fmt.Sprintf("%s/token=%q", path, token), func(t *testing.T) {
				wantStatus(t, e.get(token, path), http.StatusOK)
			})
		}
	}
}

// TestAuthzMetricsToken: with --metrics-token, /metrics needs it (docs/api.md, "Endpoints").
func TestAuthzMetricsToken(t *testing.T) {
	e := newTestEnv(t, withAPIConfig(func(c *Config) { c.MetricsToken = "metrics-secret" }))
	e.wantProblem(e.get("", "/metrics"), http.StatusUnauthorized, codeOf(http.StatusUnauthorized))
	e.wantProblem(e.get("wrong", "/metrics"), http.StatusUnauthorized, codeOf(http.StatusUnauthorized))
	e.mustStatus(e.get("metrics-secret", "/metrics"), http.StatusOK, nil)
	e.mustStatus(e.get("", "/healthz"), http.StatusOK, nil)
}

// TestAuthzListsScoped: a list shows only what the caller is party to (docs/api.md "Lists and cursors").
func TestAuthzListsScoped(t *testing.T) {
	e := newTestEnv(t, unlimited())
	mk := newAuthzMarket(e)
	type page struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
		NextCursor *string `json:"next_cursor"`
	}
	ids := func(caller, path string) []string {
		t.Helper()
		var p page
		e.getJSON(mk.callers[caller].Token, path+"?limit=500", &p)
		if p.NextCursor != nil {
			t.Fatalf("GET %s as %s: next_cursor %q on a short list", path, caller, *p.NextCursor)
		}
		out := []string{}
		for _, it := range p.Items {
			out = append(out, it.ID)
		}
		sort.Strings(out)
		return out
	}
	sorted := func(s ...string) []string { sort.Strings(s); return append([]string{}, s...) }
	all := sorted(mk.R.ID, mk.P.ID, mk.F.ID, mk.C.ID, mk.Q.ID)
	for _, tc := range []struct {
		caller, path string
		want         []string
	}{
		{"operator", "/v1/receivables", all},
		{"coreA", "/v1/receivables", all},
		{"smeA", "/v1/receivables", sorted(mk.R.ID, mk.P.ID, mk.F.ID, mk.Q.ID)},
		{"smeB", "/v1/receivables", sorted(mk.C.ID)},
		{"lenderA", "/v1/receivables", sorted(mk.R.ID)},
		{"coreB", "/v1/receivables", sorted()},
		{"lenderB", "/v1/receivables", sorted()},
		{"operator", "/v1/matches", sorted(mk.M)},
		{"lenderA", "/v1/matches", sorted(mk.M)},
		{"smeA", "/v1/matches", sorted(mk.M)},
		{"coreA", "/v1/matches", sorted(mk.M)},
		{"smeB", "/v1/matches", sorted()},
		{"coreB", "/v1/matches", sorted()},
		{"lenderB", "/v1/matches", sorted()},
		{"operator", "/v1/offers", sorted(mk.OA.ID, mk.OB.ID, mk.OC.ID)},
		{"lenderA", "/v1/offers", sorted(mk.OA.ID, mk.OC.ID)},
		{"lenderB", "/v1/offers", sorted(mk.OB.ID)},
		{"smeA", "/v1/offers", sorted()},
		{"coreA", "/v1/offers", sorted()},
		{"smeA", "/v1/participants", sorted(mk.smeA.ID)},
		{"coreB", "/v1/participants", sorted(mk.coreB.ID)},
		{"lenderB", "/v1/participants", sorted(mk.lenderB.ID)},
	} {
		t.Run(tc.caller+" "+tc.path, func(t *testing.T) {
			if got := ids(tc.caller, tc.path); !slices.Equal(got, tc.want) {
				t.Fatalf("GET %s as %s = %v, want %v", tc.path, tc.caller, got, tc.want)
			}
		})
	}
	if got := ids("operator", "/v1/participants"); len(got) != 6 {
		t.Fatalf("GET /v1/participants as the operator = %v, want all 6", got)
	}
}

// TestForbiddenSaysWhichRole: a 403 for the wrong role names the caller's role and
// the one the route needs (no "a operator").
func TestForbiddenSaysWhichRole(t *testing.T) {
	e := newTestEnv(t)
	p := e.wantProblem(e.post(e.Admin.Token, "/v1/receivables", map[string]any{"debtor_id": "par_1"}), http.StatusForbidden, matcher.CodeForbidden)
	if want := "the operator role may not do this; it needs the sme role"; p.Detail != want {
		t.Fatalf("detail %q, want %q", p.Detail, want)
	}
}
