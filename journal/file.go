// SPDX-License-Identifier: Apache-2.0

package journal

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults and hard limits of FileOptions.
const (
	defaultSegmentBytes    = 64 << 20
	defaultMaxRecordBytes  = 4 << 20
	defaultMaxBatchRecords = 4096
	// recordBytesLimit bounds MaxRecordBytes: the header stores the length in 32 bits, and
	// one record must fit in memory several times (queue, batch, cache, read).
	recordBytesLimit = 1 << 30
	// batchRecordsLimit bounds MaxBatchRecords, which also sizes the append queue.
	batchRecordsLimit = 1 << 20
	// batchBytesMax stops a batch from taking more records once it holds this many bytes,
	// so that one write stays bounded (a batch may pass it by one record).
	batchBytesMax = 16 << 20
	// readBytesMax bounds the data one Read returns (at least one entry is returned).
	readBytesMax = 8 << 20
	// readEntriesMax bounds the entries one Read returns, whatever its max: records may be
	// empty, so bytes alone do not bound them.
	readEntriesMax = 1 << 16
)

// lockName is the file in the journal directory held locked while the journal is open.
const lockName = "LOCK"

// The journal holds every command with its signatures and amounts: only the user that
// runs scfx may read it, like the rest of the data directory.
const (
	dirMode  = 0o700
	fileMode = 0o600
)

// FileOptions configures OpenFile. The zero value gives the defaults.
type FileOptions struct {
	SegmentBytes    int64            // roll to a new segment file after this many bytes (default 64 MiB)
	MaxRecordBytes  int              // refuse larger records (default 4 MiB)
	MaxBatchRecords int              // at most this many records per group-commit write (default 4096)
	Now             func() time.Time // clock, for tests (default time.Now)
	NoSync          bool             // tests/benchmarks only: skip fsync
	Logger          *slog.Logger     // a torn tail cut at open, the first write failure (default: discard)
}

func (o FileOptions) withDefaults() (FileOptions, error) {
	if o.SegmentBytes <= 0 {
		o.SegmentBytes = defaultSegmentBytes
	}
	if o.MaxRecordBytes <= 0 {
		o.MaxRecordBytes = defaultMaxRecordBytes
	}
	if o.MaxBatchRecords <= 0 {
		o.MaxBatchRecords = defaultMaxBatchRecords
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.MaxRecordBytes > recordBytesLimit {
		return o, fmt.Errorf("journal: MaxRecordBytes %d above the limit %d", o.MaxRecordBytes, recordBytesLimit)
	}
	if o.MaxBatchRecords > batchRecordsLimit {
		return o, fmt.Errorf("journal: MaxBatchRecords %d above the limit %d", o.MaxBatchRecords, batchRecordsLimit)
	}
	return o, nil
}

// fileIO is what the writer does to the disk; tests replace it to inject errors and delays.
type fileIO struct {
	write func(fl *os.File, b []byte) (int, error)
	sync  func(fl *os.File) error
}

var osIO = fileIO{
	write: func(fl *os.File, b []byte) (int, error) { return fl.Write(b) },
	sync:  fdatasync,
}

// File is the journal stored in segment files of one directory. See the package doc for
// the format and the recovery rules. Its methods are safe for concurrent use.
type File struct {
	opts FileOptions
	dir  string
	io   fileIO
	lock *os.File

	queue     chan *appendReq // bounded: MaxBatchRecords
	qwait     *queueWait      // the writer's commit delay
	closing   chan struct{}   // closed by Close: the writer stops, new Appends fail
	stopped   chan struct{}   // closed by the writer when it has exited
	closeOnce sync.Once

	w writerState // owned by the writer goroutine (and by Close once it has stopped)

	lastSeq atomic.Uint64
	syncs   atomic.Int64 // fsyncs done by the writer; tests check group commit with it

	mu     sync.Mutex
	segs   []segment // sorted by first; the last one is active
	cache  tailCache
	notify chan struct{} // closed and replaced after each batch, to wake blocked Reads
	err    error         // the first write or fsync error: no append succeeds after it
	closed bool
}

// OpenFile opens (creating if needed) the journal in dir, recovers it (see the package
// doc) and starts its writer. Close it to stop the writer.
func OpenFile(dir string, opts FileOptions) (*File, error) {
	return openFile(dir, opts, osIO)
}

func openFile(dir string, opts FileOptions, fio fileIO) (*File, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, dirMode); err != nil {
		return nil, fmt.Errorf("journal: create %s: %w", dir, err)
	}
	lock, err := lockDir(filepath.Join(dir, lockName))
	if err != nil {
		return nil, err
	}
	f := &File{
		opts: opts, dir: dir, io: fio, lock: lock,
		queue:   make(chan *appendReq, opts.MaxBatchRecords),
		qwait:   newQueueWait(),
		closing: make(chan struct{}),
		stopped: make(chan struct{}),
		notify:  make(chan struct{}),
	}
	if err := f.load(); err != nil {
		lock.Close()
		return nil, err
	}
	go f.run()
	return f, nil
}

// load recovers the segments and opens the last one for appending, creating the first
// segment of an empty journal.
func (f *File) load() error {
	segs, err := listSegments(f.dir)
	if err != nil {
		return err
	}
	lastTime, err := recoverSegments(segs, f.opts.NoSync, f.opts.Logger)
	if err != nil {
		return err
	}
	var fl *os.File
	if len(segs) == 0 {
		var s segment
		if fl, s, err = f.createSegment(1); err != nil {
			return err
		}
		segs = append(segs, s)
	} else if fl, err = os.OpenFile(segs[len(segs)-1].path, os.O_WRONLY|os.O_APPEND, 0); err != nil {
		return fmt.Errorf("journal: open segment: %w", err)
	}
	if err := f.syncAtOpen(fl); err != nil {
		fl.Close()
		return err
	}
	active := segs[len(segs)-1]
	f.w = writerState{active: fl, size: active.size, next: active.last + 1, lastTime: lastTime}
	f.segs = segs
	f.cache = newTailCache(active.last + 1)
	f.lastSeq.Store(active.last)
	return nil
}

// syncAtOpen makes durable what the journal will serve as durable: a process that crashed
// may have left records written but not fsynced (still valid, in the page cache), or a new
// segment whose directory entry was not synced yet.
func (f *File) syncAtOpen(active *os.File) error {
	if f.opts.NoSync {
		return nil
	}
	if err := fdatasync(active); err != nil {
		return fmt.Errorf("journal: fsync %s: %w", active.Name(), err)
	}
	return syncDir(f.dir)
}

// LastSeq is the sequence of the last durable entry (0 when empty).
func (f *File) LastSeq() uint64 { return f.lastSeq.Load() }

// Err is the first write or fsync error, after which no Append succeeds; nil before.
func (f *File) Err() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

// Close stops the writer (letting the batch being written finish), fails the Appends still
// queued with ErrClosed, wakes blocked Reads with ErrClosed and closes the files. Later
// calls return ErrClosed.
func (f *File) Close() error {
	err := ErrClosed
	f.closeOnce.Do(func() {
		close(f.closing)
		<-f.stopped
		f.mu.Lock()
		f.closed = true
		f.mu.Unlock()
		err = f.w.active.Close()
		if lerr := f.lock.Close(); err == nil {
			err = lerr
		}
	})
	return err
}
