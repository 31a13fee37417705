// SPDX-License-Identifier: Apache-2.0

package api

// Tests of the web console (docs/api.md, "Endpoints": GET / is the web console and needs no
// token): it is served, it is self-contained (works offline, loads nothing from
// elsewhere), every path it calls exists in the router, it never writes markup built
// from data, and it keeps the token out of URLs and persistent storage.
//
// SCFX_CONSOLE_SCREENSHOT=1 also renders it in headless Chromium against a market
// (TestConsoleScreenshot); the PNG goes to SCFX_CONSOLE_SCREENSHOT_OUT or the temp dir.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scfx/scfx/matcher"
)

// consoleScript is the text of the console's inline <script> elements.
func consoleScript(t *testing.T) string {
	t.Helper()
	var out []string
	rest := string(consoleHTML)
	for {
		i := strings.Index(rest, "<script")
		if i < 0 {
			break
		}
		rest = rest[i:]
		open := strings.Index(rest, ">")
		end := strings.Index(rest, "</script>")
		if open < 0 || end < open {
			t.Fatalf("console.html: unterminated <script>")
		}
		out = append(out, rest[open+1:end])
		rest = rest[end+len("</script>"):]
	}
	if len(out) == 0 {
		t.Fatalf("console.html has no <script>")
	}
	return strings.Join(out, "\n")
}

// placeholder stands for a ${…} substitution in a template literal.
const placeholder = "\x00"

// jsStrings returns the string and template literals of a script, a template's ${…}
// parts replaced by placeholder. It skips comments; it does not parse regular
// expression literals, so the console's regexps must not contain quotes.
func jsStrings(t *testing.T, src string) []string {
	t.Helper()
	var out []string
	for i := 0; i < len(src); i++ {
		switch c := src[i]; {
		case strings.HasPrefix(src[i:], "//"):
			if j := strings.IndexByte(src[i:], '\n'); j >= 0 {
				i += j
			} else {
				i = len(src)
			}
		case strings.HasPrefix(src[i:], "/*"):
			j := strings.Index(src[i+2:], "*/")
			if j < 0 {
				t.Fatalf("unterminated /* comment")
			}
			i += j + 3
		case c == '\'' || c == '"' || c == '`':
			var b strings.Builder
			j := i + 1
			for ; j < len(src) && src[j] != c; j++ {
				switch {
				case src[j] == '\\':
					j++
					if j < len(src) {
						b.WriteByte(src[j])
					}
				case c == '`' && strings.HasPrefix(src[j:], "${"):
					depth := 0
					for ; j < len(src); j++ {
						if src[j] == '{' {
							depth++
						} else if src[j] == '}' {
							if depth--; depth == 0 {
								break
							}
						}
					}
					b.WriteString(placeholder)
				default:
					b.WriteByte(src[j])
				}
			}
			if j >= len(src) {
				t.Fatalf("unterminated %c string at offset %d", c, i)
			}
			out = append(out, b.String())
			i = j
		}
	}
	return out
}

// routeMatches reports whether a page path (placeholders for ${…}) names the route
// pattern: a placeholder segment stands for a :param segment, a literal for itself.
func routeMatches(pattern, path string) bool {
	ps, qs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(qs) {
		return false
	}
	for i := range ps {
		switch {
		case strings.HasPrefix(ps[i], ":"):
			if qs[i] != placeholder {
				return false
			}
		case ps[i] != qs[i]:
			return false
		}
	}
	return true
}

func TestConsoleServedWithoutToken(t *testing.T) {
	e := newTestEnv(t)
	r := e.get("", "/")
	if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET / = %d %q, want 200 text/html", r.Status, r.Header.Get("Content-Type"))
	}
	if !bytes.Equal(r.Body, consoleHTML) {
		t.Fatalf("GET / is not the embedded console.html (%d bytes, want %d)", len(r.Body), len(consoleHTML))
	}
	for _, want := range []string{"<!doctype html>", "<script>", "/v1/receivables"} {
		if !bytes.Contains(r.Body, []byte(want)) {
			t.Errorf("GET / has no %q", want)
		}
	}
}

// The console works offline: nothing it references lives on another host.
func TestConsoleSelfContained(t *testing.T) {
	page := string(consoleHTML)
	lower := strings.ToLower(page)
	for _, bad := range []string{"http://", "https://", "@import", "<link", "<iframe", "<object", "<embed", "import("} {
		if strings.Contains(lower, bad) {
			t.Errorf("console.html contains %q: it must be self-contained", bad)
		}
	}
	refs := regexp.MustCompile(`(?i)\b(?:src|href|action|srcset|poster)\s*=\s*["']?([^"'\s>]*)`).FindAllStringSubmatch(page, -1)
	refs = append(refs, regexp.MustCompile(`(?i)url\(\s*["']?([^"')]*)`).FindAllStringSubmatch(page, -1)...)
	for _, m := range refs {
		if v := m[1]; !(strings.HasPrefix(v, "/") && !strings.HasPrefix(v, "//")) && !strings.HasPrefix(v, "#") {
			t.Errorf("console.html references %q (%s): only same-origin paths are allowed", v, m[0])
		}
	}
}

