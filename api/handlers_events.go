// SPDX-License-Identifier: Apache-2.0

package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/feed"
	"github.com/scfx/scfx/matcher"
)

// The event feed (docs/api.md "Events"): GET /v1/events answers at once, waits up to
// ?wait= seconds for the next event (long-poll), or streams (Server-Sent Events).

// CodeCursorExpired is a feed cursor older than the events kept: 410. It is the
// feed's alone (the matcher never sees a cursor), so it is declared here.
const CodeCursorExpired matcher.Code = "cursor_expired"

// Limits of the feed's readers.
const (
	// eventsWaitMax stays under the server's 30 s write timeout (cmd/scfx serve).
	eventsWaitMax = 25 * time.Second
	// A stream sends a comment this often so that proxies keep it open, and ends
	// after sseStreamMax: the client reconnects with Last-Event-ID, which also moves
	// it to another replica when one goes away.
	sseHeartbeat = 15 * time.Second
	sseStreamMax = 10 * time.Minute
	// sseStreamsPerCaller bounds the streams one token holds open.
	sseStreamsPerCaller = 4
)

type eventPage = wire.Page[wire.Event]

func viewEvent(e *matcher.Event) wire.Event {
	return wire.Event{
		ID: feed.IDOf(e).String(), Seq: e.Seq, Type: e.Type, Object: e.Object, ObjectID: e.ObjectID,
		Status: e.Status, AmountFen: e.AmountFen, ReceivableID: e.ReceivableID, CreatedAt: instant(e.TimeMs),
		Change: e.Change, ChangeFen: e.ChangeFen, MatchID: e.MatchID, Reference: e.Reference, From: e.From, To: e.To,
	}
}

// ViewEvent is an event as GET /v1/events shows it: a webhook delivery's body
// (package webhook) is the same JSON.
func ViewEvent(e *matcher.Event) wire.Event { return viewEvent(e) }

// eventCursor reads ?after= (or ?cursor=, as every list takes) or, for a stream, the
// Last-Event-ID a reconnecting client sends (the header wins: it is newer than the URL).
func eventCursor(c *gin.Context) (*feed.ID, bool) {
	v, field := c.Query("after"), "after"
	if v == "" {
		v, field = c.Query("cursor"), "cursor"
	}
	if h := c.GetHeader("Last-Event-ID"); h != "" {
		v, field = h, "Last-Event-ID"
	}
	if v == "" {
		return nil, true
	}
	id, err := feed.ParseID(v)
	if err != nil {
		fail(c, fieldError(field, "must be an event id, <seq>-<idx>"))
		return nil, false
	}
	return &id, true
}

func eventLimit(c *gin.Context) (int, bool) {
	v := c.Query("limit")
	if v == "" {
		return matcher.DefaultPageLimit, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		fail(c, fieldError("limit", "must be an integer from 1 to 500"))
		return 0, false
	}
	return min(n, matcher.MaxPageLimit), true
}

func eventWait(c *gin.Context) (time.Duration, bool) {
	v := c.Query("wait")
	if v == "" {
		return 0, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || time.Duration(n)*time.Second > eventsWaitMax {
		fail(c, fieldError("wait", "must be an integer number of seconds from 0 to 25"))
		return 0, false
	}
	return time.Duration(n) * time.Second, true
}

func (s *Server) events(c *gin.Context) {
	if s.cfg.Feed == nil {
		fail(c, errf(matcher.CodeUnavailable, "this server keeps no event feed"))
		return
	}
	after, ok := eventCursor(c)
	if !ok {
		return
	}
	limit, ok := eventLimit(c)
	if !ok {
		return
	}
	if strings.Contains(c.GetHeader("Accept"), "text/event-stream") {
		s.streamEvents(c, after)
		return
	}
	wait, ok := eventWait(c)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), wait)
	defer cancel()
	evs, err := s.nextEvents(ctx, feedOf(c), after, limit)
	if err != nil {
		fail(c, errf(CodeCursorExpired, "events after this cursor are no longer kept; read from the oldest kept (no after) and reconcile with the lists"))
		return
	}
	out := eventPage{Items: make([]wire.Event, len(evs))}
	for i := range evs {
		out.Items[i] = viewEvent(&evs[i])
	}
	if len(evs) > 0 {
		next := out.Items[len(evs)-1].ID
		out.NextCursor = &next
	} else if after != nil {
		next := after.String()
		out.NextCursor = &next
	}
	c.JSON(http.StatusOK, out)
}

// feedOf is the feed the caller reads: an auditor sees every object (docs/api.md
// "Conventions"), so it reads the operator's, which holds every event; anyone else
// reads its own.
func feedOf(c *gin.Context) string {
	if roleOf(c) == string(matcher.RoleAuditor) {
		return feed.Operator
	}
	return actorOf(c)
}

// nextEvents reads who's events after the cursor; none yet: it waits for the next
// events until ctx ends.
func (s *Server) nextEvents(ctx context.Context, who string, after *feed.ID, limit int) ([]matcher.Event, error) {
	f := s.cfg.Feed
	for {
		changed := f.Changed(who) // before the read: an Add between the two is not missed
		evs, err := f.Read(who, after, limit)
		if err != nil || len(evs) > 0 {
			return evs, err
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, nil
		}
	}
}

// streams counts each caller's open event streams.
type streams struct {
	mu sync.Mutex
	n  map[string]int
}

func (st *streams) acquire(who string) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.n == nil {
		st.n = map[string]int{}
	}
	if st.n[who] >= sseStreamsPerCaller {
		return false
	}
	st.n[who]++
	return true
}

func (st *streams) release(who string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.n[who]--; st.n[who] <= 0 {
		delete(st.n, who)
	}
}

// streamEvents writes the feed as Server-Sent Events: "id", "event" (the type) and
// "data" (the event's JSON) for each, a comment as heartbeat.
func (s *Server) streamEvents(c *gin.Context, after *feed.ID) {
	who := actorOf(c)
	if !s.streams.acquire(who) {
		fail(c, errf(matcher.CodeRateLimited, "too many event streams open for this token"))
		return
	}
	defer s.streams.release(who)
	// Check the cursor before the 200 goes out: an expired one is a problem, not a stream.
	reader := feedOf(c)
	if _, err := s.cfg.Feed.Read(reader, after, 1); errors.Is(err, feed.ErrCursorExpired) {
		fail(c, errf(CodeCursorExpired, "events after this cursor are no longer kept"))
		return
	}
	rc := http.NewResponseController(c.Writer)
	w := c.Writer
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	ctx, cancel := context.WithTimeout(c.Request.Context(), sseStreamMax)
	defer cancel()
	for {
		_ = rc.SetWriteDeadline(time.Now().Add(2 * sseHeartbeat))
		if err := rc.Flush(); err != nil {
			return
		}
		wctx, wcancel := context.WithTimeout(ctx, sseHeartbeat)
		evs, err := s.nextEvents(wctx, reader, after, matcher.MaxPageLimit)
		wcancel()
		if err != nil || ctx.Err() != nil {
			return // the cursor expired while the client lagged: it reconnects and gets 410
		}
		if len(evs) == 0 {
			if _, err := w.WriteString(": heartbeat\n\n"); err != nil {
				return
			}
			continue
		}
		for i := range evs {
			v := viewEvent(&evs[i])
			data, _ := json.Marshal(v)
			if _, err := w.WriteString("id: " + v.ID + "\nevent: " + v.Type + "\ndata: " + string(data) + "\n\n"); err != nil {
				return
			}
		}
		last := feed.IDOf(&evs[len(evs)-1])
		after = &last
	}
}
