// SPDX-License-Identifier: Apache-2.0

// Package translog is the journal as a transparency log (docs/audit.md): every
// applied journal entry is a leaf of an append-only Merkle tree in the form of RFC
// 6962, whose head (size, root) the anchorer commits on chain. The tree's hashes
// and proofs are golang.org/x/mod/sumdb/tlog's (the Go checksum database's), not
// written here.
//
// # Leaves
//
// Leaf n (0-based) is journal entry seq n+1:
//
//	leaf = SHA-256(0x00 ‖ "scfx-entry" ‖ seq ‖ timeMs ‖ data)   // seq, timeMs: 8 bytes big-endian
//
// (tlog.RecordHash adds the 0x00 of RFC 6962.) The seq and the time are inside the
// leaf, so an entry moved, dropped or re-timed changes the root as surely as one whose
// bytes changed.
//
// # Storage
//
// The hashes the tree needs (about two per leaf, in tlog's stored-hash order) are
// kept in memory and, when the log has a file, appended to it with one write per
// batch of entries. The file is derived data: the journal is the truth, and Open
// keeps only whole records' worth of hashes; the node checks the newest leaves
// against the journal at start and rebuilds what is missing or wrong from it.
package translog

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"sync"

	"golang.org/x/mod/sumdb/tlog"
)

// Hash is a node of the tree (SHA-256).
type Hash = tlog.Hash

// Head is the tree at a size: its number of leaves (= the seq of its last entry)
// and its root.
type Head struct {
	Size uint64
	Root Hash
}

// leafDomain separates scfx entries from any other record that might be hashed the
// same way.
const leafDomain = "scfx-entry"

// fileMode: the hashes reveal nothing of the entries, but they sit in the data
// directory, which only the user that runs scfx reads.
const fileMode = 0o600

// ErrRange: a seq or size outside the tree.
var ErrRange = errors.New("translog: outside the tree")

// LeafData is the canonical encoding of a journal entry that its leaf hashes.
func LeafData(seq uint64, timeMs int64, data []byte) []byte {
	b := make([]byte, 0, len(leafDomain)+16+len(data))
	b = append(b, leafDomain...)
	b = binary.BigEndian.AppendUint64(b, seq)
	b = binary.BigEndian.AppendUint64(b, uint64(timeMs))
	return append(b, data...)
}

// LeafHash is the leaf of the journal entry (seq, timeMs, data):
// tlog.RecordHash(LeafData(seq, timeMs, data)), hashed from a pooled buffer (the
// applier hashes every entry; TestLeafHashIsRecordHash).
func LeafHash(seq uint64, timeMs int64, data []byte) Hash {
	bp := leafBufs.Get().(*[]byte)
	b := append((*bp)[:0], 0x00) // RFC 6962's leaf prefix, as tlog.RecordHash adds it
	b = append(b, leafDomain...)
	b = binary.BigEndian.AppendUint64(b, seq)
	b = binary.BigEndian.AppendUint64(b, uint64(timeMs))
	b = append(b, data...)
	h := Hash(sha256.Sum256(b))
	if cap(b) <= maxPooledLeaf {
		*bp = b
		leafBufs.Put(bp)
	}
	return h
}

// maxPooledLeaf: buffers grown for bigger entries are left to the GC.
const maxPooledLeaf = 64 << 10

var leafBufs = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// Log is the tree of a journal's first Size entries. Its methods are safe for
// concurrent use.
type Log struct {
	mu     sync.RWMutex
	hashes []Hash // tlog's stored hashes of the first size leaves
	size   uint64
	f      *os.File // nil: in memory only
	buf    []byte   // Append's write buffer, reused
}

