// SPDX-License-Identifier: Apache-2.0

package matcher

// KindTransfer: a holder splits part of a receivable to its supplier.
const KindTransfer Kind = "transfer"

// The payload tag of KindTransfer in the binary encoding (codec.go).
const tagTransfer byte = 5

func init() {
	register(descriptor{kind: KindTransfer, tags: []byte{tagTransfer}, decode: decodeTransfer})
}

// Transfer splits part of a receivable to the holder's own supplier.
type Transfer struct {
	ReceivableID string `json:"receivable_id"`
	ToID         string `json:"to_id"`
	Amount       int64  `json:"amount"`
	Salt         string `json:"salt"`
	Signature    string `json:"signature"`
}

// Kind is KindTransfer.
func (*Transfer) Kind() Kind { return KindTransfer }

func (p *Transfer) encode(e encoder) encoder {
	e.tag(tagTransfer)
	e.str(p.ReceivableID)
	e.str(p.ToID)
	e.int(p.Amount)
	e.str(p.Salt)
	e.str(p.Signature)
	return e
}

func decodeTransfer(d *decoder, _ byte) Payload {
	return &Transfer{ReceivableID: d.str(), ToID: d.str(), Amount: d.int(), Salt: d.str(), Signature: d.str()}
}

func (p *Transfer) apply(m *Matcher, actor string) (Result, *Error) { return m.transfer(actor, p) }
