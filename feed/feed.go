// SPDX-License-Identifier: Apache-2.0

// Package feed keeps each participant's event feed (docs/api.md "Events"): the last
// events of the objects it may see, made by the matcher as the node applies the
// journal. Every replica derives the same events from the same journal, so the feed,
// its event ids ("<seq>-<idx>") and its cursors are the same on each. The feed is
// saved beside the snapshots whenever one is written and at a clean shutdown; a start
// restores it and the node replays the journal after it.
package feed

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/scfx/scfx/internal/fsutil"
	"github.com/scfx/scfx/matcher"
)

// Retention: how many of its latest events a feed keeps.
const (
	DefaultKeepPerParticipant = 1_000
	DefaultKeepOperator       = 20_000
	// Operator is the feed that holds every event.
	Operator = matcher.ActorOperator
)

// ID is an event's place in the journal: the entry's seq and the event's index in it.
type ID struct {
	Seq uint64
	Idx uint32
}

func (a ID) String() string {
	return strconv.FormatUint(a.Seq, 10) + "-" + strconv.FormatUint(uint64(a.Idx), 10)
}

// Less orders ids as the journal does.
func (a ID) Less(b ID) bool { return a.Seq < b.Seq || a.Seq == b.Seq && a.Idx < b.Idx }

// IDOf is the id of an event.
func IDOf(e *matcher.Event) ID { return ID{e.Seq, e.Idx} }

// ParseID reads "<seq>-<idx>".
func ParseID(s string) (ID, error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok || len(s) > 41 {
		return ID{}, errors.New("an event id is <seq>-<idx>")
	}
	seq, err1 := strconv.ParseUint(a, 10, 64)
	idx, err2 := strconv.ParseUint(b, 10, 32)
	if err1 != nil || err2 != nil || a != strconv.FormatUint(seq, 10) || b != strconv.FormatUint(idx, 10) {
		return ID{}, errors.New("an event id is <seq>-<idx>, two decimal numbers")
	}
	return ID{seq, uint32(idx)}, nil
}

// ErrCursorExpired: events after the cursor are no longer kept.
var ErrCursorExpired = errors.New("feed: the cursor is older than the events kept")

// Config sets the retention; zero values are the defaults.
type Config struct {
	Path               string // the file the feed is saved to; "": never saved
	KeepPerParticipant int
	KeepOperator       int
}

// Feed is every participant's feed. Safe for concurrent use: the node adds, the API
// reads.
type Feed struct {
	cfg Config

	mu sync.RWMutex
	// seq is the last entry whose events the feed holds; floor the last entry whose
	// events may be missing (the feed was restarted without them): a cursor below it
	// has lost events.
	seq, floor uint64
	rings      map[string]*ring
	saveMu     sync.Mutex

	// waits are the channels readers of each feed wait on (Changed): an Add closes and
	// forgets those of the feeds it adds to — every one when a gap moves the floor —
	// so that an entry wakes the readers it concerns, not every reader of every feed.
	// waitMu is taken after mu, never before.
	waitMu sync.Mutex
	waits  map[string]chan struct{}
}

// ring is one participant's kept events, oldest first; dropped is the newest event
// it let go of (the zero ID: none).
type ring struct {
	evs     []*matcher.Event
	dropped ID
}

func (r *ring) add(e *matcher.Event, keep int) {
	r.evs = append(r.evs, e)
	if n := len(r.evs) - keep; n > 0 {
		// Slicing from the front is O(1); the next append that outgrows the array
		// copies only the kept events, so a ring holds at most about 2×keep.
		r.dropped = IDOf(r.evs[n-1])
		r.evs = r.evs[n:]
	}
}

// New is an empty feed.
func New(cfg Config) *Feed {
	if cfg.KeepPerParticipant <= 0 {
		cfg.KeepPerParticipant = DefaultKeepPerParticipant
	}
	if cfg.KeepOperator <= 0 {
		cfg.KeepOperator = DefaultKeepOperator
	}
	return &Feed{cfg: cfg, rings: map[string]*ring{}, waits: map[string]chan struct{}{}}
}

// Seq is the last entry whose events the feed holds.
func (f *Feed) Seq() uint64 {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.seq
}

// Changed is closed when events are next added to who's feed, or when a gap expires
// cursors. A reader takes it before it reads, so that an Add between the two is not
// missed.
func (f *Feed) Changed(who string) <-chan struct{} {
	f.waitMu.Lock()
	defer f.waitMu.Unlock()
	ch := f.waits[who]
	if ch == nil {
		ch = make(chan struct{})
		f.waits[who] = ch
	}
	return ch
}

// Add records that entries from..to were applied, with their events (in order). An
// entry the feed already holds is skipped (a replay after a restore); a gap (from
// beyond the next entry) moves the floor: the events of the entries missed are lost.
func (f *Feed) Add(from, to uint64, evs []matcher.Event) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if to <= f.seq {
		return
	}
	held, gap := f.seq, from > f.seq+1
	if gap {
		f.floor = from - 1
	}
	for i := range evs {
		if evs[i].Seq <= f.seq {
			continue
		}
		// A copy of its own: a pointer into evs would keep the whole batch alive for
		// as long as any ring keeps one of its events.
		e := new(matcher.Event)
		*e = evs[i]
		f.addLocked(e)
	}
	f.seq = to
	f.wake(gap, held, evs)
}

