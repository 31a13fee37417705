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

// TestVerifyLineage (docs/audit.md "Lineage proofs"): the lineage of a tier-3
// fragment, as `scfx serve` answers it to the tier-3 holder, verifies with `scfx
// verify --lineage` against the served chain (exit 0, a line per hop); a lineage
// tampered in any of the ways below exits 1 and names the hop; an unreachable chain
// exits 2.
func TestVerifyLineage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	p, admin, rpc := startServeWithChain(t, filepath.Join(dir, "data"))
	ids, tokens := tier3(t, p, admin)

	path := "/v1/receivables/" + ids[2] + "/lineage"
	body := waitProof(t, p, tokens[2], path)
	good := filepath.Join(dir, "lineage.json")
	if err := os.WriteFile(good, body, 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, err := runScfx(t, nil, "verify", "--rpc", rpc, "--lineage", good)
	if err != nil || !strings.Contains(out, "hop 2: "+ids[2]+" tier 3") || !strings.Contains(out, "ok: "+ids[2]+" goes back in 3 hops") {
		t.Fatalf("scfx verify --lineage = %v, stdout %q, stderr %q; want exit 0 and a line per hop", err, out, errOut)
	}
	// The tier-2 holder is not a party to the tier-3 fragment.
	if status, b := p.call("GET", path, tokens[1], nil); status != http.StatusNotFound {
		t.Fatalf("GET %s as the tier-2 holder = %d %s, want 404", path, status, b)
	}

	var l ledger.LineageJSON
	if err := json.Unmarshal(body, &l); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		hop  int
		edit func(l *ledger.LineageJSON)
	}{
		{"amount", 2, func(l *ledger.LineageJSON) { l.Hops[2].Amount++ }},
		{"signed-amount", 2, func(l *ledger.LineageJSON) { l.Hops[2].Amount++; l.Hops[2].Transfer.Amount++ }},
		{"confirmed-amount", 0, func(l *ledger.LineageJSON) { l.Hops[0].Amount--; l.Hops[0].Confirmation.Amount-- }},
		{"conservation", 2, func(l *ledger.LineageJSON) { l.Hops[2].SplitBefore = l.Hops[2].ParentAmount }},
		{"signature-swapped", 1, func(l *ledger.LineageJSON) { l.Hops[1].Transfer.Signature = l.Hops[2].Transfer.Signature }},
		{"hop-dropped", 1, func(l *ledger.LineageJSON) { l.Hops = append(l.Hops[:1], l.Hops[2:]...) }},
		{"proof-byte-flipped", 1, func(l *ledger.LineageJSON) {
			// A batch of one has no siblings: its root is the proof's only byte to flip.
			if h := &l.Hops[1]; len(h.Proof) > 0 {
				h.Proof[0][31] ^= 1
			} else {
				h.Root[31] ^= 1
			}
		}},
		{"registry-ref", 0, func(l *ledger.LineageJSON) { l.RegistryRef[31] ^= 1 }},
	} {
		var bad ledger.LineageJSON
		if err := json.Unmarshal(body, &bad); err != nil { // a deep copy
			t.Fatal(err)
		}
		c.edit(&bad)
		wantLineageFails(t, dir, c.name, rpc, bad, "hop "+string(rune('0'+c.hop))+" (", 1)
	}
	wantLineageFails(t, dir, "unreachable", "http://"+freeAddr(t), l, "could not check", 2)
}

// tier3 makes a tier-1 receivable and transfers part of it to tier 2, then tier 3,
// each financeable, and returns the three ids and their holders' tokens.
func tier3(t *testing.T, p *proc, admin string) (ids, tokens [3]string) {
	t.Helper()
	ctx := context.Background()
	mk := &market{tokens: map[string]string{}, addrs: map[string]common.Address{}}
	var keys [4]*ecdsa.PrivateKey
	var parties [4]string
	for i := range keys {
		key, err := crypto.GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		role := wire.CreateParticipantRequest{Role: "sme"}
		if i == 0 {
			role = wire.CreateParticipantRequest{Role: "core", Rating: "AAA"}
		}
		keys[i], parties[i] = key, mk.participant(t, p, admin, role, crypto.PubkeyToAddress(key.PublicKey))
	}
	r, err := p.client(mk.tokens[parties[1]]).SubmitReceivable(ctx, wire.SubmitReceivableRequest{
		DebtorID: parties[0], InvoiceNumber: "INV-LINEAGE-1", Amount: 90_000_000, Currency: "CNY", IssueDate: day(0), DueDate: day(75),
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.client(mk.tokens[parties[0]]).SignConfirmation(ctx, r.ID, keys[0]); err != nil {
		t.Fatal(err)
	}
	ids[0], tokens[0] = r.ID, mk.tokens[parties[1]]
	waitFinanceable(t, p, tokens[0], ids[0])
	for i := 1; i < 3; i++ {
		child, err := p.client(tokens[i-1]).SignTransfer(ctx, ids[i-1], parties[i+1], int64(40_000_000/i), keys[i])
		if err != nil {
			t.Fatal(err)
		}
		ids[i], tokens[i] = child.ID, mk.tokens[parties[i+1]]
		waitFinanceable(t, p, tokens[i], ids[i])
	}
	return ids, tokens
}

func waitFinanceable(t *testing.T, p *proc, token, id string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		r, err := p.client(token).Receivable(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status == "financeable" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("receivable %s is %s after 30s, want financeable; output:\n%s", id, r.Status, p.logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// wantLineageFails runs scfx verify --lineage on l and wants exit code code with why on stderr.
func wantLineageFails(t *testing.T, dir, name, rpc string, l ledger.LineageJSON, why string, code int) {
	t.Helper()
	b, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "tampered-lineage-"+name+".json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, err := runScfx(t, nil, "verify", "--rpc", rpc, "--lineage", path, "--timeout", "10s")
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != code || !strings.Contains(errOut, why) || out != "" {
		t.Fatalf("scfx verify --lineage with %s tampered = %v, stdout %q, stderr %q; want exit %d and %q", name, err, out, errOut, code, why)
	}
}
