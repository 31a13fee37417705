// SPDX-License-Identifier: Apache-2.0

package journal_test

// Tests of the Redis journal against a real redis-server (journal/redistest), run with
// appendfsync always as README, "Architecture" requires. They live in package journal_test: they
// use only what the node uses, the Journal interface and Redis's exported methods.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/scfx/scfx/journal"
	"github.com/scfx/scfx/journal/redistest"
)

// redisTestTimeout bounds every wait of a test, so that a bug fails it instead of
// hanging it.
const redisTestTimeout = 30 * time.Second

// redisAppendTimeout is the AppendTimeout of the tests: short, so that the tests of
// Redis being down run fast.
const redisAppendTimeout = 500 * time.Millisecond

func redisCtx(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), redisTestTimeout)
	t.Cleanup(cancel)
	return ctx
}

// openRedis opens the journal named stream on srv, closed when the test ends.
func openRedis(t testing.TB, srv *redistest.Server, stream string) *journal.Redis {
	t.Helper()
	r, err := journal.OpenRedis(redisCtx(t), journal.RedisOptions{
		URL: srv.URL(), Stream: stream, AppendTimeout: redisAppendTimeout,
	})
	if err != nil {
		t.Fatalf("OpenRedis(%s, %q) = %v, want nil", srv.URL(), stream, err)
	}
	t.Cleanup(func() {
		if err := r.Close(); err != nil && !errors.Is(err, journal.ErrClosed) {
			t.Errorf("Close() = %v, want nil", err)
		}
	})
	return r
}

func redisPayload(i int) []byte {
	return fmt.Appendf(nil, "cmd-%d:%s", i, strings.Repeat("x", i%40))
}

// readAll reads every entry from seq from up to seq last.
func readAll(t testing.TB, j journal.Journal, from, last uint64) []journal.Entry {
	t.Helper()
	ctx := redisCtx(t)
	var out []journal.Entry
	for from <= last {
		es, err := j.Read(ctx, from, 1000)
		if err != nil {
			t.Fatalf("Read(%d, 1000) = %v, want entries", from, err)
		}
		out = append(out, es...)
		from = es[len(es)-1].Seq + 1
	}
	return out
}

// checkOrder checks the Journal's promises on a run of entries read from seq first:
// contiguous seqs from first, times never decreasing.
func checkOrder(t testing.TB, es []journal.Entry, first uint64) {
	t.Helper()
	for i, e := range es {
		if e.Seq != first+uint64(i) {
			t.Fatalf("entry %d has seq %d, want %d", i, e.Seq, first+uint64(i))
		}
		if i > 0 && e.TimeMs < es[i-1].TimeMs {
			t.Fatalf("seq %d at %d ms after seq %d at %d ms: time went back", e.Seq, e.TimeMs, es[i-1].Seq, es[i-1].TimeMs)
		}
	}
}

func TestRedisRoundTrip(t *testing.T) {
	srv := redistest.Start(t)
	j := openRedis(t, srv, "rt")
	ctx := redisCtx(t)
	datas := [][]byte{[]byte("first"), {}, {0, 1, 0, 255, '\n', '-'}, bytes.Repeat([]byte("z"), 100_000)}
	for i := range 200 {
		datas = append(datas, redisPayload(i))
	}
	before := time.Now().UnixMilli()
	for i, d := range datas {
		e, err := j.Append(ctx, d)
		if err != nil {
			t.Fatalf("Append(datas[%d]) = %v, want nil", i, err)
		}
		if e.Seq != uint64(i+1) || !bytes.Equal(e.Data, d) || e.TimeMs < before || e.TimeMs > time.Now().UnixMilli() {
			t.Fatalf("Append(datas[%d]) = seq %d at %d ms, want seq %d, the data, a time in [%d, now]", i, e.Seq, e.TimeMs, i+1, before)
		}
	}
	if got := j.LastSeq(); got != uint64(len(datas)) {
		t.Errorf("LastSeq() = %d, want %d", got, len(datas))
	}
	// A second process reads with no ids remembered: from the index.
	k := openRedis(t, srv, "rt")
	if got := k.LastSeq(); got != uint64(len(datas)) {
		t.Errorf("LastSeq() of a new instance = %d, want %d", got, len(datas))
	}
	for _, jj := range []journal.Journal{j, k} {
		es := readAll(t, jj, 0, uint64(len(datas)))
		checkOrder(t, es, 1)
		for i, e := range es {
			if !bytes.Equal(e.Data, datas[i]) {
				t.Fatalf("Read: seq %d holds %q, want %q", e.Seq, e.Data, datas[i])
			}
		}
	}
	for _, tc := range []struct {
		from uint64
		max  int
	}{{1, 1}, {64, 3}, {65, 2}, {150, 10}, {200, 100}, {uint64(len(datas)), 5}} {
		es, err := openRedis(t, srv, "rt").Read(ctx, tc.from, tc.max)
		want := min(tc.max, len(datas)-int(tc.from)+1)
		if err != nil || len(es) != want || es[0].Seq != tc.from {
			t.Fatalf("Read(%d, %d) on a new instance = %d entries, %v; want %d from seq %d", tc.from, tc.max, len(es), err, want, tc.from)
		}
		checkOrder(t, es, tc.from)
	}
	if _, err := j.Read(ctx, 1, 0); err == nil {
		t.Errorf("Read(1, 0) = nil error, want an error")
	}
}

