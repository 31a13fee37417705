// SPDX-License-Identifier: Apache-2.0

package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/scfx/scfx/contracts"
	"github.com/scfx/scfx/eip712"
	"github.com/scfx/scfx/ledger"
	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/merkle"
)

// ledgerWait bounds how long a test waits for the anchorer: it batches for 50 ms and
// the embedded chain seals a block per transaction, so this is a hang, not a delay.
const ledgerWait = 30 * time.Second

// TestLedgerRealLifecycle is the lifecycle on a real chain (contracts/README.md, docs/api.md
// "Ledger and proofs"): no settleLedger anywhere. A confirmation becomes financeable
// once the anchorer has registered its fingerprint and anchored its leaf; transfers
// take it to tier 3; funding anchors the assignment; every proof the API serves holds
// on the chain (ledger.VerifyProof against the chain's JSON-RPC: anchoredAt, the
// registry's verify, the anchoring transaction); an invoice another platform already
// registered becomes rejected_duplicate; and the head grows while pending_leaves
// returns to 0.
func TestLedgerRealLifecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("runs an embedded chain")
	}
	e := newTestEnv(t, withRealLedger(), withRequestValidation())
	op := e.Admin.Token
	rpc := e.Chain.HTTPEndpoint()
	if !strings.HasPrefix(rpc, "http://127.0.0.1:") {
		t.Fatalf("Embedded.HTTPEndpoint() = %q, want a 127.0.0.1 URL", rpc)
	}

	var before ledgerView
	e.getJSON(op, "/v1/ledger", &before)
	if before.ChainID != ledger.EmbeddedChainID || before.RegistryAddress != e.Chain.Registry().Hex() ||
		before.AnchorerAddress != e.Chain.Sender().Hex() || before.HeadBlock == 0 || before.PendingLeaves != 0 {
		t.Fatalf("GET /v1/ledger at start = %+v, want chain %d, registry %s, anchorer %s, a deployed head",
			before, ledger.EmbeddedChainID, e.Chain.Registry().Hex(), e.Chain.Sender().Hex())
	}

	national := e.cluster("national")
	core := e.core("AAA")
	sme1, sme2, sme3 := e.sme(national.ID, string(matcher.CertSpecialized)), e.sme(national.ID, string(matcher.CertInnovative)), e.sme("", "")
	lender := e.lender()

	// Another platform sharing the registry already holds one of sme1's invoices.
	dupInvoice := e.newInvoiceNumber()
	otherRef := e.registerElsewhere(eip712.Fingerprint(core.USCC, sme1.USCC, dupInvoice))

	// §Core confirms; the anchorer alone makes it financeable.
	const amount = int64(600_000_000)
	r1 := e.invoice(sme1, core, amount, 120)
	if c := e.confirm(core, r1.ID); c.Status != string(matcher.StatusConfirmed) && c.Status != string(matcher.StatusFinanceable) {
		t.Fatalf("confirm = %s, want confirmed (or financeable)", c.Status)
	}
	r1 = e.waitStatus(sme1.Token, r1.ID, matcher.StatusFinanceable)
	if len(r1.Anchors) != 1 || !r1.Anchors[0].Anchored || r1.Anchors[0].Block == 0 || r1.Anchors[0].TxHash == nil {
		t.Fatalf("financeable receivable's anchors = %+v, want its confirmation anchored in a block", r1.Anchors)
	}

	// The duplicate: refOf shows the other platform's ref, the receivable is refused.
	var dup ReceivableView
	e.postJSON(sme1.Token, "/v1/receivables", map[string]any{
		"debtor_id": core.ID, "invoice_number": dupInvoice, "amount": int64(50_000_000), "currency": "CNY",
		"issue_date": e.date(0), "due_date": e.date(90),
	}, http.StatusCreated, &dup)
	e.confirm(core, dup.ID)
	dup = e.waitStatus(sme1.Token, dup.ID, matcher.StatusDuplicate)
	if got := e.refOf(common.HexToHash(dup.Fingerprint)); got != otherRef {
		t.Fatalf("refOf(%s) after our registration = %s, want the other platform's %s untouched", dup.Fingerprint, got.Hex(), otherRef.Hex())
	}
	e.wantProblem(e.post(sme1.Token, "/v1/receivables/"+dup.ID+"/listings", map[string]int64{"max_rate_bps": 900}),
		http.StatusConflict, matcher.CodeInvalidState)

	// Transfers to tiers 2 and 3, each financeable once its transfer leaf is anchored.
	r2 := e.transfer(sme1, r1.ID, sme2, 200_000_000)
	r2 = e.waitStatus(sme2.Token, r2.ID, matcher.StatusFinanceable)
	r3 := e.transfer(sme2, r2.ID, sme3, 80_000_000)
	r3 = e.waitStatus(sme3.Token, r3.ID, matcher.StatusFinanceable)
	if r3.Tier != 3 || r3.Fingerprint != r1.Fingerprint {
		t.Fatalf("tier-3 fragment = tier %d fingerprint %s, want 3 and %s", r3.Tier, r3.Fingerprint, r1.Fingerprint)
	}

	// §Lender: the tier-3 holder lists, matches, is funded; the assignment is anchored.
	e.offer(lender, core, 1_000_000_000, 450)
	l3 := e.list(sme3, r3.ID, 900)
	if l3.Match == nil {
		t.Fatalf("tier-3 listing did not match: %+v", l3)
	}
	e.postJSON(lender.Token, "/v1/matches/"+l3.Match.ID+"/fund", map[string]string{"reference": "SWIFT-E2E-1"}, http.StatusOK, nil)

	// Every proof holds on the chain.
	p1 := e.chainProof(sme1.Token, r1.ID, "", merkle.KindConfirmation)
	e.chainProof(sme2.Token, r2.ID, "?kind=transfer", merkle.KindTransfer)
	e.chainProof(sme3.Token, r3.ID, "?kind=transfer", merkle.KindTransfer)
	pa := e.chainProof(lender.Token, r3.ID, "?kind=assignment", merkle.KindAssignment)
	if pa.BlockNumber <= p1.BlockNumber {
		t.Fatalf("assignment anchored in block %d, not after the confirmation's %d", pa.BlockNumber, p1.BlockNumber)
	}
	// Proofs that do not hold: a self-consistent path to a root never anchored (only
	// the chain can tell), the right root in another block, another transaction.
	forged := pa
	forged.Leaf = crypto.Keccak256Hash([]byte("scfx-test|never anchored"))
	forged.Root, forged.Proof = forged.Leaf, nil // a batch of one: its root is its leaf
	e.wantInvalidProof(rpc, forged)
	forged = pa
	forged.BlockNumber = p1.BlockNumber
	e.wantInvalidProof(rpc, forged)
	forged = pa
	forged.TxHash = p1.TxHash
	e.wantInvalidProof(rpc, forged)

	e.waitAnchorer(nil)
	var after ledgerView
	e.getJSON(sme3.Token, "/v1/ledger", &after)
	if after.HeadBlock <= before.HeadBlock || after.HeadBlock < pa.BlockNumber || after.PendingLeaves != 0 {
		t.Fatalf("GET /v1/ledger at the end = %+v, want head past %d and %d, no pending leaves", after, before.HeadBlock, pa.BlockNumber)
	}
}

