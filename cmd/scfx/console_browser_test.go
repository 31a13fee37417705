// SPDX-License-Identifier: Apache-2.0

package main

// The web console in a real browser (issue 14; console/README.md): Debian's Chromium,
// driven by chromedp, clicks one receivable from onboarding to settlement against
// `scfx serve` with its embedded chain, every role in the page and every signature
// made by the page from a key file it read. The server's answers are checked through
// the API after each step. Screenshots of each role's screen go to $SCFX_ARTEFACTS
// (else a temporary directory, logged); -console.docs writes the two of README.md.
//
// Without Chromium the test skips, and fails when CI is set: make deps installs it.

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/uscc"
)

var consoleDocs = flag.Bool("console.docs", false, "write docs/console-operator.png and docs/console-sme.png from the browser test")

// browser is one Chromium tab on the console of a running server.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
	out  string // screenshots
}

func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed and CI is set: make deps installs it (apt-get install chromium)")
	}
	t.Skip("chromium is not installed (make deps installs it as root): the console's browser test needs it")
	return ""
}

func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	exe := chromiumPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.WindowSize(1280, 800), chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("lang", "en-US"), chromedp.Flag("disable-component-update", true),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 6*time.Minute) // about 25 s on an idle machine; a loaded one is far slower
	t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	out := os.Getenv("SCFX_ARTEFACTS")
	if out == "" {
		out = t.TempDir()
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("console screenshots: %s", out)
	b := &browser{t: t, ctx: ctx, base: base, out: out}
	b.do("open the console", chromedp.Navigate(base+"/"), chromedp.EmulateViewport(1280, 800))
	return b
}

// do runs the steps of one user action; on failure it reports what the page shows
// as problems, and saves a screenshot.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		shown, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('.problem:not([hidden]), .field-err')].map(e => e.id + ': ' + e.textContent).filter(s => !s.endsWith(': ')).join(' | ')`))
		b.shot("failed", false)
		b.t.Fatalf("%s: %v; the page shows: %s", what, err, shown)
	}
}

// wait waits until a JavaScript predicate holds in the page.
func (b *browser) wait(what, predicate string) {
	b.t.Helper()
	b.do("wait for "+what, chromedp.Poll[chromedp.Void](predicate, chromedp.WithPollingTimeout(45*time.Second), chromedp.WithPollingInterval(50*time.Millisecond)))
}

func (b *browser) eval(expr string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// shot saves a screenshot: the whole page, or the viewport alone.
func (b *browser) shot(name string, full bool) string {
	b.t.Helper()
	var buf []byte
	var err error
	if full {
		buf, err = chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	} else {
		buf, err = chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	}
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return ""
	}
	path := filepath.Join(b.out, name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		b.t.Fatal(err)
	}
	return path
}

// signIn signs out whoever is signed in and signs in with token by keyboard alone:
// the token typed into the focused field, Enter to submit.
func (b *browser) signIn(token, role string) {
	b.t.Helper()
	if b.eval(`document.getElementById('signout') ? 'yes' : ''`) != "" {
		b.do("sign out", chromedp.Click(chromedp.ID("signout")))
	}
	b.wait("the sign-in form", `document.activeElement && document.activeElement.id === 'signin-token'`)
	b.do("sign in as "+role, chromedp.SendKeys(chromedp.ID("signin-token"), token+kb.Enter))
	b.wait(role+"'s screen", fmt.Sprintf(`document.querySelector('#who')?.dataset.role === %q && !!document.querySelector('.grid')`, role))
}

// fill types into text fields and sets selects and dates, by the form's field ids.
func (b *browser) fill(form string, typed, set map[string]string) {
	b.t.Helper()
	var steps []chromedp.Action[chromedp.Void]
	for k, v := range set {
		steps = append(steps, setValue(form+"-"+k, v))
	}
	for k, v := range typed {
		steps = append(steps, setValue(form+"-"+k, ""))
		if v != "" {
			steps = append(steps, chromedp.SendKeys(chromedp.ID(form+"-"+k), v))
		}
	}
	b.do("fill "+form, steps...)
}

