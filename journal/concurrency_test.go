// SPDX-License-Identifier: Apache-2.0

package journal

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"
)

// openWithIO opens a journal in a new directory with the writer's disk operations replaced.
func openWithIO(t *testing.T, opts FileOptions, fio fileIO) *File {
	t.Helper()
	f, err := openFile(t.TempDir(), opts, fio)
	if err != nil {
		t.Fatalf("openFile() = %v, want nil", err)
	}
	t.Cleanup(func() { closeTest(t, f) })
	return f
}

func TestGroupCommitSharesFsyncs(t *testing.T) {
	const appenders, perAppender = 64, 40
	// A real fsync, slowed a little so that batches form even on a fast disk.
	slowSync := fileIO{write: osIO.write, sync: func(fl *os.File) error {
		time.Sleep(200 * time.Microsecond)
		return fdatasync(fl)
	}}
	f := openWithIO(t, FileOptions{}, slowSync)
	ctx := testCtx(t)
	got := make([][]Entry, appenders)
	var wg sync.WaitGroup
	for a := range appenders {
		wg.Go(func() {
			for i := range perAppender {
				e, err := f.Append(ctx, fmt.Appendf(nil, "%d/%d", a, i))
				if err != nil {
					t.Errorf("Append(%d/%d) = %v, want nil", a, i, err)
					return
				}
				got[a] = append(got[a], e)
			}
		})
	}
	wg.Wait()

	const n = appenders * perAppender
	bySeq := make(map[uint64]string, n)
	for a, es := range got {
		for i, e := range es {
			if want := fmt.Sprintf("%d/%d", a, i); string(e.Data) != want {
				t.Fatalf("Append(%s) returned data %q", want, e.Data)
			}
			if i > 0 && e.Seq <= es[i-1].Seq {
				t.Fatalf("appender %d: seq %d after %d, want increasing", a, e.Seq, es[i-1].Seq)
			}
			bySeq[e.Seq] = string(e.Data)
		}
	}
	if len(bySeq) != n || f.LastSeq() != n {
		t.Fatalf("%d distinct seqs, LastSeq %d, want %d", len(bySeq), f.LastSeq(), n)
	}
	all := readAll(t, f, 1)
	for i, e := range all {
		if e.Seq != uint64(i+1) || string(e.Data) != bySeq[e.Seq] {
			t.Fatalf("Read entry %d = seq %d %q, want seq %d %q", i, e.Seq, e.Data, i+1, bySeq[uint64(i+1)])
		}
		if i > 0 && e.TimeMs < all[i-1].TimeMs {
			t.Fatalf("seq %d time %d < previous %d", e.Seq, e.TimeMs, all[i-1].TimeMs)
		}
	}
	if syncs := f.syncs.Load(); syncs >= n/4 {
		t.Errorf("%d fsyncs for %d records from %d appenders, want fewer than %d", syncs, n, appenders, n/4)
	} else {
		t.Logf("%d fsyncs for %d records", syncs, n)
	}
}

func TestCloseFailsPendingAppends(t *testing.T) {
	const pending = 10
	blockingSync, inSync, release := syncBlockedUntilRelease()
	before := runtime.NumGoroutine()
	f := openWithIO(t, FileOptions{}, blockingSync)
	ctx := testCtx(t)

	first := make(chan error, 1)
	go func() { _, err := f.Append(ctx, []byte("first")); first <- err }()
	<-inSync // the writer now holds "first" in its fsync
	errs := make(chan error, pending)
	for i := range pending {
		go func() { _, err := f.Append(ctx, payload(i)); errs <- err }()
	}
	waitFor(t, "appends queued", func() bool { return len(f.queue) == pending })
	closed := make(chan error, 1)
	go func() { closed <- f.Close() }()
	<-f.closing
	close(release)

	if err := <-first; err != nil {
		t.Errorf("Append(first), in its fsync at Close = %v, want nil", err)
	}
	for range pending {
		if err := <-errs; !errors.Is(err, ErrClosed) {
			t.Errorf("Append() queued at Close = %v, want %v", err, ErrClosed)
		}
	}
	if err := <-closed; err != nil {
		t.Errorf("Close() = %v, want nil", err)
	}
	if got := f.LastSeq(); got != 1 {
		t.Errorf("LastSeq() = %d, want 1", got)
	}
	waitFor(t, "no goroutine left", func() bool { return runtime.NumGoroutine() <= before })
}

func TestCloseLeaksNoGoroutine(t *testing.T) {
	before := runtime.NumGoroutine()
	for range 5 {
		f, err := OpenFile(t.TempDir(), FileOptions{NoSync: true})
		if err != nil {
			t.Fatalf("OpenFile() = %v, want nil", err)
		}
		appendN(t, f, 0, 10)
		if err := f.Close(); err != nil {
			t.Fatalf("Close() = %v, want nil", err)
		}
	}
	waitFor(t, "no goroutine left", func() bool { return runtime.NumGoroutine() <= before })
}

