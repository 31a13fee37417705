// SPDX-License-Identifier: Apache-2.0

package journal

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strconv"
	"strings"
)

// headerBytes is the size of a record header: crc32c, length, seq, time (see the package doc).
const headerBytes = 24

// Field offsets inside a record header.
const (
	offCRC    = 0
	offLength = 4
	offSeq    = 8
	offTime   = 16
)

// segmentExt ends every segment file name; the name before it is the first seq, zero-padded
// to segmentDigits so that names sort like seqs.
const (
	segmentExt    = ".seg"
	segmentDigits = 20 // len("18446744073709551615"), the largest uint64
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// errBadRecord marks bytes that are not a whole record with a valid checksum; recovery
// decides whether that is a torn tail or corruption.
var errBadRecord = errors.New("journal: bad record")

type header struct {
	crc    uint32
	length uint32
	seq    uint64
	timeMs int64
}

func parseHeader(b []byte) header {
	return header{
		crc:    binary.LittleEndian.Uint32(b[offCRC:]),
		length: binary.LittleEndian.Uint32(b[offLength:]),
		seq:    binary.LittleEndian.Uint64(b[offSeq:]),
		timeMs: int64(binary.LittleEndian.Uint64(b[offTime:])),
	}
}

// appendRecord appends one framed record to dst. The checksum covers everything after
// itself, so a record that validates has the right length, seq and time too.
func appendRecord(dst []byte, seq uint64, timeMs int64, data []byte) []byte {
	start := len(dst)
	dst = binary.LittleEndian.AppendUint32(dst, 0)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(data)))
	dst = binary.LittleEndian.AppendUint64(dst, seq)
	dst = binary.LittleEndian.AppendUint64(dst, uint64(timeMs))
	dst = append(dst, data...)
	binary.LittleEndian.PutUint32(dst[start+offCRC:], crc32.Checksum(dst[start+offLength:], castagnoli))
	return dst
}

// recordBytes is the size of a framed record with n bytes of data.
func recordBytes(n int) int64 { return headerBytes + int64(n) }

func segmentName(first uint64) string {
	return fmt.Sprintf("%0*d%s", segmentDigits, first, segmentExt)
}

// parseSegmentName returns the first seq of a segment file name, or false for any other file.
func parseSegmentName(name string) (uint64, bool) {
	digits, ok := strings.CutSuffix(name, segmentExt)
	if !ok || len(digits) != segmentDigits {
		return 0, false
	}
	first, err := strconv.ParseUint(digits, 10, 64)
	if err != nil || first == 0 {
		return 0, false
	}
	return first, true
}

// windowBytes is how much a window reads at once: big enough that scanning small records
// costs one pread per window, small enough to allocate per Read.
const windowBytes = 64 << 10

// window reads a file through a buffer of its most recent ReadAt. The slices it returns are
// valid until its next call.
type window struct {
	r    io.ReaderAt
	size int64 // bytes of the file that may be read
	off  int64 // file offset of buf[0]
	buf  []byte
}

// bytes returns the n bytes at off, or io.ErrUnexpectedEOF when the file ends before.
func (w *window) bytes(off int64, n int64) ([]byte, error) {
	if off < 0 || n < 0 || n > w.size-off {
		return nil, io.ErrUnexpectedEOF
	}
	if off >= w.off && off+n <= w.off+int64(len(w.buf)) {
		return w.buf[off-w.off : off-w.off+n], nil
	}
	want := min(max(n, windowBytes), w.size-off)
	if int64(cap(w.buf)) < want {
		w.buf = make([]byte, want)
	}
	w.buf = w.buf[:want]
	w.off = off
	if got, err := w.r.ReadAt(w.buf, off); err != nil && !(err == io.EOF && int64(got) == want) {
		w.buf = w.buf[:0]
		return nil, err
	}
	return w.buf[:n], nil
}

// recordAt returns the header and data of the record at off. It returns errBadRecord when
// the bytes there are not a whole record with a valid checksum, and any read error as is.
// data is valid until the next call on w.
func recordAt(w *window, off int64) (header, []byte, error) {
	b, err := w.bytes(off, headerBytes)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return header{}, nil, errBadRecord
	}
	if err != nil {
		return header{}, nil, err
	}
	h := parseHeader(b)
	b, err = w.bytes(off, headerBytes+int64(h.length))
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return h, nil, errBadRecord
	}
	if err != nil {
		return h, nil, err
	}
	if crc32.Checksum(b[offLength:], castagnoli) != h.crc {
		return h, nil, errBadRecord
	}
	return h, b[headerBytes:], nil
}
