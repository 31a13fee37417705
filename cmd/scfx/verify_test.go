// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/ledger"
)

// TestVerifyServedProof: `scfx serve --chain-http` serves its embedded chain's
// JSON-RPC; a receivable made financeable over HTTP has a proof (docs/api.md "Proofs") that `scfx verify --rpc` accepts (exit 0), from a file and from stdin; a
// tampered proof exits 1 and says it does not hold; an unreachable chain exits 2 and
// says it could not check.
func TestVerifyServedProof(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	p, admin, rpc := startServeWithChain(t, filepath.Join(dir, "data"))

	mk := &market{tokens: map[string]string{}, addrs: map[string]common.Address{}}
	coreKey, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	core := mk.participant(t, p, admin, wire.CreateParticipantRequest{Role: "core", Rating: "AAA"}, crypto.PubkeyToAddress(coreKey.PublicKey))
	sme := mk.participant(t, p, admin, wire.CreateParticipantRequest{Role: "sme"}, common.Address{})
	proofJSON := confirmedProof(t, p, mk, core, coreKey, sme, "INV-VERIFY-01")
	// A second invoice, anchored in a later batch: its anchoring transaction is a real
	// one that did not anchor the first proof's root.
	var other ledger.ProofJSON
	if err := json.Unmarshal(confirmedProof(t, p, mk, core, coreKey, sme, "INV-VERIFY-02"), &other); err != nil {
		t.Fatal(err)
	}

	good := filepath.Join(dir, "proof.json")
	if err := os.WriteFile(good, proofJSON, 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, err := runScfx(t, nil, "verify", "--rpc", rpc, "--in", good)
	if err != nil || !strings.HasPrefix(out, "ok: leaf ") {
		t.Fatalf("scfx verify of the served proof = %v, stdout %q, stderr %q; want exit 0 and ok", err, out, errOut)
	}
	if out, errOut, err := runScfx(t, proofJSON, "verify", "--rpc", rpc); err != nil || !strings.HasPrefix(out, "ok: ") {
		t.Fatalf("scfx verify from stdin = %v, %q, %q; want exit 0", err, out, errOut)
	}

	var proof ledger.ProofJSON
	if err := json.Unmarshal(proofJSON, &proof); err != nil {
		t.Fatal(err)
	}
	for name, tamper := range map[string]func(*ledger.ProofJSON){
		"leaf": func(p *ledger.ProofJSON) { p.Leaf[0] ^= 1 },
		// A path that holds by itself, to a root the registry never anchored: only the chain can tell.
		"root": func(p *ledger.ProofJSON) {
			p.Leaf = crypto.Keccak256Hash([]byte("never anchored"))
			p.Root, p.Proof = p.Leaf, nil
		},
		"block_number": func(p *ledger.ProofJSON) { p.BlockNumber++ },
		"tx_hash":      func(p *ledger.ProofJSON) { p.TxHash = other.TxHash },
		"chain_id":     func(p *ledger.ProofJSON) { p.ChainID++ },
	} {
		bad := proof
		bad.Proof = append([]common.Hash(nil), proof.Proof...)
		tamper(&bad)
		wantVerifyFails(t, dir, name, rpc, bad, "does NOT hold", 1)
	}
	// A transaction the chain does not know fails too. (VerifyProof reports it as "could
	// not check", not as a proof that does not hold: a node that keeps a limited
	// transaction index cannot tell a made-up hash from a pruned one.)
	unknown := proof
	unknown.TxHash = crypto.Keccak256Hash([]byte("no such transaction"))
	wantVerifyFails(t, dir, "unknown-tx", rpc, unknown, "could not check", 2)
	// An unreachable chain is not a verdict on the proof: exit 2, not 1.
	wantVerifyFails(t, dir, "unreachable", "http://"+freeAddr(t), proof, "could not check", 2)
}

// confirmedProof submits an invoice of sme on core, confirms it with coreKey's
// signature over the served typed data, and returns its confirmation proof once the
// anchorer has anchored it.
func confirmedProof(t *testing.T, p *proc, mk *market, core string, coreKey *ecdsa.PrivateKey, sme, invoice string) []byte {
	t.Helper()
	ctx := context.Background()
	rcv, err := p.client(mk.tokens[sme]).SubmitReceivable(ctx, wire.SubmitReceivableRequest{
		DebtorID: core, InvoiceNumber: invoice, Amount: 88_000_000, Currency: "CNY", IssueDate: day(0), DueDate: day(75),
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.client(mk.tokens[core]).SignConfirmation(ctx, rcv.ID, coreKey); err != nil {
		t.Fatal(err)
	}
	return waitProof(t, p, mk.tokens[sme], "/v1/receivables/"+rcv.ID+"/proof")
}

// wantVerifyFails runs scfx verify on p and wants exit code code with why on stderr.
func wantVerifyFails(t *testing.T, dir, name, rpc string, p ledger.ProofJSON, why string, code int) {
	t.Helper()
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "tampered-"+name+".json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, err := runScfx(t, nil, "verify", "--rpc", rpc, "--in", path, "--timeout", "10s")
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != code || !strings.Contains(errOut, why) || out != "" {
		t.Fatalf("scfx verify with %s tampered = %v, stdout %q, stderr %q; want exit %d and %q", name, err, out, errOut, code, why)
	}
}

// waitProof GETs path until the leaf is anchored (409 invalid_state before) and
// returns the proof's JSON as served.
func waitProof(t *testing.T, p *proc, token, path string) []byte {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		status, body := p.call("GET", path, token, nil)
		switch {
		case status == http.StatusOK:
			return body
		case status != http.StatusConflict:
			t.Fatalf("GET %s = %d %s", path, status, body)
		case time.Now().After(deadline):
			t.Fatalf("GET %s still 409 after 30s: %s; output:\n%s", path, body, p.logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// startServeArgs is startServe with extra serve flags.
// startServeWithChain starts `scfx serve` on dataDir serving its embedded chain's
// JSON-RPC, anchoring within 50 ms; it returns the process, the operator's token and
// the chain's URL.
func startServeWithChain(t *testing.T, dataDir string) (p *proc, admin, rpc string) {
	t.Helper()
	chainAddr := freeAddr(t)
	p = startServeArgs(t, freeAddr(t), dataDir, "--chain-http", chainAddr, "--anchor-max-delay", "50ms")
	return p, readAdminToken(t, dataDir), "http://" + chainAddr
}

func startServeArgs(t *testing.T, addr, dataDir string, args ...string) *proc {
	t.Helper()
	return startServeWith(t, addr, dataDir, nil, args...)
}
