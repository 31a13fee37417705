// SPDX-License-Identifier: Apache-2.0

package journal

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/scfx/scfx/internal/redisha"
)

// Defaults and limits of RedisOptions and of the Redis store.
const (
	redisDefaultStream        = "main"
	redisDefaultMaxBatch      = 512
	redisMaxBatchLimit        = 1 << 14
	redisDefaultMaxRecord     = 4 << 20
	redisRecordLimit          = 64 << 20 // a Redis bulk string may hold 512 MiB; keep far below
	redisDefaultAppendTimeout = 2 * time.Second
	// redisBatchBytesMax stops a batch from taking more appends (its first is always
	// taken): one script call runs alone on Redis's single thread, so it must stay
	// short, and a batch is one stream entry that readers take whole.
	redisBatchBytesMax = 1 << 20
	// One writer per process sends one batch at a time (its commit delay, see collect,
	// assumes it is alone). BenchmarkRedisAppend64 on the 2-core development machine
	// measured 1 writer 60–87k appends/s, 2 writers 63–90k, 4 writers 78–100k: within
	// the noise of a shared machine. But every batch costs Redis a script call, an fsync
	// and a wake-up of each replica's reader: with three replicas on one machine, one
	// writer with the commit delay served 16k requests/s where two writers served 13k.
	// redisIndexEvery: one entry in this many has its stream id in the seq index, so a
	// read from a seq skips at most this many entries minus one, inside Redis.
	redisIndexEvery = 64
	// redisReadEntriesMax and redisReadBytesMax bound one read (at least one entry is
	// returned): a read script also runs alone on Redis's thread.
	redisReadEntriesMax = 4096
	redisReadBytesMax   = 4 << 20
	// redisReadChunk is how many entries a read takes from the stream at a time: with
	// records of up to MaxRecordBytes, what one XRANGE or XREAD holds must stay small.
	redisReadChunk = 16
	// redisBlockMax is the longest one XREAD BLOCK waits; a blocked Read then reads
	// again, so an idle reader costs one round trip per second.
	redisBlockMax = time.Second
	// redisDedupTTL is how long Redis remembers a writer's last batch, so that a retry
	// after a lost reply finds it instead of appending it twice. It only has to outlast
	// the retries of one batch (AppendTimeout).
	redisDedupTTL = 10 * time.Minute
	// redisRecentIDs is how many recent seq→stream id pairs a process remembers, so
	// that reading on from the last entry read needs no index lookup.
	redisRecentIDs = 4096
	redisRetryMin  = 10 * time.Millisecond
	redisRetryMax  = 200 * time.Millisecond
	// redisDialTimeout bounds a connection attempt: with Redis down, an Append must
	// fail within AppendTimeout, not wait for a long dial.
	redisDialTimeout = time.Second
	redisIOTimeout   = 3 * time.Second
	// redisMinVersion: script shebang flags and exclusive XRANGE bounds need Redis 7.
	redisMinVersion = 7
)

// RedisNoReplicas as RedisOptions.MinReplicas: acknowledge appends without waiting for
// any replica. RedisMaxReplicas bounds MinReplicas.
const (
	RedisNoReplicas  = -1
	RedisMaxReplicas = 16
)

// ErrUncertain is wrapped by the error of an Append whose request may have reached
// Redis before the connection failed and whose retries did not get an answer before
// its deadline: the entry may or may not be in the journal. Every replica applies it
// if it is; a client retrying with the same Idempotency-Key gets the one outcome.
var ErrUncertain = errors.New("journal: append outcome unknown")

// ErrTrimUnsafe is wrapped by the error of a Trim below SafeTrimSeq.
var ErrTrimUnsafe = errors.New("journal: trim below an entry a replica may still need")

