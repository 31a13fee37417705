// SPDX-License-Identifier: Apache-2.0

package translog

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

func leaves(from, to uint64) []Hash {
	var out []Hash
	for seq := from; seq <= to; seq++ {
		out = append(out, LeafHash(seq, int64(1000+seq), []byte(fmt.Sprintf("entry %d", seq))))
	}
	return out
}

// rfc6962Root is RFC 6962 §2.1's MTH written out, to check tlog's root against.
func rfc6962Root(ls []Hash) Hash {
	switch len(ls) {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		return ls[0]
	}
	k := 1
	for k*2 < len(ls) {
		k *= 2
	}
	l, r := rfc6962Root(ls[:k]), rfc6962Root(ls[k:])
	return sha256.Sum256(append(append([]byte{1}, l[:]...), r[:]...))
}

func TestRootIsRFC6962(t *testing.T) {
	l := New()
	all := leaves(1, 37)
	for i, h := range all {
		if err := l.Append(h); err != nil {
			t.Fatal(err)
		}
		if got, want := l.Head().Root, rfc6962Root(all[:i+1]); got != want {
			t.Fatalf("root at size %d = %x, want %x", i+1, got, want)
		}
	}
	if got, want := l.Head().Size, uint64(37); got != want {
		t.Fatalf("size = %d, want %d", got, want)
	}
}

func TestProofs(t *testing.T) {
	l := New()
	all := leaves(1, 50)
	if err := l.Append(all...); err != nil {
		t.Fatal(err)
	}
	for _, size := range []uint64{1, 2, 7, 32, 33, 50} {
		root, err := l.Root(size)
		if err != nil {
			t.Fatal(err)
		}
		for seq := uint64(1); seq <= size; seq++ {
			p, err := l.ProveInclusion(seq, size)
			if err != nil {
				t.Fatal(err)
			}
			if err := CheckInclusion(p, size, root, seq, all[seq-1]); err != nil {
				t.Fatalf("CheckInclusion(seq %d, size %d) = %v", seq, size, err)
			}
			if seq > 1 && CheckInclusion(p, size, root, seq, all[seq-2]) == nil {
				t.Fatalf("CheckInclusion of another leaf at seq %d passed", seq)
			}
		}
		for old := uint64(0); old <= size; old++ {
			oldRoot, _ := l.Root(old)
			p, err := l.ProveConsistency(old, size)
			if err != nil {
				t.Fatal(err)
			}
			if err := CheckConsistency(p, size, root, old, oldRoot); err != nil {
				t.Fatalf("CheckConsistency(%d, %d) = %v", old, size, err)
			}
		}
	}
	if _, err := l.ProveInclusion(51, 51); !errors.Is(err, ErrRange) {
		t.Fatalf("ProveInclusion past the end = %v, want ErrRange", err)
	}
}

// A log that was rewritten (an entry changed) is not consistent with its old head.
func TestConsistencyCatchesARewrite(t *testing.T) {
	a, b := New(), New()
	all := leaves(1, 20)
	_ = a.Append(all...)
	changed := append([]Hash(nil), all...)
	changed[4] = LeafHash(5, 1005, []byte("another entry 5"))
	_ = b.Append(changed...)
	_ = b.Append(leaves(21, 30)...)
	oldRoot := a.Head().Root
	p, _ := b.ProveConsistency(20, 30)
	if err := CheckConsistency(p, 30, b.Head().Root, 20, oldRoot); err == nil {
		t.Fatal("a rewritten log proved consistent with the old head")
	}
}

func TestLeafCoversSeqAndTime(t *testing.T) {
	h := LeafHash(5, 100, []byte("x"))
	if h == LeafHash(6, 100, []byte("x")) || h == LeafHash(5, 101, []byte("x")) || h == LeafHash(5, 100, []byte("y")) {
		t.Fatal("a leaf does not change with its seq, time or data")
	}
}

