// SPDX-License-Identifier: Apache-2.0

package journal

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"
)

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", []byte{}},
		{"text", []byte("place order 42")},
		{"binary", []byte{0, 0xff, 0, 0xfe, '\n'}},
		{"max size", bytes.Repeat([]byte{7}, 1024)},
	}
	dir := t.TempDir()
	f := openTest(t, dir, FileOptions{MaxRecordBytes: 1024})
	ctx := testCtx(t)
	var want [][]byte
	for _, tt := range tests {
		e, err := f.Append(ctx, tt.data)
		if err != nil {
			t.Fatalf("Append(%s) = %v, want nil", tt.name, err)
		}
		if !bytes.Equal(e.Data, tt.data) {
			t.Errorf("Append(%s).Data = %q, want %q", tt.name, e.Data, tt.data)
		}
		want = append(want, tt.data)
	}
	checkEntries(t, readAll(t, f, 1), 1, want)
	closeTest(t, f)

	f = openTest(t, dir, FileOptions{MaxRecordBytes: 1024})
	checkEntries(t, readAll(t, f, 1), 1, want)
}

func TestAppendRefusesRecordAboveMaxRecordBytes(t *testing.T) {
	f := openTest(t, t.TempDir(), FileOptions{MaxRecordBytes: 10, NoSync: true})
	if _, err := f.Append(testCtx(t), make([]byte, 11)); err == nil {
		t.Fatalf("Append(11 bytes) = nil, want an error")
	}
	if got := f.LastSeq(); got != 0 {
		t.Errorf("LastSeq() = %d, want 0", got)
	}
}

func TestSeqsAreContiguousFromOne(t *testing.T) {
	f := openTest(t, t.TempDir(), FileOptions{NoSync: true})
	for i, e := range appendN(t, f, 0, 100) {
		if want := uint64(i + 1); e.Seq != want || f.LastSeq() < want {
			t.Fatalf("Append #%d: seq %d (LastSeq %d), want %d", i, e.Seq, f.LastSeq(), want)
		}
	}
}

func TestTimeNeverDecreases(t *testing.T) {
	ms := func(v int64) time.Time { return time.UnixMilli(v) }
	tests := []struct {
		name  string
		clock []time.Time
		want  []int64
	}{
		{"forward", []time.Time{ms(1000), ms(1001), ms(1500)}, []int64{1000, 1001, 1500}},
		{"same millisecond", []time.Time{ms(1000), ms(1000).Add(time.Microsecond)}, []int64{1000, 1000}},
		{"clock goes back", []time.Time{ms(2000), ms(1500), ms(1999), ms(2001)}, []int64{2000, 2000, 2000, 2001}},
		{"clock jumps back far", []time.Time{ms(5000), ms(0), ms(6000)}, []int64{5000, 5000, 6000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &fakeClock{}
			clock.set(tt.clock...)
			f := openTest(t, t.TempDir(), FileOptions{Now: clock.Now, NoSync: true})
			for i, want := range tt.want {
				e, err := f.Append(testCtx(t), payload(i))
				if err != nil || e.TimeMs != want {
					t.Fatalf("Append #%d = time %d, %v, want %d, nil", i, e.TimeMs, err, want)
				}
			}
		})
	}
}

func TestReopenContinuesSeqAndTime(t *testing.T) {
	dir := t.TempDir()
	clock := &fakeClock{}
	clock.set(time.UnixMilli(10_000))
	f := openTest(t, dir, FileOptions{Now: clock.Now, NoSync: true})
	appendN(t, f, 0, 5)
	closeTest(t, f)

	// The clock is now behind the journal: the next entry keeps the last time.
	clock.set(time.UnixMilli(3_000), time.UnixMilli(12_000))
	f = openTest(t, dir, FileOptions{Now: clock.Now, NoSync: true})
	if got := f.LastSeq(); got != 5 {
		t.Fatalf("LastSeq() after reopen = %d, want 5", got)
	}
	for _, want := range []Entry{{Seq: 6, TimeMs: 10_000}, {Seq: 7, TimeMs: 12_000}} {
		e, err := f.Append(testCtx(t), nil)
		if err != nil || e.Seq != want.Seq || e.TimeMs != want.TimeMs {
			t.Fatalf("Append() = seq %d time %d, %v, want seq %d time %d", e.Seq, e.TimeMs, err, want.Seq, want.TimeMs)
		}
	}
}

func TestSegmentsRollAtSegmentBytes(t *testing.T) {
	dir := t.TempDir()
	// Each record is 24+10..59 bytes, appended alone: a segment holds 4 to 10 of them.
	f := openTest(t, dir, FileOptions{SegmentBytes: 300, NoSync: true})
	appendN(t, f, 0, 100)
	names := segmentFiles(t, dir)
	if len(names) < 10 {
		t.Fatalf("segments after 100 records of SegmentBytes 300 = %d, want at least 10", len(names))
	}
	if names[0] != segmentName(1) {
		t.Errorf("first segment = %s, want %s", names[0], segmentName(1))
	}
	for _, s := range f.segs[:len(f.segs)-1] {
		if s.size < 300 || s.size > 300+recordBytes(len(payload(99))) {
			t.Errorf("segment %s has %d bytes, want 300 plus at most one record", s.path, s.size)
		}
	}
	closeTest(t, f)
	f = openTest(t, dir, FileOptions{SegmentBytes: 300, NoSync: true})
	checkEntries(t, readAll(t, f, 1), 1, payloads(0, 100))
	appendN(t, f, 100, 10)
	checkEntries(t, readAll(t, f, 1), 1, payloads(0, 110))
}