// RedisOptions configures OpenRedis. Only URL is required.
type RedisOptions struct {
	// URL (--redis-url) is redis://[[user]:password@]host:port/db, rediss:// for TLS,
	// or redis-sentinel://host:port,host:port/master-name[/db] for a primary found
	// through Sentinel and followed across failovers (internal/redisha).
	URL string
	// MinReplicas (--redis-min-replicas) is how many replicas must have a batch before
	// its appends are acknowledged (WAIT or WAITAOF after the batch's script; see
	// "Replication" on Redis). 0 is the default: 1 with Sentinel, none otherwise;
	// RedisNoReplicas: none.
	MinReplicas int
	// Stream names the journal: every key is scfx:{Stream}:..., so the keys of one
	// journal share a Redis Cluster hash slot (default "main"). A shard of books is a
	// journal of its own name.
	Stream string
	// UnsafeDurability (--redis-unsafe-durability) starts even when Redis does not run
	// with appendonly yes and appendfsync always; a Redis crash may then lose
	// acknowledged commands. For tests and demos only.
	UnsafeDurability bool
	MaxBatch         int           // appends per script call (default 512)
	MaxRecordBytes   int           // refuse larger records (default 4 MiB)
	AppendTimeout    time.Duration // longest an Append waits, retries included (default 2 s)
	Logger           *slog.Logger  // default: discard
}

