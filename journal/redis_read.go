// SPDX-License-Identifier: Apache-2.0

package journal

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Reads of the Redis journal, and its trimming.

// read is Read (redis_ha.go) before the check that the entries are on the replicas.
func (r *Redis) read(ctx context.Context, from uint64, max int) ([]Entry, error) {
	if max < 1 {
		return nil, fmt.Errorf("journal: read max %d, want at least 1", max)
	}
	from = maxUint64(from, 1)
	max = min(max, redisReadEntriesMax)
	waited := false
	for {
		if r.isClosing() {
			return nil, ErrClosed
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		es, replied := r.takeAhead(from, max)
		if len(es) > 0 {
			return es, nil
		}
		if !waited && from > r.lastSeq.Load() && (r.pending.Load() > 0 || r.linger(ctx)) {
			// At the head, with an append of this process on its way: its reply brings
			// the entries up to it (redis_ahead.go). Wait for that once, then read by
			// ourselves. (Behind the head, reading is faster than waiting.)
			waited = true
			t := time.NewTimer(redisAheadWaitMax)
			select {
			case <-replied:
			case <-t.C:
			case <-ctx.Done():
			case <-r.closing:
			}
			t.Stop()
			continue
		}
		waited = false
		if prev, ok := r.knownID(from - 1); ok {
			// Tailing: the id of the entry before from is known (this process read or
			// appended it), so one XREAD from it is the whole read.
			es, err := r.wait(ctx, prev, max)
			if err != nil || len(es) > 0 {
				return es, err
			}
			continue // nothing within the block time
		}
		es, head, err := r.fetch(ctx, from, max)
		if err != nil && r.isClosing() {
			return nil, ErrClosed // the client was closed under the read
		}
		if err != nil || len(es) > 0 {
			return es, err
		}
		if head.seq >= from {
			return nil, fmt.Errorf("journal: read from seq %d: the stream reaches seq %d but holds no entry from %d on (trimmed)",
				from, head.seq, from)
		}
		if es, err = r.wait(ctx, head, max); err != nil {
			return nil, err
		}
		if i := firstFrom(es, from); i < len(es) {
			return es[i:], nil
		}
	}
}

// fetch reads entries from seq from on without blocking, with the head of the stream.
func (r *Redis) fetch(ctx context.Context, from uint64, max int) ([]Entry, redisID, error) {
	keys := []string{r.keys.log, r.keys.idx, r.keys.head}
	res, err := redisReadScript.RunRO(ctx, r.c, keys, from, max, r.startFor(from), redisReadBytesMax, redisReadChunk).Slice()
	if err != nil {
		return nil, redisID{}, fmt.Errorf("journal: redis read from seq %d: %w", from, err)
	}
	if len(res)%3 != 1 {
		return nil, redisID{}, fmt.Errorf("journal: redis read script answered %d values", len(res))
	}
	s, _ := res[0].(string)
	head, err := parseRedisID(s)
	if err != nil {
		return nil, redisID{}, err
	}
	var es []Entry
	for i := 1; i < len(res); i += 3 {
		id, _ := res[i].(string)
		field, _ := res[i+1].(string)
		value, _ := res[i+2].(string)
		if es, err = appendStreamEntry(es, id, field, value); err != nil {
			return nil, redisID{}, err
		}
	}
	es = records(es, from, max)
	if len(es) > 0 && es[0].Seq != from {
		return nil, redisID{}, fmt.Errorf("journal: read from seq %d, before the first entry %d", from, es[0].Seq)
	}
	r.noteSeq(head.seq)
	r.took(es)
	return es, head, nil
}

// records keeps the records of es from seq from on, at most max of them.
func records(es []Entry, from uint64, max int) []Entry {
	i := firstFrom(es, from)
	return es[i:min(len(es), i+max)]
}

// appendStreamMessages parses go-redis's stream messages (XREAD, XRANGE) onto es with
// appendStreamEntry; an entry has exactly one field.
func appendStreamMessages(es []Entry, msgs []redis.XMessage) ([]Entry, error) {
	for _, m := range msgs {
		if len(m.Values) != 1 {
			return nil, fmt.Errorf("%w: stream entry %s has %d fields, want 1", ErrCorrupt, m.ID, len(m.Values))
		}
		for field, v := range m.Values {
			value, _ := v.(string)
			var err error
			if es, err = appendStreamEntry(es, m.ID, field, value); err != nil {
				return nil, err
			}
		}
	}
	return es, nil
}

// appendStreamEntry parses one stream entry — one record (field d) or a batch (field
// b) — onto es and checks that its records follow the last one: the next seqs, a time
// not before it.
func appendStreamEntry(es []Entry, id, field, value string) ([]Entry, error) {
	sid, err := parseRedisID(id)
	if err != nil {
		return nil, err
	}
	var datas [][]byte
	switch field {
	case redisFieldRecord:
		datas = [][]byte{[]byte(value)}
	case redisFieldBatch:
		if datas, err = decodeRedisBatch([]byte(value)); err != nil {
			return nil, fmt.Errorf("stream entry %s: %w", id, err)
		}
	default:
		return nil, fmt.Errorf("%w: stream entry %s has field %q, want d or b", ErrCorrupt, id, field)
	}
	if uint64(len(datas)) > sid.seq {
		return nil, fmt.Errorf("%w: stream entry %s holds %d records", ErrCorrupt, id, len(datas))
	}
	first := sid.seq - uint64(len(datas)) + 1
	if n := len(es); n > 0 && (first != es[n-1].Seq+1 || sid.ms < es[n-1].TimeMs) {
		return nil, fmt.Errorf("%w: stream entry %s (from seq %d) after seq %d at %d ms", ErrCorrupt, id, first, es[n-1].Seq, es[n-1].TimeMs)
	}
	for i, d := range datas {
		es = append(es, Entry{Seq: first + uint64(i), TimeMs: sid.ms, Data: d})
	}
	return es, nil
}

// took records what a read returned.
func (r *Redis) took(es []Entry) {
	if len(es) > 0 {
		r.remember(es)
		r.noteSeq(es[len(es)-1].Seq)
		r.readReturned(es)
	}
}

func firstFrom(es []Entry, from uint64) int {
	for i, e := range es {
		if e.Seq >= from {
			return i
		}
	}
	return len(es)
}

// wait blocks until entries after head are appended (up to redisBlockMax, then it
// returns none), ctx is done or the journal closes. go-redis cannot cancel a blocked
// command, so the XREAD runs in a goroutine that outlives a cancelled wait by at most
// redisBlockMax; Close waits for it.
func (r *Redis) wait(ctx context.Context, head redisID, max int) ([]Entry, error) {
	block := redisBlockMax
	if d, ok := ctx.Deadline(); ok {
		if block = min(block, time.Until(d)); block < time.Millisecond {
			return nil, context.DeadlineExceeded
		}
	}
	type result struct {
		es  []Entry
		err error
	}
	ch := make(chan result, 1)
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil, ErrClosed
	}
	r.readers.Add(1)
	r.mu.Unlock()
	go func() {
		defer r.readers.Done()
		es, err := r.xread(head, max, block)
		ch <- result{es, err}
	}()
	select {
	case res := <-ch:
		return res.es, res.err
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-r.closing:
		return nil, ErrClosed
	}
}

