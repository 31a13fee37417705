// SPDX-License-Identifier: Apache-2.0

package journal

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/scfx/scfx/internal/redisha"
)

// Replication of the Redis journal (docs/operations.md, "Redis high availability").
//
// Redis replicates asynchronously: the primary answers a write before any replica has
// it, and a replica promoted by Sentinel after the primary's host is lost lacks
// whatever had not reached it. So with MinReplicas n > 0:
//
//   - The writer pipelines WAIT n (WAITAOF 0 n from Redis 7.2: the replicas have
//     fsynced it) behind each batch's script, on the same connection. The appends are
//     answered only when n replicas have the batch. A wait that falls short is retried
//     with the batch's dedup token — the script answers the seqs it recorded, or, on a
//     new primary that lost the batch, appends it again — until the batch's deadline;
//     then the appends fail with ErrUncertain, never as "not appended".
//   - Read returns only entries known to be on n replicas (up to confirmed): what
//     this process's own batches carried (the wait covers everything before them in
//     the primary's stream), else after a confirmation — one pipeline that checks the
//     last entry read is still in the stream, PUBLISHes (a write that is replicated
//     and touches no key) and WAITs. A replica never applies an entry that a failover
//     could take back; an entry read from a former primary and missing on the new one
//     is dropped, and the stream is read again from there.

// RedisReplication is how the journal's appends are replicated (GET /v1/node).
type RedisReplication struct {
	Sentinel    bool   // the primary is found through Sentinel
	MasterName  string // its Sentinel name
	Wait        string // "none", "WAIT" or "WAITAOF"
	MinReplicas int    // replicas that have each acknowledged batch
	// ReplicaDurability says whether the primary's replicas at start keep what they
	// have (appendonly yes, appendfsync always), checked when MinReplicas > 0:
	// "durable" (every one, and at least MinReplicas of them), "not_durable" (one is
	// not: allowed only with UnsafeDurability), "unknown" (one could not be read, or
	// fewer than MinReplicas were listed); "" when not checked. ReplicasAtStart has each.
	ReplicaDurability string
}

// Values of RedisReplication.ReplicaDurability.
const (
	ReplicasDurable    = "durable"
	ReplicasNotDurable = "not_durable"
	ReplicasUnknown    = "unknown"
)

// RedisReplica is one replica of the primary as found at start.
type RedisReplica struct {
	Addr        string // as the primary lists it (INFO replication)
	AppendOnly  string // CONFIG GET appendonly; "" when it could not be read
	AppendFsync string // CONFIG GET appendfsync
	// Durable: appendonly yes and appendfsync always — a promoted replica has every
	// acknowledged append even after a crash of its own process.
	Durable bool
	Error   string // why its configuration could not be read
}

// redisReplicaCheckTimeout bounds the whole check of the replicas' configuration.
const redisReplicaCheckTimeout = 3 * time.Second

const (
	// redisWaitMax bounds one WAIT of the writer: a wait that falls short is tried
	// again (with the batch's dedup token) until the batch's deadline.
	redisWaitMax = time.Second
	// redisConfirmMax bounds one confirmation of a Read; it is tried again until the
	// Read's context ends.
	redisConfirmMax = 2 * time.Second
)

// Replication says how appends are replicated.
func (r *Redis) Replication() RedisReplication { return r.repl }

// setReplication chooses the wait for replicas and logs it, with how many replicas
// the primary has now.
func (r *Redis) setReplication(ctx context.Context, t *redisha.Target) error {
	n := r.opts.MinReplicas
	switch {
	case n == RedisNoReplicas:
		n = 0
	case n == 0 && t.Sentinel:
		n = 1
	}
	w, err := redisha.Detect(ctx, r.c, n)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	r.repWait = w
	r.repl = RedisReplication{Sentinel: t.Sentinel, MasterName: t.MasterName, Wait: w.Command, MinReplicas: n}
	info, err := r.c.Info(ctx, "replication").Result()
	if err != nil {
		return fmt.Errorf("journal: redis INFO replication: %w", err)
	}
	connected, _ := strconv.Atoi(redisha.InfoField(info, "connected_slaves"))
	r.opts.Logger.Info("redis journal replication", "sentinel", t.Sentinel, "master_name", t.MasterName,
		"wait", w.Command, "min_replicas", n, "connected_replicas", connected)
	if connected < n {
		r.opts.Logger.Warn("the Redis primary has fewer replicas than --redis-min-replicas: appends wait for them, and fail as uncertain meanwhile",
			"connected_replicas", connected, "min_replicas", n)
	}
	if n == 0 && t.Sentinel {
		r.opts.Logger.Warn("Sentinel with --redis-min-replicas 0: a failover may lose acknowledged commands")
	}
	if n == 0 {
		return nil
	}
	r.replicas = r.replicaDurability(ctx, info)
	r.repl.ReplicaDurability = replicaDurabilitySummary(r.replicas, n)
	return r.checkReplicas(r.replicas)
}

