// SPDX-License-Identifier: Apache-2.0

package lease

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/scfx/scfx/journal/redistest"
)

func newLease(t *testing.T, srv *redistest.Server, holder string, ttl time.Duration) *Lease {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	t.Cleanup(func() { c.Close() })
	l, err := New(Config{Client: c, Holder: holder, TTL: ttl})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// README, "Architecture": "the anchorer runs on one node only (a Redis lease with a fencing
// token)": of two contenders exactly one works at a time, and a takeover gets a
// higher fence.
func TestOneHolderAndTakeoverRaisesTheFence(t *testing.T) {
	srv := redistest.Start(t)
	a, b := newLease(t, srv, "a", 600*time.Millisecond), newLease(t, srv, "b", 600*time.Millisecond)
	var working atomic.Int32
	var overlap atomic.Bool
	work := func(ctx context.Context, _ uint64) {
		if working.Add(1) > 1 {
			overlap.Store(true)
		}
		<-ctx.Done()
		working.Add(-1)
	}
	actx, stopA := context.WithCancel(context.Background())
	bctx, stopB := context.WithCancel(context.Background())
	defer stopB()
	go a.Run(actx, work)
	waitFor(t, "a to hold the lease", a.Held)
	go b.Run(bctx, work)
	time.Sleep(1500 * time.Millisecond) // b keeps trying across several TTLs
	if b.Held() || !a.Held() {
		t.Fatalf("while a renews: a held %v, b held %v; want only a", a.Held(), b.Held())
	}
	fenceA := a.Fence()
	stopA() // a stops (and releases)
	waitFor(t, "b to take over", b.Held)
	if b.Fence() <= fenceA {
		t.Fatalf("takeover fence %d, want > %d", b.Fence(), fenceA)
	}
	if overlap.Load() {
		t.Fatal("two holders worked at once")
	}
}

// A holder that dies without releasing (SIGKILL) loses the lease when its TTL runs
// out; nobody waits longer than that.
func TestDeadHolderExpires(t *testing.T) {
	srv := redistest.Start(t)
	b := newLease(t, srv, "b", 500*time.Millisecond)
	c := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer c.Close()
	// A dead replica's lease: set, never renewed.
	if err := c.Set(context.Background(), b.leaseKey, "dead", 500*time.Millisecond).Err(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go b.Run(ctx, func(ctx context.Context, _ uint64) { <-ctx.Done() })
	waitFor(t, "b to take the expired lease", b.Held)
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Fatalf("took the lease after %v, before the dead holder's TTL ran out", d)
	}
}

// A holder whose lease is taken away (it was partitioned and the key expired and
// went to another) has its work cancelled at the next renewal.
func TestLostLeaseCancelsWork(t *testing.T) {
	srv := redistest.Start(t)
	a := newLease(t, srv, "a", 600*time.Millisecond)
	c := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer c.Close()
	stopped := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go a.Run(ctx, func(ctx context.Context, _ uint64) { <-ctx.Done(); close(stopped) })
	waitFor(t, "a to hold the lease", a.Held)
	if err := c.Set(context.Background(), a.leaseKey, "usurper", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-stopped:
	case <-time.After(2 * time.Second):
		t.Fatal("work went on after the lease was lost")
	}
	if got, _ := c.Get(context.Background(), a.leaseKey).Result(); got != "usurper" {
		t.Fatalf("the former holder released a lease it no longer held: key = %q", got)
	}
}
