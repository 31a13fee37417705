// SPDX-License-Identifier: Apache-2.0

package api

import (
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/eip712"
	"github.com/scfx/scfx/ledger"
	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/merkle"
)

// TestLifecycle walks docs/api.md end to end over real HTTP, from the operator's first
// cluster to the core's payment: onboarding, a tier-1 invoice confirmed with a real
// EIP-712 signature, two transfers up the chain to tier 3, listings at every tier,
// a lender's offer that matches them, funding, Merkle proofs of the confirmation,
// transfers and assignments, and settlement that releases the line. Every request
// and response is checked against openapi.json, and every documented operation is
// exercised at least once.
func TestLifecycle(t *testing.T) {
	e := newTestEnv(t, withRequestValidation(), withWebhookKey())
	op := e.Admin.Token

	// Service endpoints: no token.
	e.mustStatus(e.get("", "/healthz"), http.StatusOK, nil)
	e.mustStatus(e.get("", "/readyz"), http.StatusOK, nil)
	e.mustStatus(e.get("", "/openapi.json"), http.StatusOK, nil)
	if r := e.get("", "/"); r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET / = %d %q, want 200 text/html", r.Status, r.Header.Get("Content-Type"))
	}
	e.mustStatus(e.get("", "/console.js"), http.StatusOK, nil)
	e.mustStatus(e.get("", "/console.css"), http.StatusOK, nil)
	e.wantProblem(e.get("", "/v1/ledger"), http.StatusUnauthorized, matcher.CodeUnauthorized)

	var ledger ledgerView
	e.getJSON(op, "/v1/ledger", &ledger)
	if ledger.ChainID != testChainID || !strings.EqualFold(ledger.RegistryAddress, testRegistry) {
		t.Fatalf("GET /v1/ledger = %+v, want chain %d registry %s", ledger, testChainID, testRegistry)
	}

	// §Operator: two clusters, listed a page at a time.
	national, provincial := e.cluster("national"), e.cluster("provincial")
	if got := e.collectClusters(op, 1); !slices.Equal(got, []string{national.ID, provincial.ID}) {
		t.Fatalf("clusters paged one at a time = %v, want [%s %s]", got, national.ID, provincial.ID)
	}
	var cl clusterView
	e.getJSON(op, "/v1/clusters/"+national.ID, &cl)
	if cl != national {
		t.Fatalf("GET /v1/clusters/%s = %+v, want %+v", national.ID, cl, national)
	}

	// Cores, SMEs at tiers 1–3 and lenders. Addresses come back EIP-55.
	core, core2 := e.core("AAA"), e.core("AA")
	sme1 := e.sme(national.ID, string(matcher.CertSpecialized))
	sme2 := e.sme(provincial.ID, string(matcher.CertInnovative))
	sme3 := e.sme("", "")
	lender, lender2 := e.lender(), e.lender()
	for _, p := range []*testParty{core, core2, sme1, sme2, sme3} {
		if p.View.Address == nil || *p.View.Address != p.Address.Hex() {
			t.Fatalf("participant %s address = %v, want EIP-55 %s", p.ID, p.View.Address, p.Address.Hex())
		}
	}
	if lender.View.Address != nil {
		t.Fatalf("lender address = %v, want null", *lender.View.Address)
	}
	if n := len(e.collectParticipants(op, 2)); n != 7 {
		t.Fatalf("operator pages through %d participants, want 7", n)
	}
	if got := e.collectParticipants(sme2.Token, 2); !slices.Equal(got, []string{sme2.ID}) {
		t.Fatalf("an SME lists participants %v, want only itself", got)
	}
	var pv participantView
	e.getJSON(sme1.Token, "/v1/participants/"+sme1.ID, &pv)
	if pv.Token != "" || pv.USCC != sme1.USCC || pv.Status != "active" {
		t.Fatalf("GET own participant = %+v", pv)
	}
	e.tokenLifecycle(e.lender())

	// §SME: the tier-1 invoice.
	const amount = int64(1_000_000_000) // ¥10,000,000.00
	const dueDays = 120
	r1 := e.invoice(sme1, core, amount, dueDays)
	if r1.Status != string(matcher.StatusPending) || r1.Tier != 1 || r1.HolderID != sme1.ID || r1.CreditorID != sme1.ID ||
		r1.DebtorID != core.ID || r1.Remaining != amount || r1.ParentID != nil || r1.AssigneeID != nil || r1.Confirmation != nil {
		t.Fatalf("submitted receivable = %+v", r1)
	}
	if want := eip712.Fingerprint(core.USCC, sme1.USCC, r1.InvoiceNumber).Hex(); r1.Fingerprint != want {
		t.Fatalf("fingerprint = %s, want %s", r1.Fingerprint, want)
	}

	// §Core: fetch the typed data, check it is bound to this ledger, sign it.
	var td eip712.JSONTypedData
	e.getJSON(core.Token, "/v1/receivables/"+r1.ID+"/typed-data", &td)
	if td.PrimaryType != eip712.ConfirmationType || td.Domain.ChainID.Uint64() != ledger.ChainID ||
		!strings.EqualFold(td.Domain.VerifyingContract, ledger.RegistryAddress) || td.Message["receivable"] != r1.ID ||
		td.Message["creditor"] != sme1.Address.Hex() || td.Message["debtor"] != core.Address.Hex() {
		t.Fatalf("confirmation typed data = %+v", td)
	}
	// A signature by anyone but the debtor is refused and changes nothing.
	raw := e.get(core.Token, "/v1/receivables/"+r1.ID+"/typed-data").Body
	e.wantProblem(e.post(core.Token, "/v1/receivables/"+r1.ID+"/confirm",
		map[string]string{"signature": signTypedData(t, sme1.Key, raw)}), http.StatusConflict, matcher.CodeInvalidSignature)
	if got := e.receivable(sme1.Token, r1.ID); got.Status != string(matcher.StatusPending) {
		t.Fatalf("after a bad signature the receivable is %s", got.Status)
	}
	conf := e.confirm(core, r1.ID)
	if conf.Status != string(matcher.StatusConfirmed) || conf.Confirmation == nil || conf.Confirmation.Signer != core.Address.Hex() {
		t.Fatalf("confirmed receivable = %+v", conf)
	}
	e.getJSON(op, "/v1/ledger", &ledger)
	if ledger.PendingLeaves != 1 {
		t.Fatalf("pending_leaves after a confirmation = %d, want 1", ledger.PendingLeaves)
	}
	e.wantProblem(e.get(sme1.Token, "/v1/receivables/"+r1.ID+"/proof"), http.StatusConflict, matcher.CodeInvalidState)

	// The ledger answers: registered clean, anchored → financeable.
	e.settleLedger()
	r1 = e.receivable(sme1.Token, r1.ID)
	if r1.Status != string(matcher.StatusFinanceable) || len(r1.Anchors) != 1 || !r1.Anchors[0].Anchored {
		t.Fatalf("after the ledger: %+v", r1)
	}

	// Transfers up the chain: tier 1 → 2 → 3, each signed by its holder.
	r2 := e.transfer(sme1, r1.ID, sme2, 300_000_000)
	e.settleLedger()
	r3 := e.transfer(sme2, r2.ID, sme3, 100_000_000)
	e.settleLedger()
	r1, r2, r3 = e.receivable(sme1.Token, r1.ID), e.receivable(sme2.Token, r2.ID), e.receivable(sme3.Token, r3.ID)
	for i, c := range []struct {
		r              ReceivableView
		tier           int
		holder, parent string
		amount, remain int64
	}{
		{r1, 1, sme1.ID, "", amount, 700_000_000},
		{r2, 2, sme2.ID, r1.ID, 300_000_000, 200_000_000},
		{r3, 3, sme3.ID, r2.ID, 100_000_000, 100_000_000},
	} {
		r := c.r
		if r.Tier != c.tier || r.HolderID != c.holder || r.Amount != c.amount || r.Remaining != c.remain ||
			r.CreditorID != sme1.ID || r.DebtorID != core.ID || r.DueDate != r1.DueDate || r.Fingerprint != r1.Fingerprint ||
			r.Status != string(matcher.StatusFinanceable) || (c.parent == "") != (r.ParentID == nil) || (r.ParentID != nil && *r.ParentID != c.parent) {
			t.Fatalf("receivable %d after transfers = %+v", i+1, r)
		}
	}
	// The transfer typed data names the holder and the receiver.
	var ttd eip712.JSONTypedData
	salt := newSalt(t)
	e.getJSON(sme1.Token, "/v1/receivables/"+r1.ID+"/transfers/typed-data?"+url.Values{
		"to_id": {sme2.ID}, "amount": {"5"}, "salt": {salt.Hex()}}.Encode(), &ttd)
	if ttd.PrimaryType != eip712.TransferType || ttd.Message["from"] != sme1.Address.Hex() || ttd.Message["to"] != sme2.Address.Hex() ||
		ttd.Message["salt"] != salt.Hex() || ttd.Message["amount"] != "5" {
		t.Fatalf("transfer typed data = %+v", ttd)
	}
	if got := e.collectReceivables(sme1.Token, "", 1); len(got) != 1 {
		t.Fatalf("sme1 sees receivables %v, want only its own", got)
	}
	if got := e.collectReceivables(op, "financeable", 2); len(got) != 3 {
		t.Fatalf("operator sees %d financeable receivables, want 3", len(got))
	}

	// §Market. Tier 3 lists first and rests: nobody quotes yet.
	l3 := e.list(sme3, r3.ID, 1000)
	if l3.Match != nil || l3.Listing.Status != "resting" || l3.Listing.Amount != 100_000_000 {
		t.Fatalf("first listing = %+v, want resting", l3)
	}
	var lv listingView
	e.getJSON(sme3.Token, "/v1/listings/"+l3.Listing.ID, &lv)
	if !reflect.DeepEqual(lv, l3.Listing) {
		t.Fatalf("GET listing = %+v, want %+v", lv, l3.Listing)
	}
	e.checkBook(lender, core, []string{sme1.ID, sme2.ID, sme3.ID, r3.ID, l3.Listing.ID}, 1, 0)

	// The lender's offer serves the resting tier-3 listing at once.
	rates := map[string]int64{"A": 350, "B": 450, "C": 600}
	const line = int64(2_000_000_000)
	off := e.postOffer(lender, map[string]any{
		"core_id": core.ID, "line_amount": line, "rates_bps": rates, "max_tenor_days": 365, "min_score": 0,
	})
	if len(off.Matches) != 1 || off.Matches[0].ListingID != l3.Listing.ID {
		t.Fatalf("offer matches = %+v, want the resting tier-3 listing", off.Matches)
	}
	m3 := off.Matches[0]
	// Tiers 1 and 2 list and match at once.
	l1, l2 := e.list(sme1, r1.ID, 1000), e.list(sme2, r2.ID, 1000)
	if l1.Match == nil || l2.Match == nil {
		t.Fatalf("listings at tiers 1 and 2 did not match: %+v %+v", l1, l2)
	}
	m1, m2 := *l1.Match, *l2.Match
	matched := []struct {
		m      matchView
		band   string
		holder *testParty
		r      ReceivableView
	}{{m1, l1.Listing.ScoreBand, sme1, r1}, {m2, l2.Listing.ScoreBand, sme2, r2}, {m3, l3.Listing.ScoreBand, sme3, r3}}
	var reserved int64
	for _, c := range matched {
		e.checkMatch(c.m, c.r, c.holder, lender, off.ID, rates[c.band])
		reserved += c.m.Amount
	}
	if m1.Amount != 700_000_000 || m2.Amount != 200_000_000 || m3.Amount != 100_000_000 {
		t.Fatalf("matched amounts %d %d %d", m1.Amount, m2.Amount, m3.Amount)
	}
	e.checkOffer(lender, off.ID, line, 0, reserved)
	e.checkBook(lender, core, []string{sme1.ID, sme2.ID, sme3.ID, r1.ID, m1.ID, off.ID}, 0, 3)
	if got := e.collectMatches(lender.Token, 1); len(got) != 3 {
		t.Fatalf("lender pages through %d matches, want 3", len(got))
	}
	if got := e.collectMatches(sme2.Token, 1); !slices.Equal(got, []string{m2.ID}) {
		t.Fatalf("sme2 sees matches %v, want [%s]", got, m2.ID)
	}
	var mv matchView
	e.getJSON(core.Token, "/v1/matches/"+m1.ID, &mv)
	if !reflect.DeepEqual(mv, m1) {
		t.Fatalf("GET match as the debtor = %+v, want %+v", mv, m1)
	}

	// A settlement is only on the tier-1 receivable.
	e.wantProblem(e.post(core.Token, "/v1/receivables/"+r2.ID+"/settle", map[string]string{"reference": "PAY-2"}),
		http.StatusConflict, matcher.CodeInvalidState)

	// §Lender funds; the claims are assigned to it.
	for _, c := range matched {
		var f matchView
		e.postJSON(lender.Token, "/v1/matches/"+c.m.ID+"/fund", map[string]string{"reference": "SWIFT-" + c.m.ID}, http.StatusOK, &f)
		if f.Status != "funded" || f.Reference == nil {
			t.Fatalf("funded match = %+v", f)
		}
		r := e.receivable(lender.Token, c.r.ID) // the lender is now a party
		if r.Status != string(matcher.StatusFunded) || r.AssigneeID == nil || *r.AssigneeID != lender.ID {
			t.Fatalf("funded receivable = %+v", r)
		}
	}
	e.checkOffer(lender, off.ID, line, reserved, 0)
	e.wantProblem(e.get(lender.Token, "/v1/receivables/"+r1.ID+"/proof?kind=assignment"), http.StatusConflict, matcher.CodeInvalidState)
	e.wantProblem(e.get(lender2.Token, "/v1/receivables/"+r1.ID), http.StatusNotFound, matcher.CodeNotFound)
	e.settleLedger()

	// §Ledger: every leaf proves against its anchored root.
	e.checkProof(sme1.Token, r1, "", merkle.KindConfirmation)
	e.checkProof(sme2.Token, r2, "transfer", merkle.KindTransfer)
	e.checkProof(sme3.Token, r3, "?kind=transfer", merkle.KindTransfer)
	for _, c := range matched {
		e.checkProof(lender.Token, c.r, "assignment", merkle.KindAssignment)
	}
	e.checkLineage(sme3.Token, r3.ID, 3)
	e.getJSON(sme3.Token, "/v1/ledger", &ledger)
	if ledger.PendingLeaves != 0 || ledger.HeadBlock == 0 || !strings.EqualFold(ledger.AnchorerAddress, testAnchorer) {
		t.Fatalf("GET /v1/ledger at the end = %+v", ledger)
	}

	// §Core pays: everything settles and the line is released.
	var paid ReceivableView
	e.postJSON(core.Token, "/v1/receivables/"+r1.ID+"/settle", map[string]string{"reference": "PAY-0001"}, http.StatusOK, &paid)
	if paid.Status != string(matcher.StatusSettled) {
		t.Fatalf("settled receivable = %+v", paid)
	}
	for _, c := range matched {
		if r := e.receivable(op, c.r.ID); r.Status != string(matcher.StatusSettled) {
			t.Fatalf("receivable %s after settlement is %s, want settled", r.ID, r.Status)
		}
		var m matchView
		e.getJSON(lender.Token, "/v1/matches/"+c.m.ID, &m)
		if m.Status != "settled" {
			t.Fatalf("match %s after settlement is %s, want settled", m.ID, m.Status)
		}
	}
	e.checkOffer(lender, off.ID, line, 0, 0)
	if got := e.collectReceivables(op, "settled", 500); len(got) != 3 {
		t.Fatalf("operator sees %d settled receivables, want 3", len(got))
	}

	// Cancelling: a second lender's offer on the other core, and a listing that rests.
	off2 := e.offer(lender2, core2, 500_000_000, 500)
	var cancelled offerView
	e.mustStatus(e.del(lender2.Token, "/v1/offers/"+off2.ID), http.StatusOK, &cancelled)
	if cancelled.Status != "cancelled" {
		t.Fatalf("cancelled offer = %+v", cancelled)
	}
	r4 := e.financeable(sme1, core2, 50_000_000, 60)
	l4 := e.list(sme1, r4.ID, 300)
	var lc listingView
	e.mustStatus(e.del(sme1.Token, "/v1/listings/"+l4.Listing.ID), http.StatusOK, &lc)
	if l4.Match != nil || lc.Status != "cancelled" {
		t.Fatalf("listing %+v then cancelled %+v", l4, lc)
	}
	var resting page[listingView]
	e.getJSON(sme1.Token, "/v1/listings", &resting)
	if len(resting.Items) != 0 {
		t.Fatalf("sme1's resting listings after the cancel = %+v", resting.Items)
	}
	var dir page[directoryView]
	e.getJSON(sme1.Token, "/v1/directory?role=core", &dir)
	if len(dir.Items) == 0 {
		t.Fatalf("GET /v1/directory?role=core = %+v", dir)
	}
	var offers page[offerView]
	e.getJSON(lender2.Token, "/v1/offers", &offers)
	if len(offers.Items) != 1 || offers.Items[0].Status != "cancelled" || offers.NextCursor != nil {
		t.Fatalf("lender2's offers = %+v", offers)
	}

	// §Service: the node's state, and metrics.
	var nv NodeView
	e.getJSON(op, "/v1/node", &nv)
	if nv.Journal != "file" || nv.AppliedSeq == 0 || len(nv.StateHash) != 64 || !nv.Anchorer {
		t.Fatalf("GET /v1/node = %+v", nv)
	}
	e.wantProblem(e.get(lender.Token, "/v1/node"), http.StatusForbidden, matcher.CodeForbidden)
	e.logLifecycle(t, e.auditor())
	if r := e.get("", "/metrics"); r.Status != http.StatusOK || !strings.Contains(string(r.Body), "scfx_http_requests_total") {
		t.Fatalf("GET /metrics = %d", r.Status)
	}

	e.auctionLifecycle(core2, lender2)
	e.servicingLifecycle()

	// §Events: the lender's feed holds its offer's cancellation.
	if evs := e.events(lender2, "?limit=500"); !slices.ContainsFunc(evs.Items, func(ev wire.Event) bool { return ev.Type == "offer.cancelled" }) {
		t.Fatalf("lender2's events = %+v", evs.Items)
	}

	// §Webhooks: the core registers its ERP, reads it, its deliveries, and deletes it.
	var hook wire.Webhook
	e.postJSON(core.Token, "/v1/webhooks", wire.WebhookRequest{URL: "https://erp.example/scfx/events", Description: "ERP"}, http.StatusCreated, &hook)
	if hook.Secret == "" || hook.ParticipantID != core.ID {
		t.Fatalf("POST /v1/webhooks = %+v", hook)
	}
	var hooks page[wire.Webhook]
	e.getJSON(core.Token, "/v1/webhooks", &hooks)
	if len(hooks.Items) != 1 || hooks.Items[0].ID != hook.ID {
		t.Fatalf("GET /v1/webhooks = %+v", hooks)
	}
	var one wire.Webhook
	e.getJSON(core.Token, "/v1/webhooks/"+hook.ID, &one)
	var deliveries wire.WebhookDeliveries
	e.getJSON(core.Token, "/v1/webhooks/"+hook.ID+"/deliveries", &deliveries)
	if one.ID != hook.ID || deliveries.Webhook.ID != hook.ID {
		t.Fatalf("GET webhook %+v, deliveries %+v", one, deliveries)
	}
	var gone wire.Webhook
	e.mustStatus(e.del(core.Token, "/v1/webhooks/"+hook.ID), http.StatusOK, &gone)
	if !gone.Deleted {
		t.Fatalf("DELETE /v1/webhooks/%s = %+v", hook.ID, gone)
	}

	// Every operation of the document answered at least once, and matched it.
	seen := e.operationsSeen()
	for path, item := range loadOpenAPI(t).Paths.Map() {
		for method := range item.Operations() {
			if seen[method+" "+path] == 0 {
				t.Errorf("the lifecycle never called %s %s", method, path)
			}
		}
	}
}

