// SPDX-License-Identifier: Apache-2.0

package redistest

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestHAFailover: StartHA's Sentinels promote the replica when the primary is killed,
// the promoted server has what the old primary had replicated, and the old primary
// restarted by RestartAsReplica follows the new one, so that a second failover works.
func TestHAFailover(t *testing.T) {
	h := StartHA(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	first, err := h.Primary(ctx)
	if err != nil || first != h.Servers()[0] {
		t.Fatalf("Primary() = %v, %v; want the first server", first, err)
	}
	c := redis.NewFailoverClient(&redis.FailoverOptions{MasterName: MasterName, SentinelAddrs: h.SentinelAddrs()})
	defer c.Close()
	for round := range 2 {
		if err := c.Set(ctx, "k", round, 0).Err(); err != nil {
			t.Fatal(err)
		}
		if n, err := c.Wait(ctx, 1, 5*time.Second).Result(); err != nil || n != 1 {
			t.Fatalf("WAIT 1 = %d, %v; want 1", n, err)
		}
		old, _ := h.Primary(ctx)
		p, err := h.Failover(ctx)
		if err != nil {
			t.Fatalf("round %d: Failover: %v", round, err)
		}
		if p == old {
			t.Fatalf("round %d: the primary is still %s", round, old.Addr())
		}
		var got int
		for {
			got, err = c.Get(ctx, "k").Int()
			if err == nil || ctx.Err() != nil {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if err != nil || got != round {
			t.Fatalf("round %d: GET k on the new primary = %d, %v; want %d", round, got, err, round)
		}
		if err := h.WaitHealthy(ctx); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
	}
}
