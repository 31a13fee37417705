// SPDX-License-Identifier: Apache-2.0

package journal

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

// Reads that ride on appends.
//
// A replica under load appends a batch every round trip and must then read the stream
// up to that batch before it can answer its appenders: the entries of the other
// replicas before it, and its own. Rather than an XREAD of its own for that (a request
// and a blocked-client reply on Redis's one thread, a wake-up of the reader), the
// writer pipelines an XRANGE from where the reader stands behind each batch's script
// call: the reply brings everything up to the batch, in the same round trip. Read takes
// those entries from the "ahead" buffer, and while an Append of this process is
// outstanding it waits for its reply instead of issuing an XREAD. The buffer is a cache:
// whatever it lacks (an idle process, a reply that failed or fell short, a reader
// elsewhere in the stream) Read reads from Redis as before.

const (
	// redisAheadEntries is how many stream entries the XRANGE behind a batch takes: a
	// round trip brings a few per replica; more means the reader is behind and reads
	// on by itself.
	redisAheadEntries = redisReadChunk
	// redisAheadRecordsMax and redisAheadBytesMax bound the buffer of entries read
	// ahead and not yet returned by Read; beyond them the writer reads ahead no more.
	redisAheadRecordsMax = redisReadEntriesMax
	redisAheadBytesMax   = redisReadBytesMax
	// redisAheadWaitMax bounds how long Read waits for an outstanding append's reply
	// before it reads from Redis itself (Redis slow or down: the XREAD then errs).
	redisAheadWaitMax = 100 * time.Millisecond
	// redisLingerMax is how long a Read at the head waits for the next append of its
	// process (see linger), and redisLingerAfter how recent that process's last batch
	// reply must be for it to: one that appends no more reads at once.
	redisLingerMax   = 3 * time.Millisecond
	redisLingerAfter = 20 * time.Millisecond
)

// linger waits, at the head and with no append of this process outstanding, up to
// redisLingerMax for the next one, when this process had a batch answered within
// redisLingerAfter, and reports whether one is outstanding. Under load a replica's
// appenders come back within that, once the applier has answered them: the XRANGE
// behind their batch then brings the other replicas' entries and the batch itself,
// where an XREAD blocked meanwhile would return that batch read back from Redis — its
// bytes sent again, parsed again, a blocked client on Redis's thread and a goroutine
// woken here for each batch. The other replicas' entries wait at most redisLingerMax
// more; an idle process (or one that only reads) XREADs at once.
func (r *Redis) linger(ctx context.Context) bool {
	if time.Now().UnixNano()-r.lastReply.Load() > int64(r.lingerAfter) {
		return false
	}
	select {
	case <-r.appendSig: // stale: from an append before this wait
	default:
	}
	if r.pending.Load() > 0 {
		return true
	}
	t := time.NewTimer(r.lingerMax)
	defer t.Stop()
	select {
	case <-r.appendSig:
	case <-t.C:
	case <-ctx.Done():
	case <-r.closing:
	}
	return r.pending.Load() > 0
}

// aheadStart is the stream id after which the XRANGE behind the next batch starts —
// the entry before the first seq nobody has read yet — and false when there is to be
// none: no Read has returned anything yet, that entry's id is not known here, or the
// buffer is full.
func (r *Redis) aheadStart() (redisID, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	next := r.readNext
	if n := len(r.ahead); n > 0 {
		next = r.ahead[n-1].Seq + 1
	}
	if next < 2 || len(r.ahead) >= redisAheadRecordsMax || r.aheadBytes >= redisAheadBytesMax {
		return redisID{}, false
	}
	p := r.recent[(next-1)%redisRecentIDs]
	return p, p.seq == next-1
}

// readAhead parses the reply of the XRANGE after start into the buffer, followed by
// own — the entries of the batch appended in the same round trip, from memory — when
// the reply reaches up to them. A reply that does not follow on from start (the stream
// was trimmed meanwhile) is dropped, and own is left out after a reply that stops
// short of it (COUNT reached): Read then reads those entries itself.
func (r *Redis) readAhead(start redisID, msgs []redis.XMessage, own []Entry) {
	es, err := appendStreamMessages(nil, msgs)
	if err != nil {
		return
	}
	owned := 0 // of own, how many follow the reply in es
	if len(own) > 0 {
		// A retried script that had run already answers with the batch it appended:
		// the reply may hold it. Those entries are own's.
		es = es[:firstFrom(es, own[0].Seq)]
		prev := start.seq
		if len(es) > 0 {
			prev = es[len(es)-1].Seq
		}
		if prev+1 == own[0].Seq {
			es, owned = append(es, own...), len(own)
		}
	}
	if len(es) == 0 || es[0].Seq > start.seq+1 {
		return
	}
	es = es[firstFrom(es, start.seq+1):]
	if reply := es[:len(es)-owned]; len(reply) > 0 {
		// The writer noted own's ids and seq already.
		r.remember(reply)
		r.noteSeq(reply[len(reply)-1].Seq)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	next := r.readNext
	if n := len(r.ahead); n > 0 {
		next = r.ahead[n-1].Seq + 1
	}
	es = es[firstFrom(es, next):]
	if len(es) == 0 || es[0].Seq != next {
		return // not contiguous with the buffer: a Read moved on meanwhile
	}
	for _, e := range es {
		if len(r.ahead) >= redisAheadRecordsMax || r.aheadBytes >= redisAheadBytesMax {
			break
		}
		r.ahead = append(r.ahead, e)
		r.aheadBytes += len(e.Data)
	}
}

// batchDone wakes a Read waiting for an outstanding append's reply.
func (r *Redis) batchDone() {
	r.mu.Lock()
	close(r.aheadSig)
	r.aheadSig = make(chan struct{})
	r.mu.Unlock()
}

// takeAhead returns up to limit buffered entries from seq from on and drops them and
// those below; it leaves the buffer be when it starts after from. It returns them with the channel that batchDone closes next (taken under the same lock, so a
// reply that lands after an empty take is never missed).
func (r *Redis) takeAhead(from uint64, limit int) ([]Entry, <-chan struct{}) {
	r.mu.Lock()
	defer r.mu.Unlock()
	drop := firstFrom(r.ahead, from)
	var out []Entry
	if drop < len(r.ahead) && r.ahead[drop].Seq == from {
		out = r.ahead[drop:min(len(r.ahead), drop+limit)]
		drop += len(out)
	}
	for _, e := range r.ahead[:drop] {
		r.aheadBytes -= len(e.Data)
	}
	r.ahead = r.ahead[drop:]
	if len(r.ahead) == 0 {
		r.ahead = nil
	}
	if len(out) > 0 {
		r.readNext = max(r.readNext, out[len(out)-1].Seq+1)
	}
	return out, r.aheadSig
}

// readReturned moves the start of the next read ahead past entries a Read returned
// from Redis.
func (r *Redis) readReturned(es []Entry) {
	if len(es) == 0 {
		return
	}
	r.mu.Lock()
	r.readNext = max(r.readNext, es[len(es)-1].Seq+1)
	r.mu.Unlock()
}
