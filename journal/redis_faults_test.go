// SPDX-License-Identifier: Apache-2.0

package journal_test

// Tests of the Redis journal under faults: Redis killed and restarted, Redis down, a
// reply lost in the network.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scfx/scfx/journal"
	"github.com/scfx/scfx/journal/redistest"
)

// TestRedisRestartMidLoad kills Redis (SIGKILL) while 32 appenders run and starts it
// again: every Append that returned nil is read back with its seq and data, no data is
// in the journal twice (retries after a lost reply are deduplicated), seqs stay
// contiguous.
func TestRedisRestartMidLoad(t *testing.T) {
	const appenders = 32
	srv := redistest.Start(t)
	j := openRedis(t, srv, "crash")
	ctx := redisCtx(t)
	var (
		mu     sync.Mutex
		acked  []journal.Entry
		failed atomic.Int64
		stop   atomic.Bool
		wg     sync.WaitGroup
	)
	for a := range appenders {
		wg.Go(func() {
			for i := 0; !stop.Load(); i++ {
				e, err := j.Append(ctx, fmt.Appendf(nil, "a%d-i%d", a, i))
				if err != nil {
					failed.Add(1)
					time.Sleep(10 * time.Millisecond)
					continue
				}
				mu.Lock()
				acked = append(acked, e)
				mu.Unlock()
			}
		})
	}
	ackedNow := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(acked)
	}
	waitFor(t, func() bool { return ackedNow() >= 500 })
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * redisAppendTimeout) // appends fail meanwhile
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	atRestart := ackedNow()
	waitFor(t, func() bool { return ackedNow() >= atRestart+500 })
	stop.Store(true)
	wg.Wait()
	t.Logf("%d appends acknowledged, %d failed while Redis was down", len(acked), failed.Load())
	if failed.Load() == 0 {
		t.Errorf("no Append failed while Redis was down for %v", 2*redisAppendTimeout)
	}

	k := openRedis(t, srv, "crash") // a fresh process: nothing cached
	es := readAll(t, k, 1, k.LastSeq())
	checkOrder(t, es, 1)
	seen := map[string]uint64{}
	for _, e := range es {
		if prev, dup := seen[string(e.Data)]; dup {
			t.Fatalf("%q is in the journal twice, at seqs %d and %d", e.Data, prev, e.Seq)
		}
		seen[string(e.Data)] = e.Seq
	}
	for _, a := range acked {
		if a.Seq > uint64(len(es)) || !bytes.Equal(es[a.Seq-1].Data, a.Data) || es[a.Seq-1].TimeMs != a.TimeMs {
			t.Fatalf("acknowledged seq %d %q lost or changed after the restart", a.Seq, a.Data)
		}
	}
}

