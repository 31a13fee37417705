// SPDX-License-Identifier: Apache-2.0

package journal

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Appends of the Redis journal: the queue, the writers and the append script.

// States of a redisReq: a writer takes it, or its Append gives up first; one wins.
const (
	redisReqQueued int32 = iota
	redisReqTaken
	redisReqCancelled
)

type redisReq struct {
	data     []byte
	deadline time.Time
	state    atomic.Int32
	res      chan redisResult // buffered(1): a writer never blocks on it; nil for Enqueue
	// done is Enqueue's callback, called instead of answering on res; owner is the
	// journal whose pending count the record is in until then.
	done  func(error)
	owner *Redis
}

type redisResult struct {
	entry Entry
	err   error
}

func (q *redisReq) take() bool   { return q.state.CompareAndSwap(redisReqQueued, redisReqTaken) }
func (q *redisReq) cancel() bool { return q.state.CompareAndSwap(redisReqQueued, redisReqCancelled) }

// answer hands a taken request its outcome: an Append wakes with it, an Enqueue's done
// is called with its error (after the record leaves the pending count: the reader
// waits for a batch's reply only while one is outstanding).
func (q *redisReq) answer(res redisResult) {
	if q.done == nil {
		q.res <- res
		return
	}
	q.owner.pending.Add(-1)
	q.done(res.err)
}

// giveUp is Pending.Cancel of an Enqueue: it wins only while no writer has taken q.
func (q *redisReq) giveUp() bool {
	if !q.cancel() {
		return false
	}
	q.owner.pending.Add(-1)
	return true
}

