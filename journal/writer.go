// SPDX-License-Identifier: Apache-2.0

package journal

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// writerState is owned by the writer goroutine.
type writerState struct {
	active   *os.File // the last segment, opened for appending
	size     int64    // bytes in active
	next     uint64   // seq of the next record
	lastTime int64    // time of the last record: the next is never earlier
	batch    []*appendReq

	// Adaptive commit delay, see collect.
	expect    int           // appends outstanding when the last batch was synced
	syncTime  time.Duration // moving average of one fsync
	syncTotal time.Duration // all fsyncs, for benchmarks
}

// Limits of the commit delay: a batch waits at most syncTime/commitDelayDivisor, and never
// more than commitDelayMax, for the appends it expects.
const (
	commitDelayDivisor = 4
	commitDelayMax     = time.Millisecond
)

// run is the writer: it takes every append waiting in the queue, writes them with one
// write and one fsync, and wakes them. It exits when Close closes f.closing.
func (f *File) run() {
	defer close(f.stopped)
	f.w.batch = make([]*appendReq, 0, f.opts.MaxBatchRecords)
	for {
		// Close wins over a non-empty queue: what is queued fails with ErrClosed.
		select {
		case <-f.closing:
			f.failQueued()
			return
		default:
		}
		select {
		case r := <-f.queue:
			batch := f.collect(r)
			f.commit(batch)
			clear(batch)
		case <-f.closing:
			f.failQueued()
			return
		}
	}
}

// collect returns a batch of r and the requests waiting in the queue, up to
// MaxBatchRecords records and about batchBytesMax bytes.
//
// It may wait a little for more. Appenders that wait for each other's fsync tend to split
// into two groups that take turns: while one group is in its fsync the other queues, and
// starts its own fsync before the first group is back, so each fsync serves half of them.
// So when fewer appends are queued than were outstanding at the end of the last fsync
// (expect), the batch waits for the missing ones, but never longer than a fraction of an
// fsync: an fsync shared by all of them is worth that. Without fsyncs it never waits.
func (f *File) collect(r *appendReq) []*appendReq {
	c := collector{batch: f.w.batch[:0], limit: f.opts.MaxBatchRecords}
	c.add(r)
	c.drain(f.queue)
	delay := min(f.w.syncTime/commitDelayDivisor, commitDelayMax)
	if target := min(f.w.expect, c.limit); len(c.batch) < target && !c.full() && delay > 0 {
		f.qwait.wait(func() int { return len(f.queue) }, target-len(c.batch), delay, f.closing)
		c.drain(f.queue)
	}
	return c.batch
}

// collector gathers the requests of one batch.
type collector struct {
	batch []*appendReq
	bytes int
	limit int // MaxBatchRecords
}

// add takes r into the batch, unless its Append gave up on it.
func (c *collector) add(r *appendReq) {
	if r.take() {
		c.batch = append(c.batch, r)
		c.bytes += len(r.data)
	}
}

func (c *collector) full() bool { return len(c.batch) >= c.limit || c.bytes >= batchBytesMax }

// drain adds the requests already queued, without waiting.
func (c *collector) drain(queue <-chan *appendReq) {
	for !c.full() {
		select {
		case r := <-queue:
			c.add(r)
		default:
			return
		}
	}
}

// commit writes the batch with one write and one fsync, publishes it to readers, and
// answers each append.
func (f *File) commit(batch []*appendReq) {
	if len(batch) == 0 {
		return
	}
	if err := f.prepare(); err != nil {
		answer(batch, nil, err)
		return
	}
	buf, entries := f.encode(batch)
	if err := f.writeSync(buf); err != nil {
		answer(batch, nil, f.fail(err))
		return
	}
	f.publish(entries, int64(len(buf)))
	f.w.expect = len(batch) + len(f.queue)
	answer(batch, entries, nil)
}

// prepare refuses to write after a failure, and rolls to a new segment when the active one
// is full. The active segment was synced with its last batch, so it is complete.
func (f *File) prepare() error {
	f.mu.Lock()
	err := f.err
	f.mu.Unlock()
	if err != nil {
		return err
	}
	if f.w.size < f.opts.SegmentBytes {
		return nil
	}
	fl, s, err := f.createSegment(f.w.next)
	if err != nil {
		return f.fail(err)
	}
	old := f.w.active
	f.w.active, f.w.size = fl, 0
	f.mu.Lock()
	f.segs = append(f.segs, s)
	f.mu.Unlock()
	if err := old.Close(); err != nil {
		return f.fail(fmt.Errorf("journal: close segment: %w", err))
	}
	return nil
}

