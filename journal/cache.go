// SPDX-License-Identifier: Apache-2.0

package journal

import "fmt"

// Limits of the tail cache: the node reads each entry right after it is appended, so the
// last few thousand entries are served from memory; older ones come from disk.
const (
	tailCacheEntries = 8192
	tailCacheBytes   = 16 << 20
)

// tailCache holds the last entries appended, contiguous by seq, in a ring. Their Data
// alias the batch buffers written by the writer, which nothing modifies afterwards.
type tailCache struct {
	ring  []Entry
	head  int    // ring index of the oldest entry
	n     int    // entries held
	first uint64 // seq of the oldest entry
	bytes int    // sum of len(Data)
}

func newTailCache(next uint64) tailCache {
	return tailCache{ring: make([]Entry, tailCacheEntries), first: next}
}

// push adds the entry after the newest, evicting the oldest ones beyond the limits. It
// always keeps the newest entry, even one larger than tailCacheBytes.
func (c *tailCache) push(e Entry) {
	if e.Seq != c.first+uint64(c.n) {
		panic(fmt.Sprintf("journal: tail cache got seq %d, want %d", e.Seq, c.first+uint64(c.n)))
	}
	for c.n > 0 && (c.n == len(c.ring) || c.bytes+len(e.Data) > tailCacheBytes) {
		c.bytes -= len(c.ring[c.head].Data)
		c.ring[c.head] = Entry{}
		c.head = (c.head + 1) % len(c.ring)
		c.n--
		c.first++
	}
	c.ring[(c.head+c.n)%len(c.ring)] = e
	c.n++
	c.bytes += len(e.Data)
}

// get appends to dst up to max entries from seq from on, holding at most bytesMax of data
// (but at least one entry). ok is false when from is not in the cache.
func (c *tailCache) get(dst []Entry, from uint64, max, bytesMax int) (_ []Entry, ok bool) {
	if from < c.first || from >= c.first+uint64(c.n) {
		return dst, false
	}
	bytes := 0
	for i := int(from - c.first); i < c.n && len(dst) < max; i++ {
		e := c.ring[(c.head+i)%len(c.ring)]
		if len(dst) > 0 && bytes+len(e.Data) > bytesMax {
			break
		}
		bytes += len(e.Data)
		dst = append(dst, e)
	}
	return dst, true
}
