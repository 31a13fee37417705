// SPDX-License-Identifier: Apache-2.0

package matcher

// KindSettle: a core records that it paid a receivable.
const KindSettle Kind = "settle"

// The payload tag of KindSettle in the binary encoding (codec.go).
const tagSettle byte = 11

func init() {
	register(descriptor{kind: KindSettle, tags: []byte{tagSettle}, decode: decodeSettle})
}

// Settle records that the core paid a tier-1 receivable at (or before) maturity.
type Settle struct {
	ReceivableID string `json:"receivable_id"`
	Reference    string `json:"reference"`
}

// Kind is KindSettle.
func (*Settle) Kind() Kind { return KindSettle }

func (p *Settle) encode(e encoder) encoder {
	e.tag(tagSettle)
	e.str(p.ReceivableID)
	e.str(p.Reference)
	return e
}

func decodeSettle(d *decoder, _ byte) Payload {
	return &Settle{ReceivableID: d.str(), Reference: d.str()}
}

func (p *Settle) apply(m *Matcher, actor string) (Result, *Error) { return m.settle(actor, p) }
