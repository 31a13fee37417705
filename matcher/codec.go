// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"
)

// The binary journal encoding of a command. Every replica decodes every entry of the
// journal, so decoding is on the hot path of the whole system. The format:
//
//	byte     binaryMagic
//	string   kind, actor, idem_key, idem_hash
//	payload  one byte tag, then the payload's fields in the order its encode method
//	         writes them; nothing for a kind without fields (tick)
//
// A string is a uvarint length and UTF-8 bytes; an unsigned integer a uvarint; a
// signed integer a zigzag varint; a bool one byte 0 or 1; a list a uvarint count and
// its elements. Varints must be minimal, so that every command has exactly one
// encoding (FuzzDecodeCommand checks Encode(Decode(b)) == b). Each kind declares its
// tags in its cmd_<kind>.go file; a kind may have several (List and PostOffer keep
// the tag of their older, shorter encoding for payloads that fit it). The tag must be
// one of the kind's, and nothing may follow the payload.
//
// Strings that are not valid UTF-8 are written with U+FFFD in place of the bad bytes,
// as encoding/json does, so the state never holds a string its JSON snapshot would
// alter.
const binaryMagic = 0xB1

type encoder struct{ b []byte }

func (e *encoder) str(s string) {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	e.b = binary.AppendUvarint(e.b, uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *encoder) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) int(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *encoder) tag(t byte)    { e.b = append(e.b, t) }

func (e *encoder) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

// encodeBinary appends the binary encoding of c to b.
func encodeBinary(b []byte, c *Command) []byte {
	e := encoder{b: append(b, binaryMagic)}
	e.str(string(c.Kind()))
	e.str(c.Actor)
	e.str(c.IdemKey)
	e.str(c.IdemHash)
	if c.Payload != nil {
		e = c.Payload.encode(e)
	}
	return e.b
}

// decoder reads the binary encoding; the first error sticks and later reads return
// zero values.
type decoder struct {
	b   []byte
	err string
}

func (d *decoder) fail(what string) {
	if d.err == "" {
		d.err = what
	}
	d.b = nil
}

func (d *decoder) uint() uint64 {
	v, k := binary.Uvarint(d.b)
	if k <= 0 {
		d.fail("truncated or overlong varint")
		return 0
	}
	if k > 1 && d.b[k-1] == 0 {
		d.fail("varint not minimally encoded")
		return 0
	}
	d.b = d.b[k:]
	return v
}

func (d *decoder) int() int64 {
	u := d.uint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

// smallInt reads a signed integer that the Command holds as an int.
func (d *decoder) smallInt() int {
	v := d.int()
	if v < math.MinInt || v > math.MaxInt {
		d.fail("integer out of range")
		return 0
	}
	return int(v)
}

func (d *decoder) str() string {
	n := d.uint()
	if n > uint64(len(d.b)) {
		d.fail("string past the end")
		return ""
	}
	if n == 0 {
		return ""
	}
	raw := d.b[:n]
	d.b = d.b[n:]
	if !utf8.Valid(raw) {
		d.fail("string not valid UTF-8")
		return ""
	}
	return string(raw)
}

func (d *decoder) bool() bool {
	if len(d.b) == 0 || d.b[0] > 1 {
		d.fail("bad bool")
		return false
	}
	v := d.b[0] == 1
	d.b = d.b[1:]
	return v
}

// count reads a list length, each element taking at least min bytes.
func (d *decoder) count(min int) int {
	n := d.uint()
	if n > uint64(len(d.b)/min) {
		d.fail("list longer than the record")
		return 0
	}
	return int(n)
}

// kind reads the kind and returns its descriptor (nil after a fault).
func (d *decoder) kind() *descriptor {
	n := d.uint()
	if n > uint64(len(d.b)) {
		d.fail("string past the end")
		return nil
	}
	raw := d.b[:n]
	d.b = d.b[n:]
	if k := commands.byKind[string(raw)]; k != nil { // no allocation
		return k
	}
	if !utf8.Valid(raw) {
		d.fail("string not valid UTF-8")
	} else {
		d.fail(fmt.Sprintf("unknown command kind %q", raw))
	}
	return nil
}

// decodeBinary decodes a record that begins with binaryMagic; the caller checks the
// actor. It returns a description of the first fault.
func decodeBinary(b []byte) (Command, string) {
	d := decoder{b: b[1:]}
	k := d.kind()
	var c Command
	c.Actor = d.str()
	c.IdemKey = d.str()
	c.IdemHash = d.str()
	if d.err != "" {
		return Command{}, d.err
	}
	switch {
	case len(d.b) == 0 && len(k.tags) == 0:
		c.Payload = k.decode(&d, 0)
	case len(d.b) == 0:
		return Command{}, fmt.Sprintf("command %q has no payload", k.kind)
	default:
		t := d.b[0]
		d.b = d.b[1:]
		if o := commands.byTag[t]; o == nil {
			return Command{}, "unknown payload tag"
		} else if o != k {
			return Command{}, fmt.Sprintf("command %q with a payload of %q", k.kind, o.kind)
		}
		c.Payload = k.decode(&d, t)
		if d.err == "" && len(d.b) > 0 {
			d.fail("data after the payload")
		}
	}
	if d.err != "" {
		return Command{}, d.err
	}
	return c, ""
}
