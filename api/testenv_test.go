// SPDX-License-Identifier: Apache-2.0

package api

// The shared test environment of package api: one real node (file journal and
// snapshots in t.TempDir()) behind api.New on a real 127.0.0.1 listener, and the
// helpers every API test uses to talk to it as a client would — over HTTP, with a
// bearer token, signing the EIP-712 typed data the server serves.
//
// Quick reference (keep these names and signatures stable: other test files use them):
//
//	e := newTestEnv(t)                              // options: withAPIConfig, withoutOpenAPIValidation, withRequestValidation, withRealLedger
//	t.Run(name, func(t *testing.T) { e := e.with(t); … }) // helpers then fail the subtest, not the parent
//	e.URL, e.Server, e.Node, e.Admin                // base URL, *Server, *node.Node, the operator (*testParty)
//	e.Chain                                         // *ledger.Embedded withRealLedger(), else nil
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
// a test that runs across midnight UTC can see "today" move by a day.

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"

	"github.com/scfx/scfx/eip712"
	"github.com/scfx/scfx/journal"
	"github.com/scfx/scfx/ledger"
	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/merkle"
	"github.com/scfx/scfx/node"
	"github.com/scfx/scfx/uscc"
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
	Admin  *testParty
	// Chain is the embedded chain of an env withRealLedger(), nil otherwise.
	Chain *ledger.Embedded

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
	j, err := journal.OpenFile(filepath.Join(dir, "journal"), journal.FileOptions{NoSync: true})
	if err != nil {
		t.Fatalf("journal.OpenFile: %v", err)
	}
	n, err := node.Open(context.Background(), node.Config{Journal: j, SnapshotDir: filepath.Join(dir, "snapshots")})
	if err != nil {
		_ = j.Close()
		t.Fatalf("node.Open: %v", err)
	}
	e := &testEnv{t: t, Dir: dir, Node: n, Chain: chain, checkReq: ec.checkReq, envShared: &envShared{seen: map[string]int{}}}
	cfg := ec.api
	cfg.Node, cfg.AdminToken, cfg.NodeID = n, testAdminToken, "test-node"
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

// ---- onboarding ----

// newUSCC is a fresh valid USCC (GB 32100-2015 check digit), unique in this env.
func (e *testEnv) newUSCC() string {
	e.t.Helper()
	code, err := uscc.Make('9', '1', "330100", fmt.Sprintf("MA%07d", e.n.Add(1)))
	if err != nil {
		e.t.Fatalf("uscc.Make: %v", err)
	}
	return code
}

// newInvoiceNumber is a fresh invoice number, unique in this env.
func (e *testEnv) newInvoiceNumber() string { return fmt.Sprintf("INV-%08d", e.n.Add(1)) }

// date is today (UTC) plus offsetDays, "YYYY-MM-DD". The matcher's day comes from the
// journal's clock, which is this machine's.
func (e *testEnv) date(offsetDays int) string {
	return time.Now().UTC().AddDate(0, 0, offsetDays).Format("2006-01-02")
}

// cluster certifies a cluster of level ("national" or "provincial") as the operator.
func (e *testEnv) cluster(level string) clusterView {
	e.t.Helper()
	var v clusterView
	e.postJSON(e.Admin.Token, "/v1/clusters", map[string]any{
		"name": "宁波汽车零部件产业集群", "county_code": "330206", "level": level, "industry": "汽车零部件",
		"valid_until": e.date(3 * 365),
	}, http.StatusCreated, &v)
	return v
}

