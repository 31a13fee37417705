// SPDX-License-Identifier: Apache-2.0

package main

// Servicing in the web console (issues 14 and 16), in a real browser on the set-up
// TestConsoleInBrowser uses: the core rejects an invoice with a reason, issues a
// credit note it signs in the page, and records payments to the holder (in part) and
// to the lender; the lender posts an offer with late interest and recourse, then
// confirms the repayment it received; the SME sees the rejection, the credit note and
// the payment; the operator changes the core's rating and sees the history. Each
// step is read back through the API.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/scfx/scfx/api/wire"
)

func TestConsoleServicingInBrowser(t *testing.T) {
	b, run, parties := consoleSetup(t)
	start := time.Now()
	core, sme1, lender := parties["core"], parties["sme1"], parties["lender"]

	// Set-up through the API: two invoices from SME 1 on the core.
	upload := func(number string, fen int64) wire.Receivable {
		var r wire.Receivable
		body := map[string]any{"debtor_id": core.id, "invoice_number": number, "amount": fen, "currency": "CNY", "issue_date": day(0), "due_date": day(120)}
		mustJSON(t, run, http.MethodPost, "/v1/receivables", sme1.token, body, http.StatusCreated, &r)
		return r
	}
	refused := upload("INV-SVC-0001", 30000000)
	invoice := upload("INV-SVC-0002", 100000000)

	// The core refuses the first invoice with a reason, confirms the second, both in
	// the page.
	b.signIn(core.token, "core")
	b.loadKey(core.keyFile, core.address)
	b.do("reject without a reason", chromedp.Click(chromedp.ID("reject-"+refused.ID)))
	b.wait("the reason asked for by its field", fmt.Sprintf(`document.getElementById(%q)?.getAttribute('aria-invalid') === 'true'`, "reject-"+refused.ID+"-reason"))
	b.do("reject", chromedp.SendKeys(chromedp.ID("reject-"+refused.ID+"-reason"), "货物与订单不符"), chromedp.Click(chromedp.ID("reject-"+refused.ID)))
	b.wait("the rejected list", `document.querySelector('[data-testid=rejected]')?.textContent.includes('货物与订单不符')`)
	if r := run.byInvoice("INV-SVC-0001", ""); r.Status != "rejected" || r.RejectReason == nil || *r.RejectReason != "货物与订单不符" {
		t.Fatalf("after the rejection in the page: %s, reason %v", r.Status, r.RejectReason)
	}
	b.do("confirm", chromedp.Click(chromedp.ID("confirm-"+invoice.ID)))
	b.wait("the empty queue", `document.querySelector('p[data-testid=queue]') !== null`)
	invoice = run.byInvoice("INV-SVC-0002", "financeable")

	// The lender posts an offer with a late rate and recourse, in the page: a line of
	// ¥400,000 that finances part of the invoice.
	b.signIn(lender.token, "lender")
	b.fill("offer", map[string]string{"line_amount": "400,000", "rate_a": "4", "rate_b": "5", "rate_c": "6", "max_tenor_days": "365", "late_rate_bps": "12"},
		map[string]string{"core_id": core.id, "mode": "bands", "recourse": "true"})
	b.submit("offer")
	b.wait("the offer", `document.querySelector('[data-testid=offers]')?.textContent.includes('¥400,000.00')`)
	var offers wire.Page[wire.Offer]
	mustJSON(t, run, http.MethodGet, "/v1/offers", lender.token, nil, http.StatusOK, &offers)
	if len(offers.Items) != 1 || offers.Items[0].LateRateBps != 1200 || !offers.Items[0].Recourse {
		t.Fatalf("the offer the page posted: %+v, want late_rate_bps 1200 and recourse", offers.Items)
	}

	// Through the API: SME 1 lists the invoice in fills of at least ¥100,000; the
	// line takes ¥400,000, the rest rests; the lender funds the fill.
	var listed wire.ListingCreated
	mustJSON(t, run, http.MethodPost, "/v1/receivables/"+invoice.ID+"/listings", sme1.token, map[string]any{"max_rate_bps": 800, "min_fill_fen": 10000000}, http.StatusCreated, &listed)
	if listed.Match == nil || listed.Match.Amount != 40000000 {
		t.Fatalf("listing = %+v, want a fill of 40000000", listed)
	}
	fill := listed.Match.ID
	mustJSON(t, run, http.MethodPost, "/v1/matches/"+fill+"/fund", lender.token, map[string]any{"reference": "BANK-OUT-0001"}, http.StatusOK, nil)

	// The core issues a credit note of ¥100,000, signed in the page: it comes off the
	// part nobody financed.
	b.signIn(core.token, "core")
	b.loadKey(core.keyFile, core.address)
	b.fill("credit", map[string]string{"amount": "100,000", "reason": "部分退货"}, map[string]string{"receivable": invoice.ID})
	b.submit("credit")
	b.wait("the credit note", `document.querySelector('[data-testid=credit-notes]')?.textContent.includes('部分退货')`)
	invoice = run.byInvoice("INV-SVC-0002", "")
	if len(invoice.CreditNotes) != 1 || invoice.CreditNotes[0].Amount != 10000000 || invoice.Credited != 10000000 || invoice.Remaining != 90000000 {
		t.Fatalf("after the credit note: credited %d, remaining %d, notes %+v", invoice.Credited, invoice.Remaining, invoice.CreditNotes)
	}
	if a := invoice.CreditNotes[0].Allocations; len(a) != 1 || a[0].ReceivableID != invoice.ID || a[0].MatchID != nil {
		t.Errorf("the credit note's allocations = %+v, want all on the invoice's unfinanced part", a)
	}

	// It pays SME 1 ¥200,000 of the ¥500,000 it owes it, then the lender's ¥400,000.
	b.fill("payment", map[string]string{"amount": "200,000", "reference": "PAY-SVC-0001"}, map[string]string{"to": "r:" + invoice.ID})
	b.submit("payment")
	b.wait("the payment", `document.querySelector('[data-testid=payments]')?.textContent.includes('PAY-SVC-0001')`)
	if r := run.byInvoice("INV-SVC-0002", ""); r.PaidToHolder != 20000000 || len(r.Payments) != 1 || r.Payments[0].MatchID != nil {
		t.Fatalf("after the payment to the holder: paid_to_holder %d, payments %+v", r.PaidToHolder, r.Payments)
	}

	// A second credit note, of ¥350,000, is more than the ¥300,000 it still owes SME 1:
	// the last ¥50,000 comes off the lender's fill, which the seller now owes.
	b.fill("credit", map[string]string{"amount": "350,000", "reason": "质量折让"}, map[string]string{"receivable": invoice.ID})
	b.submit("credit")
	b.wait("the second credit note", `document.querySelector('[data-testid=credit-notes]')?.textContent.includes('质量折让')`)
	invoice = run.byInvoice("INV-SVC-0002", "")
	if len(invoice.CreditNotes) != 2 {
		t.Fatalf("after the second credit note: %+v", invoice.CreditNotes)
	}
	if a := invoice.CreditNotes[1].Allocations; len(a) != 2 || a[0].MatchID != nil || a[0].Amount != 30000000 || a[1].MatchID == nil || *a[1].MatchID != fill || a[1].Amount != 5000000 {
		t.Errorf("the second credit note's allocations = %+v, want 30000000 on the unfinanced part, 5000000 on the fill", a)
	}
	if m := run.match(fill); m.Dilution != 5000000 || m.SellerOwes != 5000000 {
		t.Fatalf("the fill after the second credit note: dilution %d, seller owes %d", m.Dilution, m.SellerOwes)
	}

	// Then it pays the lender what it owes on the fill: ¥400,000 less the ¥50,000.
	b.fill("payment", map[string]string{"amount": "350,000", "reference": "PAY-SVC-0002"}, map[string]string{"to": "m:" + fill})
	b.submit("payment")
	b.wait("the payment to the lender", `document.querySelector('[data-testid=payments]')?.textContent.includes('PAY-SVC-0002')`)
	if m := run.match(fill); m.Paid != 35000000 {
		t.Fatalf("after the payment to the lender: the match's paid = %d", m.Paid)
	}
	b.shot("core-servicing", true)

	// The lender confirms the repayment it received: the fill is repaid.
	// A fill that is not overdue offers neither recourse nor a write-off.
	b.signIn(lender.token, "lender")
	b.wait("the fill to service", fmt.Sprintf(`document.getElementById(%q) !== null`, "repay-"+fill))
	if got := b.eval(fmt.Sprintf(`String(document.getElementById(%q) !== null || document.getElementById(%q) !== null)`, "recourse-"+fill, "end-"+fill)); got != "false" {
		t.Errorf("recourse or write-off offered on a funded fill that is not overdue")
	}
	b.do("confirm the receipt", chromedp.SendKeys(chromedp.ID("repay-"+fill+"-amount"), "350,000"),
		chromedp.SendKeys(chromedp.ID("repay-"+fill+"-ref"), "BANK-IN-0001"), chromedp.Click(chromedp.ID("repay-"+fill)))
	b.wait("nothing left to service", `document.querySelector('p[data-testid=to-service]') !== null`)
	final := run.match(fill)
	if final.Status != "repaid" || final.Repaid != 35000000 || len(final.Repayments) != 1 || final.Repayments[0].Reference != "BANK-IN-0001" {
		t.Fatalf("after the receipt: %s, repaid %d, repayments %+v", final.Status, final.Repaid, final.Repayments)
	}
	b.shot("lender-servicing", true)

	// SME 1 sees the rejection's reason, the credit note and the payment.
	b.signIn(sme1.token, "sme")
	b.wait("the rejection's reason", fmt.Sprintf(`document.querySelector('[data-reject=%q]')?.textContent === '货物与订单不符'`, refused.ID))
	b.wait("the credit notes, on its part and on its financed part", `(t => t.includes('¥100,000.00') && t.includes('¥300,000.00') && t.includes('¥50,000.00'))(document.querySelector('[data-testid=dilution]')?.textContent ?? '')`)
	b.wait("what it owes the lender", fmt.Sprintf(`document.querySelector('#owes')?.textContent.includes(%q)`, yuanText(final.SellerOwes)))
	b.wait("the payment", `document.querySelector('[data-testid=paid]')?.textContent.includes('¥200,000.00')`)
	b.shot("sme-servicing", true)

	// The operator lowers the core's rating; the history shows the change.
	b.signIn(run.admin, "operator")
	b.fill("change", map[string]string{"reason": "年报评级下调"}, map[string]string{"participant": core.id, "rating": "AA"})
	b.submit("change")
	b.wait("the history", `document.querySelector('[data-testid=history]')?.textContent.includes('年报评级下调')`)
	var p wire.Participant
	mustJSON(t, run, http.MethodGet, "/v1/participants/"+core.id, run.admin, nil, http.StatusOK, &p)
	if p.Rating == nil || *p.Rating != "AA" {
		t.Fatalf("the core's rating after the change: %v", p.Rating)
	}
	var changes wire.Page[wire.ParticipantChange]
	mustJSON(t, run, http.MethodGet, "/v1/participants/"+core.id+"/changes", run.admin, nil, http.StatusOK, &changes)
	if len(changes.Items) != 1 || changes.Items[0].Field != "rating" || changes.Items[0].From != "AAA" || changes.Items[0].To != "AA" {
		t.Fatalf("the core's history = %+v", changes.Items)
	}
	b.shot("operator-servicing", true)

	// Every role's screen, with what servicing added, fits the window in both
	// languages, and no label is missing.
	for _, who := range []struct {
		token, role string
	}{{core.token, "core"}, {lender.token, "lender"}, {sme1.token, "sme"}, {run.admin, "operator"}} {
		b.signIn(who.token, who.role)
		if who.role == "operator" {
			b.do("open the history", chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-history=%q]`, core.id))))
			b.wait("the history", `document.querySelector('[data-testid=history]') !== null`)
		}
		for _, lang := range []string{"en", "zh"} {
			for _, size := range [][2]int{{1280, 800}, {390, 844}} {
				b.do("resize", chromedp.EmulateViewport(int64(size[0]), int64(size[1])))
				b.wait("the layout", fmt.Sprintf(`window.innerWidth === %d`, size[0]))
				b.noOverflow(fmt.Sprintf("the %s's screen in %s", who.role, lang), size[0])
				b.noMissingLabels(fmt.Sprintf("the %s's screen in %s", who.role, lang))
			}
			b.do("switch the language", chromedp.Click(chromedp.ID("lang")))
			b.wait("the other language", fmt.Sprintf(`document.documentElement.lang === %q`, map[string]string{"en": "zh-CN", "zh": "en"}[lang]))
		}
	}
	b.do("desktop", chromedp.EmulateViewport(1280, 800))
	t.Logf("the servicing in the browser took %v", time.Since(start).Round(time.Second))
}

// yuanText is fen as the console shows it: ¥1,234.56.
func yuanText(fen int64) string {
	s := fmt.Sprintf("%d.%02d", fen/100, fen%100)
	intPart, dec, _ := strings.Cut(s, ".")
	for i := len(intPart) - 3; i > 0; i -= 3 {
		intPart = intPart[:i] + "," + intPart[i:]
	}
	return "¥" + intPart + "." + dec
}

// labelKey is what t() shows when a label is missing: its key.
var labelKey = regexp.MustCompile(`\b(?:st|f|fld|core|lender|sme|op|code|err|key|proof|mode|cert|level|role|sc)\.[a-z_]+\b`)

// noMissingLabels fails if the page shows a label's key instead of its text.
func (b *browser) noMissingLabels(what string) {
	b.t.Helper()
	if m := labelKey.FindAllString(b.eval(`document.body.innerText`), 5); len(m) > 0 {
		b.t.Errorf("%s shows label keys, not labels: %v", what, m)
	}
}

// byInvoice is the receivable of an invoice number (tier 1), waiting until it has
// status when status is not empty.
func (c *consoleRun) byInvoice(number, status string) wire.Receivable {
	c.t.Helper()
	var got wire.Receivable
	waitFor(c.t, 60*time.Second, number+" to be "+status, func() bool {
		for _, r := range c.receivables() {
			if r.InvoiceNumber == number && r.Tier == 1 && (status == "" || r.Status == status) {
				got = r
				return true
			}
		}
		return false
	})
	return got
}

func (c *consoleRun) match(id string) wire.Match {
	c.t.Helper()
	var m wire.Match
	mustJSON(c.t, c, http.MethodGet, "/v1/matches/"+url.PathEscape(id), c.admin, nil, http.StatusOK, &m)
	return m
}

// mustJSON makes a request that has to answer want and decodes the answer into out
// unless nil.
func mustJSON(t *testing.T, run *consoleRun, method, path, token string, body any, want int, out any) {
	t.Helper()
	status, raw := run.p.call(method, path, token, body)
	if status != want {
		t.Fatalf("%s %s = %d %s, want %d", method, path, status, raw, want)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
}
