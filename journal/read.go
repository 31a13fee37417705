// SPDX-License-Identifier: Apache-2.0

package journal

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// Read returns up to max entries with Seq >= from, in order; from 0 is read as 1, and a
// from before the first segment (archived) is an error. One Read returns at most 65,536
// entries and about 8 MiB of data (readEntriesMax, readBytesMax), but at least one entry.
// When none is available yet it blocks until one is appended, ctx is done (it returns
// ctx.Err()) or the journal is closed (ErrClosed). The entries are the caller's to keep
// and modify.
func (f *File) Read(ctx context.Context, from uint64, max int) ([]Entry, error) {
	if max < 1 {
		return nil, fmt.Errorf("journal: read max %d, want at least 1", max)
	}
	from = maxUint64(from, 1)
	max = min(max, readEntriesMax)
	for {
		f.mu.Lock()
		if f.closed {
			f.mu.Unlock()
			return nil, ErrClosed
		}
		if last := f.lastSeq.Load(); from <= last {
			return f.readLocked(from, last, max)
		}
		wake := f.notify
		f.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-f.closing:
			return nil, ErrClosed
		}
	}
}

// readLocked reads from the tail cache, or else from the segments. It is called with f.mu
// held and releases it before copying data or touching the disk, so that the writer is
// held up for no more than a copy of segment descriptors.
func (f *File) readLocked(from, last uint64, max int) ([]Entry, error) {
	if es, ok := f.cache.get(nil, from, max, readBytesMax); ok {
		f.mu.Unlock()
		return cloneEntries(es), nil
	}
	i := sort.Search(len(f.segs), func(i int) bool { return f.segs[i].last >= from })
	if i == len(f.segs) || from < f.segs[0].first {
		first := f.segs[0].first
		f.mu.Unlock()
		return nil, fmt.Errorf("journal: read from seq %d, before the first entry %d", from, first)
	}
	// Enough segments for max entries (each segment holds at least one).
	segs := append([]segment(nil), f.segs[i:min(len(f.segs), i+max)]...)
	f.mu.Unlock()
	return readSegments(segs, from, last, max)
}

// cloneEntries copies the entries and their data into memory of their own, one
// allocation for all the data.
func cloneEntries(es []Entry) []Entry {
	n := 0
	for _, e := range es {
		n += len(e.Data)
	}
	buf := make([]byte, 0, n)
	out := make([]Entry, len(es))
	for i, e := range es {
		buf = append(buf, e.Data...)
		out[i] = Entry{Seq: e.Seq, TimeMs: e.TimeMs, Data: buf[len(buf)-len(e.Data) : len(buf) : len(buf)]}
	}
	return out
}

// readSegments reads entries from seq from on, up to seq last, from the segment files.
func readSegments(segs []segment, from, last uint64, max int) ([]Entry, error) {
	var out []Entry
	bytes := 0
	for _, s := range segs {
		if len(out) == max || from > last || (len(out) > 0 && bytes >= readBytesMax) {
			break
		}
		if s.last < from {
			continue
		}
		var err error
		out, bytes, err = readSegment(s, out, bytes, from, max)
		if err != nil {
			return nil, err
		}
		if len(out) > 0 {
			from = out[len(out)-1].Seq + 1
		}
	}
	return out, nil
}

// readSegment appends to out the entries of s from seq from on, within max entries and
// readBytesMax bytes (bytes counts those already in out). Records are checked again: a
// byte that rotted since open is reported, not returned.
func readSegment(s segment, out []Entry, bytes int, from uint64, max int) ([]Entry, int, error) {
	fl, err := os.Open(s.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, 0, fmt.Errorf("journal: segment %s removed: %w", filepath.Base(s.path), err)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("journal: open segment: %w", err)
	}
	defer fl.Close()
	w := &window{r: fl, size: s.size}
	p := s.seek(from)
	for off, seq := p.off, p.seq; seq <= s.last && len(out) < max; seq++ {
		h, data, err := recordAt(w, off)
		if errors.Is(err, errBadRecord) || (err == nil && h.seq != seq) {
			return nil, 0, fmt.Errorf("%w: segment %s offset %d: record of seq %d fails on read",
				ErrCorrupt, filepath.Base(s.path), off, seq)
		}
		if err != nil {
			return nil, 0, fmt.Errorf("journal: read segment %s: %w", filepath.Base(s.path), err)
		}
		off += recordBytes(len(data))
		if seq < from {
			continue
		}
		if len(out) > 0 && bytes+len(data) > readBytesMax {
			break
		}
		bytes += len(data)
		out = append(out, Entry{Seq: seq, TimeMs: h.timeMs, Data: append([]byte(nil), data...)})
	}
	return out, bytes, nil
}

func maxUint64(a, b uint64) uint64 {
	if a > b {
		return a
	}
	return b
}
