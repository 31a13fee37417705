// SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/json"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/webhook"
)

// TestWebhookDeliveryAcrossLeaseFailover (docs/operations.md "Webhooks"): three
// `scfx serve` replicas on a real redis-server share one --webhook-key-file; a core
// registers a webhook to a receiver on loopback and invoices and confirmations flow
// through every replica. Exactly one replica delivers — the lease holder, the only
// one whose GET /v1/webhooks/{id}/deliveries says deliverer true. The holder is
// SIGKILLed mid-stream; another takes the lease and delivers from the last journaled
// checkpoint on. At the end the receiver has had every event of the core's feed after
// the registration, first deliveries in feed order, every signature valid, nothing
// that is not in the feed, and a second delivery only of events after the checkpoint
// the new holder started from (deduped by Scfx-Event-Id). The old holder, started
// again, does not deliver beside the new one.
func TestWebhookDeliveryAcrossLeaseFailover(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "webhook.key")
	if _, err := webhook.LoadKey(keyFile); err != nil { // made once, shared by the three
		t.Fatal(err)
	}
	pf := startPlatform(t, 3, "--webhook-key-file", keyFile)
	seed := testSeed(t)
	mk := newLoadMarket()
	mk.setup(pf.reps[0], rand.New(rand.NewPCG(seed, 1<<32)))
	owner := mk.cores[0]

	rcv := newFailoverReceiver(t)
	// The core's feed before the registration: the webhook starts after it.
	before, _ := feedUpTo(t, pf.reps[0], owner.token, math.MaxUint64)
	reg := pf.reps[0].must("POST", "/v1/webhooks", owner.token, wire.WebhookRequest{URL: rcv.URL, Description: "failover"}, http.StatusCreated)
	hookID, secret := jsonStr(reg, "id"), jsonStr(reg, "secret")
	if hookID == "" || !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("registration = %v", reg)
	}
	rcv.setSecret(secret)

	// A paced load: the core's feed keeps its last 1,000 events, and a webhook further
	// behind than that loses events by design (docs/operations.md "Webhooks").
	paced := func(op func(*loadMarket, *replica, *rand.Rand)) func(*loadMarket, *replica, *rand.Rand) {
		return func(mk *loadMarket, r *replica, rng *rand.Rand) {
			time.Sleep(150 * time.Millisecond)
			op(mk, r, rng)
		}
	}
	l := startLoad(pf.up, mk, []loadOp{{1, paced((*loadMarket).receivable)}, {1, paced((*loadMarket).confirm)}}, seed, 2, 0)
	defer l.halt()

	// One deliverer: the lease holder.
	holder := pf.oneAnchorer(3 * leaseTTL)
	waitFor(t, 60*time.Second, "deliveries and a journaled checkpoint before the kill", func() bool {
		return rcv.count() >= 20 && webhookCursor(t, pf.reps[0], owner.token, hookID) != ""
	})
	pf.oneDeliverer(t, owner.token, hookID, holder)

	// Mid-stream: right after a delivery, while the load goes on.
	n := rcv.count()
	waitFor(t, 30*time.Second, "one more delivery", func() bool { return rcv.count() > n })
	holder.kill()
	killedAt := time.Now()
	deliveredBeforeKill := rcv.count()
	// The last checkpoint the dead holder journaled: the survivors' cursor, read while
	// no replica holds the lease (a new holder checkpoints only after it took it).
	var survivors []*replica
	for _, r := range pf.reps {
		if r != holder {
			survivors = append(survivors, r)
		}
	}
	checkpoint := ""
	for {
		var cs []string
		for _, r := range survivors {
			cs = append(cs, webhookCursor(t, r, owner.token, hookID))
		}
		if len(pf.anchorers()) > 0 {
			break
		}
		if cs[0] == cs[1] {
			checkpoint = cs[0]
		}
		if time.Since(killedAt) > 4*leaseTTL {
			t.Fatalf("no replica took the lease within %v of the kill", 4*leaseTTL)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if checkpoint == "" {
		t.Fatal("no checkpoint read from the survivors while nobody held the lease")
	}
	next := pf.oneAnchorer(4 * leaseTTL)
	t.Logf("killed %s after %d deliveries; last checkpoint %s; %s took the lease %v later",
		holder.id, deliveredBeforeKill, checkpoint, next.id, time.Since(killedAt).Round(100*time.Millisecond))
	n = rcv.count()
	waitFor(t, 60*time.Second, "deliveries by the new holder", func() bool { return rcv.count() >= n+10 })
	pf.oneDeliverer(t, owner.token, hookID, next)
	// The old holder back on its data directory: it does not deliver beside the new one.
	holder.restart()
	if got := pf.oneAnchorer(2 * leaseTTL); got != next {
		t.Fatalf("after %s's restart %s holds the lease, want %s to keep it", holder.id, got.id, next.id)
	}
	pf.oneDeliverer(t, owner.token, hookID, next)

	l.halt()
	noBadAnswers(t, mk)
	at := pf.converge().AppliedSeq
	all, _ := feedUpTo(t, next, owner.token, at)
	seen := map[string]bool{}
	for _, raw := range before {
		seen[eventID(t, raw)] = true
	}
	var want []string // the core's events after the registration, in feed order
	for _, raw := range all {
		if id := eventID(t, raw); !seen[id] {
			want = append(want, id)
		}
	}
	if len(want) >= 900 {
		t.Fatalf("the core has %d events after the registration: near the feed's 1,000, slow the load down", len(want))
	}
	waitFor(t, 60*time.Second, "every event of the feed delivered", func() bool {
		got := rcv.firsts()
		return len(got) >= len(want)
	})
	pf.oneDeliverer(t, owner.token, hookID, next)

	got, bad := rcv.snapshot()
	if len(bad) > 0 {
		t.Fatalf("%d deliveries that do not verify, first: %s", len(bad), bad[0])
	}
	pos := map[string]int{}
	for i, id := range want {
		pos[id] = i
	}
	cp, ok := pos[checkpoint]
	if !ok {
		t.Fatalf("the checkpoint %s is not an event of the core's feed", checkpoint)
	}
	var firsts []string
	times := map[string]int{}
	resumed := ""
	for _, d := range got {
		if _, ok := pos[d.id]; !ok {
			t.Fatalf("delivered %s, which is not an event of the core's feed after the registration", d.id)
		}
		if times[d.id]++; times[d.id] == 1 {
			firsts = append(firsts, d.id)
		}
		if resumed == "" && d.at.After(killedAt) {
			resumed = d.id
		}
	}
	if !slices.Equal(firsts[:min(len(firsts), len(want))], want) || len(firsts) != len(want) {
		t.Fatalf("first deliveries (%d) are not the feed's %d events in order:\n got %v\nwant %v", len(firsts), len(want), firsts, want)
	}
	if cp+1 >= len(want) || resumed != want[cp+1] {
		t.Fatalf("the new holder's first delivery is %s, want the event after the checkpoint %s", resumed, checkpoint)
	}
	dups := 0
	for id, k := range times {
		if k > 1 && pos[id] <= cp {
			t.Fatalf("%s delivered %d times, though it is not after the checkpoint %s", id, k, checkpoint)
		}
		if k > 1 {
			dups += k - 1
		}
		if k > 2 {
			t.Fatalf("%s delivered %d times across one failover", id, k)
		}
	}
	t.Logf("webhook: %d events delivered in order with valid signatures, %d of them (after the checkpoint) delivered twice across the failover",
		len(want), dups)
}

// oneDeliverer wants GET /v1/webhooks/{id}/deliveries to say deliverer true on the
// holder only, among the running replicas.
func (pf *platform) oneDeliverer(t *testing.T, token, hookID string, holder *replica) {
	t.Helper()
	for _, r := range pf.up() {
		var d wire.WebhookDeliveries
		if err := json.Unmarshal(mustRaw(t, r, "/v1/webhooks/"+hookID+"/deliveries", token), &d); err != nil {
			t.Fatal(err)
		}
		if d.Deliverer != (r == holder) {
			t.Fatalf("%s: deliveries say deliverer %v; the lease holder is %s", r.id, d.Deliverer, holder.id)
		}
		if r == holder && (len(d.Items) == 0 || d.Items[0].Status == "") {
			t.Fatalf("%s, the deliverer, shows no delivery: %+v", r.id, d)
		}
	}
}

// webhookCursor is the webhook's checkpointed cursor on r ("" before the first).
func webhookCursor(t *testing.T, r *replica, token, hookID string) string {
	t.Helper()
	var w wire.Webhook
	if err := json.Unmarshal(mustRaw(t, r, "/v1/webhooks/"+hookID, token), &w); err != nil {
		t.Fatal(err)
	}
	if w.Cursor == nil {
		return ""
	}
	return *w.Cursor
}

func eventID(t *testing.T, raw []byte) string {
	t.Helper()
	var ev wire.Event
	if err := json.Unmarshal(raw, &ev); err != nil || ev.ID == "" {
		t.Fatalf("event %s: %v", raw, err)
	}
	return ev.ID
}

// failoverReceiver is a webhook receiver on loopback that records every delivery —
// event id and arrival — in arrival order, and those whose signature or
// Scfx-Event-Id does not hold.
type failoverReceiver struct {
	*httptest.Server
	mu     sync.Mutex
	secret string
	got    []delivery
	bad    []string
}

type delivery struct {
	id string
	at time.Time
}

func newFailoverReceiver(t *testing.T) *failoverReceiver {
	h := &failoverReceiver{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at := time.Now()
		body, _ := io.ReadAll(r.Body)
		var ev wire.Event
		_ = json.Unmarshal(body, &ev)
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.secret == "" || webhook.Verify(h.secret, r.Header.Get(webhook.HeaderSignature), body, time.Now(), 5*time.Minute) != nil ||
			ev.ID == "" || ev.ID != r.Header.Get(webhook.HeaderEventID) {
			h.bad = append(h.bad, r.Header.Get(webhook.HeaderEventID)+" "+string(body))
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		h.got = append(h.got, delivery{ev.ID, at})
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *failoverReceiver) setSecret(s string) {
	h.mu.Lock()
	h.secret = s
	h.mu.Unlock()
}

func (h *failoverReceiver) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.got)
}

// firsts is the distinct event ids received.
func (h *failoverReceiver) firsts() map[string]bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[string]bool{}
	for _, d := range h.got {
		out[d.id] = true
	}
	return out
}

func (h *failoverReceiver) snapshot() ([]delivery, []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.got), slices.Clone(h.bad)
}
