// SPDX-License-Identifier: Apache-2.0

package matcher

// KindCancelListing: a holder withdraws a resting listing.
const KindCancelListing Kind = "cancel_listing"

// The payload tag of KindCancelListing in the binary encoding (codec.go).
const tagCancelListing byte = 7

func init() {
	register(descriptor{kind: KindCancelListing, tags: []byte{tagCancelListing}, decode: decodeCancelListing})
}

// CancelListing withdraws a resting listing.
type CancelListing struct {
	ListingID string `json:"listing_id"`
}

// Kind is KindCancelListing.
func (*CancelListing) Kind() Kind { return KindCancelListing }

func (p *CancelListing) encode(e encoder) encoder {
	e.tag(tagCancelListing)
	e.str(p.ListingID)
	return e
}

func decodeCancelListing(d *decoder, _ byte) Payload {
	return &CancelListing{ListingID: d.str()}
}

func (p *CancelListing) apply(m *Matcher, actor string) (Result, *Error) {
	return m.cancelListing(actor, p)
}