// collectClusters pages through GET /v1/clusters limit at a time.
func (e *testEnv) collectClusters(token string, limit int) []string {
	e.t.Helper()
	return collectPages(e, token, "/v1/clusters", limit, func(v clusterView) string { return v.ID })
}

func (e *testEnv) collectParticipants(token string, limit int) []string {
	e.t.Helper()
	return collectPages(e, token, "/v1/participants", limit, func(v participantView) string { return v.ID })
}

func (e *testEnv) collectMatches(token string, limit int) []string {
	e.t.Helper()
	return collectPages(e, token, "/v1/matches", limit, func(v matchView) string { return v.ID })
}

func (e *testEnv) collectReceivables(token, status string, limit int) []string {
	e.t.Helper()
	path := "/v1/receivables"
	if status != "" {
		path += "?status=" + status
	}
	return collectPages(e, token, path, limit, func(v ReceivableView) string { return v.ID })
}

// collectPages follows next_cursor from the first page to the last and returns the
// ids in order; no page is larger than limit and no id comes twice.
func collectPages[T any](e *testEnv, token, path string, limit int, id func(T) string) []string {
	e.t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	var ids []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 1000 {
			e.t.Fatalf("%s: more than 1000 pages", path)
		}
		q := url.Values{"limit": {strconv.Itoa(limit)}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		var p page[T]
		e.getJSON(token, path+sep+q.Encode(), &p)
		if len(p.Items) > limit {
			e.t.Fatalf("%s: a page of %d items with limit %d", path, len(p.Items), limit)
		}
		for _, it := range p.Items {
			if slices.Contains(ids, id(it)) {
				e.t.Fatalf("%s: %s on two pages", path, id(it))
			}
			ids = append(ids, id(it))
		}
		if p.NextCursor == nil {
			return ids
		}
		cursor = *p.NextCursor
	}
}