func (r *Redis) xread(head redisID, max int, block time.Duration) ([]Entry, error) {
	streams, err := r.c.XRead(context.Background(), &redis.XReadArgs{
		Streams: []string{r.keys.log, head.String()}, Count: int64(min(max, redisReadChunk)), Block: block,
	}).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil // nothing within block
	}
	if err != nil {
		return nil, fmt.Errorf("journal: redis XREAD after %s: %w", head, err)
	}
	var es []Entry
	for _, s := range streams {
		if es, err = appendStreamMessages(es, s.Messages); err != nil {
			return nil, err
		}
	}
	// head is the id of the entry holding seq head.seq, or of a record inside a batch:
	// the first entry after it may begin at or before head.seq+1, never after.
	if len(es) > 0 && es[0].Seq > head.seq+1 {
		return nil, fmt.Errorf("%w: the stream entry after %s begins at seq %d", ErrCorrupt, head, es[0].Seq)
	}
	es = records(es, head.seq+1, max)
	r.took(es)
	return es, nil
}

// redisReadScript reads the stream entries that hold seqs from ARGV[1] on, up to
// ARGV[2] entries and about ARGV[4] bytes. KEYS: log, idx, head. ARGV[3] is where to
// start in the stream (” = the index point at or below the seq), ARGV[5] how many
// entries one XRANGE takes. It answers the head's id, then the id, field and value of
// each entry (an entry's id carries the seq of its last record, so the entry holding
// seq from is the first with an id seq at or above it). It XRANGEs in small chunks so
// that large entries never pile up in the script's memory beyond a chunk.
var redisReadScript = redis.NewScript(`#!lua flags=no-writes
local from, max, bytesMax, chunk = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[4]), tonumber(ARGV[5])
local start = ARGV[3]
if start == '' then
  start = redis.call('ZRANGE', KEYS[2], from, '-inf', 'BYSCORE', 'REV', 'LIMIT', 0, 1)[1] or '-'
end
local out, bytes = {redis.call('GET', KEYS[3]) or '0-0'}, 0
while true do
  local es = redis.call('XRANGE', KEYS[1], start, '+', 'COUNT', chunk)
  for _, e in ipairs(es) do
    if tonumber(string.match(e[1], '%-(%d+)$')) >= from then
      local d = e[2][2]
      if (#out > 1 and bytes + #d > bytesMax) or #out > 3 * max then return out end
      out[#out + 1] = e[1]
      out[#out + 1] = e[2][1]
      out[#out + 1] = d
      bytes = bytes + #d
    end
  end
  if #es < chunk then return out end
  start = '(' .. es[#es][1]
end
`)

