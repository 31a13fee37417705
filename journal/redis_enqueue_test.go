// SPDX-License-Identifier: Apache-2.0

package journal

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/scfx/scfx/journal/redistest"
)

// Enqueue on the Redis journal (redis_append.go): the tests of enqueue_test.go for
// the File journal, against a real redis-server. A writer is held in its batch by
// CLIENT PAUSE WRITE on another connection: Redis then holds the append script (a
// write) until the pause ends, while reads go on.

// redisDone is an Enqueue done that records its calls and, at each, the head of the
// stream as Redis has it (read on a connection of its own).
type redisDone struct {
	calls atomic.Int32
	err   chan error
	head  atomic.Uint64 // HeadSeq at the call
	r     *Redis
}

func newRedisDone(r *Redis) *redisDone { return &redisDone{err: make(chan error, 8), r: r} }

func (d *redisDone) done(err error) {
	d.calls.Add(1)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if seq, herr := d.r.HeadSeq(ctx); herr == nil {
		d.head.Store(seq)
	}
	d.err <- err
}

// pauseWrites holds every write command on srv for d (CLIENT PAUSE WRITE).
func pauseWrites(t *testing.T, srv *redistest.Server, d time.Duration) {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer c.Close()
	if err := c.Do(context.Background(), "CLIENT", "PAUSE", d.Milliseconds(), "WRITE").Err(); err != nil {
		t.Fatalf("CLIENT PAUSE WRITE: %v", err)
	}
}

// waitTaken waits until a writer has taken the record p holds, and a moment more for
// it to send the batch (a record queued after that is not in it).
func waitTaken(t *testing.T, p Pending) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for p.q.state.Load() != redisReqTaken {
		if time.Now().After(deadline) {
			t.Fatal("no writer took the record")
		}
		time.Sleep(100 * time.Microsecond)
	}
	time.Sleep(50 * time.Millisecond)
}

func enqueueCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestRedisEnqueueIsDurableBeforeDone: Enqueue returns while Redis holds the batch;
// done(nil) comes after Redis has it (its head is there), once; a Read waiting at the
// head returns the entry no earlier than Redis answered the batch, and from the
// batch's own reply (no read back of the record).
func TestRedisEnqueueIsDurableBeforeDone(t *testing.T) {
	srv := redistest.Start(t)
	r := openAheadTest(t, srv, "enq-durable")
	ctx := enqueueCtx(t)
	if _, err := r.Append(ctx, []byte("first")); err != nil {
		t.Fatal(err)
	}
	if es, err := r.Read(ctx, 1, 10); err != nil || len(es) != 1 {
		t.Fatalf("Read(1) = %v, %v", es, err)
	}
	const pause = 400 * time.Millisecond
	pauseWrites(t, srv, pause)
	paused := time.Now()
	d := newRedisDone(r)
	data := []byte("queued")
	p, err := r.Enqueue(ctx, data, d.done)
	if err != nil {
		t.Fatalf("Enqueue() = %v, want nil", err)
	}
	if took := time.Since(paused); took > pause/2 {
		t.Fatalf("Enqueue took %v with Redis's writes paused: it waited for the batch", took)
	}
	type read struct {
		es  []Entry
		err error
		at  time.Time
	}
	readDone := make(chan read, 1)
	go func() {
		es, err := r.Read(ctx, 2, 10)
		readDone <- read{es, err, time.Now()}
	}()
	waitTaken(t, p)
	if p.Cancel() {
		t.Fatal("Cancel() of a record a writer took = true, want false")
	}
	time.Sleep(pause / 4)
	if n := d.calls.Load(); n != 0 {
		t.Fatalf("done called %d times while Redis held the batch", n)
	}
	if err := <-d.err; err != nil {
		t.Fatalf("done(%v), want done(nil)", err)
	}
	if got := d.head.Load(); got != 2 {
		t.Errorf("Redis's head at done = seq %d, want 2 (the record in Redis first)", got)
	}
	if since := time.Since(paused); since < pause*3/4 {
		t.Errorf("done after %v, within Redis's pause of %v", since, pause)
	}
	rd := <-readDone
	if rd.err != nil || len(rd.es) != 1 || rd.es[0].Seq != 2 || string(rd.es[0].Data) != "queued" {
		t.Fatalf("Read(2) = %+v, %v; want seq 2 %q", rd.es, rd.err, data)
	}
	if rd.at.Sub(paused) < pause*3/4 {
		t.Errorf("Read returned the entry %v after the pause began, before Redis answered its batch", rd.at.Sub(paused))
	}
	// Without the pause, a Read at the head takes an enqueued entry from its batch's
	// reply, with no read back of the record.
	d2 := newRedisDone(r)
	data2 := []byte("rides")
	if _, err := r.Enqueue(ctx, data2, d2.done); err != nil {
		t.Fatal(err)
	}
	es, err := r.Read(ctx, 3, 10)
	if err != nil || len(es) != 1 || es[0].Seq != 3 || &es[0].Data[0] != &data2[0] {
		t.Fatalf("Read(3) = %+v, %v; want seq 3 %q, the enqueued slice itself", es, err, data2)
	}
	if err := <-d2.err; err != nil || d2.head.Load() != 3 {
		t.Fatalf("done(%v) at head %d, want done(nil) at head 3", err, d2.head.Load())
	}
	if n := d.calls.Load(); n != 1 {
		t.Errorf("done called %d times, want 1", n)
	}
	if n := r.pending.Load(); n != 0 {
		t.Errorf("pending = %d after every record was answered, want 0", n)
	}
}