func (o RedisOptions) withDefaults() (RedisOptions, error) {
	if o.URL == "" {
		return o, errors.New("journal: redis: no URL")
	}
	if o.Stream == "" {
		o.Stream = redisDefaultStream
	}
	if len(o.Stream) > 64 || strings.ContainsAny(o.Stream, "{}") {
		return o, fmt.Errorf("journal: redis stream name %q: want at most 64 characters and no braces", o.Stream)
	}
	if o.MaxBatch <= 0 {
		o.MaxBatch = redisDefaultMaxBatch
	}
	if o.MaxRecordBytes <= 0 {
		o.MaxRecordBytes = redisDefaultMaxRecord
	}
	if o.AppendTimeout <= 0 {
		o.AppendTimeout = redisDefaultAppendTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.MaxBatch > redisMaxBatchLimit || o.MaxRecordBytes > redisRecordLimit {
		return o, fmt.Errorf("journal: redis MaxBatch %d or MaxRecordBytes %d above the limits %d, %d",
			o.MaxBatch, o.MaxRecordBytes, redisMaxBatchLimit, redisRecordLimit)
	}
	if o.MinReplicas < RedisNoReplicas || o.MinReplicas > RedisMaxReplicas {
		return o, fmt.Errorf("journal: redis MinReplicas %d: want %d (none) to %d", o.MinReplicas, RedisNoReplicas, RedisMaxReplicas)
	}
	return o, nil
}

// Redis is the journal on one Redis stream, shared by every replica that opens it with
// the same URL and Stream (README, "Architecture"). Its methods are safe for concurrent use.
//
// # Keys
//
// All keys of a journal carry the hash tag {Stream}, so they live in one Cluster slot
// and one Lua script may touch them all:
//
//	scfx:{S}:log        the stream; one entry per batch, id <ms>-<seq of its last record>,
//	                    one field: "d" holding one record, or "b" holding several
//	scfx:{S}:head       the id of the last entry appended ("<ms>-<seq>")
//	scfx:{S}:idx        sorted set: first seq → stream id of the entries that hold seq
//	                    1, 65, 129, ... (every 64th)
//	scfx:{S}:snapshots  hash: replica id → seq of the oldest snapshot it may restore
//	scfx:{S}:format     the journal format of the newest replica that opened it (redisFormat)
//	scfx:{S}:w:<writer> the last batch of one writer, for 10 minutes (retries)
//
// # Why ids are <ms>-<seq>
//
// A stream id is two numbers, milliseconds and a sequence. The append script puts the
// journal's seq in the second and the command's time in the first (README, "Architecture": the
// stream id's time is the command's time), so operators can XRANGE by time. The script
// takes ms = max(Redis TIME, the last entry's ms): ids, seqs and times all grow
// together, whatever the clocks of the replicas do. Because a stream is ordered by id
// and both halves grow together, it is ordered by seq too; but XRANGE needs a full id
// to start from, and the ms of a seq is not computable. So the id of the entry that
// holds every 64th seq is kept in scfx:{S}:idx, written by the same script: a read
// from seq n finds the index point at or below n (ZRANGE BYSCORE REV LIMIT 1,
// O(log n)) and XRANGEs from there, skipping fewer than 64 records (and the records of
// one batch) inside Redis; the entry holding n is the first whose id's seq (its last
// record's) is n or more. A process reading on from the last record it saw (the
// applier does, every time) XREADs after that record's <ms>-<seq>, which is the id of
// its entry or sorts inside it, and skips nothing.
// (Ids <seq>-0 would give reads by seq for free, at the cost of the time in the id.)
//
// # Appends
//
// One script call appends a whole batch atomically as one stream entry: it reads the
// head, takes the next seqs, XADDs the batch with the id of its last seq, updates the
// head and the index. A batch of one record is field "d" with the record itself (as
// every entry was before batches shared an entry, so older journals read the same);
// a batch of n is field "b": uvarint n, then each record as a uvarint length and its
// bytes. One entry per batch rather than per record is what lets three replicas keep
// up: Redis's work (script, XADD, the replies to every replica's XREAD) and the
// client's parsing are per entry (docs/benchmarks.md, "Distributed mode"). Scripts
// run one at a time, so appenders in any number of processes get contiguous seqs, and
// a batch is never half written (the script is flagged so that an out-of-memory Redis
// refuses it before its first write). Within a process, Appends wait in a queue that
// one writer goroutine empties, sending up to MaxBatch waiting appends as one call:
// group commit with a commit delay, as the file store does with its fsync. Enqueue
// queues the same way without a waiting caller (the node's Submit): its done is called
// on the writer once the batch is in Redis, and the Submit sleeps only until its
// entry is applied, as with the file store.
//
// Redis answers a write only after its fsync when it runs with appendfsync always, and
// sends every reply of an event-loop turn (reads included) after that turn's fsync: so
// no replica ever reads an entry that a Redis crash could still lose. OpenRedis refuses
// a Redis that runs otherwise.
//
// A batch is retried, within the AppendTimeout of its oldest append, when Redis cannot
// be reached or answers LOADING, BUSY and the like. Each batch carries a token (writer
// id and batch number); the script records the last token of each writer with the
// batch's seqs, in the same atomic, fsynced write, and answers a repeated token with
// the recorded seqs. A retry after a lost reply therefore never appends twice.
//
// # Replication
//
// With Sentinel (a redis-sentinel:// URL) the client follows the primary across
// failovers, and an append is acknowledged only once MinReplicas replicas have its
// batch (WAIT, or WAITAOF from Redis 7.2, behind the script); Read returns only entries
// the replicas have, so no replica applies an entry a failover could take back
// (redis_ha.go; docs/operations.md, "Redis high availability").
//
// # Trimming
//
// Every replica publishes the seq of the oldest snapshot it may restore from
// (PublishSnapshot); entries at or below the minimum of those are covered for every
// replica, and Trim removes them (XTRIM MINID) only up to there (SafeTrimSeq), checked
// inside the trim script. A replica that was never published pins nothing; a new
// replica must therefore start from a copy of another's snapshot (docs/operations.md).
type Redis struct {
	opts     RedisOptions
	c        *redis.Client
	keys     redisKeys
	repl     RedisReplication
	replicas []RedisReplica // checked at start (setReplication)
	// repWait is the wait for replicas behind each batch (setReplication).
	repWait redisha.Wait
	// confirmed is the greatest seq known to be on MinReplicas replicas: Read returns
	// nothing beyond it (redis_ha.go).
	confirmed atomic.Uint64

	queue   chan *redisReq // bounded: MaxBatch
	closing chan struct{}  // closed by Close: writers stop, new calls fail
	stopped chan struct{}  // closed once every writer has exited
	writers sync.WaitGroup
	readers sync.WaitGroup // goroutines of blocked XREADs

	lastSeq atomic.Uint64
	batches atomic.Uint64
	qwait   *queueWait // the writer's commit delay

	// pending counts the Appends of this process that wait for their batch: while
	// one does, Read waits for its reply (redis_ahead.go) rather than XREAD.
	pending atomic.Int64
	// appendSig (buffered(1)) is signalled by each Append and Enqueue, and lastReply
	// (Unix ns) is when a writer last had a batch answered: a Read at the head of a
	// process that appends lingers for its next append rather than XREAD (see linger).
	appendSig chan struct{}
	lastReply atomic.Int64
	// lingerMax, lingerAfter: redisLingerMax and redisLingerAfter (tests change them
	// before the first Read).
	lingerMax, lingerAfter time.Duration

	mu     sync.Mutex
	closed bool
	recent [redisRecentIDs]redisID // by seq % redisRecentIDs
	// The read-ahead buffer (redis_ahead.go): entries from the XRANGE behind each
	// batch that no Read has returned yet, in seq order and without gaps.
	ahead      []Entry
	aheadBytes int
	aheadSig   chan struct{} // closed when a batch's reply is in, then replaced
	readNext   uint64        // one past the last entry a Read returned
	closeOnce  sync.Once
}

var _ Journal = (*Redis)(nil)

type redisKeys struct {
	log, head, idx, snapshots, format, writerPrefix string
	confirm                                         string // a PUBLISH channel, not a key (redis_ha.go)
}

func newRedisKeys(stream string) redisKeys {
	p := "scfx:{" + stream + "}:"
	return redisKeys{log: p + "log", head: p + "head", idx: p + "idx", snapshots: p + "snapshots", format: p + "format", writerPrefix: p + "w:", confirm: p + "confirm"}
}

// redisID is a stream id, <ms>-<seq>.
type redisID struct {
	ms  int64
	seq uint64
}

func (id redisID) String() string {
	return strconv.FormatInt(id.ms, 10) + "-" + strconv.FormatUint(id.seq, 10)
}

func parseRedisID(s string) (redisID, error) {
	a, b, ok := strings.Cut(s, "-")
	ms, err1 := strconv.ParseInt(a, 10, 64)
	seq, err2 := strconv.ParseUint(b, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return redisID{}, fmt.Errorf("%w: stream id %q is not <ms>-<seq>", ErrCorrupt, s)
	}
	return redisID{ms, seq}, nil
}

// OpenRedis connects to opts.URL, checks that Redis keeps every acknowledged write
// (appendonly yes, appendfsync always; see UnsafeDurability), reads the journal's head
// and starts the writers. Close it to stop them.
func OpenRedis(ctx context.Context, opts RedisOptions) (*Redis, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	target, err := redisha.Parse(opts.URL)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	r := &Redis{
		opts: opts, c: target.Client(RedisTuning()), keys: newRedisKeys(opts.Stream),
		queue:   make(chan *redisReq, opts.MaxBatch),
		closing: make(chan struct{}),
		stopped: make(chan struct{}),
		qwait:   newQueueWait(),

		aheadSig:  make(chan struct{}),
		appendSig: make(chan struct{}, 1),
		lingerMax: redisLingerMax, lingerAfter: redisLingerAfter,
	}
	head, err := r.open(ctx, target)
	if err != nil {
		r.c.Close()
		return nil, err
	}
	r.lastSeq.Store(head.seq)
	var id [8]byte
	_, _ = rand.Read(id[:])
	r.writers.Add(1)
	go r.runWriter(r.keys.writerPrefix + hex.EncodeToString(id[:]))
	return r, nil
}

// RedisTuning is the journal's client settings, for other clients of its Redis (the
// lease's): no retries inside the client (the writers retry a batch themselves,
// under its dedup token; a blind retry inside the client could not tell a lost
// request from a lost reply), short dials and I/O timeouts.
func RedisTuning() redisha.Tuning {
	return redisha.Tuning{
		MaxRetries: -1, DialTimeout: redisDialTimeout, DialerRetries: 1,
		ReadTimeout: redisIOTimeout, WriteTimeout: redisIOTimeout, ContextTimeoutEnabled: true,
	}
}

// open checks the server and reads the head of the journal.
func (r *Redis) open(ctx context.Context, target *redisha.Target) (redisID, error) {
	addr := target.Addr
	if err := r.c.Ping(ctx).Err(); err != nil {
		return redisID{}, fmt.Errorf("journal: redis at %s: %w", addr, err)
	}
	info, err := r.c.Info(ctx, "server").Result()
	if err != nil {
		return redisID{}, fmt.Errorf("journal: redis INFO: %w", err)
	}
	if v := infoField(info, "redis_version"); majorVersion(v) < redisMinVersion {
		return redisID{}, fmt.Errorf("journal: redis at %s is version %q; the journal needs Redis %d or later", addr, v, redisMinVersion)
	}
	if err := r.checkDurability(ctx, addr); err != nil {
		return redisID{}, err
	}
	if err := r.setReplication(ctx, target); err != nil {
		return redisID{}, err
	}
	if err := r.claimFormat(ctx); err != nil {
		return redisID{}, err
	}
	head, err := r.readHead(ctx)
	if err != nil {
		return redisID{}, err
	}
	// What the stream holds at open is taken as replicated: there is no telling what
	// the previous primary had that this one lacks.
	r.confirmed.Store(head.seq)
	return head, nil
}

// redisFormat is the journal format this code writes: 2 = a batch is one stream entry
// (field b), records are binary commands. 1 (or no format key) = one entry per record.
// Every replica must read what every other writes, so a replica refuses a journal
// whose format is newer than its own, and marks the journal with its own format, so
// that an older replica (one that checks) refuses it in turn (docs/operations.md,
// "Upgrades").
const redisFormat = 2

func (r *Redis) claimFormat(ctx context.Context) error {
	v, err := r.c.Get(ctx, r.keys.format).Result()
	have := int64(1)
	switch {
	case errors.Is(err, redis.Nil):
	case err != nil:
		return fmt.Errorf("journal: redis read %s: %w", r.keys.format, err)
	default:
		if have, err = strconv.ParseInt(v, 10, 64); err != nil {
			return fmt.Errorf("%w: %s is %q, not a format number", ErrCorrupt, r.keys.format, v)
		}
	}
	if have > redisFormat {
		return fmt.Errorf("journal: %s is written in format %d, and this scfx reads formats up to %d: upgrade it", r.keys.log, have, redisFormat)
	}
	if have < redisFormat {
		if err := r.c.Set(ctx, r.keys.format, redisFormat, 0).Err(); err != nil {
			return fmt.Errorf("journal: redis write %s: %w", r.keys.format, err)
		}
	}
	return nil
}

// readHead reads the head and checks it against the stream's own last id: a head and
// a stream restored from different backups, or one of them deleted, must not be
// appended to.
func (r *Redis) readHead(ctx context.Context) (redisID, error) {
	// Both reads in one MULTI: other replicas append meanwhile, and a head read before
	// their append compared with a stream read after it would look corrupt.
	var getCmd *redis.StringCmd
	var infoCmd *redis.XInfoStreamCmd
	_, _ = r.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		getCmd = p.Get(ctx, r.keys.head)
		infoCmd = p.XInfoStream(ctx, r.keys.log)
		return nil
	})
	h, err := getCmd.Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return redisID{}, fmt.Errorf("journal: redis read head: %w", err)
	}
	head := redisID{}
	if err == nil {
		if head, err = parseRedisID(h); err != nil {
			return redisID{}, err
		}
	}
	last := "0-0"
	info, err := infoCmd.Result()
	switch {
	case err == nil:
		last = info.LastGeneratedID
	case !redis.HasErrorPrefix(err, "no such key"):
		return redisID{}, fmt.Errorf("journal: redis XINFO STREAM %s: %w", r.keys.log, err)
	}
	if last != head.String() {
		return redisID{}, fmt.Errorf("%w: %s says %s but stream %s last added %s", ErrCorrupt, r.keys.head, head, r.keys.log, last)
	}
	return head, nil
}

