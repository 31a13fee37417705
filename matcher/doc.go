// SPDX-License-Identifier: Apache-2.0

// Package matcher is the deterministic state machine of scfx (README, "Architecture"):
// every replica applies the same journal of commands to it and reaches the same state.
// A command (command.go) is an actor, an optional idempotency key and one payload; the
// journal holds it in the binary encoding of codec.go; Matcher.ApplyRaw decodes and
// applies it.
//
// # Adding a command
//
// A command kind is declared in one file, cmd_<kind>.go (cmd_transfer.go is a short
// example), which holds:
//
//   - its Kind constant and its payload tag: the next byte no kind has used, never one
//     a journal may hold for another kind;
//   - its payload struct (with json tags when the API decodes request bodies into it);
//   - the payload's methods: Kind; encode, which appends the tag and then every field
//     with the encoder's methods; and apply, which checks the actor and the rules and
//     changes the state, or changes nothing and returns an *Error;
//   - a decode function that reads the fields back in the order encode wrote them;
//   - an init that registers descriptor{kind, tags, decode}. A kind or a tag declared
//     twice panics at start.
//
// The state hash is kept running (statehash.go): a row the command reads with a
// table's get, or adds with put, is re-hashed at the next StateHash; a row changed
// through a pointer that did not come from get in this command (the book's offers and
// listings) must be marked with the table's mark; a map of the state changes only
// through its helper (setFingerprint, setIdem, ...), which records the change. Every
// command of the tests checks the running hash against fullStateHash.
//
// A command that creates an object or changes its status calls the object's emit
// (events.go: emitReceivable, emitMatch, ...) right after the change, so that the
// parties' event feeds show it; a change that leaves the status as it is (a payment,
// a credit note, a receipt, a participant's field) emits a change event instead
// (emitReceivableChange, emitMatchChange, emitParticipantChange) with its amount. The
// simulation checks that every object's last event has its status, and that each
// accepted servicing command made its change events.
//
// Its test, cmd_<kind>_test.go, checks what apply does and gives the kind's golden
// record — a command and its encoding in hex, fixed from then on since journals hold
// it — to the codec tests: func init() { goldenCommands = append(goldenCommands,
// golden{...}) } (codec_golden_test.go holds those of the first kinds). TestCodecGoldenCoversEveryKind fails
// until it is there. A payload that later gains a field keeps its tag for the records
// that do not use the field and takes a new tag for those that do (cmd_list.go,
// cmd_post_offer.go), so that the records journals hold decode unchanged. The API
// submits the command as Command{Actor: ..., Payload: &Kind{...}}; replicas of an older
// release cannot decode it (docs/operations.md, "Upgrades").
package matcher
