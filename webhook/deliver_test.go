// SPDX-License-Identifier: Apache-2.0

package webhook_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/scfx/scfx/api"
	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/feed"
	"github.com/scfx/scfx/journal"
	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/node"
	"github.com/scfx/scfx/uscc"
	"github.com/scfx/scfx/webhook"
)

var testKey = []byte("fedcba9876543210fedcba9876543210")

// env is a node with its feed in dir, as a replica runs them.
type env struct {
	t    *testing.T
	dir  string
	n    *node.Node
	f    *feed.Feed
	pid  string // the participant whose feed is delivered
	hook *matcher.Webhook
}

func openEnv(t *testing.T, dir string) *env {
	t.Helper()
	j, err := journal.OpenFile(filepath.Join(dir, "journal"), journal.FileOptions{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	f, err := feed.Open(feed.Config{Path: filepath.Join(dir, "feed.json")})
	if err != nil {
		t.Fatal(err)
	}
	n, err := node.Open(context.Background(), node.Config{Journal: j, SnapshotDir: filepath.Join(dir, "snapshots"), Feed: f})
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, dir: dir, n: n, f: f}
}

func (e *env) submit(cmd matcher.Command) matcher.Result {
	e.t.Helper()
	r, err := e.n.Submit(context.Background(), cmd)
	if err != nil || r.Err != nil {
		e.t.Fatalf("%s: %v %v", cmd.Kind(), err, r.Err)
	}
	return r
}

// setup makes a lender and registers its webhook to url (by the operator).
func (e *env) setup(url string) {
	code, _ := uscc.Make('9', '1', "320400", "MA0000001")
	r := e.submit(matcher.Command{Actor: matcher.ActorOperator, Payload: &matcher.CreateParticipant{
		Name: "银行", USCC: code, Role: "lender", TokenHash: fmt.Sprintf("%064x", 1)}})
	e.pid = r.Participant.ID
	r = e.submit(matcher.Command{Actor: matcher.ActorOperator, Payload: &matcher.RegisterWebhook{
		ParticipantID: e.pid, URL: url, Salt: webhook.NewSalt(), KeyID: webhook.KeyID(testKey)}})
	e.hook = r.Webhook
}

// events makes k events in the participant's feed: it is suspended and reinstated.
func (e *env) events(k int) {
	e.t.Helper()
	for i := range k {
		st := matcher.StatusSuspended
		if i%2 == 1 {
			st = matcher.StatusActive
		}
		e.submit(matcher.Command{Actor: matcher.ActorOperator, Payload: &matcher.SetStatus{ParticipantID: e.pid, Status: st}})
	}
}

// want is the ids of the participant's events after the registration.
func (e *env) want() []string {
	start := webhook.Start(e.hook)
	evs, err := e.f.Read(e.pid, &start, 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for i := range evs {
		out = append(out, feed.IDOf(&evs[i]).String())
	}
	return out
}

func (e *env) stored() matcher.Webhook {
	var w *matcher.Webhook
	e.n.View(func(m *matcher.Matcher) { w, _ = m.Webhook(matcher.ActorOperator, e.hook.ID) })
	return *w
}

// fakeClock is the deliverer's clock: Sleep moves it at once and records the delay;
// onSleep, if set, runs first (with the number of the sleep, from 1).
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	sleeps  []time.Duration
	onSleep func(n int)
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.sleeps = append(c.sleeps, d)
	n, f := len(c.sleeps), c.onSleep
	c.now = c.now.Add(d)
	c.mu.Unlock()
	if f != nil {
		f(n)
	}
	return ctx.Err()
}

func (c *fakeClock) delays() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.sleeps)
}

