// SPDX-License-Identifier: Apache-2.0

// Package journal is the ordered, durable log of scfx (README, "Architecture"): every command is
// appended here, stamped with a sequence and a time, and applied in that order by every
// node's matcher. Journal is the interface; File is the embedded store, in segment files
// of one directory; Redis is the store that replicas share, one Redis stream (redis.go:
// opening and keys; redis_append.go: the writer, batches and the append script;
// redis_read.go: reads by seq and trimming; redis_ahead.go: reads that ride on
// appends; redis_ha.go: the wait for Redis replicas, and reads only of what they
// have — docs/operations.md has its keys and format, and "Redis high availability").
//
// # Record format
//
// A segment is a sequence of records, each a 24-byte header then the data, integers
// little-endian:
//
//	offset  size  field
//	0       4     crc     CRC-32C (Castagnoli) of bytes 4 to the end of the record
//	4       4     length  bytes of data
//	8       8     seq     sequence, 1-based, contiguous across segments
//	16      8     timeMs  Unix milliseconds, never less than the previous record's
//	24      length data
//
// The checksum covers the length, seq and time as well as the data, so a record that
// validates is whole and in place. A segment file is named after the seq of its first
// record, zero-padded to 20 digits: 00000000000000000001.seg. The writer rolls to a new
// segment when the active one holds SegmentBytes (so a segment may exceed it by one batch).
// The file LOCK is held locked (flock, on Linux) while the journal is open.
//
// # Appends: group commit
//
// One writer goroutine, owned by File and stopped by Close, takes every append waiting
// in a bounded queue (MaxBatchRecords), stamps them (seq; one time for the batch, never
// going back even if the clock does), writes them with one write and one fdatasync, then
// wakes each appender with its Entry. A batch holds at most MaxBatchRecords records and
// about 16 MiB.
//
// With N appenders that each wait for their fsync, batches tend to split the appenders
// into two groups that take turns, each fsync serving N/2 of them. So a batch that holds
// fewer appends than were outstanding at the last fsync waits for the missing ones, at
// most a quarter of the average fsync time (and at most 1 ms); the writer sleeps until
// the Append that completes the batch signals it, so that each fsync carries every
// appender (docs/benchmarks.md, "Journal", has what it gains). A lone appender never
// waits: the batch it expects is the one it is in.
//
// Enqueue is Append without the wait: it returns once the record is queued, and the
// writer calls the caller's done (on its own goroutine, after the fsync and after the
// entry is published to Read, or with the batch's error) instead of waking a goroutine.
// The node uses it: its applier reads only durable entries, so a Submit needs to wake
// only for the applier's result (docs/benchmarks.md, "HTTP API").
//
// A write or fsync error is final: that batch and every later append fail with it. After
// a failed fsync the kernel may have dropped the dirty pages, so a retry could report
// records as durable that are not (the "fsyncgate" problem); reopening recovers what is
// on disk. A record whose Append failed may still be found there.
//
// # Recovery
//
// OpenFile reads every segment in order and checks each record: checksum, seq following
// the previous one, time not decreasing; it rebuilds a sparse index as it goes. A bad
// record (short, with a length past the end, or failing its checksum) is:
//
//   - a torn tail, when it is in the last segment and no valid record (valid checksum,
//     greater seq) starts anywhere after it: the file is truncated there, keeping every
//     whole record before it. A crash mid-write leaves exactly that.
//   - corruption otherwise (in a sealed segment, or with a valid record after it, as a
//     flipped byte in the middle leaves): OpenFile fails with an error wrapping
//     ErrCorrupt that names the segment and the offset. So does a record with a valid
//     checksum out of seq or time order, and a missing segment.
//
// Refusing to open is deliberate: dropping the records after a bad one could drop
// acknowledged commands. One case it refuses that is a crash, not rot: if the disk
// persisted the pages of the last (unacknowledged) batch out of order, a hole may lie
// before valid records of that same batch. An operator can then truncate the segment at
// the offset in the error. Reads check each record again, so rot after open is reported
// as ErrCorrupt too.
//
// # Reads
//
// The last 8192 entries (at most 16 MiB of data) are kept in a tail cache: the node
// reads each entry right after it is appended. Older entries are read from the
// segments: the segment is found by binary search on its seq range, then a sparse index
// (one point per 64 KiB of records, 16 bytes each) gives where to start, and at most
// 64 KiB plus one record is skipped, rather than scanning from the start of the segment
// (BenchmarkReadDisk and BenchmarkReadTail measure both paths). A Read holds the lock
// only to copy the segment descriptors or the cached entries; it copies data and reads
// the disk without it, so it never holds up the writer for long.
//
// # Why own segments rather than github.com/tidwall/wal
//
// Both are bound by the fsync behind the same group commit, so throughput does not
// decide (docs/benchmarks.md, "Journal"); what does:
//   - tidwall/wal holds its mutex during the fsync of WriteBatch, so every Read waits for
//     the fsync in flight; reads of File never wait for the writer's I/O.
//   - tidwall/wal has no checksum and fails to open on a torn tail (its ErrCorrupt on a
//     short entry): the recovery above would have to be written over its format anyway.
//   - it uses fsync where fdatasync suffices, and keeps the whole tail segment in memory.
//
// # Throughput
//
// With one record in flight per appender, an fsync carries at most as many records as
// there are appenders (Little's law): 64 appenders cannot fill a batch of 100, and on
// top of the fsync each batch costs waking its appenders. BenchmarkFileAppend64 and
// BenchmarkRawFileBaseline measure File against a raw file; docs/benchmarks.md
// ("Journal") has the figures and the command.
package journal