// Open opens (creating if needed) the log whose hashes are in the file at path; ""
// keeps it in memory. A tail that is not a whole record's worth of hashes (a write
// cut short) is dropped.
func Open(path string) (*Log, error) {
	l := New()
	if path == "" {
		return l, nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, fileMode)
	if err != nil {
		return nil, fmt.Errorf("translog: open: %w", err)
	}
	b, err := io.ReadAll(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("translog: read %s: %w", path, err)
	}
	stored := int64(len(b) / tlog.HashSize)
	// The largest size whose hashes are all there: StoredHashCount grows with size.
	size := sort.Search(int(stored)+1, func(n int) bool { return tlog.StoredHashCount(int64(n)) > stored }) - 1
	count := tlog.StoredHashCount(int64(size))
	l.hashes = make([]Hash, count)
	for i := range l.hashes {
		copy(l.hashes[i][:], b[i*tlog.HashSize:])
	}
	l.size, l.f = uint64(size), f
	if err := l.truncateFile(); err != nil {
		f.Close()
		return nil, err
	}
	return l, nil
}

// truncateFile cuts the file to the hashes held in memory and moves its offset there.
func (l *Log) truncateFile() error {
	if l.f == nil {
		return nil
	}
	end := int64(len(l.hashes)) * tlog.HashSize
	if err := l.f.Truncate(end); err != nil {
		return fmt.Errorf("translog: truncate: %w", err)
	}
	if _, err := l.f.Seek(end, io.SeekStart); err != nil {
		return fmt.Errorf("translog: seek: %w", err)
	}
	return nil
}

// Grow makes room for n more leaves' hashes, so that a verifier that knows how many
// entries it will append (scfx audit) does not copy the hashes as they grow.
func (l *Log) Grow(n uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.hashes = slices.Grow(l.hashes, int(2*n+64))
}

// Size is the number of leaves (the seq of the last entry appended).
func (l *Log) Size() uint64 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.size
}

// Append adds the leaves of entries with seqs Size()+1, Size()+2, … (leaves given
// as their hashes, in order) and writes their stored hashes to the file in one write.
func (l *Log) Append(leaves ...Hash) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	before := len(l.hashes)
	for _, h := range leaves {
		l.hashes = appendStored(l.hashes, int64(l.size), h)
		l.size++
	}
	if l.f == nil || len(l.hashes) == before {
		return nil
	}
	buf := l.buf[:0]
	for _, h := range l.hashes[before:] {
		buf = append(buf, h[:]...)
	}
	if cap(buf) <= maxPooledLeaf {
		l.buf = buf
	}
	if _, err := l.f.Write(buf); err != nil {
		// Keep memory and file alike: what is not on file is not in the log.
		l.hashes, l.size = l.hashes[:before], l.sizeOf(before)
		_ = l.truncateFile()
		return fmt.Errorf("translog: write: %w", err)
	}
	return nil
}

// appendStored appends the stored hashes that leaf n (0-based) with hash h adds to
// hashes, which holds the stored hashes of leaves 0..n-1: what
// tlog.StoredHashesForRecordHash returns, computed in place without its index and
// result slices (TestAppendStoredIsTlogs). Each trailing 1 bit of n completes a
// subtree, whose left half is already stored.
func appendStored(hashes []Hash, n int64, h Hash) []Hash {
	hashes = append(hashes, h)
	for i := 0; n>>uint(i)&1 == 1; i++ {
		h = tlog.NodeHash(hashes[tlog.StoredHashIndex(i, n>>uint(i)-1)], h)
		hashes = append(hashes, h)
	}
	return hashes
}

// sizeOf is the size whose stored hashes number count.
func (l *Log) sizeOf(count int) uint64 {
	return uint64(sort.Search(count+1, func(n int) bool { return tlog.StoredHashCount(int64(n)) > int64(count) }) - 1)
}

// Truncate drops the leaves after size (the journal ended before them).
func (l *Log) Truncate(size uint64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if size >= l.size {
		return nil
	}
	l.hashes, l.size = l.hashes[:tlog.StoredHashCount(int64(size))], size
	return l.truncateFile()
}

