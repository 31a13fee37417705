// SPDX-License-Identifier: Apache-2.0

package journal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// The faults an operator must see (docs/operations.md, "Faults and what the server
// does"): a torn tail cut at open, a write or fsync that fails, and who may read the
// files.

// logRecord is one line of a slog JSON handler.
type logRecord map[string]any

// logBuffer collects slog records as JSON lines; the writer logs from its goroutine.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// records returns the records logged at level.
func (l *logBuffer) records(t *testing.T, level slog.Level) []logRecord {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []logRecord
	for line := range strings.SplitSeq(strings.TrimSpace(l.b.String()), "\n") {
		if line == "" {
			continue
		}
		var r logRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if r["level"] == level.String() {
			out = append(out, r)
		}
	}
	return out
}

func TestTornTailCutIsLoggedAtWarn(t *testing.T) {
	tests := []struct {
		name string
		// damage tears the last segment (records at offs, size bytes) and returns the
		// offset where recovery must cut.
		damage func(t *testing.T, path string, offs []int64, size int64) int64
		want   string // the dropped seqs logged
	}{
		{"last record cut in its data", func(t *testing.T, path string, offs []int64, size int64) int64 {
			truncate(t, path, offs[len(offs)-1]+headerBytes+1)
			return offs[len(offs)-1]
		}, fmt.Sprintf("seq %d, and any after it", tornTailRecords)},
		{"last record cut in its header", func(t *testing.T, path string, offs []int64, size int64) int64 {
			truncate(t, path, offs[len(offs)-1]+offSeq)
			return offs[len(offs)-1]
		}, fmt.Sprintf("seqs after %d (no readable record header)", tornTailRecords-1)},
		{"last two records torn", func(t *testing.T, path string, offs []int64, size int64) int64 {
			flipByte(t, path, offs[len(offs)-2]+headerBytes+1)
			truncate(t, path, size-1)
			return offs[len(offs)-2]
		}, fmt.Sprintf("seqs %d..%d, and any after them", tornTailRecords-1, tornTailRecords)},
		{"zeros after the last record", func(t *testing.T, path string, offs []int64, size int64) int64 {
			appendFile(t, path, make([]byte, 100))
			return size
		}, fmt.Sprintf("seqs after %d (no readable record header)", tornTailRecords)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, last, offs, size := newTornTailJournal(t)
			path := filepath.Join(dir, last)
			cut := tt.damage(t, path, offs, size)
			st, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			var logs logBuffer
			f := openTest(t, dir, FileOptions{SegmentBytes: tornTailSegmentBytes, NoSync: true, Logger: logs.logger()})
			closeTest(t, f)

			warns := logs.records(t, slog.LevelWarn)
			if len(warns) != 1 {
				t.Fatalf("OpenFile on a torn tail logged %d WARN records %v, want 1", len(warns), warns)
			}
			w := warns[0]
			if msg, _ := w["msg"].(string); !strings.Contains(msg, "disk lied about an fsync") {
				t.Errorf("WARN msg = %q, want it to say that acknowledged records are there only if the disk lied about an fsync", msg)
			}
			want := logRecord{
				"segment": last, "cut_from_byte": float64(cut), "cut_to_byte": float64(st.Size()),
				"bytes": float64(st.Size() - cut), "dropped": tt.want,
			}
			for k, v := range want {
				if w[k] != v {
					t.Errorf("WARN %s = %v, want %v", k, w[k], v)
				}
			}
		})
	}
}

func TestCleanOpenLogsNoWarning(t *testing.T) {
	dir, _, _, _ := newTornTailJournal(t)
	var logs logBuffer
	f := openTest(t, dir, FileOptions{SegmentBytes: tornTailSegmentBytes, NoSync: true, Logger: logs.logger()})
	closeTest(t, f)
	if warns := logs.records(t, slog.LevelWarn); len(warns) != 0 {
		t.Errorf("OpenFile on a whole journal logged WARN %v, want none", warns)
	}
}

func truncate(t *testing.T, path string, size int64) {
	t.Helper()
	if err := os.Truncate(path, size); err != nil {
		t.Fatal(err)
	}
}

func TestDiskErrorFailsTheJournalAndIsLoggedOnce(t *testing.T) {
	tests := []struct {
		name  string
		errno syscall.Errno
		fio   func(fail func() bool) fileIO
	}{
		{"write ENOSPC", syscall.ENOSPC, func(fail func() bool) fileIO {
			return fileIO{write: func(fl *os.File, b []byte) (int, error) {
				if fail() {
					return 0, &os.PathError{Op: "write", Path: fl.Name(), Err: syscall.ENOSPC}
				}
				return fl.Write(b)
			}, sync: osIO.sync}
		}},
		{"fsync EIO", syscall.EIO, func(fail func() bool) fileIO {
			return fileIO{write: osIO.write, sync: func(fl *os.File) error {
				if fail() {
					return syscall.EIO
				}
				return fdatasync(fl)
			}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			failing := false
			fail := func() bool {
				mu.Lock()
				defer mu.Unlock()
				return failing
			}
			var logs logBuffer
			f := openWithIO(t, FileOptions{Logger: logs.logger()}, tt.fio(fail))
			appendN(t, f, 0, 3)
			if err := f.Err(); err != nil {
				t.Fatalf("Err() of a healthy journal = %v, want nil", err)
			}
			mu.Lock()
			failing = true
			mu.Unlock()
			ctx := testCtx(t)
			for i := range 3 {
				if _, err := f.Append(ctx, payload(3+i)); !errors.Is(err, tt.errno) {
					t.Fatalf("Append #%d after a %s = %v, want %v", i, tt.name, err, tt.errno)
				}
			}
			if err := f.Err(); !errors.Is(err, tt.errno) {
				t.Errorf("Err() after a %s = %v, want %v", tt.name, err, tt.errno)
			}
			errs := logs.records(t, slog.LevelError)
			if len(errs) != 1 {
				t.Fatalf("%d ERROR records after 3 failed appends: %v, want exactly 1", len(errs), errs)
			}
			if got, _ := errs[0]["err"].(string); !strings.Contains(got, tt.errno.Error()) {
				t.Errorf("ERROR err = %q, want it to name %q", got, tt.errno.Error())
			}
		})
	}
}

func TestJournalFilesAreOwnerOnly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "journal")
	f := openTest(t, dir, FileOptions{SegmentBytes: 200, NoSync: true})
	appendN(t, f, 0, 20)
	closeTest(t, f)
	names := segmentFiles(t, dir)
	if len(names) < 2 {
		t.Fatalf("%d segments, want several", len(names))
	}
	checkMode(t, dir, os.ModeDir|0o700)
	checkMode(t, filepath.Join(dir, lockName), 0o600)
	for _, name := range names {
		checkMode(t, filepath.Join(dir, name), 0o600)
	}
}

func checkMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Mode(); got != want {
		t.Errorf("mode of %s = %v, want %v", filepath.Base(path), got, want)
	}
}
