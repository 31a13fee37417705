// SPDX-License-Identifier: Apache-2.0

package journal

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/scfx/scfx/journal/redistest"
)

// Reads that ride on appends (redis_ahead.go).

func openAheadTest(t *testing.T, srv *redistest.Server, stream string) *Redis {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r, err := OpenRedis(ctx, RedisOptions{URL: srv.URL(), Stream: stream, AppendTimeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("OpenRedis: %v", err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func redisCalls(t *testing.T, srv *redistest.Server) map[string]int64 {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer c.Close()
	info, err := c.Info(context.Background(), "commandstats").Result()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, m := range regexp.MustCompile(`(?m)^cmdstat_([a-z_|]+):calls=(\d+)`).FindAllStringSubmatch(info, -1) {
		out[m[1]], _ = strconv.ParseInt(m[2], 10, 64)
	}
	return out
}

func waitPending(t *testing.T, r *Redis, done <-chan struct{}) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for r.pending.Load() == 0 {
		select {
		case <-done:
			return // answered already: its reply is in the buffer
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the append never became pending")
		}
		time.Sleep(100 * time.Microsecond)
	}
}

// A reader at the head with an append of its process outstanding gets the entries up
// to it — the other replicas' and its own — from the XRANGE behind the append: no XREAD.
func TestRedisReadRidesOnAppend(t *testing.T) {
	srv := redistest.Start(t)
	a, b := openAheadTest(t, srv, "ride"), openAheadTest(t, srv, "ride")
	ctx := context.Background()
	if _, err := a.Append(ctx, []byte("a-1")); err != nil {
		t.Fatal(err)
	}
	if es, err := a.Read(ctx, 1, 10); err != nil || len(es) != 1 {
		t.Fatalf("Read(1) = %v, %v", es, err)
	}
	for round := range 3 {
		for i := range 2 {
			if _, err := b.Append(ctx, fmt.Appendf(nil, "b-%d-%d", round, i)); err != nil {
				t.Fatal(err)
			}
		}
		before := redisCalls(t, srv)
		from := a.readNext
		own := fmt.Appendf(nil, "a-own-%d", round)
		done := make(chan struct{})
		var appended Entry
		var appendErr error
		go func() {
			defer close(done)
			appended, appendErr = a.Append(ctx, own)
		}()
		waitPending(t, a, done)
		es, err := a.Read(ctx, from, 10)
		<-done
		if err != nil || appendErr != nil {
			t.Fatalf("Read(%d) = %v; Append = %v", from, err, appendErr)
		}
		if len(es) != 3 || es[0].Seq != from || es[2].Seq != appended.Seq || !bytes.Equal(es[2].Data, own) ||
			string(es[0].Data) != fmt.Sprintf("b-%d-0", round) || string(es[1].Data) != fmt.Sprintf("b-%d-1", round) {
			t.Fatalf("round %d: Read(%d) = %+v; want b's two entries, then a's own at seq %d", round, from, es, appended.Seq)
		}
		if &es[2].Data[0] != &own[0] {
			t.Fatalf("round %d: a's own entry was read back from Redis, not taken from the append", round)
		}
		after := redisCalls(t, srv)
		if after["xread"] != before["xread"] || after["xrange"] != before["xrange"]+1 || after["evalsha_ro"] != before["evalsha_ro"] {
			t.Fatalf("round %d: xread %d, xrange %d, read script %d; want 0, 1, 0", round,
				after["xread"]-before["xread"], after["xrange"]-before["xrange"], after["evalsha_ro"]-before["evalsha_ro"])
		}
	}
	// With nothing of its own outstanding, the reader waits for the others in XREAD.
	before := redisCalls(t, srv)
	go func() {
		time.Sleep(50 * time.Millisecond)
		b.Append(ctx, []byte("b-late"))
	}()
	es, err := a.Read(ctx, a.readNext, 10)
	if err != nil || len(es) != 1 || string(es[0].Data) != "b-late" {
		t.Fatalf("Read at the head = %+v, %v; want b-late", es, err)
	}
	if after := redisCalls(t, srv); after["xread"] <= before["xread"] {
		t.Fatal("an idle reader read b's entry without XREAD")
	}
}

// The buffer of entries read ahead stops at its bounds (records, bytes), and every
// read still returns the stream as appended, from the buffer or from Redis.
func TestRedisReadAheadBounded(t *testing.T) {
	for _, tc := range []struct {
		name    string
		records int
		size    int
	}{
		{"records", redisAheadRecordsMax + 600, 16},
		{"bytes", redisAheadBytesMax/(32<<10) + 40, 32 << 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := redistest.Start(t)
			r := openAheadTest(t, srv, "bounded")
			ctx := context.Background()
			if _, err := r.Append(ctx, []byte("first")); err != nil {
				t.Fatal(err)
			}
			if _, err := r.Read(ctx, 1, 1); err != nil {
				t.Fatal(err)
			}
			data := make(map[uint64][]byte, tc.records)
			var mu sync.Mutex
			var wg sync.WaitGroup
			for w := range 32 {
				wg.Go(func() {
					for i := w; i < tc.records; i += 32 {
						d := bytes.Repeat([]byte{byte('a' + i%26)}, tc.size)
						d = append(d, fmt.Sprint(i)...)
						e, err := r.Append(ctx, d)
						if err != nil {
							t.Error(err)
							return
						}
						mu.Lock()
						data[e.Seq] = d
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			r.mu.Lock()
			n, size := len(r.ahead), r.aheadBytes
			r.mu.Unlock()
			if n > redisAheadRecordsMax || size >= redisAheadBytesMax+tc.size+10 {
				t.Fatalf("buffer holds %d records, %d bytes; bounds %d, %d", n, size, redisAheadRecordsMax, redisAheadBytesMax)
			}
			if full := n == redisAheadRecordsMax || size >= redisAheadBytesMax; !full {
				t.Fatalf("buffer holds %d records, %d bytes after %d appends: want it filled to a bound", n, size, tc.records)
			}
			for from := uint64(2); from <= uint64(tc.records)+1; {
				es, err := r.Read(ctx, from, 1000)
				if err != nil || len(es) == 0 || es[0].Seq != from {
					t.Fatalf("Read(%d) = %d entries, %v", from, len(es), err)
				}
				for _, e := range es {
					if !bytes.Equal(e.Data, data[e.Seq]) {
						t.Fatalf("seq %d reads %.20q, appended %.20q", e.Seq, e.Data, data[e.Seq])
					}
				}
				from = es[len(es)-1].Seq + 1
			}
			r.mu.Lock()
			defer r.mu.Unlock()
			if len(r.ahead) != 0 || r.aheadBytes != 0 {
				t.Fatalf("after reading everything the buffer holds %d records, %d bytes", len(r.ahead), r.aheadBytes)
			}
		})
	}
}

func xmsgs(ms int64, seqs ...uint64) []redis.XMessage {
	var out []redis.XMessage
	for _, s := range seqs {
		out = append(out, redis.XMessage{ID: fmt.Sprintf("%d-%d", ms, s), Values: map[string]any{redisFieldRecord: fmt.Sprint("r", s)}})
	}
	return out
}

func aheadSeqs(r *Redis) []uint64 {
	var out []uint64
	for _, e := range r.ahead {
		out = append(out, e.Seq)
	}
	return out
}

// The buffer keeps only entries that follow on from what was read, without gaps.
func TestRedisReadAheadContiguous(t *testing.T) {
	r := &Redis{aheadSig: make(chan struct{}), readNext: 5}
	start := redisID{100, 4}
	r.readAhead(start, xmsgs(100, 7, 8), nil) // after a trim: does not follow on from seq 4
	if len(r.ahead) != 0 {
		t.Fatalf("a reply from seq 7 after seq 4 was kept: %v", aheadSeqs(r))
	}
	r.readAhead(start, xmsgs(100, 5, 6), nil)
	r.readAhead(start, xmsgs(101, 5, 6, 7, 8), nil) // overlaps what is buffered
	if got := fmt.Sprint(aheadSeqs(r)); got != "[5 6 7 8]" || r.aheadBytes != 8 {
		t.Fatalf("buffer %s (%d bytes), want [5 6 7 8] (8 bytes)", got, r.aheadBytes)
	}
	if s, ok := r.aheadStart(); !ok || s.seq != 8 || s.ms != 101 {
		t.Fatalf("aheadStart = %v, %v; want after 101-8", s, ok)
	}
	if es, _ := r.takeAhead(3, 10); len(es) != 0 || len(r.ahead) != 4 {
		t.Fatalf("takeAhead(3) = %v, left %v; want none, the buffer kept", es, aheadSeqs(r))
	}
	if es, _ := r.takeAhead(5, 2); len(es) != 2 || es[0].Seq != 5 || string(es[1].Data) != "r6" || r.readNext != 7 {
		t.Fatalf("takeAhead(5, 2) = %v, readNext %d", es, r.readNext)
	}
	if es, _ := r.takeAhead(8, 10); len(es) != 1 || es[0].Seq != 8 || len(r.ahead) != 0 || r.aheadBytes != 0 {
		t.Fatalf("takeAhead(8) = %v, left %v (%d bytes)", es, aheadSeqs(r), r.aheadBytes)
	}
	r.readAhead(redisID{101, 8}, []redis.XMessage{{ID: "101-9", Values: map[string]any{"x": "bad"}}}, nil)
	if len(r.ahead) != 0 {
		t.Fatalf("a corrupt entry was buffered: %v", aheadSeqs(r))
	}
}

// The batch appended in the same round trip follows the XRANGE's reply in the buffer
// when the reply reaches up to it, from memory; never with a gap.
func TestRedisReadAheadOwnBatch(t *testing.T) {
	own := func(seqs ...uint64) []Entry {
		var out []Entry
		for _, s := range seqs {
			out = append(out, Entry{Seq: s, TimeMs: 102, Data: fmt.Append(nil, "own", s)})
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		reply []redis.XMessage
		own   []Entry
		want  string
	}{
		{"others then own", xmsgs(100, 5, 6), own(7, 8), "[5:r5 6:r6 7:own7 8:own8]"},
		{"own only", nil, own(5, 6), "[5:own5 6:own6]"},
		{"reply stops short (COUNT)", xmsgs(100, 5, 6), own(9), "[5:r5 6:r6]"},
		{"reply holds own (a retried script had run)", xmsgs(100, 5, 6, 7), own(7), "[5:r5 6:r6 7:own7]"},
		{"after a trim", xmsgs(100, 7), own(8), "[]"},
		{"own after a gap, nothing else", nil, own(6), "[]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &Redis{aheadSig: make(chan struct{}), readNext: 5}
			r.readAhead(redisID{100, 4}, tc.reply, tc.own)
			var got []string
			for _, e := range r.ahead {
				got = append(got, fmt.Sprintf("%d:%s", e.Seq, e.Data))
			}
			if s := "[" + strings.Join(got, " ") + "]"; s != tc.want {
				t.Fatalf("buffer %s, want %s", s, tc.want)
			}
		})
	}
}

// Redis forgot the append script (a restart, SCRIPT FLUSH): the writer loads it again
// instead of failing the batch.
func TestRedisAppendAfterScriptFlush(t *testing.T) {
	srv := redistest.Start(t)
	r := openAheadTest(t, srv, "flush")
	ctx := context.Background()
	if _, err := r.Append(ctx, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Read(ctx, 1, 1); err != nil { // the next append reads ahead, too
		t.Fatal(err)
	}
	c := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer c.Close()
	for i := range 2 {
		if err := c.ScriptFlush(ctx).Err(); err != nil {
			t.Fatal(err)
		}
		if e, err := r.Append(ctx, fmt.Appendf(nil, "after-flush-%d", i)); err != nil || e.Seq != uint64(i+2) {
			t.Fatalf("Append after SCRIPT FLUSH = %+v, %v", e, err)
		}
	}
}

// A reader at the head of a process that appends, with none of its appends
// outstanding, lingers for the next one rather than XREAD: the entry comes from that
// batch's reply, not read back from Redis. Once the process has appended nothing for
// lingerAfter, or the next append is later than lingerMax, the reader XREADs.
func TestRedisReadLingersForTheNextAppend(t *testing.T) {
	srv := redistest.Start(t)
	a, b := openAheadTest(t, srv, "linger"), openAheadTest(t, srv, "linger")
	a.lingerMax, a.lingerAfter = 2*time.Second, 4*time.Second // generous: a loaded machine must not fail it
	ctx := context.Background()
	if _, err := a.Append(ctx, []byte("a-1")); err != nil {
		t.Fatal(err)
	}
	if es, err := a.Read(ctx, 1, 10); err != nil || len(es) != 1 {
		t.Fatalf("Read(1) = %v, %v", es, err)
	}
	if _, err := b.Append(ctx, []byte("b-1")); err != nil {
		t.Fatal(err)
	}
	before := redisCalls(t, srv)
	own := []byte("a-2")
	go func() {
		time.Sleep(100 * time.Millisecond)
		if _, err := a.Enqueue(ctx, own, func(error) {}); err != nil {
			t.Error(err)
		}
	}()
	es, err := a.Read(ctx, 2, 10)
	if err != nil || len(es) != 2 || string(es[0].Data) != "b-1" || &es[1].Data[0] != &own[0] {
		t.Fatalf("Read(2) = %+v, %v; want b-1, then a-2 from its own batch", es, err)
	}
	after := redisCalls(t, srv)
	if after["xread"] != before["xread"] || after["evalsha_ro"] != before["evalsha_ro"] {
		t.Fatalf("xread %d, read script %d while lingering; want none", after["xread"]-before["xread"], after["evalsha_ro"]-before["evalsha_ro"])
	}

	// No append within lingerMax: the reader XREADs, and gets b's entry.
	a.lingerMax = 50 * time.Millisecond
	go func() {
		time.Sleep(300 * time.Millisecond)
		if _, err := b.Append(ctx, []byte("b-2")); err != nil {
			t.Error(err)
		}
	}()
	before = redisCalls(t, srv)
	if es, err := a.Read(ctx, 4, 10); err != nil || len(es) != 1 || string(es[0].Data) != "b-2" {
		t.Fatalf("Read(4) = %+v, %v; want b-2", es, err)
	}
	if after := redisCalls(t, srv); after["xread"] <= before["xread"] {
		t.Fatal("the reader got b-2 without XREAD")
	}

	// Nothing appended for lingerAfter: the reader does not linger.
	a.lingerMax, a.lingerAfter = 10*time.Second, time.Millisecond
	time.Sleep(5 * time.Millisecond)
	go func() {
		time.Sleep(100 * time.Millisecond)
		if _, err := b.Append(ctx, []byte("b-3")); err != nil {
			t.Error(err)
		}
	}()
	start := time.Now()
	if es, err := a.Read(ctx, 5, 10); err != nil || len(es) != 1 || string(es[0].Data) != "b-3" {
		t.Fatalf("Read(5) = %+v, %v; want b-3", es, err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("an idle process's Read took %v: it lingered", took)
	}
}
