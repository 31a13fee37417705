// SPDX-License-Identifier: Apache-2.0

package api

// Tests of the two lists a client needs to show names and act on what it holds
// (docs/api.md, "Lists and cursors"): GET /v1/directory and GET /v1/listings.

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/scfx/scfx/matcher"
)

// Any caller sees every participant's id, name, role, address and status, and no
// more; ?role= narrows it; a bad role is refused.
func TestDirectoryNamesEveryParticipant(t *testing.T) {
	e := newTestEnv(t)
	core, sme, lender := e.core("AAA"), e.sme("", ""), e.lender()
	for _, caller := range []*testParty{sme, core, lender} {
		var got page[directoryView]
		e.getJSON(caller.Token, "/v1/directory", &got)
		if len(got.Items) != 3 || got.NextCursor != nil {
			t.Fatalf("%s: GET /v1/directory = %+v, want 3 entries on one page", caller.Role, got)
		}
		byID := map[string]directoryView{}
		for _, d := range got.Items {
			byID[d.ID] = d
		}
		for _, p := range []*testParty{core, sme, lender} {
			d, ok := byID[p.ID]
			if !ok || d.Name != p.View.Name || d.Role != p.Role || d.Status != matcher.StatusActive {
				t.Errorf("%s sees %s as %+v, want name %q role %s", caller.Role, p.ID, d, p.View.Name, p.Role)
			}
			if p.Role == string(matcher.RoleLender) {
				if d.Address != nil {
					t.Errorf("lender %s has address %q, want null", p.ID, *d.Address)
				}
			} else if d.Address == nil || *d.Address != p.Address.Hex() {
				t.Errorf("%s's address = %v, want %s", p.ID, d.Address, p.Address.Hex())
			}
		}
	}
	// No USCC, cluster or token leaves through the directory.
	r := e.get(sme.Token, "/v1/directory")
	for _, secret := range []string{core.USCC, lender.USCC, "uscc", "token"} {
		if bytes.Contains(r.Body, []byte(secret)) {
			t.Errorf("GET /v1/directory shows %q: %s", secret, r.Body)
		}
	}
	var cores page[directoryView]
	e.getJSON(sme.Token, "/v1/directory?role=core", &cores)
	if len(cores.Items) != 1 || cores.Items[0].ID != core.ID {
		t.Errorf("GET /v1/directory?role=core = %+v, want only %s", cores.Items, core.ID)
	}
	var first page[directoryView]
	e.getJSON(sme.Token, "/v1/directory?limit=2", &first)
	if len(first.Items) != 2 || first.NextCursor == nil {
		t.Fatalf("limit=2: %+v, want 2 entries and a cursor", first)
	}
	var rest page[directoryView]
	e.getJSON(sme.Token, "/v1/directory?limit=2&cursor="+*first.NextCursor, &rest)
	if len(rest.Items) != 1 || rest.Items[0].ID == first.Items[0].ID || rest.Items[0].ID == first.Items[1].ID {
		t.Errorf("second page = %+v", rest.Items)
	}
	// Auditors are participants too: ?role=auditor names them, and them only.
	aud := e.auditor()
	var auditors page[directoryView]
	e.getJSON(sme.Token, "/v1/directory?role=auditor", &auditors)
	if len(auditors.Items) != 1 || auditors.Items[0].ID != aud.ID || auditors.Items[0].Role != string(matcher.RoleAuditor) {
		t.Errorf("GET /v1/directory?role=auditor = %+v, want only %s", auditors.Items, aud.ID)
	}
	p := e.wantProblem(e.get(sme.Token, "/v1/directory?role=operator"), http.StatusBadRequest, matcher.CodeValidation)
	if !hasField(p, "role") {
		t.Errorf("bad role: problem %+v names no field role", p)
	}
	e.wantProblem(e.get("", "/v1/directory"), http.StatusUnauthorized, matcher.CodeUnauthorized)
}

// GET /v1/listings lists the caller's resting listings only: not another holder's,
// not a matched or cancelled one; the operator sees every resting listing.
func TestListingsAreTheCallersResting(t *testing.T) {
	e := newTestEnv(t, unlimited())
	core, lender := e.core("AAA"), e.lender()
	a, b := e.sme("", ""), e.sme("", "")
	ra := e.financeable(a, core, 5000000, 120)
	rb := e.financeable(b, core, 7000000, 120)
	rc := e.financeable(a, core, 3000000, 120)
	la := e.list(a, ra.ID, 300) // no offer yet: rests
	lb := e.list(b, rb.ID, 300)
	lc := e.list(a, rc.ID, 300)
	e.mustStatus(e.del(a.Token, "/v1/listings/"+lc.Listing.ID), http.StatusOK, nil)

	ids := func(token string) []string {
		var got page[listingView]
		e.getJSON(token, "/v1/listings", &got)
		var out []string
		for _, l := range got.Items {
			if l.Status != matcher.ListingResting {
				t.Errorf("GET /v1/listings shows %s in status %s", l.ID, l.Status)
			}
			out = append(out, l.ID)
		}
		return out
	}
	if got := ids(a.Token); len(got) != 1 || got[0] != la.Listing.ID {
		t.Errorf("holder a's listings = %v, want [%s] (not b's %s, not the cancelled %s)", got, la.Listing.ID, lb.Listing.ID, lc.Listing.ID)
	}
	if got := ids(e.Admin.Token); len(got) != 2 || got[0] != la.Listing.ID || got[1] != lb.Listing.ID {
		t.Errorf("operator's listings = %v, want [%s %s]", got, la.Listing.ID, lb.Listing.ID)
	}
	if got := ids(lender.Token); len(got) != 0 {
		t.Errorf("a lender's listings = %v, want none (the book shows listings anonymised)", got)
	}
	// An offer at or below 3.00% matches both: nothing rests any more.
	e.offer(lender, core, 100000000, 250)
	if got := ids(a.Token); len(got) != 0 {
		t.Errorf("after the match, holder a's listings = %v, want none", got)
	}
}
