// SPDX-License-Identifier: Apache-2.0

package node

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/scfx/scfx/journal"
	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/translog"
)

func openLogNode(t *testing.T, dir string, every uint64) *Node {
	t.Helper()
	j, err := journal.OpenFile(filepath.Join(dir, "journal"), journal.FileOptions{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	n, err := Open(context.Background(), Config{
		Journal: j, SnapshotDir: filepath.Join(dir, "snapshots"), SnapshotEvery: every,
		LogFile: filepath.Join(dir, "translog.hashes"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// journalHead recomputes the tree of the whole journal in dir, independently of the node.
func journalHead(t *testing.T, dir string) translog.Head {
	t.Helper()
	j, err := journal.OpenFile(filepath.Join(dir, "journal"), journal.FileOptions{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	lg := translog.New()
	for seq := uint64(1); seq <= j.LastSeq(); {
		es, err := j.Read(context.Background(), seq, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			if err := lg.Append(translog.LeafHash(e.Seq, e.TimeMs, e.Data)); err != nil {
				t.Fatal(err)
			}
			seq = e.Seq + 1
		}
	}
	return lg.Head()
}

func logHead(t *testing.T, n *Node) translog.Head {
	t.Helper()
	h, state, err := n.LogHead()
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := hashOf(n); state != want {
		t.Fatalf("LogHead's state hash = %x, want the matcher's %x", state, want)
	}
	return h
}

// Every applied entry — refused ones too — is a leaf, and the log survives a restart,
// a lost file and a file that no longer matches the journal.
func TestLogFollowsTheJournal(t *testing.T) {
	dir := t.TempDir()
	n := openLogNode(t, dir, 5)
	ctx := context.Background()
	for i := range 12 {
		if _, err := n.Submit(ctx, clusterCmd(i)); err != nil {
			t.Fatal(err)
		}
	}
	bad := clusterCmd(99)
	bad.Payload.(*matcher.CreateCluster).CountyCode = "1" // refused, still a leaf
	if _, err := n.Submit(ctx, bad); err != nil {
		t.Fatal(err)
	}
	got := logHead(t, n)
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	want := journalHead(t, dir)
	if got != want || got.Size != 13 {
		t.Fatalf("node's log head = %+v, want the journal's %+v (13 entries)", got, want)
	}

	cases := map[string]func(path string){
		"reopened": func(string) {},
		"file lost": func(path string) {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
		},
		"file scribbled": func(path string) {
			b, _ := os.ReadFile(path)
			b[len(b)-5] ^= 0xff
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
		},
		"file torn": func(path string) {
			fi, _ := os.Stat(path)
			if err := os.Truncate(path, fi.Size()-40); err != nil {
				t.Fatal(err)
			}
		},
	}
	for name, damage := range cases {
		damage(filepath.Join(dir, "translog.hashes"))
		n := openLogNode(t, dir, 5)
		if h := logHead(t, n); h != want {
			t.Errorf("%s: head after Open = %+v, want %+v", name, h, want)
		}
		if err := n.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLogServesProofs(t *testing.T) {
	dir := t.TempDir()
	n := openLogNode(t, dir, 0)
	defer n.Close()
	for i := range 9 {
		if _, err := n.Submit(context.Background(), clusterCmd(i)); err != nil {
			t.Fatal(err)
		}
	}
	err := n.Log(func(lg *translog.Log) error {
		head := lg.Head()
		leaf, err := lg.Leaf(4)
		if err != nil {
			return err
		}
		p, err := lg.ProveInclusion(4, head.Size)
		if err != nil {
			return err
		}
		return translog.CheckInclusion(p, head.Size, head.Root, 4, leaf)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestNoLogWhenTheJournalCannotRebuildIt(t *testing.T) {
	n := &Node{}
	if _, _, err := n.LogHead(); !errors.Is(err, ErrNoLog) {
		t.Fatalf("LogHead without a log = %v, want ErrNoLog", err)
	}
}