// Sync makes the file durable (a no-op in memory).
func (l *Log) Sync() error {
	if l.f == nil {
		return nil
	}
	return l.f.Sync()
}

// Close closes the file.
func (l *Log) Close() error {
	if l.f == nil {
		return nil
	}
	return l.f.Close()
}

// Head is the tree as it stands.
func (l *Log) Head() Head {
	l.mu.RLock()
	defer l.mu.RUnlock()
	root, err := tlog.TreeHash(int64(l.size), l.reader())
	if err != nil {
		panic("translog: the stored hashes do not give the root: " + err.Error())
	}
	return Head{Size: l.size, Root: root}
}

// Root is the root of the tree of the first size leaves.
func (l *Log) Root(size uint64) (Hash, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if size > l.size {
		return Hash{}, fmt.Errorf("%w: size %d, the log has %d", ErrRange, size, l.size)
	}
	return tlog.TreeHash(int64(size), l.reader())
}

// Leaf is the leaf hash of entry seq.
func (l *Log) Leaf(seq uint64) (Hash, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if seq == 0 || seq > l.size {
		return Hash{}, fmt.Errorf("%w: seq %d, the log has %d", ErrRange, seq, l.size)
	}
	return l.hashes[tlog.StoredHashIndex(0, int64(seq-1))], nil
}

// ProveInclusion proves that entry seq's leaf is in the tree of size leaves
// (check with CheckInclusion).
func (l *Log) ProveInclusion(seq, size uint64) ([]Hash, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if seq == 0 || seq > size || size > l.size {
		return nil, fmt.Errorf("%w: seq %d in size %d, the log has %d", ErrRange, seq, size, l.size)
	}
	return tlog.ProveRecord(int64(size), int64(seq-1), l.reader())
}

// ProveConsistency proves that the tree of old leaves is a prefix of the tree of
// size leaves: the log was only appended between them (check with CheckConsistency).
func (l *Log) ProveConsistency(old, size uint64) ([]Hash, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if old > size || size > l.size {
		return nil, fmt.Errorf("%w: %d to %d, the log has %d", ErrRange, old, size, l.size)
	}
	if old == 0 {
		return nil, nil // the empty tree is a prefix of every tree
	}
	return tlog.ProveTree(int64(size), int64(old), l.reader())
}

// CheckInclusion checks a proof that leaf is entry seq's in the tree (size, root).
func CheckInclusion(proof []Hash, size uint64, root Hash, seq uint64, leaf Hash) error {
	if seq == 0 || seq > size {
		return fmt.Errorf("%w: seq %d in size %d", ErrRange, seq, size)
	}
	return tlog.CheckRecord(proof, int64(size), root, int64(seq-1), leaf)
}

// CheckConsistency checks a proof that the tree (old, oldRoot) is a prefix of (size, root).
func CheckConsistency(proof []Hash, size uint64, root Hash, old uint64, oldRoot Hash) error {
	if old > size {
		return fmt.Errorf("%w: %d to %d", ErrRange, old, size)
	}
	if old == 0 {
		if empty, _ := tlog.TreeHash(0, nil); oldRoot != empty || len(proof) != 0 {
			return errors.New("translog: the empty tree's root is not the one given")
		}
		return nil
	}
	return tlog.CheckTree(proof, int64(size), root, int64(old), oldRoot)
}

// reader reads the stored hashes; the caller holds mu.
func (l *Log) reader() tlog.HashReader {
	return tlog.HashReaderFunc(func(idx []int64) ([]Hash, error) {
		out := make([]Hash, len(idx))
		for i, x := range idx {
			if x < 0 || x >= int64(len(l.hashes)) {
				return nil, fmt.Errorf("%w: stored hash %d of %d", ErrRange, x, len(l.hashes))
			}
			out[i] = l.hashes[x]
		}
		return out, nil
	})
}

// New is a log in memory only: for a verifier that recomputes the tree from the
// entries (scfx audit).
func New() *Log { return &Log{} }