// Every path the console calls or links to is a GET route of the router, and it
// covers what the console is for.
func TestConsolePathsExist(t *testing.T) {
	e := newTestEnv(t)
	var gets []string
	for _, r := range e.Server.Engine().Routes() {
		if r.Method == http.MethodGet {
			gets = append(gets, r.Path)
		}
	}
	var paths []string
	for _, s := range jsStrings(t, consoleScript(t)) {
		if len(s) > 1 && s[0] == '/' && (s[1] >= 'a' && s[1] <= 'z' || s[1] >= 'A' && s[1] <= 'Z') {
			paths = append(paths, s)
		}
	}
	for _, m := range regexp.MustCompile(`\bhref="(/[^"]*)"`).FindAllStringSubmatch(string(consoleHTML), -1) {
		paths = append(paths, m[1])
	}
	used := map[string]bool{}
	for _, p := range paths {
		path, _, _ := strings.Cut(p, "?")
		path, _, _ = strings.Cut(path, "#")
		i := slices.IndexFunc(gets, func(pattern string) bool { return routeMatches(pattern, path) })
		if i < 0 {
			t.Errorf("console.html calls %q: no GET route %q in the router", strings.ReplaceAll(p, placeholder, "${…}"), strings.ReplaceAll(path, placeholder, ":?"))
			continue
		}
		used[gets[i]] = true
	}
	for _, want := range []string{
		"/v1/ledger", "/v1/node", "/v1/participants", "/v1/receivables", "/v1/receivables/:id",
		"/v1/receivables/:id/proof", "/v1/offers", "/v1/matches", "/v1/books/:core_id", "/openapi.json",
	} {
		if !used[want] {
			t.Errorf("console.html never calls GET %s", want)
		}
	}
}

// The console puts data into the page as text only, and never lets the token leave the
// Authorization header of a same-origin request.
func TestConsoleNoMarkupFromData(t *testing.T) {
	script := consoleScript(t)
	for _, bad := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "srcdoc"} {
		if strings.Contains(script, bad) {
			t.Errorf("console script uses %s: insert values with textContent or text nodes", bad)
		}
	}
	page := string(consoleHTML)
	if strings.Contains(page, "localStorage") || !strings.Contains(script, "sessionStorage") {
		t.Errorf("the console must keep the token in sessionStorage only")
	}
	if strings.Contains(strings.ToLower(page), "<form") {
		t.Errorf("console.html has a <form>: a submitted form would put the token in the URL")
	}
	for _, s := range jsStrings(t, script) {
		if strings.Contains(strings.ToLower(s), "token=") {
			t.Errorf("console script builds %q: the token must never go into a URL", s)
		}
	}
	// Read-only: every fetch is a GET, so no method is ever named.
	if strings.Contains(script, "method") {
		t.Errorf("console script names a request method: the console is read-only")
	}
}

// consoleMarket is the market the screenshot shows: a tier-1 receivable split to a
// tier-2 SME, the fragment matched and funded, the rest resting in the book, and an
// invoice still waiting for the core's confirmation.
type consoleMarket struct {
	core, sme1, sme2, lender *testParty
	root, child, pending     ReceivableView
	match                    matchView
}

func newConsoleMarket(e *testEnv) consoleMarket {
	e.t.Helper()
	cl := e.cluster("national")
	m := consoleMarket{core: e.core("AAA"), lender: e.lender()}
	m.sme1 = e.sme(cl.ID, string(matcher.CertSpecialized))
	m.sme2 = e.sme(cl.ID, string(matcher.CertLittleGiant))
	m.root = e.financeable(m.sme1, m.core, 123456789, 120)
	m.child = e.transfer(m.sme1, m.root.ID, m.sme2, 40000000)
	e.settleLedger()
	e.offer(m.lender, m.core, 500000000, 385)
	l := e.list(m.sme2, m.child.ID, 600)
	if l.Match == nil {
		e.t.Fatalf("listing %s did not match the live offer", l.Listing.ID)
	}
	e.postJSON(m.lender.Token, "/v1/matches/"+l.Match.ID+"/fund", map[string]string{"reference": "BANK-REF-0001"}, http.StatusOK, &m.match)
	e.list(m.sme1, m.root.ID, 300) // below the offer's rate: rests in the book
	m.pending = e.invoice(m.sme1, m.core, 9900, 60)
	e.settleLedger()
	return m
}

