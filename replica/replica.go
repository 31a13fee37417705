// SPDX-License-Identifier: Apache-2.0

// Package replica runs one scfx replica behind the API: the node over its journal,
// the chain it anchors on, and — in distributed mode — the Redis journal shared with
// the other replicas and the lease that lets one of them anchor, tick, clear
// auctions and trim the journal at a time.
//
// Open builds a replica from its Config; Run does the background work until its
// context ends; Ready says whether the replica should take traffic; Close stops it.
package replica

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/redis/go-redis/v9"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/feed"
	"github.com/scfx/scfx/internal/redisha"
	"github.com/scfx/scfx/journal"
	"github.com/scfx/scfx/lease"
	"github.com/scfx/scfx/ledger"
	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/node"
	"github.com/scfx/scfx/webhook"
)

// Config is what a replica needs; the zero value of each optional field means its
// default.
type Config struct {
	DataDir string // journal (file mode), snapshots, the embedded chain, key files
	NodeID  string // this replica's id, unique among the replicas of one journal

	// RedisURL selects distributed mode: the journal is a Redis stream shared by every
	// replica, and EthRPC must name the one chain they all anchor on.
	RedisURL              string
	RedisUnsafeDurability bool
	// RedisMinReplicas is journal.RedisOptions.MinReplicas: 0 the default (1 with
	// Sentinel), journal.RedisNoReplicas none.
	RedisMinReplicas int

	EthRPC          string // empty: the embedded chain
	EthKeyFile      string
	RegistryAddress string // empty: the one the journal is bound to, or deploy
	ChainHTTPAddr   string // serve the embedded chain's JSON-RPC here

	SnapshotEvery       uint64
	SnapshotMinInterval time.Duration
	TickEvery           time.Duration
	ClearEvery          time.Duration // 0: no scheduled call auctions
	AnchorMaxBatch      int
	AnchorMaxDelay      time.Duration
	AnchorFixedDelay    bool          // ledger.AnchorerConfig.FixedDelay
	LeaseTTL            time.Duration // lease.DefaultTTL when 0
	TrimEvery           time.Duration // DefaultTrimEvery when 0
	// WebhookKey derives webhooks' signing secrets (package webhook); nil: this
	// replica delivers no webhooks.
	WebhookKey []byte
	// WebhookView is an event as GET /v1/events shows it (api.ViewEvent), a
	// delivery's body.
	WebhookView func(*matcher.Event) any
}

// Replica is one running replica. Its methods are safe for concurrent use.
type Replica struct {
	cfg   Config
	log   *slog.Logger
	n     *node.Node
	feed  *feed.Feed
	chain ledger.Backend
	redis *journal.Redis // nil: file journal (embedded mode)
	lease *lease.Lease   // nil: this node always anchors
	lrdb  *redis.Client
	// anchorErr is why the embedded anchorer stopped, if it did: the node then
	// confirms nothing more (no receivable becomes financeable), so it is not ready.
	anchorErr atomic.Pointer[error]
	// deliverer is the webhook deliverer while this replica runs one.
	deliverer atomic.Pointer[webhook.Deliverer]
}

// DefaultTrimEvery is how often the lease holder trims the Redis journal below what
// every replica's snapshots cover.
const DefaultTrimEvery = time.Minute