// checkMatch holds a match to docs/api.md: its parties, the offer's quote for the band,
// days to the due date from the match's date, discount = floor(amount × rate × days /
// 3,650,000) and advance = amount − discount.
func (e *testEnv) checkMatch(m matchView, r ReceivableView, holder, lender *testParty, offerID string, quote int64) {
	e.t.Helper()
	if m.ReceivableID != r.ID || m.HolderID != holder.ID || m.LenderID != lender.ID || m.DebtorID != r.DebtorID ||
		m.OfferID != offerID || m.Status != "matched" || m.Amount != r.Remaining {
		e.t.Fatalf("match %+v for receivable %s", m, r.ID)
	}
	if quote == 0 || m.RateBps != quote {
		e.t.Fatalf("match %s rate %d bps, want the offer's quote %d", m.ID, m.RateBps, quote)
	}
	created, err := time.Parse(time.RFC3339, m.CreatedAt)
	if err != nil {
		e.t.Fatal(err)
	}
	due, err := time.Parse("2006-01-02", r.DueDate)
	if err != nil {
		e.t.Fatal(err)
	}
	day := time.Date(created.UTC().Year(), created.UTC().Month(), created.UTC().Day(), 0, 0, 0, 0, time.UTC)
	days := int(due.Sub(day).Hours() / 24)
	if m.Days != days {
		e.t.Fatalf("match %s days = %d, want %d (due %s, matched %s)", m.ID, m.Days, days, r.DueDate, m.CreatedAt)
	}
	discount := m.Amount * m.RateBps * int64(days) / 3_650_000
	if m.Discount != discount || m.Advance != m.Amount-discount {
		e.t.Fatalf("match %s discount %d advance %d, want %d and %d", m.ID, m.Discount, m.Advance, discount, m.Amount-discount)
	}
}

