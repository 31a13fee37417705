// SPDX-License-Identifier: Apache-2.0

package journal

import (
	"bytes"
	"testing"
)

func TestTailCacheKeepsTheLastEntriesWithinLimits(t *testing.T) {
	big := tailCacheBytes / 4
	tests := []struct {
		name      string
		sizes     []int // data size of each entry pushed, seqs from 1
		wantFirst uint64
		wantN     int
	}{
		{"few small entries", []int{10, 20, 30}, 1, 3},
		{"more entries than the ring", repeat(1, tailCacheEntries+5), 6, tailCacheEntries},
		{"more bytes than the limit", repeat(big, 6), 3, 4},
		{"one entry above the limit is kept alone", []int{10, tailCacheBytes + 1}, 2, 1},
		{"small entries after a huge one evict it", []int{tailCacheBytes + 1, 10}, 2, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTailCache(1)
			for i, n := range tt.sizes {
				c.push(Entry{Seq: uint64(i + 1), Data: bytes.Repeat([]byte{byte(i)}, n)})
			}
			if c.first != tt.wantFirst || c.n != tt.wantN {
				t.Fatalf("cache holds seqs %d+%d, want %d+%d", c.first, c.n, tt.wantFirst, tt.wantN)
			}
			last := uint64(len(tt.sizes))
			for _, seq := range []uint64{tt.wantFirst - 1, last + 1} {
				if _, ok := c.get(nil, seq, 10, readBytesMax); ok && seq >= 1 {
					t.Errorf("get(%d) = hit, want a miss (cache holds %d to %d)", seq, tt.wantFirst, last)
				}
			}
			es, ok := c.get(nil, tt.wantFirst, tt.wantN+10, 1<<62)
			if !ok || len(es) != tt.wantN {
				t.Fatalf("get(%d) = %d entries, %v, want %d, true", tt.wantFirst, len(es), ok, tt.wantN)
			}
			for i, e := range es {
				seq := tt.wantFirst + uint64(i)
				if e.Seq != seq || len(e.Data) != tt.sizes[seq-1] {
					t.Fatalf("get entry %d = seq %d, %d bytes, want seq %d, %d bytes", i, e.Seq, len(e.Data), seq, tt.sizes[seq-1])
				}
			}
		})
	}
}

func TestTailCacheGetStopsAtBytesMaxButReturnsOne(t *testing.T) {
	c := newTailCache(1)
	for i := range 5 {
		c.push(Entry{Seq: uint64(i + 1), Data: make([]byte, 100)})
	}
	tests := []struct {
		bytesMax, want int
	}{
		{1, 1}, {100, 1}, {250, 2}, {1000, 5},
	}
	for _, tt := range tests {
		if es, _ := c.get(nil, 1, 10, tt.bytesMax); len(es) != tt.want {
			t.Errorf("get(1, bytesMax %d) = %d entries, want %d", tt.bytesMax, len(es), tt.want)
		}
	}
}

func TestTailCachePanicsOnASeqGap(t *testing.T) {
	c := newTailCache(1)
	c.push(Entry{Seq: 1})
	defer func() {
		if recover() == nil {
			t.Errorf("push(seq 3) after seq 1 did not panic")
		}
	}()
	c.push(Entry{Seq: 3})
}

func repeat(n, count int) []int {
	out := make([]int, count)
	for i := range out {
		out[i] = n
	}
	return out
}
