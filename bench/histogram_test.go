// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestBenchHistogramPercentiles: every quantile is the exact order statistic of the
// sorted values or above it by at most 1% (the bucket width), and small values are
// exact.
func TestBenchHistogramPercentiles(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		name string
		n    int
		gen  func() int64
	}{
		{"log-uniform 1µs..10s", 100_000, func() int64 { return int64(math.Exp(rng.Float64()*math.Log(1e7)) * 1e3) }},
		{"small exact", 1000, func() int64 { return rng.Int64N(256) }},
		{"one value", 1, func() int64 { return 3_456_789 }},
		{"bimodal stall", 10_000, func() int64 {
			if rng.IntN(100) == 0 {
				return int64(time.Second) + rng.Int64N(int64(time.Millisecond))
			}
			return int64(time.Millisecond) + rng.Int64N(int64(time.Millisecond))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var h histogram
			vals := make([]int64, tc.n)
			for i := range vals {
				vals[i] = tc.gen()
				h.record(vals[i])
			}
			slices.Sort(vals)
			for _, q := range []float64{0, 0.5, 0.9, 0.99, 0.999, 1} {
				rank := min(max(int(math.Ceil(q*float64(len(vals)))), 1), len(vals))
				exact, got := vals[rank-1], h.quantile(q)
				if got < exact || float64(got-exact) > 0.01*float64(exact) {
					t.Errorf("quantile(%v) = %d, want %d within +1%%", q, got, exact)
				}
				if exact < 2*histSub && got != exact {
					t.Errorf("quantile(%v) = %d, want exactly %d (small values are exact)", q, got, exact)
				}
			}
			if h.max != vals[len(vals)-1] || h.count != uint64(len(vals)) {
				t.Errorf("max, count = %d, %d; want %d, %d", h.max, h.count, vals[len(vals)-1], len(vals))
			}
		})
	}
}

// TestBenchHistogramBuckets: bucket boundaries are contiguous and ≤ 1/histSub wide.
func TestBenchHistogramBuckets(t *testing.T) {
	prev := int64(-1)
	for i := 0; i < histBuckets; i++ {
		hi := histHighest(i)
		lo := prev + 1
		if histIndex(lo) != i || histIndex(hi) != i {
			t.Fatalf("bucket %d = [%d, %d]: histIndex gives %d and %d", i, lo, hi, histIndex(lo), histIndex(hi))
		}
		if float64(hi-lo) > float64(lo)/histSub {
			t.Fatalf("bucket %d = [%d, %d] is wider than 1/%d of its values", i, lo, hi, histSub)
		}
		prev = hi
	}
	if prev != 1<<histMaxBits-1 {
		t.Fatalf("last bucket ends at %d, want %d", prev, int64(1)<<histMaxBits-1)
	}
}
