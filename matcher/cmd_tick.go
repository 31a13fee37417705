// SPDX-License-Identifier: Apache-2.0

package matcher

// KindTick: the node's clock moves time forward (maturities, retention).
const KindTick Kind = "tick"

// A tick has no payload fields, so no tag: its record ends after the actor and the
// idempotency fields.
func init() {
	register(descriptor{kind: KindTick, decode: func(*decoder, byte) Payload { return &Tick{} }})
}

// Tick is the payload of a tick: empty.
type Tick struct{}

// Kind is KindTick.
func (*Tick) Kind() Kind { return KindTick }

func (*Tick) encode(e encoder) encoder { return e }

func (*Tick) apply(m *Matcher, actor string) (Result, *Error) { return m.tick(actor) }