// wake closes the channels of the readers waiting on the feeds evs were added to (the
// operator's and the audience of each event after the entry held), or of every
// reader after a gap.
func (f *Feed) wake(gap bool, held uint64, evs []matcher.Event) {
	f.waitMu.Lock()
	defer f.waitMu.Unlock()
	if len(f.waits) == 0 || !gap && len(evs) == 0 {
		return
	}
	if gap {
		for who, ch := range f.waits {
			close(ch)
			delete(f.waits, who)
		}
		return
	}
	if evs[len(evs)-1].Seq <= held {
		return // every one was held already (a replay)
	}
	f.wakeLocked(Operator)
	for i := range evs {
		if evs[i].Seq <= held {
			continue
		}
		for _, p := range evs[i].Audience {
			f.wakeLocked(p)
		}
	}
}

func (f *Feed) wakeLocked(who string) {
	if ch, ok := f.waits[who]; ok {
		close(ch)
		delete(f.waits, who)
	}
}

func (f *Feed) addLocked(e *matcher.Event) {
	f.ringOf(Operator).add(e, f.cfg.KeepOperator)
	for _, p := range e.Audience {
		f.ringOf(p).add(e, f.cfg.KeepPerParticipant)
	}
}

func (f *Feed) ringOf(p string) *ring {
	r := f.rings[p]
	if r == nil {
		r = &ring{}
		f.rings[p] = r
	}
	return r
}

// Read returns up to limit events of who's feed after the cursor (none: from the
// oldest kept). ErrCursorExpired when events after it were let go.
func (f *Feed) Read(who string, after *ID, limit int) ([]matcher.Event, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	r := f.rings[who]
	if after != nil && (after.Seq < f.floor || r != nil && after.Less(r.dropped)) {
		return nil, ErrCursorExpired
	}
	if r == nil {
		return nil, nil
	}
	i := 0
	if after != nil {
		i, _ = slices.BinarySearchFunc(r.evs, *after, func(e *matcher.Event, id ID) int {
			switch x := IDOf(e); {
			case x.Less(id):
				return -1
			case id.Less(x):
				return 1
			}
			return 0
		})
		if i < len(r.evs) && IDOf(r.evs[i]) == *after {
			i++
		}
	}
	n := min(limit, len(r.evs)-i)
	if n <= 0 {
		return nil, nil
	}
	out := make([]matcher.Event, n)
	for k := range n {
		out[k] = *r.evs[i+k]
	}
	return out, nil
}

// file is the feed on disk: every event some ring keeps, once, in journal order, and
// what each ring let go of.
type file struct {
	Version int              `json:"version"`
	Seq     uint64           `json:"seq"`
	Floor   uint64           `json:"floor"`
	Events  []*matcher.Event `json:"events"`
	Dropped map[string]ID    `json:"dropped"`
}

const fileVersion = 1

// Save writes the feed to its file (written whole or not at all).
func (f *Feed) Save() error {
	if f.cfg.Path == "" {
		return nil
	}
	f.saveMu.Lock()
	defer f.saveMu.Unlock()
	body, err := json.Marshal(f.snapshot())
	if err != nil {
		return fmt.Errorf("feed: save: %w", err)
	}
	if err := fsutil.WriteFileAtomic(f.cfg.Path, body, 0o600); err != nil {
		return fmt.Errorf("feed: save: %w", err)
	}
	return nil
}

// snapshot is the feed as of now: under the read lock it only takes each ring's
// events as they stand (Add never writes into what a ring already holds: it appends
// past it or drops from its front, and the events are never changed), so that the
// applier's next Add does not wait for the merge and sort of every kept event.
func (f *Feed) snapshot() file {
	f.mu.RLock()
	out := file{Version: fileVersion, Seq: f.seq, Floor: f.floor, Dropped: map[string]ID{}}
	held := make([][]*matcher.Event, 0, len(f.rings))
	n := 0
	for p, r := range f.rings {
		if r.dropped != (ID{}) {
			out.Dropped[p] = r.dropped
		}
		held = append(held, r.evs)
		n += len(r.evs)
	}
	f.mu.RUnlock()
	if snapshotTaken != nil {
		snapshotTaken()
	}
	// Every kept event once, in journal order: an event kept by several rings is one
	// pointer, so after sorting by id its copies are neighbours.
	if n > 0 {
		out.Events = make([]*matcher.Event, 0, n)
	}
	for _, evs := range held {
		out.Events = append(out.Events, evs...)
	}
	slices.SortFunc(out.Events, func(a, b *matcher.Event) int {
		switch x, y := IDOf(a), IDOf(b); {
		case x.Less(y):
			return -1
		case y.Less(x):
			return 1
		}
		return 0
	})
	out.Events = slices.Compact(out.Events)
	return out
}

// snapshotTaken, when set (tests), runs once snapshot has let go of the lock.
var snapshotTaken func()

// Open loads the feed saved at cfg.Path; a missing file is an empty feed.
func Open(cfg Config) (*Feed, error) {
	f := New(cfg)
	if cfg.Path == "" {
		return f, nil
	}
	body, err := os.ReadFile(cfg.Path)
	if errors.Is(err, os.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return nil, fmt.Errorf("feed: open: %w", err)
	}
	var in file
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, fmt.Errorf("feed: %s: %w", cfg.Path, err)
	}
	if in.Version != fileVersion {
		return nil, fmt.Errorf("feed: %s: version %d, want %d", cfg.Path, in.Version, fileVersion)
	}
	for _, e := range in.Events {
		f.addLocked(e)
	}
	for p, id := range in.Dropped {
		if r := f.rings[p]; r == nil || r.dropped.Less(id) {
			f.ringOf(p).dropped = id
		}
	}
	f.seq, f.floor = in.Seq, in.Floor
	return f, nil
}
