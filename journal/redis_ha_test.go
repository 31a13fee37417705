// SPDX-License-Identifier: Apache-2.0

package journal_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/scfx/scfx/journal"
	"github.com/scfx/scfx/journal/redistest"
)

// openRedisHA opens the journal on h's Sentinels (MinReplicas: the default, 1).
func openRedisHA(t testing.TB, h *redistest.HA, appendTimeout time.Duration) *journal.Redis {
	t.Helper()
	r, err := journal.OpenRedis(redisCtx(t), journal.RedisOptions{URL: h.URL(), AppendTimeout: appendTimeout})
	if err != nil {
		t.Fatalf("OpenRedis(%s) = %v, want nil", h.URL(), err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}

// TestRedisHAWaitsForReplica: with Sentinel, an append is acknowledged only once the
// replica has it; while the replica does not answer, appends fail as uncertain (not
// as "not appended": they are in the primary's stream), and no Read returns them —
// in this process or another — until the replica has them.
func TestRedisHAWaitsForReplica(t *testing.T) {
	h := redistest.StartHA(t)
	w := openRedisHA(t, h, time.Second)
	other := openRedisHA(t, h, time.Second)
	want := journal.RedisReplication{Sentinel: true, MasterName: redistest.MasterName, Wait: "WAIT", MinReplicas: 1, ReplicaDurability: journal.ReplicasDurable}
	if got := w.Replication(); got != want {
		t.Fatalf("Replication() = %+v, want %+v", got, want)
	}
	ctx := redisCtx(t)
	e1, err := w.Append(ctx, []byte("one"))
	if err != nil {
		t.Fatalf("Append with the replica up = %v, want nil", err)
	}
	rep := h.Servers()[1]
	if err := rep.Pause(); err != nil {
		t.Fatal(err)
	}
	_, err = w.Append(ctx, []byte("two"))
	if !errors.Is(err, journal.ErrUncertain) {
		t.Fatalf("Append with the replica paused = %v, want ErrUncertain", err)
	}
	// The entry is in the stream but on no replica: no Read returns it yet.
	for _, j := range []*journal.Redis{w, other} {
		rctx, cancel := context.WithTimeout(ctx, 700*time.Millisecond)
		es, err := j.Read(rctx, e1.Seq+1, 10)
		cancel()
		if err == nil {
			t.Fatalf("Read(%d) with the replica paused = %v, want no entry before the deadline", e1.Seq+1, es)
		}
	}
	if err := rep.Resume(); err != nil {
		t.Fatal(err)
	}
	for _, j := range []*journal.Redis{w, other} {
		es, err := j.Read(ctx, e1.Seq+1, 10)
		if err != nil || len(es) != 1 || string(es[0].Data) != "two" {
			t.Fatalf("Read(%d) after the replica resumed = %v, %v; want the uncertain entry", e1.Seq+1, es, err)
		}
	}
	if _, err := w.Append(ctx, []byte("three")); err != nil {
		t.Fatalf("Append after the replica resumed = %v, want nil", err)
	}
}

// TestRedisMinReplicasOption: MinReplicas on a plain URL waits for that many replicas
// (a Redis without one makes every append uncertain); by default a plain URL waits for
// none; MinReplicas is bounded.
func TestRedisMinReplicasOption(t *testing.T) {
	srv := redistest.Start(t)
	r, err := journal.OpenRedis(redisCtx(t), journal.RedisOptions{URL: srv.URL(), MinReplicas: 1, AppendTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got := r.Replication(); got.Wait != "WAIT" || got.MinReplicas != 1 || got.Sentinel || got.ReplicaDurability != journal.ReplicasUnknown {
		t.Fatalf("Replication() = %+v, want WAIT for 1 replica, no Sentinel, replica durability unknown (none listed)", got)
	}
	// No replica at all: every append is uncertain.
	if _, err := r.Append(redisCtx(t), []byte("x")); !errors.Is(err, journal.ErrUncertain) {
		t.Fatalf("Append with MinReplicas 1 and no replica = %v, want ErrUncertain", err)
	}
	plain := openRedis(t, srv, "")
	if got := plain.Replication(); got.Wait != "none" || got.MinReplicas != 0 {
		t.Fatalf("Replication() of a plain URL = %+v, want no wait", got)
	}
	if _, err := journal.OpenRedis(redisCtx(t), journal.RedisOptions{URL: srv.URL(), MinReplicas: 17}); err == nil {
		t.Fatal("OpenRedis with MinReplicas 17 = nil, want an error")
	}
}

// TestRedisHAReplicaDurability: at start the journal reads appendonly and appendfsync
// of every replica the primary lists; a replica that does not fsync every write is
// refused, or with UnsafeDurability accepted with a warning and shown as not durable.
func TestRedisHAReplicaDurability(t *testing.T) {
	h := redistest.StartHA(t)
	ctx := redisCtx(t)
	rep := h.Servers()[1]
	w := openRedisHA(t, h, time.Second)
	if got := w.ReplicasAtStart(); len(got) != 1 || !got[0].Durable || got[0].AppendOnly != "yes" || got[0].AppendFsync != "always" || got[0].Error != "" {
		t.Fatalf("ReplicasAtStart() = %+v, want the one replica, durable", got)
	}
	c := redis.NewClient(&redis.Options{Addr: rep.Addr()})
	defer c.Close()
	if err := c.ConfigSet(ctx, "appendfsync", "everysec").Err(); err != nil {
		t.Fatal(err)
	}
	_, err := journal.OpenRedis(ctx, journal.RedisOptions{URL: h.URL()})
	if err == nil || !strings.Contains(err.Error(), "replica") || !strings.Contains(err.Error(), "everysec") {
		t.Fatalf("OpenRedis with a replica on appendfsync everysec = %v, want a refusal naming the replica", err)
	}
	unsafe, err := journal.OpenRedis(ctx, journal.RedisOptions{URL: h.URL(), UnsafeDurability: true})
	if err != nil {
		t.Fatalf("OpenRedis with UnsafeDurability = %v, want nil", err)
	}
	defer unsafe.Close()
	if got := unsafe.Replication().ReplicaDurability; got != journal.ReplicasNotDurable {
		t.Fatalf("ReplicaDurability = %q, want %q", got, journal.ReplicasNotDurable)
	}
	if got := unsafe.ReplicasAtStart(); len(got) != 1 || got[0].Durable || got[0].AppendFsync != "everysec" || got[0].Addr != rep.Addr() {
		t.Fatalf("ReplicasAtStart() = %+v, want %s on everysec, not durable", got, rep.Addr())
	}
}

// haAck is one acknowledged append.
type haAck struct {
	seq  uint64
	data []byte
	at   time.Time
}

// TestRedisHAFailoverKeepsAcked: two journals (as two replicas would) append from 8
// goroutines each while the primary is killed twice and the replica promoted: every
// acknowledged append is in the stream afterwards at its seq, the stream is contiguous,
// and what a journal's Read returned during the failovers is exactly what the stream
// holds (no entry of a former primary that the new one lacks was ever returned).
func TestRedisHAFailoverKeepsAcked(t *testing.T) {
	if testing.Short() {
		t.Skip("failovers take seconds")
	}
	h := redistest.StartHA(t)
	js := []*journal.Redis{openRedisHA(t, h, 2*time.Second), openRedisHA(t, h, 2*time.Second)}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	var mu sync.Mutex
	var acks []haAck
	var uncertain, failed, readErrs atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for ji, j := range js {
		for g := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					data := fmt.Appendf(nil, "j%d-g%d-%d", ji, g, i)
					e, err := j.Append(ctx, data)
					switch {
					case err == nil:
						mu.Lock()
						acks = append(acks, haAck{e.Seq, data, time.Now()})
						mu.Unlock()
					case errors.Is(err, journal.ErrUncertain):
						uncertain.Add(1)
					default:
						failed.Add(1)
						time.Sleep(20 * time.Millisecond)
					}
				}
			}()
		}
	}
	// A reader of the first journal, as a replica's applier: what it returns is applied.
	var applied []journal.Entry
	readDone := make(chan error, 1)
	rctx, stopRead := context.WithCancel(ctx)
	go func() {
		next := uint64(1)
		for {
			es, err := js[0].Read(rctx, next, 1000)
			if rctx.Err() != nil {
				readDone <- err
				return
			}
			if err != nil {
				// Redis is failing over: the applier reads again (node.go).
				readErrs.Add(1)
				time.Sleep(20 * time.Millisecond)
				continue
			}
			mu.Lock()
			applied = append(applied, es...)
			mu.Unlock()
			next = es[len(es)-1].Seq + 1
		}
	}()

	const failovers = 2
	var kills []time.Time
	time.Sleep(time.Second)
	for range failovers {
		if err := h.WaitHealthy(ctx); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond)
		killed := time.Now()
		old, err := h.KillPrimary(ctx)
		if err != nil {
			t.Fatal(err)
		}
		p, err := h.WaitPromoted(ctx, old)
		if err != nil {
			t.Fatal(err)
		}
		promoted := time.Since(killed)
		if err := h.RestartAsReplica(old, p); err != nil {
			t.Fatal(err)
		}
		t.Logf("failover: promoted after %v, old primary restarted as its replica after %v", promoted, time.Since(killed))
		kills = append(kills, killed)
	}
	if err := h.WaitHealthy(ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	stopped := time.Now()
	close(stop)
	wg.Wait()

	head, err := js[1].HeadSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fresh := openRedisHA(t, h, time.Second)
	all := readAll(t, fresh, 1, head)
	checkOrder(t, all, 1)
	for _, a := range acks {
		if a.seq > uint64(len(all)) || !bytes.Equal(all[a.seq-1].Data, a.data) {
			t.Fatalf("acknowledged %q at seq %d is not in the stream after the failovers", a.data, a.seq)
		}
	}
	// Let the reader reach the head, then compare what it returned with the stream.
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		n := len(applied)
		mu.Unlock()
		if n >= len(all) || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	stopRead()
	<-readDone
	if len(applied) < len(all) {
		t.Fatalf("the reader returned %d entries, the stream holds %d", len(applied), len(all))
	}
	for i, e := range all {
		if a := applied[i]; a.Seq != e.Seq || !bytes.Equal(a.Data, e.Data) {
			t.Fatalf("the reader returned seq %d %q; the stream holds seq %d %q", a.Seq, a.Data, e.Seq, e.Data)
		}
	}
	times := make([]time.Time, len(acks))
	for i, a := range acks {
		times[i] = a.at
	}
	outages := redistest.Outages(times, kills, stopped)
	t.Logf("redis HA: %d failovers, %d appends acknowledged, 0 lost, %d uncertain, %d failed, %d read errors; write outage per failover %v (max %v)",
		failovers, len(acks), uncertain.Load(), failed.Load(), readErrs.Load(), outages, outages[len(outages)-1])
}

// TestRedisHAReadDropsLostEntries: an entry that a reader read from the primary but no
// replica acknowledged, and that the primary then lost (as a replica promoted without
// it would lack it), is never returned: the reader finds it gone and returns the entry
// that took its seq instead.
func TestRedisHAReadDropsLostEntries(t *testing.T) {
	primary := redistest.Start(t)
	host, port, _ := strings.Cut(primary.Addr(), ":")
	rep := redistest.Start(t, "--replicaof", host, port)
	ctx := redisCtx(t)
	open := func() *journal.Redis {
		r, err := journal.OpenRedis(ctx, journal.RedisOptions{URL: primary.URL(), MinReplicas: 1, AppendTimeout: 500 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = r.Close() })
		return r
	}
	w, other, reader := open(), open(), open()
	var e1 journal.Entry
	waitHA(t, "the replica to acknowledge a first append", func() bool {
		var err error
		e1, err = w.Append(ctx, []byte("one"))
		return err == nil
	})
	if err := rep.Pause(); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Append(ctx, []byte("lost")); !errors.Is(err, journal.ErrUncertain) {
		t.Fatalf("Append with the replica paused = %v, want ErrUncertain", err)
	}
	got := make(chan []journal.Entry, 1)
	go func() {
		es, err := reader.Read(ctx, e1.Seq+1, 10)
		if err != nil {
			t.Errorf("Read(%d) = %v", e1.Seq+1, err)
		}
		got <- es
	}()
	time.Sleep(300 * time.Millisecond) // the reader has read "lost" and waits for the replica
	// The primary loses the entry, as a promoted replica that never had it would lack it.
	c := redis.NewClient(&redis.Options{Addr: primary.Addr()})
	defer c.Close()
	msgs, err := c.XRevRangeN(ctx, "scfx:{main}:log", "+", "-", 1).Result()
	if err != nil || len(msgs) != 1 {
		t.Fatalf("XREVRANGE = %v, %v", msgs, err)
	}
	head := fmt.Sprintf("%d-%d", e1.TimeMs, e1.Seq)
	if err := c.XDel(ctx, "scfx:{main}:log", msgs[0].ID).Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.Set(ctx, "scfx:{main}:head", head, 0).Err(); err != nil {
		t.Fatal(err)
	}
	// The reader's confirmation in flight (its WAIT) times out with the replica still
	// paused; the next one finds the entry gone.
	time.Sleep(1500 * time.Millisecond)
	if err := rep.Resume(); err != nil {
		t.Fatal(err)
	}
	e2, err := other.Append(ctx, []byte("kept"))
	if err != nil || e2.Seq != e1.Seq+1 {
		t.Fatalf("Append after the loss = %+v, %v; want seq %d", e2, err, e1.Seq+1)
	}
	select {
	case es := <-got:
		if len(es) == 0 || es[0].Seq != e2.Seq || string(es[0].Data) != "kept" {
			t.Fatalf("Read(%d) = %v, want the entry that took the lost one's seq, %q", e1.Seq+1, es, "kept")
		}
	case <-time.After(redisTestTimeout):
		t.Fatal("Read did not return")
	}
}

func waitHA(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(redisTestTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
