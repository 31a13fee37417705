// SPDX-License-Identifier: Apache-2.0

package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/feed"
	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/node"
)

// Defaults of a Deliverer (docs/operations.md "Webhooks").
const (
	DefaultTimeout         = 10 * time.Second // one attempt, connection to answer
	DefaultFirstRetry      = 10 * time.Second // the backoff's first delay, doubled each attempt
	DefaultMaxRetryDelay   = time.Hour        // the backoff's cap
	DefaultRetryFor        = 24 * time.Hour   // after the event's time: then abandoned
	DefaultCheckpointEvery = 2 * time.Second
	DefaultReconcileEvery  = time.Second
	// keptDeliveries are the deliveries a webhook's record keeps, newest.
	keptDeliveries = 100
	readBatch      = 100
	maxAnswerBytes = 4 << 10 // read of a receiver's answer, then discarded
)

// Delivery statuses (wire.WebhookDelivery.Status).
const (
	StatusPending   = "pending"
	StatusDelivered = "delivered"
	StatusRetrying  = "retrying"
	StatusAbandoned = "abandoned"
)

// Config configures a Deliverer; zero values are the defaults.
type Config struct {
	Node *node.Node
	Feed *feed.Feed
	Key  []byte // the operator's webhook key (Secret)
	// View is an event as GET /v1/events shows it (api.ViewEvent): a delivery's
	// body is its JSON.
	View func(e *matcher.Event) any
	// Client sends the POSTs; nil: one with Timeout that follows no redirect (a
	// redirect is a failed attempt).
	Client  *http.Client
	Timeout time.Duration
	// The backoff: FirstRetry, doubled each failed attempt up to MaxRetryDelay, with
	// jitter (a uniform draw from half to all of it); attempts stop RetryFor after the
	// event's time and the event is abandoned: the webhook moves on.
	FirstRetry, MaxRetryDelay, RetryFor time.Duration
	CheckpointEvery                     time.Duration
	ReconcileEvery                      time.Duration
	// Now and Sleep are the clock; tests pass a fake one. Sleep returns early with
	// ctx's error when ctx ends.
	Now    func() time.Time
	Sleep  func(ctx context.Context, d time.Duration) error
	Jitter func() float64 // in [0, 1); nil: math/rand
	Logger *slog.Logger
}

// Deliverer POSTs each webhook's events, in order, one goroutine a webhook (a slow
// receiver holds up only its own webhook), and checkpoints the cursors through the
// journal in batches. Only one replica runs it: the anchor lease's holder.
type Deliverer struct {
	cfg Config

	mu      sync.Mutex
	workers map[string]*worker
}

