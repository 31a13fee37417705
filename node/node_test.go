// SPDX-License-Identifier: Apache-2.0

package node

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scfx/scfx/journal"
	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/uscc"
)

func openNode(t testing.TB, dir string, every uint64) *Node {
	t.Helper()
	j, err := journal.OpenFile(filepath.Join(dir, "journal"), journal.FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n, err := Open(context.Background(), Config{Journal: j, SnapshotDir: filepath.Join(dir, "snapshots"), SnapshotEvery: every})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func clusterCmd(i int) matcher.Command {
	return matcher.Command{Actor: matcher.ActorOperator, Payload: &matcher.CreateCluster{
		Name: fmt.Sprintf("常州智能装备产业集群 %d", i), CountyCode: "320400", Level: "national", Industry: "通用和专用设备制造", ValidUntil: "2099-12-31",
	}}
}

func participantCmd(i int) matcher.Command {
	code, _ := uscc.Make('9', '1', "320400", fmt.Sprintf("MA%07d", i))
	return matcher.Command{Actor: matcher.ActorOperator, Payload: &matcher.CreateParticipant{
		Name: fmt.Sprintf("银行 %d", i), USCC: code, Role: "lender", TokenHash: fmt.Sprintf("%064x", i+1),
	}}
}

func hashOf(n *Node) (h [32]byte, seq uint64) {
	n.View(func(m *matcher.Matcher) { h, seq = m.StateHash(), m.AppliedSeq() })
	return
}

func TestSubmitReturnsTheMatchersResult(t *testing.T) {
	n := openNode(t, t.TempDir(), 0)
	defer n.Close()
	r, err := n.Submit(context.Background(), clusterCmd(1))
	if err != nil || r.Err != nil || r.Cluster == nil {
		t.Fatalf("Submit(cluster) = %+v, %v; want a cluster", r, err)
	}
	bad := clusterCmd(2)
	bad.Payload.(*matcher.CreateCluster).CountyCode = "12"
	r, err = n.Submit(context.Background(), bad)
	if err != nil || r.Err == nil || r.Err.Code != matcher.CodeValidation {
		t.Fatalf("Submit(bad county) = %+v, %v; want validation_failed", r.Err, err)
	}
	if _, seq := hashOf(n); seq != 2 {
		t.Fatalf("applied %d entries, want 2 (a rejected command takes its place in the journal)", seq)
	}
}

func TestConcurrentSubmitsEachGetTheirOwnResult(t *testing.T) {
	n := openNode(t, t.TempDir(), 0)
	defer n.Close()
	const workers, each = 64, 20
	var wg sync.WaitGroup
	ids := make(chan string, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				k := w*each + i
				r, err := n.Submit(context.Background(), participantCmd(k))
				if err != nil || r.Err != nil {
					t.Errorf("Submit(%d) = %v, %v", k, r.Err, err)
					return
				}
				if want := fmt.Sprintf("%064x", k+1); r.Participant.Tokens[0].Hash != want {
					t.Errorf("Submit(%d) got the result of another command (%s)", k, r.Participant.Tokens[0].Hash)
				}
				ids <- r.Participant.ID
			}
		}(w)
	}
	wg.Wait()
	close(ids)
	seen := map[string]bool{}
	for id := range ids {
		if seen[id] {
			t.Fatalf("id %s returned twice", id)
		}
		seen[id] = true
	}
	if len(seen) != workers*each {
		t.Fatalf("%d results, want %d", len(seen), workers*each)
	}
}

func TestRestartRestoresSnapshotAndReplaysTheRest(t *testing.T) {
	dir := t.TempDir()
	n := openNode(t, dir, 10)
	for i := 0; i < 35; i++ {
		if _, err := n.Submit(context.Background(), participantCmd(i)); err != nil {
			t.Fatal(err)
		}
	}
	// Snapshots every 10 entries are written in the background.
	deadline := time.Now().Add(5 * time.Second)
	for n.SnapshotSeq() < 30 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := n.SnapshotSeq(); got < 30 {
		t.Fatalf("SnapshotSeq() = %d after 35 entries every 10, want >= 30", got)
	}
	want, _ := hashOf(n)
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	n = openNode(t, dir, 10)
	if got, seq := hashOf(n); got != want || seq != 35 {
		t.Fatalf("after restart: hash %x seq %d, want %x 35", got, seq, want)
	}
	if n.SnapshotSeq() != 35 {
		t.Fatalf("clean shutdown left snapshot %d, want 35", n.SnapshotSeq())
	}
	n.Close()
	// Without snapshots, a replay from empty gives the same state.
	if err := os.RemoveAll(filepath.Join(dir, "snapshots")); err != nil {
		t.Fatal(err)
	}
	n = openNode(t, dir, 10)
	defer n.Close()
	if got, _ := hashOf(n); got != want {
		t.Fatalf("replay from empty: hash %x, want %x", got, want)
	}
}

