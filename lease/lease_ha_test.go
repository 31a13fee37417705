// SPDX-License-Identifier: Apache-2.0

package lease

import (
	"context"
	"testing"
	"time"

	"github.com/scfx/scfx/internal/redisha"
	"github.com/scfx/scfx/journal/redistest"
)

// newHALease is a lease on h's primary, found through the Sentinels, that waits for
// one replica.
func newHALease(t *testing.T, h *redistest.HA, holder string, ttl time.Duration) *Lease {
	t.Helper()
	tg, err := redisha.Parse(h.URL())
	if err != nil {
		t.Fatal(err)
	}
	c := tg.Client(redisha.Tuning{MaxRetries: -1, DialTimeout: 500 * time.Millisecond})
	t.Cleanup(func() { c.Close() })
	l, err := New(Config{Client: c, Holder: holder, TTL: ttl, Wait: redisha.Wait{Command: redisha.WaitWAIT, Replicas: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestAcquireWaitsForReplica: while the replica acknowledges nothing, the lease is not
// taken (a fence the replica lacks could be handed out again after a failover); once
// it answers, it is.
func TestAcquireWaitsForReplica(t *testing.T) {
	h := redistest.StartHA(t)
	rep := h.Servers()[1]
	if err := rep.Pause(); err != nil {
		t.Fatal(err)
	}
	l := newHALease(t, h, "a", 600*time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go l.Run(ctx, func(ctx context.Context, _ uint64) { <-ctx.Done() })
	time.Sleep(1500 * time.Millisecond)
	if l.Held() || l.Acquisitions() != 0 {
		t.Fatalf("with the replica paused: Held %v, %d acquisitions; want none", l.Held(), l.Acquisitions())
	}
	if err := rep.Resume(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the lease once the replica answers", l.Held)
}

// TestFenceSurvivesFailover: the primary is killed while "a" holds the lease; after
// the Sentinels promote the replica, "b" takes the lease with a fence above every fence
// handed out before the failover. Three failovers in a row.
func TestFenceSurvivesFailover(t *testing.T) {
	if testing.Short() {
		t.Skip("failovers take seconds")
	}
	h := redistest.StartHA(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var highest uint64
	for round := range 3 {
		a, b := newHALease(t, h, "a", time.Second), newHALease(t, h, "b", time.Second)
		actx, stopA := context.WithCancel(ctx)
		aDone := make(chan struct{})
		go func() {
			defer close(aDone)
			_ = a.Run(actx, func(ctx context.Context, _ uint64) { <-ctx.Done() })
		}()
		waitFor(t, "a to hold the lease", a.Held)
		if a.Fence() <= highest {
			t.Fatalf("round %d: a's fence %d, after fence %d", round, a.Fence(), highest)
		}
		highest = a.Fence()
		if _, err := h.Failover(ctx); err != nil {
			t.Fatal(err)
		}
		stopA()
		<-aDone
		// The old holder released the lease on the new primary if it could; else it
		// expires there within the TTL.
		bctx, stopB := context.WithCancel(ctx)
		go func() { _ = b.Run(bctx, func(ctx context.Context, _ uint64) { <-ctx.Done() }) }()
		deadline := time.Now().Add(30 * time.Second)
		for !b.Held() {
			if time.Now().After(deadline) {
				t.Fatalf("round %d: b did not take the lease after the failover", round)
			}
			time.Sleep(10 * time.Millisecond)
		}
		if b.Fence() <= highest {
			t.Fatalf("round %d: after the failover b's fence is %d, not above %d: the fence went backwards", round, b.Fence(), highest)
		}
		highest = b.Fence()
		stopB()
		if err := h.WaitHealthy(ctx); err != nil {
			t.Fatal(err)
		}
	}
}