// Append stores data in the stream and returns its entry once Redis has fsynced it.
// It returns within AppendTimeout (or ctx's deadline, if sooner) even when Redis is
// down; an error wrapping ErrUncertain means the entry may have been appended anyway.
// If ctx ends before a writer takes the record, it is not appended. The returned
// Entry's Data is data itself.
func (r *Redis) Append(ctx context.Context, data []byte) (Entry, error) {
	if len(data) > r.opts.MaxRecordBytes {
		return Entry{}, fmt.Errorf("journal: record of %d bytes above MaxRecordBytes %d", len(data), r.opts.MaxRecordBytes)
	}
	if err := ctx.Err(); err != nil {
		return Entry{}, err
	}
	deadline := time.Now().Add(r.opts.AppendTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	q := &redisReq{data: data, deadline: deadline, res: make(chan redisResult, 1)}
	r.addPending()
	defer r.pending.Add(-1)
	if err := r.enqueue(ctx, q); err != nil {
		return Entry{}, err
	}
	var giveUp error
	select {
	case res := <-q.res:
		return res.entry, res.err
	case <-ctx.Done():
		giveUp = ctx.Err()
	case <-r.stopped:
		giveUp = ErrClosed
	}
	if q.cancel() {
		return Entry{}, giveUp
	}
	// A writer took it: its answer comes by the batch's deadline.
	res := <-q.res
	return res.entry, res.err
}

// Enqueue queues data for the next batch, like Append, but returns once it is queued
// instead of waiting for Redis: done is called, on the writer goroutine, with nil
// once the batch holding the record is in Redis as an Append's would be (fsynced by
// Redis, on MinReplicas replicas when asked) — after the batch's entries are in the
// read-ahead buffer, so that Read returns them — or with the error that failed the
// batch (an ErrUncertain one as for Append), or with ErrClosed when the journal
// closes before a writer takes it. The record has the same AppendTimeout (or ctx's
// deadline, if sooner) as an Append's; ctx is not watched after Enqueue returns:
// Pending.Cancel gives the record up. It is for a caller that learns of the entry
// from Read — the node's applier reads only what Redis acknowledged — so that a
// replica's Submit sleeps once, until its result is applied, instead of waking for
// the batch's reply only to wait again (docs/benchmarks.md, "Distributed mode").
// done must be quick and must not block. An error returned means nothing was queued
// and done is never called.
func (r *Redis) Enqueue(ctx context.Context, data []byte, done func(error)) (Pending, error) {
	if len(data) > r.opts.MaxRecordBytes {
		return Pending{}, fmt.Errorf("journal: record of %d bytes above MaxRecordBytes %d", len(data), r.opts.MaxRecordBytes)
	}
	if err := ctx.Err(); err != nil {
		return Pending{}, err
	}
	if r.isClosing() {
		return Pending{}, ErrClosed
	}
	deadline := time.Now().Add(r.opts.AppendTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	q := &redisReq{data: data, deadline: deadline, done: done, owner: r}
	r.addPending()
	if err := r.enqueue(ctx, q); err != nil {
		r.pending.Add(-1)
		return Pending{}, err
	}
	if r.isClosing() {
		// Close may have emptied the queue before q went in: once the writers have
		// stopped, either Close's drain took q (and answers it) or nobody will.
		<-r.stopped
		if q.giveUp() {
			return Pending{}, ErrClosed
		}
	}
	return Pending{q: q}, nil
}

var _ Enqueuer = (*Redis)(nil)

// addPending counts an Append or Enqueue as pending and wakes a Read that lingers for it.
func (r *Redis) addPending() {
	r.pending.Add(1)
	select {
	case r.appendSig <- struct{}{}:
	default:
	}
}

// enqueue puts q in the writer's queue and tells a writer waiting for the queue to fill
// (the commit delay) when it has.
func (r *Redis) enqueue(ctx context.Context, q *redisReq) error {
	select {
	case r.queue <- q:
	case <-ctx.Done():
		return ctx.Err()
	case <-r.closing:
		return ErrClosed
	}
	r.qwait.enqueued(len(r.queue))
	return nil
}

// runWriter sends batches of queued appends, one at a time, until Close.
func (r *Redis) runWriter(writerKey string) {
	defer r.writers.Done()
	var n uint64
	var w redisWriterState
	for {
		// Close wins over a non-empty queue: what is queued fails with ErrClosed.
		if r.isClosing() {
			return
		}
		select {
		case <-r.closing:
			return
		case q := <-r.queue:
			batch := r.collect(q, &w)
			if len(batch) == 0 {
				continue
			}
			n++
			start := time.Now()
			r.send(writerKey, n, batch)
			w.sent(time.Since(start), len(batch)+len(r.queue))
		}
	}
}

// redisWriterState is the writer's memory of its last batches, for the commit delay.
type redisWriterState struct {
	expect int           // appends outstanding when the last batch was answered
	rtt    time.Duration // moving average of one batch's round trip (with Redis's fsync)
	// delayMax bounds the commit delay: redisCommitDelayMax when 0 (tests set it).
	delayMax time.Duration
}

func (w *redisWriterState) sent(rtt time.Duration, outstanding int) {
	if w.rtt == 0 {
		w.rtt = rtt
	} else {
		w.rtt += (rtt - w.rtt) / 8
	}
	w.expect = outstanding
}

// collect takes first and the appends queued behind it, within MaxBatch and
// redisBatchBytesMax; it drops those given up and fails those past their deadline.
//
// Like the file store's writer it may wait a little for more (the commit delay): the
// appenders answered by one batch come back with their next commands while the next
// batch is in flight, so without a wait the appenders split into groups that take
// turns, each batch serving part of them. When fewer appends are queued than were
// outstanding at the end of the last batch, it waits for the missing ones, at most
// redisCommitDelayRTTs round trips and never more than redisCommitDelayMax. (The file
// store waits a quarter of an fsync: its appenders come back within that. A replica's
// appenders come back only after their entry has gone through Redis, the applier —
// with the other replicas' entries before it — and the response to the client.) One
// append at a time never waits. Every batch costs Redis a script call and its loop an
// fsync that blocks it, so larger batches are what lets three replicas keep up with
// one; redisCommitDelayRTTs is the delay that gave the most requests per second on the
// benchmark of docs/benchmarks.md ("Distributed mode").
func (r *Redis) collect(first *redisReq, w *redisWriterState) []*redisReq {
	var batch []*redisReq
	bytes := 0
	now := time.Now()
	add := func(q *redisReq) {
		switch {
		case !q.take():
		case !now.Before(q.deadline):
			q.answer(redisResult{err: fmt.Errorf("journal: redis append: no writer free within %v", r.opts.AppendTimeout)})
		default:
			batch = append(batch, q)
			bytes += len(q.data)
		}
	}
	full := func() bool { return len(batch) >= r.opts.MaxBatch || bytes >= redisBatchBytesMax }
	drain := func() {
		for !full() {
			select {
			case q := <-r.queue:
				add(q)
			default:
				return
			}
		}
	}
	add(first)
	drain()
	delayMax := w.delayMax
	if delayMax == 0 {
		delayMax = redisCommitDelayMax
	}
	delay := min(redisCommitDelayRTTs*w.rtt, delayMax)
	if target := min(w.expect, r.opts.MaxBatch); len(batch) > 0 && len(batch) < target && !full() && delay > 0 {
		r.qwait.wait(func() int { return len(r.queue) }, target-len(batch), delay, r.closing)
		drain()
	}
	return batch
}

// The Redis writer's commit delay (see collect) is at most redisCommitDelayRTTs round
// trips and redisCommitDelayMax.
const (
	redisCommitDelayRTTs = 2
	redisCommitDelayMax  = 3 * time.Millisecond
)

// send appends batch with one script call (retried until the earliest deadline of the
// batch) and answers each append. The batch is one stream entry: one record as field
// d, several as field b (see encodeRedisBatch).
func (r *Redis) send(writerKey string, n uint64, batch []*redisReq) {
	deadline := batch[0].deadline
	for _, q := range batch {
		if q.deadline.Before(deadline) {
			deadline = q.deadline
		}
	}
	field, value := redisFieldRecord, batch[0].data
	if len(batch) > 1 {
		field, value = redisFieldBatch, encodeRedisBatch(batch)
	}
	args := []any{strconv.FormatUint(n, 10), redisIndexEvery, redisDedupTTL.Milliseconds(), len(batch), field, value}
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	keys := []string{r.keys.log, r.keys.head, r.keys.idx, writerKey}
	first, ahead, err := r.runAppend(ctx, keys, args)
	if err != nil {
		r.batchDone()
		for _, q := range batch {
			q.answer(redisResult{err: err})
		}
		return
	}
	es := make([]Entry, len(batch))
	for i, q := range batch {
		es[i] = Entry{Seq: first.seq + uint64(i), TimeMs: first.ms, Data: q.data}
	}
	r.remember(es)
	r.noteSeq(es[len(es)-1].Seq)
	// The wait for replicas (if any) covered the batch and all before it.
	r.noteConfirmed(es[len(es)-1].Seq)
	if ahead != nil {
		r.readAhead(ahead.start, ahead.msgs, es)
	}
	r.batches.Add(1)
	r.lastReply.Store(time.Now().UnixNano())
	r.batchDone() // the reader first: the appenders wait for its apply anyway
	for i, q := range batch {
		q.answer(redisResult{entry: es[i]})
	}
}

// The fields of a stream entry: d holds one record (every entry of journals written
// before batches were one entry), b a batch of records.
const (
	redisFieldRecord = "d"
	redisFieldBatch  = "b"
)

// encodeRedisBatch is the value of field b: a uvarint count, then each record as a
// uvarint length and its bytes.
func encodeRedisBatch(batch []*redisReq) []byte {
	size := binary.MaxVarintLen64
	for _, q := range batch {
		size += binary.MaxVarintLen64 + len(q.data)
	}
	b := make([]byte, 0, size)
	b = binary.AppendUvarint(b, uint64(len(batch)))
	for _, q := range batch {
		b = binary.AppendUvarint(b, uint64(len(q.data)))
		b = append(b, q.data...)
	}
	return b
}

// decodeRedisBatch splits the value of field b into its records, which share value's
// memory (capacity capped, so an append to one cannot write over the next).
func decodeRedisBatch(value []byte) ([][]byte, error) {
	n, k := binary.Uvarint(value)
	if k <= 0 || n < 2 || n > uint64(len(value)) {
		return nil, fmt.Errorf("%w: stream batch of %d bytes has a bad count", ErrCorrupt, len(value))
	}
	value = value[k:]
	out := make([][]byte, n)
	for i := range out {
		l, k := binary.Uvarint(value)
		if k <= 0 || l > uint64(len(value)-k) {
			return nil, fmt.Errorf("%w: stream batch record %d of %d is truncated", ErrCorrupt, i, n)
		}
		value = value[k:]
		out[i] = value[:l:l]
		value = value[l:]
	}
	if len(value) != 0 {
		return nil, fmt.Errorf("%w: stream batch has %d bytes after its %d records", ErrCorrupt, len(value), n)
	}
	return out, nil
}

// runAppend runs the append script until it answers, a non-transient error, or ctx's
// deadline. It returns the id of the batch's first entry. In the same round trip, it
// reads the stream on from where this process's reader stands, up to the batch
// (redis_ahead.go): the reply, if there is one, is for readAhead.
func (r *Redis) runAppend(ctx context.Context, keys []string, args []any) (redisID, *aheadReply, error) {
	uncertain := false
	backoff := redisRetryMin
	for {
		vals, ahead, err := r.appendAndReadAhead(ctx, keys, args)
		if redis.HasErrorPrefix(err, "NOSCRIPT") {
			// Redis lost its script cache (a restart): the call did not run.
			if err = redisAppendScript.Load(ctx, r.c).Err(); err == nil {
				continue
			}
		}
		if err == nil {
			if len(vals) != 2 || vals[0] <= 0 || vals[1] <= 0 {
				return redisID{}, nil, fmt.Errorf("journal: redis append script answered %v", vals)
			}
			return redisID{vals[0], uint64(vals[1])}, ahead, nil
		}
		uncertain = uncertain || mayHaveRun(err)
		wait := time.NewTimer(backoff)
		if retryable(err) {
			select {
			case <-wait.C:
				backoff = min(2*backoff, redisRetryMax)
				continue
			case <-ctx.Done():
			}
		}
		wait.Stop()
		if uncertain {
			return redisID{}, nil, fmt.Errorf("%w: redis append: %w", ErrUncertain, err)
		}
		return redisID{}, nil, fmt.Errorf("journal: redis append: %w", err)
	}
}

// aheadReply is the XRANGE read in an append's round trip: the stream after start.
type aheadReply struct {
	start redisID
	msgs  []redis.XMessage
}

// appendAndReadAhead pipelines, when the reader's position is known here, an XRANGE
// from it and then the append script. The XRANGE goes first so that its reply ends
// before the batch: Redis runs one client's pipelined commands back to back, so it
// brings the other replicas' entries up to the batch, and the batch itself — which
// this process has — does not come back over the wire (readAhead puts it after
// them). An error is the script's: the XRANGE only ever adds to the buffer.
func (r *Redis) appendAndReadAhead(ctx context.Context, keys []string, args []any) ([]int64, *aheadReply, error) {
	start, ok := r.aheadStart()
	if !ok && r.repWait.Replicas == 0 {
		vals, err := redisAppendScript.EvalSha(ctx, r.c, keys, args...).Int64Slice()
		return vals, nil, err
	}
	pipe := r.c.Pipeline()
	var xr *redis.XMessageSliceCmd
	if ok {
		xr = pipe.XRangeN(ctx, r.keys.log, "("+start.String(), "+", redisAheadEntries)
	}
	script := redisAppendScript.EvalSha(ctx, pipe, keys, args...)
	// The wait for replicas, on the same connection right behind the script
	// (redis_ha.go): an error of it makes runAppend try again under the dedup token,
	// and the batch uncertain at its deadline.
	replicated := r.repWait.Queue(ctx, pipe, writeTimeout(ctx))
	_, _ = pipe.Exec(ctx)
	vals, err := script.Int64Slice()
	if err != nil {
		return nil, nil, err
	}
	if err := replicated(); err != nil {
		return nil, nil, err
	}
	if xr == nil {
		return vals, nil, nil
	}
	msgs, xerr := xr.Result()
	if xerr != nil {
		return vals, nil, nil
	}
	return vals, &aheadReply{start, msgs}, nil
}

// retryable: Redis is unreachable or answered that it cannot serve for now.
func retryable(err error) bool {
	var rerr redis.Error
	if !errors.As(err, &rerr) {
		return true
	}
	for _, p := range []string{"LOADING", "BUSY", "TRYAGAIN", "MASTERDOWN", "READONLY", "CLUSTERDOWN", "OOM"} {
		if redis.HasErrorPrefix(err, p) {
			return true
		}
	}
	return false
}

// mayHaveRun: the script may have run although its answer was not received. An error
// answer means it did not (it fails before its first write), and so does a failed dial
// or pool wait; any other network error may have come after Redis ran it.
func mayHaveRun(err error) bool {
	var rerr redis.Error
	var oerr *net.OpError
	switch {
	case errors.As(err, &rerr), errors.Is(err, redis.ErrPoolTimeout):
		return false
	case errors.As(err, &oerr) && oerr.Op == "dial":
		return false
	}
	return true
}

// redisAppendScript appends a batch as one stream entry. KEYS: log, head, idx, writer.
// ARGV: batch token, index every, dedup TTL (ms), the number of records n, the field
// (d or b) and its value. The entry's id is <ms>-<seq of its last record>; the index
// gets the entry, scored by its first seq, when one of its seqs is 1 more than a
// multiple of "index every". It answers {ms, first seq}. The shebang makes Redis 7
// refuse it on out-of-memory before it runs, so it never stops halfway.
var redisAppendScript = redis.NewScript(`#!lua
local prev = redis.call('GET', KEYS[4])
if prev then
  local tok, pms, pfirst = string.match(prev, '^(%S+) (%d+) (%d+)$')
  if tok == ARGV[1] then return {tonumber(pms), tonumber(pfirst)} end
end
local lastMs, lastSeq = 0, 0
local head = redis.call('GET', KEYS[2])
if head then
  local a, b = string.match(head, '^(%d+)-(%d+)$')
  lastMs, lastSeq = tonumber(a), tonumber(b)
end
local t = redis.call('TIME')
local ms = math.max(lastMs, tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
local every, n = tonumber(ARGV[2]), tonumber(ARGV[4])
local first, last = lastSeq + 1, lastSeq + n
local id = string.format('%d-%d', ms, last)
redis.call('XADD', KEYS[1], id, ARGV[5], ARGV[6])
if math.floor((last - 1) / every) > math.floor((first - 2) / every) then
  redis.call('ZADD', KEYS[3], first, id)
end
redis.call('SET', KEYS[2], id)
redis.call('SET', KEYS[4], string.format('%s %d %d', ARGV[1], ms, first), 'PX', ARGV[3])
return {ms, first}
`)
