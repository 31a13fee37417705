// SPDX-License-Identifier: Apache-2.0

package feed

import (
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scfx/scfx/matcher"
)

func ev(seq uint64, idx uint32, audience ...string) matcher.Event {
	return matcher.Event{Seq: seq, Idx: idx, Type: "receivable.created", Object: "receivable", ObjectID: "rcv_1", Audience: audience}
}

func ids(evs []matcher.Event) []string {
	out := []string{}
	for i := range evs {
		out = append(out, IDOf(&evs[i]).String())
	}
	return out
}

func read(t *testing.T, f *Feed, who string, after *ID, limit int) []string {
	t.Helper()
	evs, err := f.Read(who, after, limit)
	if err != nil {
		t.Fatalf("Read(%s, %v) = %v", who, after, err)
	}
	return ids(evs)
}

func TestParseID(t *testing.T) {
	for _, s := range []string{"", "1", "-1", "1-", "a-1", "1-a", "01-0", "1-00", "1-4294967296", "1-2-3", "+1-0"} {
		if _, err := ParseID(s); err == nil {
			t.Errorf("ParseID(%q) accepted", s)
		}
	}
	if id, err := ParseID("18446744073709551615-7"); err != nil || id != (ID{18446744073709551615, 7}) || id.String() != "18446744073709551615-7" {
		t.Fatalf("ParseID = %v, %v", id, err)
	}
}

// Each participant reads its own events after a cursor; the operator reads every one.
func TestFeed_ScopedReadsAfterCursor(t *testing.T) {
	f := New(Config{})
	f.Add(1, 3, []matcher.Event{ev(1, 0, "par_1"), ev(1, 1, "par_2"), ev(3, 0, "par_1", "par_2")})
	if got, want := read(t, f, "par_1", nil, 50), []string{"1-0", "3-0"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("par_1 = %v, want %v", got, want)
	}
	if got, want := read(t, f, "par_2", &ID{1, 1}, 50), []string{"3-0"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("par_2 after 1-1 = %v, want %v", got, want)
	}
	// A cursor need not be one of the reader's events: another's id orders the same.
	if got, want := read(t, f, "par_1", &ID{1, 1}, 50), []string{"3-0"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("par_1 after 1-1 = %v, want %v", got, want)
	}
	if got, want := read(t, f, Operator, nil, 2), []string{"1-0", "1-1"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("operator, limit 2 = %v, want %v", got, want)
	}
	if got := read(t, f, "par_3", nil, 50); len(got) != 0 {
		t.Fatalf("par_3 = %v, want nothing", got)
	}
	if f.Seq() != 3 {
		t.Fatalf("Seq = %d, want 3", f.Seq())
	}
	// Entries already held are skipped (a replay after a restore).
	f.Add(3, 3, []matcher.Event{ev(3, 0, "par_1")})
	if got := read(t, f, "par_1", nil, 50); len(got) != 2 {
		t.Fatalf("replayed entry added again: %v", got)
	}
}

// A feed keeps the last N events of each participant; a cursor before what it let go
// of has expired (410), one at or after the last dropped event has not.
func TestFeed_RetentionExpiresOldCursors(t *testing.T) {
	f := New(Config{KeepPerParticipant: 3, KeepOperator: 5})
	for seq := uint64(1); seq <= 10; seq++ {
		f.Add(seq, seq, []matcher.Event{ev(seq, 0, "par_1")})
	}
	if got, want := read(t, f, "par_1", nil, 50), []string{"8-0", "9-0", "10-0"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("kept %v, want %v", got, want)
	}
	if _, err := f.Read("par_1", &ID{6, 0}, 50); !errors.Is(err, ErrCursorExpired) {
		t.Fatalf("cursor 6-0 (7-0 let go): %v, want ErrCursorExpired", err)
	}
	if got, want := read(t, f, "par_1", &ID{7, 0}, 50), []string{"8-0", "9-0", "10-0"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("after 7-0 = %v, want %v", got, want)
	}
	if got := read(t, f, Operator, nil, 50); len(got) != 5 {
		t.Fatalf("operator kept %d, want 5", len(got))
	}
}