// ReplicasAtStart are the primary's replicas as checked at start (MinReplicas > 0).
func (r *Redis) ReplicasAtStart() []RedisReplica { return r.replicas }

func replicaDurabilitySummary(reps []RedisReplica, min int) string {
	sum := ReplicasDurable
	for _, rep := range reps {
		switch {
		case rep.Error != "":
			if sum == ReplicasDurable {
				sum = ReplicasUnknown
			}
		case !rep.Durable:
			sum = ReplicasNotDurable
		}
	}
	if sum == ReplicasDurable && len(reps) < min {
		sum = ReplicasUnknown
	}
	return sum
}

// replicaDurability reads appendonly and appendfsync of each replica the primary lists
// in INFO replication (info). These are the addresses Sentinel learns too (it reads the
// same INFO), and they work without Sentinel (--redis-min-replicas on a plain URL); a
// replica behind NAT may list an address scfx cannot reach (replica-announce-ip fixes
// that), and is then reported with Error, not refused.
func (r *Redis) replicaDurability(ctx context.Context, info string) []RedisReplica {
	ctx, cancel := context.WithTimeout(ctx, redisReplicaCheckTimeout)
	defer cancel()
	base := r.c.Options()
	var out []RedisReplica
	for i := 0; i < redisMaxReplicasChecked; i++ {
		line := redisha.InfoField(info, "slave"+strconv.Itoa(i))
		if line == "" {
			break
		}
		var ip, port string
		for kv := range strings.SplitSeq(line, ",") {
			k, v, _ := strings.Cut(kv, "=")
			switch k {
			case "ip":
				ip = v
			case "port":
				port = v
			}
		}
		rep := RedisReplica{Addr: net.JoinHostPort(ip, port)}
		o := &redis.Options{
			Addr: rep.Addr, Username: base.Username, Password: base.Password, TLSConfig: base.TLSConfig,
			DialTimeout: redisDialTimeout, MaxRetries: -1, PoolSize: 1,
		}
		c := redis.NewClient(o)
		cfg, err := c.ConfigGet(ctx, "append*").Result()
		c.Close()
		if err != nil {
			rep.Error = err.Error()
		} else {
			rep.AppendOnly, rep.AppendFsync = cfg["appendonly"], cfg["appendfsync"]
			rep.Durable = rep.AppendOnly == "yes" && rep.AppendFsync == "always"
		}
		out = append(out, rep)
	}
	return out
}

// redisMaxReplicasChecked bounds the replicas read at start.
const redisMaxReplicasChecked = 16

// checkReplicas refuses a replica that runs without appendonly yes / appendfsync
// always (a promoted one would lose what its own crash took), unless UnsafeDurability
// (--redis-unsafe-durability), which turns the refusal into a warning. A replica
// whose configuration could not be read is a warning: the journal cannot tell.
func (r *Redis) checkReplicas(reps []RedisReplica) error {
	for _, rep := range reps {
		switch {
		case rep.Error != "":
			r.opts.Logger.Warn("redis replica: its configuration could not be read, so its durability is unknown",
				"addr", rep.Addr, "err", rep.Error)
		case !rep.Durable && r.opts.UnsafeDurability:
			r.opts.Logger.Warn("redis replica without durable writes: after a failover to it, a crash of it may lose acknowledged commands",
				"addr", rep.Addr, "appendonly", rep.AppendOnly, "appendfsync", rep.AppendFsync)
		case !rep.Durable:
			return fmt.Errorf("journal: refusing redis replica %s: it runs with appendonly %q, appendfsync %q, so once promoted a crash of it could lose acknowledged commands. "+
				"Run every replica with --appendonly yes --appendfsync always, or start scfx with --redis-unsafe-durability to accept that risk",
				rep.Addr, rep.AppendOnly, rep.AppendFsync)
		default:
			r.opts.Logger.Info("redis replica keeps every write", "addr", rep.Addr, "appendonly", rep.AppendOnly, "appendfsync", rep.AppendFsync)
		}
	}
	return nil
}