// receiver records what a webhook receiver gets; fail decides an answer per request
// (0: 200).
type receiver struct {
	t      *testing.T
	clock  *fakeClock
	secret func() string
	mu     sync.Mutex
	got    []string // event ids of the requests answered 2xx, in order
	all    int
	fail   func(n int) (status int, hang time.Duration)
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	rc.all++
	n := rc.all
	rc.mu.Unlock()
	if err := webhook.Verify(rc.secret(), r.Header.Get(webhook.HeaderSignature), body, rc.clock.Now(), 5*time.Minute); err != nil {
		rc.t.Errorf("request %d: %v", n, err)
	}
	var ev wire.Event
	if err := json.Unmarshal(body, &ev); err != nil || ev.ID == "" || ev.ID != r.Header.Get(webhook.HeaderEventID) {
		rc.t.Errorf("request %d: body %s, Scfx-Event-Id %q", n, body, r.Header.Get(webhook.HeaderEventID))
	}
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
		rc.t.Errorf("request %d: %s %s", n, r.Method, r.Header.Get("Content-Type"))
	}
	if rc.fail != nil {
		if status, hang := rc.fail(n); status != 0 || hang != 0 {
			time.Sleep(hang)
			if status != 0 {
				w.WriteHeader(status)
			}
			return
		}
	}
	rc.mu.Lock()
	rc.got = append(rc.got, ev.ID)
	rc.mu.Unlock()
}

func (rc *receiver) received() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return slices.Clone(rc.got)
}

// serveSigned sets e up with a webhook to a loopback receiver that checks each
// delivery's signature under the webhook's secret, on a fake clock.
func (e *env) serveSigned(t *testing.T) (*receiver, *fakeClock) {
	t.Helper()
	clock := &fakeClock{now: time.Now()}
	rc := &receiver{t: t, clock: clock}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	e.setup(srv.URL)
	rc.secret = func() string { return webhook.Secret(testKey, e.hook) }
	return rc, clock
}

// running runs d until the returned stop is called; stop returns once Run has.
func running(d *webhook.Deliverer) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); d.Run(ctx) }()
	return func() { cancel(); <-done }
}

