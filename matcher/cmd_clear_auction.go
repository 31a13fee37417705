// SPDX-License-Identifier: Apache-2.0

package matcher

// KindClearAuction: a call auction runs on one book or on every book in auction mode.
const KindClearAuction Kind = "clear_auction"

// The payload tag of KindClearAuction in the binary encoding (codec.go).
const tagClearAuction byte = 22

func init() {
	register(descriptor{kind: KindClearAuction, tags: []byte{tagClearAuction}, decode: decodeClearAuction})
}

// ClearAuction runs a call auction on a core's book (the operator), or on every book
// in auction mode when CoreID is "" (the operator or the node's schedule).
type ClearAuction struct {
	CoreID string `json:"core_id,omitempty"`
}

// Kind is KindClearAuction.
func (*ClearAuction) Kind() Kind { return KindClearAuction }

func (p *ClearAuction) encode(e encoder) encoder {
	e.tag(tagClearAuction)
	e.str(p.CoreID)
	return e
}

func decodeClearAuction(d *decoder, _ byte) Payload {
	return &ClearAuction{CoreID: d.str()}
}

func (p *ClearAuction) apply(m *Matcher, actor string) (Result, *Error) {
	return m.clearAuction(actor, p)
}
