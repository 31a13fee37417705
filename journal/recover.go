// SPDX-License-Identifier: Apache-2.0

package journal

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
)

// segment describes one segment file. Readers copy it under File.mu; only the writer
// changes it (last, size and index of the active segment grow with each batch).
type segment struct {
	first uint64 // seq of its first record, from the file name
	last  uint64 // seq of its last durable record; first-1 while empty
	size  int64  // durable bytes
	path  string
	index []indexPoint // sparse, by seq; see indexEveryBytes
}

// indexPoint locates one record, so that a read starts near its seq instead of at the
// start of the segment.
type indexPoint struct {
	seq uint64
	off int64
}

// indexEveryBytes spaces the points of a segment's index: a read skips at most this many
// bytes (plus one record) to reach its seq, and the index costs 16 bytes per 64 KiB.
const indexEveryBytes = 64 << 10

// addIndex records the record seq at off if it is far enough from the previous point.
func (s *segment) addIndex(seq uint64, off int64) {
	if n := len(s.index); n == 0 || off-s.index[n-1].off >= indexEveryBytes {
		s.index = append(s.index, indexPoint{seq: seq, off: off})
	}
}

// seek returns the index point from which to scan for seq.
func (s *segment) seek(seq uint64) indexPoint {
	i, found := slices.BinarySearchFunc(s.index, seq, func(p indexPoint, seq uint64) int {
		return cmpUint64(p.seq, seq)
	})
	if !found {
		i--
	}
	if i < 0 {
		return indexPoint{seq: s.first}
	}
	return s.index[i]
}

func cmpUint64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// listSegments returns the segments of dir sorted by first seq, without scanning them.
func listSegments(dir string) ([]segment, error) {
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("journal: list %s: %w", dir, err)
	}
	var segs []segment
	for _, de := range des {
		first, ok := parseSegmentName(de.Name())
		if !ok || !de.Type().IsRegular() {
			continue
		}
		segs = append(segs, segment{first: first, last: first - 1, path: filepath.Join(dir, de.Name())})
	}
	slices.SortFunc(segs, func(a, b segment) int { return cmpUint64(a.first, b.first) })
	return segs, nil
}

// recoverSegments scans every segment in order, checks checksums, seq contiguity and time
// order, builds the indexes, and drops a torn tail of the last segment. It returns the
// time of the last record (0 when empty).
func recoverSegments(segs []segment, noSync bool, log *slog.Logger) (lastTime int64, err error) {
	for i := range segs {
		s := &segs[i]
		if i > 0 && s.first != segs[i-1].last+1 {
			return 0, fmt.Errorf("%w: segment %s starts at seq %d, want %d (a segment is missing or empty)",
				ErrCorrupt, filepath.Base(s.path), s.first, segs[i-1].last+1)
		}
		lastTime, err = scanSegment(s, lastTime, i == len(segs)-1, noSync, log)
		if err != nil {
			return 0, err
		}
	}
	return lastTime, nil
}

// scanSegment reads s from its start, filling last, size and index. A bad record in the
// last segment with no valid record after it is a torn tail: the file is truncated there.
func scanSegment(s *segment, lastTime int64, isLast, noSync bool, log *slog.Logger) (int64, error) {
	fl, err := os.OpenFile(s.path, os.O_RDWR, 0)
	if err != nil {
		return 0, fmt.Errorf("journal: open segment: %w", err)
	}
	defer fl.Close()
	st, err := fl.Stat()
	if err != nil {
		return 0, fmt.Errorf("journal: stat segment: %w", err)
	}
	w := &window{r: fl, size: st.Size()}
	name := filepath.Base(s.path)
	off := int64(0)
	for off < w.size {
		h, _, err := recordAt(w, off)
		if errors.Is(err, errBadRecord) {
			return lastTime, dropTornTail(fl, w, s, off, isLast, noSync, log)
		}
		if err != nil {
			return 0, fmt.Errorf("journal: read segment %s at offset %d: %w", name, off, err)
		}
		if h.seq != s.last+1 || h.timeMs < lastTime {
			return 0, fmt.Errorf("%w: segment %s offset %d: seq %d time %d after seq %d time %d",
				ErrCorrupt, name, off, h.seq, h.timeMs, s.last, lastTime)
		}
		s.addIndex(h.seq, off)
		s.last, lastTime = h.seq, h.timeMs
		off += headerBytes + int64(h.length)
	}
	s.size = off
	return lastTime, nil
}

