// SPDX-License-Identifier: Apache-2.0

package api

// The shared test environment of package api: one real node (file journal and
// snapshots in t.TempDir()) behind api.New on a real 127.0.0.1 listener, and the
// helpers every API test uses to talk to it as a client would — over HTTP, with a
// bearer token, signing the EIP-712 typed data the server serves.
//
// Quick reference (keep these names and signatures stable: other test files use them):
//
//	e := newTestEnv(t)                              // options: withAPIConfig, withoutOpenAPIValidation, withRequestValidation, withRealLedger, withClock
//	t.Run(name, func(t *testing.T) { e := e.with(t); … }) // helpers then fail the subtest, not the parent
//	e.URL, e.Server, e.Node, e.Admin                // base URL, *Server, *node.Node, the operator (*testParty)
//	e.Chain                                         // *ledger.Embedded withRealLedger(), else nil
//	e.Clock.advanceDays(n); e.tick()                // withClock(): move the journal's clock, then an entry at the new time
//
//	r := e.do(method, path, token, body, "Header", "value", ...) // raw call; body: nil, []byte, string or any (JSON)
//	r := e.get(token, path); e.post(token, path, body); e.del(token, path)
//	r.Status, r.Header, r.Body; r.decode(t, &v); r.problem(t)
//	e.mustStatus(r, 201, &v)                         // fails unless r.Status == 201, then decodes into v (if non-nil)
//	e.wantProblem(r, 409, matcher.CodeInvalidState)  // checks status, problem+json shape and code; returns the Problem
//	e.getJSON(token, path, &v)                       // GET that must be 200
//	e.postJSON(token, path, body, 201, &v)           // POST that must answer want
//
//	e.cluster("national") clusterView
//	e.core("AAA"), e.sme(clusterID, "specialized"), e.lender() *testParty
//	e.participant(participantRequest{...}) *testParty // fills name, uscc and (sme/core) a fresh key's address
//	e.newUSCC() string; e.newInvoiceNumber() string; e.date(offsetDays) string (UTC)
//
//	e.invoice(sme, core, amountFen, dueDays) ReceivableView          // POST /v1/receivables (pending_confirmation)
//	e.confirmationSignature(core, id) string                         // GET …/typed-data, sign as a wallet would
//	e.confirm(core, id) ReceivableView                               // …and POST …/confirm
//	e.transferSignature(holder, parentID, to, amount, salt) string   // GET …/transfers/typed-data, sign
//	e.transfer(holder, parentID, to, amount) ReceivableView          // …and POST …/transfers (201, the child)
//	e.settleLedger(dups ...common.Hash)                              // answer registrations, cut and anchor all leaves (real ledger: wait for the anchorer)
//	e.financeable(sme, core, amountFen, dueDays) ReceivableView      // invoice + confirm + settleLedger
//	e.receivable(token, id) ReceivableView                           // GET /v1/receivables/{id}
//	e.postOffer(lender, body) offerView; e.offer(lender, core, lineFen, rateBps) offerView
//	e.list(holder, receivableID, maxRateBps) listingResponse
//
//	signTypedData(t, key, rawTypedDataJSON) string                    // 0x…65-byte signature, v 27/28
//	newSalt(t) common.Hash
//	e.system(cmd) matcher.Result                                      // node.Submit as matcher.ActorSystem
//	e.view(func(m *matcher.Matcher))                                  // read the state directly
//	e.operationsSeen() map[string]int                                 // "POST /v1/offers" → responses validated
//
// Every response is validated against api/openapi.json (openapi_test.go) unless the
// env was built withoutOpenAPIValidation(); requests too, withRequestValidation().
// A mismatch is t.Errorf; an undocumented status fails too (a 500 always does).
// Paths and methods the document does not have (404 tests) are not validated.
//
// Goroutines: the helpers report failures with t.Fatalf, which must run on the test's
// own goroutine. From other goroutines call e.with(t).do(…) and check the *apiResp
// yourself (do fails only when the connection itself fails).
//
// Time: dates are today's UTC date on this machine, as the journal stamps entries;
// a test that runs across midnight UTC can see "today" move by a day. An env
// withClock() stamps entries from e.Clock instead (clock_test.go), which a test
// moves forward: the matcher's today is the last entry's time, so e.tick() after
// moving it (maturities, overdue) — e.date() stays on the machine's date.

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/scfx/scfx/feed"
	"github.com/scfx/scfx/journal"
	"github.com/scfx/scfx/ledger"
	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/node"
)