// participant onboards req as the operator. Empty Name and USCC are filled in; an
// SME or core without Address gets a fresh secp256k1 key and its EIP-55 address.
func (e *testEnv) participant(req participantRequest) *testParty {
	e.t.Helper()
	if req.USCC == "" {
		req.USCC = e.newUSCC()
	}
	if req.Name == "" {
		req.Name = req.Role + " 企业 " + req.USCC[8:17]
	}
	var key *ecdsa.PrivateKey
	if req.Address == "" && (req.Role == string(matcher.RoleSME) || req.Role == string(matcher.RoleCore)) {
		var err error
		if key, err = crypto.GenerateKey(); err != nil {
			e.t.Fatal(err)
		}
		req.Address = crypto.PubkeyToAddress(key.PublicKey).Hex()
	}
	body := map[string]string{"name": req.Name, "uscc": req.USCC, "role": req.Role}
	for k, v := range map[string]string{"address": req.Address, "cluster_id": req.ClusterID, "certification": req.Certification,
		"certification_valid_until": req.CertificationValidUntil, "rating": req.Rating} {
		if v != "" { // a client leaves out what it does not set
			body[k] = v
		}
	}
	var v participantView
	e.postJSON(e.Admin.Token, "/v1/participants", body, http.StatusCreated, &v)
	if v.Token == "" {
		e.t.Fatalf("POST /v1/participants: no token in %+v", v)
	}
	p := &testParty{ID: v.ID, Token: v.Token, Role: v.Role, USCC: v.USCC, Key: key, View: v}
	if key != nil {
		p.Address = crypto.PubkeyToAddress(key.PublicKey)
	}
	return p
}

// core onboards a core enterprise with rating ("AAA" … "BBB").
func (e *testEnv) core(rating string) *testParty {
	e.t.Helper()
	return e.participant(participantRequest{Role: string(matcher.RoleCore), Rating: rating})
}

// sme onboards an SME in clusterID ("" for none) with cert ("" or "none" for none;
// otherwise valid for two years).
func (e *testEnv) sme(clusterID, cert string) *testParty {
	e.t.Helper()
	req := participantRequest{Role: string(matcher.RoleSME), ClusterID: clusterID, Certification: cert}
	if cert != "" && cert != string(matcher.CertNone) {
		req.CertificationValidUntil = e.date(2 * 365)
	}
	return e.participant(req)
}

// lender onboards a lender.
func (e *testEnv) lender() *testParty {
	e.t.Helper()
	return e.participant(participantRequest{Role: string(matcher.RoleLender)})
}

// ---- receivables ----

// invoice submits a receivable as sme on core, issued today and due in dueDays.
func (e *testEnv) invoice(sme, core *testParty, amountFen int64, dueDays int) ReceivableView {
	e.t.Helper()
	var v ReceivableView
	e.postJSON(sme.Token, "/v1/receivables", map[string]any{
		"debtor_id": core.ID, "invoice_number": e.newInvoiceNumber(), "amount": amountFen, "currency": "CNY",
		"issue_date": e.date(0), "due_date": e.date(dueDays),
	}, http.StatusCreated, &v)
	return v
}

// receivable GETs one receivable as token.
func (e *testEnv) receivable(token, id string) ReceivableView {
	e.t.Helper()
	var v ReceivableView
	e.getJSON(token, "/v1/receivables/"+id, &v)
	return v
}

// confirmationSignature fetches the receivable's Confirmation typed data as core and
// signs it with core's key, as a wallet's eth_signTypedData_v4 would.
func (e *testEnv) confirmationSignature(core *testParty, id string) string {
	e.t.Helper()
	r := e.get(core.Token, "/v1/receivables/"+id+"/typed-data")
	e.mustStatus(r, http.StatusOK, nil)
	return signTypedData(e.t, core.Key, r.Body)
}

// confirm signs and POSTs the confirmation; the answer is the receivable (confirmed).
func (e *testEnv) confirm(core *testParty, id string) ReceivableView {
	e.t.Helper()
	var v ReceivableView
	e.postJSON(core.Token, "/v1/receivables/"+id+"/confirm",
		map[string]string{"signature": e.confirmationSignature(core, id)}, http.StatusOK, &v)
	return v
}

// transferSignature fetches the Transfer typed data as holder and signs it.
func (e *testEnv) transferSignature(holder *testParty, parentID string, to *testParty, amountFen int64, salt common.Hash) string {
	e.t.Helper()
	q := url.Values{"to_id": {to.ID}, "amount": {strconv.FormatInt(amountFen, 10)}, "salt": {salt.Hex()}}
	r := e.get(holder.Token, "/v1/receivables/"+parentID+"/transfers/typed-data?"+q.Encode())
	e.mustStatus(r, http.StatusOK, nil)
	return signTypedData(e.t, holder.Key, r.Body)
}

