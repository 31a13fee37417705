// SPDX-License-Identifier: Apache-2.0

package journal_test

// More tests of the Redis journal against a real redis-server: other writers, the
// tail read, batch entries and the journal format (helpers in redis_test.go).

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/scfx/scfx/journal"
	"github.com/scfx/scfx/journal/redistest"
)

// HeadSeq is what Redis holds, not what this process has seen: a replica taking over
// the anchoring lease waits until it has applied this far.
func TestRedisHeadSeqSeesOtherWriters(t *testing.T) {
	srv := redistest.Start(t)
	ctx := redisCtx(t)
	writer, reader := openRedis(t, srv, "head"), openRedis(t, srv, "head")
	if h, err := reader.HeadSeq(ctx); err != nil || h != 0 {
		t.Fatalf("HeadSeq() of an empty stream = %d, %v; want 0", h, err)
	}
	for i := 0; i < 3; i++ {
		if _, err := writer.Append(ctx, redisPayload(i)); err != nil {
			t.Fatal(err)
		}
	}
	if h, err := reader.HeadSeq(ctx); err != nil || h != 3 {
		t.Fatalf("HeadSeq() after another instance appended 3 = %d, %v; want 3", h, err)
	}
}

// Opening while other replicas append must not mistake their appends for a head
// and a stream that disagree (the two are read in one MULTI).
func TestRedisOpenWhileOthersAppend(t *testing.T) {
	srv := redistest.Start(t)
	ctx := redisCtx(t)
	writer := openRedis(t, srv, "busy")
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := writer.Append(ctx, redisPayload(i)); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for i := 0; i < 50; i++ {
		j, err := journal.OpenRedis(ctx, journal.RedisOptions{URL: srv.URL(), Stream: "busy"})
		if err != nil {
			close(stop)
			<-done
			t.Fatalf("OpenRedis while another appends (attempt %d): %v", i, err)
		}
		j.Close()
	}
	close(stop)
	<-done
}

// commandCalls reads how often Redis ran each command (INFO commandstats).
func commandCalls(t testing.TB, srv *redistest.Server) map[string]int64 {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer c.Close()
	info, err := c.Info(redisCtx(t), "commandstats").Result()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	re := regexp.MustCompile(`(?m)^cmdstat_([a-z_|]+):calls=(\d+)`)
	for _, m := range re.FindAllStringSubmatch(info, -1) {
		var n int64
		fmt.Sscan(m[2], &n)
		out[m[1]] = n
	}
	return out
}

// A replica's applier reads on from the entry it read last: that read is one plain
// XREAD from the entry's stream id, with no script and no index lookup (the read
// script cost replicas most of their Redis time, docs/benchmarks.md).
func TestRedisTailReadIsOneXREAD(t *testing.T) {
	srv := redistest.Start(t)
	reader, writer := openRedis(t, srv, "tail"), openRedis(t, srv, "tail")
	ctx := redisCtx(t)
	for i := range 40 {
		if _, err := writer.Append(ctx, redisPayload(i)); err != nil {
			t.Fatal(err)
		}
	}
	es, err := reader.Read(ctx, 1, 8) // from a seq this process knows nothing of: the script
	if err != nil || len(es) != 8 {
		t.Fatalf("Read(1, 8) = %d entries, %v", len(es), err)
	}
	before := commandCalls(t, srv)
	next := uint64(9)
	for reads := 0; next <= 40; reads++ {
		es, err := reader.Read(ctx, next, 5)
		if err != nil || len(es) == 0 || es[0].Seq != next || !bytes.Equal(es[0].Data, redisPayload(int(next-1))) {
			t.Fatalf("Read(%d, 5) = %v, %v", next, es, err)
		}
		next = es[len(es)-1].Seq + 1
	}
	after := commandCalls(t, srv)
	reads := after["xread"] - before["xread"]
	if reads != 7 || after["evalsha_ro"] != before["evalsha_ro"] || after["eval_ro"] != before["eval_ro"] || after["xrange"] != before["xrange"] {
		t.Fatalf("tailing 32 entries 5 at a time ran xread %d times (want 7), scripts %d, xrange %d",
			reads, after["evalsha_ro"]-before["evalsha_ro"]+after["eval_ro"]-before["eval_ro"], after["xrange"]-before["xrange"])
	}
	// The writer reads on from its own appends the same way: it blocks in XREAD.
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if es, err := writer.Read(short, 41, 5); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("writer Read(41) past the end = %v, %v; want to block until the deadline", es, err)
	}
	if last := commandCalls(t, srv); last["xread"] != after["xread"]+1 || last["evalsha_ro"] != after["evalsha_ro"] {
		t.Fatalf("writer's tail read ran xread %d times, read script %d times; want 1 and 0",
			last["xread"]-after["xread"], last["evalsha_ro"]-after["evalsha_ro"])
	}
}