// checkOffer: GET /v1/offers/{id} shows the line's use; available = line − used − reserved.
func (e *testEnv) checkOffer(lender *testParty, id string, line, used, reserved int64) {
	e.t.Helper()
	var o offerView
	e.getJSON(lender.Token, "/v1/offers/"+id, &o)
	if o.LineAmount != line || o.Used != used || o.Reserved != reserved || o.Available != line-used-reserved || o.Status != "live" {
		e.t.Fatalf("offer = line %d used %d reserved %d available %d %s, want used %d reserved %d",
			o.LineAmount, o.Used, o.Reserved, o.Available, o.Status, used, reserved)
	}
}

// checkBook: the book of core shows nListings resting listings and quotes for
// nQuoteBands bands, and none of the ids in secret.
func (e *testEnv) checkBook(lender, core *testParty, secret []string, nListings, wantMinQuotes int) {
	e.t.Helper()
	r := e.get(lender.Token, "/v1/books/"+core.ID)
	var b matcher.BookView
	e.mustStatus(r, http.StatusOK, &b)
	if b.CoreID != core.ID || len(b.Listings) != nListings || len(b.Quotes) < wantMinQuotes {
		e.t.Fatalf("book = %+v, want %d listings and at least %d quotes", b, nListings, wantMinQuotes)
	}
	for _, id := range secret {
		if strings.Contains(string(r.Body), id) {
			e.t.Fatalf("the book names %s: %s", id, r.Body)
		}
	}
	var raw map[string][]map[string]any
	_ = json.Unmarshal(r.Body, &raw)
	for _, l := range raw["listings"] {
		if _, ok := l["id"]; ok {
			e.t.Fatalf("a book listing has an id: %v", l)
		}
	}
}