// The test chain: what the anchorer would write with SetLedger on an embedded chain.
const (
	testAdminToken = "scfx-test-admin-token-0123456789abcdef"
	testChainID    = 1337
	testRegistry   = "0x00000000000000000000000000000000005cF0C5"
	testAnchorer   = "0x00000000000000000000000000000000000A0C40"
	testPlatform   = "0x0000000000000000000000000000000000000000000000000000000000000001"
	// testCallTimeout bounds one HTTP call, so a hung server fails the test, not the run.
	testCallTimeout = 30 * time.Second
)

// testParty is a participant (or the operator) as a client holds it: its token and,
// for SMEs and cores, the secp256k1 key behind its address.
type testParty struct {
	ID      string
	Token   string
	Role    string // "operator", "sme", "core" or "lender"
	USCC    string
	Key     *ecdsa.PrivateKey // nil for lenders and the operator
	Address common.Address    // zero for lenders and the operator
	View    participantView   // the 201 answer of POST /v1/participants (token included)
}

// testEnv is one node behind a real HTTP listener.
type testEnv struct {
	t      testing.TB
	Dir    string // the data directory: journal and snapshots
	URL    string
	Server *Server
	Node   *node.Node
	Feed   *feed.Feed
	Admin  *testParty
	// Chain is the embedded chain of an env withRealLedger(), nil otherwise.
	Chain *ledger.Embedded
	// Clock stamps the journal's entries in an env withClock(), nil otherwise.
	Clock *testClock

	client   *http.Client
	oapi     *openapiValidator // nil: responses are not validated
	checkReq bool              // validate requests against the document too
	*envShared
}

// envShared is the mutable part of an env, shared by the copies with() makes.
type envShared struct {
	n        atomic.Int64  // unique USCCs and invoice numbers
	block    atomic.Uint64 // the fake chain's head block
	ledgerMu sync.Mutex    // one settleLedger at a time
	seenMu   sync.Mutex
	seen     map[string]int // validated responses by operation, "GET /v1/clusters/{id}"
}

type envConfig struct {
	api        Config
	noOpenAPI  bool
	checkReq   bool
	realLedger bool
	feedKeep   int // events each feed keeps; 0: the defaults
	clock      *testClock
}

// envOption changes how newTestEnv builds the environment.
type envOption func(*envConfig)

// withAPIConfig edits the api.Config (Node, AdminToken and Ledger are set after it).
func withAPIConfig(f func(*Config)) envOption { return func(c *envConfig) { f(&c.api) } }

// withoutOpenAPIValidation turns off checking every response against openapi.json.
func withoutOpenAPIValidation() envOption { return func(c *envConfig) { c.noOpenAPI = true } }

// withRequestValidation also checks every request against openapi.json: for tests
// that only send valid requests (the lifecycle), never for bad-input tests.
func withRequestValidation() envOption { return func(c *envConfig) { c.checkReq = true } }

// withRealLedger runs the env on a real chain instead of the fixed SetLedger and
// settleLedger's made-up anchors: an embedded go-ethereum chain in t.TempDir()
// (sealing a block per transaction, its JSON-RPC on a free 127.0.0.1 port, see
// e.Chain.HTTPEndpoint()), bound with ledger.Configure, and a real ledger.Anchorer
// on the env's node. Both stop when the test ends.
func withRealLedger() envOption { return func(c *envConfig) { c.realLedger = true } }

// realLedgerMaxDelay is the anchorer's batch delay in a real-ledger env: short, so
// that a test waits tens of milliseconds for financeable, not the 1 s default.
const realLedgerMaxDelay = 50 * time.Millisecond