func TestAppendFailsAfterDiskError(t *testing.T) {
	errDisk := errors.New("disk on fire")
	tests := []struct {
		name string
		fio  fileIO
	}{
		{"fsync", fileIO{write: osIO.write, sync: func(*os.File) error { return errDisk }}},
		{"write", fileIO{write: func(*os.File, []byte) (int, error) { return 0, errDisk }, sync: osIO.sync}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := openWithIO(t, FileOptions{}, tt.fio)
			ctx := testCtx(t)
			for i := range 3 {
				if _, err := f.Append(ctx, payload(i)); !errors.Is(err, errDisk) {
					t.Errorf("Append #%d after a %s error = %v, want %v", i, tt.name, err, errDisk)
				}
			}
			if got := f.LastSeq(); got != 0 {
				t.Errorf("LastSeq() = %d, want 0", got)
			}
		})
	}
}

func TestAppendFailsAfterLaterFsyncError(t *testing.T) {
	errDisk := errors.New("disk on fire")
	var mu sync.Mutex
	syncErr := error(nil)
	fio := fileIO{write: osIO.write, sync: func(*os.File) error {
		mu.Lock()
		defer mu.Unlock()
		return syncErr
	}}
	f := openWithIO(t, FileOptions{}, fio)
	appendN(t, f, 0, 3)
	mu.Lock()
	syncErr = errDisk
	mu.Unlock()
	ctx := testCtx(t)
	if _, err := f.Append(ctx, payload(3)); !errors.Is(err, errDisk) {
		t.Fatalf("Append() with a failing fsync = %v, want %v", err, errDisk)
	}
	mu.Lock()
	syncErr = nil // the disk "recovers": the journal must still refuse
	mu.Unlock()
	if _, err := f.Append(ctx, payload(4)); !errors.Is(err, errDisk) {
		t.Errorf("Append() after an fsync error = %v, want %v", err, errDisk)
	}
	if got := f.LastSeq(); got != 3 {
		t.Errorf("LastSeq() = %d, want 3", got)
	}
	checkEntries(t, readAll(t, f, 1), 1, payloads(0, 3))
}

func TestAppendHonoursCtxBeforeTheWriterTakesIt(t *testing.T) {
	blockingSync, inSync, release := syncBlockedUntilRelease()
	f := openWithIO(t, FileOptions{}, blockingSync)
	go func() { f.Append(context.Background(), []byte("first")) }()
	<-inSync
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := f.Append(ctx, []byte("cancelled")); done <- err }()
	waitFor(t, "append queued", func() bool { return len(f.queue) == 1 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Append() cancelled while queued = %v, want %v", err, context.Canceled)
	}
	close(release)
	e, err := f.Append(testCtx(t), []byte("next"))
	if err != nil || e.Seq != 2 {
		t.Fatalf("Append(next) = seq %d, %v, want seq 2, nil (the cancelled record is not written)", e.Seq, err)
	}
}

// syncBlockedUntilRelease returns a fileIO whose fsyncs, until release is closed, each
// signal inSync and wait for release.
func syncBlockedUntilRelease() (fio fileIO, inSync, release chan struct{}) {
	inSync, release = make(chan struct{}), make(chan struct{})
	fio = fileIO{write: osIO.write, sync: func(*os.File) error {
		select {
		case <-release:
			return nil
		default:
		}
		inSync <- struct{}{}
		<-release
		return nil
	}}
	return fio, inSync, release
}

// waitFor polls cond until it holds, failing the test after testTimeout.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(testTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestAppendWaitsWhileTheQueueIsFull(t *testing.T) {
	blockingSync, inSync, release := syncBlockedUntilRelease()
	f := openWithIO(t, FileOptions{MaxBatchRecords: 1}, blockingSync) // a queue of 1
	ctx := testCtx(t)
	first := make(chan error, 1)
	go func() { _, err := f.Append(ctx, []byte("first")); first <- err }()
	<-inSync
	queued := make(chan error, 1)
	go func() { _, err := f.Append(ctx, []byte("queued")); queued <- err }()
	waitFor(t, "queue full", func() bool { return len(f.queue) == 1 })

	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := f.Append(short, []byte("no room")); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Append() on a full queue = %v, want %v", err, context.DeadlineExceeded)
	}
	close(release)
	for _, c := range []chan error{first, queued} {
		if err := <-c; err != nil {
			t.Fatalf("Append() = %v, want nil", err)
		}
	}
	if got := f.LastSeq(); got != 2 {
		t.Errorf("LastSeq() = %d, want 2 (the timed-out record is not written)", got)
	}
}

func TestAppendTakenByTheWriterWaitsForItsFsync(t *testing.T) {
	blockingSync, inSync, release := syncBlockedUntilRelease()
	f := openWithIO(t, FileOptions{}, blockingSync)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := f.Append(ctx, []byte("taken")); done <- err }()
	<-inSync // the writer has taken it: cancelling now cannot unwrite it
	cancel()
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("Append() cancelled during its fsync = %v, want nil (it is written)", err)
	}
	if got := f.LastSeq(); got != 1 {
		t.Errorf("LastSeq() = %d, want 1", got)
	}
}