// Concurrent appends share a stream entry (field b: the batch), and a reader that
// knows nothing reads every record from any seq, inside a batch or at its start, with
// any max; trimming below a seq inside a batch keeps the batch.
func TestRedisBatchEntries(t *testing.T) {
	const appenders, each = 64, 20
	srv := redistest.Start(t)
	j := openRedis(t, srv, "batch")
	ctx := redisCtx(t)
	if _, err := j.Append(ctx, []byte("alone")); err != nil { // one record: field d
		t.Fatal(err)
	}
	want := map[string]bool{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for a := range appenders {
		wg.Go(func() {
			for i := range each {
				d := fmt.Appendf(nil, "a%d-%d", a, i)
				if _, err := j.Append(ctx, d); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				want[string(d)] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	total := uint64(1 + appenders*each)
	c := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer c.Close()
	msgs, err := c.XRange(ctx, "scfx:{batch}:log", "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	batches := 0
	for _, m := range msgs {
		if _, ok := m.Values["b"]; ok {
			batches++
		} else if _, ok := m.Values["d"]; !ok || len(m.Values) != 1 {
			t.Fatalf("stream entry %s = %v, want one field d or b", m.ID, m.Values)
		}
	}
	if batches == 0 || uint64(len(msgs)) >= total || !strings.HasSuffix(msgs[len(msgs)-1].ID, fmt.Sprintf("-%d", total)) {
		t.Fatalf("%d records in %d stream entries, %d of them batches, last id %s; want batches, the last id ending in -%d",
			total, len(msgs), batches, msgs[len(msgs)-1].ID, total)
	}
	all := readAll(t, openRedis(t, srv, "batch"), 1, total)
	checkOrder(t, all, 1)
	for _, e := range all[1:] {
		if !want[string(e.Data)] {
			t.Fatalf("seq %d holds %q, appended never or twice", e.Seq, e.Data)
		}
		delete(want, string(e.Data))
	}
	// Every seq, read by an instance that knows nothing, with small maxes that cut
	// batches; then read on from there (the tail path, from inside a batch).
	for from := uint64(1); from <= total; from += 37 {
		k := openRedis(t, srv, "batch")
		es, err := k.Read(ctx, from, 3)
		if err != nil || len(es) == 0 || len(es) > 3 || es[0].Seq != from || !bytes.Equal(es[0].Data, all[from-1].Data) {
			t.Fatalf("Read(%d, 3) = %d entries, %v; want up to 3 from seq %d", from, len(es), err, from)
		}
		next := es[len(es)-1].Seq + 1
		if next > total {
			continue
		}
		es, err = k.Read(ctx, next, 1000)
		if err != nil || es[0].Seq != next || es[len(es)-1].Seq > total {
			t.Fatalf("Read(%d) after Read(%d, 3) = %d entries, %v", next, from, len(es), err)
		}
		checkOrder(t, es, next)
		for _, e := range es {
			if !bytes.Equal(e.Data, all[e.Seq-1].Data) {
				t.Fatalf("seq %d read on from %d holds %q, want %q", e.Seq, next, e.Data, all[e.Seq-1].Data)
			}
		}
	}
	// Trim below a seq inside a batch: the batch stays, whole.
	var inside uint64
	for _, m := range msgs {
		if _, ok := m.Values["b"]; ok {
			_, last, _ := strings.Cut(m.ID, "-")
			n, _ := strconv.ParseUint(last, 10, 64)
			inside = n // the batch's last seq: the one before it is inside the batch too
			break
		}
	}
	if err := j.PublishSnapshot(ctx, "r1", inside); err != nil {
		t.Fatal(err)
	}
	if _, err := j.Trim(ctx, inside); err != nil {
		t.Fatal(err)
	}
	es, err := openRedis(t, srv, "batch").Read(ctx, inside-1, 2)
	if err != nil || len(es) != 2 || es[0].Seq != inside-1 || !bytes.Equal(es[0].Data, all[inside-2].Data) {
		t.Fatalf("Read(%d) after Trim(%d) = %d entries, %v; want the trimmed batch's records kept", inside-1, inside, len(es), err)
	}
}

// A stream entry that is not a well-formed record or batch is ErrCorrupt to a reader,
// though its id follows the last entry's.
func TestRedisCorruptBatch(t *testing.T) {
	srv := redistest.Start(t)
	ctx := redisCtx(t)
	c := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer c.Close()
	for i, tc := range []struct {
		records uint64 // the seqs the entry's id claims
		values  map[string]any
	}{
		{2, map[string]any{"b": "\x02\x01a"}},          // two records announced, one there
		{1, map[string]any{"b": "\x01\x01a"}},          // a batch of one
		{2, map[string]any{"b": "\x02\x01a\x01bjunk"}}, // bytes after the records
		{1, map[string]any{"x": "data"}},               // unknown field
		{2, map[string]any{"b": "\x02\x01a\x01b"}},     // well formed: read back
	} {
		stream := fmt.Sprintf("bad%d", i)
		j := openRedis(t, srv, stream)
		e, err := j.Append(ctx, []byte("one"))
		if err != nil {
			t.Fatal(err)
		}
		id := fmt.Sprintf("%d-%d", e.TimeMs, e.Seq+tc.records)
		if err := c.XAdd(ctx, &redis.XAddArgs{Stream: "scfx:{" + stream + "}:log", ID: id, Values: tc.values}).Err(); err != nil {
			t.Fatal(err)
		}
		c.Set(ctx, "scfx:{"+stream+"}:head", id, 0)
		for name, k := range map[string]*journal.Redis{"the appender (tail read)": j, "a new instance": openRedis(t, srv, stream)} {
			es, err := k.Read(ctx, e.Seq+1, 10)
			if i == 4 {
				if err != nil || len(es) != 2 || string(es[0].Data) != "a" || string(es[1].Data) != "b" || es[1].Seq != e.Seq+2 {
					t.Errorf("%s: Read of a well-formed batch = %v, %v", name, es, err)
				}
			} else if !errors.Is(err, journal.ErrCorrupt) {
				t.Errorf("%s: Read of stream entry %q = %v, %v; want ErrCorrupt", name, tc.values, es, err)
			}
		}
	}
}

// The journal carries its format: a replica marks it with its own, and refuses one
// written in a newer format than it reads (mixed releases would diverge).
func TestRedisFormat(t *testing.T) {
	srv := redistest.Start(t)
	ctx := redisCtx(t)
	openRedis(t, srv, "fmt")
	c := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer c.Close()
	if v, err := c.Get(ctx, "scfx:{fmt}:format").Result(); err != nil || v != "2" {
		t.Fatalf("GET scfx:{fmt}:format = %q, %v; want 2", v, err)
	}
	for v, want := range map[string]string{"3": "format 3", "x": "not a format number"} {
		c.Set(ctx, "scfx:{fmt}:format", v, 0)
		if _, err := journal.OpenRedis(ctx, journal.RedisOptions{URL: srv.URL(), Stream: "fmt"}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("OpenRedis with format %q = %v, want an error saying %q", v, err, want)
		}
	}
	c.Set(ctx, "scfx:{fmt}:format", "1", 0) // an older journal: taken over
	openRedis(t, srv, "fmt")
	if v, _ := c.Get(ctx, "scfx:{fmt}:format").Result(); v != "2" {
		t.Fatalf("format after opening a format-1 journal = %q, want 2", v)
	}
}