// newTestEnv starts a node on a file journal in t.TempDir(), configures its ledger
// (chain 1337, testRegistry) as the anchorer would, and serves api.New over
// httptest on 127.0.0.1. Everything is closed at the end of the test.
func newTestEnv(t testing.TB, opts ...envOption) *testEnv {
	t.Helper()
	var ec envConfig
	for _, o := range opts {
		o(&ec)
	}
	dir := t.TempDir()
	var chain *ledger.Embedded
	if ec.realLedger {
		chain = openTestChain(t, dir)
	}
	jopts := journal.FileOptions{NoSync: true}
	if ec.clock != nil {
		jopts.Now = ec.clock.now
	}
	j, err := journal.OpenFile(filepath.Join(dir, "journal"), jopts)
	if err != nil {
		t.Fatalf("journal.OpenFile: %v", err)
	}
	f := feed.New(feed.Config{KeepPerParticipant: ec.feedKeep, KeepOperator: ec.feedKeep})
	// The matcher's rules as scfx serve runs them (replica.go): a zero Config has no
	// grace period before overdue.
	n, err := node.Open(context.Background(), node.Config{Journal: j, SnapshotDir: filepath.Join(dir, "snapshots"), Feed: f, Matcher: matcher.DefaultConfig()})
	if err != nil {
		_ = j.Close()
		t.Fatalf("node.Open: %v", err)
	}
	e := &testEnv{t: t, Dir: dir, Node: n, Feed: f, Chain: chain, Clock: ec.clock, checkReq: ec.checkReq, envShared: &envShared{seen: map[string]int{}}}
	cfg := ec.api
	cfg.Node, cfg.Feed, cfg.AdminToken, cfg.NodeID = n, f, testAdminToken, "test-node"
	switch {
	case cfg.Ledger != nil:
	case chain != nil:
		cfg.Ledger = chainLedger{chain}
	default:
		cfg.Ledger = envLedger{e}
	}
	e.Server = New(cfg)
	ts := httptest.NewServer(e.Server)
	t.Cleanup(func() {
		ts.Close()
		if err := n.Close(); err != nil {
			t.Errorf("node.Close: %v", err)
		}
	})
	e.URL, e.client = ts.URL, ts.Client()
	e.client.Timeout = testCallTimeout
	e.Admin = &testParty{ID: matcher.ActorOperator, Token: testAdminToken, Role: roleOperator}
	if !ec.noOpenAPI {
		e.oapi = loadOpenAPIValidator(t)
	}
	if chain != nil {
		e.startAnchorer(t, dir)
		return e
	}
	res := e.system(matcher.Command{Payload: &matcher.SetLedger{
		ChainID: testChainID, Registry: testRegistry, Platform: testPlatform, Anchorer: testAnchorer,
	}})
	if res.Err != nil {
		t.Fatalf("SetLedger: %v", res.Err)
	}
	return e
}

// envLedger is the fake chain behind GET /v1/ledger: its head is the last block
// settleLedger "mined".
type envLedger struct{ e *testEnv }

func (l envLedger) Info(context.Context) (LedgerInfo, error) {
	return LedgerInfo{
		ChainID: testChainID, Registry: common.HexToAddress(testRegistry), Anchorer: common.HexToAddress(testAnchorer),
		HeadBlock: l.e.block.Load(), ConfirmationsOK: true,
	}, nil
}

// openTestChain opens the embedded chain under dir; it is closed when the test ends,
// after the node (cleanups run last-registered first).
func openTestChain(t testing.TB, dir string) *ledger.Embedded {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testCallTimeout)
	defer cancel()
	chain, err := ledger.OpenEmbedded(ctx, ledger.EmbeddedConfig{DataDir: filepath.Join(dir, "ledger"), BlockPeriod: 0, HTTPAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatalf("ledger.OpenEmbedded: %v", err)
	}
	t.Cleanup(func() {
		if err := chain.Close(); err != nil {
			t.Errorf("closing the embedded chain: %v", err)
		}
	})
	return chain
}

// startAnchorer binds the node to e.Chain as scfx serve does (ledger.Configure) and
// runs a ledger.Anchorer on it until the test ends, before the node closes.
func (e *testEnv) startAnchorer(t testing.TB, dir string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testCallTimeout)
	defer cancel()
	if _, err := ledger.Configure(ctx, e.Node, e.Chain, filepath.Join(dir, "ledger")); err != nil {
		t.Fatalf("ledger.Configure: %v", err)
	}
	a := ledger.NewAnchorer(e.Node, e.Chain, ledger.AnchorerConfig{MaxDelay: realLedgerMaxDelay})
	actx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(actx) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil && actx.Err() == nil {
			t.Errorf("anchorer stopped: %v", err)
		}
	})
}

// chainLedger is GET /v1/ledger's chain half from the embedded chain, as scfx serve reports it.
type chainLedger struct{ b ledger.Backend }