// createSegment creates the empty segment whose first record will be first, and syncs the
// directory so that the new file survives a crash.
func (f *File) createSegment(first uint64) (*os.File, segment, error) {
	path := filepath.Join(f.dir, segmentName(first))
	fl, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|os.O_APPEND, fileMode)
	if err != nil {
		return nil, segment{}, fmt.Errorf("journal: create segment: %w", err)
	}
	if !f.opts.NoSync {
		if err := syncDir(f.dir); err != nil {
			fl.Close()
			return nil, segment{}, err
		}
	}
	return fl, segment{first: first, last: first - 1, path: path}, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("journal: open dir: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("journal: sync dir %s: %w", dir, err)
	}
	return nil
}

// encode frames the batch into a new buffer, stamping seqs and one time. The buffer is
// never reused: the entries (kept by the tail cache) alias it.
func (f *File) encode(batch []*appendReq) ([]byte, []Entry) {
	now := f.opts.Now().UnixMilli()
	if now < f.w.lastTime {
		// The clock went back (NTP step, VM migration): entry times must not.
		now = f.w.lastTime
	}
	n := 0
	for _, r := range batch {
		n += int(recordBytes(len(r.data)))
	}
	buf := make([]byte, 0, n)
	entries := make([]Entry, len(batch))
	for i, r := range batch {
		seq := f.w.next + uint64(i)
		buf = appendRecord(buf, seq, now, r.data)
		entries[i] = Entry{Seq: seq, TimeMs: now, Data: buf[len(buf)-len(r.data):]}
	}
	return buf, entries
}

// writeSync writes buf to the active segment and fsyncs it.
func (f *File) writeSync(buf []byte) error {
	if _, err := f.io.write(f.w.active, buf); err != nil {
		return fmt.Errorf("journal: %w", err) // an *os.PathError: it names the file
	}
	if f.opts.NoSync {
		return nil
	}
	f.syncs.Add(1)
	start := time.Now()
	if err := f.io.sync(f.w.active); err != nil {
		return fmt.Errorf("journal: fsync %s: %w", f.w.active.Name(), err)
	}
	// An average over about the last 8 fsyncs: one slow fsync does not set the delay.
	took := time.Since(start)
	f.w.syncTime += (took - f.w.syncTime) / 8
	f.w.syncTotal += took
	return nil
}

// fail records the first write or fsync error. After it no append succeeds: a failed
// fsync may have dropped dirty pages, so retrying could acknowledge lost records. The
// first one is logged, once: every later append fails with it and says nothing new.
func (f *File) fail(err error) error {
	f.mu.Lock()
	first := f.err == nil
	if first {
		f.err = err
	}
	err = f.err
	f.mu.Unlock()
	if first {
		f.opts.Logger.Error("journal failed: every append fails until scfx is restarted "+
			"(the records it had acknowledged are durable)", "err", err, "dir", f.dir, "next_seq", f.w.next)
	}
	return err
}

// publish makes the written entries visible: segment, index, tail cache, LastSeq, and
// wakes blocked Reads.
func (f *File) publish(entries []Entry, n int64) {
	off := f.w.size
	f.mu.Lock()
	s := &f.segs[len(f.segs)-1]
	for _, e := range entries {
		s.addIndex(e.Seq, off)
		f.cache.push(e)
		off += recordBytes(len(e.Data))
	}
	last := entries[len(entries)-1]
	s.last, s.size = last.Seq, f.w.size+n
	f.lastSeq.Store(last.Seq)
	close(f.notify)
	f.notify = make(chan struct{})
	f.mu.Unlock()
	f.w.size += n
	f.w.next = last.Seq + 1
	f.w.lastTime = last.TimeMs
}

// answer wakes every append of the batch with its entry (Data is the caller's own slice)
// or with err; an Enqueue's done is called instead.
func answer(batch []*appendReq, entries []Entry, err error) {
	for i, r := range batch {
		if r.done != nil {
			r.done(err)
			continue
		}
		if err != nil {
			r.res <- appendResult{err: err}
			continue
		}
		e := entries[i]
		e.Data = r.data
		r.res <- appendResult{entry: e}
	}
}

// failQueued fails every append still queued, once the writer has stopped taking them.
func (f *File) failQueued() {
	for {
		select {
		case r := <-f.queue:
			if !r.take() {
				continue
			}
			if r.done != nil {
				r.done(ErrClosed)
			} else {
				r.res <- appendResult{err: ErrClosed}
			}
		default:
			return
		}
	}
}