// TestRedisEnqueueReportsTheError: with Redis down, Enqueue queues and done reports
// the batch's failure (not uncertain: it never reached Redis), within AppendTimeout;
// nothing is appended.
func TestRedisEnqueueReportsTheError(t *testing.T) {
	srv := redistest.Start(t)
	ctx := enqueueCtx(t)
	r, err := OpenRedis(ctx, RedisOptions{URL: srv.URL(), Stream: "enq-err", AppendTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	d := &redisDone{err: make(chan error, 8)}
	done := func(err error) { d.calls.Add(1); d.err <- err }
	start := time.Now()
	for range 2 {
		if _, err := r.Enqueue(ctx, []byte("x"), done); err != nil {
			t.Fatalf("Enqueue() = %v, want nil", err)
		}
		if err := <-d.err; err == nil || errors.Is(err, ErrUncertain) || errors.Is(err, ErrClosed) {
			t.Errorf("done(%v), want Redis's error (not uncertain, not closed)", err)
		}
	}
	if took := time.Since(start); took > 2*(300*time.Millisecond+time.Second) {
		t.Errorf("two failed enqueues took %v, want each within AppendTimeout (+1 s)", took)
	}
	if n := r.pending.Load(); n != 0 {
		t.Errorf("pending = %d after both failed, want 0", n)
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	if e, err := r.Append(ctx, []byte("after")); err != nil || e.Seq != 1 {
		t.Fatalf("Append after the restart = seq %d, %v; want seq 1 (the failed records never appended)", e.Seq, err)
	}
}

// TestRedisEnqueueCancelBeforeTheWriterTakesIt: a record cancelled while queued is
// never appended and its done never called; Cancel of a record a writer took fails
// and its done comes.
func TestRedisEnqueueCancelBeforeTheWriterTakesIt(t *testing.T) {
	srv := redistest.Start(t)
	r := openAheadTest(t, srv, "enq-cancel")
	ctx := enqueueCtx(t)
	pauseWrites(t, srv, 300*time.Millisecond)
	first := newRedisDone(r)
	p1, err := r.Enqueue(ctx, []byte("first"), first.done)
	if err != nil {
		t.Fatal(err)
	}
	waitTaken(t, p1) // the writer is in its batch, held by the pause
	cancelled := newRedisDone(r)
	p2, err := r.Enqueue(ctx, []byte("cancelled"), cancelled.done)
	if err != nil {
		t.Fatal(err)
	}
	if !p2.Cancel() {
		t.Fatal("Cancel() of a queued record = false, want true")
	}
	if p2.Cancel() {
		t.Error("a second Cancel() = true, want false")
	}
	if p1.Cancel() {
		t.Fatal("Cancel() of a record in its batch = true, want false")
	}
	if err := <-first.err; err != nil {
		t.Fatalf("done(%v) of the first record", err)
	}
	e, err := r.Append(ctx, []byte("next"))
	if err != nil || e.Seq != 2 {
		t.Fatalf("Append(next) = seq %d, %v; want seq 2 (the cancelled record is not appended)", e.Seq, err)
	}
	if n := cancelled.calls.Load(); n != 0 {
		t.Errorf("done of the cancelled record called %d times", n)
	}
	if n := r.pending.Load(); n != 0 {
		t.Errorf("pending = %d, want 0 (a cancelled record leaves the count)", n)
	}
	es, err := r.Read(ctx, 1, 10)
	if err != nil || len(es) != 2 || string(es[0].Data) != "first" || string(es[1].Data) != "next" {
		t.Fatalf("Read(1) = %+v, %v; want first, next", es, err)
	}
}

// TestRedisEnqueueQueuedAtCloseGetsErrClosed: Close lets the batch in flight finish
// and fails what is still queued through done; Enqueue after Close is refused without
// calling done.
func TestRedisEnqueueQueuedAtCloseGetsErrClosed(t *testing.T) {
	srv := redistest.Start(t)
	ctx := enqueueCtx(t)
	r, err := OpenRedis(ctx, RedisOptions{URL: srv.URL(), Stream: "enq-close", AppendTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	pauseWrites(t, srv, 300*time.Millisecond)
	first := newRedisDone(r)
	p1, err := r.Enqueue(ctx, []byte("first"), first.done)
	if err != nil {
		t.Fatal(err)
	}
	waitTaken(t, p1)
	queued := &redisDone{err: make(chan error, 8)}
	done := func(err error) { queued.calls.Add(1); queued.err <- err }
	if _, err := r.Enqueue(ctx, []byte("queued"), done); err != nil {
		t.Fatal(err)
	}
	closed := make(chan error, 1)
	go func() { closed <- r.Close() }()
	if err := <-first.err; err != nil {
		t.Errorf("done(%v) of the record in flight at Close, want nil", err)
	}
	if err := <-queued.err; !errors.Is(err, ErrClosed) {
		t.Errorf("done(%v) of a record queued at Close, want %v", err, ErrClosed)
	}
	if err := <-closed; err != nil {
		t.Errorf("Close() = %v", err)
	}
	if _, err := r.Enqueue(ctx, []byte("late"), done); !errors.Is(err, ErrClosed) {
		t.Errorf("Enqueue() after Close = %v, want %v", err, ErrClosed)
	}
	if n := queued.calls.Load(); n != 1 {
		t.Errorf("done called %d times, want 1", n)
	}
	k := openAheadTest(t, srv, "enq-close")
	if got := k.LastSeq(); got != 1 {
		t.Errorf("the stream reaches seq %d, want 1 (only the record in flight at Close)", got)
	}
}