func deliverer(e *env, clock *fakeClock, mod func(*webhook.Config)) *webhook.Deliverer {
	cfg := webhook.Config{
		Node: e.n, Feed: e.f, Key: testKey, View: func(ev *matcher.Event) any { return api.ViewEvent(ev) },
		Timeout: 2 * time.Second, CheckpointEvery: 20 * time.Millisecond, ReconcileEvery: 10 * time.Millisecond,
		Now: clock.Now, Sleep: clock.Sleep, Jitter: func() float64 { return 0.5 },
	}
	if mod != nil {
		mod(&cfg)
	}
	return webhook.New(cfg)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// firstArrivals is ids without repeats, in the order they first came.
func firstArrivals(ids []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// TestDeliverFailsAndRecovers: the receiver answers 500 twice, then hangs past the
// timeout, then refuses connections (its listener closed), then recovers on the same
// port. Every event arrives, in order, signed, and the retries are spaced per the
// backoff; the cursor is checkpointed through the journal.
func TestDeliverFailsAndRecovers(t *testing.T) {
	e := openEnv(t, t.TempDir())
	defer e.n.Close()
	clock := &fakeClock{now: time.Now()}
	rc := &receiver{t: t, clock: clock}
	rc.fail = func(n int) (int, time.Duration) {
		switch n {
		case 1, 2:
			return http.StatusInternalServerError, 0
		case 3:
			return 0, 2500 * time.Millisecond // the client's timeout is 2 s
		}
		return 0, 0
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	srv := httptest.NewUnstartedServer(rc)
	srv.Listener = ln
	srv.Start()
	var srv2 *httptest.Server
	defer func() {
		srv.Close()
		if srv2 != nil {
			srv2.Close()
		}
	}()
	clock.onSleep = func(n int) {
		switch n {
		case 3: // after the timeout: nobody listens (connection refused)
			srv.Close()
		case 4: // after the refusal: back, on the same port
			l, err := net.Listen("tcp", addr)
			if err != nil {
				t.Errorf("listen again on %s: %v", addr, err)
				return
			}
			srv2 = httptest.NewUnstartedServer(rc)
			srv2.Listener = l
			srv2.Start()
		}
	}
	e.setup("http://" + addr + "/hook")
	d := deliverer(e, clock, nil)
	rc.secret = func() string { return webhook.Secret(testKey, e.hook) }
	e.events(3)
	defer running(d)()
	e.events(3) // more while it delivers
	want := e.want()
	if len(want) != 6 {
		t.Fatalf("%d events in the feed, want 6", len(want))
	}
	waitFor(t, "every event", func() bool { return len(firstArrivals(rc.received())) == len(want) })
	if got := firstArrivals(rc.received()); !slices.Equal(got, want) {
		t.Fatalf("arrived %v, want %v in this order", got, want)
	}
	// Four failed attempts of the first event: 500, 500, timeout, refused; the delays
	// before attempts 2..5 are first·2^(n-1) with the jitter's middle (3/4 of it).
	wantDelays := []time.Duration{7500 * time.Millisecond, 15 * time.Second, 30 * time.Second, 60 * time.Second}
	if got := clock.delays(); !slices.Equal(got, wantDelays) {
		t.Fatalf("delays %v, want %v", got, wantDelays)
	}
	// The receiver has a request before the deliverer has its answer: wait for the
	// deliverer to record the last one.
	waitFor(t, "every delivery recorded", func() bool {
		for _, x := range d.Deliveries(e.hook.ID, 100) {
			if x.Status == webhook.StatusPending {
				return false
			}
		}
		return true
	})
	ds := d.Deliveries(e.hook.ID, 100)
	if len(ds) != 6 || ds[len(ds)-1].EventID != want[0] || ds[len(ds)-1].Attempts != 5 || ds[len(ds)-1].Status != webhook.StatusDelivered {
		t.Fatalf("deliveries %+v", ds)
	}
	for _, x := range ds {
		if x.Status != webhook.StatusDelivered {
			t.Errorf("delivery %s: %s", x.EventID, x.Status)
		}
	}
	if first := ds[len(ds)-1]; first.LastStatus == nil || *first.LastStatus != 200 {
		t.Errorf("first event's last status %v, want 200", first.LastStatus)
	}
	waitFor(t, "the checkpoint", func() bool { return e.stored().Cursor == want[len(want)-1] })
	if w := e.stored(); w.Abandoned != 0 {
		t.Fatalf("abandoned %d, want 0", w.Abandoned)
	}
}

// TestDeliverRetryingIsVisible: while a receiver fails, the delivery is retrying with
// its last status and next attempt, and another webhook's receiver is not held up.
func TestDeliverRetryingIsVisible(t *testing.T) {
	e := openEnv(t, t.TempDir())
	defer e.n.Close()
	clock := &fakeClock{now: time.Now()}
	block := make(chan struct{})
	var once sync.Once
	clock.onSleep = func(int) { once.Do(func() { <-block }) } // the first retry waits
	failing := &receiver{t: t, clock: clock, fail: func(int) (int, time.Duration) { return http.StatusServiceUnavailable, 0 }}
	srv := httptest.NewServer(failing)
	defer srv.Close()
	e.setup(srv.URL + "/a")
	failing.secret = func() string { return webhook.Secret(testKey, e.hook) }
	// A second webhook of the same participant, to a healthy receiver.
	healthy := &receiver{t: t, clock: clock}
	srv2 := httptest.NewServer(healthy)
	defer srv2.Close()
	r := e.submit(matcher.Command{Actor: matcher.ActorOperator, Payload: &matcher.RegisterWebhook{
		ParticipantID: e.pid, URL: srv2.URL + "/b", Salt: webhook.NewSalt(), KeyID: webhook.KeyID(testKey)}})
	second := r.Webhook
	healthy.secret = func() string { return webhook.Secret(testKey, second) }
	e.events(4)
	d := deliverer(e, clock, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); d.Run(ctx) }()
	defer func() { cancel(); close(block); <-done }() // the receiver's block is lifted only once Run is told to stop
	waitFor(t, "the healthy webhook's events", func() bool { return len(healthy.received()) == 4 })
	waitFor(t, "a retrying delivery", func() bool {
		ds := d.Deliveries(e.hook.ID, 10)
		return len(ds) == 1 && ds[0].Status == webhook.StatusRetrying
	})
	x := d.Deliveries(e.hook.ID, 10)[0]
	if x.Attempts != 1 || x.LastStatus == nil || *x.LastStatus != 503 || x.LastError == nil || x.NextAttemptAt == nil {
		t.Fatalf("retrying delivery %+v", x)
	}
	if d.Deliveries("wh_99", 10) != nil {
		t.Fatal("deliveries of an unknown webhook")
	}
}

// TestDeliverAbandonsAfter24h: a receiver that never recovers: each event is retried
// until 24 hours after it, with delays capped at an hour, then abandoned; the webhook
// moves on and the checkpoint counts the abandoned events.
func TestDeliverAbandonsAfter24h(t *testing.T) {
	e := openEnv(t, t.TempDir())
	defer e.n.Close()
	rc := &receiver{t: t, fail: func(int) (int, time.Duration) { return http.StatusInternalServerError, 0 }}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	e.setup(srv.URL)
	rc.secret = func() string { return webhook.Secret(testKey, e.hook) }
	e.events(2)
	want := e.want()
	// The clock starts after the events: each has less than 24 h left.
	clock := &fakeClock{now: time.Now()}
	rc.clock = clock
	d := deliverer(e, clock, nil)
	defer running(d)()
	waitFor(t, "both abandoned", func() bool {
		ds := d.Deliveries(e.hook.ID, 10)
		return len(ds) == 2 && ds[0].Status == webhook.StatusAbandoned && ds[1].Status == webhook.StatusAbandoned
	})
	var total time.Duration
	for _, s := range clock.delays() {
		if s > time.Hour {
			t.Fatalf("a delay of %s, more than the cap", s)
		}
		total += s
	}
	// The first event's retries span its 24 hours (it was made just before the clock
	// started); the second, as old, gets one attempt and is abandoned. The last delay
	// ends at the deadline, not past it.
	if total < 24*time.Hour-time.Minute || total > 24*time.Hour {
		t.Fatalf("retries spanned %s, want 24h", total)
	}
	ds := d.Deliveries(e.hook.ID, 10)
	if ds[1].EventID != want[0] || ds[1].Attempts < 25 || ds[0].EventID != want[1] || ds[0].Attempts != 1 {
		t.Fatalf("deliveries %+v", ds)
	}
	waitFor(t, "the checkpoint", func() bool { w := e.stored(); return w.Cursor == want[1] && w.Abandoned == 2 })
}

// TestDeliverResumesAfterRestart: a deliverer stops (its node restarts) with events
// not yet delivered; the next one, on the reopened node, continues from the journaled
// checkpoint: every event arrives, in order, and those delivered before are not sent
// again.
func TestDeliverResumesAfterRestart(t *testing.T) {
	dir := t.TempDir()
	e := openEnv(t, dir)
	rc, clock := e.serveSigned(t)
	e.events(3)
	d := deliverer(e, clock, func(c *webhook.Config) { c.CheckpointEvery = time.Hour }) // only the last checkpoint
	stop := running(d)
	waitFor(t, "the first events", func() bool { return len(rc.received()) == 3 })
	stop()
	first := e.want()
	if w := e.stored(); w.Cursor != first[2] {
		t.Fatalf("cursor after the deliverer stopped: %q, want %s", w.Cursor, first[2])
	}
	e.events(3) // while no deliverer runs
	if err := e.n.Close(); err != nil {
		t.Fatal(err)
	}

	pid, hook := e.pid, e.hook
	e = openEnv(t, dir)
	defer e.n.Close()
	e.pid, e.hook = pid, hook
	d = deliverer(e, clock, nil)
	defer running(d)()
	e.events(2) // and after the restart
	want := e.want()
	if len(want) != 8 {
		t.Fatalf("%d events in the reopened feed, want 8", len(want))
	}
	waitFor(t, "every event", func() bool { return len(rc.received()) >= len(want) })
	if got := rc.received(); !slices.Equal(got, want) {
		t.Fatalf("received %v, want %v (each once, in order)", got, want)
	}
	waitFor(t, "the checkpoint", func() bool { return e.stored().Cursor == want[len(want)-1] })
}

// TestDeliverSkipsAnotherKey: a registration made under another webhook key is not
// delivered (the secret cannot be derived) and says so.
func TestDeliverSkipsAnotherKey(t *testing.T) {
	e := openEnv(t, t.TempDir())
	defer e.n.Close()
	clock := &fakeClock{now: time.Now()}
	rc := &receiver{t: t, clock: clock, secret: func() string { return "" }}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	e.setup(srv.URL)
	e.events(1)
	d := deliverer(e, clock, func(c *webhook.Config) { c.Key = []byte("another key, another key, another") })
	defer running(d)()
	waitFor(t, "the webhook's record", func() bool { return len(d.Deliveries(e.hook.ID, 10)) == 1 })
	if x := d.Deliveries(e.hook.ID, 10)[0]; x.LastError == nil {
		t.Fatalf("delivery %+v, want the key mismatch", x)
	}
	time.Sleep(50 * time.Millisecond)
	if len(rc.received()) != 0 {
		t.Fatal("delivered under another key")
	}
}

// TestSignature: Sign and Verify agree, and Verify refuses a changed body, another
// secret and an old timestamp.
func TestSignature(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"id":"7-0"}`)
	h := webhook.Sign("whsec_x", now, body)
	if h[:13] != "t=1800000000," {
		t.Fatalf("header %s", h)
	}
	if err := webhook.Verify("whsec_x", h, body, now.Add(time.Minute), 5*time.Minute); err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"body":   webhook.Verify("whsec_x", h, []byte(`{"id":"7-1"}`), now, 5*time.Minute),
		"secret": webhook.Verify("whsec_y", h, body, now, 5*time.Minute),
		"old":    webhook.Verify("whsec_x", h, body, now.Add(time.Hour), 5*time.Minute),
		"header": webhook.Verify("whsec_x", "v1=00", body, now, 5*time.Minute),
	} {
		if err == nil {
			t.Errorf("%s: verified", name)
		}
	}
	if webhook.Backoff(10*time.Second, time.Hour, 1) != 10*time.Second || webhook.Backoff(10*time.Second, time.Hour, 12) != time.Hour {
		t.Fatal("Backoff")
	}
}

// TestDeliverRedeliversAfterLostCheckpoint: a deliverer that stops without its last
// checkpoint reaching the journal (a crash, a lost lease) — the next one starts from
// the last checkpoint that did and delivers those events again: at least once, in
// order, nothing missed.
func TestDeliverRedeliversAfterLostCheckpoint(t *testing.T) {
	dir := t.TempDir()
	e := openEnv(t, dir)
	rc, clock := e.serveSigned(t)
	e.events(3)
	first := e.want()
	d := deliverer(e, clock, func(c *webhook.Config) { c.CheckpointEvery = time.Hour })
	stop := running(d)
	waitFor(t, "the first events", func() bool { return len(rc.received()) == 3 })
	// The node goes away under the deliverer: its last checkpoint cannot be journaled.
	if err := e.n.Close(); err != nil {
		t.Fatal(err)
	}
	stop()

	pid, hook := e.pid, e.hook
	e = openEnv(t, dir)
	defer e.n.Close()
	e.pid, e.hook = pid, hook
	if w := e.stored(); w.Cursor != "" {
		t.Fatalf("cursor %q journaled, want none", w.Cursor)
	}
	d = deliverer(e, clock, nil)
	defer running(d)()
	e.events(2)
	want := e.want()
	waitFor(t, "every event again", func() bool { return len(rc.received()) == 3+len(want) })
	if got := rc.received(); !slices.Equal(got, append(slices.Clone(first), want...)) {
		t.Fatalf("received %v, want %v then %v", got, first, want)
	}
	waitFor(t, "the checkpoint", func() bool { return e.stored().Cursor == want[len(want)-1] })
}
