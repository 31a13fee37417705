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
}

func newTable[T any](prefix string) table[T] { return table[T]{prefix: prefix} }

// get is the object with id, or nil.
func (t *table[T]) get(id string) *T {
	return t.at(idNumber(t.prefix, id))
}

// at is the object numbered n (from 1), or nil.
func (t *table[T]) at(n uint64) *T {
	if n == 0 || n > uint64(len(t.rows)) {
		return nil
	}
	return t.rows[n-1]
}

// put adds v under id, which must be the next number: a gap would be a bug.
func (t *table[T]) put(id string, v *T) {
	if idNumber(t.prefix, id) != uint64(len(t.rows))+1 {
		panic(fmt.Sprintf("matcher: table %s: put %s after %d rows", t.prefix, id, len(t.rows)))
	}
	t.rows = append(t.rows, v)
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
