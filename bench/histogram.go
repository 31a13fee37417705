// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"math"
	"math/bits"
)

// histogram is HdrHistogram's log-linear layout over nanoseconds: values below
// 2·histSub are kept exactly; above, each power of two is split into histSub
// buckets, so a bucket is at most 1/histSub (0.8%) of its values wide. Values at or
// above 2^histMaxBits ns (18 minutes) fall into the last bucket.
type histogram struct {
	counts [histBuckets]uint64
	count  uint64
	sum    int64
	max    int64
}

const (
	histSubBits = 7
	histSub     = 1 << histSubBits
	histMaxBits = 40
	histBuckets = (histMaxBits - histSubBits + 1) << histSubBits
)

func histIndex(v int64) int {
	v = min(max(v, 0), 1<<histMaxBits-1)
	shift := max(bits.Len64(uint64(v))-histSubBits-1, 0)
	return shift<<histSubBits + int(v>>shift)
}

// histHighest is the largest value that falls into bucket i.
func histHighest(i int) int64 {
	if i < 2*histSub {
		return int64(i)
	}
	shift := i>>histSubBits - 1
	sub := int64(i - shift<<histSubBits)
	return (sub+1)<<shift - 1
}

func (h *histogram) record(v int64) {
	v = max(v, 0)
	h.counts[histIndex(v)]++
	h.count++
	h.sum += v
	h.max = max(h.max, v)
}

func (h *histogram) merge(o *histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.count += o.count
	h.sum += o.sum
	h.max = max(h.max, o.max)
}

// quantile is the value at or below which a fraction q of the values lie, as the
// highest value of its bucket (never above the largest recorded): an upper bound
// within 1/histSub of the exact value.
func (h *histogram) quantile(q float64) int64 {
	if h.count == 0 {
		return 0
	}
	rank := min(max(uint64(math.Ceil(q*float64(h.count))), 1), h.count)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return min(histHighest(i), h.max)
		}
	}
	return h.max
}

func (h *histogram) mean() int64 {
	if h.count == 0 {
		return 0
	}
	return h.sum / int64(h.count)
}