// setValue sets a field's value as a picker would (a select's option, a date), and
// fails if the element is missing.
func setValue(id, v string) chromedp.Action[chromedp.Void] {
	ij, _ := json.Marshal(id)
	vj, _ := json.Marshal(v)
	return chromedp.Poll[chromedp.Void](fmt.Sprintf(`(() => { const e = document.getElementById(%s); if (!e) return false; e.value = %s; return e.value === %s; })()`, ij, vj, vj),
		chromedp.WithPollingTimeout(10*time.Second))
}

func (b *browser) submit(form string) {
	b.t.Helper()
	b.do("submit "+form, chromedp.Click(chromedp.ID(form+"-submit")))
}

// loadKey imports a key file into the page's memory and waits until the page says
// it is the participant's registered address.
func (b *browser) loadKey(path, address string) {
	b.t.Helper()
	b.do("choose the key file", chromedp.SetUploadFiles(chromedp.ID("key-key_file"), []string{path}))
	b.submit("key")
	b.wait("the key's address", fmt.Sprintf(`document.querySelector('#key-status.ok')?.dataset.signer === %q`, address))
}

// noOverflow fails if the page is wider than the viewport: a layout break.
func (b *browser) noOverflow(what string, width int) {
	b.t.Helper()
	w := b.eval(`String(document.documentElement.scrollWidth)`)
	if w != fmt.Sprint(width) {
		b.t.Errorf("%s at width %d: the page is %s px wide", what, width, w)
	}
}

type keyed struct {
	id, token, address, keyFile string
}

// console is the server, its operator and what the test knows of the market, read
// through the API to check each step the browser took.
type consoleRun struct {
	t     *testing.T
	p     *proc
	admin string
	dir   string
	n     int
}

func (c *consoleRun) uscc() string {
	c.n++
	code, err := uscc.Make('9', '1', "330206", fmt.Sprintf("MA%07d", 4200+c.n))
	if err != nil {
		c.t.Fatal(err)
	}
	return code
}

// key makes a key file, as scfx keygen does, and returns its path and address.
func (c *consoleRun) key(name string) (string, string) {
	k, err := crypto.GenerateKey()
	if err != nil {
		c.t.Fatal(err)
	}
	path := filepath.Join(c.dir, name+".key")
	if err := os.WriteFile(path, []byte(hexutil.Encode(crypto.FromECDSA(k))+"\n"), 0o600); err != nil {
		c.t.Fatal(err)
	}
	return path, crypto.PubkeyToAddress(k.PublicKey).Hex()
}

func (c *consoleRun) receivables() []wire.Receivable {
	c.t.Helper()
	status, raw := c.p.call(http.MethodGet, "/v1/receivables?limit=500", c.admin, nil)
	var page wire.Page[wire.Receivable]
	if status != http.StatusOK || json.Unmarshal(raw, &page) != nil {
		c.t.Fatalf("GET /v1/receivables = %d %s", status, raw)
	}
	return page.Items
}

// receivable is the one receivable held by holder at tier, waiting until it has status
// when status is not empty (the ledger anchors within a few seconds).
func (c *consoleRun) receivable(holder string, tier int, status string) wire.Receivable {
	c.t.Helper()
	var got wire.Receivable
	waitFor(c.t, 60*time.Second, fmt.Sprintf("%s's tier-%d receivable to be %s", holder, tier, status), func() bool {
		for _, r := range c.receivables() {
			if r.HolderID == holder && r.Tier == tier && (status == "" || r.Status == status) {
				got = r
				return true
			}
		}
		return false
	})
	return got
}

func (c *consoleRun) matches() []wire.Match {
	c.t.Helper()
	status, raw := c.p.call(http.MethodGet, "/v1/matches?limit=500", c.admin, nil)
	var page wire.Page[wire.Match]
	if status != http.StatusOK || json.Unmarshal(raw, &page) != nil {
		c.t.Fatalf("GET /v1/matches = %d %s", status, raw)
	}
	return page.Items
}

func TestConsoleInBrowser(t *testing.T) {
	b, run, parties := consoleSetup(t)
	start := time.Now()
	runLifecycle(t, b, run, parties)
	runLayouts(t, b, run, parties)
	t.Logf("the browser lifecycle took %v", time.Since(start).Round(time.Second))
}