// ---- snapshots and trimming ----

// PublishSnapshot records that replica nodeID may restore from a snapshot at seq (the
// oldest it keeps, not the newest: it falls back to older ones when the newest does not
// read back). Trim keeps every entry after the smallest seq published.
func (r *Redis) PublishSnapshot(ctx context.Context, nodeID string, seq uint64) error {
	if err := r.c.HSet(ctx, r.keys.snapshots, nodeID, seq).Err(); err != nil {
		return fmt.Errorf("journal: redis publish snapshot: %w", err)
	}
	return nil
}

// ForgetReplica removes a decommissioned replica from the snapshot table, so that it
// pins the journal no more.
func (r *Redis) ForgetReplica(ctx context.Context, nodeID string) error {
	if err := r.c.HDel(ctx, r.keys.snapshots, nodeID).Err(); err != nil {
		return fmt.Errorf("journal: redis forget replica: %w", err)
	}
	return nil
}

// SafeTrimSeq is the lowest seq that some replica may still need: one more than the
// smallest snapshot seq published. Entries below it may be trimmed. With no replica
// published it is 1: nothing may be.
func (r *Redis) SafeTrimSeq(ctx context.Context) (uint64, error) {
	vals, err := r.c.HVals(ctx, r.keys.snapshots).Result()
	if err != nil {
		return 0, fmt.Errorf("journal: redis snapshot table: %w", err)
	}
	var low uint64
	for i, v := range vals {
		seq, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("journal: redis snapshot table: seq %q: %w", v, err)
		}
		if i == 0 || seq < low {
			low = seq
		}
	}
	if len(vals) == 0 {
		return 1, nil
	}
	return low + 1, nil
}

// Trim removes the entries below seq belowSeq (XTRIM MINID, exact) and their index
// points. It refuses, with an error wrapping ErrTrimUnsafe, a belowSeq above
// SafeTrimSeq; the check and the trim are one script, so a snapshot table that moves
// meanwhile cannot be overtaken. A batch that holds belowSeq stays whole. It returns how
// many stream entries (records or batches) it removed.
func (r *Redis) Trim(ctx context.Context, belowSeq uint64) (int64, error) {
	keys := []string{r.keys.log, r.keys.idx, r.keys.snapshots, r.keys.head}
	n, err := redisTrimScript.Run(ctx, r.c, keys, belowSeq, redisIndexEvery).Int64()
	if redis.HasErrorPrefix(err, "SCFXUNSAFE") {
		return 0, fmt.Errorf("%w: %s", ErrTrimUnsafe, strings.TrimPrefix(err.Error(), "SCFXUNSAFE "))
	}
	if err != nil {
		return 0, fmt.Errorf("journal: redis trim below seq %d: %w", belowSeq, err)
	}
	return n, nil
}

// redisTrimScript: KEYS log, idx, snapshots, head; ARGV below seq, index spacing.
var redisTrimScript = redis.NewScript(`#!lua
local below = tonumber(ARGV[1])
local safe
for _, v in ipairs(redis.call('HVALS', KEYS[3])) do
  local s = tonumber(v) + 1
  if safe == nil or s < safe then safe = s end
end
safe = safe or 1
if below > safe then
  return redis.error_reply(string.format('SCFXUNSAFE trim below seq %d refused: a replica may restore from seq %d', below, safe - 1))
end
local head = redis.call('GET', KEYS[4])
if not head or below <= 1 then return 0 end
local hms, hseq = string.match(head, '^(%d+)-(%d+)$')
local minid
if below > tonumber(hseq) then
  minid = string.format('%d-%d', tonumber(hms), tonumber(hseq) + 1)
else
  local start = redis.call('ZRANGE', KEYS[2], below, '-inf', 'BYSCORE', 'REV', 'LIMIT', 0, 1)[1] or '-'
  for _, e in ipairs(redis.call('XRANGE', KEYS[1], start, '+', 'COUNT', tonumber(ARGV[2]))) do
    if tonumber(string.match(e[1], '%-(%d+)$')) >= below then minid = e[1]; break end
  end
end
if not minid then return 0 end
local n = redis.call('XTRIM', KEYS[1], 'MINID', '=', minid)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', string.format('(%d', below))
return n
`)
