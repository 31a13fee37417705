// SPDX-License-Identifier: Apache-2.0

package matcher

// KindCancelOffer: a lender withdraws an offer.
const KindCancelOffer Kind = "cancel_offer"

// The payload tag of KindCancelOffer in the binary encoding (codec.go).
const tagCancelOffer byte = 9

func init() {
	register(descriptor{kind: KindCancelOffer, tags: []byte{tagCancelOffer}, decode: decodeCancelOffer})
}

// CancelOffer withdraws a live offer; what it reserved stays reserved.
type CancelOffer struct {
	OfferID string `json:"offer_id"`
}

// Kind is KindCancelOffer.
func (*CancelOffer) Kind() Kind { return KindCancelOffer }

func (p *CancelOffer) encode(e encoder) encoder {
	e.tag(tagCancelOffer)
	e.str(p.OfferID)
	return e
}

func decodeCancelOffer(d *decoder, _ byte) Payload {
	return &CancelOffer{OfferID: d.str()}
}

func (p *CancelOffer) apply(m *Matcher, actor string) (Result, *Error) {
	return m.cancelOffer(actor, p)
}