func TestCorruptSnapshotFallsBackToAnOlderOne(t *testing.T) {
	dir := t.TempDir()
	n := openNode(t, dir, 5)
	for i := 0; i < 12; i++ {
		n.Submit(context.Background(), participantCmd(i))
	}
	want, _ := hashOf(n)
	n.Close()
	snaps := filepath.Join(dir, "snapshots")
	seqs, _ := listSnapshots(snaps)
	if len(seqs) == 0 {
		t.Fatal("no snapshot written")
	}
	path := filepath.Join(snaps, snapshotName(seqs[0]))
	b, _ := os.ReadFile(path)
	b[len(b)-3] ^= 0xff
	os.WriteFile(path, b, 0o600)
	n = openNode(t, dir, 5)
	defer n.Close()
	if got, seq := hashOf(n); got != want || seq != 12 {
		t.Fatalf("with the newest snapshot corrupt: hash %x seq %d, want %x 12", got, seq, want)
	}
}

func TestSubmitAfterCloseFails(t *testing.T) {
	n := openNode(t, t.TempDir(), 0)
	n.Close()
	if _, err := n.Submit(context.Background(), clusterCmd(1)); err == nil {
		t.Fatal("Submit after Close succeeded")
	}
}

// Every entry is written in an envelope: one without is refused, even when its bytes
// are a valid command, and takes its seq; the same command in an envelope is applied.
func TestEntryWithoutEnvelopeIsRefused(t *testing.T) {
	m := matcher.New(matcher.DefaultConfig())
	body, err := matcher.EncodeCommand(clusterCmd(1))
	if err != nil {
		t.Fatal(err)
	}
	before := m.StateHash()
	if _, _, r := applyEntry(m, journal.Entry{Seq: 1, TimeMs: 1, Data: body}, ""); r.Err == nil || r.Err.Code != matcher.CodeValidation || m.AppliedSeq() != 1 {
		t.Fatalf("entry without an envelope = %+v (applied %d), want validation_failed at seq 1", r, m.AppliedSeq())
	}
	if m.StateHash() != before {
		t.Fatal("the refused entry changed the state")
	}
	mine, tk, r := applyEntry(m, journal.Entry{Seq: 2, TimeMs: 1, Data: encodeEnvelope("o", 7, body)}, "o")
	if r.Err != nil || r.Cluster == nil || r.Cluster.ID != "clu_1" || !mine || tk != 7 {
		t.Fatalf("the command in an envelope = %+v (mine %v, ticket %d), want the first cluster, clu_1", r, mine, tk)
	}
}

func TestEnvelopeRoundTrip(t *testing.T) {
	b := encodeEnvelope("abc", 42, []byte(`{"kind":"tick"}`))
	o, tk, cmd, err := decodeEnvelope(b)
	if err != nil || string(o) != "abc" || tk != 42 || string(cmd) != `{"kind":"tick"}` {
		t.Fatalf("decodeEnvelope = %q %d %q %v", o, tk, cmd, err)
	}
	for _, bad := range [][]byte{nil, {9}, {1, 200}, {1, 3, 'a'}} {
		if _, _, _, err := decodeEnvelope(bad); err == nil {
			t.Fatalf("decodeEnvelope(%v) accepted", bad)
		}
	}
}

