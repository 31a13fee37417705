// SPDX-License-Identifier: Apache-2.0

package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/scfx/scfx/ledger"
	"github.com/scfx/scfx/matcher"
)

// TestLineageTier3RealChain (docs/api.md "Lineage proofs"): a tier-3 holder gets
// the whole chain of hops back to the core's confirmation, with the parent proofs
// it gets 404 on through /proof, and the lineage verifies on the chain
// (ledger.VerifyLineage: leaves recomputed, signatures, conservation, proofs,
// anchoring, the fingerprint's registration). The debtor, the operator and the
// lender of a match on the fragment see it too; the holders up the chain, who are
// not parties to the fragment, and a stranger get 404, and no sibling appears.
func TestLineageTier3RealChain(t *testing.T) {
	if testing.Short() {
		t.Skip("runs an embedded chain")
	}
	e := newTestEnv(t, withRealLedger(), withRequestValidation())
	core, lender := e.core("AAA"), e.lender()
	sme1, sme2, sme3, stranger := e.sme("", ""), e.sme("", ""), e.sme("", ""), e.sme("", "")

	r1 := e.invoice(sme1, core, 600_000_000, 120)
	e.confirm(core, r1.ID)
	e.waitStatus(sme1.Token, r1.ID, matcher.StatusFinanceable)
	sibling := e.transfer(sme1, r1.ID, stranger, 50_000_000)
	r2 := e.transfer(sme1, r1.ID, sme2, 200_000_000)
	e.waitStatus(sme2.Token, r2.ID, matcher.StatusFinanceable)
	r3 := e.transfer(sme2, r2.ID, sme3, 80_000_000)
	e.waitStatus(sme3.Token, r3.ID, matcher.StatusFinanceable)

	path := "/v1/receivables/" + r3.ID + "/lineage"
	// Today's /proof: the tier-3 holder cannot see its parent's transfer.
	e.wantProblem(e.get(sme3.Token, "/v1/receivables/"+r2.ID+"/proof?kind=transfer"), http.StatusNotFound, matcher.CodeNotFound)
	var v lineageView
	e.getJSON(sme3.Token, path, &v)
	want := []struct {
		id                   string
		kind                 string
		amount, parent, prev int64
	}{{r1.ID, "confirmation", 600_000_000, 0, 0}, {r2.ID, "transfer", 200_000_000, 600_000_000, 50_000_000}, {r3.ID, "transfer", 80_000_000, 200_000_000, 0}}
	if v.ReceivableID != r3.ID || len(v.Hops) != len(want) {
		t.Fatalf("GET %s = %+v, want %d hops to %s", path, v, len(want), r3.ID)
	}
	for i, h := range v.Hops {
		w := want[i]
		if h.ReceivableID != w.id || h.Kind != w.kind || h.Tier != i+1 || h.Amount != w.amount || h.ParentAmount != w.parent || h.SplitBefore != w.prev {
			t.Fatalf("hop %d = %s %s tier %d amount %d parent %d split_before %d, want %+v", i, h.ReceivableID, h.Kind, h.Tier, h.Amount, h.ParentAmount, h.SplitBefore, w)
		}
	}
	l := e.lineage(sme3.Token, path)
	ctx, cancel := context.WithTimeout(context.Background(), ledgerWait)
	defer cancel()
	if err := ledger.VerifyLineage(ctx, e.Chain.HTTPEndpoint(), l); err != nil {
		t.Fatalf("ledger.VerifyLineage(%s) = %v", path, err)
	}
	if got := e.refOf(l.Hops[0].Confirmation.Fingerprint); got != l.RegistryRef {
		t.Fatalf("registry_ref %s, refOf says %s", l.RegistryRef.Hex(), got.Hex())
	}

	// A lender sees the lineage once it has a match on the fragment; the core, the
	// operator and an auditor see it too.
	e.wantProblem(e.get(lender.Token, path), http.StatusNotFound, matcher.CodeNotFound)
	e.offer(lender, core, 1_000_000_000, 450)
	if l3 := e.list(sme3, r3.ID, 900); l3.Match == nil {
		t.Fatalf("tier-3 listing did not match: %+v", l3)
	}
	for _, who := range []*testParty{core, lender, e.Admin, e.auditor()} {
		if r := e.get(who.Token, path); r.Status != http.StatusOK || strings.Contains(string(r.Body), sibling.ID+`"`) {
			t.Fatalf("GET %s as %s = %d %s; want 200 without the sibling %s", path, who.ID, r.Status, r.Body, sibling.ID)
		}
	}
	for _, who := range []*testParty{sme1, sme2, stranger} {
		e.wantProblem(e.get(who.Token, path), http.StatusNotFound, matcher.CodeNotFound)
	}
	e.wantProblem(e.get(sme3.Token, "/v1/receivables/rcv_999/lineage"), http.StatusNotFound, matcher.CodeNotFound)
}

// lineage GETs a lineage as scfx verify --lineage reads it.
func (e *testEnv) lineage(token, path string) ledger.LineageJSON {
	e.t.Helper()
	r := e.get(token, path)
	var l ledger.LineageJSON
	e.mustStatus(r, http.StatusOK, nil)
	if err := json.Unmarshal(r.Body, &l); err != nil {
		e.t.Fatalf("%s: %v", path, err)
	}
	return l
}