// consoleSetup is the set-up the browser tests share: `scfx serve` on a new data
// directory, Chromium on its console, and the operator onboarding a cluster, a core,
// three SMEs and a lender through the page (runOperator).
func consoleSetup(t *testing.T) (*browser, *consoleRun, map[string]*keyed) {
	t.Helper()
	if testing.Short() {
		t.Skip("the browser tests run in the full test pass (make test), not with -short")
	}
	chromiumPath(t)
	dataDir := t.TempDir()
	p := startServe(t, freeAddr(t), dataDir)
	run := &consoleRun{t: t, p: p, admin: readAdminToken(t, dataDir), dir: t.TempDir()}
	b := newBrowser(t, p.base)
	return b, run, runOperator(t, b, run)
}

// runOperator: the operator creates a cluster and onboards a core, three SMEs and a
// lender by the forms, reading each token from the page once.
func runOperator(t *testing.T, b *browser, run *consoleRun) map[string]*keyed {
	b.signIn(run.admin, "operator")
	b.fill("cluster", map[string]string{"name": "宁波汽车零部件产业集群", "county_code": "330206", "industry": "汽车零部件"}, nil)
	b.submit("cluster")
	b.wait("the cluster in the list", `document.querySelector('[data-testid=clusters]')?.textContent.includes('宁波汽车零部件产业集群')`)
	clusterID := ""
	{
		status, raw := run.p.call(http.MethodGet, "/v1/clusters", run.admin, nil)
		var page wire.Page[wire.Cluster]
		if status != http.StatusOK || json.Unmarshal(raw, &page) != nil || len(page.Items) != 1 {
			t.Fatalf("GET /v1/clusters = %d %s", status, raw)
		}
		clusterID = page.Items[0].ID
	}

	// A mistyped USCC is caught in the page, next to its field, before anything is sent.
	b.fill("onboard", map[string]string{"name": "错码企业", "uscc": "91330206MA00000000"}, map[string]string{"role": "lender"})
	b.submit("onboard")
	b.wait("the USCC's error by its field", `document.querySelector('[data-err=uscc]')?.textContent.length > 0 && document.querySelector('#onboard-uscc').getAttribute('aria-invalid') === 'true'`)

	parties := map[string]*keyed{}
	onboard := []struct {
		key, name, role string
		set             map[string]string
	}{
		{"core", "华东重工集团", "core", map[string]string{"rating": "AAA"}},
		{"sme1", "北仑精工", "sme", map[string]string{"cluster_id": clusterID, "certification": "specialized", "certification_valid_until": day(700)}},
		{"sme2", "甬信模具", "sme", map[string]string{"certification": "none"}},
		{"sme3", "慈溪紧固件", "sme", map[string]string{"certification": "none"}},
		{"lender", "东海银行", "lender", nil},
	}
	for _, o := range onboard {
		k := &keyed{}
		typed := map[string]string{"name": o.name, "uscc": run.uscc(), "address": ""}
		if o.role != "lender" {
			k.keyFile, k.address = run.key(o.key)
			typed["address"] = k.address
		}
		set := map[string]string{"role": o.role, "cluster_id": "", "certification": "", "certification_valid_until": "", "rating": ""}
		for f, v := range o.set {
			set[f] = v
		}
		b.fill("onboard", typed, set)
		b.submit("onboard")
		b.wait(o.name+"'s token", fmt.Sprintf(`document.querySelector('#new-token p')?.textContent.includes(%q)`, o.name))
		k.token = b.eval(`document.getElementById('new-token-value').value`)
		status, raw := run.p.call(http.MethodGet, "/v1/participants", k.token, nil)
		var page wire.Page[wire.Participant]
		if status != http.StatusOK || json.Unmarshal(raw, &page) != nil || len(page.Items) != 1 || page.Items[0].Name != o.name {
			t.Fatalf("the token the page showed for %s: GET /v1/participants = %d %s", o.name, status, raw)
		}
		k.id = page.Items[0].ID
		parties[o.key] = k
	}
	b.do("dismiss the token", chromedp.Click(chromedp.CSS("#new-token button:last-of-type")))
	b.wait("the participants", `document.querySelectorAll('[data-testid=participants] tbody tr').length === 5`)
	b.shot("operator", true)
	return parties
}
