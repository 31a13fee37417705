// SPDX-License-Identifier: Apache-2.0

package node

import (
	"bytes"
	"os"
	"testing"
)

// A snapshot is fsynced after every chunk, not once at the end: written whole, a
// snapshot of hundreds of MB queued ahead of the journal's fsyncs on the same disk and
// stalled every write for about a second.
func TestSnapshotSyncedInChunks(t *testing.T) {
	var syncs []int64 // the file's size at each fsync
	saved := syncFile
	syncFile = func(f *os.File) error {
		st, err := f.Stat()
		if err != nil {
			return err
		}
		syncs = append(syncs, st.Size())
		return saved(f)
	}
	t.Cleanup(func() { syncFile = saved })

	dir := t.TempDir()
	body := bytes.Repeat([]byte("0123456789"), 1000) // 10,000 bytes
	if _, err := writeSnapshotChunked(dir, 7, body, 4096); err != nil {
		t.Fatal(err)
	}
	if len(syncs) != 3 {
		t.Fatalf("%d fsyncs (file sizes %v) for 10,000 bytes in chunks of 4,096, want 3", len(syncs), syncs)
	}
	header := syncs[2] - int64(len(body))
	for i, want := range []int64{header + 4096, header + 8192, header + 10000} {
		if syncs[i] != want {
			t.Fatalf("fsync %d at %d bytes, want %d (sizes %v)", i+1, syncs[i], want, syncs)
		}
	}
	got, err := readSnapshot(dir, 7)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, body) {
		t.Fatalf("read back %d bytes, want the %d written", len(got), len(body))
	}

	// An empty body is fsynced too.
	syncs = nil
	if _, err := writeSnapshotChunked(dir, 8, nil, 4096); err != nil {
		t.Fatal(err)
	}
	if len(syncs) != 1 {
		t.Fatalf("%d fsyncs for an empty snapshot, want 1", len(syncs))
	}
}