// HeadSeq is the sequence of the last entry in the stream, as Redis has it now (not
// only what this process has seen): a replica that takes over a role waits until it
// has applied this far.
func (r *Redis) HeadSeq(ctx context.Context) (uint64, error) {
	h, err := r.c.Get(ctx, r.keys.head).Result()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("journal: redis read head: %w", err)
	}
	id, err := parseRedisID(h)
	if err != nil {
		return 0, err
	}
	return id.seq, nil
}

// checkDurability refuses a Redis that may lose an acknowledged write (README, "Architecture"):
// one that does not fsync each write to its append-only file, or may evict keys under
// memory pressure. UnsafeDurability turns the refusal into a warning.
func (r *Redis) checkDurability(ctx context.Context, addr string) error {
	problem := ""
	cfg, err := r.c.ConfigGet(ctx, "append*").Result()
	var policy map[string]string
	if err == nil {
		policy, err = r.c.ConfigGet(ctx, "maxmemory-policy").Result()
	}
	switch {
	case err != nil:
		problem = fmt.Sprintf("its configuration cannot be read (CONFIG GET: %v)", err)
	case cfg["appendonly"] != "yes":
		problem = fmt.Sprintf("it runs with appendonly %q", cfg["appendonly"])
	case cfg["appendfsync"] != "always":
		problem = fmt.Sprintf("it runs with appendfsync %q", cfg["appendfsync"])
	case policy["maxmemory-policy"] != "noeviction":
		problem = fmt.Sprintf("it runs with maxmemory-policy %q, which may evict journal keys", policy["maxmemory-policy"])
	}
	if problem == "" {
		return nil
	}
	if r.opts.UnsafeDurability {
		r.opts.Logger.Warn("redis journal without durable writes: acknowledged commands may be lost",
			"addr", addr, "problem", problem)
		return nil
	}
	return fmt.Errorf("journal: refusing redis at %s: %s, so an acknowledged command could be lost. "+
		"Run Redis with --appendonly yes --appendfsync always --maxmemory-policy noeviction, "+
		"or start scfx with --redis-unsafe-durability to accept that risk", addr, problem)
}

