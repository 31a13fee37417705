package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/redis/go-redis/v9"

	"github.com/scfx/scfx/journal"
	"github.com/scfx/scfx/lease"
	"github.com/scfx/scfx/ledger"
	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/node"
)

// system is what serve runs behind the API: the node over its journal, the chain,
// and — in distributed mode — the Redis journal and the anchoring lease.
type system struct {
	cfg   serveConfig
	log   *slog.Logger
	n     *node.Node
	chain ledger.Backend
	redis *journal.Redis // nil: file journal (embedded mode)
	lease *lease.Lease   // nil: this node always anchors
	lrdb  *redis.Client
}

// trimEvery is how often the lease holder trims the Redis journal below what every
// replica's snapshots cover.
const trimEvery = time.Minute

func openSystem(ctx context.Context, cfg serveConfig, log *slog.Logger) (*system, error) {
	s := &system{cfg: cfg, log: log}
	j, err := s.openJournal(ctx)
	if err != nil {
		return nil, err
	}
	ncfg := node.Config{
		Journal: j, SnapshotDir: filepath.Join(cfg.DataDir, "snapshots"), SnapshotEvery: cfg.SnapshotEvery,
		Matcher: matcher.DefaultConfig(), Logger: log,
	}
	if s.redis == nil {
		ncfg.TickEvery = cfg.TickEvery // embedded: this node ticks; distributed: the lease holder
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
		ro, err := redis.ParseURL(cfg.RedisURL)
		if err != nil {
			s.close()
			return nil, err
		}
		s.lrdb = redis.NewClient(ro)
		if s.lease, err = lease.New(lease.Config{Client: s.lrdb, Holder: cfg.NodeID, Logger: log}); err != nil {
			s.close()
			return nil, err
		}
	}
	return s, nil
}

func (s *system) openJournal(ctx context.Context) (journal.Journal, error) {
	if s.cfg.RedisURL == "" {
		return journal.OpenFile(filepath.Join(s.cfg.DataDir, "journal"), journal.FileOptions{})
	}
	if s.cfg.EthRPC == "" {
		return nil, errors.New("distributed mode (--redis-url) needs --eth-rpc: every replica must anchor on one shared chain, not an embedded chain of its own")
	}
	r, err := journal.OpenRedis(ctx, journal.RedisOptions{URL: s.cfg.RedisURL, UnsafeDurability: s.cfg.RedisUnsafeDurability, Logger: s.log})
	if err != nil {
		return nil, err
	}
	s.redis = r
	return r, nil
}

// openChain opens the chain and binds the journal to it (SetLedger). A replica that
// joins a journal already bound to a registry uses that registry; two first starts
// racing both deploy, and the loser adopts the winner's registry.
func (s *system) openChain(ctx context.Context) error {
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

func (s *system) boundLedger() *matcher.LedgerConfig {
	var l *matcher.LedgerConfig
	s.n.View(func(m *matcher.Matcher) { l = m.Ledger() })
	return l
}

func (s *system) journalKind() string {
	if s.redis != nil {
		return "redis"
	}
	return "file"
}

func (s *system) isAnchorer() bool { return s.lease == nil || s.lease.Held() }

// ready: the journal and the chain answer (API.md /readyz).
func (s *system) ready(ctx context.Context) error {
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

// background runs until ctx ends: the anchorer (and, in distributed mode, the tick
// and the journal trim) — always here in embedded mode, only while holding the lease
// in distributed mode, with the lease's fencing token in every ledger outcome.
func (s *system) background(ctx context.Context) {
	acfg := ledger.AnchorerConfig{MaxBatch: s.cfg.AnchorMaxBatch, MaxDelay: s.cfg.AnchorMaxDelay, Logger: s.log}
	if s.lease == nil {
		if err := ledger.NewAnchorer(s.n, s.chain, acfg).Run(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("anchorer stopped", "err", err)
		}
		return
	}
	_ = s.lease.Run(ctx, func(lctx context.Context, fence uint64) {
		acfg.Fence = func() uint64 { return fence }
		go s.n.RunTicker(lctx, s.cfg.TickEvery)
		go s.trimLoop(lctx)
		if err := ledger.NewAnchorer(s.n, s.chain, acfg).Run(lctx); err != nil && lctx.Err() == nil {
			s.log.Error("anchorer stopped", "fence", fence, "err", err)
		}
	})
}

// trimLoop removes journal entries below the oldest snapshot any replica keeps.
func (s *system) trimLoop(ctx context.Context) {
	t := time.NewTicker(trimEvery)
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

func (s *system) close() error {
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
