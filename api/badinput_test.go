// SPDX-License-Identifier: Apache-2.0

package api

import (
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/scfx/scfx/matcher"
)

// Every field rule of docs/api.md answers its code and changes nothing: 400
// validation_failed naming the field in errors[].field, the 409s of the rules on
// state (duplicate_invoice, invalid_signature, invalid_state, insufficient_amount),
// 413 for a body over 1 MiB, 429 with Retry-After past the rate limit. Each answer
// is application/problem+json with type, title, status, detail and code, status
// equal to the HTTP status; the state hash (GET /v1/node) is the same after it.

// badCase is one request that must be refused.
type badCase struct {
	name    string
	caller  *testParty
	method  string
	path    string
	body    any      // nil, string or []byte (sent as is), or JSON
	headers []string // name, value pairs
	status  int
	code    matcher.Code
	field   string // validation_failed: errors[] must name it ("" : no field to name)
}

// runBadCases runs each case as a subtest and checks the problem and the state hash.
func runBadCases(t *testing.T, e *testEnv, cases []badCase) {
	t.Helper()
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.name] {
			t.Fatalf("two cases named %q", c.name)
		}
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			before := e.stateHash()
			r := e.do(c.method, c.path, c.caller.Token, c.body, c.headers...)
			p := isProblem(t, r, c.status, c.code)
			if c.field != "" && !hasField(p, c.field) {
				t.Errorf("%s: errors[] %+v does not name field %q", r, p.Errors, c.field)
			}
			if c.code == matcher.CodeValidation && c.field != "" && !strings.Contains(p.Detail, c.field) {
				t.Errorf("%s: detail %q does not name field %q", r, p.Detail, c.field)
			}
			e.unchanged(t, before, r)
		})
	}
}

// badInputWorld is the market of authz_test.go plus what the 409 rules need.
type badInputWorld struct {
	*authzMarket
	e           *testEnv
	S           ReceivableView // financeable, 10 days to run: too short to list
	M2          string         // a funded match
	usedSalt    common.Hash    // a salt smeA already used on F
	remainingF  int64
	sigP        string // coreA's valid Confirmation signature of P
	sigPByOther string // the same typed data signed by smeA's key
	sigQForP    string // coreA's signature of Q's typed data (another message)
}

func newBadInputWorld(e *testEnv) *badInputWorld {
	e.t.Helper()
	w := &badInputWorld{authzMarket: newAuthzMarket(e), e: e}
	w.S = e.financeable(w.smeA, w.coreA, 500_000, 10)
	r2 := e.financeable(w.smeA, w.coreA, 700_000, 80)
	lr := e.list(w.smeA, r2.ID, 2000)
	if lr.Match == nil {
		e.t.Fatalf("listing of %s did not match", r2.ID)
	}
	w.M2 = lr.Match.ID
	e.postJSON(w.lenderA.Token, "/v1/matches/"+w.M2+"/fund", map[string]string{"reference": "SWIFT-2"}, http.StatusOK, nil)
	w.usedSalt = newSalt(e.t)
	e.postJSON(w.smeA.Token, "/v1/receivables/"+w.F.ID+"/transfers", map[string]any{
		"to_id": w.smeB.ID, "amount": 1_000_000, "salt": w.usedSalt.Hex(),
		"signature": e.transferSignature(w.smeA, w.F.ID, w.smeB, 1_000_000, w.usedSalt),
	}, http.StatusCreated, nil)
	e.settleLedger()
	w.remainingF = e.receivable(w.smeA.Token, w.F.ID).Remaining

	typed := e.get(w.coreA.Token, "/v1/receivables/"+w.P.ID+"/typed-data")
	e.mustStatus(typed, http.StatusOK, nil)
	w.sigP = signTypedData(e.t, w.coreA.Key, typed.Body)
	w.sigPByOther = signTypedData(e.t, w.smeA.Key, typed.Body)
	typedQ := e.get(w.coreA.Token, "/v1/receivables/"+w.Q.ID+"/typed-data")
	e.mustStatus(typedQ, http.StatusOK, nil)
	w.sigQForP = signTypedData(e.t, w.coreA.Key, typedQ.Body)
	return w
}

// highS is sig with s replaced by n − s (and v flipped): the same signature's
// malleable twin, which recovers the same key but must be refused.
func highS(t *testing.T, sig string) string {
	t.Helper()
	b, err := hexutil.Decode(sig)
	if err != nil {
		t.Fatal(err)
	}
	s := new(big.Int).SetBytes(b[32:64])
	s.Sub(crypto.S256().Params().N, s)
	s.FillBytes(b[32:64])
	b[64] ^= 1 // 27 <-> 28
	return hexutil.Encode(b)
}