func TestFileReopenTornTailTruncate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "translog.hashes")
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	all := leaves(1, 40)
	if err := l.Append(all[:25]...); err != nil {
		t.Fatal(err)
	}
	if err := l.Append(all[25:]...); err != nil {
		t.Fatal(err)
	}
	head := l.Head()
	l.Close()

	l, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Head(); got != head {
		t.Fatalf("reopened head = %+v, want %+v", got, head)
	}
	l.Close()

	// A write cut short: the last leaf's hashes are partly there.
	fi, _ := os.Stat(path)
	if err := os.Truncate(path, fi.Size()-10); err != nil {
		t.Fatal(err)
	}
	l, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := l.Size(), uint64(39); got != want {
		t.Fatalf("size after a torn tail = %d, want %d", got, want)
	}
	if err := l.Append(all[39]); err != nil {
		t.Fatal(err)
	}
	if got := l.Head(); got != head {
		t.Fatalf("head after re-appending = %+v, want %+v", got, head)
	}
	if err := l.Truncate(10); err != nil {
		t.Fatal(err)
	}
	l.Close()
	l, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if got, want := l.Head().Root, rfc6962Root(all[:10]); l.Size() != 10 || got != want {
		t.Fatalf("after Truncate(10) and reopen: size %d root %x, want 10 %x", l.Size(), got, want)
	}
}

// BenchmarkAppend: the cost the node adds to applying one entry.
func BenchmarkAppend(b *testing.B) {
	l := New()
	h := LeafHash(1, 1, make([]byte, 200))
	b.ReportAllocs()
	for b.Loop() {
		_ = l.Append(h)
	}
}

// TestLeafHashIsRecordHash: the pooled LeafHash is tlog.RecordHash of LeafData, for
// empty, small and pool-busting entries, and hashing one leaf does not change another.
func TestLeafHashIsRecordHash(t *testing.T) {
	for _, n := range []int{0, 1, 31, 200, 1000, 5000, maxPooledLeaf + 1} {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(i*7 + n)
		}
		for _, seq := range []uint64{1, 2, 1 << 40} {
			want := tlog.RecordHash(LeafData(seq, int64(seq)*3-5, data))
			if got := LeafHash(seq, int64(seq)*3-5, data); got != want {
				t.Fatalf("LeafHash(%d, %d bytes) = %x, want %x", seq, n, got, want)
			}
		}
	}
}

// TestAppendStoredIsTlogs: appendStored gives tlog.StoredHashesForRecordHash's hashes
// for every leaf of a 1,100-leaf tree (every pattern of trailing 1 bits up to 2^10).
func TestAppendStoredIsTlogs(t *testing.T) {
	var mine, theirs []Hash
	r := tlog.HashReaderFunc(func(idx []int64) ([]Hash, error) {
		out := make([]Hash, len(idx))
		for i, x := range idx {
			out[i] = theirs[x]
		}
		return out, nil
	})
	for n := int64(0); n < 1100; n++ {
		h := LeafHash(uint64(n+1), n, []byte(fmt.Sprint(n)))
		hs, err := tlog.StoredHashesForRecordHash(n, h, r)
		if err != nil {
			t.Fatal(err)
		}
		theirs = append(theirs, hs...)
		mine = appendStored(mine, n, h)
		if !slices.Equal(mine, theirs) {
			t.Fatalf("leaf %d: stored hashes differ from tlog's", n)
		}
	}
}

// TestAppendAllocs: appending a batch of leaves to a log with a file allocates
// nothing per leaf once its slices have grown (the applier appends every entry).
func TestAppendAllocs(t *testing.T) {
	l, err := Open(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ls := leaves(1, 16)
	l.Grow(1 << 16)
	if err := l.Append(ls...); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(100, func() {
		if err := l.Append(ls...); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 0 {
		t.Fatalf("Append of 16 leaves: %.1f allocations, want 0", allocs)
	}
	data := make([]byte, 300)
	var sink Hash
	if allocs := testing.AllocsPerRun(100, func() { sink = LeafHash(1, 2, data) }); allocs > 0 {
		t.Fatalf("LeafHash: %.1f allocations, want 0", allocs)
	}
	_ = sink
}