// TestRedisDown: with Redis down, Append fails within its timeout and Ping fails; once
// Redis is back, the same journal appends again, with no gap.
func TestRedisDown(t *testing.T) {
	srv := redistest.Start(t)
	j := openRedis(t, srv, "down")
	ctx := redisCtx(t)
	if _, err := j.Append(ctx, []byte("before")); err != nil {
		t.Fatal(err)
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := j.Append(ctx, []byte("while down")); err == nil || errors.Is(err, journal.ErrUncertain) {
		t.Fatalf("Append with Redis down = %v, want an error, not ErrUncertain (it never reached Redis)", err)
	} else if took := time.Since(start); took > redisAppendTimeout+time.Second {
		t.Errorf("Append with Redis down took %v, want at most AppendTimeout %v (+1 s)", took, redisAppendTimeout)
	}
	pctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if err := j.Ping(pctx); err == nil {
		t.Error("Ping with Redis down = nil, want an error")
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	if err := j.Ping(ctx); err != nil {
		t.Fatalf("Ping after restart = %v, want nil", err)
	}
	e, err := j.Append(ctx, []byte("after"))
	if err != nil || e.Seq != 2 {
		t.Fatalf("Append after restart = seq %d, %v; want seq 2 (the failed one never appended)", e.Seq, err)
	}
	es := readAll(t, j, 1, 2)
	if string(es[0].Data) != "before" || string(es[1].Data) != "after" {
		t.Errorf("entries after restart = %q, %q; want before, after", es[0].Data, es[1].Data)
	}
}

// TestRedisLostReply: the connection drops after Redis ran an append but before its
// reply arrived. The writer's retry finds the batch by its token: the Append returns
// the seq it got, and the entry is in the journal once. If Redis stays unreachable
// until the deadline, the Append's error wraps ErrUncertain, and the entry is there.
func TestRedisLostReply(t *testing.T) {
	srv := redistest.Start(t)
	p := startDropProxy(t, srv.Addr())
	ctx := redisCtx(t)
	j, err := journal.OpenRedis(ctx, journal.RedisOptions{URL: "redis://" + p.addr() + "/0", Stream: "lost", AppendTimeout: redisAppendTimeout})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if _, err := j.Append(ctx, []byte("first")); err != nil {
		t.Fatal(err)
	}

	p.dropNextReply.Store(true)
	e, err := j.Append(ctx, []byte("reply lost"))
	if err != nil || e.Seq != 2 {
		t.Fatalf("Append whose reply was lost = seq %d, %v; want seq 2 after a retry", e.Seq, err)
	}
	if p.dropped.Load() != 1 {
		t.Fatalf("the proxy dropped %d replies, want 1", p.dropped.Load())
	}

	p.dropNextReply.Store(true)
	p.refuse.Store(true) // and no retry gets through
	if _, err := j.Append(ctx, []byte("outcome unknown")); !errors.Is(err, journal.ErrUncertain) {
		t.Fatalf("Append whose reply was lost, Redis unreachable after = %v, want ErrUncertain", err)
	}
	p.refuse.Store(false)
	if e, err := j.Append(ctx, []byte("last")); err != nil || e.Seq != 4 {
		t.Fatalf("Append after the proxy is back = seq %d, %v; want 4", e.Seq, err)
	}
	var got []string
	for _, e := range readAll(t, j, 1, 4) {
		got = append(got, string(e.Data))
	}
	if want := "first,reply lost,outcome unknown,last"; strings.Join(got, ",") != want {
		t.Errorf("journal = %q, want %s, each once", got, want)
	}
}

// dropProxy forwards TCP to Redis. Armed with dropNextReply, it forwards the next
// request that runs a script, swallows what Redis answers, and closes the connection:
// a reply lost in the network. With refuse set it closes every new connection.
type dropProxy struct {
	ln            net.Listener
	target        string
	dropNextReply atomic.Bool
	refuse        atomic.Bool
	dropped       atomic.Int64
}

func startDropProxy(t *testing.T, target string) *dropProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &dropProxy{ln: ln, target: target}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { p.serve(c) })
		}
	})
	return p
}

func (p *dropProxy) addr() string { return p.ln.Addr().String() }

func (p *dropProxy) serve(client net.Conn) {
	defer client.Close()
	if p.refuse.Load() {
		return
	}
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer server.Close()
	var swallow atomic.Bool
	go func() { // replies
		buf := make([]byte, 64<<10)
		for {
			n, err := server.Read(buf)
			if err != nil {
				client.Close()
				return
			}
			if !swallow.Load() {
				if _, err := client.Write(buf[:n]); err != nil {
					return
				}
			}
		}
	}()
	buf := make([]byte, 64<<10)
	for {
		n, err := client.Read(buf)
		if err != nil {
			return
		}
		drop := bytes.Contains(bytes.ToLower(buf[:n]), []byte("eval")) && p.dropNextReply.CompareAndSwap(true, false)
		if drop {
			swallow.Store(true)
		}
		if _, err := server.Write(buf[:n]); err != nil {
			return
		}
		if drop {
			time.Sleep(50 * time.Millisecond) // Redis runs it, and its reply is swallowed
			p.dropped.Add(1)
			return
		}
	}
}
