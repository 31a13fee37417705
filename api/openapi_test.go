// SPDX-License-Identifier: Apache-2.0

package api

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// updateAPIDocs (-update) rewrites the generated section of docs/api.md: go test ./api -run TestAPIDocs -update
var updateAPIDocs = flag.Bool("update", false, "rewrite the generated part of docs/api.md from api/openapi.json")

// loadOpenAPI loads and validates the embedded document (the bytes GET /openapi.json serves).
func loadOpenAPI(t testing.TB) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(openapiJSON)
	if err != nil {
		t.Fatalf("load openapi.json: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI document: %v", err)
	}
	return doc
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	doc := loadOpenAPI(t)
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
	}
	if _, ok := doc.Components.SecuritySchemes["bearerAuth"]; !ok {
		t.Error("no bearerAuth security scheme")
	}
	// The problem's code enum is docs/api.md's table, no more and no less.
	codes := map[string]bool{}
	for c := range statusOf {
		codes[string(c)] = true
	}
	enum := doc.Components.Schemas["Problem"].Value.Properties["code"].Value.Enum
	if len(enum) != len(codes) {
		t.Errorf("Problem.code enum has %d codes, docs/api.md has %d", len(enum), len(codes))
	}
	for _, v := range enum {
		if !codes[fmt.Sprint(v)] {
			t.Errorf("Problem.code enum has %v, not a code of docs/api.md", v)
		}
	}
}

// ginPath turns Gin's /receivables/:id into OpenAPI's /receivables/{id}.
func ginPath(p string) string {
	return regexp.MustCompile(`:([A-Za-z_]+)`).ReplaceAllString(p, "{$1}")
}

// TestOpenAPIMatchesRouter: every route the router registers is documented with its
// method, and every documented operation is a route.
func TestOpenAPIMatchesRouter(t *testing.T) {
	doc := loadOpenAPI(t)
	s := newTestEnv(t, withoutOpenAPIValidation()).Server
	routes := map[string]bool{}
	for _, r := range s.Engine().Routes() {
		key := r.Method + " " + ginPath(r.Path)
		routes[key] = true
		item := doc.Paths.Value(ginPath(r.Path))
		if item == nil || item.GetOperation(r.Method) == nil {
			t.Errorf("router has %s, openapi.json does not", key)
		}
	}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			if !routes[method+" "+path] {
				t.Errorf("openapi.json documents %s %s, the router has no such route", method, path)
			}
		}
	}
}

// TestOpenAPIOperations checks the conventions of docs/api.md on every operation: an id
// and summary, bearer auth on /v1 (none on the service endpoints), Idempotency-Key on
// POSTs, limit and cursor on lists, a problem+json body on every error status, and
// strict request bodies with integer money.
func TestOpenAPIOperations(t *testing.T) {
	doc := loadOpenAPI(t)
	ids := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			where := method + " " + path
			if op.OperationID == "" || op.Summary == "" {
				t.Errorf("%s: no operationId or summary", where)
			}
			if ids[op.OperationID] {
				t.Errorf("%s: operationId %s used twice", where, op.OperationID)
			}
			ids[op.OperationID] = true
			v1 := strings.HasPrefix(path, "/v1/")
			if v1 && op.Security != nil && len(*op.Security) == 0 {
				t.Errorf("%s: /v1 operation without bearerAuth", where)
			}
			if !v1 && !tokenOptional(op) {
				t.Errorf("%s: a service endpoint must not need a token (security: [] or an empty requirement)", where)
			}
			params := map[string]bool{}
			for _, p := range append(append(openapi3.Parameters{}, item.Parameters...), op.Parameters...) {
				params[p.Value.In+":"+p.Value.Name] = true
			}
			if (method == http.MethodPost || method == http.MethodDelete) && !params["header:Idempotency-Key"] {
				t.Errorf("%s: no Idempotency-Key header parameter", where)
			}
			if op.Responses.Value("200") != nil && isPage(op.Responses.Value("200").Value) && (!params["query:limit"] || !params["query:cursor"]) {
				t.Errorf("%s: a list without limit and cursor", where)
			}
			for code, resp := range op.Responses.Map() {
				if code[0] != '4' && code[0] != '5' {
					continue
				}
				mt := resp.Value.Content.Get("application/problem+json")
				if mt == nil || mt.Schema == nil || mt.Schema.Value != doc.Components.Schemas["Problem"].Value {
					t.Errorf("%s: error %s is not a Problem in application/problem+json", where, code)
				}
			}
			if v1 && op.Responses.Value("401") == nil {
				t.Errorf("%s: no 401", where)
			}
			if rb := op.RequestBody; rb != nil {
				checkStrict(t, where, rb.Value.Content.Get("application/json").Schema.Value)
			}
		}
	}
}

// tokenOptional: the operation declares no security, or an empty (anonymous) alternative.
func tokenOptional(op *openapi3.Operation) bool {
	if op.Security == nil {
		return false
	}
	if len(*op.Security) == 0 {
		return true
	}
	for _, req := range *op.Security {
		if len(req) == 0 {
			return true
		}
	}
	return false
}

func isPage(r *openapi3.Response) bool {
	mt := r.Content.Get("application/json")
	if mt == nil || mt.Schema == nil {
		return false
	}
	_, ok := mt.Schema.Value.Properties["next_cursor"]
	return ok
}