// checkProof: GET …/proof?kind= returns a proof of the receivable's leaf of that
// kind that merkle.Verify accepts, under the root its anchors report, on this
// ledger; a confirmation's leaf is the one the client can compute from what it signed.
func (e *testEnv) checkProof(token string, r ReceivableView, kind string, leafKind byte) {
	e.t.Helper()
	path := "/v1/receivables/" + r.ID + "/proof"
	switch {
	case strings.HasPrefix(kind, "?"):
		path += kind
	case kind != "":
		path += "?kind=" + kind
	}
	var p proofView
	e.getJSON(token, path, &p)
	// The leaf recomputes from the data served with it, as scfx verify does it.
	var pj ledger.ProofJSON
	e.getJSON(token, path, &pj)
	if err := ledger.CheckLeaf(pj); err != nil {
		e.t.Fatalf("%s: ledger.CheckLeaf = %v", path, err)
	}
	if p.Kind != matcher.LeafKindName(leafKind) || p.ChainID != testChainID || !strings.EqualFold(p.RegistryAddress, testRegistry) || p.BlockNumber == 0 {
		e.t.Fatalf("%s = %+v", path, p)
	}
	if !merkle.Verify(p.Root, p.Leaf, p.Proof) {
		e.t.Fatalf("%s: merkle.Verify(root %s, leaf %s, proof %v) = false", path, p.Root.Hex(), p.Leaf.Hex(), p.Proof)
	}
	cur := e.receivable(token, r.ID)
	found := false
	for _, a := range cur.Anchors {
		if a.Leaf == p.Leaf {
			found = a.Anchored && a.Root != nil && *a.Root == p.Root && a.TxHash != nil && *a.TxHash == p.TxHash
		}
	}
	if !found {
		e.t.Fatalf("%s: leaf %s is not among the receivable's anchored leaves %+v", path, p.Leaf.Hex(), cur.Anchors)
	}
	if leafKind == merkle.KindConfirmation {
		sig, err := hexutil.Decode(cur.Confirmation.Signature)
		if err != nil {
			e.t.Fatal(err)
		}
		if want := merkle.ConfirmationLeaf(r.ID, common.HexToHash(cur.Confirmation.Digest), sig); p.Leaf != want {
			e.t.Fatalf("%s: leaf %s, want ConfirmationLeaf %s", path, p.Leaf.Hex(), want.Hex())
		}
	}
}

