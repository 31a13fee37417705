// SPDX-License-Identifier: Apache-2.0

package node

import (
	"context"
	"sync/atomic"
	"testing"
)

// BenchmarkSubmit64 is node.Submit end to end — append with fsync, apply, result —
// with 64 concurrent submitters.
func BenchmarkSubmit64(b *testing.B) {
	n := openNode(b, b.TempDir(), 0)
	defer n.Close()
	var k atomic.Int64
	b.SetParallelism(32) // × GOMAXPROCS(2) = 64 submitters
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r, err := n.Submit(context.Background(), participantCmd(int(k.Add(1))))
			if err != nil || r.Err != nil {
				b.Errorf("Submit = %v, %v", r.Err, err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "submits/s")
}
