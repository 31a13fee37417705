// SPDX-License-Identifier: Apache-2.0

package journal

import (
	"sync/atomic"
	"time"
)

// queueWait is the commit delay's rendezvous, shared by the file and Redis writers:
// the writer waits until its queue holds n requests, for at most a delay. Rather
// than waking for each request, it sleeps until the enqueue that fills the queue to
// n signals it. A signal missed in a race costs the delay, nothing else.
type queueWait struct {
	waitFor atomic.Int64  // queue length the writer waits for (0: not waiting)
	reached chan struct{} // signals the writer that waitFor is reached; buffered(1)
	timer   *time.Timer   // the writer's own
}

func newQueueWait() *queueWait { return &queueWait{reached: make(chan struct{}, 1)} }

// enqueued is called after each enqueue with the queue's length.
func (q *queueWait) enqueued(queueLen int) {
	if w := q.waitFor.Load(); w > 0 && int64(queueLen) >= w {
		select {
		case q.reached <- struct{}{}:
		default:
		}
	}
}

// wait waits until queueLen() is at least n, delay has passed or closing is closed.
// Only the writer calls it.
func (q *queueWait) wait(queueLen func() int, n int, delay time.Duration, closing <-chan struct{}) {
	select {
	case <-q.reached: // stale, from an earlier wait
	default:
	}
	q.waitFor.Store(int64(n))
	defer q.waitFor.Store(0)
	if queueLen() >= n {
		return
	}
	if q.timer == nil {
		q.timer = time.NewTimer(delay)
	} else {
		q.timer.Reset(delay)
	}
	defer q.timer.Stop()
	select {
	case <-q.reached:
	case <-q.timer.C:
	case <-closing:
	}
}
