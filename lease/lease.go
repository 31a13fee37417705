// SPDX-License-Identifier: Apache-2.0

// Package lease elects the one replica that anchors (README, "Architecture"): a Redis key set
// with SET NX PX and renewed while held, and a fencing token — a counter incremented
// at every acquisition — that the anchorer carries in its ledger outcomes, so the
// matcher ignores a former holder that has not noticed yet that it lost the lease.
//
// With Redis replicas (Config.Wait), an acquisition counts only once the replicas have
// the lease and the incremented fence, and a renewal only once they have the new
// expiry: a failover to a replica then never hands out a fence that was handed out
// before, nor a lease its holder still renews (docs/operations.md, "Redis high
// availability").
package lease

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/scfx/scfx/internal/redisha"
)

// Defaults.
const (
	DefaultTTL = 5 * time.Second
)

// acquireScript takes the lease if nobody holds it and increments the fence, in one
// step: KEYS lease, fence; ARGV holder, TTL (ms). It answers the new fence, or 0.
var acquireScript = redis.NewScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
return 0`)

// renewScript extends the lease only if we still hold it.
var renewScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`)

// releaseScript deletes the lease only if we hold it.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`)

// Config configures a Lease.
type Config struct {
	Client *redis.Client
	// Name is the lease's name; keys are scfx:{Name}:lease and scfx:{Name}:fence, with
	// the journal's hash tag so they live in the journal's Redis Cluster slot.
	Name   string
	Holder string        // this replica's id
	TTL    time.Duration // how long a silent holder keeps it (DefaultTTL)
	// Wait is the wait for Redis replicas after an acquisition or a renewal (the
	// journal's: journal.Redis.Replication); the zero value waits for none.
	Wait   redisha.Wait
	Logger *slog.Logger
}

// Lease is one replica's view of the anchoring lease.
type Lease struct {
	cfg          Config
	leaseKey     string
	fenceKey     string
	held         atomic.Bool
	fence        atomic.Uint64
	acquisitions atomic.Uint64
}

// New makes a lease; Run contends for it.
func New(cfg Config) (*Lease, error) {
	if cfg.Client == nil || cfg.Holder == "" {
		return nil, errors.New("lease: a Redis client and a holder id are required")
	}
	if cfg.Name == "" {
		cfg.Name = "main"
	}
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultTTL
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Lease{cfg: cfg, leaseKey: "scfx:{" + cfg.Name + "}:lease", fenceKey: "scfx:{" + cfg.Name + "}:fence"}, nil
}

// Held reports whether this replica holds the lease now.
func (l *Lease) Held() bool { return l.held.Load() }

// Fence is the fencing token of the current (or last) holding.
func (l *Lease) Fence() uint64 { return l.fence.Load() }

// Acquisitions counts how often this replica took the lease.
func (l *Lease) Acquisitions() uint64 { return l.acquisitions.Load() }

// Run contends for the lease until ctx ends. Each time it is acquired, work runs with
// a context that is cancelled as soon as the lease cannot be renewed; Run waits for
// work to return before contending again, so two works never overlap in this process.
func (l *Lease) Run(ctx context.Context, work func(ctx context.Context, fence uint64)) error {
	retry := l.cfg.TTL / 3
	for {
		fence, ok, err := l.tryAcquire(ctx)
		if err != nil && ctx.Err() == nil {
			l.cfg.Logger.Warn("lease: acquire failed", "err", err)
		}
		if ok {
			l.hold(ctx, fence, work)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(retry):
		}
	}
}

// tryAcquire takes the lease and its fence, and — with Config.Wait — waits until the
// replicas have both; when they do not in time, it gives the lease back: the fence is
// never used.
func (l *Lease) tryAcquire(ctx context.Context) (uint64, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, l.cfg.TTL/3)
	defer cancel()
	p := l.cfg.Client.Pipeline()
	keys := []string{l.leaseKey, l.fenceKey}
	acq := acquireScript.Eval(ctx, p, keys, l.cfg.Holder, l.cfg.TTL.Milliseconds())
	replicated := l.cfg.Wait.Queue(ctx, p, l.cfg.TTL/6)
	_, _ = p.Exec(ctx)
	fence, err := acq.Uint64()
	if err != nil || fence == 0 {
		if err != nil {
			err = fmt.Errorf("lease: acquire: %w", err)
		}
		return 0, false, err
	}
	if err := replicated(); err != nil {
		l.release()
		return 0, false, fmt.Errorf("lease: acquired fence %d, but the Redis replicas do not have it: given back: %w", fence, err)
	}
	return fence, true, nil
}

// hold runs work while renewing; it returns when work returns or the lease is lost.
func (l *Lease) hold(ctx context.Context, fence uint64, work func(context.Context, uint64)) {
	l.fence.Store(fence)
	l.held.Store(true)
	l.acquisitions.Add(1)
	defer l.held.Store(false)
	l.cfg.Logger.Info("lease: acquired", "holder", l.cfg.Holder, "fence", fence)
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		work(wctx, fence)
	}()
	t := time.NewTicker(l.cfg.TTL / 3)
	defer t.Stop()
	for {
		select {
		case <-done:
			cancel()
			l.release()
			return
		case <-ctx.Done():
			cancel()
			<-done
			l.release()
			return
		case <-t.C:
			// A renewal must finish well inside the TTL, or another replica may
			// already hold the lease when we think we do.
			n, err := l.renew(ctx)
			if err != nil || n == 0 {
				l.cfg.Logger.Warn("lease: lost", "holder", l.cfg.Holder, "fence", fence, "err", err)
				cancel()
				<-done
				return
			}
		}
	}
}

// renew extends the lease, and — with Config.Wait — waits until the replicas have the
// new expiry (a promoted replica must not let the lease expire earlier than its holder
// thinks). It answers 1 when renewed, 0 when the lease is someone else's.
func (l *Lease) renew(ctx context.Context) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, l.cfg.TTL/3)
	defer cancel()
	p := l.cfg.Client.Pipeline()
	cmd := renewScript.Eval(ctx, p, []string{l.leaseKey}, l.cfg.Holder, l.cfg.TTL.Milliseconds())
	replicated := l.cfg.Wait.Queue(ctx, p, l.cfg.TTL/6)
	_, _ = p.Exec(ctx)
	n, err := cmd.Int()
	if err == nil && n == 1 {
		err = replicated()
	}
	return n, err
}

func (l *Lease) release() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = releaseScript.Run(ctx, l.cfg.Client, []string{l.leaseKey}, l.cfg.Holder).Err()
}
