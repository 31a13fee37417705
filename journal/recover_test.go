// SPDX-License-Identifier: Apache-2.0

package journal

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tornTailRecords and tornTailSegmentBytes give a journal of three segments, the last
// holding several records.
const (
	tornTailRecords      = 25
	tornTailSegmentBytes = 350
)

// newTornTailJournal returns a closed journal of tornTailRecords records, the path of its
// last segment, and the offsets of that segment's records.
func newTornTailJournal(t *testing.T) (dir, last string, offs []int64, size int64) {
	t.Helper()
	dir = t.TempDir()
	f := openTest(t, dir, FileOptions{SegmentBytes: tornTailSegmentBytes, NoSync: true})
	appendN(t, f, 0, tornTailRecords)
	closeTest(t, f)
	names := segmentFiles(t, dir)
	if len(names) < 3 {
		t.Fatalf("%d segments, want at least 3", len(names))
	}
	last = names[len(names)-1]
	offs, size = recordOffsets(t, filepath.Join(dir, last))
	if len(offs) < 3 {
		t.Fatalf("last segment holds %d records, want at least 3", len(offs))
	}
	return dir, last, offs, size
}

// checkRecovered opens dir and checks that it holds the first want records, and that
// appends continue after them, also across a reopen.
func checkRecovered(t *testing.T, dir string, want int, what string) {
	t.Helper()
	opts := FileOptions{SegmentBytes: tornTailSegmentBytes, NoSync: true}
	f, err := OpenFile(dir, opts)
	if err != nil {
		t.Fatalf("%s: OpenFile() = %v, want nil", what, err)
	}
	if got := f.LastSeq(); got != uint64(want) {
		f.Close()
		t.Fatalf("%s: LastSeq() = %d, want %d", what, got, want)
	}
	checkEntries(t, readAll(t, f, 1), 1, payloads(0, want))
	appendN(t, f, 1000, 2)
	closeTest(t, f)

	f, err = OpenFile(dir, opts)
	if err != nil {
		t.Fatalf("%s: reopen after appends: OpenFile() = %v, want nil", what, err)
	}
	defer closeTest(t, f)
	checkEntries(t, readAll(t, f, 1), 1, append(payloads(0, want), payloads(1000, 2)...))
}

func TestTornTailIsDropped(t *testing.T) {
	dir, last, offs, size := newTornTailJournal(t)
	first := tornTailRecords - len(offs) // records in the sealed segments
	for cut := int64(0); cut < size; cut++ {
		// Every offset in the last two records; every 7th in the earlier ones.
		inLastTwo := cut >= offs[len(offs)-2]
		if !inLastTwo && cut%7 != 0 {
			continue
		}
		want := first + countWhole(offs, size, cut)
		copied := copyDir(t, dir)
		if err := os.Truncate(filepath.Join(copied, last), cut); err != nil {
			t.Fatal(err)
		}
		checkRecovered(t, copied, want, fmt.Sprintf("cut at %d of %d", cut, size))
	}
}

// countWhole is the number of records, starting at offs, that end at or before cut.
func countWhole(offs []int64, size, cut int64) int {
	n := 0
	for i := range offs {
		end := size
		if i+1 < len(offs) {
			end = offs[i+1]
		}
		if end <= cut {
			n++
		}
	}
	return n
}

func TestTornTailFailingChecksumAtTheEndIsDropped(t *testing.T) {
	tests := []struct {
		name  string
		field int64 // offset in the last record of the flipped byte
	}{
		{"crc", offCRC},
		{"length low byte", offLength},
		{"length high byte", offLength + 3},
		{"seq", offSeq},
		{"time", offTime},
		{"data", headerBytes + 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, last, offs, _ := newTornTailJournal(t)
			flipByte(t, filepath.Join(dir, last), offs[len(offs)-1]+tt.field)
			checkRecovered(t, dir, tornTailRecords-1, "last record flipped")
		})
	}
}

func TestTornTailGarbageAfterLastRecordIsDropped(t *testing.T) {
	tests := []struct {
		name    string
		garbage []byte
	}{
		{"zeros", make([]byte, 5000)},
		{"short header", []byte{1, 2, 3}},
		{"random", bytes.Repeat([]byte{0x5a, 0xc3, 0x17}, 700)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, last, _, size := newTornTailJournal(t)
			path := filepath.Join(dir, last)
			appendFile(t, path, tt.garbage)
			checkRecovered(t, dir, tornTailRecords, tt.name)
			if st, err := os.Stat(path); err != nil || st.Size() < size {
				t.Errorf("segment size after recovery = %v, %v, want at least %d", st.Size(), err, size)
			}
		})
	}
}