// waitStatus polls GET /v1/receivables/{id} until it is want, for at most ledgerWait.
func (e *testEnv) waitStatus(token, id string, want matcher.Status) ReceivableView {
	e.t.Helper()
	deadline := time.Now().Add(ledgerWait)
	for {
		r := e.receivable(token, id)
		if r.Status == string(want) {
			return r
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("receivable %s is still %s after %s, want %s; anchors %+v", id, r.Status, ledgerWait, want, r.Anchors)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// chainProof waits until GET …/proof{query} answers (409 invalid_state while the leaf
// waits for its batch), checks it names this chain and the leaf kind, and verifies it
// on the chain as `scfx verify` would.
func (e *testEnv) chainProof(token, id, query string, kind byte) ledger.ProofJSON {
	e.t.Helper()
	path := "/v1/receivables/" + id + "/proof" + query
	deadline := time.Now().Add(ledgerWait)
	var r *apiResp
	for {
		if r = e.get(token, path); r.Status != http.StatusConflict {
			break
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("%s: still 409 after %s: %s", path, ledgerWait, r.Body)
		}
		time.Sleep(20 * time.Millisecond)
	}
	var v proofView
	e.mustStatus(r, http.StatusOK, &v)
	if v.Kind != matcher.LeafKindName(kind) || v.ChainID != ledger.EmbeddedChainID || v.RegistryAddress != e.Chain.Registry().Hex() {
		e.t.Fatalf("%s = %+v, want a %s proof on chain %d, registry %s", path, v, matcher.LeafKindName(kind), ledger.EmbeddedChainID, e.Chain.Registry().Hex())
	}
	var p ledger.ProofJSON
	r.decode(e.t, &p)
	ctx, cancel := context.WithTimeout(context.Background(), ledgerWait)
	defer cancel()
	if err := ledger.VerifyProof(ctx, e.Chain.HTTPEndpoint(), p); err != nil {
		e.t.Fatalf("%s: ledger.VerifyProof against %s: %v", path, e.Chain.HTTPEndpoint(), err)
	}
	return p
}

// wantInvalidProof: VerifyProof refuses p as not holding (not as unreachable).
func (e *testEnv) wantInvalidProof(rpc string, p ledger.ProofJSON) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), ledgerWait)
	defer cancel()
	if err := ledger.VerifyProof(ctx, rpc, p); !errors.Is(err, ledger.ErrInvalidProof) {
		e.t.Fatalf("ledger.VerifyProof(forged %+v) = %v, want ErrInvalidProof", p, err)
	}
}

