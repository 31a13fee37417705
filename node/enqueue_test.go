// SPDX-License-Identifier: Apache-2.0

package node

import (
	"context"
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scfx/scfx/journal"
)

// enqueueFake is a file journal whose Enqueue is replaced: it queues nothing and
// calls done with err (if set), or never.
type enqueueFake struct {
	*journal.File
	err      error
	enqueued atomic.Int32
}

func (j *enqueueFake) Enqueue(_ context.Context, _ []byte, done func(error)) (journal.Pending, error) {
	j.enqueued.Add(1)
	if j.err != nil {
		go done(j.err) // from another goroutine, as the writer calls it
	}
	return journal.Pending{}, nil
}

// appendOnly hides the file journal's Enqueue: the Append path of Submit (the
// Redis journal's).
type appendOnly struct{ journal.Journal }

func openNodeOn(t *testing.T, wrap func(*journal.File) journal.Journal) *Node {
	t.Helper()
	dir := t.TempDir()
	f, err := journal.OpenFile(filepath.Join(dir, "journal"), journal.FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n, err := Open(context.Background(), Config{Journal: wrap(f), SnapshotDir: filepath.Join(dir, "snapshots")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

func waitersLeft(n *Node) int {
	n.wmu.Lock()
	defer n.wmu.Unlock()
	return len(n.waiters)
}

// TestSubmitQueuedReportsAFailedWrite: on a journal that queues entries (the file
// journal), a write that fails reaches the Submit waiting for its result as
// ErrUnavailable with the journal's error, and leaves no waiter behind.
func TestSubmitQueuedReportsAFailedWrite(t *testing.T) {
	errDisk := errors.New("disk on fire")
	fake := &enqueueFake{err: errDisk}
	n := openNodeOn(t, func(f *journal.File) journal.Journal { fake.File = f; return fake })
	_, err := n.Submit(context.Background(), clusterCmd(1))
	if !errors.Is(err, ErrUnavailable) || !errors.Is(err, errDisk) {
		t.Fatalf("Submit() = %v, want %v wrapping %v", err, ErrUnavailable, errDisk)
	}
	if fake.enqueued.Load() != 1 {
		t.Fatalf("Enqueue called %d times, want 1 (Submit took the queued path)", fake.enqueued.Load())
	}
	if w := waitersLeft(n); w != 0 {
		t.Errorf("%d waiters left", w)
	}
}

// TestSubmitQueuedHonoursCtx: a Submit whose entry never comes returns when its
// context ends, and forgets its waiter.
func TestSubmitQueuedHonoursCtx(t *testing.T) {
	fake := &enqueueFake{}
	n := openNodeOn(t, func(f *journal.File) journal.Journal { fake.File = f; return fake })
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := n.Submit(ctx, clusterCmd(1)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Submit() = %v, want %v", err, context.DeadlineExceeded)
	}
	if w := waitersLeft(n); w != 0 {
		t.Errorf("%d waiters left", w)
	}
}

// TestSubmitQueuedObservesAppendLatency: the append-latency metric is fed on the
// queued path too (by the journal's writer, once the entry is durable).
func TestSubmitQueuedObservesAppendLatency(t *testing.T) {
	n := openNodeOn(t, func(f *journal.File) journal.Journal { return f })
	var observed atomic.Int32
	n.SetAppendObserver(func(time.Duration) { observed.Add(1) })
	for i := range 3 {
		if r, err := n.Submit(context.Background(), clusterCmd(i)); err != nil || r.Err != nil {
			t.Fatalf("Submit() = %+v, %v", r.Err, err)
		}
	}
	// done(nil) may run just after the applier delivered the result.
	deadline := time.Now().Add(5 * time.Second)
	for observed.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if got := observed.Load(); got != 3 {
		t.Errorf("append latency observed %d times, want 3", got)
	}
}

// TestSubmitOnAnAppendOnlyJournal: a journal without Enqueue (Redis) is appended to
// and waited on as before.
func TestSubmitOnAnAppendOnlyJournal(t *testing.T) {
	n := openNodeOn(t, func(f *journal.File) journal.Journal { return appendOnly{f} })
	r, err := n.Submit(context.Background(), clusterCmd(1))
	if err != nil || r.Err != nil || r.Cluster == nil {
		t.Fatalf("Submit(cluster) = %+v, %v; want a cluster", r, err)
	}
	if w := waitersLeft(n); w != 0 {
		t.Errorf("%d waiters left", w)
	}
}

// TestSubmitWithinTimesOut: a SubmitWithin whose entry never comes returns
// context.DeadlineExceeded soon after its timeout (from the node's ticker, no timer
// of its own), forgets its waiter, and the node goes on serving.
func TestSubmitWithinTimesOut(t *testing.T) {
	fake := &enqueueFake{}
	n := openNodeOn(t, func(f *journal.File) journal.Journal { fake.File = f; return fake })
	const timeout = 100 * time.Millisecond
	start := time.Now()
	_, err := n.SubmitWithin(context.Background(), clusterCmd(1), timeout)
	took := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("SubmitWithin() = %v, want %v", err, context.DeadlineExceeded)
	}
	if took < timeout || took > timeout+time.Second {
		t.Errorf("SubmitWithin(%v) returned after %v", timeout, took)
	}
	if w := waitersLeft(n); w != 0 {
		t.Errorf("%d waiters left", w)
	}
}

// TestSubmitWithinAnswersInTime: on the real journal SubmitWithin returns the
// result; a plain Submit on the queued path ends with its own ctx.
func TestSubmitWithinAnswersInTime(t *testing.T) {
	n := openNodeOn(t, func(f *journal.File) journal.Journal { return f })
	r, err := n.SubmitWithin(context.Background(), clusterCmd(1), 10*time.Second)
	if err != nil || r.Err != nil || r.Cluster == nil {
		t.Fatalf("SubmitWithin(cluster) = %+v, %v; want a cluster", r, err)
	}
	fake := &enqueueFake{}
	m := openNodeOn(t, func(f *journal.File) journal.Journal { fake.File = f; return fake })
	ctx, cancel := context.WithTimeout(context.Background(), 5*expireEvery)
	defer cancel()
	if _, err := m.Submit(ctx, clusterCmd(1)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Submit() = %v, want its ctx's %v", err, context.DeadlineExceeded)
	}
}
