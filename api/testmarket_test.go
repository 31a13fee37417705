// SPDX-License-Identifier: Apache-2.0

package api

// The test environment's market helpers: onboarding, receivables, signatures,
// offers, listings and the ledger's outcomes (the environment is testenv_test.go).

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"

	"github.com/scfx/scfx/eip712"
	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/merkle"
	"github.com/scfx/scfx/uscc"
)

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
