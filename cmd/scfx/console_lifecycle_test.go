// SPDX-License-Identifier: Apache-2.0

package main

// The roles' part of TestConsoleInBrowser: upload, confirm, transfers, offer, listing,
// funding and settlement, each by clicks, each checked through the API.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/scfx/scfx/api/wire"
)

func runLifecycle(t *testing.T, b *browser, run *consoleRun, parties map[string]*keyed) {
	core, sme1, sme2, sme3, lender := parties["core"], parties["sme1"], parties["sme2"], parties["sme3"], parties["lender"]

	// SME 1 uploads; a bad invoice number comes back from the server as problem+json
	// and shows next to its field.
	b.signIn(sme1.token, "sme")
	b.fill("upload", map[string]string{"invoice_number": "X1", "amount": "1,234,567.89"}, map[string]string{"debtor_id": core.id})
	b.submit("upload")
	b.wait("the server's error by the invoice number", `document.querySelector('[data-err=invoice_number]')?.textContent.length > 0`)
	b.fill("upload", map[string]string{"invoice_number": "INV-2026-0001"}, nil)
	b.submit("upload")
	b.wait("the receivable in the list", `document.querySelector('[data-testid=receivables]')?.textContent.includes('INV-2026-0001')`)
	if shown := b.eval(`document.querySelector('[data-testid=receivables]').textContent`); !strings.Contains(shown, "¥1,234,567.89") || !strings.Contains(shown, "华东重工集团") {
		t.Errorf("the SME's receivables show %q: want the amount in yuan and the debtor's name", shown)
	}
	r1 := run.receivable(sme1.id, 1, "pending_confirmation")
	if r1.Amount != 123456789 || r1.DebtorID != core.id {
		t.Fatalf("uploaded receivable = %+v", r1)
	}
	// A second invoice, which the core will confirm with a browser wallet.
	b.fill("upload", map[string]string{"invoice_number": "INV-2026-0002", "amount": "50,000"}, map[string]string{"debtor_id": core.id})
	b.submit("upload")
	b.wait("the second receivable", `document.querySelector('[data-testid=receivables]')?.textContent.includes('INV-2026-0002')`)

	// The core confirms by signing in the page with its key file.
	b.signIn(core.token, "core")
	b.loadKey(core.keyFile, core.address)
	b.shot("core", true)
	b.do("confirm", chromedp.Click(chromedp.ID("confirm-"+r1.ID)))
	b.wait("the confirmation's notice", fmt.Sprintf(`document.getElementById(%q) === null && document.querySelector('#notice')?.textContent.includes('INV-2026-0001')`, "confirm-"+r1.ID))
	r1 = run.receivable(sme1.id, 1, "financeable")
	if r1.Confirmation == nil || !strings.EqualFold(r1.Confirmation.Signer, core.address) {
		t.Fatalf("the server did not record the browser's signature by %s: %+v", core.address, r1.Confirmation)
	}

	confirmWithWallet(t, b, run, core)

	// SME 1 transfers a part to SME 2 by its address, signing in the page.
	b.signIn(sme1.token, "sme")
	b.loadKey(sme1.keyFile, sme1.address)
	b.fill("transfer", map[string]string{"to_id": sme2.address, "amount": "600,000"}, map[string]string{"receivable": r1.ID})
	b.submit("transfer")
	b.wait("the transfer's notice", `document.querySelector('#notice')?.textContent.includes('甬信模具')`)
	r2 := run.receivable(sme2.id, 2, "financeable")
	if r2.Amount != 60000000 || r2.ParentID == nil || *r2.ParentID != r1.ID {
		t.Fatalf("tier-2 fragment = %+v", r2)
	}

	// SME 2 transfers a part on to SME 3.
	b.signIn(sme2.token, "sme")
	b.loadKey(sme2.keyFile, sme2.address)
	b.fill("transfer", map[string]string{"to_id": sme3.address, "amount": "300,000.00"}, map[string]string{"receivable": r2.ID})
	b.submit("transfer")
	b.wait("the transfer's notice", `document.querySelector('#notice')?.textContent.includes('慈溪紧固件')`)
	r3 := run.receivable(sme3.id, 3, "financeable")

	// SME 2 lists what it kept; no lender has an offer yet, so it rests; it cancels it.
	b.fill("list", map[string]string{"max_rate_bps": "4"}, map[string]string{"receivable": r2.ID})
	b.submit("list")
	b.wait("the resting listing", `document.querySelector('table[data-testid=listings] [data-cancel]') !== null`)
	b.do("cancel the listing", chromedp.Click(chromedp.CSS("table[data-testid=listings] [data-cancel]")))
	b.wait("no listing left", `document.querySelector('p[data-testid=listings]') !== null`)
	if status, raw := run.p.call(http.MethodGet, "/v1/listings", sme2.token, nil); status != http.StatusOK || !strings.Contains(string(raw), `"items":[]`) {
		t.Fatalf("SME 2's resting listings after the cancel: %d %s", status, raw)
	}

	// The lender posts an offer on the core, rates in % a year.
	b.signIn(lender.token, "lender")
	b.fill("offer", map[string]string{"line_amount": "10,000,000", "rate_a": "3.85", "rate_b": "4.5", "rate_c": "6", "max_tenor_days": "365"}, map[string]string{"core_id": core.id, "mode": "bands"})
	b.submit("offer")
	b.wait("the offer", `document.querySelector('[data-testid=offers]')?.textContent.includes('¥10,000,000.00')`)
	if title := b.eval(`document.querySelector('[data-testid=offers] .rate')?.title ?? ''`); title != "385 bps" {
		t.Errorf("the offer's rate shows %q on hover, want 385 bps", title)
	}

	// SME 3 lists its fragment at most 5% a year: it matches the offer at once.
	b.signIn(sme3.token, "sme")
	b.fill("list", map[string]string{"max_rate_bps": "5.00"}, map[string]string{"receivable": r3.ID})
	b.submit("list")
	b.wait("the match", `document.querySelector('[data-testid=matches]')?.textContent.includes('东海银行')`)
	var match string
	for _, m := range run.matches() {
		// Tier 3 scores in band B: the offer's B rate, within the listing's 5%.
		if m.ReceivableID == r3.ID && m.Status == "matched" && m.RateBps == 450 {
			match = m.ID
		}
	}
	if match == "" {
		t.Fatalf("no match on %s at band B's 450 bps: %+v", r3.ID, run.matches())
	}

	// The lender funds the match with its payment reference.
	b.signIn(lender.token, "lender")
	b.do("fund", chromedp.SendKeys(chromedp.ID("fund-"+match+"-ref"), "BANK-REF-0001"), chromedp.Click(chromedp.ID("fund-"+match)))
	b.wait("nothing left to fund", `document.querySelector('p[data-testid=to-fund]') !== null`)
	b.shot("lender", true)
	for _, m := range run.matches() {
		if m.ID == match && (m.Status != "funded" || m.Reference == nil || *m.Reference != "BANK-REF-0001") {
			t.Fatalf("match after funding = %+v", m)
		}
	}

	// SME 3 sees the money and checks the transfer's proof in the page.
	b.signIn(sme3.token, "sme")
	b.wait("the money received", `document.querySelector('#received')?.textContent.includes('¥')`)
	run.receivable(sme3.id, 3, "")
	b.fill("proof", map[string]string{"receivable": r3.ID}, map[string]string{"kind": "transfer"})
	b.submit("proof")
	b.wait("the proof's verdict", `document.querySelector('#proof-verdict')?.dataset.ok === 'true'`)

	// The core settles the invoice.
	b.signIn(core.token, "core")
	b.do("settle", chromedp.SendKeys(chromedp.ID("settle-"+r1.ID+"-ref"), "PAY-2026-0001"), chromedp.Click(chromedp.ID("settle-"+r1.ID)))
	b.wait("the settled notice", `document.querySelector('#notice')?.textContent.includes('INV-2026-0001')`)
	for _, r := range run.receivables() {
		if r.InvoiceNumber == "INV-2026-0001" && r.Status != "settled" {
			t.Errorf("after settlement %s (tier %d) is %s, want settled", r.ID, r.Tier, r.Status)
		}
	}
	for _, m := range run.matches() {
		if m.Status != "settled" {
			t.Errorf("after settlement match %s is %s, want settled", m.ID, m.Status)
		}
	}

	// The operator switches the core's book to call auctions and runs one (nothing
	// rests in it now: no fill).
	b.signIn(run.admin, "operator")
	b.do("switch to auctions", chromedp.Click(chromedp.ID("mode-"+core.id)))
	b.wait("the auction button", fmt.Sprintf(`document.getElementById(%q) !== null`, "auction-"+core.id))
	b.do("run the auction", chromedp.Click(chromedp.ID("auction-"+core.id)))
	b.wait("the auction's notice", `document.querySelector('#notice')?.textContent.includes('0 fills')`)
}

