// SPDX-License-Identifier: Apache-2.0

package replica

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/scfx/scfx/feed"
	"github.com/scfx/scfx/internal/gethtest"
	"github.com/scfx/scfx/journal"
	"github.com/scfx/scfx/journal/redistest"
	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/uscc"
)

var quiet = slog.New(slog.DiscardHandler)

// run starts r.Run and returns a stop that cancels it and waits until it returned.
func run(t *testing.T, r *Replica) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); r.Run(ctx) }()
	var stopped bool
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatalf("Run did not return within 30s of its context ending")
		}
	}
	t.Cleanup(stop)
	return stop
}

// waitFor polls cond every 20ms until it holds or d passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func boundRegistry(r *Replica) string {
	var reg string
	r.Node().View(func(m *matcher.Matcher) {
		if l := m.Ledger(); l != nil {
			reg = l.Registry.Hex()
		}
	})
	return reg
}

func appliedSeq(r *Replica) uint64 {
	var s uint64
	r.Node().View(func(m *matcher.Matcher) { s = m.AppliedSeq() })
	return s
}

// createClusters submits n operator commands through r.
func createClusters(t *testing.T, r *Replica, n int) {
	t.Helper()
	for i := range n {
		submitSure(t, r, fmt.Sprintf("create cluster %d", i), matcher.Command{
			Actor: matcher.ActorOperator, Payload: &matcher.CreateCluster{
				Name: fmt.Sprintf("宁波汽车零部件产业集群 %d", i), CountyCode: "330206", Level: "national",
				Industry: "汽车零部件", ValidUntil: time.Now().AddDate(3, 0, 0).Format(time.DateOnly),
			}})
	}
}

// submitSure submits cmd through r as a client does: under an idempotency key, sent
// again while the journal answers that the append's outcome is unknown (a Redis reply
// that timed out on a loaded machine), so the command is applied exactly once.
var submitSureSeq atomic.Int64

func submitSure(t *testing.T, r *Replica, what string, cmd matcher.Command) {
	t.Helper()
	key := fmt.Sprintf("%s #%d", what, submitSureSeq.Add(1))
	cmd.IdemKey, cmd.IdemHash = key, key
	for attempt := 1; ; attempt++ {
		res, err := r.Node().Submit(context.Background(), cmd)
		if errors.Is(err, journal.ErrUncertain) && attempt < 5 {
			t.Logf("%s: %v; again with the same idempotency key", what, err)
			time.Sleep(time.Duration(attempt) * 200 * time.Millisecond)
			continue
		}
		if err != nil || res.Err != nil {
			t.Fatalf("%s: %v %v", what, err, res.Err)
		}
		return
	}
}

// createLenders onboards lenders from..to-1 through r.
func createLenders(t *testing.T, r *Replica, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		code, _ := uscc.Make('9', '1', "330206", fmt.Sprintf("MA%07d", i))
		submitSure(t, r, fmt.Sprintf("create lender %d", i), matcher.Command{
			Actor: matcher.ActorOperator, Payload: &matcher.CreateParticipant{
				Name: fmt.Sprintf("银行 %d", i), USCC: code, Role: "lender", TokenHash: fmt.Sprintf("%064x", i+1),
			}})
	}
}

