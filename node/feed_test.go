// SPDX-License-Identifier: Apache-2.0

package node

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/scfx/scfx/feed"
	"github.com/scfx/scfx/journal"
	"github.com/scfx/scfx/matcher"
)

func openFeedNode(t *testing.T, dir string) (*Node, *feed.Feed) {
	t.Helper()
	j, err := journal.OpenFile(filepath.Join(dir, "journal"), journal.FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := feed.Open(feed.Config{Path: filepath.Join(dir, "feed.json")})
	if err != nil {
		t.Fatal(err)
	}
	n, err := Open(context.Background(), Config{Journal: j, SnapshotDir: filepath.Join(dir, "snapshots"), SnapshotEvery: 1 << 30, Feed: f})
	if err != nil {
		t.Fatal(err)
	}
	return n, f
}

func feedIDs(t *testing.T, f *feed.Feed, who string) []string {
	t.Helper()
	evs, err := f.Read(who, nil, matcher.MaxPageLimit)
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for i := range evs {
		out = append(out, feed.IDOf(&evs[i]).String()+" "+evs[i].Type+" "+evs[i].ObjectID)
	}
	return out
}

func submitN(t *testing.T, n *Node, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		if r, err := n.Submit(context.Background(), participantCmd(i)); err != nil || r.Err != nil {
			t.Fatalf("Submit: %v %v", err, r.Err)
		}
	}
}

// A Submit's events are in the feed when it returns; a restart — even from a feed file
// older than the newest snapshot — gives the same feed, because the node restores a
// snapshot the feed has reached and replays the journal after it.
func TestFeedSurvivesRestarts(t *testing.T) {
	dir := t.TempDir()
	n, f := openFeedNode(t, dir)
	submitN(t, n, 0, 3)
	if got := feedIDs(t, f, "par_3"); !reflect.DeepEqual(got, []string{"3-0 participant.created par_3"}) {
		t.Fatalf("par_3's feed right after its Submit = %v", got)
	}
	if err := n.Snapshot(); err != nil {
		t.Fatal(err)
	}
	submitN(t, n, 3, 6)
	if err := n.Snapshot(); err != nil {
		t.Fatal(err)
	}
	old, err := os.ReadFile(filepath.Join(dir, "feed.json")) // the feed as saved at seq 6
	if err != nil {
		t.Fatal(err)
	}
	submitN(t, n, 6, 8)
	want := feedIDs(t, f, feed.Operator)
	if len(want) != 8 {
		t.Fatalf("operator's feed = %v, want 8 events", want)
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}

	n, f = openFeedNode(t, dir)
	if got := feedIDs(t, f, feed.Operator); !reflect.DeepEqual(got, want) {
		t.Fatalf("after a clean restart: %v, want %v", got, want)
	}
	n.Close()

	// A crash after the snapshot at 8 but before its feed was saved: the feed file
	// says 6, the newest snapshot 8.
	if err := os.WriteFile(filepath.Join(dir, "feed.json"), old, 0o600); err != nil {
		t.Fatal(err)
	}
	n, f = openFeedNode(t, dir)
	defer n.Close()
	if got := feedIDs(t, f, feed.Operator); !reflect.DeepEqual(got, want) {
		t.Fatalf("after a restart from an older feed file: %v, want %v", got, want)
	}
	if _, err := f.Read("par_8", &feed.ID{Seq: 5}, 10); err != nil {
		t.Fatalf("a cursor at 5-0 after the restart: %v", err)
	}
	submitN(t, n, 8, 9)
	if got := feedIDs(t, f, "par_9"); !reflect.DeepEqual(got, []string{"9-0 participant.created par_9"}) {
		t.Fatalf("par_9 = %v", got)
	}
}