// checkStrict: objects refuse unknown fields (docs/api.md: 400 validation_failed), and
// amounts and rates are int64 integers.
func checkStrict(t *testing.T, where string, s *openapi3.Schema) {
	t.Helper()
	if s.Type.Is("object") {
		if s.AdditionalProperties.Has == nil || *s.AdditionalProperties.Has {
			t.Errorf("%s: request object without additionalProperties: false", where)
		}
		for name, p := range s.Properties {
			if strings.Contains(name, "amount") || strings.HasSuffix(name, "_bps") || strings.Contains(name, "ticket") {
				if !p.Value.Type.Is("integer") && !p.Value.Type.Is("object") || p.Value.Type.Is("integer") && p.Value.Format != "int64" {
					t.Errorf("%s: %s must be an integer of format int64", where, name)
				}
			}
			checkStrict(t, where+"."+name, p.Value)
		}
	}
}

// ---- validating real traffic against the document ----

// openapiValidator checks requests and responses against openapi.json.
type openapiValidator struct {
	router routers.Router
}

var (
	oapiOnce sync.Once
	oapiVal  *openapiValidator
	oapiErr  error
)

// loadOpenAPIValidator loads the document once per test binary.
func loadOpenAPIValidator(t testing.TB) *openapiValidator {
	t.Helper()
	oapiOnce.Do(func() {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(openapiJSON)
		if err == nil {
			err = doc.Validate(loader.Context)
		}
		if err != nil {
			oapiErr = fmt.Errorf("openapi.json: %w", err)
			return
		}
		r, err := gorillamux.NewRouter(doc)
		if err != nil {
			oapiErr = fmt.Errorf("openapi.json router: %w", err)
			return
		}
		oapiVal = &openapiValidator{router: r}
	})
	if oapiErr != nil {
		t.Fatal(oapiErr)
	}
	return oapiVal
}

// check validates resp (and, with checkRequest, req and its body) against the
// document and returns the operation it matched ("GET /v1/clusters/{id}"), "" for
// none. A path or method the document does not know is not checked here: the router
// and the document are compared route for route by TestOpenAPIMatchesRouter, and
// tests of unknown endpoints must be able to run. Mismatches are t.Errorf, so check
// is safe from any goroutine.
func (v *openapiValidator) check(t testing.TB, req *http.Request, body []byte, resp *apiResp, checkRequest bool) string {
	t.Helper()
	route, params, err := v.router.FindRoute(req)
	if err != nil {
		return ""
	}
	ctx := context.Background()
	in := &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true},
	}
	if checkRequest {
		req.Body = io.NopCloser(bytes.NewReader(body))
		if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
			t.Errorf("%s %s: the request does not match openapi.json: %v\nrequest body: %s", req.Method, resp.Path, err, body)
		}
	}
	err = openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: resp.Status, Header: resp.Header,
		Body:    io.NopCloser(bytes.NewReader(resp.Body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	})
	if err != nil {
		t.Errorf("%s %s = %d does not match openapi.json: %v\nresponse body: %s", resp.Method, resp.Path, resp.Status, err, resp.Body)
	}
	return route.Method + " " + route.Path
}

// TestOpenAPIServed: GET /openapi.json serves the embedded document, without a token.
func TestOpenAPIServed(t *testing.T) {
	e := newTestEnv(t)
	r := e.get("", "/openapi.json")
	e.mustStatus(r, http.StatusOK, nil)
	if !bytes.Equal(r.Body, openapiJSON) {
		t.Error("GET /openapi.json differs from api/openapi.json")
	}
	var v map[string]any
	r.decode(t, &v)
}

// ---- docs/api.md ----

const (
	docsBegin = "<!-- BEGIN GENERATED: endpoints (go test ./api -run TestAPIDocs -update) -->"
	docsEnd   = "<!-- END GENERATED: endpoints -->"
)

// renderEndpoints is the endpoint table of docs/api.md, from the document.
func renderEndpoints(doc *openapi3.T) string {
	type row struct{ path, method, line string }
	var rows []row
	order := []string{"GET", "POST", "DELETE"}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			auth := "bearer"
			if op.Security != nil && len(*op.Security) == 0 {
				auth = "none"
			} else if tokenOptional(op) {
				auth = "optional"
			}
			var codes []string
			for code := range op.Responses.Map() {
				codes = append(codes, code)
			}
			slices.Sort(codes)
			rows = append(rows, row{path, method, fmt.Sprintf("| `%s` | `%s` | %s | %s | %s |",
				method, path, op.Summary, auth, strings.Join(codes, " "))})
		}
	}
	slices.SortFunc(rows, func(a, b row) int {
		if c := strings.Compare(a.path, b.path); c != 0 {
			return c
		}
		return slices.Index(order, a.method) - slices.Index(order, b.method)
	})
	var b strings.Builder
	b.WriteString(docsBegin + "\n\n")
	b.WriteString("| method | path | summary | auth | statuses |\n| --- | --- | --- | --- | --- |\n")
	for _, r := range rows {
		b.WriteString(r.line + "\n")
	}
	b.WriteString("\n" + docsEnd)
	return b.String()
}

// TestAPIDocs: the endpoint table in docs/api.md is the one the document gives.
func TestAPIDocs(t *testing.T) {
	doc := loadOpenAPI(t)
	path := filepath.Join("..", "docs", "api.md")
	old, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read docs/api.md: %v", err)
	}
	i, j := bytes.Index(old, []byte(docsBegin)), bytes.Index(old, []byte(docsEnd))
	if i < 0 || j < i {
		t.Fatalf("docs/api.md has no generated section (%q … %q)", docsBegin, docsEnd)
	}
	want := renderEndpoints(doc)
	got := string(old[i : j+len(docsEnd)])
	if got == want {
		return
	}
	if !*updateAPIDocs {
		t.Fatalf("docs/api.md's endpoint table is out of date with api/openapi.json; run go test ./api -run TestAPIDocs -update")
	}
	out := append(append(append([]byte{}, old[:i]...), want...), old[j+len(docsEnd):]...)
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}
