// SPDX-License-Identifier: Apache-2.0

package matcher

// KindSetBookMode: the operator switches a core's book between continuous matching and auctions.
const KindSetBookMode Kind = "set_book_mode"

// The payload tag of KindSetBookMode in the binary encoding (codec.go).
const tagSetBookMode byte = 21

func init() {
	register(descriptor{kind: KindSetBookMode, tags: []byte{tagSetBookMode}, decode: decodeSetBookMode})
}

// SetBookMode switches a core's book between continuous matching and call auctions
// (operator).
type SetBookMode struct {
	CoreID string `json:"core_id"`
	Mode   string `json:"mode"`
}

// Kind is KindSetBookMode.
func (*SetBookMode) Kind() Kind { return KindSetBookMode }

func (p *SetBookMode) encode(e encoder) encoder {
	e.tag(tagSetBookMode)
	e.str(p.CoreID)
	e.str(p.Mode)
	return e
}

func decodeSetBookMode(d *decoder, _ byte) Payload {
	return &SetBookMode{CoreID: d.str(), Mode: d.str()}
}

func (p *SetBookMode) apply(m *Matcher, actor string) (Result, *Error) {
	return m.setBookMode(actor, p)
}
