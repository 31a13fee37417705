// SPDX-License-Identifier: Apache-2.0

package api

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/matcher"
)

func withFeedKeep(n int) envOption { return func(c *envConfig) { c.feedKeep = n } }

func (e *testEnv) events(p *testParty, query string) eventPage {
	e.t.Helper()
	var out eventPage
	e.getJSON(p.Token, "/v1/events"+query, &out)
	return out
}

func typesOf(evs []wire.Event) []string {
	out := []string{}
	for _, ev := range evs {
		out = append(out, ev.Type+" "+ev.ObjectID)
	}
	return out
}

// Each participant's feed holds the changes of what it may see, and nothing else;
// the operator's holds every change; a cursor reads on from where the last read ended.
func TestEvents_FeedIsScopedToWhatTheCallerSees(t *testing.T) {
	e := newTestEnv(t)
	core, sme, other, bank := e.core("AAA"), e.sme("", "none"), e.sme("", "none"), e.lender()
	r := e.financeable(sme, core, 1_000_000, 90)
	smeFeed := e.events(sme, "")
	want := []string{"participant.created " + sme.ID, "receivable.created " + r.ID, "receivable.confirmed " + r.ID, "receivable.financeable " + r.ID}
	if got := typesOf(smeFeed.Items); !slices.Equal(got, want) {
		t.Fatalf("the SME's feed = %q, want %q", got, want)
	}
	if got := typesOf(e.events(other, "").Items); !slices.Equal(got, []string{"participant.created " + other.ID}) {
		t.Fatalf("another SME's feed = %q: it sees nothing of the receivable", got)
	}
	if got := typesOf(e.events(bank, "").Items); !slices.Equal(got, []string{"participant.created " + bank.ID}) {
		t.Fatalf("the bank's feed = %q before it is party to anything", got)
	}
	e.offer(bank, core, 10_000_000, 300)
	lr := e.list(sme, r.ID, 500)
	next := e.events(sme, "?after="+*smeFeed.NextCursor)
	want = []string{"listing.created " + lr.Listing.ID, "receivable.listed " + r.ID, "match.created " + lr.Match.ID,
		"listing.matched " + lr.Listing.ID, "receivable.matched " + r.ID}
	if got := typesOf(next.Items); !slices.Equal(got, want) {
		t.Fatalf("the SME's feed after %s = %q, want %q", *smeFeed.NextCursor, got, want)
	}
	ev := next.Items[2]
	if ev.Object != "match" || ev.Status != "matched" || ev.AmountFen != 1_000_000 || ev.ReceivableID != r.ID || ev.Seq == 0 ||
		ev.ID != fmt.Sprintf("%d-2", ev.Seq) {
		t.Fatalf("match event = %+v", ev)
	}
	// ?cursor= is ?after=, as on every list; an empty read echoes the cursor.
	last := e.events(sme, "?cursor="+*next.NextCursor)
	if len(last.Items) != 0 || last.NextCursor == nil || *last.NextCursor != *next.NextCursor {
		t.Fatalf("read at the end = %+v, want no events and the same cursor", last)
	}
	all := e.events(e.Admin, "?limit=500")
	if len(all.Items) < 12 {
		t.Fatalf("the operator's feed has %d events, want every change", len(all.Items))
	}
	page := e.events(e.Admin, "?limit=2")
	if len(page.Items) != 2 || *page.NextCursor != page.Items[1].ID || page.Items[0].ID != all.Items[0].ID {
		t.Fatalf("limit 2 = %+v", page)
	}
}

// Bad cursors, limits and waits are 400; a cursor older than what the feed keeps is
// 410 cursor_expired.
func TestEvents_BadInputAndExpiredCursor(t *testing.T) {
	e := newTestEnv(t, withFeedKeep(3))
	sme := e.sme("", "none")
	for _, q := range []string{"?after=1", "?after=x-1", "?after=01-0", "?limit=0", "?limit=x", "?wait=26", "?wait=-1", "?wait=1s"} {
		e.wantProblem(e.get(sme.Token, "/v1/events"+q), http.StatusBadRequest, matcher.CodeValidation)
	}
	core := e.core("AAA")
	for range 3 {
		e.invoice(sme, core, 1_000, 60)
	}
	first := e.events(sme, "").Items
	if len(first) != 3 {
		t.Fatalf("kept %d events, want 3", len(first))
	}
	p := e.wantProblem(e.get(sme.Token, "/v1/events?after=1-0"), http.StatusGone, CodeCursorExpired)
	if p.Title != "Cursor expired" {
		t.Fatalf("problem = %+v", p)
	}
	if got := e.events(sme, "?after="+first[0].ID).Items; len(got) != 2 {
		t.Fatalf("after the oldest kept: %d events, want 2", len(got))
	}
}

