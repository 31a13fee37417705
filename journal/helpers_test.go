// SPDX-License-Identifier: Apache-2.0

package journal

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// testTimeout bounds every wait of a test, so that a bug fails the test instead of hanging.
const testTimeout = 10 * time.Second

// openTest opens a journal in dir and closes it when the test ends.
func openTest(t testing.TB, dir string, opts FileOptions) *File {
	t.Helper()
	f, err := OpenFile(dir, opts)
	if err != nil {
		t.Fatalf("OpenFile(%s) = %v, want nil", dir, err)
	}
	t.Cleanup(func() { closeTest(t, f) })
	return f
}

// closeTest closes f; closing twice is fine.
func closeTest(t testing.TB, f *File) {
	t.Helper()
	if err := f.Close(); err != nil && !errors.Is(err, ErrClosed) {
		t.Errorf("Close() = %v, want nil", err)
	}
}

func testCtx(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

// payload is the data of the i-th test record: distinct, of varying length.
func payload(i int) []byte {
	return fmt.Appendf(nil, "record-%d:%s", i, strings.Repeat(string(rune('a'+i%26)), i%50))
}

// appendN appends payload(start) .. payload(start+n-1) one at a time.
func appendN(t testing.TB, f *File, start, n int) []Entry {
	t.Helper()
	ctx := testCtx(t)
	var out []Entry
	for i := start; i < start+n; i++ {
		e, err := f.Append(ctx, payload(i))
		if err != nil {
			t.Fatalf("Append(payload(%d)) = %v, want nil", i, err)
		}
		out = append(out, e)
	}
	return out
}

// readAll reads every entry from seq from to LastSeq.
func readAll(t testing.TB, f *File, from uint64) []Entry {
	t.Helper()
	ctx := testCtx(t)
	var out []Entry
	for from <= f.LastSeq() {
		es, err := f.Read(ctx, from, 1000)
		if err != nil {
			t.Fatalf("Read(%d) = %v, want nil", from, err)
		}
		out = append(out, es...)
		from = es[len(es)-1].Seq + 1
	}
	return out
}

// checkEntries fails unless got holds seqs first.. in order with the data of want.
func checkEntries(t testing.TB, got []Entry, first uint64, want [][]byte) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("read %d entries, want %d", len(got), len(want))
	}
	for i, e := range got {
		if e.Seq != first+uint64(i) || string(e.Data) != string(want[i]) {
			t.Fatalf("entry %d = seq %d %q, want seq %d %q", i, e.Seq, e.Data, first+uint64(i), want[i])
		}
	}
}

func payloads(start, n int) [][]byte {
	var out [][]byte
	for i := start; i < start+n; i++ {
		out = append(out, payload(i))
	}
	return out
}

// fakeClock returns the times it is given, then keeps the last one.
type fakeClock struct {
	mu    sync.Mutex
	times []time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.times[0]
	if len(c.times) > 1 {
		c.times = c.times[1:]
	}
	return now
}

func (c *fakeClock) set(times ...time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.times = times
}

// segmentFiles returns the segment file names of dir, sorted.
func segmentFiles(t testing.TB, dir string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*"+segmentExt))
	if err != nil {
		t.Fatal(err)
	}
	for i := range names {
		names[i] = filepath.Base(names[i])
	}
	return names
}

// recordOffsets returns the offset of each record of a segment file, and its size.
func recordOffsets(t testing.TB, path string) ([]int64, int64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var offs []int64
	for off := int64(0); off < int64(len(b)); {
		h := parseHeader(b[off:])
		offs = append(offs, off)
		off += recordBytes(int(h.length))
	}
	return offs, int64(len(b))
}

// copyDir copies the regular files of src into a new temporary directory.
func copyDir(t testing.TB, src string) string {
	t.Helper()
	dst := t.TempDir()
	des, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, de := range des {
		b, err := os.ReadFile(filepath.Join(src, de.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, de.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}