// writeTimeout is how long the writer's WAIT may take within ctx's deadline.
func writeTimeout(ctx context.Context) time.Duration {
	d, ok := ctx.Deadline()
	if !ok {
		return redisWaitMax
	}
	return min(time.Until(d)*3/4, redisWaitMax)
}

// noteConfirmed raises confirmed to seq.
func (r *Redis) noteConfirmed(seq uint64) {
	for {
		cur := r.confirmed.Load()
		if seq <= cur || r.confirmed.CompareAndSwap(cur, seq) {
			return
		}
	}
}

// Read returns up to max entries with Seq >= from, in order; from 0 reads from the
// first entry. One Read returns at most 4096 entries and about 4 MiB of data (at least
// one entry). When none is available yet it blocks (XREAD BLOCK) until one is
// appended, by any replica, or ctx is done (it returns ctx.Err()) or the journal is
// closed (ErrClosed). A from below the first entry left by Trim is an error. At the
// head, while an append of this process is outstanding, the entries come from its
// reply instead (redis_ahead.go). With MinReplicas, it returns only entries that
// MinReplicas replicas have (see above).
func (r *Redis) Read(ctx context.Context, from uint64, max int) ([]Entry, error) {
	for {
		es, err := r.read(ctx, from, max)
		if err != nil || len(es) == 0 || r.repl.MinReplicas == 0 {
			return es, err
		}
		c := r.confirmed.Load()
		if i := firstFrom(es, c+1); i > 0 {
			return es[:i], nil // the rest is read again, after it is confirmed
		}
		kept, err := r.confirm(ctx, es[len(es)-1])
		if err != nil {
			return nil, err
		}
		if kept {
			return es, nil
		}
		r.opts.Logger.Warn("redis journal: entries read from a former primary are not on the new one: reading again",
			"from_seq", from, "to_seq", es[len(es)-1].Seq)
		r.forgetFrom(from)
	}
}

// confirm waits until last is on MinReplicas replicas (true), or finds that it is not
// in the stream any more (false): a failover took it back. It tries until ctx ends or
// the journal closes.
func (r *Redis) confirm(ctx context.Context, last Entry) (bool, error) {
	backoff := redisRetryMin
	for {
		present, err := r.confirmOnce(ctx, last)
		if err == nil {
			if present {
				r.noteConfirmed(last.Seq)
			}
			return present, nil
		}
		t := time.NewTimer(backoff)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return false, ctx.Err()
		case <-r.closing:
			t.Stop()
			return false, ErrClosed
		}
		backoff = min(2*backoff, redisRetryMax)
	}
}

// confirmOnce: one pipeline of XRANGE from last's id (is it still there?), PUBLISH
// (a replicated write, so that the WAIT behind it covers the XRANGE's view) and WAIT.
// It returns false, nil when last is not in the stream; an error when Redis did not
// answer or the replicas did not acknowledge in time.
func (r *Redis) confirmOnce(ctx context.Context, last Entry) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, redisConfirmMax)
	defer cancel()
	p := r.c.Pipeline()
	xr := p.XRangeN(ctx, r.keys.log, redisID{last.TimeMs, last.Seq}.String(), "+", 1)
	p.Publish(ctx, r.keys.confirm, "")
	// WAIT (not WAITAOF): a PUBLISH is replicated but not written to the AOF.
	check := redisha.Wait{Command: redisha.WaitWAIT, Replicas: r.repl.MinReplicas}.Queue(ctx, p, redisConfirmMax/2)
	_, _ = p.Exec(ctx)
	msgs, err := xr.Result()
	if err != nil {
		return false, fmt.Errorf("journal: redis confirm: %w", err)
	}
	es, err := appendStreamMessages(nil, msgs)
	if err != nil {
		return false, err
	}
	if i := firstFrom(es, last.Seq); i == len(es) || es[i].Seq != last.Seq || es[i].TimeMs != last.TimeMs || !bytes.Equal(es[i].Data, last.Data) {
		return false, nil
	}
	if err := check(); err != nil {
		return false, fmt.Errorf("journal: redis confirm: %w", err)
	}
	return true, nil
}

// forgetFrom drops what this process knows of entries from seq from on: read from a
// primary that a failover replaced, they may be other entries (or none) now.
func (r *Redis) forgetFrom(from uint64) {
	r.mu.Lock()
	for i := range r.recent {
		if r.recent[i].seq >= from {
			r.recent[i] = redisID{}
		}
	}
	r.ahead, r.aheadBytes = nil, 0
	r.readNext = min(r.readNext, from)
	r.mu.Unlock()
	r.lastSeq.Store(from - 1)
}