// TestConsoleScreenshot renders the console in headless Chromium (SCFX_CONSOLE_SCREENSHOT=1):
// as the operator with a funded fragment's detail and proof open, and as an SME. Without
// the variable it does nothing; without Chromium it logs and checks nothing.
func TestConsoleScreenshot(t *testing.T) {
	if os.Getenv("SCFX_CONSOLE_SCREENSHOT") != "1" {
		return
	}
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Logf("no chromium on PATH (%v): nothing rendered", err)
		return
	}
	e := newTestEnv(t, unlimited())
	m := newConsoleMarket(e)
	var proof proofView
	e.getJSON(e.Admin.Token, "/v1/receivables/"+m.child.ID+"/proof?kind=assignment", &proof)

	// The seed page plays the sign-in: it puts a token in this tab's sessionStorage and
	// opens the console, the way a user pasting the token would.
	seeds := map[string]string{"/_seed/operator": e.Admin.Token, "/_seed/sme": m.sme1.Token}
	mux := http.NewServeMux()
	mux.Handle("/", e.Server)
	for path, tok := range seeds {
		frag := "#r=" + m.child.ID + "&proof=assignment&book=" + m.core.ID
		if tok != e.Admin.Token {
			frag = "#r=" + m.root.ID
		}
		tj, _ := json.Marshal(tok)
		fj, _ := json.Marshal("/" + frag)
		page := fmt.Sprintf("<!doctype html><script>sessionStorage.setItem('scfx.token', %s); location.replace(%s);</script>", tj, fj)
		mux.HandleFunc(path, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte(page))
		})
	}
	ts := httptest.NewServer(mux)
	defer ts.Close()

	dom := renderConsole(t, chromium, ts.URL+"/_seed/operator", "--dump-dom")
	for _, want := range []string{
		m.root.InvoiceNumber, m.child.ID, "¥1,234,567.89", "¥400,000.00", "3.85%", "test-node", "Merkle proof",
		proof.Root.Hex(), proof.TxHash.Hex(), "核心企业订单簿", "Best quote per band", "¥834,567.89",
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("the operator's console does not show %q", want)
		}
	}
	noJunk(t, "operator", dom)
	if strings.Contains(dom, `class="problem"`) {
		t.Errorf("the operator's console shows a problem: %s", dom[strings.Index(dom, `class="problem"`):][:300])
	}
	dom = renderConsole(t, chromium, ts.URL+"/_seed/sme", "--dump-dom")
	for _, want := range []string{m.sme1.View.Name, m.root.InvoiceNumber, m.pending.InvoiceNumber, "专精特新中小企业", "待确权"} {
		if !strings.Contains(dom, want) {
			t.Errorf("the SME's console does not show %q", want)
		}
	}
	noJunk(t, "SME", dom)
	for _, absent := range []string{"state hash", "核心企业订单簿"} {
		if strings.Contains(dom, absent) {
			t.Errorf("the SME's console shows %q, which is the operator's or a lender's", absent)
		}
	}

	out := os.Getenv("SCFX_CONSOLE_SCREENSHOT_OUT")
	if out == "" {
		out = filepath.Join(os.TempDir(), "scfx-console.png")
	}
	renderConsole(t, chromium, ts.URL+"/_seed/operator", "--screenshot="+out, "--window-size=1400,2800")
	f, err := os.Open(out)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot %s: %v", out, err)
	}
	if b := img.Bounds(); b.Dx() != 1400 || b.Dy() != 2800 {
		t.Errorf("screenshot is %v, want 1400x2800", b)
	}
	t.Logf("console screenshot: %s", out)
}

// noJunk fails if the rendered page shows a JavaScript value that was never formatted.
func noJunk(t *testing.T, who, dom string) {
	t.Helper()
	for _, junk := range []string{">null<", ">undefined<", "undefined", "NaN", "[object Object]"} {
		if i := strings.Index(dom, junk); i >= 0 {
			t.Errorf("the %s's console shows %q: …%s…", who, junk, dom[max(0, i-120):min(len(dom), i+40)])
		}
	}
}

// renderConsole runs headless Chromium on url with a fresh profile and returns its
// output without <script> elements (with --dump-dom: the rendered DOM).
func renderConsole(t *testing.T, chromium, url string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	flags := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
		"--no-first-run", "--disable-dev-shm-usage", "--user-data-dir=" + t.TempDir(), "--virtual-time-budget=10000",
	}
	cmd := exec.CommandContext(ctx, chromium, append(append(flags, args...), url)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v; stderr %s", args, err, stderr.String())
	}
	// What the page shows, not the script's own text.
	return scriptElement.ReplaceAllString(stdout.String(), "")
}

var scriptElement = regexp.MustCompile(`(?s)<script.*?</script>`)
