// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"fmt"
	"sort"
)

// Kind names a command.
type Kind string

// maxCommandBytes bounds one encoded command; the API's body limit is 1 MiB and a
// command carries at most one body plus a little envelope.
const maxCommandBytes = 2 << 20

// Command is one entry of the journal: who acts, an optional idempotency key, and
// the payload, whose type is the command's kind.
type Command struct {
	Actor string
	// IdemKey and IdemHash carry an Idempotency-Key and the SHA-256 of the request it
	// came with: the state machine keeps them so a retry is answered on every replica.
	IdemKey  string
	IdemHash string
	Payload  Payload
}

// Kind is the kind of the command's payload ("" without one).
func (c Command) Kind() Kind {
	if c.Payload == nil {
		return ""
	}
	return c.Payload.Kind()
}

// Payload is what a command asks for. Each kind is declared in one file, cmd_<kind>.go:
// its Kind constant, its payload type with the methods below, and the descriptor it
// registers for the codec (the package documentation, "Adding a command").
type Payload interface {
	Kind() Kind
	// encode appends the payload's tag and fields to e (codec.go) and returns it; a
	// payload without fields (Tick) appends nothing. The encoder goes by value so
	// that it stays on the stack.
	encode(e encoder) encoder
	// apply runs the command for actor; the objects of its result are the state's
	// own.
	apply(m *Matcher, actor string) (Result, *Error)
}

// A descriptor declares a command kind to the codec: the tags its payload is encoded
// under (none for a payload without fields) and how to read a payload from one of
// them. decode reads the fields that follow the tag; for a kind without tags it is
// called with tag 0 at the end of the record and makes the empty payload.
type descriptor struct {
	kind   Kind
	tags   []byte
	decode func(d *decoder, tag byte) Payload
}

// registry is every declared command kind, by kind and by payload tag.
type registry struct {
	byKind map[string]*descriptor
	byTag  [256]*descriptor
}

// commands holds the kinds that the cmd_*.go files register at init.
var commands = registry{byKind: map[string]*descriptor{}}

func register(d descriptor) { commands.add(d) }

// add declares a kind. A kind or a tag declared twice, tag 0 (never a payload, so a
// record's end is never mistaken for one) or a missing decode is a programming error:
// it panics, at init.
func (r *registry) add(d descriptor) {
	if d.kind == "" || d.decode == nil {
		panic(fmt.Sprintf("matcher: command kind %q declared without a name or a decoder", d.kind))
	}
	if r.byKind[string(d.kind)] != nil {
		panic(fmt.Sprintf("matcher: command kind %q declared twice", d.kind))
	}
	for _, t := range d.tags {
		if t == 0 {
			panic(fmt.Sprintf("matcher: command kind %q uses payload tag 0", d.kind))
		}
		if o := r.byTag[t]; o != nil {
			panic(fmt.Sprintf("matcher: payload tag %d declared by %q and %q", t, o.kind, d.kind))
		}
	}
	p := &d
	r.byKind[string(d.kind)] = p
	for _, t := range d.tags {
		r.byTag[t] = p
	}
}

// kinds lists every command kind, sorted.
func kinds() []Kind {
	ks := make([]Kind, 0, len(commands.byKind))
	for _, d := range commands.byKind {
		ks = append(ks, d.kind)
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i] < ks[j] })
	return ks
}

// EncodeCommand is the journal encoding of a command: the binary format of codec.go.
func EncodeCommand(c Command) ([]byte, error) {
	return encodeBinary(make([]byte, 0, 128), &c), nil
}

// DecodeCommand reads a journal entry strictly, in the binary format: malformed data,
// trailing data, an unknown kind, a missing actor or a payload of another kind are
// refused. JSON records, which journals written before the binary format held, are
// refused as such.
func DecodeCommand(b []byte) (Command, error) {
	if len(b) > maxCommandBytes {
		return Command{}, errorf(CodeValidation, "command of %d bytes exceeds %d", len(b), maxCommandBytes)
	}
	if len(b) == 0 || b[0] != binaryMagic {
		if looksJSON(b) {
			return Command{}, errorf(CodeValidation, "decode command: a JSON command record, a journal format this version no longer reads (commands are binary, matcher/codec.go)")
		}
		return Command{}, errorf(CodeValidation, "decode command: not a binary command record")
	}
	c, fault := decodeBinary(b)
	if fault != "" {
		return Command{}, errorf(CodeValidation, "decode command: %s", fault)
	}
	if c.Actor == "" {
		return Command{}, errorf(CodeValidation, "command %q has no actor", c.Kind())
	}
	return c, nil
}

// looksJSON reports whether b begins, after white space, with a JSON object.
func looksJSON(b []byte) bool {
	for _, x := range b {
		switch x {
		case ' ', '\t', '\r', '\n':
		case '{':
			return true
		default:
			return false
		}
	}
	return false
}

func (c Command) String() string {
	return fmt.Sprintf("%s by %s", c.Kind(), c.Actor)
}