func TestCorruptMiddleRefusesOpen(t *testing.T) {
	tests := []struct {
		name    string
		segment func(names []string) string // segment to damage
		record  func(n int) int             // record to damage, of n in the segment
		field   int64
	}{
		{"last segment, first record crc", lastName, firstRecord, offCRC},
		{"last segment, middle record length", lastName, middleRecord, offLength},
		{"last segment, middle record length high byte", lastName, middleRecord, offLength + 3},
		{"last segment, middle record seq", lastName, middleRecord, offSeq},
		{"last segment, middle record time", lastName, middleRecord, offTime + 1},
		{"last segment, next-to-last record data", lastName, func(n int) int { return n - 2 }, headerBytes},
		{"sealed segment, last record data", firstName, func(n int) int { return n - 1 }, headerBytes + 1},
		{"sealed segment, first record crc", firstName, firstRecord, offCRC},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, _, _, _ := newTornTailJournal(t)
			name := tt.segment(segmentFiles(t, dir))
			path := filepath.Join(dir, name)
			offs, _ := recordOffsets(t, path)
			off := offs[tt.record(len(offs))]
			flipByte(t, path, off+tt.field)
			checkCorrupt(t, dir, name, fmt.Sprintf("offset %d", off))
		})
	}
}

func lastName(names []string) string  { return names[len(names)-1] }
func firstName(names []string) string { return names[0] }
func firstRecord(int) int             { return 0 }
func middleRecord(n int) int          { return n / 2 }

func TestMissingSegmentRefusesOpen(t *testing.T) {
	dir, _, _, _ := newTornTailJournal(t)
	names := segmentFiles(t, dir)
	if err := os.Remove(filepath.Join(dir, names[1])); err != nil {
		t.Fatal(err)
	}
	checkCorrupt(t, dir, names[2], "missing")
}

func TestRecordWithValidChecksumOutOfOrderRefusesOpen(t *testing.T) {
	dir, last, offs, _ := newTornTailJournal(t)
	path := filepath.Join(dir, last)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// The last record, rewritten with a valid checksum but a seq one too far.
	h := parseHeader(b[offs[len(offs)-1]:])
	b = appendRecord(b[:offs[len(offs)-1]], h.seq+1, h.timeMs, payload(tornTailRecords-1))
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	checkCorrupt(t, dir, last, fmt.Sprintf("offset %d", offs[len(offs)-1]))
}

func TestReadReportsCorruptionAfterOpen(t *testing.T) {
	dir, _, _, _ := newTornTailJournal(t)
	f := openTest(t, dir, FileOptions{SegmentBytes: tornTailSegmentBytes, NoSync: true})
	name := segmentFiles(t, dir)[0]
	flipByte(t, filepath.Join(dir, name), headerBytes+1) // the first record's data
	_, err := f.Read(context.Background(), 1, 10)
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), name) {
		t.Fatalf("Read(1) of a rotten record = %v, want an error wrapping %v naming %s", err, ErrCorrupt, name)
	}
}

// checkCorrupt fails unless OpenFile(dir) returns an error wrapping ErrCorrupt that names
// the segment and contains detail.
func checkCorrupt(t *testing.T, dir, segment, detail string) {
	t.Helper()
	f, err := OpenFile(dir, FileOptions{SegmentBytes: tornTailSegmentBytes, NoSync: true})
	if err == nil {
		f.Close()
		t.Fatalf("OpenFile() = nil error, want an error wrapping %v", ErrCorrupt)
	}
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), segment) || !strings.Contains(err.Error(), detail) {
		t.Fatalf("OpenFile() = %v, want an error wrapping %v naming %s and %q",
			err, ErrCorrupt, segment, detail)
	}
}

func flipByte(t *testing.T, path string, off int64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[off] ^= 0x40
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func appendFile(t *testing.T, path string, b []byte) {
	t.Helper()
	fl, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer fl.Close()
	if _, err := fl.Write(b); err != nil {
		t.Fatal(err)
	}
}

func TestReadBeforeTheFirstSegmentFails(t *testing.T) {
	dir, _, _, _ := newTornTailJournal(t)
	names := segmentFiles(t, dir)
	if err := os.Remove(filepath.Join(dir, names[0])); err != nil { // as an archiver would
		t.Fatal(err)
	}
	f := openTest(t, dir, FileOptions{SegmentBytes: tornTailSegmentBytes, NoSync: true})
	first, _ := parseSegmentName(names[1])
	if _, err := f.Read(testCtx(t), 1, 10); err == nil {
		t.Fatalf("Read(1) with the journal starting at seq %d = nil error, want an error", first)
	}
	got, err := f.Read(testCtx(t), first, 1)
	if err != nil {
		t.Fatalf("Read(%d) = %v, want nil", first, err)
	}
	checkEntries(t, got, first, payloads(int(first-1), 1))
}