// TestRedisKeyScheme pins the documented keys: scfx:{S}:log with ids <ms>-<seq>, the
// head, the index of every 64th entry.
func TestRedisKeyScheme(t *testing.T) {
	srv := redistest.Start(t)
	j := openRedis(t, srv, "ks")
	ctx := redisCtx(t)
	var last journal.Entry
	for i := range 70 {
		var err error
		if last, err = j.Append(ctx, redisPayload(i)); err != nil {
			t.Fatal(err)
		}
	}
	c := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer c.Close()
	msgs, err := c.XRange(ctx, "scfx:{ks}:log", "-", "+").Result()
	if err != nil || len(msgs) != 70 {
		t.Fatalf("XRANGE scfx:{ks}:log = %d entries, %v; want 70", len(msgs), err)
	}
	idRe := regexp.MustCompile(`^[0-9]{13}-[0-9]+$`)
	for i, m := range msgs {
		if !idRe.MatchString(m.ID) || !strings.HasSuffix(m.ID, fmt.Sprintf("-%d", i+1)) || m.Values["d"] != string(redisPayload(i)) {
			t.Fatalf("entry %d = id %s values %v, want id <ms>-%d and field d", i, m.ID, m.Values, i+1)
		}
	}
	if head, err := c.Get(ctx, "scfx:{ks}:head").Result(); err != nil || head != fmt.Sprintf("%d-%d", last.TimeMs, last.Seq) {
		t.Errorf("GET scfx:{ks}:head = %q, %v; want %d-%d", head, err, last.TimeMs, last.Seq)
	}
	idx, err := c.ZRangeWithScores(ctx, "scfx:{ks}:idx", 0, -1).Result()
	if err != nil || len(idx) != 2 || idx[0].Score != 1 || idx[1].Score != 65 || idx[1].Member != msgs[64].ID {
		t.Errorf("ZRANGE scfx:{ks}:idx = %v, %v; want seqs 1 and 65 with their ids", idx, err)
	}
	// A head that disagrees with the stream (a key lost, or restored from another
	// backup) must not be appended to.
	if err := c.Del(ctx, "scfx:{ks}:head").Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := journal.OpenRedis(ctx, journal.RedisOptions{URL: srv.URL(), Stream: "ks"}); !errors.Is(err, journal.ErrCorrupt) {
		t.Errorf("OpenRedis with the head deleted = %v, want ErrCorrupt", err)
	}
}