// runLayouts: the operator's and SME's screens at 1280×800 and 390×844 without a
// layout break, the language switch, and the README's screenshots.
func runLayouts(t *testing.T, b *browser, run *consoleRun, parties map[string]*keyed) {
	b.signIn(parties["sme1"].token, "sme")
	b.do("open the score", chromedp.Click(chromedp.CSS("[data-score]")))
	b.wait("the score in words", `document.querySelector('.score-box li') !== null`)
	b.shot("sme", true)
	b.noOverflow("the SME's screen", 1280)
	sme := b.shot("sme-1280x800", false)
	b.do("phone", chromedp.EmulateViewport(390, 844))
	b.wait("the narrow layout", `window.innerWidth === 390`)
	b.noOverflow("the SME's screen", 390)
	b.shot("sme-390x844", false)
	b.do("Chinese", chromedp.Click(chromedp.ID("lang")))
	b.wait("Chinese labels", `document.querySelector('header h1')?.textContent.includes('供应链金融') && document.documentElement.lang === 'zh-CN' && document.querySelector('#sec-receivables h2')?.textContent === '我的应收账款'`)
	b.noOverflow("the SME's screen in Chinese", 390)
	b.shot("sme-390x844-zh", false)
	b.do("English", chromedp.Click(chromedp.ID("lang")), chromedp.EmulateViewport(1280, 800))

	b.signIn(run.admin, "operator")
	b.noOverflow("the operator's screen", 1280)
	op := b.shot("operator-1280x800", false)
	b.do("phone", chromedp.EmulateViewport(390, 844))
	b.wait("the narrow layout", `window.innerWidth === 390`)
	b.noOverflow("the operator's screen", 390)
	b.shot("operator-390x844", false)
	b.do("desktop", chromedp.EmulateViewport(1280, 800))

	if *consoleDocs {
		for src, dst := range map[string]string{op: "console-operator.png", sme: "console-sme.png"} {
			raw, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join("..", "..", "docs", dst), raw, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("wrote docs/console-operator.png and docs/console-sme.png")
	}
}

// confirmWithWallet: the core confirms the second invoice through an injected EIP-1193
// wallet instead of its key file. The wallet is a stand-in that records what the page
// asks of it and answers with the signature this test makes with the core's key from
// the typed data the API serves, as a real wallet would: the page must pass that typed
// data through unchanged and post the wallet's answer.
func confirmWithWallet(t *testing.T, b *browser, run *consoleRun, core *keyed) {
	var r wire.Receivable
	for _, x := range run.receivables() {
		if x.InvoiceNumber == "INV-2026-0002" {
			r = x
		}
	}
	status, typed := run.p.call(http.MethodGet, "/v1/receivables/"+r.ID+"/typed-data", core.token, nil)
	if status != http.StatusOK {
		t.Fatalf("GET typed-data = %d %s", status, typed)
	}
	key, err := loadKey(core.keyFile)
	if err != nil {
		t.Fatal(err)
	}
	sig, _, err := signTypedData(key, typed)
	if err != nil {
		t.Fatal(err)
	}
	wallet := fmt.Sprintf(`window.__walletCalls = [];
window.ethereum = { request: async (a) => {
  window.__walletCalls.push(a);
  if (a.method === 'eth_requestAccounts') return [%q];
  if (a.method === 'eth_signTypedData_v4') return %q;
  throw new Error('unsupported ' + a.method);
} }; true`, strings.ToLower(core.address), sig)
	b.do("install the wallet", chromedp.Evaluate[chromedp.Void](wallet), chromedp.Click(chromedp.ID("refresh")))
	b.wait("the wallet button", `document.getElementById('key-wallet') !== null`)
	b.do("use the wallet", chromedp.Click(chromedp.ID("key-wallet")))
	b.wait("the wallet's address", fmt.Sprintf(`document.querySelector('#key-status.ok')?.dataset.signer === %q`, core.address))
	b.do("confirm with the wallet", chromedp.Click(chromedp.ID("confirm-"+r.ID)))
	b.wait("the queue to empty", `document.querySelector('p[data-testid=queue]') !== null`)

	calls := b.eval(`JSON.stringify(window.__walletCalls)`)
	var got []struct {
		Method string `json:"method"`
		Params []any  `json:"params"`
	}
	if err := json.Unmarshal([]byte(calls), &got); err != nil || len(got) != 2 || got[1].Method != "eth_signTypedData_v4" || len(got[1].Params) != 2 {
		t.Fatalf("the page asked the wallet %s, want eth_requestAccounts then eth_signTypedData_v4(address, typed data)", calls)
	}
	var asked, served any
	raw, _ := got[1].Params[1].(string)
	if json.Unmarshal([]byte(raw), &asked) != nil || json.Unmarshal(typed, &served) != nil || !reflect.DeepEqual(asked, served) {
		t.Errorf("the page asked the wallet to sign %s, want the served typed data %s", raw, typed)
	}
	if from, _ := got[1].Params[0].(string); !strings.EqualFold(from, core.address) {
		t.Errorf("the page asked the wallet to sign as %v, want %s", got[1].Params[0], core.address)
	}
	for _, x := range run.receivables() {
		if x.ID == r.ID && (x.Confirmation == nil || !strings.EqualFold(x.Confirmation.Signer, core.address)) {
			t.Fatalf("the server did not take the wallet's signature: %+v", x.Confirmation)
		}
	}
}
