// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"encoding/json"
	"fmt"
)

// table holds one kind of object by the counter in its id ("rcv_7" is row 7). Ids
// are handed out in order and never reused, so a slice beats a map: no hashing, no
// rehashing as the book grows, and iteration in creation order for free — which is
// also the canonical order the state hash needs.
type table[T any] struct {
	prefix string
	rows   []*T
	// marks are the rows to re-hash (statehash.go); behind a pointer, so that copying
	// the table (MarshalJSON's receiver, under the read lock) does not read what a
	// concurrent StateHash clears.
	marks *rowMarks
}

// rowMarks are the rows of a table that may have changed since the last StateHash:
// every row added, and every row read while track is on (apply turns it on, so
// that a row changed through the pointer get gave is re-hashed).
type rowMarks struct {
	track  bool
	marked []bool
	dirty  []uint32
}

func (r *rowMarks) mark(i int) {
	if i >= len(r.marked) {
		r.marked = append(r.marked, make([]bool, i+1-len(r.marked)+len(r.marked)/2+16)...)
	}
	if !r.marked[i] {
		r.marked[i] = true
		r.dirty = append(r.dirty, uint32(i))
	}
}

func (r *rowMarks) clear() {
	if r == nil {
		return
	}
	for _, i := range r.dirty {
		r.marked[i] = false
	}
	r.dirty = r.dirty[:0]
}

// mark: the row with id changed through a pointer that get did not give in this
// command (the book's offers and listings).
func (t *table[T]) mark(id string) {
	if n := idNumber(t.prefix, id); n > 0 && n <= uint64(len(t.rows)) {
		t.rowMarks().mark(int(n - 1))
	}
}

func newTable[T any](prefix string) table[T] { return table[T]{prefix: prefix, marks: &rowMarks{}} }

// rowMarks is the table's marks, made if it has none (a restored table): only where
// the state may change, under the node's write lock.
func (t *table[T]) rowMarks() *rowMarks {
	if t.marks == nil {
		t.marks = &rowMarks{}
	}
	return t.marks
}

// get is the object with id, or nil.
func (t *table[T]) get(id string) *T {
	return t.at(idNumber(t.prefix, id))
}

// at is the object numbered n (from 1), or nil.
func (t *table[T]) at(n uint64) *T {
	if n == 0 || n > uint64(len(t.rows)) {
		return nil
	}
	if t.marks != nil && t.marks.track {
		t.marks.mark(int(n - 1))
	}
	return t.rows[n-1]
}

// put adds v under id, which must be the next number: a gap would be a bug.
func (t *table[T]) put(id string, v *T) {
	if idNumber(t.prefix, id) != uint64(len(t.rows))+1 {
		panic(fmt.Sprintf("matcher: table %s: put %s after %d rows", t.prefix, id, len(t.rows)))
	}
	t.rows = append(t.rows, v)
	t.rowMarks().mark(len(t.rows) - 1)
}

func (t *table[T]) len() int { return len(t.rows) }

// ids lists the ids in creation order.
func (t *table[T]) ids() []string {
	out := make([]string, len(t.rows))
	for i := range t.rows {
		out[i] = makeID(t.prefix, uint64(i+1))
	}
	return out
}

// MarshalJSON writes the rows in order.
func (t table[T]) MarshalJSON() ([]byte, error) {
	if t.rows == nil {
		return []byte("[]"), nil
	}
	return json.Marshal(t.rows)
}

// UnmarshalJSON reads rows; Restore sets the prefix back.
func (t *table[T]) UnmarshalJSON(b []byte) error {
	var rows []*T
	if err := json.Unmarshal(b, &rows); err != nil {
		return err
	}
	for i, r := range rows {
		if r == nil {
			return fmt.Errorf("table row %d is null", i+1)
		}
	}
	t.rows = rows
	return nil
}
