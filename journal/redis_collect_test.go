// SPDX-License-Identifier: Apache-2.0

package journal

import (
	"context"
	"testing"
	"time"
)

// The Redis writer's commit delay (collect): it waits for the appends it expects, at
// most two round trips (and redisCommitDelayMax), and never when it expects no more
// than it has.

func newCollectTest() *Redis {
	return &Redis{
		opts:    RedisOptions{MaxBatch: 64, AppendTimeout: time.Minute},
		queue:   make(chan *redisReq, 64),
		closing: make(chan struct{}),
		qwait:   newQueueWait(),
	}
}

func queued(t *testing.T, r *Redis, n int) {
	t.Helper()
	for range n {
		q := &redisReq{deadline: time.Now().Add(time.Minute), res: make(chan redisResult, 1)}
		if err := r.enqueue(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRedisCommitDelay(t *testing.T) {
	first := func() *redisReq {
		return &redisReq{deadline: time.Now().Add(time.Minute), res: make(chan redisResult, 1)}
	}
	t.Run("waits for the appends it expects", func(t *testing.T) {
		r := newCollectTest()
		// A delay of a second, so that a busy machine cannot fail the test.
		w := &redisWriterState{expect: 8, rtt: time.Second, delayMax: time.Second}
		queued(t, r, 2)
		go func() {
			for r.qwait.waitFor.Load() == 0 { // until collect waits
				time.Sleep(10 * time.Microsecond)
			}
			queued(t, r, 5)
		}()
		if b := r.collect(first(), w); len(b) != 8 {
			t.Fatalf("collect took %d appends, want the 8 expected", len(b))
		}
	})
	t.Run("gives up after the delay", func(t *testing.T) {
		r := newCollectTest()
		w := &redisWriterState{expect: 8, rtt: time.Millisecond} // delay: two round trips, 2 ms
		queued(t, r, 2)
		start := time.Now()
		if b := r.collect(first(), w); len(b) != 3 {
			t.Fatalf("collect took %d appends, want the 3 there", len(b))
		}
		if d := time.Since(start); d < 2*time.Millisecond {
			t.Fatalf("collect returned after %v, want it to wait the commit delay (2 round trips, 2 ms) for the 5 missing", d)
		}
	})
	t.Run("never longer than redisCommitDelayMax", func(t *testing.T) {
		r := newCollectTest()
		w := &redisWriterState{expect: 8, rtt: time.Hour} // Redis slow or down
		start := time.Now()
		if b := r.collect(first(), w); len(b) != 1 {
			t.Fatalf("collect took %d appends, want 1", len(b))
		}
		if d := time.Since(start); d < redisCommitDelayMax || d > time.Second {
			t.Fatalf("collect returned after %v, want redisCommitDelayMax (%v)", d, redisCommitDelayMax)
		}
	})
	t.Run("never waits when it has what it expects", func(t *testing.T) {
		r := newCollectTest()
		w := &redisWriterState{expect: 3, rtt: time.Hour}
		queued(t, r, 2)
		start := time.Now()
		if b := r.collect(first(), w); len(b) != 3 || time.Since(start) > 500*time.Microsecond {
			t.Fatalf("collect took %d appends in %v, want 3 at once", len(b), time.Since(start))
		}
		w = &redisWriterState{expect: 1, rtt: time.Hour} // one appender: no delay at all
		start = time.Now()
		if b := r.collect(first(), w); len(b) != 1 || time.Since(start) > 500*time.Microsecond {
			t.Fatalf("collect with one appender took %d in %v, want 1 at once", len(b), time.Since(start))
		}
	})
	t.Run("the round trip is a moving average", func(t *testing.T) {
		var w redisWriterState
		w.sent(8*time.Millisecond, 5)
		for range 40 {
			w.sent(time.Millisecond, 7)
		}
		if w.rtt < time.Millisecond || w.rtt > 1100*time.Microsecond || w.expect != 7 {
			t.Fatalf("after 40 round trips of 1 ms: rtt %v, expect %d", w.rtt, w.expect)
		}
	})
}

// A batch's records round-trip, and each record's slice is capped: appending to one
// never writes over the next.
func TestRedisBatchEncoding(t *testing.T) {
	reqs := []*redisReq{{data: []byte("first")}, {data: nil}, {data: []byte{0, 1, 2}}, {data: make([]byte, 300)}}
	got, err := decodeRedisBatch(encodeRedisBatch(reqs))
	if err != nil || len(got) != len(reqs) {
		t.Fatalf("decode = %d records, %v", len(got), err)
	}
	for i, q := range reqs {
		if string(got[i]) != string(q.data) || cap(got[i]) != len(got[i]) {
			t.Fatalf("record %d = %q (cap %d), want %q with its capacity capped", i, got[i], cap(got[i]), q.data)
		}
	}
	_ = append(got[0], 'X')
	if string(got[1]) != "" || string(got[2]) != "\x00\x01\x02" {
		t.Fatalf("appending to record 0 changed the next: %q %q", got[1], got[2])
	}
	for _, bad := range []string{"", "\x00", "\x01\x00", "\x02\x01a", "\x02\x01a\x01bc", "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"} {
		if _, err := decodeRedisBatch([]byte(bad)); err == nil {
			t.Errorf("decodeRedisBatch(%q) accepted", bad)
		}
	}
}