// registerElsewhere registers fp on the shared registry under another platform's ref,
// as a second platform on the same chain would, and returns that ref. It goes through
// the registry's register with the operator's account (the registry's admin, which
// holds the registrar role) before our anchorer has anything to send.
func (e *testEnv) registerElsewhere(fp common.Hash) common.Hash {
	e.t.Helper()
	other := common.HexToHash("0x0ddba11000000000000000000000000000000000000000000000000000000002")
	ref := matcher.RegistryRef(other, "rcv_1")
	ctx, cancel := context.WithTimeout(context.Background(), ledgerWait)
	defer cancel()
	tx, err := e.Chain.SendRegister(ctx, []common.Hash{fp}, []common.Hash{ref})
	if err != nil {
		e.t.Fatalf("register %s elsewhere: %v", fp.Hex(), err)
	}
	if _, err := e.Chain.Receipt(ctx, tx); err != nil {
		e.t.Fatalf("register %s elsewhere: %v", fp.Hex(), err)
	}
	if got := e.refOf(fp); got != ref {
		e.t.Fatalf("refOf(%s) = %s after registering it, want %s", fp.Hex(), got.Hex(), ref.Hex())
	}
	return ref
}

// refOf reads the registry's refOf through the generated bindings, as an auditor would.
func (e *testEnv) refOf(fp common.Hash) common.Hash {
	e.t.Helper()
	reg := contracts.NewScfxRegistry()
	ctx, cancel := context.WithTimeout(context.Background(), ledgerWait)
	defer cancel()
	ref, err := bind.Call(reg.Instance(e.Chain.Client(), e.Chain.Registry()), &bind.CallOpts{Context: ctx}, reg.PackRefOf(fp), reg.UnpackRefOf)
	if err != nil {
		e.t.Fatalf("refOf(%s): %v", fp.Hex(), err)
	}
	return ref
}
