// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"context"
	"strconv"
	"sync"
	"time"
)

// clock is time for the load loop; tests drive it by hand.
type clock interface {
	Now() time.Time
	Sleep(d time.Duration)
}

type wallClock struct{}

func (wallClock) Now() time.Time        { return time.Now() }
func (wallClock) Sleep(d time.Duration) { time.Sleep(d) }

type loadPlan struct {
	connections      int
	duration, warmup time.Duration
	rate             float64
}

// interval is the time between one connection's scheduled starts; 0 in closed loop.
func (p loadPlan) interval() time.Duration {
	if p.rate <= 0 {
		return 0
	}
	return max(time.Duration(float64(p.connections)/p.rate*float64(time.Second)), 1)
}

// doFunc makes connection conn's seq-th request and returns its HTTP status (0: no
// response).
type doFunc func(ctx context.Context, conn int, seq uint64) int

// connStats is what one connection measured; merged after the run.
type connStats struct {
	hist     histogram
	requests uint64
	ok       uint64
	errors   map[string]uint64 // by status, "transport" for no response
	missed   uint64            // scheduled starts never made: the schedule ran late
}

func newConnStats() *connStats { return &connStats{errors: map[string]uint64{}} }

func (s *connStats) record(status int, latency time.Duration) {
	s.requests++
	s.hist.record(int64(latency))
	switch {
	case status >= 200 && status < 300:
		s.ok++
	case status == 0:
		s.errors["transport"]++
	default:
		s.errors[strconv.Itoa(status)]++
	}
}

func (s *connStats) merge(o *connStats) {
	s.hist.merge(&o.hist)
	s.requests += o.requests
	s.ok += o.ok
	s.missed += o.missed
	for k, v := range o.errors {
		s.errors[k] += v
	}
}

// runLoad runs every connection from a common start and merges what they measured.
func runLoad(ctx context.Context, clk clock, p loadPlan, do doFunc) *connStats {
	t0 := clk.Now()
	per := make([]*connStats, p.connections)
	var wg sync.WaitGroup
	for i := range per {
		wg.Go(func() { per[i] = runConn(ctx, clk, p, i, t0, do) })
	}
	wg.Wait()
	total := newConnStats()
	for _, s := range per {
		total.merge(s)
	}
	return total
}

// runConn runs connection conn from t0 for the warmup and the duration and records
// the requests whose intended start falls after the warmup. The latency of a request
// runs from its intended start to the end of its response: in a schedule (a rate) a
// request that could not start on time because the previous one was slow is charged
// the wait, so a server stall is seen by every request scheduled during it, not only
// by the one that was in flight (coordinated omission). The timer's wake-up after a
// sleep is charged too: it is the client's, and part of what --rate latencies report
// above closed-loop ones.
func runConn(ctx context.Context, clk clock, p loadPlan, conn int, t0 time.Time, do doFunc) *connStats {
	st := newConnStats()
	measureFrom, stop := t0.Add(p.warmup), t0.Add(p.warmup+p.duration)
	interval := p.interval()
	intended := clk.Now()
	if interval > 0 {
		// Connections are staggered over one interval, so the total rate is even.
		intended = t0.Add(interval * time.Duration(conn) / time.Duration(p.connections))
	}
	for seq := uint64(0); intended.Before(stop); seq++ {
		if interval > 0 {
			now := clk.Now()
			if !now.Before(stop) {
				st.missed += missedSlots(intended, measureFrom, stop, interval)
				break
			}
			if d := intended.Sub(now); d > 0 {
				clk.Sleep(d)
			}
		}
		status := do(ctx, conn, seq)
		if ctx.Err() != nil {
			break // interrupted: this request says nothing about the server
		}
		end := clk.Now()
		if !intended.Before(measureFrom) {
			st.record(status, end.Sub(intended))
		}
		if interval > 0 {
			intended = intended.Add(interval)
		} else {
			intended = end
		}
	}
	return st
}

// missedSlots counts the measured scheduled starts from next up to stop.
func missedSlots(next, measureFrom, stop time.Time, interval time.Duration) uint64 {
	if next.Before(measureFrom) {
		next = next.Add(measureFrom.Sub(next).Truncate(interval))
	}
	var n uint64
	for ; next.Before(stop); next = next.Add(interval) {
		if !next.Before(measureFrom) {
			n++
		}
	}
	return n
}
