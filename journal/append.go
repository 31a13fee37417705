// SPDX-License-Identifier: Apache-2.0

package journal

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

// Append durably stores data and returns its entry, once the batch holding it is written
// and fsynced. The returned Entry's Data is data itself; the journal does not keep data
// after Append returns.
//
// If ctx is done before the writer takes the record, Append returns ctx.Err() and the
// record is not written. Once taken, Append waits for its write and fsync, so that its
// answer is never ambiguous. An error from a write or fsync is final: every later Append
// returns it (the failed record may still be found on disk after reopening).
func (f *File) Append(ctx context.Context, data []byte) (Entry, error) {
	if len(data) > f.opts.MaxRecordBytes {
		return Entry{}, fmt.Errorf("journal: record of %d bytes above MaxRecordBytes %d",
			len(data), f.opts.MaxRecordBytes)
	}
	if err := ctx.Err(); err != nil {
		return Entry{}, err
	}
	select {
	case <-f.closing:
		return Entry{}, ErrClosed
	default:
	}
	r := newAppendReq(data)
	if err := f.enqueue(ctx, r); err != nil {
		r.recycle() // never queued: nobody else holds it
		return Entry{}, err
	}
	return f.await(ctx, r)
}

// Enqueue queues data for the next group commit, like Append, but returns once it is
// queued instead of waiting for the write: done is called, on the writer goroutine,
// with nil once the batch holding the record is written and fsynced (its entry is
// durable, and Read returns it), or with the error that failed the batch (final, as
// for Append), or with ErrClosed when the journal closes before writing it. It is for
// a caller that learns of the entry from Read anyway — the node's applier reads only
// durable entries — so that a group commit does not wake every appender only for it
// to wait again (docs/benchmarks.md, "HTTP API"). done must be quick and must not
// block. An error returned means nothing was queued and done is never called.
func (f *File) Enqueue(ctx context.Context, data []byte, done func(error)) (Pending, error) {
	if len(data) > f.opts.MaxRecordBytes {
		return Pending{}, fmt.Errorf("journal: record of %d bytes above MaxRecordBytes %d",
			len(data), f.opts.MaxRecordBytes)
	}
	if err := ctx.Err(); err != nil {
		return Pending{}, err
	}
	select {
	case <-f.closing:
		return Pending{}, ErrClosed
	default:
	}
	// Not pooled: Pending.Cancel may run after the writer is done with it.
	r := &appendReq{data: data, done: done}
	if err := f.enqueueAnswered(ctx, r); err != nil {
		return Pending{}, err
	}
	return Pending{r: r}, nil
}

// enqueueAnswered queues r for Enqueue and makes sure someone answers it. Close may
// come between Enqueue's check of f.closing and the send: the writer then empties the
// queue and stops, and a record sent after that would sit in the queue with its done
// never called. So once closing is seen after the send, it waits for the writer to
// stop and gives r up if nobody took it (ErrClosed, done never called, as for a
// Cancel); if the writer took it, done has been called. Seen open after the send, r
// was queued before Close, and the writer takes it or fails it with ErrClosed.
func (f *File) enqueueAnswered(ctx context.Context, r *appendReq) error {
	if err := f.enqueue(ctx, r); err != nil {
		return err
	}
	select {
	case <-f.closing:
		<-f.stopped
		if r.cancel() {
			return ErrClosed
		}
	default:
	}
	return nil
}

// Enqueuer is a journal that can queue an append without a waiting caller (File, Redis).
type Enqueuer interface {
	Enqueue(ctx context.Context, data []byte, done func(error)) (Pending, error)
}

var _ Enqueuer = (*File)(nil)

// Pending is a record Enqueue queued.
type Pending struct {
	r *appendReq // File's
	q *redisReq  // Redis's
}

// Cancel gives the record up if the writer has not taken it yet, and reports whether
// it did: then the record is never written and done is never called. Once taken, the
// record is written (or fails) and done is called.
func (p Pending) Cancel() bool {
	switch {
	case p.r != nil:
		return p.r.cancel()
	case p.q != nil:
		return p.q.giveUp()
	}
	return false
}

// enqueue puts r in the queue, waiting while it is full, and tells a writer waiting for
// the queue to fill (see collect) when it has.
func (f *File) enqueue(ctx context.Context, r *appendReq) error {
	select {
	case f.queue <- r:
	default:
		select {
		case f.queue <- r:
		case <-f.closing:
			return ErrClosed
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	f.qwait.enqueued(len(f.queue))
	return nil
}

// await waits for the answer to r, or gives r up if ctx is done or the writer has stopped
// before taking it.
func (f *File) await(ctx context.Context, r *appendReq) (Entry, error) {
	var giveUp error
	select {
	case res := <-r.res:
		r.recycle()
		return res.entry, res.err
	case <-ctx.Done():
		giveUp = ctx.Err()
	case <-f.stopped:
		giveUp = ErrClosed
	}
	if r.cancel() {
		return Entry{}, giveUp // not recycled: it is still in the queue, the writer drops it
	}
	// The writer took it before we gave up: its answer comes after one write and fsync
	// (or, if the writer has stopped, is already there).
	res := <-r.res
	r.recycle()
	return res.entry, res.err
}

// States of an appendReq: the writer takes a queued request, or its Append gives up on
// it first (ctx done, journal closed). Exactly one of them wins.
const (
	reqQueued int32 = iota
	reqTaken
	reqCancelled
)

type appendReq struct {
	data  []byte
	state atomic.Int32
	res   chan appendResult // buffered(1): the writer never blocks on it
	done  func(error)       // set by Enqueue: called instead of answering on res
}

// reqPool recycles requests, channel included: at 64 appenders their allocation was a
// tenth of the CPU an append costs. A request goes back only once its answer has been
// received, when the writer holds it no more.
var reqPool = sync.Pool{New: func() any { return &appendReq{res: make(chan appendResult, 1)} }}

func newAppendReq(data []byte) *appendReq {
	r := reqPool.Get().(*appendReq)
	r.data = data
	r.state.Store(reqQueued)
	return r
}

// recycle returns r to the pool, after its answer was received.
func (r *appendReq) recycle() {
	r.data = nil
	reqPool.Put(r)
}

type appendResult struct {
	entry Entry
	err   error
}

func (r *appendReq) take() bool { return r.state.CompareAndSwap(reqQueued, reqTaken) }

func (r *appendReq) cancel() bool { return r.state.CompareAndSwap(reqQueued, reqCancelled) }
