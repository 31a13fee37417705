// SPDX-License-Identifier: Apache-2.0

package node

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Snapshots are files "snapshot-<seq>.scfx" in the snapshot directory: one header
// line "scfx-snapshot 1 <seq> <sha256 of body>\n", then the matcher's snapshot. They
// are written to a temporary file, fsynced and renamed, so a crash leaves either the
// old set or the new one; a file whose checksum fails is skipped for an older one.
const (
	snapshotMagic   = "scfx-snapshot"
	snapshotVersion = 1
	snapshotsKept   = 2
)

func snapshotName(seq uint64) string { return fmt.Sprintf("snapshot-%020d.scfx", seq) }

// snapshotSyncChunk is how much of a snapshot is written between two fsyncs. A
// snapshot of a large market is hundreds of MB (345 MB at ~0.7M receivables): written
// whole and fsynced once, it queued that much ahead of the journal's fsyncs on the
// same disk and held every write up for 1–2 s (docs/operations.md, section 1,
// "Snapshots"). In chunks, the journal's fsync waits behind at most one chunk.
const snapshotSyncChunk = 4 << 20

// syncFile fsyncs a snapshot being written (tests count the calls).
var syncFile = (*os.File).Sync

// writeSnapshot writes the snapshot at seq and returns the oldest snapshot kept.
func writeSnapshot(dir string, seq uint64, body []byte) (uint64, error) {
	return writeSnapshotChunked(dir, seq, body, snapshotSyncChunk)
}

// writeSnapshotChunked is writeSnapshot with an fsync after every chunk bytes.
func writeSnapshotChunked(dir string, seq uint64, body []byte, chunk int) (uint64, error) {
	sum := sha256.Sum256(body)
	header := fmt.Sprintf("%s %d %d %s\n", snapshotMagic, snapshotVersion, seq, hex.EncodeToString(sum[:]))
	tmp, err := os.CreateTemp(dir, "snapshot-*.tmp")
	if err != nil {
		return 0, fmt.Errorf("write snapshot: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	_, err = tmp.WriteString(header)
	rest := body
	for ; err == nil && len(rest) > chunk; rest = rest[chunk:] {
		if _, err = tmp.Write(rest[:chunk]); err == nil {
			err = syncFile(tmp)
		}
	}
	if err == nil {
		_, err = tmp.Write(rest)
	}
	if err == nil {
		err = syncFile(tmp) // the snapshot's own fsync, for the last chunk
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, fmt.Errorf("write snapshot: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, snapshotName(seq))); err != nil {
		return 0, fmt.Errorf("write snapshot: %w", err)
	}
	if err := syncDir(dir); err != nil {
		return 0, err
	}
	return pruneSnapshots(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// removeTemps deletes snapshot files a crash left half-written.
func removeTemps(dir string) error {
	tmps, err := filepath.Glob(filepath.Join(dir, "snapshot-*.tmp"))
	if err != nil {
		return err
	}
	for _, t := range tmps {
		if err := os.Remove(t); err != nil {
			return fmt.Errorf("remove %s: %w", t, err)
		}
	}
	return nil
}

// listSnapshots returns the snapshot sequences in dir, newest first.
func listSnapshots(dir string) ([]uint64, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("list snapshots: %w", err)
	}
	var seqs []uint64
	for _, e := range ents {
		name := e.Name()
		if !strings.HasPrefix(name, "snapshot-") || !strings.HasSuffix(name, ".scfx") {
			continue
		}
		n, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimPrefix(name, "snapshot-"), ".scfx"), 10, 64)
		if err == nil {
			seqs = append(seqs, n)
		}
	}
	slices.Sort(seqs)
	slices.Reverse(seqs)
	return seqs, nil
}

// pruneSnapshots keeps the newest snapshotsKept and returns the oldest kept.
func pruneSnapshots(dir string) (uint64, error) {
	seqs, err := listSnapshots(dir)
	if err != nil {
		return 0, err
	}
	kept := seqs[:min(len(seqs), snapshotsKept)]
	for _, s := range seqs[len(kept):] {
		if err := os.Remove(filepath.Join(dir, snapshotName(s))); err != nil {
			return 0, fmt.Errorf("prune snapshot: %w", err)
		}
	}
	if len(kept) == 0 {
		return 0, nil
	}
	return kept[len(kept)-1], nil
}

var errBadSnapshot = errors.New("node: snapshot fails its checksum")

// readSnapshot reads and checks one snapshot file.
func readSnapshot(dir string, seq uint64) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(dir, snapshotName(seq)))
	if err != nil {
		return nil, fmt.Errorf("read snapshot: %w", err)
	}
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return nil, errBadSnapshot
	}
	var magic, sumHex string
	var version int
	var hseq uint64
	if _, err := fmt.Sscanf(string(b[:i]), "%s %d %d %s", &magic, &version, &hseq, &sumHex); err != nil ||
		magic != snapshotMagic || version != snapshotVersion || hseq != seq {
		return nil, errBadSnapshot
	}
	body := b[i+1:]
	sum := sha256.Sum256(body)
	if hex.EncodeToString(sum[:]) != sumHex {
		return nil, errBadSnapshot
	}
	return body, nil
}