// checkLineage: the lineage of id has hops hops and passes every check that needs
// no chain (ledger.CheckLineage).
func (e *testEnv) checkLineage(token, id string, hops int) {
	e.t.Helper()
	l := e.lineage(token, "/v1/receivables/"+id+"/lineage")
	if err := ledger.CheckLineage(l); err != nil || len(l.Hops) != hops {
		e.t.Fatalf("lineage of %s: %d hops, CheckLineage = %v; want %d hops that hold", id, len(l.Hops), err, hops)
	}
}

// tokenLifecycle: a participant rotates its token (issue, move over, revoke the old
// one), and the operator suspends and reactivates it.
func (e *testEnv) tokenLifecycle(p *testParty) {
	e.t.Helper()
	var issued tokenView
	e.mustStatus(e.do("POST", "/v1/participants/"+p.ID+"/tokens", p.Token, map[string]any{}), http.StatusCreated, &issued)
	if issued.Token == "" || issued.ID != "tok_2" || issued.TokenShown == nil || !*issued.TokenShown || issued.ExpiresAt != nil {
		e.t.Fatalf("issued token = %+v", issued)
	}
	var page struct{ Items []tokenView }
	e.getJSON(issued.Token, "/v1/participants/"+p.ID+"/tokens", &page)
	if len(page.Items) != 2 || page.Items[0].ID != "tok_1" || page.Items[1].Token != "" {
		e.t.Fatalf("tokens = %+v, want tok_1 and tok_2 without secrets", page.Items)
	}
	var revoked tokenView
	e.mustStatus(e.do("DELETE", "/v1/participants/"+p.ID+"/tokens/tok_1", issued.Token, nil), http.StatusOK, &revoked)
	if !revoked.Revoked || revoked.ID != "tok_1" {
		e.t.Fatalf("revoked = %+v", revoked)
	}
	e.wantProblem(e.get(p.Token, "/v1/participants/"+p.ID), http.StatusUnauthorized, matcher.CodeUnauthorized)
	e.mustStatus(e.get(issued.Token, "/v1/participants/"+p.ID), http.StatusOK, nil)
	p.Token = issued.Token

	var pv participantView
	e.mustStatus(e.do("PATCH", "/v1/participants/"+p.ID, e.Admin.Token, map[string]any{"status": "suspended"}), http.StatusOK, &pv)
	if pv.Status != "suspended" {
		e.t.Fatalf("suspended participant = %+v", pv)
	}
	e.wantProblem(e.get(p.Token, "/v1/participants/"+p.ID), http.StatusUnauthorized, matcher.CodeUnauthorized)
	e.mustStatus(e.do("PATCH", "/v1/participants/"+p.ID, e.Admin.Token, map[string]any{"status": "active"}), http.StatusOK, &pv)
	e.mustStatus(e.get(p.Token, "/v1/participants/"+p.ID), http.StatusOK, nil)
}