func TestReadFromAnySeqAcrossSegments(t *testing.T) {
	const n = 300
	dir := t.TempDir()
	f := openTest(t, dir, FileOptions{SegmentBytes: 1000, NoSync: true})
	appendN(t, f, 0, n)
	checkReads(t, f, n) // from the tail cache
	closeTest(t, f)
	f = openTest(t, dir, FileOptions{SegmentBytes: 1000, NoSync: true})
	checkReads(t, f, n) // reopened, the cache is empty: from the segments
}

// checkReads reads from every seq with several max, and checks what it gets.
func checkReads(t *testing.T, f *File, n int) {
	t.Helper()
	for _, max := range []int{1, 7, 50, n + 10} {
		for from := uint64(0); from <= uint64(n); from++ {
			got, err := f.Read(testCtx(t), from, max)
			if err != nil {
				t.Fatalf("Read(%d, %d) = %v, want nil", from, max, err)
			}
			first := maxUint64(from, 1)
			checkEntries(t, got, first, payloads(int(first-1), min(max, n-int(first-1))))
		}
	}
}

func TestReadFromTailCache(t *testing.T) {
	f := openTest(t, t.TempDir(), FileOptions{SegmentBytes: 1000, NoSync: true})
	appendN(t, f, 0, 50)
	got, err := f.Read(testCtx(t), 20, 10)
	if err != nil {
		t.Fatalf("Read(20, 10) = %v, want nil", err)
	}
	checkEntries(t, got, 20, payloads(19, 10))
	// The caller owns what Read returns: changing it changes no later Read.
	got[0].Data[0] = 'X'
	again, _ := f.Read(testCtx(t), 20, 1)
	checkEntries(t, again, 20, payloads(19, 1))
}

func TestReadBlocksUntilAppend(t *testing.T) {
	f := openTest(t, t.TempDir(), FileOptions{NoSync: true})
	appendN(t, f, 0, 3)
	type result struct {
		es  []Entry
		err error
	}
	done := make(chan result, 1)
	go func() {
		es, err := f.Read(testCtx(t), 4, 10)
		done <- result{es, err}
	}()
	select {
	case r := <-done:
		t.Fatalf("Read(4) before any 4th entry = %v, %v, want it to block", r.es, r.err)
	case <-time.After(50 * time.Millisecond):
	}
	appendN(t, f, 3, 1)
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatalf("Read(4) = %v, want nil", r.err)
		}
		checkEntries(t, r.es, 4, payloads(3, 1))
	case <-time.After(testTimeout):
		t.Fatal("Read(4) still blocked after the 4th Append")
	}
}

func TestReadHonoursCtxCancel(t *testing.T) {
	f := openTest(t, t.TempDir(), FileOptions{NoSync: true})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := f.Read(ctx, 1, 10)
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Read(1) after cancel = %v, want %v", err, context.Canceled)
		}
	case <-time.After(testTimeout):
		t.Fatal("Read(1) still blocked after cancel")
	}
}

func TestReadRefusesMaxBelowOne(t *testing.T) {
	f := openTest(t, t.TempDir(), FileOptions{NoSync: true})
	appendN(t, f, 0, 1)
	for _, max := range []int{0, -1} {
		if _, err := f.Read(testCtx(t), 1, max); err == nil {
			t.Errorf("Read(1, %d) = nil error, want an error", max)
		}
	}
}

func TestMethodsAfterCloseReturnErrClosed(t *testing.T) {
	f := openTest(t, t.TempDir(), FileOptions{NoSync: true})
	appendN(t, f, 0, 2)
	blocked := make(chan error, 1)
	go func() {
		_, err := f.Read(testCtx(t), 3, 1)
		blocked <- err
	}()
	if err := f.Close(); err != nil {
		t.Fatalf("Close() = %v, want nil", err)
	}
	ctx := testCtx(t)
	checks := []struct {
		name string
		err  error
	}{
		{"blocked Read", <-blocked},
		{"Append", func() error { _, err := f.Append(ctx, []byte("x")); return err }()},
		{"Read", func() error { _, err := f.Read(ctx, 1, 1); return err }()},
		{"Close", f.Close()},
	}
	for _, c := range checks {
		if !errors.Is(c.err, ErrClosed) {
			t.Errorf("%s after Close = %v, want %v", c.name, c.err, ErrClosed)
		}
	}
	if got := f.LastSeq(); got != 2 {
		t.Errorf("LastSeq() after Close = %d, want 2", got)
	}
}

func TestOpenFileRefusesLockedDir(t *testing.T) {
	dir := t.TempDir()
	openTest(t, dir, FileOptions{NoSync: true})
	if f, err := OpenFile(dir, FileOptions{NoSync: true}); err == nil {
		f.Close()
		t.Fatalf("second OpenFile(%s) = nil error, want an error", dir)
	}
}

func TestOpenFileRefusesBadOptions(t *testing.T) {
	tests := []FileOptions{
		{MaxRecordBytes: recordBytesLimit + 1},
		{MaxBatchRecords: batchRecordsLimit + 1},
	}
	for _, opts := range tests {
		if f, err := OpenFile(t.TempDir(), opts); err == nil {
			f.Close()
			t.Errorf("OpenFile(%+v) = nil error, want an error", opts)
		}
	}
}

func ExampleFile() {
	dir, err := os.MkdirTemp("", "journal-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	f, err := OpenFile(dir, FileOptions{NoSync: true})
	if err != nil {
		panic(err)
	}
	defer f.Close()
	ctx := context.Background()
	e, _ := f.Append(ctx, []byte("hello"))
	es, _ := f.Read(ctx, e.Seq, 10)
	fmt.Println(es[0].Seq, string(es[0].Data))
	// Output: 1 hello
}