// dropTornTail handles the bad record at off: corruption unless it is at the tail of the
// last segment, in which case the file is cut at off (and synced, so the cut is durable
// before anything is appended after it) and the cut is logged.
func dropTornTail(fl *os.File, w *window, s *segment, off int64, isLast, noSync bool, log *slog.Logger) error {
	name := filepath.Base(s.path)
	if !isLast {
		return fmt.Errorf("%w: segment %s offset %d: checksum or length fails in a sealed segment",
			ErrCorrupt, name, off)
	}
	at, seq, found, err := validRecordAfter(w, off+1, s.last)
	if err != nil {
		return fmt.Errorf("journal: read segment %s: %w", name, err)
	}
	if found {
		return fmt.Errorf("%w: segment %s offset %d: checksum or length fails, "+
			"with a valid record (seq %d) after it at offset %d", ErrCorrupt, name, off, seq, at)
	}
	dropped := tornSeqs(w, off, s.last)
	if err := fl.Truncate(off); err != nil {
		return fmt.Errorf("journal: drop torn tail of %s at offset %d: %w", name, off, err)
	}
	if !noSync {
		if err := fl.Sync(); err != nil {
			return fmt.Errorf("journal: sync %s: %w", name, err)
		}
	}
	s.size = off
	// A record is acknowledged only after its fsync, and a crash tears only what was not
	// fsynced yet; so the cut holds acknowledged records only if the disk acknowledged
	// an fsync it had not done. The operator is told which seqs went, to check.
	log.Warn("journal: cut a torn tail at open; it holds an acknowledged record only if the disk lied about an fsync",
		"segment", name, "cut_from_byte", off, "cut_to_byte", w.size, "bytes", w.size-off, "dropped", dropped)
	return nil
}

// tornSeqs describes the records cut from a torn tail that starts at off, after the
// record last: the seqs of the headers there that continue the journal's order (the
// records being written at the crash, whole or not), else "seqs after last".
func tornSeqs(w *window, off int64, last uint64) string {
	first, next := last+1, last+1
	for p := off; ; {
		b, err := w.bytes(p, headerBytes)
		if err != nil {
			break
		}
		h := parseHeader(b)
		if h.seq != next {
			break
		}
		next++
		p += recordBytes(int(h.length))
	}
	switch next - first {
	case 0:
		return fmt.Sprintf("seqs after %d (no readable record header)", last)
	case 1:
		return fmt.Sprintf("seq %d, and any after it", first)
	}
	return fmt.Sprintf("seqs %d..%d, and any after them", first, next-1)
}

// validRecordAfter looks at every offset from off on for a record with a valid checksum and
// a seq above last. The seq filter keeps the search linear: a random or zeroed header
// almost never passes it, so the checksum is computed only for plausible records.
func validRecordAfter(w *window, off int64, last uint64) (at int64, seq uint64, found bool, err error) {
	// No record after off can have a seq beyond this: each takes at least headerBytes.
	maxSeq := uint64(math.MaxUint64)
	if n := uint64(w.size-off)/headerBytes + 1; last < math.MaxUint64-n {
		maxSeq = last + n
	}
	for p := off; p+headerBytes <= w.size; p++ {
		b, err := w.bytes(p, headerBytes)
		if err != nil {
			return 0, 0, false, err
		}
		h := parseHeader(b)
		if h.seq <= last || h.seq > maxSeq || int64(h.length) > w.size-p-headerBytes {
			continue
		}
		_, _, err = recordAt(w, p)
		if errors.Is(err, errBadRecord) {
			continue
		}
		if err != nil {
			return 0, 0, false, err
		}
		return p, h.seq, true, nil
	}
	return 0, 0, false, nil
}
