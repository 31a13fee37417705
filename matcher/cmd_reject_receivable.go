// SPDX-License-Identifier: Apache-2.0

package matcher

// KindRejectReceivable: the debtor core refuses a receivable it has not confirmed.
const KindRejectReceivable Kind = "reject_receivable"

// The payload tag of KindRejectReceivable in the binary encoding (codec.go).
const tagRejectReceivable byte = 41

func init() {
	register(descriptor{kind: KindRejectReceivable, tags: []byte{tagRejectReceivable}, decode: decodeRejectReceivable})
}

// RejectReceivable is the debtor core's refusal, with its reason, of a receivable
// pending its confirmation: the receivable becomes rejected, for good.
type RejectReceivable struct {
	ReceivableID string `json:"receivable_id"`
	Reason       string `json:"reason"`
}

// Kind is KindRejectReceivable.
func (*RejectReceivable) Kind() Kind { return KindRejectReceivable }

func (p *RejectReceivable) encode(e encoder) encoder {
	e.tag(tagRejectReceivable)
	e.str(p.ReceivableID)
	e.str(p.Reason)
	return e
}

func decodeRejectReceivable(d *decoder, _ byte) Payload {
	return &RejectReceivable{ReceivableID: d.str(), Reason: d.str()}
}

func (p *RejectReceivable) apply(m *Matcher, actor string) (Result, *Error) {
	return m.rejectReceivable(actor, p)
}