// transfer splits amountFen of parentID to `to`, signed by holder with a fresh
// salt; the answer is the child receivable.
func (e *testEnv) transfer(holder *testParty, parentID string, to *testParty, amountFen int64) ReceivableView {
	e.t.Helper()
	salt := newSalt(e.t)
	var v ReceivableView
	e.postJSON(holder.Token, "/v1/receivables/"+parentID+"/transfers", map[string]any{
		"to_id": to.ID, "amount": amountFen, "salt": salt.Hex(),
		"signature": e.transferSignature(holder, parentID, to, amountFen, salt),
	}, http.StatusCreated, &v)
	return v
}

// financeable submits, confirms and anchors a tier-1 receivable and checks that it
// is financeable.
func (e *testEnv) financeable(sme, core *testParty, amountFen int64, dueDays int) ReceivableView {
	e.t.Helper()
	r := e.invoice(sme, core, amountFen, dueDays)
	e.confirm(core, r.ID)
	e.settleLedger()
	v := e.receivable(sme.Token, r.ID)
	if v.Status != string(matcher.StatusFinanceable) {
		e.t.Fatalf("receivable %s is %s after the ledger answered, want financeable", r.ID, v.Status)
	}
	return v
}

// ---- market ----

// postOffer POSTs body (core_id, line_amount, rates_bps, …) as lender; 201.
func (e *testEnv) postOffer(lender *testParty, body any) offerView {
	e.t.Helper()
	var v offerView
	e.postJSON(lender.Token, "/v1/offers", body, http.StatusCreated, &v)
	return v
}

// offer posts a line of lineFen on core at rateBps for bands A, B and C, tenor up
// to 365 days and no other filter.
func (e *testEnv) offer(lender, core *testParty, lineFen, rateBps int64) offerView {
	e.t.Helper()
	return e.postOffer(lender, map[string]any{
		"core_id": core.ID, "line_amount": lineFen, "max_tenor_days": 365,
		"rates_bps": map[string]int64{"A": rateBps, "B": rateBps, "C": rateBps},
	})
}

// list lists the whole remaining of receivableID at maxRateBps as holder; 201.
func (e *testEnv) list(holder *testParty, receivableID string, maxRateBps int64) listingResponse {
	e.t.Helper()
	var v listingResponse
	e.postJSON(holder.Token, "/v1/receivables/"+receivableID+"/listings",
		map[string]int64{"max_rate_bps": maxRateBps}, http.StatusCreated, &v)
	return v
}

// ---- signing ----

// signTypedData signs typed data in the JSON shape GET …/typed-data serves, the way
// a wallet does: apitypes.TypedDataAndHash of the served JSON, then eip712.Sign.
// It returns the 0x-hex 65-byte signature with v in {27, 28}.
func signTypedData(t testing.TB, key *ecdsa.PrivateKey, raw []byte) string {
	t.Helper()
	sig, err := signTypedDataJSON(key, raw)
	if err != nil {
		t.Fatalf("sign typed data: %v; typed data %s", err, raw)
	}
	return sig
}

// signTypedDataJSON is signTypedData without a test: what a wallet does with
// eth_signTypedData_v4.
func signTypedDataJSON(key *ecdsa.PrivateKey, raw []byte) (string, error) {
	var td apitypes.TypedData
	if err := json.Unmarshal(raw, &td); err != nil {
		return "", fmt.Errorf("unmarshal typed data: %w", err)
	}
	digest, _, err := apitypes.TypedDataAndHash(td)
	if err != nil {
		return "", fmt.Errorf("hash typed data: %w", err)
	}
	sig, err := eip712.Sign(key, common.BytesToHash(digest))
	if err != nil {
		return "", err
	}
	return hexutil.Encode(sig), nil
}

// newSalt is 32 random bytes for a Transfer.
func newSalt(t testing.TB) common.Hash {
	t.Helper()
	var s common.Hash
	if _, err := rand.Read(s[:]); err != nil {
		t.Fatal(err)
	}
	return s
}

// ---- the node and the ledger ----

// system submits cmd to the node as matcher.ActorSystem (what the anchorer and the
// ticker do) and returns the matcher's result; a transport error fails the test.
func (e *testEnv) system(cmd matcher.Command) matcher.Result {
	e.t.Helper()
	cmd.Actor = matcher.ActorSystem
	ctx, cancel := context.WithTimeout(context.Background(), testCallTimeout)
	defer cancel()
	res, err := e.Node.Submit(ctx, cmd)
	if err != nil {
		e.t.Fatalf("node.Submit(%s): %v", cmd.Kind(), err)
	}
	return res
}