// auctionLifecycle: the operator puts a book in auction mode; a listing and a curve
// offer rest; the operator clears the book; the fill is priced by the curve
// (docs/matching.md §2, §5).
func (e *testEnv) auctionLifecycle(core, lender *testParty) {
	e.t.Helper()
	op := e.Admin.Token
	var bv bookView
	e.mustStatus(e.do("PATCH", "/v1/books/"+core.ID, op, map[string]string{"mode": "auction"}), http.StatusOK, &bv)
	if bv.Mode != "auction" {
		e.t.Fatalf("book mode = %+v", bv)
	}
	sme := e.sme("", "")
	r := e.financeable(sme, core, 20_000_000, 90)
	if l := e.list(sme, r.ID, 900); l.Match != nil || l.Listing.Status != "resting" {
		e.t.Fatalf("listing in an auction book = %+v, want resting", l)
	}
	o := e.postOffer(lender, map[string]any{"core_id": core.ID, "line_amount": 50_000_000, "max_tenor_days": 365,
		"rate_curve": map[string]int64{"base_bps": 300, "bps_per_100_points": 20, "max_bps": 600}})
	if len(o.Matches) != 0 || o.RateCurve == nil || o.RatesBps != nil {
		e.t.Fatalf("curve offer in an auction book = %+v", o)
	}
	var av auctionView
	e.mustStatus(e.do("POST", "/v1/books/"+core.ID+"/auctions", op, map[string]any{}), http.StatusCreated, &av)
	if av.Fills != 1 || av.VolumeFen != 20_000_000 || len(av.Matches) != 1 || av.BoundFen < av.SavingFen ||
		!strings.Contains(av.Matches[0].QuoteReason, "on the curve") {
		e.t.Fatalf("auction = %+v", av)
	}
	e.wantProblem(e.do("POST", "/v1/books/"+core.ID+"/auctions", lender.Token, map[string]any{}), http.StatusForbidden, matcher.CodeForbidden)
	e.getJSON(lender.Token, "/v1/books/"+core.ID, &bv)
	if bv.Mode != "auction" || len(bv.Listings) != 0 {
		e.t.Fatalf("book after the auction = %+v", bv)
	}
	e.mustStatus(e.do("PATCH", "/v1/books/"+core.ID, op, map[string]string{"mode": "continuous"}), http.StatusOK, &bv)
}