func infoField(info, name string) string {
	for line := range strings.SplitSeq(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), name+":"); ok {
			return v
		}
	}
	return ""
}

func majorVersion(v string) int {
	major, _, _ := strings.Cut(v, ".")
	n, err := strconv.Atoi(major)
	if err != nil {
		return 0
	}
	return n
}

// LastSeq is the last seq this process knows of: the head at open, then the greatest
// seq it appended or read (or saw as the head while reading).
func (r *Redis) LastSeq() uint64 { return r.lastSeq.Load() }

// Err is always nil: a failed append to Redis fails that append alone (Redis's own
// fsync policy keeps what it acknowledged), and the next may succeed once Redis is
// back. Ping reports whether it answers.
func (r *Redis) Err() error { return nil }

// AppendBatches is how many batches the writers have appended: Appends per batch is
// the group-commit factor.
func (r *Redis) AppendBatches() uint64 { return r.batches.Load() }

func (r *Redis) noteSeq(seq uint64) {
	for {
		cur := r.lastSeq.Load()
		if seq <= cur || r.lastSeq.CompareAndSwap(cur, seq) {
			return
		}
	}
}

// remember records the stream ids of entries this process appended or read.
func (r *Redis) remember(es []Entry) {
	r.mu.Lock()
	for _, e := range es {
		r.recent[e.Seq%redisRecentIDs] = redisID{e.TimeMs, e.Seq}
	}
	r.mu.Unlock()
}