func operatorFeed(t *testing.T, r *Replica) []matcher.Event {
	t.Helper()
	evs, err := r.Feed().Read(feed.Operator, nil, 500)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// Embedded mode: a file journal and the embedded chain, bound on the first start and
// the same binding on the next; this replica always anchors and is ready; Run ends
// with its context.
func TestEmbeddedLifecycle(t *testing.T) {
	dir := t.TempDir()
	r, err := Open(context.Background(), Config{DataDir: dir, NodeID: "a"}, quiet)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if r.JournalKind() != "file" || !r.IsAnchorer() {
		t.Errorf("JournalKind %q IsAnchorer %v, want file and true", r.JournalKind(), r.IsAnchorer())
	}
	if err := r.Ready(context.Background()); err != nil {
		t.Errorf("Ready = %v", err)
	}
	reg := boundRegistry(r)
	if reg == "" || reg != r.Chain().Registry().Hex() {
		t.Fatalf("journal bound to registry %q, want the chain's %s", reg, r.Chain().Registry().Hex())
	}
	stop := run(t, r)
	createClusters(t, r, 3)
	seq := appliedSeq(r)
	stop()
	if err := r.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	r2, err := Open(context.Background(), Config{DataDir: dir, NodeID: "a"}, quiet)
	if err != nil {
		t.Fatalf("Open again: %v", err)
	}
	defer r2.Close()
	if got := boundRegistry(r2); got != reg {
		t.Errorf("after a restart bound to %s, want %s", got, reg)
	}
	if got := appliedSeq(r2); got != seq {
		t.Errorf("after a restart applied seq %d, want %d", got, seq)
	}
}

func TestDistributedNeedsAChainOfItsOwn(t *testing.T) {
	_, err := Open(context.Background(), Config{DataDir: t.TempDir(), NodeID: "a", RedisURL: "redis://127.0.0.1:1/0"}, quiet)
	if err == nil || !strings.Contains(err.Error(), "--eth-rpc") {
		t.Fatalf("Open(redis, no eth rpc) = %v, want an error asking for --eth-rpc", err)
	}
}

// Distributed mode: two replicas on one Redis journal and one chain. The second
// adopts the registry the first bound; exactly one holds the lease and anchors; the
// holder trims the journal below every replica's snapshots; when it stops, the other
// takes over after catching up.
func TestDistributedLeaseAndTrim(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Redis and geth; make test runs it")
	}
	rs := redistest.Start(t)
	g := gethtest.Start(t, filepath.Join(t.TempDir(), "geth"), 0)
	keyFile := gethtest.WriteKeyFile(t, filepath.Join(t.TempDir(), "operator.key"), g.FundedKey(t, 100))
	cfg := func(id string) Config {
		return Config{
			DataDir: t.TempDir(), NodeID: id, RedisURL: rs.URL(), EthRPC: g.URL(), EthKeyFile: keyFile,
			LeaseTTL: 500 * time.Millisecond, TrimEvery: 50 * time.Millisecond, TickEvery: 50 * time.Millisecond,
			AnchorMaxDelay: 50 * time.Millisecond,
		}
	}
	ctx := context.Background()
	a, err := Open(ctx, cfg("a"), quiet)
	if err != nil {
		t.Fatalf("Open a: %v", err)
	}
	defer a.Close()
	b, err := Open(ctx, cfg("b"), quiet)
	if err != nil {
		t.Fatalf("Open b: %v", err)
	}
	defer b.Close()
	if a.JournalKind() != "redis" || boundRegistry(b) != boundRegistry(a) || boundRegistry(a) == "" {
		t.Fatalf("journal %q; registries a %q b %q, want redis and one registry", a.JournalKind(), boundRegistry(a), boundRegistry(b))
	}
	stopA, stopB := run(t, a), run(t, b)
	waitFor(t, 10*time.Second, "one replica holds the lease", func() bool { return a.IsAnchorer() != b.IsAnchorer() })
	for range 10 {
		if a.IsAnchorer() == b.IsAnchorer() {
			t.Fatalf("anchorers: a %v b %v, want exactly one", a.IsAnchorer(), b.IsAnchorer())
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, r := range []*Replica{a, b} {
		if err := r.Ready(ctx); err != nil {
			t.Errorf("%s: Ready = %v", r.cfg.NodeID, err)
		}
	}

	// Trim: both replicas snapshot past some commands and publish it; the holder
	// trims the stream below the older of the two.
	rdb := redis.NewClient(&redis.Options{Addr: rs.Addr()})
	defer rdb.Close()
	streamLen := func() int64 { n, _ := rdb.XLen(ctx, "scfx:{main}:log").Result(); return n }
	createClusters(t, a, 20)
	waitFor(t, 10*time.Second, "b applies a's commands", func() bool { return appliedSeq(b) >= appliedSeq(a) })

	// The event feed is derived from the journal: commands sent to either replica give
	// both the same events with the same ids.
	createLenders(t, a, 0, 3)
	createLenders(t, b, 3, 6)
	waitFor(t, 10*time.Second, "both replicas apply every command", func() bool { return appliedSeq(a) == appliedSeq(b) })
	feedA, feedB := operatorFeed(t, a), operatorFeed(t, b)
	if len(feedA) != 6 || !reflect.DeepEqual(feedA, feedB) {
		t.Fatalf("operator feeds differ or miss events:\n a %+v\n b %+v", feedA, feedB)
	}
	before := streamLen()
	for range 2 { // the oldest snapshot kept must cover the commands
		for _, r := range []*Replica{a, b} {
			if err := r.Node().Snapshot(); err != nil {
				t.Fatalf("snapshot: %v", err)
			}
		}
		createClusters(t, a, 1)
	}
	waitFor(t, 10*time.Second, fmt.Sprintf("the journal trimmed (stream had %d entries)", before), func() bool { return streamLen() < before })

	// Takeover: the holder stops; the other catches up and takes the lease.
	holder, other, stopHolder := a, b, stopA
	if b.IsAnchorer() {
		holder, other, stopHolder = b, a, stopB
	}
	createClusters(t, holder, 5)
	stopHolder()
	waitFor(t, 10*time.Second, other.cfg.NodeID+" takes the lease", other.IsAnchorer)
	if got, want := appliedSeq(other), appliedSeq(holder); got < want {
		t.Errorf("new holder applied %d, want at least %d (caught up first)", got, want)
	}
}
