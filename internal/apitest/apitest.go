// SPDX-License-Identifier: Apache-2.0

// Package apitest runs a real scfx API for the tests of packages that talk to it
// as a client would (client, demo): a node on a file journal in t.TempDir(),
// api.New behind httptest on 127.0.0.1, and a real ledger — an embedded
// go-ethereum chain with its JSON-RPC on a free 127.0.0.1 port, bound as scfx
// serve binds it, and an anchorer with a short batch delay so that a receivable is
// financeable within tens of milliseconds. Everything stops when the test ends.
package apitest

import (
	"context"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/scfx/scfx/api"
	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/feed"
	"github.com/scfx/scfx/journal"
	"github.com/scfx/scfx/ledger"
	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/node"
	"github.com/scfx/scfx/webhook"
)

// AdminToken is the operator's bearer token of every Server.
const AdminToken = "scfx-apitest-admin-token-0123456789abcdef"

// Limits of a test server.
const (
	startTimeout  = 30 * time.Second // chain, ledger binding
	anchorDelay   = 50 * time.Millisecond
	ratePerSecond = 100_000 // per token: tests are not about the rate limit
)

// Server is one node behind a real HTTP listener, on a real chain.
type Server struct {
	URL        string // http://127.0.0.1:port
	AdminToken string
	ChainRPC   string      // the embedded chain's JSON-RPC, for on-chain proof checks
	API        *api.Server // its handler, to put behind another listener
	Node       *node.Node
	WebhookKey []byte // webhooks' secrets derive from it; a deliverer runs, as serve's
}

// Start starts a Server that stops at the end of t.
func Start(t testing.TB) *Server {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	chain, err := ledger.OpenEmbedded(ctx, ledger.EmbeddedConfig{DataDir: filepath.Join(dir, "ledger"), HTTPAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatalf("ledger.OpenEmbedded: %v", err)
	}
	t.Cleanup(func() {
		if err := chain.Close(); err != nil {
			t.Errorf("closing the embedded chain: %v", err)
		}
	})
	j, err := journal.OpenFile(filepath.Join(dir, "journal"), journal.FileOptions{NoSync: true})
	if err != nil {
		t.Fatalf("journal.OpenFile: %v", err)
	}
	f := feed.New(feed.Config{})
	// The matcher's rules as `scfx serve` runs them, so that an auditor's replay
	// (matcher.DefaultConfig, docs/audit.md) derives the same state.
	n, err := node.Open(ctx, node.Config{Journal: j, SnapshotDir: filepath.Join(dir, "snapshots"), Feed: f, Matcher: matcher.DefaultConfig()})
	if err != nil {
		_ = j.Close()
		t.Fatalf("node.Open: %v", err)
	}
	t.Cleanup(func() {
		if err := n.Close(); err != nil {
			t.Errorf("node.Close: %v", err)
		}
	})
	if _, err := ledger.Configure(ctx, n, chain, filepath.Join(dir, "ledger")); err != nil {
		t.Fatalf("ledger.Configure: %v", err)
	}
	startAnchorer(t, n, chain)
	s := &Server{AdminToken: AdminToken, ChainRPC: chain.HTTPEndpoint(), Node: n, WebhookKey: []byte("apitest webhook key, 32 bytes...")}
	d := webhook.New(webhook.Config{Node: n, Feed: f, Key: s.WebhookKey, View: func(e *matcher.Event) any { return api.ViewEvent(e) },
		CheckpointEvery: 100 * time.Millisecond, ReconcileEvery: 20 * time.Millisecond})
	dctx, dstop := context.WithCancel(context.Background())
	ddone := make(chan struct{})
	go func() { defer close(ddone); d.Run(dctx) }()
	t.Cleanup(func() { dstop(); <-ddone })
	s.API = api.New(api.Config{
		Node: n, Feed: f, Ledger: chainLedger{chain}, AdminToken: AdminToken, NodeID: "apitest", RatePerSecond: ratePerSecond,
		WebhookKey: s.WebhookKey, WebhookDeliveries: func(id string, limit int) ([]wire.WebhookDelivery, bool) { return d.Deliveries(id, limit), true },
	})
	ts := httptest.NewServer(s.API)
	t.Cleanup(ts.Close)
	s.URL = ts.URL
	return s
}

// startAnchorer runs a ledger.Anchorer on n until the test ends (before the node
// closes: cleanups run last-registered first).
func startAnchorer(t testing.TB, n *node.Node, chain *ledger.Embedded) {
	a := ledger.NewAnchorer(n, chain, ledger.AnchorerConfig{MaxDelay: anchorDelay})
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("anchorer stopped: %v", err)
		}
	})
}

// chainLedger is GET /v1/ledger's chain half, as scfx serve reports it.
type chainLedger struct{ b ledger.Backend }

func (l chainLedger) Info(ctx context.Context) (api.LedgerInfo, error) {
	i, err := ledger.LedgerInfo(ctx, l.b)
	if err != nil {
		return api.LedgerInfo{}, err
	}
	return api.LedgerInfo{ChainID: i.ChainID, Registry: i.RegistryAddress, Anchorer: i.AnchorerAddress, HeadBlock: i.HeadBlock, ConfirmationsOK: true}, nil
}
