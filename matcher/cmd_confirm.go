// SPDX-License-Identifier: Apache-2.0

package matcher

// KindConfirm: the debtor core confirms a receivable.
const KindConfirm Kind = "confirm"

// The payload tag of KindConfirm in the binary encoding (codec.go).
const tagConfirm byte = 4

func init() {
	register(descriptor{kind: KindConfirm, tags: []byte{tagConfirm}, decode: decodeConfirm})
}

// Confirm is the debtor core's EIP-712 Confirmation signature (确权).
type Confirm struct {
	ReceivableID string `json:"receivable_id"`
	Signature    string `json:"signature"`
}

// Kind is KindConfirm.
func (*Confirm) Kind() Kind { return KindConfirm }

func (p *Confirm) encode(e encoder) encoder {
	e.tag(tagConfirm)
	e.str(p.ReceivableID)
	e.str(p.Signature)
	return e
}

func decodeConfirm(d *decoder, _ byte) Payload {
	return &Confirm{ReceivableID: d.str(), Signature: d.str()}
}

func (p *Confirm) apply(m *Matcher, actor string) (Result, *Error) { return m.confirm(actor, p) }