// TestRedisReplicasContiguous: 64 appenders on two instances (two replicas) get every
// seq exactly once, and both read the same entries in the same order, times never
// decreasing.
func TestRedisReplicasContiguous(t *testing.T) {
	const appenders, each = 64, 40
	srv := redistest.Start(t)
	replicas := []*journal.Redis{openRedis(t, srv, "rep"), openRedis(t, srv, "rep")}
	ctx := redisCtx(t)
	got := make([][]journal.Entry, appenders) // by appender
	var wg sync.WaitGroup
	for a := range appenders {
		wg.Go(func() {
			j := replicas[a%2]
			for i := range each {
				e, err := j.Append(ctx, fmt.Appendf(nil, "a%d-i%d", a, i))
				if err != nil {
					t.Errorf("appender %d: Append = %v", a, err)
					return
				}
				got[a] = append(got[a], e)
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	const total = appenders * each
	bySeq := make(map[uint64]journal.Entry, total)
	for a, es := range got {
		for i, e := range es {
			if prev, dup := bySeq[e.Seq]; dup {
				t.Fatalf("seq %d given twice: %q and %q", e.Seq, prev.Data, e.Data)
			}
			if i > 0 && e.Seq <= es[i-1].Seq {
				t.Fatalf("appender %d: seq %d after its own seq %d", a, e.Seq, es[i-1].Seq)
			}
			bySeq[e.Seq] = e
		}
	}
	for _, r := range replicas {
		es := readAll(t, r, 1, total)
		if len(es) != total {
			t.Fatalf("read %d entries, want %d", len(es), total)
		}
		checkOrder(t, es, 1)
		for _, e := range es {
			if want := bySeq[e.Seq]; !bytes.Equal(e.Data, want.Data) || e.TimeMs != want.TimeMs {
				t.Fatalf("seq %d reads %q at %d, Append returned %q at %d", e.Seq, e.Data, e.TimeMs, want.Data, want.TimeMs)
			}
		}
		if r.LastSeq() != total {
			t.Errorf("LastSeq() = %d, want %d", r.LastSeq(), total)
		}
	}
	if b := replicas[0].AppendBatches() + replicas[1].AppendBatches(); b >= total/2 {
		t.Errorf("%d appends took %d batches, want concurrent appends to share batches", total, b)
	}
}

func TestRedisReadBlocks(t *testing.T) {
	srv := redistest.Start(t)
	reader, writer := openRedis(t, srv, "blk"), openRedis(t, srv, "blk")
	ctx := redisCtx(t)
	if _, err := writer.Append(ctx, []byte("one")); err != nil {
		t.Fatal(err)
	}
	type result struct {
		es  []journal.Entry
		err error
	}
	done := make(chan result, 1)
	go func() {
		es, err := reader.Read(ctx, 2, 10)
		done <- result{es, err}
	}()
	select {
	case r := <-done:
		t.Fatalf("Read(2) before seq 2 exists = %v, %v; want it to block", r.es, r.err)
	case <-time.After(300 * time.Millisecond):
	}
	if _, err := writer.Append(ctx, []byte("two")); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-done:
		if r.err != nil || len(r.es) != 1 || r.es[0].Seq != 2 || string(r.es[0].Data) != "two" {
			t.Fatalf("blocked Read(2) = %v, %v; want seq 2 \"two\"", r.es, r.err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Read(2) still blocked after seq 2 was appended by another replica")
	}

	// Cancelled, and closed, while blocked.
	cctx, cancel := context.WithCancel(ctx)
	go func() {
		_, err := reader.Read(cctx, 3, 10)
		done <- result{nil, err}
	}()
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	cancel()
	if r := <-done; !errors.Is(r.err, context.Canceled) || time.Since(start) > 200*time.Millisecond {
		t.Errorf("Read cancelled while blocked = %v after %v, want context.Canceled at once", r.err, time.Since(start))
	}
	go func() {
		_, err := reader.Read(ctx, 3, 10)
		done <- result{nil, err}
	}()
	time.Sleep(100 * time.Millisecond)
	if err := reader.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if r := <-done; !errors.Is(r.err, journal.ErrClosed) {
		t.Errorf("Read blocked at Close = %v, want ErrClosed", r.err)
	}
	if _, err := reader.Append(ctx, nil); !errors.Is(err, journal.ErrClosed) {
		t.Errorf("Append after Close = %v, want ErrClosed", err)
	}
}

// TestRedisRefusesUnsafeRedis: README, "Architecture" — without appendonly yes and appendfsync
// always an acknowledged command may be lost in a Redis crash, and with an evicting
// memory policy under memory pressure, so OpenRedis refuses unless told.
func TestRedisRefusesUnsafeRedis(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		setting string
	}{
		{[]string{"--appendfsync", "everysec"}, "appendfsync"},
		{[]string{"--appendonly", "no"}, "appendonly"},
		{[]string{"--maxmemory-policy", "allkeys-lru"}, "maxmemory-policy"},
	} {
		t.Run(tc.setting, func(t *testing.T) {
			srv := redistest.Start(t, tc.args...)
			ctx := redisCtx(t)
			_, err := journal.OpenRedis(ctx, journal.RedisOptions{URL: srv.URL()})
			if err == nil || !strings.Contains(err.Error(), tc.setting) || !strings.Contains(err.Error(), "--redis-unsafe-durability") {
				t.Fatalf("OpenRedis on Redis with %v = %v, want an error naming %s and --redis-unsafe-durability", tc.args, err, tc.setting)
			}
			j, err := journal.OpenRedis(ctx, journal.RedisOptions{URL: srv.URL(), UnsafeDurability: true})
			if err != nil {
				t.Fatalf("OpenRedis with UnsafeDurability = %v, want nil", err)
			}
			defer j.Close()
			if e, err := j.Append(ctx, []byte("x")); err != nil || e.Seq != 1 {
				t.Fatalf("Append = %v, %v; want seq 1", e, err)
			}
		})
	}
}

func TestRedisTrim(t *testing.T) {
	srv := redistest.Start(t)
	j := openRedis(t, srv, "trim")
	ctx := redisCtx(t)
	for i := range 300 {
		if _, err := j.Append(ctx, redisPayload(i)); err != nil {
			t.Fatal(err)
		}
	}
	if safe, err := j.SafeTrimSeq(ctx); err != nil || safe != 1 {
		t.Fatalf("SafeTrimSeq() with no snapshot published = %d, %v; want 1", safe, err)
	}
	if _, err := j.Trim(ctx, 10); !errors.Is(err, journal.ErrTrimUnsafe) {
		t.Fatalf("Trim(10) with no snapshot published = %v, want ErrTrimUnsafe", err)
	}
	for node, seq := range map[string]uint64{"scfx1": 250, "scfx2": 99, "scfx3": 180} {
		if err := j.PublishSnapshot(ctx, node, seq); err != nil {
			t.Fatal(err)
		}
	}
	safe, err := j.SafeTrimSeq(ctx)
	if err != nil || safe != 100 {
		t.Fatalf("SafeTrimSeq() = %d, %v; want 100 (the oldest snapshot, 99, plus one)", safe, err)
	}
	if _, err := j.Trim(ctx, safe+1); !errors.Is(err, journal.ErrTrimUnsafe) {
		t.Fatalf("Trim(%d) = %v, want ErrTrimUnsafe", safe+1, err)
	}
	if n, err := j.Trim(ctx, safe); err != nil || n != 99 {
		t.Fatalf("Trim(%d) = %d, %v; want 99 entries removed", safe, n, err)
	}
	fresh := openRedis(t, srv, "trim")
	for _, from := range []uint64{100, 101, 130} { // 100 is mid index block (65..128)
		es, err := fresh.Read(ctx, from, 5)
		if err != nil || len(es) != 5 || es[0].Seq != from || !bytes.Equal(es[0].Data, redisPayload(int(from)-1)) {
			t.Fatalf("Read(%d) after Trim(100) = %d entries, %v; want 5 from seq %d", from, len(es), err, from)
		}
	}
	if es, err := fresh.Read(ctx, 50, 5); err == nil {
		t.Fatalf("Read(50) after Trim(100) = seq %d.., want an error (trimmed)", es[0].Seq)
	}
	if err := j.ForgetReplica(ctx, "scfx2"); err != nil {
		t.Fatal(err)
	}
	if safe, err := j.SafeTrimSeq(ctx); err != nil || safe != 181 {
		t.Fatalf("SafeTrimSeq() after ForgetReplica(scfx2) = %d, %v; want 181", safe, err)
	}
	if e, err := j.Append(ctx, []byte("after trim")); err != nil || e.Seq != 301 {
		t.Fatalf("Append after Trim = seq %d, %v; want 301", e.Seq, err)
	}
	es := readAll(t, fresh, 100, 301)
	checkOrder(t, es, 100)
}

// waitFor polls cond until it holds or the test times out.
func waitFor(t testing.TB, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(redisTestTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached within the test timeout")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// BenchmarkRedisAppend64: 64 goroutines appending 100-byte records to a real Redis
// with appendfsync always (README, "Architecture": ~300 XADD/s to one waiting client, ~100,000/s
// pipelined).
func BenchmarkRedisAppend64(b *testing.B) { benchRedisAppend(b, 64) }

// BenchmarkRedisAppend256: four times the appenders, as three replicas under load
// give: per-shard throughput once Little's law no longer caps it at 64 per fsync.
func BenchmarkRedisAppend256(b *testing.B) { benchRedisAppend(b, 256) }

// BenchmarkRedisAppend1 is the bound without group commit: one appender, one fsync and
// one round trip per append.
func BenchmarkRedisAppend1(b *testing.B) { benchRedisAppend(b, 1) }

func benchRedisAppend(b *testing.B, appenders int) {
	const recordBytes = 100
	srv := redistest.Start(b)
	j, err := journal.OpenRedis(context.Background(), journal.RedisOptions{URL: srv.URL(), Stream: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	ctx := context.Background()
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range appenders {
		wg.Go(func() {
			data := make([]byte, recordBytes)
			for next.Add(1) <= int64(b.N) {
				if _, err := j.Append(ctx, data); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "appends/s")
	b.ReportMetric(float64(b.N)/float64(max(j.AppendBatches(), 1)), "appends/batch")
}