// Open opens the journal, restores the node from its snapshot and journal, opens the
// chain and binds the journal to it, and in distributed mode prepares the lease.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (*Replica, error) {
	if cfg.TrimEvery <= 0 {
		cfg.TrimEvery = DefaultTrimEvery
	}
	s := &Replica{cfg: cfg, log: log}
	j, err := s.openJournal(ctx)
	if err != nil {
		return nil, err
	}
	snapDir := filepath.Join(cfg.DataDir, "snapshots")
	if err := os.MkdirAll(snapDir, 0o700); err != nil {
		j.Close()
		return nil, err
	}
	// The feed lives beside the snapshots it is saved with (node.Config.Feed).
	if s.feed, err = feed.Open(feed.Config{Path: filepath.Join(snapDir, "feed.json")}); err != nil {
		j.Close()
		return nil, err
	}
	ncfg := node.Config{
		Journal: j, SnapshotDir: snapDir, SnapshotEvery: cfg.SnapshotEvery,
		LogFile:             filepath.Join(cfg.DataDir, "translog.hashes"),
		SnapshotMinInterval: cfg.SnapshotMinInterval, Matcher: matcher.DefaultConfig(), Feed: s.feed, Logger: log,
	}
	if s.redis == nil {
		ncfg.TickEvery = cfg.TickEvery // embedded: this node ticks; distributed: the lease holder
		ncfg.ClearEvery = cfg.ClearEvery
	} else {
		ncfg.OnSnapshot = func(oldest uint64) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := s.redis.PublishSnapshot(ctx, cfg.NodeID, oldest); err != nil {
				log.Warn("publish snapshot seq", "err", err)
			}
		}
	}
	if s.n, err = node.Open(ctx, ncfg); err != nil {
		j.Close()
		return nil, err
	}
	if err := s.openChain(ctx); err != nil {
		s.n.Close()
		return nil, err
	}
	if s.redis != nil {
		target, err := redisha.Parse(cfg.RedisURL)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.lrdb = target.Client(redisha.Tuning{})
		repl := s.redis.Replication()
		wait := redisha.Wait{Command: repl.Wait, Replicas: repl.MinReplicas}
		if s.lease, err = lease.New(lease.Config{Client: s.lrdb, Holder: cfg.NodeID, TTL: cfg.LeaseTTL, Wait: wait, Logger: log}); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

func (s *Replica) openJournal(ctx context.Context) (journal.Journal, error) {
	if s.cfg.RedisURL == "" {
		return journal.OpenFile(filepath.Join(s.cfg.DataDir, "journal"), journal.FileOptions{Logger: s.log})
	}
	if s.cfg.EthRPC == "" {
		return nil, errors.New("distributed mode (--redis-url) needs --eth-rpc: every replica must anchor on one shared chain, not an embedded chain of its own")
	}
	r, err := journal.OpenRedis(ctx, journal.RedisOptions{
		URL: s.cfg.RedisURL, UnsafeDurability: s.cfg.RedisUnsafeDurability, MinReplicas: s.cfg.RedisMinReplicas, Logger: s.log,
	})
	if err != nil {
		return nil, err
	}
	s.redis = r
	return r, nil
}

// openChain opens the chain and binds the journal to it (SetLedger). A replica that
// joins a journal already bound to a registry uses that registry; two first starts
// racing both deploy, and the loser adopts the winner's registry.
func (s *Replica) openChain(ctx context.Context) error {
	explicit := s.cfg.RegistryAddress != ""
	var registry common.Address
	if explicit {
		if !common.IsHexAddress(s.cfg.RegistryAddress) {
			return fmt.Errorf("--registry-address %q is not an address", s.cfg.RegistryAddress)
		}
		registry = common.HexToAddress(s.cfg.RegistryAddress)
	} else if l := s.boundLedger(); l != nil && s.cfg.EthRPC != "" {
		registry = l.Registry
	}
	for attempt := 0; ; attempt++ {
		chain, err := ledger.Open(ctx, ledger.Config{
			DataDir: s.cfg.DataDir, RPCURL: s.cfg.EthRPC, KeyFile: s.cfg.EthKeyFile, Registry: registry,
			HTTPAddr: s.cfg.ChainHTTPAddr, Logger: s.log,
		})
		if err != nil {
			return fmt.Errorf("open ledger: %w", err)
		}
		_, err = ledger.Configure(ctx, s.n, chain, s.cfg.DataDir)
		if err == nil {
			s.chain = chain
			return nil
		}
		chain.Close()
		l := s.boundLedger()
		if explicit || attempt > 0 || l == nil || l.Registry == registry || s.cfg.EthRPC == "" {
			return err
		}
		s.log.Info("another replica bound the journal first: using its registry", "registry", l.Registry.Hex())
		registry = l.Registry
	}
}

func (s *Replica) boundLedger() *matcher.LedgerConfig {
	var l *matcher.LedgerConfig
	s.n.View(func(m *matcher.Matcher) { l = m.Ledger() })
	return l
}

// Node is the replica's node: what the API submits to and reads from.
func (s *Replica) Node() *node.Node { return s.n }

// Feed is the replica's event feed, derived from the journal as every replica's is.
func (s *Replica) Feed() *feed.Feed { return s.feed }

// Chain is the chain the replica anchors on.
func (s *Replica) Chain() ledger.Backend { return s.chain }

// JournalKind is "file" (embedded mode) or "redis" (distributed mode).
func (s *Replica) JournalKind() string {
	if s.redis != nil {
		return "redis"
	}
	return "file"
}

// Replication is how the journal's appends are replicated; nil in embedded mode.
func (s *Replica) Replication() *journal.RedisReplication {
	if s.redis == nil {
		return nil
	}
	r := s.redis.Replication()
	return &r
}

// IsAnchorer reports whether this replica anchors now: always in embedded mode, while
// it holds the lease in distributed mode.
func (s *Replica) IsAnchorer() bool { return s.lease == nil || s.lease.Held() }

// WebhookDeliveries is the deliverer's record of a webhook's recent deliveries,
// newest first, and whether this replica delivers now (api.Config.WebhookDeliveries).
func (s *Replica) WebhookDeliveries(id string, limit int) ([]wire.WebhookDelivery, bool) {
	d := s.deliverer.Load()
	if d == nil {
		return nil, false
	}
	return d.Deliveries(id, limit), true
}

// Ready reports why the replica should not take traffic, nil when it should: the
// journal and the chain answer, the journal has not failed for good (a file journal
// after a write or fsync error appends nothing more), and the embedded anchorer has
// not stopped (the node would confirm nothing more).
func (s *Replica) Ready(ctx context.Context) error {
	if err := s.anchorErr.Load(); err != nil {
		return fmt.Errorf("anchorer stopped: %w", *err)
	}
	if err := s.n.Journal().Err(); err != nil {
		return fmt.Errorf("journal failed: %w", err)
	}
	if s.redis != nil {
		if err := s.redis.Ping(ctx); err != nil {
			return fmt.Errorf("journal: %w", err)
		}
	}
	if _, err := s.chain.Head(ctx); err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	return nil
}

// Run runs until ctx ends: the anchorer (and, in distributed mode, the tick
// and the journal trim) — always here in embedded mode, only while holding the lease
// in distributed mode, with the lease's fencing token in every ledger outcome.
func (s *Replica) Run(ctx context.Context) {
	acfg := ledger.AnchorerConfig{MaxBatch: s.cfg.AnchorMaxBatch, MaxDelay: s.cfg.AnchorMaxDelay, FixedDelay: s.cfg.AnchorFixedDelay, Logger: s.log}
	if s.lease == nil {
		go s.deliverWebhooks(ctx)
		acfg.RegisterBatch = ledger.RegisterBatch(ctx, s.chain, s.log)
		if err := ledger.NewAnchorer(s.n, s.chain, acfg).Run(ctx); err != nil && ctx.Err() == nil {
			s.anchorStopped(err)
		}
		return
	}
	_ = s.lease.Run(ctx, func(lctx context.Context, fence uint64) {
		// A new holder first applies what its predecessor recorded, so that its first
		// outcomes are not refused as stale.
		if err := s.catchUp(lctx); err != nil {
			s.log.Warn("lease: catching up before anchoring", "err", err)
			return
		}
		acfg.Fence = func() uint64 { return fence }
		acfg.RegisterBatch = ledger.RegisterBatch(lctx, s.chain, s.log)
		go s.n.RunTicker(lctx, s.cfg.TickEvery)
		if s.cfg.ClearEvery > 0 {
			go s.n.RunAuctions(lctx, s.cfg.ClearEvery)
		}
		go s.trimLoop(lctx)
		go s.deliverWebhooks(lctx)
		if err := ledger.NewAnchorer(s.n, s.chain, acfg).Run(lctx); err != nil && lctx.Err() == nil {
			s.log.Error("anchorer stopped", "fence", fence, "err", err)
		}
	})
}

// deliverWebhooks runs the webhook deliverer until ctx ends: always in embedded
// mode, while holding the lease in distributed mode (docs/operations.md "Webhooks").
func (s *Replica) deliverWebhooks(ctx context.Context) {
	if len(s.cfg.WebhookKey) == 0 || s.cfg.WebhookView == nil {
		return
	}
	d := webhook.New(webhook.Config{Node: s.n, Feed: s.feed, Key: s.cfg.WebhookKey, View: s.cfg.WebhookView, Logger: s.log})
	s.deliverer.Store(d)
	defer s.deliverer.CompareAndSwap(d, nil)
	d.Run(ctx)
}

// anchorStopped records that the embedded anchorer stopped for good: one ERROR, and
// /readyz fails from now on (in distributed mode another replica takes the lease).
func (s *Replica) anchorStopped(err error) {
	s.log.Error("anchorer stopped", "err", err)
	s.anchorErr.Store(&err)
}

// catchUp waits until this replica has applied the journal as far as Redis has it.
func (s *Replica) catchUp(ctx context.Context) error {
	head, err := s.redis.HeadSeq(ctx)
	if err != nil {
		return err
	}
	for {
		var applied uint64
		s.n.View(func(m *matcher.Matcher) { applied = m.AppliedSeq() })
		if applied >= head {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// trimLoop removes journal entries below the oldest snapshot any replica keeps.
func (s *Replica) trimLoop(ctx context.Context) {
	t := time.NewTicker(s.cfg.TrimEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			safe, err := s.redis.SafeTrimSeq(ctx)
			if err == nil && safe > 1 {
				_, err = s.redis.Trim(ctx, safe)
			}
			if err != nil && ctx.Err() == nil {
				s.log.Warn("journal trim", "err", err)
			}
		}
	}
}

// Close stops the node (a last snapshot), the chain and the lease's Redis client.
func (s *Replica) Close() error {
	err := s.n.Close()
	if s.chain != nil {
		if cerr := s.chain.Close(); err == nil {
			err = cerr
		}
	}
	if s.lrdb != nil {
		s.lrdb.Close()
	}
	return err
}
