// SPDX-License-Identifier: Apache-2.0

package node

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scfx/scfx/journal"
	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/uscc"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// --clear-every: the node clears every book in auction mode on its schedule, as
// journal entries, and logs each book's report.
func TestClearEveryClearsAuctionBooks(t *testing.T) {
	dir := t.TempDir()
	j, err := journal.OpenFile(filepath.Join(dir, "journal"), journal.FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	n, err := Open(context.Background(), Config{Journal: j, SnapshotDir: filepath.Join(dir, "snapshots"),
		ClearEvery: 20 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	code, _ := uscc.Make('9', '1', "330206", "MA0000001")
	core := matcher.Command{Actor: matcher.ActorOperator, Payload: &matcher.CreateParticipant{
		Name: "宁波整车制造有限公司", USCC: code, Role: "core", Rating: "AAA",
		Address: "0x00000000000000000000000000000000000000c1", TokenHash: strings.Repeat("ab", 32),
	}}
	mode := matcher.Command{Actor: matcher.ActorOperator, Payload: &matcher.SetBookMode{CoreID: "par_1", Mode: matcher.BookAuction}}
	for _, c := range []matcher.Command{core, mode} {
		if r, err := n.Submit(context.Background(), c); err != nil || r.Err != nil {
			t.Fatalf("Submit(%s) = %v, %v", c.Kind(), r.Err, err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), "auction cleared") {
		if time.Now().After(deadline) {
			t.Fatalf("no auction cleared within 10 s; log:\n%s", logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), "core=par_1") {
		t.Fatalf("the report does not name the book: %s", logs.String())
	}
}

// A snapshot that reads back whole but breaks an invariant is not served: Open
// refuses it, naming the invariant (docs/operations.md, "Panics and invariants").
func TestOpenRefusesASnapshotThatBreaksAnInvariant(t *testing.T) {
	dir := t.TempDir()
	n := openNode(t, dir, 0)
	lender := participantCmd(1)
	code, _ := uscc.Make('9', '1', "330206", "MA0000009")
	core := matcher.Command{Actor: matcher.ActorOperator, Payload: &matcher.CreateParticipant{
		Name: "宁波整车制造有限公司", USCC: code, Role: "core", Rating: "AAA",
		Address: "0x00000000000000000000000000000000000000c1", TokenHash: strings.Repeat("cd", 32),
	}}
	offer := matcher.Command{Actor: "par_1", Payload: &matcher.PostOffer{
		CoreID: "par_2", LineAmount: 1_000_000, RatesBps: matcher.Rates{A: 300}, MaxTenorDays: 90,
	}}
	for _, c := range []matcher.Command{lender, core, offer} {
		if r, err := n.Submit(context.Background(), c); err != nil || r.Err != nil {
			t.Fatalf("Submit(%s) = %v, %v", c.Kind(), r.Err, err)
		}
	}
	if err := n.Snapshot(); err != nil {
		t.Fatal(err)
	}
	seq := n.SnapshotSeq()
	n.Close()
	body, err := readSnapshot(filepath.Join(dir, "snapshots"), seq)
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(body), `"reserved":0`, `"reserved":5000000`, 1)
	if broken == string(body) {
		t.Fatal("fixture: no reserved amount to break")
	}
	if _, err := writeSnapshot(filepath.Join(dir, "snapshots"), seq, []byte(broken)); err != nil {
		t.Fatal(err)
	}
	j, err := journal.OpenFile(filepath.Join(dir, "journal"), journal.FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	_, err = Open(context.Background(), Config{Journal: j, SnapshotDir: filepath.Join(dir, "snapshots")})
	if !errors.Is(err, ErrInvariant) || !strings.Contains(err.Error(), "offer off_1") {
		t.Fatalf("Open(broken snapshot) = %v, want ErrInvariant naming offer off_1", err)
	}
}