// Changed(who) is closed by the next Add with events in who's feed — the
// operator's gets every event — and not by events of other feeds, so that an entry
// wakes only the readers it concerns; a gap (lost events) wakes every reader.
func TestFeed_ChangedWakesItsReaders(t *testing.T) {
	closed := func(ch <-chan struct{}) bool {
		select {
		case <-ch:
			return true
		default:
			return false
		}
	}
	f := New(Config{})
	p1, p2, op := f.Changed("par_1"), f.Changed("par_2"), f.Changed(Operator)
	if f.Changed("par_1") != p1 {
		t.Fatal("two readers of one feed wait on different channels")
	}
	f.Add(1, 1, nil)
	if closed(p1) || closed(p2) || closed(op) {
		t.Fatal("an entry without events woke readers")
	}
	f.Add(2, 2, []matcher.Event{ev(2, 0, "par_1")})
	if !closed(p1) || !closed(op) {
		t.Fatal("events did not wake their feed's readers and the operator's")
	}
	if closed(p2) {
		t.Fatal("par_1's event woke par_2's readers")
	}
	// The next wait is on a new channel; par_2's still waits.
	p1 = f.Changed("par_1")
	if closed(p1) || f.Changed("par_2") != p2 {
		t.Fatal("after a wake-up a reader waits on the old channel")
	}
	f.Add(3, 3, []matcher.Event{ev(3, 0, "par_3"), ev(3, 1, "par_2", "par_3")})
	if !closed(p2) || closed(p1) {
		t.Fatal("an event's second audience member was not woken, or another was")
	}
	// Entries the feed holds already (a replay) are skipped and wake nobody new.
	p1, p2 = f.Changed("par_1"), f.Changed("par_2")
	f.Add(2, 3, []matcher.Event{ev(2, 0, "par_1")})
	if closed(p1) {
		t.Fatal("a replayed entry woke readers")
	}
	// An Add that overlaps what the feed holds wakes only for the events it adds.
	p1, p4 := f.Changed("par_1"), f.Changed("par_4")
	f.Add(3, 4, []matcher.Event{ev(3, 0, "par_1"), ev(4, 0, "par_4")})
	if closed(p1) || !closed(p4) {
		t.Fatal("an overlapping Add woke the reader of an event held already, or not the new one's")
	}
	// A gap expires cursors of every feed: every reader wakes to find out.
	f.Add(10, 10, nil)
	if !closed(p1) || !closed(p2) {
		t.Fatal("a gap did not wake every reader")
	}
	if len(f.waits) != 0 {
		t.Fatalf("%d channels kept after they were closed", len(f.waits))
	}
}

// A save takes the feed as it stands under the read lock and merges and sorts the
// events after letting go of it: the applier's Adds meanwhile neither wait for the
// merge nor change what is saved (they append past what the rings held, drop from
// their fronts, and outgrow their arrays).
func TestFeed_SnapshotLetsAddGoOn(t *testing.T) {
	fill := func(f *Feed) {
		for seq := uint64(1); seq <= 40; seq++ {
			f.Add(seq, seq, []matcher.Event{ev(seq, 0, "par_1"), ev(seq, 1, fmt.Sprint("par_", seq%3+2))})
		}
	}
	cfg := Config{KeepPerParticipant: 8, KeepOperator: 30}
	quiet, busy := New(cfg), New(cfg)
	fill(quiet)
	fill(busy)
	want := quiet.snapshot()
	added := make(chan struct{})
	snapshotTaken = func() {
		go func() {
			for seq := uint64(41); seq <= 140; seq++ {
				busy.Add(seq, seq, []matcher.Event{ev(seq, 0, "par_1", "par_2"), ev(seq, 1, "par_9")})
			}
			close(added)
		}()
		select {
		case <-added:
		case <-time.After(10 * time.Second):
			t.Error("Add waited for the snapshot to finish")
		}
	}
	defer func() { snapshotTaken = nil }()
	got := busy.snapshot()
	if !reflect.DeepEqual(ids(deref(got.Events)), ids(deref(want.Events))) || got.Seq != want.Seq || got.Floor != want.Floor || !reflect.DeepEqual(got.Dropped, want.Dropped) {
		t.Fatalf("snapshot with Adds during its merge:\n got seq %d floor %d dropped %v events %v\nwant seq %d floor %d dropped %v events %v",
			got.Seq, got.Floor, got.Dropped, ids(deref(got.Events)), want.Seq, want.Floor, want.Dropped, ids(deref(want.Events)))
	}
	if busy.Seq() != 140 {
		t.Fatalf("feed at %d after the Adds, want 140", busy.Seq())
	}
}

func deref(evs []*matcher.Event) []matcher.Event {
	out := make([]matcher.Event, len(evs))
	for i, e := range evs {
		out[i] = *e
	}
	return out
}