// New makes a deliverer; Run runs it.
func New(cfg Config) *Deliverer {
	if cfg.Node == nil || cfg.Feed == nil || cfg.View == nil {
		panic("webhook: a deliverer needs a node, a feed and an event view")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{
			Timeout:       cfg.Timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	if cfg.FirstRetry <= 0 {
		cfg.FirstRetry = DefaultFirstRetry
	}
	if cfg.MaxRetryDelay <= 0 {
		cfg.MaxRetryDelay = DefaultMaxRetryDelay
	}
	if cfg.RetryFor <= 0 {
		cfg.RetryFor = DefaultRetryFor
	}
	if cfg.CheckpointEvery <= 0 {
		cfg.CheckpointEvery = DefaultCheckpointEvery
	}
	if cfg.ReconcileEvery <= 0 {
		cfg.ReconcileEvery = DefaultReconcileEvery
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	if cfg.Jitter == nil {
		cfg.Jitter = rand.Float64
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Deliverer{cfg: cfg, workers: map[string]*worker{}}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Backoff is the delay before attempt n+1 after n failed attempts, before jitter:
// first·2^(n-1), at most max.
func Backoff(first, max time.Duration, n int) time.Duration {
	d := first
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	return min(d, max)
}

// Run delivers until ctx ends, then checkpoints what was delivered.
func (d *Deliverer) Run(ctx context.Context) {
	var wg sync.WaitGroup
	defer func() {
		d.mu.Lock()
		for _, w := range d.workers {
			w.cancel()
		}
		d.mu.Unlock()
		wg.Wait()
		// A last checkpoint, whatever ctx: what was delivered need not be again.
		cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		d.checkpoint(cctx)
	}()
	reconcile := time.NewTicker(d.cfg.ReconcileEvery)
	defer reconcile.Stop()
	checkpoint := time.NewTicker(d.cfg.CheckpointEvery)
	defer checkpoint.Stop()
	for {
		d.reconcile(ctx, &wg)
		select {
		case <-ctx.Done():
			return
		case <-reconcile.C:
		case <-checkpoint.C:
			d.checkpoint(ctx)
		}
	}
}

// reconcile starts a worker for each webhook the state has and this deliverer does
// not run yet, and stops those of webhooks deleted.
func (d *Deliverer) reconcile(ctx context.Context, wg *sync.WaitGroup) {
	var ws []matcher.Webhook
	d.cfg.Node.View(func(m *matcher.Matcher) { ws = m.AllWebhooks() })
	keyID := KeyID(d.cfg.Key)
	d.mu.Lock()
	defer d.mu.Unlock()
	live := map[string]bool{}
	for i := range ws {
		w := ws[i]
		live[w.ID] = true
		if d.workers[w.ID] != nil {
			continue
		}
		wctx, cancel := context.WithCancel(ctx)
		wk := &worker{d: d, hook: w, cancel: cancel, cursor: Start(&w), recs: map[string]*record{}}
		wk.checkpointed = wk.cursor
		d.workers[w.ID] = wk
		if w.KeyID != keyID {
			// Another key signed this registration: its secret cannot be derived here.
			wk.keyMismatch = true
			d.cfg.Logger.Error("webhook: registered under another webhook key than this replica's: not delivered",
				"webhook", w.ID, "key_id", w.KeyID, "this_key_id", keyID)
			continue
		}
		wk.secret = Secret(d.cfg.Key, &w)
		wg.Add(1)
		go func() {
			defer wg.Done()
			wk.run(wctx)
		}()
	}
	for id, w := range d.workers {
		if !live[id] {
			w.cancel()
			delete(d.workers, id)
		}
	}
}

// checkpoint journals the cursors that moved since the last checkpoint, in entries
// of at most matcher.MaxWebhookCheckpoints.
func (d *Deliverer) checkpoint(ctx context.Context) {
	type sent struct {
		w         *worker
		cursor    feed.ID
		abandoned uint64
	}
	var cs []matcher.WebhookCursor
	var ss []sent
	d.mu.Lock()
	for _, w := range d.workers {
		w.mu.Lock()
		if w.cursor != w.checkpointed {
			cs = append(cs, matcher.WebhookCursor{WebhookID: w.hook.ID, Seq: w.cursor.Seq, Idx: uint64(w.cursor.Idx), Abandoned: w.abandoned})
			ss = append(ss, sent{w, w.cursor, w.abandoned})
		}
		w.mu.Unlock()
	}
	d.mu.Unlock()
	for len(cs) > 0 {
		n := min(len(cs), matcher.MaxWebhookCheckpoints)
		r, err := d.cfg.Node.Submit(ctx, matcher.Command{Actor: matcher.ActorSystem, Payload: &matcher.CheckpointWebhooks{Cursors: cs[:n]}})
		if err != nil || r.Err != nil {
			if ctx.Err() == nil {
				d.cfg.Logger.Warn("webhook: checkpoint", "err", err, "refused", r.Err)
			}
			return
		}
		for _, s := range ss[:n] {
			s.w.mu.Lock()
			s.w.checkpointed = s.cursor
			s.w.abandoned -= s.abandoned
			s.w.mu.Unlock()
		}
		cs, ss = cs[n:], ss[n:]
	}
}

// Deliveries are a webhook's most recent deliveries, newest first, at most limit.
func (d *Deliverer) Deliveries(id string, limit int) []wire.WebhookDelivery {
	d.mu.Lock()
	w := d.workers[id]
	d.mu.Unlock()
	if w == nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	out := []wire.WebhookDelivery{}
	if w.keyMismatch {
		msg := "registered under another webhook key than the deliverer's: not delivered (docs/operations.md, \"Webhooks\")"
		return append(out, wire.WebhookDelivery{Status: StatusPending, LastError: &msg})
	}
	for i := len(w.order) - 1; i >= 0 && len(out) < limit; i-- {
		out = append(out, w.recs[w.order[i]].view())
	}
	return out
}

// worker delivers one webhook's events in order.
type worker struct {
	d      *Deliverer
	hook   matcher.Webhook
	secret string
	cancel context.CancelFunc

	mu           sync.Mutex
	cursor       feed.ID // delivered or abandoned up to here
	checkpointed feed.ID // the journal has it up to here
	abandoned    uint64  // abandoned since the last checkpoint
	keyMismatch  bool
	recs         map[string]*record
	order        []string // event ids of recs, oldest first
}

// record is one event's delivery.
type record struct {
	eventID     string
	status      string
	attempts    int
	lastStatus  int
	lastErr     string
	lastAttempt time.Time
	next        time.Time
}

func optTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(instantLayout)
	return &s
}

func (r *record) view() wire.WebhookDelivery {
	v := wire.WebhookDelivery{EventID: r.eventID, Status: r.status, Attempts: r.attempts,
		LastAttemptAt: optTime(r.lastAttempt), NextAttemptAt: optTime(r.next)}
	if r.lastStatus != 0 {
		s := r.lastStatus
		v.LastStatus = &s
	}
	if r.lastErr != "" {
		e := r.lastErr
		v.LastError = &e
	}
	return v
}

func (w *worker) run(ctx context.Context) {
	f := w.d.cfg.Feed
	for ctx.Err() == nil {
		w.mu.Lock()
		after := w.cursor
		w.mu.Unlock()
		changed := f.Changed(w.hook.OwnerID) // before the read: an Add between the two is not missed
		evs, err := f.Read(w.hook.OwnerID, &after, readBatch)
		if errors.Is(err, feed.ErrCursorExpired) {
			// The feed let go of events this webhook had not had: they are lost to it.
			w.d.cfg.Logger.Error("webhook: the feed no longer holds the events after the cursor; continuing from the oldest kept",
				"webhook", w.hook.ID, "cursor", after.String())
			evs, _ = f.Read(w.hook.OwnerID, nil, readBatch)
		}
		if len(evs) == 0 {
			select {
			case <-changed:
			case <-ctx.Done():
			}
			continue
		}
		for i := range evs {
			if !w.deliver(ctx, &evs[i]) {
				return
			}
		}
	}
}

// deliver POSTs one event until the receiver takes it or RetryFor has passed since
// the event; false when ctx ended first.
func (w *worker) deliver(ctx context.Context, e *matcher.Event) bool {
	cfg := &w.d.cfg
	id := feed.IDOf(e)
	body, err := json.Marshal(cfg.View(e))
	if err != nil {
		panic("webhook: an event does not encode: " + err.Error())
	}
	rec := w.track(id.String())
	deadline := time.UnixMilli(e.TimeMs).Add(cfg.RetryFor)
	for n := 1; ; n++ {
		now := cfg.Now()
		status, err := w.post(ctx, id.String(), body, now)
		if ctx.Err() != nil {
			return false
		}
		w.mu.Lock()
		rec.attempts, rec.lastAttempt, rec.lastStatus, rec.lastErr, rec.next = n, now, status, "", time.Time{}
		if err != nil {
			rec.lastErr = err.Error()
		}
		if err == nil {
			rec.status = StatusDelivered
			w.cursor = id
			w.mu.Unlock()
			return true
		}
		now = cfg.Now()
		if !now.Before(deadline) {
			rec.status = StatusAbandoned
			w.cursor = id
			w.abandoned++
			w.mu.Unlock()
			cfg.Logger.Warn("webhook: delivery abandoned", "webhook", w.hook.ID, "event", id.String(), "attempts", n, "err", err)
			return true
		}
		delay := Backoff(cfg.FirstRetry, cfg.MaxRetryDelay, n)
		delay = delay/2 + time.Duration(cfg.Jitter()*float64(delay/2))
		if last := deadline.Sub(now); delay > last {
			delay = last // one last attempt at the deadline
		}
		rec.status, rec.next = StatusRetrying, now.Add(delay)
		w.mu.Unlock()
		if cfg.Sleep(ctx, delay) != nil {
			return false
		}
	}
}

// track starts the record of an event's delivery, dropping the oldest kept.
func (w *worker) track(id string) *record {
	w.mu.Lock()
	defer w.mu.Unlock()
	r := &record{eventID: id, status: StatusPending}
	if w.recs[id] == nil {
		w.order = append(w.order, id)
	}
	w.recs[id] = r
	if len(w.order) > keptDeliveries {
		delete(w.recs, w.order[0])
		w.order = w.order[1:]
	}
	return r
}

// post makes one attempt: nil when the receiver answered 2xx.
func (w *worker) post(ctx context.Context, eventID string, body []byte, now time.Time) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.hook.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "scfx-webhook/1")
	req.Header.Set(HeaderEventID, eventID)
	req.Header.Set("Scfx-Webhook-Id", w.hook.ID)
	req.Header.Set(HeaderSignature, Sign(w.secret, now, body))
	resp, err := w.d.cfg.Client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxAnswerBytes))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, errors.New("the receiver answered " + strconv.Itoa(resp.StatusCode))
	}
	return resp.StatusCode, nil
}