// A journal cut after a clean stop (docs/operations.md, "Faults and what the server
// does"): the snapshot holds entries the journal lost, so Open refuses it, naming both
// seqs; the remedy the error names (moving the snapshots above the journal aside)
// opens it at the journal's last seq.
func TestOpenRefusesAJournalThatEndsBeforeTheSnapshot(t *testing.T) {
	dir := t.TempDir()
	n := openNode(t, dir, 1000)
	const entries = 40
	for i := range entries {
		if _, err := n.Submit(context.Background(), participantCmd(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := n.Close(); err != nil { // snapshot at seq 40
		t.Fatal(err)
	}
	segs, err := filepath.Glob(filepath.Join(dir, "journal", "*.seg"))
	if err != nil || len(segs) != 1 {
		t.Fatalf("segments %v, %v; want one", segs, err)
	}
	st, err := os.Stat(segs[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(segs[0], st.Size()/2); err != nil {
		t.Fatal(err)
	}

	j, err := journal.OpenFile(filepath.Join(dir, "journal"), journal.FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	last := j.LastSeq()
	if last == 0 || last >= entries {
		t.Fatalf("journal cut to half holds %d entries, want between 1 and %d", last, entries-1)
	}
	snaps := filepath.Join(dir, "snapshots")
	_, err = Open(context.Background(), Config{Journal: j, SnapshotDir: snaps})
	j.Close()
	if !errors.Is(err, ErrJournalBehindSnapshot) {
		t.Fatalf("Open with the journal at seq %d and the snapshot at %d = %v, want %v", last, entries, err, ErrJournalBehindSnapshot)
	}
	for _, want := range []string{fmt.Sprintf("last seq is %d", last), fmt.Sprintf("seq is %d", entries), "restore the journal", snaps} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Open error %q does not say %q", err, want)
		}
	}

	if err := os.Rename(filepath.Join(snaps, snapshotName(entries)), filepath.Join(dir, snapshotName(entries))); err != nil {
		t.Fatal(err)
	}
	n = openNode(t, dir, 1000)
	defer n.Close()
	if _, seq := hashOf(n); seq != last {
		t.Fatalf("with the snapshot moved aside: applied seq %d, want the journal's last %d", seq, last)
	}
}

// TestSubmitReusesNoStaleOutcome: Submits wait on pooled channels. Submits that give
// up (a context cancelled at random, often just as their result is sent) run beside
// Submits that wait, all at once: every Submit that returns a result returns its
// own command's, never one left on a reused channel by a Submit that gave up. And a
// channel put back with an outcome in it comes back empty.
func TestSubmitReusesNoStaleOutcome(t *testing.T) {
	ch := make(chan outcome, 1)
	ch <- outcome{timedOut: true}
	putOutcome(ch)
	if len(ch) != 0 {
		t.Fatal("putOutcome kept an outcome in the channel")
	}
	n := openNode(t, t.TempDir(), 0)
	defer n.Close()
	const workers, each = 32, 40
	var wg sync.WaitGroup
	var gaveUp atomic.Int32
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				k := w*each + i
				ctx, cancel := context.WithCancel(context.Background())
				if w%2 == 0 {
					// Gives up after a random moment of about a group commit.
					time.AfterFunc(time.Duration(k%7)*150*time.Microsecond, cancel)
				}
				r, err := n.Submit(ctx, participantCmd(k))
				cancel()
				if err != nil {
					if w%2 == 0 && errors.Is(err, context.Canceled) {
						gaveUp.Add(1)
						continue
					}
					t.Errorf("Submit(%d): %v", k, err)
					return
				}
				if r.Err != nil || r.Participant == nil {
					t.Errorf("Submit(%d) = %+v", k, r)
					return
				}
				if want := fmt.Sprintf("%064x", k+1); r.Participant.Tokens[0].Hash != want {
					t.Errorf("Submit(%d) got the result of another command (%s)", k, r.Participant.Tokens[0].Hash)
				}
			}
		}(w)
	}
	wg.Wait()
	t.Logf("%d Submits gave up", gaveUp.Load())
	if waitersLeft(n) != 0 {
		t.Fatalf("%d waiters left behind", waitersLeft(n))
	}
}

// TestIdleNodeFoldsTheStateHash: once the applier has had nothing to apply for a
// while, it folds the changes waiting for the next read of the state hash
// (matcher.FoldStateHash), so that a read after a busy spell finds nothing to fold;
// and the hash it then reads is the one of a node that folded nothing early.
func TestIdleNodeFoldsTheStateHash(t *testing.T) {
	dir := t.TempDir()
	n := openNode(t, dir, 0)
	waiting := func() (left int) {
		n.View(func(m *matcher.Matcher) { left = m.FoldStateHash(0) })
		return left
	}
	// A participant is a row and a USCC: 10,000 of them leave many slices to fold.
	count := 10_000
	if testing.Short() {
		count = 3000
	}
	// No fold while the submits run, however long a pause between two of them (a
	// slow fsync, the collector, a shared machine): what waits after them is known.
	n.idleAfter.Store(int64(time.Hour))
	for i := range count {
		if r, err := n.Submit(context.Background(), participantCmd(i)); err != nil || r.Err != nil {
			t.Fatalf("participant %d: %v, %v", i, err, r.Err)
		}
	}
	if left := waiting(); left < count {
		t.Fatalf("%d changes waited right after %d submits, want at least %d", left, count, count)
	}
	n.idleAfter.Store(int64(idleFoldAfter))
	deadline := time.Now().Add(10 * time.Second)
	for waiting() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d changes still wait for the state hash after 10 s idle", waiting())
		}
		time.Sleep(20 * time.Millisecond)
	}
	folded, seq := hashOf(n)
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	// The same journal replayed from no snapshot, hashed in one read.
	if err := os.RemoveAll(filepath.Join(dir, "snapshots")); err != nil {
		t.Fatal(err)
	}
	again := openNode(t, dir, 0)
	defer again.Close()
	if h, s := hashOf(again); s != seq || h != folded {
		t.Fatalf("replayed: seq %d hash %x; the node that folded while idle: seq %d hash %x", s, h, seq, folded)
	}
}