func (l chainLedger) Info(ctx context.Context) (LedgerInfo, error) {
	i, err := ledger.LedgerInfo(ctx, l.b)
	if err != nil {
		return LedgerInfo{}, err
	}
	return LedgerInfo{ChainID: i.ChainID, Registry: i.RegistryAddress, Anchorer: i.AnchorerAddress, HeadBlock: i.HeadBlock, ConfirmationsOK: true}, nil
}

// ---- HTTP ----

// apiResp is one HTTP answer, read whole.
type apiResp struct {
	Method string
	Path   string
	Status int
	Header http.Header
	Body   []byte
}

func (r *apiResp) String() string {
	return fmt.Sprintf("%s %s = %d %s", r.Method, r.Path, r.Status, bytes.TrimSpace(r.Body))
}

// decode unmarshals the body into v.
func (r *apiResp) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("%s %s: decode %T: %v; body %s", r.Method, r.Path, v, err, r.Body)
	}
}

// problem decodes a problem+json body.
func (r *apiResp) problem(t testing.TB) Problem {
	t.Helper()
	var p Problem
	r.decode(t, &p)
	return p
}

// do sends one request with token (none if "") and body: nil (no body), []byte or
// string (sent as is), anything else marshalled to JSON. headers are name, value
// pairs. The response is validated against the OpenAPI document.
func (e *testEnv) do(method, path, token string, body any, headers ...string) *apiResp {
	e.t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case []byte:
		raw = b
	case string:
		raw = []byte(b)
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			e.t.Fatalf("marshal %T: %v", body, err)
		}
	}
	req, err := http.NewRequest(method, e.URL+path, bytes.NewReader(raw))
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if len(headers)%2 != 0 {
		e.t.Fatalf("do: headers must be name, value pairs")
	}
	for i := 0; i < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := e.client.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	rb, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	r := &apiResp{Method: method, Path: path, Status: resp.StatusCode, Header: resp.Header, Body: rb}
	if e.oapi != nil {
		if op := e.oapi.check(e.t, req, raw, r, e.checkReq); op != "" {
			e.seenMu.Lock()
			e.seen[op]++
			e.seenMu.Unlock()
		}
	}
	return r
}

func (e *testEnv) get(token, path string) *apiResp {
	e.t.Helper()
	return e.do("GET", path, token, nil)
}
func (e *testEnv) del(token, path string) *apiResp {
	e.t.Helper()
	return e.do("DELETE", path, token, nil)
}
func (e *testEnv) post(token, path string, body any) *apiResp {
	e.t.Helper()
	return e.do("POST", path, token, body)
}

// mustStatus fails the test unless r answered want; then decodes the body into v
// (when v is not nil).
func (e *testEnv) mustStatus(r *apiResp, want int, v any) {
	e.t.Helper()
	if r.Status != want {
		e.t.Fatalf("%s %s = %d, want %d; body %s", r.Method, r.Path, r.Status, want, r.Body)
	}
	if v != nil {
		r.decode(e.t, v)
	}
}

// wantProblem checks r is an application/problem+json answer of status with code,
// its five fixed members present and status equal to the HTTP status.
func (e *testEnv) wantProblem(r *apiResp, status int, code matcher.Code) Problem {
	e.t.Helper()
	if r.Status != status {
		e.t.Fatalf("%s %s = %d, want %d %s; body %s", r.Method, r.Path, r.Status, status, code, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		e.t.Fatalf("%s %s: Content-Type %q, want application/problem+json", r.Method, r.Path, ct)
	}
	var m map[string]json.RawMessage
	r.decode(e.t, &m)
	for _, k := range []string{"type", "title", "status", "detail", "code"} {
		if _, ok := m[k]; !ok {
			e.t.Fatalf("%s %s: problem without %q: %s", r.Method, r.Path, k, r.Body)
		}
	}
	p := r.problem(e.t)
	if p.Status != status || p.Code != code {
		e.t.Fatalf("%s %s: problem status %d code %s, want %d %s; body %s", r.Method, r.Path, p.Status, p.Code, status, code, r.Body)
	}
	return p
}

// getJSON GETs path, requires 200 and decodes into v.
func (e *testEnv) getJSON(token, path string, v any) {
	e.t.Helper()
	e.mustStatus(e.get(token, path), http.StatusOK, v)
}

// postJSON POSTs body, requires want and decodes into v (if not nil).
func (e *testEnv) postJSON(token, path string, body any, want int, v any) {
	e.t.Helper()
	e.mustStatus(e.post(token, path, body), want, v)
}