// An auditor sees every object (docs/api.md "Conventions"), so its feed is the
// operator's: every event, and a long-poll that wakes for an event of others.
func TestEvents_AuditorReadsEveryEvent(t *testing.T) {
	e := newTestEnv(t)
	aud := e.auditor()
	core, sme := e.core("AAA"), e.sme("", "none")
	e.financeable(sme, core, 1_000_000, 90)
	ids := func(p eventPage) []string {
		out := []string{}
		for _, ev := range p.Items {
			out = append(out, ev.ID)
		}
		return out
	}
	all, seen := e.events(e.Admin, "?limit=500"), e.events(aud, "?limit=500")
	if len(all.Items) < 5 || !slices.Equal(ids(seen), ids(all)) {
		t.Fatalf("the auditor's feed = %q, the operator's %q", ids(seen), ids(all))
	}
	done := make(chan eventPage, 1)
	go func() {
		var page eventPage
		req, _ := http.NewRequest("GET", e.URL+"/v1/events?wait=20&after="+*all.NextCursor, nil)
		req.Header.Set("Authorization", "Bearer "+aud.Token)
		if resp, err := e.client.Do(req); err == nil {
			defer resp.Body.Close()
			_ = json.NewDecoder(resp.Body).Decode(&page)
		}
		done <- page
	}()
	time.Sleep(200 * time.Millisecond)
	rcv := e.invoice(sme, core, 1_000, 60)
	select {
	case page := <-done:
		if len(page.Items) == 0 || typesOf(page.Items)[0] != "receivable.created "+rcv.ID {
			t.Fatalf("the auditor's long-poll = %+v", page)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the auditor's long-poll did not return when another's event came")
	}
}

// A long-poll returns as soon as an event comes, and with nothing when the wait ends.
func TestEvents_LongPoll(t *testing.T) {
	e := newTestEnv(t)
	sme, core := e.sme("", "none"), e.core("AAA")
	cur := *e.events(sme, "").NextCursor
	start := time.Now()
	if got := e.events(sme, "?wait=1&after="+cur); len(got.Items) != 0 || time.Since(start) < time.Second {
		t.Fatalf("an idle wait of 1 s answered %+v after %v", got, time.Since(start))
	}
	type answer struct {
		page eventPage
		err  error
	}
	done := make(chan answer, 1)
	go func() { // the helpers fail the test, which only its own goroutine may do
		var a answer
		req, _ := http.NewRequest("GET", e.URL+"/v1/events?wait=20&after="+cur, nil)
		req.Header.Set("Authorization", "Bearer "+sme.Token)
		resp, err := e.client.Do(req)
		if a.err = err; err == nil {
			defer resp.Body.Close()
			if a.err = json.NewDecoder(resp.Body).Decode(&a.page); resp.StatusCode != 200 {
				a.err = fmt.Errorf("status %d", resp.StatusCode)
			}
		}
		done <- a
	}()
	time.Sleep(200 * time.Millisecond)
	rcv := e.invoice(sme, core, 1_000, 60)
	select {
	case a := <-done:
		if a.err != nil || len(a.page.Items) == 0 || typesOf(a.page.Items)[0] != "receivable.created "+rcv.ID {
			t.Fatalf("long-poll = %+v, %v", a.page, a.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the long-poll did not return when the event came")
	}
}

// A stream sends each event as id/event/data and resumes after Last-Event-ID.
func TestEvents_ServerSentEvents(t *testing.T) {
	e := newTestEnv(t)
	sme, core := e.sme("", "none"), e.core("AAA")
	a := e.invoice(sme, core, 1_000, 60)
	from := e.events(sme, "").Items[0].ID // participant.created
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", e.URL+"/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+sme.Token)
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Last-Event-ID", from)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	lines := make(chan string, 64)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	next := func() string {
		t.Helper()
		select {
		case l := <-lines:
			return l
		case <-time.After(10 * time.Second):
			t.Fatal("no line from the stream")
		}
		return ""
	}
	expect := func(id, typ string) {
		t.Helper()
		if l := next(); !strings.HasPrefix(l, "id: ") || (id != "" && l != "id: "+id) {
			t.Fatalf("line %q, want id: %s", l, id)
		}
		if l := next(); l != "event: "+typ {
			t.Fatalf("line %q, want event: %s", l, typ)
		}
		if l := next(); !strings.HasPrefix(l, "data: {") || !strings.Contains(l, `"type":"`+typ+`"`) {
			t.Fatalf("line %q, want the event's JSON", l)
		}
		if l := next(); l != "" {
			t.Fatalf("line %q, want the blank line that ends an event", l)
		}
	}
	expect("", "receivable.created") // a, resumed after Last-Event-ID
	b := e.invoice(sme, core, 2_000, 60)
	expect("", "receivable.created") // b, live
	if a.ID == b.ID {
		t.Fatal("same receivable")
	}
	// Too many streams for one token: 429.
	var open []*http.Response
	for range sseStreamsPerCaller - 1 {
		r, err := http.DefaultClient.Do(req.Clone(ctx))
		if err != nil || r.StatusCode != 200 {
			t.Fatalf("stream %d: %v %v", len(open)+2, err, r.StatusCode)
		}
		open = append(open, r)
	}
	over := e.do("GET", "/v1/events", sme.Token, nil, "Accept", "text/event-stream")
	e.wantProblem(over, http.StatusTooManyRequests, matcher.CodeRateLimited)
	for _, r := range open {
		r.Body.Close()
	}
}
