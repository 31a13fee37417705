// SPDX-License-Identifier: Apache-2.0

package journal

import (
	"context"
	"errors"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// doneRecorder is an Enqueue done that records its calls and what the journal had
// made durable when it was called.
type doneRecorder struct {
	calls   atomic.Int32
	err     chan error
	lastSeq atomic.Uint64 // f.LastSeq() at the call
	f       *File
}

func newDoneRecorder(f *File) *doneRecorder { return &doneRecorder{err: make(chan error, 8), f: f} }

func (d *doneRecorder) done(err error) {
	d.calls.Add(1)
	d.lastSeq.Store(d.f.LastSeq())
	d.err <- err
}

// TestEnqueueIsDurableBeforeDone: Enqueue returns before the fsync; done(nil) comes
// after it, when the entry is durable and Read returns it, once per record.
func TestEnqueueIsDurableBeforeDone(t *testing.T) {
	blockingSync, inSync, release := syncBlockedUntilRelease()
	f := openWithIO(t, FileOptions{}, blockingSync)
	d := newDoneRecorder(f)
	if _, err := f.Enqueue(testCtx(t), []byte("queued"), d.done); err != nil {
		t.Fatalf("Enqueue() = %v, want nil", err)
	}
	<-inSync // the writer holds the record in its fsync
	if n := d.calls.Load(); n != 0 {
		t.Fatalf("done called %d times before the fsync returned", n)
	}
	if got := f.LastSeq(); got != 0 {
		t.Fatalf("LastSeq() = %d during the fsync, want 0", got)
	}
	close(release)
	if err := <-d.err; err != nil {
		t.Fatalf("done(%v), want done(nil)", err)
	}
	if got := d.lastSeq.Load(); got != 1 {
		t.Errorf("done called with LastSeq() = %d, want 1 (published first)", got)
	}
	checkEntries(t, readAll(t, f, 1), 1, [][]byte{[]byte("queued")})
	if _, err := f.Append(testCtx(t), []byte("next")); err != nil {
		t.Fatal(err)
	}
	if n := d.calls.Load(); n != 1 {
		t.Errorf("done called %d times, want 1", n)
	}
}

// TestEnqueueReportsTheDiskError: a failed write or fsync reaches done, and nothing
// is published.
func TestEnqueueReportsTheDiskError(t *testing.T) {
	errDisk := errors.New("disk on fire")
	for _, fio := range []fileIO{
		{write: osIO.write, sync: func(*os.File) error { return errDisk }},
		{write: func(*os.File, []byte) (int, error) { return 0, errDisk }, sync: osIO.sync},
	} {
		f := openWithIO(t, FileOptions{}, fio)
		d := newDoneRecorder(f)
		for range 2 {
			if _, err := f.Enqueue(testCtx(t), []byte("x"), d.done); err != nil {
				t.Fatalf("Enqueue() = %v, want nil", err)
			}
			if err := <-d.err; !errors.Is(err, errDisk) {
				t.Errorf("done(%v), want done(%v)", err, errDisk)
			}
		}
		if got := f.LastSeq(); got != 0 {
			t.Errorf("LastSeq() = %d, want 0", got)
		}
	}
}

// TestEnqueueCancelBeforeTheWriterTakesIt: a record cancelled while queued is never
// written and its done never called; once taken, Cancel fails and done comes.
func TestEnqueueCancelBeforeTheWriterTakesIt(t *testing.T) {
	blockingSync, inSync, release := syncBlockedUntilRelease()
	f := openWithIO(t, FileOptions{}, blockingSync)
	first := newDoneRecorder(f)
	p1, err := f.Enqueue(testCtx(t), []byte("first"), first.done)
	if err != nil {
		t.Fatal(err)
	}
	<-inSync
	if p1.Cancel() {
		t.Fatal("Cancel() of a record in its fsync = true, want false")
	}
	cancelled := newDoneRecorder(f)
	p2, err := f.Enqueue(testCtx(t), []byte("cancelled"), cancelled.done)
	if err != nil {
		t.Fatal(err)
	}
	if !p2.Cancel() {
		t.Fatal("Cancel() of a queued record = false, want true")
	}
	close(release)
	if err := <-first.err; err != nil {
		t.Fatalf("done(%v) of the first record", err)
	}
	e, err := f.Append(testCtx(t), []byte("next"))
	if err != nil || e.Seq != 2 {
		t.Fatalf("Append(next) = seq %d, %v, want seq 2, nil (the cancelled record is not written)", e.Seq, err)
	}
	if n := cancelled.calls.Load(); n != 0 {
		t.Errorf("done of the cancelled record called %d times", n)
	}
}

// TestEnqueueQueuedAtCloseGetsErrClosed: Close fails what is still queued through
// done; Enqueue after Close is refused without calling done.
func TestEnqueueQueuedAtCloseGetsErrClosed(t *testing.T) {
	blockingSync, inSync, release := syncBlockedUntilRelease()
	f := openWithIO(t, FileOptions{}, blockingSync)
	go func() { _, _ = f.Append(context.Background(), []byte("first")) }()
	<-inSync
	d := newDoneRecorder(f)
	if _, err := f.Enqueue(testCtx(t), []byte("queued"), d.done); err != nil {
		t.Fatal(err)
	}
	closed := make(chan error, 1)
	go func() { closed <- f.Close() }()
	<-f.closing
	close(release)
	if err := <-d.err; !errors.Is(err, ErrClosed) {
		t.Errorf("done(%v) of a record queued at Close, want %v", err, ErrClosed)
	}
	if err := <-closed; err != nil {
		t.Errorf("Close() = %v", err)
	}
	if _, err := f.Enqueue(testCtx(t), []byte("late"), d.done); !errors.Is(err, ErrClosed) {
		t.Errorf("Enqueue() after Close = %v, want %v", err, ErrClosed)
	}
	if n := d.calls.Load(); n != 1 {
		t.Errorf("done called %d times, want 1", n)
	}
}

// TestEnqueueRacingCloseIsAnswered: a record sent to the queue after Close has emptied
// it (Close came between Enqueue's check and the send) is given up with ErrClosed, not
// left in the queue with its done never called.
func TestEnqueueRacingCloseIsAnswered(t *testing.T) {
	f := openWithIO(t, FileOptions{}, osIO)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	d := newDoneRecorder(f)
	// What Enqueue does after its check of f.closing passed, just before Close.
	r := &appendReq{data: []byte("late"), done: d.done}
	if err := f.enqueueAnswered(testCtx(t), r); !errors.Is(err, ErrClosed) {
		t.Fatalf("enqueue after the writer stopped = %v, want %v", err, ErrClosed)
	}
	if n := d.calls.Load(); n != 0 {
		t.Errorf("done called %d times for a record given up, want 0", n)
	}
}

// TestEnqueueDuringCloseAlwaysAnswered: Enqueues racing a Close each either fail or
// get exactly one done.
func TestEnqueueDuringCloseAlwaysAnswered(t *testing.T) {
	for round := 0; round < 50; round++ {
		f := openWithIO(t, FileOptions{}, osIO)
		const n = 16
		var wg sync.WaitGroup
		var queued, answered atomic.Int64
		start := make(chan struct{})
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := f.Enqueue(context.Background(), []byte("x"), func(error) { answered.Add(1) })
				if err == nil {
					queued.Add(1)
				}
			}()
		}
		close(start)
		_ = f.Close()
		wg.Wait()
		deadline := time.Now().Add(5 * time.Second)
		for answered.Load() != queued.Load() && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if a, q := answered.Load(), queued.Load(); a != q {
			t.Fatalf("round %d: %d records queued, %d answered", round, q, a)
		}
	}
}
