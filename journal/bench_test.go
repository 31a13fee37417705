// SPDX-License-Identifier: Apache-2.0

package journal

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Parameters of the benchmarks, from the issue: 64 concurrent appenders of 100-byte
// records against a raw file that fsyncs every 100 records.
const (
	benchAppenders     = 64
	benchRecordBytes   = 100
	benchBaselineBatch = 100
)

// BenchmarkFileAppend64 measures File with 64 goroutines appending 100-byte records, with
// real fsyncs.
func BenchmarkFileAppend64(b *testing.B) {
	f, err := OpenFile(b.TempDir(), FileOptions{})
	if err != nil {
		b.Fatal(err)
	}
	runAppenders(b, benchAppenders, func(ctx context.Context, data []byte) error {
		_, err := f.Append(ctx, data)
		return err
	})
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/float64(max(f.syncs.Load(), 1)), "records/fsync")
	// The writer has stopped: its state is ours to read. What an fsync costs against the
	// whole cycle shows how much of the time is the disk's.
	b.ReportMetric(float64(f.w.syncTotal.Microseconds())/float64(max(f.syncs.Load(), 1)), "µs/fsync")
}

// runAppenders runs b.N appends of benchRecordBytes, shared by n goroutines, and reports
// records/s.
func runAppenders(b *testing.B, n int, appendFn func(context.Context, []byte) error) {
	ctx := context.Background()
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range n {
		wg.Go(func() {
			data := make([]byte, benchRecordBytes)
			for next.Add(1) <= int64(b.N) {
				if err := appendFn(ctx, data); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "records/s")
}

// BenchmarkRawFileBaseline is the bound the issue sets: one goroutine writing records framed
// like File's to a raw file, with one write and one fdatasync per 100 records.
func BenchmarkRawFileBaseline(b *testing.B) {
	fl, err := os.OpenFile(filepath.Join(b.TempDir(), "raw"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		b.Fatal(err)
	}
	defer fl.Close()
	data := make([]byte, benchRecordBytes)
	buf := make([]byte, 0, benchBaselineBatch*recordBytes(benchRecordBytes))
	flush := func() {
		if _, err := fl.Write(buf); err != nil {
			b.Fatal(err)
		}
		if err := fdatasync(fl); err != nil {
			b.Fatal(err)
		}
		buf = buf[:0]
	}
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		buf = appendRecord(buf, uint64(i+1), time.Now().UnixMilli(), data)
		if (i+1)%benchBaselineBatch == 0 {
			flush()
		}
	}
	if len(buf) > 0 {
		flush()
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "records/s")
}

// BenchmarkRawFileBaselinePerWrite is the raw-file baseline written the plain way:
// each record its own write(2), one fdatasync per 100 records. BenchmarkRawFileBaseline
// above buffers the 100 records into one write and is the stricter upper bound.
func BenchmarkRawFileBaselinePerWrite(b *testing.B) {
	fl, err := os.OpenFile(filepath.Join(b.TempDir(), "raw"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		b.Fatal(err)
	}
	defer fl.Close()
	data := make([]byte, benchRecordBytes)
	rec := make([]byte, 0, recordBytes(benchRecordBytes))
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		rec = appendRecord(rec[:0], uint64(i+1), time.Now().UnixMilli(), data)
		if _, err := fl.Write(rec); err != nil {
			b.Fatal(err)
		}
		if (i+1)%benchBaselineBatch == 0 || i == b.N-1 {
			if err := fdatasync(fl); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "records/s")
}

// benchReadEntries fills a journal for the read benchmarks: 200k records of 100 bytes in
// segments of 4 MiB, reopened so that the tail cache is empty.
const benchReadEntries = 200_000

func openBenchReadJournal(b *testing.B) *File {
	b.Helper()
	dir := b.TempDir()
	opts := FileOptions{SegmentBytes: 4 << 20, NoSync: true}
	f, err := OpenFile(dir, opts)
	if err != nil {
		b.Fatal(err)
	}
	runBatchedAppends(b, f, benchReadEntries)
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	if f, err = OpenFile(dir, opts); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.Close() })
	return f
}

// runBatchedAppends appends n records of benchRecordBytes from 64 goroutines.
func runBatchedAppends(b *testing.B, f *File, n int) {
	b.Helper()
	ctx := context.Background()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range benchAppenders {
		wg.Go(func() {
			data := make([]byte, benchRecordBytes)
			for next.Add(1) <= int64(n) {
				if _, err := f.Append(ctx, data); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// BenchmarkReadDisk reads 10 entries from a random seq of a journal whose cache is empty:
// the cost of a catch-up read through the sparse index.
func BenchmarkReadDisk(b *testing.B) {
	f := openBenchReadJournal(b)
	ctx := context.Background()
	seq := uint64(1)
	b.ResetTimer()
	for b.Loop() {
		seq = (seq*2654435761 + 12345) % benchReadEntries
		if _, err := f.Read(ctx, seq+1, 10); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadTail reads the entry just appended, as the node does: from the tail cache.
func BenchmarkReadTail(b *testing.B) {
	f, err := OpenFile(b.TempDir(), FileOptions{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	ctx := context.Background()
	data := make([]byte, benchRecordBytes)
	b.ResetTimer()
	for b.Loop() {
		e, err := f.Append(ctx, data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.Read(ctx, e.Seq, 1); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFileVsBaseline is the comparison in one run: rounds that alternate
// File with 64 appenders and the raw-file baselines (buffered, and one write per
// record; both 100 records per fdatasync) over the same number of records, so that a
// noisy disk hits all three alike. It reports the median ratio of the rounds.
func BenchmarkFileVsBaseline(b *testing.B) {
	const rounds, records = 7, 100_000
	var vsBuffered, vsPerWrite []float64
	for r := 0; r < rounds; r++ {
		file := measureRate(func() { fileAppends(b, records) })
		buffered := measureRate(func() { rawBaseline(b, records, true) })
		perWrite := measureRate(func() { rawBaseline(b, records, false) })
		// Throughput ratios: the same record count, so the inverse of the time ratio.
		vsBuffered = append(vsBuffered, buffered/file)
		vsPerWrite = append(vsPerWrite, perWrite/file)
		b.Logf("round %d: File %.0f records/s, baseline buffered %.0f, per write %.0f", r, records/file, records/buffered, records/perWrite)
	}
	b.ReportMetric(median(vsBuffered), "ratio-vs-buffered")
	b.ReportMetric(median(vsPerWrite), "ratio-vs-per-write")
}

// measureRate times f in seconds.
func measureRate(f func()) float64 {
	start := time.Now()
	f()
	return time.Since(start).Seconds()
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

func fileAppends(b *testing.B, records int) {
	f, err := OpenFile(b.TempDir(), FileOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < 64; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			data := make([]byte, benchRecordBytes)
			for next.Add(1) <= int64(records) {
				if _, err := f.Append(context.Background(), data); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func rawBaseline(b *testing.B, records int, buffered bool) {
	fl, err := os.OpenFile(filepath.Join(b.TempDir(), "raw"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		b.Fatal(err)
	}
	defer fl.Close()
	data := make([]byte, benchRecordBytes)
	buf := make([]byte, 0, benchBaselineBatch*recordBytes(benchRecordBytes))
	for i := 0; i < records; i++ {
		buf = appendRecord(buf, uint64(i+1), time.Now().UnixMilli(), data)
		if !buffered || (i+1)%benchBaselineBatch == 0 || i == records-1 {
			if _, err := fl.Write(buf); err != nil {
				b.Fatal(err)
			}
			buf = buf[:0]
		}
		if (i+1)%benchBaselineBatch == 0 || i == records-1 {
			if err := fdatasync(fl); err != nil {
				b.Fatal(err)
			}
		}
	}
}