// knownID is the stream id of entry seq if this process appended or read it lately.
func (r *Redis) knownID(seq uint64) (redisID, bool) {
	if seq == 0 {
		return redisID{}, false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	p := r.recent[seq%redisRecentIDs]
	return p, p.seq == seq
}

// startFor is where a read from seq from starts: just after the id of from-1 or at the
// id of from when known here, else "" (the read script looks the index up).
func (r *Redis) startFor(from uint64) string {
	if p, ok := r.knownID(from - 1); ok {
		return "(" + p.String()
	}
	if p, ok := r.knownID(from); ok {
		return p.String()
	}
	return ""
}

func (r *Redis) isClosing() bool {
	select {
	case <-r.closing:
		return true
	default:
		return false
	}
}

// Ping checks that Redis answers (for /readyz).
func (r *Redis) Ping(ctx context.Context) error {
	if err := r.c.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("journal: redis: %w", err)
	}
	return nil
}

// Close stops the writers (a batch in flight finishes, within its AppendTimeout),
// fails the Appends still queued with ErrClosed, wakes blocked Reads with ErrClosed and
// closes the connections. Later calls return ErrClosed.
func (r *Redis) Close() error {
	err := ErrClosed
	r.closeOnce.Do(func() {
		r.mu.Lock()
		r.closed = true
		r.mu.Unlock()
		close(r.closing)
		r.writers.Wait()
		close(r.stopped)
		for done := false; !done; {
			select {
			case q := <-r.queue:
				if q.take() {
					q.answer(redisResult{err: ErrClosed})
				}
			default:
				done = true
			}
		}
		r.readers.Wait()
		err = r.c.Close()
	})
	return err
}
