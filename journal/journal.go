// SPDX-License-Identifier: Apache-2.0

package journal

import (
	"context"
	"errors"
)

// Entry is one record of the journal.
type Entry struct {
	Seq    uint64 // 1-based, contiguous, assigned at append
	TimeMs int64  // Unix milliseconds, stamped at append; never decreases from one entry to the next
	Data   []byte
}

// Journal is the totally ordered durable log. Two stores implement it: File (here) and Redis (later).
type Journal interface {
	// Append durably stores data and returns its entry. It returns only after the record is
	// fsynced. Concurrent Appends share one write and one fsync (group commit).
	Append(ctx context.Context, data []byte) (Entry, error)
	// Read returns up to max entries with Seq >= from, in order. When none is available yet it
	// blocks until one is appended or ctx is done (then it returns ctx.Err()).
	Read(ctx context.Context, from uint64, max int) ([]Entry, error)
	// LastSeq is the sequence of the last durable entry (0 when empty).
	LastSeq() uint64
	// Err is the failure that stops every Append for good (a failed write or fsync of
	// the file journal), nil while appends may succeed. Readiness reports it.
	Err() error
	Close() error
}

// ErrClosed is returned by every method of a closed journal, and by the Appends still
// waiting when Close was called.
var ErrClosed = errors.New("journal: closed")

// ErrCorrupt is wrapped by the error for a record that fails its checksum (or breaks the
// seq/time order) where it cannot be a torn tail: in a sealed segment, or with whole
// records after it. Such a journal refuses to open; an operator must look at it.
var ErrCorrupt = errors.New("journal: corrupt record")

var _ Journal = (*File)(nil)