func withV(t *testing.T, sig string, v byte) string {
	t.Helper()
	b, err := hexutil.Decode(sig)
	if err != nil {
		t.Fatal(err)
	}
	b[64] = v
	return hexutil.Encode(b)
}

func TestBadInputFieldRules(t *testing.T) {
	e := newTestEnv(t, unlimited())
	w := newBadInputWorld(e)
	op, smeA, coreA, lenderA := e.Admin, w.smeA, w.coreA, w.lenderA
	const (
		bad      = http.StatusBadRequest
		conflict = http.StatusConflict
	)
	v := matcher.CodeValidation

	cluster := map[string]any{"name": "新集群", "county_code": "330206", "level": "provincial", "industry": "模具", "valid_until": e.date(365)}
	freshKey, _ := crypto.GenerateKey()
	freshAddr := crypto.PubkeyToAddress(freshKey.PublicKey).Hex()
	sme := map[string]any{"name": "新供应商", "uscc": e.newUSCC(), "role": "sme", "address": freshAddr}
	core := patchJSON(sme, "role", "core", "rating", "AA")
	lender := map[string]any{"name": "新银行", "uscc": e.newUSCC(), "role": "lender"}
	badChecksum := "0x" + strings.ToUpper(freshAddr[2:3]) + freshAddr[3:]
	if common.HexToAddress(freshAddr).Hex() == badChecksum || !strings.ContainsAny(freshAddr[2:], "abcdef") {
		badChecksum = "0x" + strings.ToUpper(freshAddr[2:41]) + strings.ToLower(freshAddr[41:])
	}
	okUSCC := sme["uscc"].(string)
	badDigit := okUSCC[:17] + string("0123456789ABCDEFGHJKLMNPQRTUWXY"[(strings.IndexByte("0123456789ABCDEFGHJKLMNPQRTUWXY", okUSCC[17])+1)%31])

	invoice := map[string]any{"debtor_id": coreA.ID, "invoice_number": e.newInvoiceNumber(), "amount": 1_000_000,
		"currency": "CNY", "issue_date": e.date(0), "due_date": e.date(60)}
	offer := map[string]any{"core_id": coreA.ID, "line_amount": 1_000_000, "rates_bps": map[string]any{"A": 100}, "max_tenor_days": 90}
	salt := newSalt(t)
	transfer := map[string]any{"to_id": w.smeB.ID, "amount": 1000, "salt": salt.Hex(), "signature": randomSignature(t)}
	tooMuch := w.remainingF + 1
	tooMuchSig := e.transferSignature(smeA, w.F.ID, w.smeB, tooMuch, salt)
	reusedSig := e.transferSignature(smeA, w.F.ID, w.smeB, 1000, w.usedSalt)
	wrongKeySig := func() string {
		q := url.Values{"to_id": {w.smeB.ID}, "amount": {"1000"}, "salt": {salt.Hex()}}
		r := e.get(smeA.Token, "/v1/receivables/"+w.F.ID+"/transfers/typed-data?"+q.Encode())
		e.mustStatus(r, http.StatusOK, nil)
		return signTypedData(t, coreA.Key, r.Body)
	}()

	rcv := func(id, suffix string) string { return "/v1/receivables/" + id + suffix }
	post := func(name string, caller *testParty, path string, body any, status int, code matcher.Code, field string) badCase {
		return badCase{name: name, caller: caller, method: "POST", path: path, body: body, status: status, code: code, field: field}
	}
	get := func(name string, caller *testParty, path string, status int, code matcher.Code, field string) badCase {
		return badCase{name: name, caller: caller, method: "GET", path: path, status: status, code: code, field: field}
	}

	cases := []badCase{
		// POST /v1/clusters
		post("cluster/name missing", op, "/v1/clusters", patchJSON(cluster, "name", absentField), bad, v, "name"),
		post("cluster/name blank", op, "/v1/clusters", patchJSON(cluster, "name", "   "), bad, v, "name"),
		post("cluster/name too long", op, "/v1/clusters", patchJSON(cluster, "name", strings.Repeat("集", 201)), bad, v, "name"),
		post("cluster/name a number", op, "/v1/clusters", patchJSON(cluster, "name", 5), bad, v, "name"),
		post("cluster/county_code 5 digits", op, "/v1/clusters", patchJSON(cluster, "county_code", "33020"), bad, v, "county_code"),
		post("cluster/county_code 7 digits", op, "/v1/clusters", patchJSON(cluster, "county_code", "3302060"), bad, v, "county_code"),
		post("cluster/county_code letters", op, "/v1/clusters", patchJSON(cluster, "county_code", "33020a"), bad, v, "county_code"),
		post("cluster/county_code a number", op, "/v1/clusters", patchJSON(cluster, "county_code", 330206), bad, v, "county_code"),
		post("cluster/level city", op, "/v1/clusters", patchJSON(cluster, "level", "city"), bad, v, "level"),
		post("cluster/level missing", op, "/v1/clusters", patchJSON(cluster, "level", absentField), bad, v, "level"),
		post("cluster/level upper case", op, "/v1/clusters", patchJSON(cluster, "level", "National"), bad, v, "level"),
		post("cluster/industry missing", op, "/v1/clusters", patchJSON(cluster, "industry", absentField), bad, v, "industry"),
		post("cluster/valid_until not a date", op, "/v1/clusters", patchJSON(cluster, "valid_until", "tomorrow"), bad, v, "valid_until"),
		post("cluster/valid_until Feb 30", op, "/v1/clusters", patchJSON(cluster, "valid_until", "2030-02-30"), bad, v, "valid_until"),
		post("cluster/valid_until instant", op, "/v1/clusters", patchJSON(cluster, "valid_until", e.date(30)+"T00:00:00Z"), bad, v, "valid_until"),
		post("cluster/valid_until past", op, "/v1/clusters", patchJSON(cluster, "valid_until", e.date(-1)), bad, v, "valid_until"),
		post("cluster/valid_until today", op, "/v1/clusters", patchJSON(cluster, "valid_until", e.date(0)), bad, v, "valid_until"),
		post("cluster/unknown field", op, "/v1/clusters", patchJSON(cluster, "province", "浙江"), bad, v, "province"),
		post("cluster/field in other case", op, "/v1/clusters", patchJSON(cluster, "name", absentField, "Name", "新集群"), bad, v, "Name"),

		// POST /v1/participants
		post("participant/name missing", op, "/v1/participants", patchJSON(sme, "name", absentField), bad, v, "name"),
		post("participant/uscc missing", op, "/v1/participants", patchJSON(sme, "uscc", absentField), bad, v, "uscc"),
		post("participant/uscc 17 characters", op, "/v1/participants", patchJSON(sme, "uscc", okUSCC[:17]), bad, v, "uscc"),
		post("participant/uscc 19 characters", op, "/v1/participants", patchJSON(sme, "uscc", okUSCC+"0"), bad, v, "uscc"),
		post("participant/uscc check digit", op, "/v1/participants", patchJSON(sme, "uscc", badDigit), bad, v, "uscc"),
		post("participant/uscc lower case", op, "/v1/participants", patchJSON(sme, "uscc", strings.ToLower(okUSCC)), bad, v, "uscc"),
		post("participant/uscc taken", op, "/v1/participants", patchJSON(sme, "uscc", smeA.USCC), bad, v, "uscc"),
		post("participant/role missing", op, "/v1/participants", patchJSON(sme, "role", absentField), bad, v, "role"),
		post("participant/role operator", op, "/v1/participants", patchJSON(sme, "role", "operator"), bad, v, "role"),
		post("participant/role upper case", op, "/v1/participants", patchJSON(sme, "role", "SME"), bad, v, "role"),
		post("participant/sme without address", op, "/v1/participants", patchJSON(sme, "address", absentField), bad, v, "address"),
		post("participant/core without address", op, "/v1/participants", patchJSON(core, "address", absentField), bad, v, "address"),
		post("participant/address short", op, "/v1/participants", patchJSON(sme, "address", "0x1234"), bad, v, "address"),
		post("participant/address without 0x", op, "/v1/participants", patchJSON(sme, "address", freshAddr[2:]), bad, v, "address"),
		post("participant/address not hex", op, "/v1/participants", patchJSON(sme, "address", "0x"+strings.Repeat("zz", 20)), bad, v, "address"),
		post("participant/address bad checksum", op, "/v1/participants", patchJSON(sme, "address", badChecksum), bad, v, "address"),
		post("participant/address zero", op, "/v1/participants", patchJSON(sme, "address", "0x"+strings.Repeat("00", 20)), bad, v, "address"),
		post("participant/address taken", op, "/v1/participants", patchJSON(sme, "address", smeA.Address.Hex()), bad, v, "address"),
		post("participant/lender address bad", op, "/v1/participants", patchJSON(lender, "address", "0x12"), bad, v, "address"),
		post("participant/cluster_id unknown", op, "/v1/participants", patchJSON(sme, "cluster_id", "clu_999"), bad, v, "cluster_id"),
		post("participant/cluster_id on a core", op, "/v1/participants", patchJSON(core, "cluster_id", w.cluster.ID), bad, v, "cluster_id"),
		post("participant/cluster_id on a lender", op, "/v1/participants", patchJSON(lender, "cluster_id", w.cluster.ID), bad, v, "cluster_id"),
		post("participant/certification unknown", op, "/v1/participants", patchJSON(sme, "certification", "gold", "certification_valid_until", e.date(100)), bad, v, "certification"),
		post("participant/certification on a core", op, "/v1/participants", patchJSON(core, "certification", "innovative"), bad, v, "certification"),
		post("participant/certification without date", op, "/v1/participants", patchJSON(sme, "certification", "innovative"), bad, v, "certification_valid_until"),
		post("participant/certification_valid_until bad", op, "/v1/participants", patchJSON(sme, "certification", "innovative", "certification_valid_until", "2027-1-1"), bad, v, "certification_valid_until"),
		post("participant/certification_valid_until on a lender", op, "/v1/participants", patchJSON(lender, "certification_valid_until", e.date(100)), bad, v, "certification_valid_until"),
		post("participant/core without rating", op, "/v1/participants", patchJSON(core, "rating", absentField), bad, v, "rating"),
		post("participant/rating unknown", op, "/v1/participants", patchJSON(core, "rating", "AAAA"), bad, v, "rating"),
		post("participant/rating BB", op, "/v1/participants", patchJSON(core, "rating", "BB"), bad, v, "rating"),
		post("participant/rating on an sme", op, "/v1/participants", patchJSON(sme, "rating", "AAA"), bad, v, "rating"),
		post("participant/token given", op, "/v1/participants", patchJSON(sme, "token", "mine"), bad, v, "token"),
		post("participant/token_hash given", op, "/v1/participants", patchJSON(sme, "token_hash", strings.Repeat("ab", 32)), bad, v, "token_hash"),

		// POST /v1/receivables
		post("receivable/debtor_id missing", smeA, "/v1/receivables", patchJSON(invoice, "debtor_id", absentField), bad, v, "debtor_id"),
		post("receivable/debtor_id unknown", smeA, "/v1/receivables", patchJSON(invoice, "debtor_id", "par_999"), bad, v, "debtor_id"),
		post("receivable/debtor_id an sme", smeA, "/v1/receivables", patchJSON(invoice, "debtor_id", w.smeB.ID), bad, v, "debtor_id"),
		post("receivable/debtor_id a lender", smeA, "/v1/receivables", patchJSON(invoice, "debtor_id", lenderA.ID), bad, v, "debtor_id"),
		post("receivable/invoice_number 7", smeA, "/v1/receivables", patchJSON(invoice, "invoice_number", "INV-123"), bad, v, "invoice_number"),
		post("receivable/invoice_number 21", smeA, "/v1/receivables", patchJSON(invoice, "invoice_number", "INV-12345678901234567"), bad, v, "invoice_number"),
		post("receivable/invoice_number underscore", smeA, "/v1/receivables", patchJSON(invoice, "invoice_number", "INV_12345678"), bad, v, "invoice_number"),
		post("receivable/invoice_number space", smeA, "/v1/receivables", patchJSON(invoice, "invoice_number", "INV 12345678"), bad, v, "invoice_number"),
		post("receivable/invoice_number han", smeA, "/v1/receivables", patchJSON(invoice, "invoice_number", "发票-12345678"), bad, v, "invoice_number"),
		post("receivable/invoice_number missing", smeA, "/v1/receivables", patchJSON(invoice, "invoice_number", absentField), bad, v, "invoice_number"),
		post("receivable/amount missing", smeA, "/v1/receivables", patchJSON(invoice, "amount", absentField), bad, v, "amount"),
		post("receivable/amount 0", smeA, "/v1/receivables", patchJSON(invoice, "amount", 0), bad, v, "amount"),
		post("receivable/amount negative", smeA, "/v1/receivables", patchJSON(invoice, "amount", -1), bad, v, "amount"),
		post("receivable/amount over 10^15", smeA, "/v1/receivables", patchJSON(invoice, "amount", int64(1_000_000_000_000_001)), bad, v, "amount"),
		post("receivable/amount 1.5", smeA, "/v1/receivables", patchJSON(invoice, "amount", 1.5), bad, v, "amount"),
		post("receivable/amount 1e3", smeA, "/v1/receivables", strings.Replace(jsonOf(t, patchJSON(invoice, "amount", 777)), "777", "1e3", 1), bad, v, "amount"),
		post("receivable/amount 1000.0", smeA, "/v1/receivables", strings.Replace(jsonOf(t, patchJSON(invoice, "amount", 777)), "777", "1000.0", 1), bad, v, "amount"),
		post("receivable/amount over int64", smeA, "/v1/receivables", strings.Replace(jsonOf(t, patchJSON(invoice, "amount", 777)), "777", "9223372036854775808", 1), bad, v, "amount"),
		post("receivable/amount a string", smeA, "/v1/receivables", patchJSON(invoice, "amount", "1000"), bad, v, "amount"),
		post("receivable/amount null", smeA, "/v1/receivables", patchJSON(invoice, "amount", nil), bad, v, "amount"),
		post("receivable/currency USD", smeA, "/v1/receivables", patchJSON(invoice, "currency", "USD"), bad, v, "currency"),
		post("receivable/currency lower case", smeA, "/v1/receivables", patchJSON(invoice, "currency", "cny"), bad, v, "currency"),
		post("receivable/currency missing", smeA, "/v1/receivables", patchJSON(invoice, "currency", absentField), bad, v, "currency"),
		post("receivable/issue_date format", smeA, "/v1/receivables", patchJSON(invoice, "issue_date", strings.ReplaceAll(e.date(0), "-", "/")), bad, v, "issue_date"),
		post("receivable/issue_date missing", smeA, "/v1/receivables", patchJSON(invoice, "issue_date", absentField), bad, v, "issue_date"),
		post("receivable/issue_date future", smeA, "/v1/receivables", patchJSON(invoice, "issue_date", e.date(5)), bad, v, "issue_date"),
		post("receivable/due_date format", smeA, "/v1/receivables", patchJSON(invoice, "due_date", "soon"), bad, v, "due_date"),
		post("receivable/due_date before issue", smeA, "/v1/receivables", patchJSON(invoice, "issue_date", e.date(-5), "due_date", e.date(-6)), bad, v, "due_date"),
		post("receivable/due_date equal issue", smeA, "/v1/receivables", patchJSON(invoice, "issue_date", e.date(0), "due_date", e.date(0)), bad, v, "due_date"),
		post("receivable/due_date today", smeA, "/v1/receivables", patchJSON(invoice, "issue_date", e.date(-30), "due_date", e.date(0)), bad, v, "due_date"),
		post("receivable/due_date past", smeA, "/v1/receivables", patchJSON(invoice, "issue_date", e.date(-30), "due_date", e.date(-1)), bad, v, "due_date"),
		post("receivable/term 366 days", smeA, "/v1/receivables", patchJSON(invoice, "issue_date", e.date(-10), "due_date", e.date(356)), bad, v, "due_date"),
		post("receivable/duplicate invoice", smeA, "/v1/receivables", patchJSON(invoice, "invoice_number", w.P.InvoiceNumber), conflict, matcher.CodeDuplicateInvoice, ""),
		post("receivable/duplicate of a financed invoice", smeA, "/v1/receivables", patchJSON(invoice, "invoice_number", w.R.InvoiceNumber, "amount", 1), conflict, matcher.CodeDuplicateInvoice, ""),

		// POST /v1/receivables/{id}/confirm
		post("confirm/signature missing", coreA, rcv(w.P.ID, "/confirm"), map[string]any{}, bad, v, "signature"),
		post("confirm/signature short", coreA, rcv(w.P.ID, "/confirm"), map[string]any{"signature": "0x12"}, bad, v, "signature"),
		post("confirm/signature 66 bytes", coreA, rcv(w.P.ID, "/confirm"), map[string]any{"signature": w.sigP + "00"}, bad, v, "signature"),
		post("confirm/signature without 0x", coreA, rcv(w.P.ID, "/confirm"), map[string]any{"signature": w.sigP[2:]}, bad, v, "signature"),
		post("confirm/signature not hex", coreA, rcv(w.P.ID, "/confirm"), map[string]any{"signature": "0x" + strings.Repeat("zz", 65)}, bad, v, "signature"),
		post("confirm/signature a number", coreA, rcv(w.P.ID, "/confirm"), map[string]any{"signature": 12}, bad, v, "signature"),
		post("confirm/random signature", coreA, rcv(w.P.ID, "/confirm"), map[string]any{"signature": randomSignature(t)}, conflict, matcher.CodeInvalidSignature, ""),
		post("confirm/signed by another key", coreA, rcv(w.P.ID, "/confirm"), map[string]any{"signature": w.sigPByOther}, conflict, matcher.CodeInvalidSignature, ""),
		post("confirm/signature of another receivable", coreA, rcv(w.P.ID, "/confirm"), map[string]any{"signature": w.sigQForP}, conflict, matcher.CodeInvalidSignature, ""),
		post("confirm/signature high s", coreA, rcv(w.P.ID, "/confirm"), map[string]any{"signature": highS(t, w.sigP)}, conflict, matcher.CodeInvalidSignature, ""),
		post("confirm/signature v 29", coreA, rcv(w.P.ID, "/confirm"), map[string]any{"signature": withV(t, w.sigP, 29)}, conflict, matcher.CodeInvalidSignature, ""),
		post("confirm/signature v flipped", coreA, rcv(w.P.ID, "/confirm"), map[string]any{"signature": withV(t, w.sigP, 55-hexutil.MustDecode(w.sigP)[64])}, conflict, matcher.CodeInvalidSignature, ""),
		post("confirm/already confirmed", coreA, rcv(w.Q.ID, "/confirm"), map[string]any{"signature": randomSignature(t)}, conflict, matcher.CodeInvalidState, ""),
		post("confirm/unknown field", coreA, rcv(w.P.ID, "/confirm"), map[string]any{"signature": w.sigP, "signer": coreA.Address.Hex()}, bad, v, "signer"),

		// POST /v1/receivables/{id}/transfers
		post("transfer/to_id missing", smeA, rcv(w.F.ID, "/transfers"), patchJSON(transfer, "to_id", absentField), bad, v, "to_id"),
		post("transfer/to_id a core", smeA, rcv(w.F.ID, "/transfers"), patchJSON(transfer, "to_id", coreA.ID), bad, v, "to_id"),
		post("transfer/to_id a lender", smeA, rcv(w.F.ID, "/transfers"), patchJSON(transfer, "to_id", lenderA.ID), bad, v, "to_id"),
		post("transfer/to_id unknown", smeA, rcv(w.F.ID, "/transfers"), patchJSON(transfer, "to_id", "par_999"), bad, v, "to_id"),
		post("transfer/to_id the holder", smeA, rcv(w.F.ID, "/transfers"), patchJSON(transfer, "to_id", smeA.ID), bad, v, "to_id"),
		post("transfer/amount 0", smeA, rcv(w.F.ID, "/transfers"), patchJSON(transfer, "amount", 0), bad, v, "amount"),
		post("transfer/amount negative", smeA, rcv(w.F.ID, "/transfers"), patchJSON(transfer, "amount", -100), bad, v, "amount"),
		post("transfer/amount 1.5", smeA, rcv(w.F.ID, "/transfers"), patchJSON(transfer, "amount", 1.5), bad, v, "amount"),
		post("transfer/amount 1e3", smeA, rcv(w.F.ID, "/transfers"), strings.Replace(jsonOf(t, patchJSON(transfer, "amount", 777)), "777", "1e3", 1), bad, v, "amount"),
		post("transfer/salt missing", smeA, rcv(w.F.ID, "/transfers"), patchJSON(transfer, "salt", absentField), bad, v, "salt"),
		post("transfer/salt short", smeA, rcv(w.F.ID, "/transfers"), patchJSON(transfer, "salt", "0x1234"), bad, v, "salt"),
		post("transfer/salt without 0x", smeA, rcv(w.F.ID, "/transfers"), patchJSON(transfer, "salt", salt.Hex()[2:]), bad, v, "salt"),
		post("transfer/salt 33 bytes", smeA, rcv(w.F.ID, "/transfers"), patchJSON(transfer, "salt", salt.Hex()+"00"), bad, v, "salt"),
		post("transfer/signature bad", smeA, rcv(w.F.ID, "/transfers"), patchJSON(transfer, "signature", "0x00"), bad, v, "signature"),
		post("transfer/random signature", smeA, rcv(w.F.ID, "/transfers"), transfer, conflict, matcher.CodeInvalidSignature, ""),
		post("transfer/signed by another key", smeA, rcv(w.F.ID, "/transfers"), patchJSON(transfer, "signature", wrongKeySig), conflict, matcher.CodeInvalidSignature, ""),
		post("transfer/more than remains", smeA, rcv(w.F.ID, "/transfers"), patchJSON(transfer, "amount", tooMuch, "signature", tooMuchSig), conflict, matcher.CodeInsufficientAmount, ""),
		post("transfer/salt reused", smeA, rcv(w.F.ID, "/transfers"), patchJSON(transfer, "salt", w.usedSalt.Hex(), "signature", reusedSig), conflict, matcher.CodeInvalidState, ""),
		post("transfer/pending parent", smeA, rcv(w.P.ID, "/transfers"), transfer, conflict, matcher.CodeInvalidState, ""),
		post("transfer/matched parent", smeA, rcv(w.R.ID, "/transfers"), transfer, conflict, matcher.CodeInvalidState, ""),
		get("transfer typed-data/amount not a number", smeA, rcv(w.F.ID, "/transfers/typed-data?to_id="+w.smeB.ID+"&amount=abc&salt="+salt.Hex()), bad, v, "amount"),
		get("transfer typed-data/amount 0", smeA, rcv(w.F.ID, "/transfers/typed-data?to_id="+w.smeB.ID+"&amount=0&salt="+salt.Hex()), bad, v, "amount"),
		get("transfer typed-data/salt short", smeA, rcv(w.F.ID, "/transfers/typed-data?to_id="+w.smeB.ID+"&amount=10&salt=0x12"), bad, v, "salt"),
		get("transfer typed-data/to_id a core", smeA, rcv(w.F.ID, "/transfers/typed-data?to_id="+coreA.ID+"&amount=10&salt="+salt.Hex()), bad, v, "to_id"),

		// POST /v1/receivables/{id}/listings and DELETE /v1/listings/{id}
		post("listing/max_rate_bps missing", smeA, rcv(w.F.ID, "/listings"), map[string]any{}, bad, v, "max_rate_bps"),
		post("listing/max_rate_bps 0", smeA, rcv(w.F.ID, "/listings"), map[string]any{"max_rate_bps": 0}, bad, v, "max_rate_bps"),
		post("listing/max_rate_bps negative", smeA, rcv(w.F.ID, "/listings"), map[string]any{"max_rate_bps": -1}, bad, v, "max_rate_bps"),
		post("listing/max_rate_bps 10001", smeA, rcv(w.F.ID, "/listings"), map[string]any{"max_rate_bps": 10_001}, bad, v, "max_rate_bps"),
		post("listing/max_rate_bps 1.5", smeA, rcv(w.F.ID, "/listings"), map[string]any{"max_rate_bps": 1.5}, bad, v, "max_rate_bps"),
		post("listing/max_rate_bps a string", smeA, rcv(w.F.ID, "/listings"), map[string]any{"max_rate_bps": "500"}, bad, v, "max_rate_bps"),
		post("listing/amount given", smeA, rcv(w.F.ID, "/listings"), map[string]any{"max_rate_bps": 500, "amount": 1000}, bad, v, "amount"),
		post("listing/pending receivable", smeA, rcv(w.P.ID, "/listings"), map[string]any{"max_rate_bps": 500}, conflict, matcher.CodeInvalidState, ""),
		post("listing/matched receivable", smeA, rcv(w.R.ID, "/listings"), map[string]any{"max_rate_bps": 500}, conflict, matcher.CodeInvalidState, ""),
		post("listing/listed receivable", smeA, rcv(w.Q.ID, "/listings"), map[string]any{"max_rate_bps": 500}, conflict, matcher.CodeInvalidState, ""),
		post("listing/under 15 days to run", smeA, rcv(w.S.ID, "/listings"), map[string]any{"max_rate_bps": 500}, conflict, matcher.CodeInvalidState, ""),
		{name: "listing/cancel a matched listing", caller: smeA, method: "DELETE", path: "/v1/listings/" + w.LR, status: conflict, code: matcher.CodeInvalidState},

		// POST /v1/receivables/{id}/settle
		post("settle/reference missing", coreA, rcv(w.R.ID, "/settle"), map[string]any{}, bad, v, "reference"),
		post("settle/reference blank", coreA, rcv(w.R.ID, "/settle"), map[string]any{"reference": " "}, bad, v, "reference"),
		post("settle/reference 129", coreA, rcv(w.R.ID, "/settle"), map[string]any{"reference": strings.Repeat("x", 129)}, bad, v, "reference"),
		post("settle/fragment", coreA, rcv(w.C.ID, "/settle"), map[string]any{"reference": "PAY-1"}, conflict, matcher.CodeInvalidState, ""),
		post("settle/pending", coreA, rcv(w.P.ID, "/settle"), map[string]any{"reference": "PAY-1"}, conflict, matcher.CodeInvalidState, ""),

		// POST /v1/offers and DELETE /v1/offers/{id}
		post("offer/core_id missing", lenderA, "/v1/offers", patchJSON(offer, "core_id", absentField), bad, v, "core_id"),
		post("offer/core_id an sme", lenderA, "/v1/offers", patchJSON(offer, "core_id", smeA.ID), bad, v, "core_id"),
		post("offer/line_amount 0", lenderA, "/v1/offers", patchJSON(offer, "line_amount", 0), bad, v, "line_amount"),
		post("offer/line_amount over 10^15", lenderA, "/v1/offers", patchJSON(offer, "line_amount", int64(1_000_000_000_000_001)), bad, v, "line_amount"),
		post("offer/line_amount 1.5", lenderA, "/v1/offers", patchJSON(offer, "line_amount", 1.5), bad, v, "line_amount"),
		post("offer/rates_bps missing", lenderA, "/v1/offers", patchJSON(offer, "rates_bps", absentField), bad, v, "rates_bps.A"),
		post("offer/rates_bps.A 0", lenderA, "/v1/offers", patchJSON(offer, "rates_bps", map[string]any{"A": 0, "B": 100}), bad, v, "rates_bps.A"),
		post("offer/rates_bps.A 10001", lenderA, "/v1/offers", patchJSON(offer, "rates_bps", map[string]any{"A": 10_001}), bad, v, "rates_bps.A"),
		post("offer/rates_bps.A 1.5", lenderA, "/v1/offers", patchJSON(offer, "rates_bps", map[string]any{"A": 1.5}), bad, v, "rates_bps.A"),
		post("offer/rates_bps.B negative", lenderA, "/v1/offers", patchJSON(offer, "rates_bps", map[string]any{"A": 100, "B": -1}), bad, v, "rates_bps.B"),
		post("offer/rates_bps.C 10001", lenderA, "/v1/offers", patchJSON(offer, "rates_bps", map[string]any{"A": 100, "C": 10_001}), bad, v, "rates_bps.C"),
		post("offer/rates_bps.D", lenderA, "/v1/offers", patchJSON(offer, "rates_bps", map[string]any{"A": 100, "D": 100}), bad, v, "rates_bps.D"),
		post("offer/rates_bps lower-case band", lenderA, "/v1/offers", patchJSON(offer, "rates_bps", map[string]any{"a": 100}), bad, v, "rates_bps.a"),
		post("offer/rates_bps an array", lenderA, "/v1/offers", patchJSON(offer, "rates_bps", []int{100}), bad, v, "rates_bps"),
		post("offer/max_tenor_days missing", lenderA, "/v1/offers", patchJSON(offer, "max_tenor_days", absentField), bad, v, "max_tenor_days"),
		post("offer/max_tenor_days 366", lenderA, "/v1/offers", patchJSON(offer, "max_tenor_days", 366), bad, v, "max_tenor_days"),
		post("offer/min_score negative", lenderA, "/v1/offers", patchJSON(offer, "min_score", -1), bad, v, "min_score"),
		post("offer/min_score 1001", lenderA, "/v1/offers", patchJSON(offer, "min_score", 1001), bad, v, "min_score"),
		post("offer/min_ticket negative", lenderA, "/v1/offers", patchJSON(offer, "min_ticket", -1), bad, v, "min_ticket"),
		post("offer/min_ticket over line", lenderA, "/v1/offers", patchJSON(offer, "min_ticket", 1_000_001), bad, v, "min_ticket"),
		post("offer/max_ticket over line", lenderA, "/v1/offers", patchJSON(offer, "max_ticket", 1_000_001), bad, v, "max_ticket"),
		post("offer/min_ticket over max_ticket", lenderA, "/v1/offers", patchJSON(offer, "min_ticket", 500, "max_ticket", 400), bad, v, "min_ticket"),
		post("offer/cluster_ids unknown", lenderA, "/v1/offers", patchJSON(offer, "cluster_ids", []string{"clu_999"}), bad, v, "cluster_ids"),
		post("offer/cluster_ids twice", lenderA, "/v1/offers", patchJSON(offer, "cluster_ids", []string{w.cluster.ID, w.cluster.ID}), bad, v, "cluster_ids"),
		post("offer/cluster_ids numbers", lenderA, "/v1/offers", patchJSON(offer, "cluster_ids", []int{1}), bad, v, "cluster_ids"),
		post("offer/cluster_ids a string", lenderA, "/v1/offers", patchJSON(offer, "cluster_ids", w.cluster.ID), bad, v, "cluster_ids"),
		post("offer/min_certification unknown", lenderA, "/v1/offers", patchJSON(offer, "min_certification", "gold"), bad, v, "min_certification"),
		post("offer/used given", lenderA, "/v1/offers", patchJSON(offer, "used", 0), bad, v, "used"),
		{name: "offer/cancel a cancelled offer", caller: lenderA, method: "DELETE", path: "/v1/offers/" + w.OC.ID, status: conflict, code: matcher.CodeInvalidState},

		// POST /v1/matches/{id}/fund
		post("fund/reference missing", lenderA, "/v1/matches/"+w.M+"/fund", map[string]any{}, bad, v, "reference"),
		post("fund/reference too long", lenderA, "/v1/matches/"+w.M+"/fund", map[string]any{"reference": strings.Repeat("x", 129)}, bad, v, "reference"),
		post("fund/already funded", lenderA, "/v1/matches/"+w.M2+"/fund", map[string]any{"reference": "SWIFT-3"}, conflict, matcher.CodeInvalidState, ""),

		// Lists and proofs.
		get("list/limit 0", op, "/v1/receivables?limit=0", bad, v, "limit"),
		get("list/limit negative", op, "/v1/receivables?limit=-1", bad, v, "limit"),
		get("list/limit not a number", op, "/v1/offers?limit=ten", bad, v, "limit"),
		get("list/limit 1.5", op, "/v1/matches?limit=1.5", bad, v, "limit"),
		get("list/cursor not ours", op, "/v1/receivables?cursor=abc", bad, v, "cursor"),
		get("list/cursor negative", op, "/v1/participants?cursor=-1", bad, v, "cursor"),
		get("list/status unknown", smeA, "/v1/receivables?status=paid", bad, v, "status"),
		get("proof/kind unknown", smeA, rcv(w.R.ID, "/proof?kind=payment"), bad, v, "kind"),
		get("proof/not anchored", smeA, rcv(w.P.ID, "/proof"), conflict, matcher.CodeInvalidState, ""),
		get("proof/no transfer on a tier-1", smeA, rcv(w.R.ID, "/proof?kind=transfer"), conflict, matcher.CodeInvalidState, ""),
	}
	runBadCases(t, e, cases)
}
