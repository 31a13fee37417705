// SPDX-License-Identifier: Apache-2.0

package main

import (
	"testing"

	"github.com/scfx/scfx/journal"
)

// TestRedisMinReplicasFlag: --redis-min-replicas -1 (its default) leaves the choice to
// the journal (1 with Sentinel), 0 waits for no replica, 1..16 for that many, and
// anything else is refused.
func TestRedisMinReplicasFlag(t *testing.T) {
	for flag, want := range map[int]int{-1: 0, 0: journal.RedisNoReplicas, 1: 1, 16: 16} {
		if got, err := redisMinReplicas(flag); err != nil || got != want {
			t.Errorf("redisMinReplicas(%d) = %d, %v; want %d", flag, got, err, want)
		}
	}
	for _, bad := range []int{-2, 17} {
		if _, err := redisMinReplicas(bad); err == nil {
			t.Errorf("redisMinReplicas(%d) = nil error, want one", bad)
		}
	}
}
