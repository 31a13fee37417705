// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"strings"
	"testing"
)

// A kind or a payload tag declared twice, and tag 0, panic when declared (at init for
// the cmd_*.go files).
func TestRegistryRefusesDuplicates(t *testing.T) {
	dec := func(*decoder, byte) Payload { return &Tick{} }
	mustPanic := func(name, want string, f func()) {
		t.Helper()
		defer func() {
			r := recover()
			if s, _ := r.(string); !strings.Contains(s, want) {
				t.Errorf("%s: panic %v, want one saying %q", name, r, want)
			}
		}()
		f()
	}
	fresh := func() *registry {
		r := &registry{byKind: map[string]*descriptor{}}
		r.add(descriptor{kind: "a", tags: []byte{1, 2}, decode: dec})
		return r
	}
	mustPanic("kind twice", `kind "a" declared twice`, func() { fresh().add(descriptor{kind: "a", tags: []byte{3}, decode: dec}) })
	mustPanic("tag twice", `tag 2 declared by "a" and "b"`, func() { fresh().add(descriptor{kind: "b", tags: []byte{3, 2}, decode: dec}) })
	mustPanic("tag 0", "tag 0", func() { fresh().add(descriptor{kind: "b", tags: []byte{0}, decode: dec}) })
	mustPanic("no decoder", "without a name or a decoder", func() { fresh().add(descriptor{kind: "b", tags: []byte{3}}) })
	r := fresh()
	r.add(descriptor{kind: "b", tags: []byte{3}, decode: dec})
	if r.byTag[3] == nil || r.byTag[3].kind != "b" || r.byKind["b"] != r.byTag[3] {
		t.Fatalf("kind b not declared under its tag: %+v", r.byTag[3])
	}
}

// Every declared kind's payload reports that kind, and its tags lead to it.
func TestRegisteredKindsAgree(t *testing.T) {
	if len(kinds()) != len(goldenKinds()) {
		t.Fatalf("%d kinds declared, %d among the golden commands", len(kinds()), len(goldenKinds()))
	}
	for _, g := range goldenCommands {
		d := commands.byKind[string(g.cmd.Kind())]
		if d == nil {
			t.Fatalf("%s: kind %q not declared", g.name, g.cmd.Kind())
		}
		for _, tag := range d.tags {
			if commands.byTag[tag] != d {
				t.Errorf("%s: tag %d leads to %+v", g.name, tag, commands.byTag[tag])
			}
		}
	}
}

func goldenKinds() map[Kind]bool {
	ks := map[Kind]bool{}
	for _, g := range goldenCommands {
		ks[g.cmd.Kind()] = true
	}
	return ks
}

// A command built without a payload is refused, and changes nothing but the sequence.
func TestCommandWithoutPayloadRefused(t *testing.T) {
	w := newWorld(t)
	before := w.hash()
	w.seq++
	r := w.m.Apply(Entry{Seq: w.seq, TimeMs: w.nowMs, Cmd: Command{Actor: ActorSystem}})
	if r.Err == nil || r.Err.Code != CodeValidation || w.hash() != before {
		t.Fatalf("Apply(no payload) = %+v, want validation_failed and no change", r)
	}
	if _, err := DecodeCommand(mustEncode(t, Command{Actor: ActorSystem})); err == nil {
		t.Fatal("the encoding of a command without a payload decodes")
	}
}
