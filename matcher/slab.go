// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"strconv"
	"unsafe"
)

// rowAlloc hands out what a command adds to the state — new rows, their ids, the
// first element of a row's list — from chunks, so that list+match does not allocate
// each alone (docs/benchmarks.md, "Matcher"). Tables never drop a row and these
// lists only grow, so a chunk lives as long as the state that points into it: no
// memory is held for nothing. It is not state: a restored matcher starts with empty
// chunks.
type rowAlloc struct {
	listings slab[Listing]
	matches  slab[Match]
	ids      idArena
	strs     []string // free single-element backing for appendStr
}

// slabChunk is the number of rows a slab allocates at a time.
const slabChunk = 64

// slab hands out zeroed values of T from chunks of slabChunk.
type slab[T any] struct{ free []T }

func (s *slab[T]) new() *T {
	if len(s.free) == 0 {
		s.free = make([]T, slabChunk)
	}
	p := &s.free[0]
	s.free = s.free[1:]
	return p
}

// idArena formats ids into shared byte chunks. Bytes written are never written
// again (the arena only appends past them), so the strings made over them are
// immutable like any other.
type idArena struct{ buf []byte }

const idArenaChunk = 4096

// id is makeID(prefix, n) for an id that the state keeps (a new row's).
func (a *idArena) id(prefix string, n uint64) string {
	if cap(a.buf)-len(a.buf) < len(prefix)+20 {
		a.buf = make([]byte, 0, idArenaChunk)
	}
	start := len(a.buf)
	a.buf = strconv.AppendUint(append(a.buf, prefix...), n, 10)
	return unsafe.String(&a.buf[start], len(a.buf)-start)
}

// appendStr is append(list, s) for a list of the state that only grows: its first
// element comes from a shared chunk (a slice of capacity 1), later ones from append.
func (a *rowAlloc) appendStr(list []string, s string) []string {
	if cap(list) > 0 {
		return append(list, s)
	}
	if len(a.strs) == 0 {
		a.strs = make([]string, 256)
	}
	out := a.strs[:1:1]
	a.strs = a.strs[1:]
	out[0] = s
	return out
}