// operationsSeen is how many responses of each documented operation ("POST
// /v1/offers") were validated against openapi.json so far.
func (e *testEnv) operationsSeen() map[string]int {
	e.seenMu.Lock()
	defer e.seenMu.Unlock()
	out := make(map[string]int, len(e.seen))
	for k, v := range e.seen {
		out[k] = v
	}
	return out
}

// view runs fn on the node's matcher under its read lock.
func (e *testEnv) view(fn func(m *matcher.Matcher)) { e.Node.View(fn) }

// settleLedger does what the anchorer does, without a chain: it answers every
// pending fingerprint registration as clean (or Duplicate, for the fingerprints in
// dups), cuts the pending leaves and records their anchor (root, a made-up tx hash,
// the next block), each through node.Submit as the system actor. Receivables whose
// ledger work is done become financeable.
func (e *testEnv) settleLedger(dups ...common.Hash) {
	e.t.Helper()
	if e.Chain != nil {
		e.waitAnchorer(dups)
		return
	}
	e.ledgerMu.Lock()
	defer e.ledgerMu.Unlock()
	for {
		var first uint64
		var regs []matcher.Registration
		e.view(func(m *matcher.Matcher) { first, regs = m.PendingRegistrations(matcher.MaxRegisterBatch) })
		if len(regs) == 0 {
			break
		}
		res := make([]matcher.RegResult, len(regs))
		for i, r := range regs {
			res[i] = matcher.RegResult{Fingerprint: r.Fingerprint.Hex()}
			for _, d := range dups {
				if d == r.Fingerprint {
					res[i].Duplicate, res[i].ExistingRef = true, common.HexToHash("0xbeef").Hex()
				}
			}
		}
		e.mustSystem(matcher.Command{Payload: &matcher.RecordRegistrations{
			First: first, Results: res, TxHash: e.txHash("register", first).Hex(),
		}})
	}
	for {
		var first uint64
		var leaves []common.Hash
		var cut bool
		e.view(func(m *matcher.Matcher) {
			if first, leaves, cut = m.PendingCut(); !cut {
				first, leaves = m.PendingLeaves(matcher.MaxAnchorBatch)
			}
		})
		if len(leaves) == 0 {
			return
		}
		if !cut {
			e.mustSystem(matcher.Command{Payload: &matcher.CutBatch{FirstLeaf: first, Count: len(leaves)}})
		}
		e.mustSystem(matcher.Command{Payload: &matcher.RecordAnchor{
			FirstLeaf: first, Count: len(leaves), Root: merkle.Root(leaves).Hex(),
			TxHash: e.txHash("anchor", first).Hex(), Block: e.block.Add(1),
		}})
	}
}

// waitAnchorer is settleLedger on a real ledger: wait until the anchorer has answered
// every registration and anchored every leaf. A Duplicate comes from the registry
// there, so dups cannot be asked for.
func (e *testEnv) waitAnchorer(dups []common.Hash) {
	e.t.Helper()
	if len(dups) > 0 {
		e.t.Fatalf("settleLedger(dups) withRealLedger: register the fingerprints on the chain instead")
	}
	deadline := time.Now().Add(testCallTimeout)
	for {
		var leaves, regs int
		var cut bool
		e.view(func(m *matcher.Matcher) {
			leaves, regs = m.PendingCounts()
			_, _, cut = m.PendingCut()
		})
		if leaves == 0 && regs == 0 && !cut {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("the anchorer left %d leaves and %d registrations pending for %s", leaves, regs, testCallTimeout)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (e *testEnv) mustSystem(cmd matcher.Command) {
	e.t.Helper()
	if res := e.system(cmd); res.Err != nil {
		e.t.Fatalf("%s: %v", cmd.Kind(), res.Err)
	}
}

// txHash is a made-up, unique transaction hash.
func (e *testEnv) txHash(what string, n uint64) common.Hash {
	return crypto.Keccak256Hash([]byte(fmt.Sprintf("scfx-test|%s|%d|%d", what, n, e.block.Load())))
}
