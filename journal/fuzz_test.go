// SPDX-License-Identifier: Apache-2.0

package journal

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// fuzzSegment is a valid segment of n records, for the seed corpus.
func fuzzSegment(n int) []byte {
	var b []byte
	for i := range n {
		b = appendRecord(b, uint64(i+1), int64(1000+i/2), payload(i))
	}
	return b
}

// FuzzOpenFile writes random bytes as the first segment and opens it: OpenFile never
// panics, and when it opens, it kept a prefix of the file holding a consistent journal
// that takes appends.
func FuzzOpenFile(f *testing.F) {
	valid := fuzzSegment(5)
	flipped := bytes.Clone(valid)
	flipped[len(valid)/2] ^= 1
	f.Add(valid)
	f.Add(valid[:len(valid)-3])
	f.Add(flipped)
	f.Add(append(bytes.Clone(valid), make([]byte, 100)...))
	f.Add(make([]byte, headerBytes))
	f.Add([]byte{})
	f.Add([]byte("not a journal at all"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, segmentName(1))
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		j, err := OpenFile(dir, FileOptions{NoSync: true})
		if err != nil {
			return
		}
		defer j.Close()
		kept, err := os.ReadFile(path)
		if err != nil || !bytes.HasPrefix(data, kept) {
			t.Fatalf("segment after open is not a prefix of the input (%d of %d bytes, %v)", len(kept), len(data), err)
		}
		es := readAll(t, j, 1)
		for i, e := range es {
			if e.Seq != uint64(i+1) || (i > 0 && e.TimeMs < es[i-1].TimeMs) {
				t.Fatalf("entry %d = seq %d time %d after time %d", i, e.Seq, e.TimeMs, es[max(i-1, 0)].TimeMs)
			}
		}
		e, err := j.Append(context.Background(), []byte("after"))
		if err != nil || e.Seq != uint64(len(es)+1) {
			t.Fatalf("Append() after open = seq %d, %v, want seq %d, nil", e.Seq, err, len(es)+1)
		}
	})
}
