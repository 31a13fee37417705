// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/params"
	"github.com/redis/go-redis/v9"

	"github.com/scfx/scfx/contracts"
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
	// anchorErr is why the embedded anchorer stopped, if it did: the node then
	// confirms nothing more (no receivable becomes financeable), so it is not ready.
	anchorErr atomic.Pointer[error]
}

// trimEvery is how often the lease holder trims the Redis journal below what every
// replica's snapshots cover.
const trimEvery = time.Minute

// registerProbe is the size of the register whose estimated gas, against that of a
// register of one, gives a chain's gas per new fingerprint (registerBatch).
const registerProbe = 8

func openSystem(ctx context.Context, cfg serveConfig, log *slog.Logger) (*system, error) {
	s := &system{cfg: cfg, log: log}
	j, err := s.openJournal(ctx)
	if err != nil {
		return nil, err
	}
	ncfg := node.Config{
		Journal: j, SnapshotDir: filepath.Join(cfg.DataDir, "snapshots"), SnapshotEvery: cfg.SnapshotEvery,
		SnapshotMinInterval: cfg.SnapshotMinInterval, Matcher: matcher.DefaultConfig(), Logger: log,
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
		return journal.OpenFile(filepath.Join(s.cfg.DataDir, "journal"), journal.FileOptions{Logger: s.log})
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

// ready: the journal and the chain answer (docs/api.md /readyz), and the journal has not
// failed for good (a file journal after a write or fsync error appends nothing more).
func (s *system) ready(ctx context.Context) error {
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

// background runs until ctx ends: the anchorer (and, in distributed mode, the tick
// and the journal trim) — always here in embedded mode, only while holding the lease
// in distributed mode, with the lease's fencing token in every ledger outcome.
func (s *system) background(ctx context.Context) {
	acfg := ledger.AnchorerConfig{MaxBatch: s.cfg.AnchorMaxBatch, MaxDelay: s.cfg.AnchorMaxDelay, Logger: s.log}
	if s.lease == nil {
		acfg.RegisterBatch = s.registerBatch(ctx)
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
		acfg.RegisterBatch = s.registerBatch(lctx)
		go s.n.RunTicker(lctx, s.cfg.TickEvery)
		if s.cfg.ClearEvery > 0 {
			go s.n.RunAuctions(lctx, s.cfg.ClearEvery)
		}
		go s.trimLoop(lctx)
		if err := ledger.NewAnchorer(s.n, s.chain, acfg).Run(lctx); err != nil && lctx.Err() == nil {
			s.log.Error("anchorer stopped", "fence", fence, "err", err)
		}
	})
}

// anchorStopped records that the embedded anchorer stopped for good: one ERROR, and
// /readyz fails from now on (in distributed mode another replica takes the lease).
func (s *system) anchorStopped(err error) {
	s.log.Error("anchorer stopped", "err", err)
	s.anchorErr.Store(&err)
}

// registerBatch is how many fingerprints one register transaction of the anchorer
// carries: as many as fit, with a tenth to spare, in the chain's block gas limit and
// in the per-transaction cap (EIP-7825), at the gas this chain charges per new
// fingerprint — at most matcher.MaxRegisterBatch. A batch that does not fit is
// refused at every attempt, and registrations would stall for good: 500 fingerprints
// take 12.3M gas at Osaka pricing, and about 56M on geth --dev, whose experimental
// fork prices storage at ~112k gas per fingerprint, over its 11.5M block gas limit.
// It asks the chain until it answers or ctx ends (0: ended).
func (s *system) registerBatch(ctx context.Context) int {
	c, ok := s.chain.(interface{ Client() *ethclient.Client })
	if !ok {
		return 0 // the anchorer's default
	}
	for wait := time.Second; ; wait = min(2*wait, 30*time.Second) {
		n, err := fitRegisterBatch(ctx, c.Client(), s.chain.Sender(), s.chain.Registry())
		if err == nil {
			if n < matcher.MaxRegisterBatch {
				s.log.Info("register batch sized to the chain's gas limits", "fingerprints", n)
			}
			return n
		}
		s.log.Warn("sizing the register batch: retrying", "err", err, "backoff", wait)
		select {
		case <-ctx.Done():
			return 0
		case <-time.After(wait):
		}
	}
}

// fitRegisterBatch estimates registers of 1 and registerProbe new (random)
// fingerprints from the sender and fits a batch into the gas a transaction may use.
func fitRegisterBatch(ctx context.Context, client *ethclient.Client, from, registry common.Address) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	head, err := client.HeaderByNumber(ctx, nil)
	if err != nil {
		return 0, err
	}
	reg := contracts.NewScfxRegistry()
	estimate := func(k int) (uint64, error) {
		fps, refs := make([][32]byte, k), make([][32]byte, k)
		for i := range fps {
			_, _ = rand.Read(fps[i][:]) // crypto/rand.Read never fails
			_, _ = rand.Read(refs[i][:])
		}
		return client.EstimateGas(ctx, ethereum.CallMsg{From: from, To: &registry, Data: reg.PackRegister(fps, refs)})
	}
	one, err := estimate(1)
	if err != nil {
		return 0, fmt.Errorf("estimate register: %w", err)
	}
	probe, err := estimate(registerProbe)
	if err != nil {
		return 0, fmt.Errorf("estimate register: %w", err)
	}
	perFingerprint := max(1, (probe-min(probe, one))/(registerProbe-1))
	room := min(head.GasLimit, params.MaxTxGas) * 9 / 10
	if one >= room {
		return 1, nil
	}
	return int(min(1+(room-one)/perFingerprint, matcher.MaxRegisterBatch)), nil
}

// catchUp waits until this replica has applied the journal as far as Redis has it.
func (s *system) catchUp(ctx context.Context) error {
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