// BenchmarkAddWithReaders: entries with one event for one participant while the
// readers of 1,000 other participants wait, each as GET /v1/events?wait= does (take
// Changed, read, wait): an Add wakes none of them, so its cost does not grow with
// the readers it does not concern.
func BenchmarkAddWithReaders(b *testing.B) {
	f := New(Config{})
	done := make(chan struct{})
	var wg sync.WaitGroup
	var wakeups atomic.Int64
	for i := range 1000 {
		who := fmt.Sprintf("par_%d", i+2)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				ch := f.Changed(who)
				if evs, _ := f.Read(who, nil, 100); len(evs) > 0 {
					return
				}
				select {
				case <-ch:
					wakeups.Add(1)
				case <-done:
					return
				}
			}
		}()
	}
	evs := []matcher.Event{ev(0, 0, "par_1")}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		evs[0].Seq = uint64(i + 1)
		f.Add(uint64(i+1), uint64(i+1), evs)
	}
	b.StopTimer()
	close(done)
	wg.Wait()
	b.ReportMetric(float64(wakeups.Load())/float64(b.N), "wakeups/op")
}

// Saved and opened again, a feed reads the same, let-go cursors stay expired, and a
// gap (entries whose events it never saw) expires the cursors before it.
func TestFeed_SaveOpenAndGap(t *testing.T) {
	path := filepath.Join(t.TempDir(), "feed.json")
	cfg := Config{Path: path, KeepPerParticipant: 2}
	f := New(cfg)
	for seq := uint64(1); seq <= 5; seq++ {
		f.Add(seq, seq, []matcher.Event{ev(seq, 0, "par_1"), ev(seq, 1, "par_2")})
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	g, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"par_1", "par_2", Operator} {
		if a, b := read(t, f, who, nil, 50), read(t, g, who, nil, 50); !reflect.DeepEqual(a, b) {
			t.Fatalf("%s: saved %v, opened %v", who, a, b)
		}
	}
	if _, err := g.Read("par_1", &ID{2, 0}, 50); !errors.Is(err, ErrCursorExpired) {
		t.Fatalf("opened feed: cursor 2-0: %v, want ErrCursorExpired", err)
	}
	if g.Seq() != 5 {
		t.Fatalf("Seq = %d, want 5", g.Seq())
	}
	g.Add(9, 9, []matcher.Event{ev(9, 0, "par_3")})
	if _, err := g.Read("par_3", &ID{7, 0}, 50); !errors.Is(err, ErrCursorExpired) {
		t.Fatalf("a cursor inside the gap 6..8: %v, want ErrCursorExpired", err)
	}
	if got := read(t, g, "par_3", &ID{8, 0}, 50); len(got) != 1 {
		t.Fatalf("after the gap: %v", got)
	}
	if _, err := Open(Config{Path: filepath.Join(t.TempDir(), "none.json")}); err != nil {
		t.Fatalf("a missing file: %v, want an empty feed", err)
	}
}

// BenchmarkAdd: one entry's five events, each seen by three participants, added to
// the feeds of 1,000 participants (docs/benchmarks.md "Event feed").
func BenchmarkAdd(b *testing.B) {
	f := New(Config{})
	evs := make([]matcher.Event, 5*b.N)
	for i := range evs {
		p := i / 5 % 1000
		evs[i] = ev(uint64(i/5+1), uint32(i%5), fmt.Sprint("par_", p), fmt.Sprint("par_", (p+1)%1000), fmt.Sprint("par_", (p+2)%1000))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f.Add(uint64(i+1), uint64(i+1), evs[5*i:5*i+5])
	}
}

// BenchmarkAddDuringSave: an op is one snapshot (what Save encodes) of a feed of 500
// participants' 1,000 kept events each, while another goroutine Adds (an entry of one
// event) all along: the longest an Add waited is how long a save holds the lock.
func BenchmarkAddDuringSave(b *testing.B) {
	f := New(Config{})
	seq := uint64(0)
	for range 1000 {
		seq++
		evs := make([]matcher.Event, 0, 500)
		for p := range 500 {
			evs = append(evs, ev(seq, uint32(p), fmt.Sprint("par_", p)))
		}
		f.Add(seq, seq, evs)
	}
	done := make(chan struct{})
	longest := make(chan time.Duration)
	go func() {
		var most time.Duration
		for {
			select {
			case <-done:
				longest <- most
				return
			default:
			}
			seq++
			start := time.Now()
			f.Add(seq, seq, []matcher.Event{ev(seq, 0, "par_1")})
			most = max(most, time.Since(start))
		}
	}()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f.snapshot()
	}
	b.StopTimer()
	close(done)
	b.ReportMetric(float64((<-longest).Microseconds()), "longest-add-µs")
}
