// SPDX-License-Identifier: Apache-2.0

package api

// Tests of the web console's serving and sources (docs/api.md, "Endpoints": GET / is
// the web console and needs no token; console/README.md): it is served with a policy
// that lets it load nothing from elsewhere, every path its sources call exists in the
// router, it never writes markup built from data, and it keeps the token out of URLs
// and persistent storage. The browser test that drives it by clicks is
// cmd/scfx's TestConsoleInBrowser; make console-check checks the built files against
// the sources.

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// consoleSources is the text of console/src/*.ts, by file name.
func consoleSources(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "console", "src", "*.ts"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no console sources in ../console/src: %v", err)
	}
	out := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f)] = string(b)
	}
	return out
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
	for _, c := range []struct {
		path, ctype string
		body        []byte
	}{
		{"/", "text/html", consoleHTML},
		{"/console.js", "text/javascript", consoleJS},
		{"/console.css", "text/css", consoleCSS},
	} {
		r := e.get("", c.path)
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), c.ctype) {
			t.Fatalf("GET %s = %d %q, want 200 %s", c.path, r.Status, r.Header.Get("Content-Type"), c.ctype)
		}
		if !bytes.Equal(r.Body, c.body) {
			t.Errorf("GET %s is not the embedded file (%d bytes, want %d)", c.path, len(r.Body), len(c.body))
		}
		csp := r.Header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "script-src 'self'", "connect-src 'self'", "form-action 'none'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("GET %s: Content-Security-Policy %q lacks %q", c.path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("GET %s: Content-Security-Policy %q allows inline or eval'd script", c.path, csp)
		}
		if r.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: no X-Content-Type-Options: nosniff", c.path)
		}
	}
	for _, want := range []string{`<script defer src="/console.js">`, `href="/console.css"`, `id="app"`} {
		if !bytes.Contains(consoleHTML, []byte(want)) {
			t.Errorf("index.html has no %q", want)
		}
	}
}

// The page loads only its own script and style: nothing from another host, no inline
// script (the policy would refuse it anyway).
func TestConsoleSelfContained(t *testing.T) {
	page := string(consoleHTML)
	lower := strings.ToLower(page)
	for _, bad := range []string{"http://", "https://", "@import", "<iframe", "<object", "<embed", "<style"} {
		if strings.Contains(lower, bad) {
			t.Errorf("index.html contains %q: it must be self-contained", bad)
		}
	}
	if regexp.MustCompile(`(?is)<script[^>]*>\s*[^<\s]`).MatchString(page) {
		t.Errorf("index.html has an inline script")
	}
	refs := regexp.MustCompile(`(?i)\b(?:src|href|action|srcset|poster)\s*=\s*["']?([^"'\s>]*)`).FindAllStringSubmatch(page, -1)
	for _, m := range refs {
		if v := m[1]; !(strings.HasPrefix(v, "/") && !strings.HasPrefix(v, "//")) && !strings.HasPrefix(v, "#") {
			t.Errorf("index.html references %q (%s): only same-origin paths are allowed", v, m[0])
		}
	}
	if regexp.MustCompile(`(?i)url\(\s*["']?(?:https?:)?//`).Match(consoleCSS) || bytes.Contains(consoleCSS, []byte("@import")) {
		t.Errorf("console.css loads something from another host")
	}
	if bytes.Contains(consoleJS, []byte("import(")) {
		t.Errorf("console.js loads code at run time")
	}
}

// Every path the console's sources call is a route of the router, and they call what
// every role's work needs.
func TestConsolePathsExist(t *testing.T) {
	e := newTestEnv(t)
	var routes []string
	for _, r := range e.Server.Engine().Routes() {
		routes = append(routes, r.Path)
	}
	used := map[string]bool{}
	for file, src := range consoleSources(t) {
		for _, s := range jsStrings(t, src) {
			if len(s) < 4 || !strings.HasPrefix(s, "/v1/") {
				continue
			}
			path, _, _ := strings.Cut(s, "?")
			i := slices.IndexFunc(routes, func(pattern string) bool { return routeMatches(pattern, path) })
			if i < 0 {
				t.Errorf("console/src/%s calls %q: no route %q in the router", file, strings.ReplaceAll(s, placeholder, "${…}"), strings.ReplaceAll(path, placeholder, ":?"))
				continue
			}
			used[routes[i]] = true
		}
	}
	for _, want := range []string{
		"/v1/node", "/v1/ledger", "/v1/clusters", "/v1/participants", "/v1/directory", "/v1/receivables",
		"/v1/receivables/:id/typed-data", "/v1/receivables/:id/confirm", "/v1/receivables/:id/transfers",
		"/v1/receivables/:id/transfers/typed-data", "/v1/receivables/:id/listings", "/v1/receivables/:id/settle",
		"/v1/receivables/:id/proof", "/v1/listings", "/v1/listings/:id", "/v1/offers", "/v1/offers/:id",
		"/v1/matches", "/v1/matches/:id/fund", "/v1/books/:core_id", "/v1/books/:core_id/auctions",
		// Servicing (issue 16).
		"/v1/receivables/:id/reject", "/v1/receivables/:id/credit-notes", "/v1/receivables/:id/credit-notes/typed-data",
		"/v1/receivables/:id/payments", "/v1/matches/:id/repayments", "/v1/matches/:id/recourse", "/v1/matches/:id/write-off",
		"/v1/participants/:id/changes",
	} {
		if !used[want] {
			t.Errorf("the console never calls %s", want)
		}
	}
}

// The console puts data into the page as text only, and never lets the token leave the
// Authorization header of a same-origin request.
func TestConsoleNoMarkupFromData(t *testing.T) {
	for file, src := range consoleSources(t) {
		for _, bad := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "srcdoc", "localStorage", "document.cookie"} {
			if strings.Contains(src, bad) {
				t.Errorf("console/src/%s uses %s: insert values as text; keep the token in sessionStorage", file, bad)
			}
		}
		for _, s := range jsStrings(t, src) {
			if strings.Contains(strings.ToLower(s), "token=") {
				t.Errorf("console/src/%s builds %q: the token must never go into a URL", file, s)
			}
		}
	}
	api := consoleSources(t)["api.ts"]
	if !strings.Contains(api, "sessionStorage") || !strings.Contains(api, `"Bearer "`) {
		t.Errorf("api.ts: the token must go in the Authorization header, kept in sessionStorage")
	}
	if !strings.Contains(api, `"Idempotency-Key"`) {
		t.Errorf("api.ts sends no Idempotency-Key on writes")
	}
}
