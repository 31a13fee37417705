// SPDX-License-Identifier: Apache-2.0

package ledger

import (
	"context"
	"crypto/rand"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/params"

	"github.com/scfx/scfx/internal/gethtest"
	"github.com/scfx/scfx/matcher"
)

func TestFitBatch(t *testing.T) {
	room := params.MaxTxGas * 9 / 10
	for _, c := range []struct {
		name            string
		one, probe, lim uint64
		want            int
	}{
		{"cheap storage: capped at the matcher's maximum", 50_000, 50_000 + 7*20_000, 60_000_000, matcher.MaxRegisterBatch},
		{"expensive storage: what fits nine tenths of the per-transaction cap", 150_000, 150_000 + 7*112_000, 60_000_000, 1 + int((room-150_000)/112_000)},
		{"a small block gas limit is the limit", 150_000, 150_000 + 7*112_000, 11_500_000, 1 + int((11_500_000*9/10-150_000)/112_000)},
		{"one does not fit: still one, so the refusal is seen", 20_000_000, 20_000_001, 30_000_000, 1},
		{"probe cheaper than one (noise): one gas per fingerprint, capped", 60_000, 50_000, 30_000_000, matcher.MaxRegisterBatch},
	} {
		if got := fitBatch(c.one, c.probe, c.lim); got != c.want {
			t.Errorf("%s: fitBatch(%d, %d, %d) = %d, want %d", c.name, c.one, c.probe, c.lim, got, c.want)
		}
	}
}

// On geth --dev, whose fork charges several times a released fork's gas per new
// fingerprint, the full batch would exceed the per-transaction cap: RegisterBatch
// sizes it down, and a register of that size is mined.
func TestRegisterBatchFitsTheChain(t *testing.T) {
	if testing.Short() {
		t.Skip("starts geth; make test runs it")
	}
	g := gethtest.Start(t, filepath.Join(t.TempDir(), "geth"), 0)
	dir := t.TempDir()
	ctx := context.Background()
	b, err := DialRPC(ctx, RPCConfig{URL: g.URL(), Key: g.FundedKey(t, 100), DataDir: dir})
	if err != nil {
		t.Fatalf("DialRPC: %v", err)
	}
	defer b.Close()
	n := RegisterBatch(ctx, b, slog.New(slog.DiscardHandler))
	if n < 1 || n >= matcher.MaxRegisterBatch {
		t.Fatalf("RegisterBatch on geth --dev = %d, want 1 ≤ n < %d", n, matcher.MaxRegisterBatch)
	}
	fps, refs := make([]common.Hash, n), make([]common.Hash, n)
	for i := range fps {
		_, _ = rand.Read(fps[i][:])
		_, _ = rand.Read(refs[i][:])
	}
	tx, err := b.SendRegister(ctx, fps, refs)
	if err != nil {
		t.Fatalf("SendRegister(%d fingerprints): %v", n, err)
	}
	r, err := b.Receipt(ctx, tx)
	if err != nil {
		t.Fatalf("register of %d fingerprints: %v", n, err)
	}
	t.Logf("register batch on geth --dev: %d fingerprints, %d gas", n, r.GasUsed)
	// Without sizing, the anchorer's full batch does not fit.
	if full, err := estimateRegister(ctx, b.Client(), b.Sender(), b.Registry(), matcher.MaxRegisterBatch); err == nil && full <= params.MaxTxGas {
		t.Errorf("a register of %d fingerprints estimates %d gas, within the cap: the test no longer shows why sizing matters", matcher.MaxRegisterBatch, full)
	}
}

// The embedded chain runs a released fork: the full batch fits.
func TestRegisterBatchEmbedded(t *testing.T) {
	e := openEmbedded(t, t.TempDir(), 0)
	defer e.Close()
	if n := RegisterBatch(context.Background(), e, slog.New(slog.DiscardHandler)); n != matcher.MaxRegisterBatch {
		t.Fatalf("RegisterBatch on the embedded chain = %d, want %d", n, matcher.MaxRegisterBatch)
	}
}
