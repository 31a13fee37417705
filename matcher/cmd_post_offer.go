// SPDX-License-Identifier: Apache-2.0

package matcher

// KindPostOffer: a lender posts a credit line on a core.
const KindPostOffer Kind = "post_offer"

// The payload tags of KindPostOffer in the binary encoding (codec.go).
const (
	// tagPostOffer: an offer without a rate curve, as journals written before curves hold it.
	tagPostOffer byte = 8
	// tagPostOfferCurve: an offer with a rate curve, written after the other fields.
	tagPostOfferCurve byte = 23
	// tagPostOfferServicing: an offer with servicing terms (late_rate_bps,
	// recourse): a curve flag, the curve if set, then those terms.
	tagPostOfferServicing byte = 40
)

func init() {
	register(descriptor{kind: KindPostOffer, tags: []byte{tagPostOffer, tagPostOfferCurve, tagPostOfferServicing}, decode: decodePostOffer})
}

// PostOffer posts a lender's credit line on a core.
type PostOffer struct {
	CoreID           string     `json:"core_id"`
	LineAmount       int64      `json:"line_amount"`
	RatesBps         Rates      `json:"rates_bps"`
	RateCurve        *RateCurve `json:"rate_curve,omitempty"`
	MinScore         int        `json:"min_score,omitempty"`
	MaxTenorDays     int        `json:"max_tenor_days"`
	MinTicket        int64      `json:"min_ticket,omitempty"`
	MaxTicket        int64      `json:"max_ticket,omitempty"`
	ClusterIDs       []string   `json:"cluster_ids,omitempty"`
	MinCertification string     `json:"min_certification,omitempty"`
	LateRateBps      int64      `json:"late_rate_bps,omitempty"`
	Recourse         bool       `json:"recourse,omitempty"`
}

// Kind is KindPostOffer.
func (*PostOffer) Kind() Kind { return KindPostOffer }

func (p *PostOffer) encode(e encoder) encoder {
	servicing := p.LateRateBps != 0 || p.Recourse
	switch {
	case servicing:
		e.tag(tagPostOfferServicing)
	case p.RateCurve == nil:
		e.tag(tagPostOffer)
	default:
		e.tag(tagPostOfferCurve)
	}
	e.str(p.CoreID)
	e.int(p.LineAmount)
	e.int(p.RatesBps.A)
	e.int(p.RatesBps.B)
	e.int(p.RatesBps.C)
	e.int(int64(p.MinScore))
	e.int(int64(p.MaxTenorDays))
	e.int(p.MinTicket)
	e.int(p.MaxTicket)
	e.uint(uint64(len(p.ClusterIDs)))
	for _, id := range p.ClusterIDs {
		e.str(id)
	}
	e.str(p.MinCertification)
	if servicing {
		e.bool(p.RateCurve != nil)
	}
	if c := p.RateCurve; c != nil {
		e.int(c.BaseBps)
		e.int(c.BpsPer100Points)
		e.int(c.MaxBps)
	}
	if servicing {
		e.int(p.LateRateBps)
		e.bool(p.Recourse)
	}
	return e
}

func decodePostOffer(d *decoder, tag byte) Payload {
	p := &PostOffer{CoreID: d.str(), LineAmount: d.int(), RatesBps: Rates{A: d.int(), B: d.int(), C: d.int()},
		MinScore: d.smallInt(), MaxTenorDays: d.smallInt(), MinTicket: d.int(), MaxTicket: d.int()}
	if n := d.count(1); n > 0 {
		p.ClusterIDs = make([]string, n)
		for i := range p.ClusterIDs {
			p.ClusterIDs[i] = d.str()
		}
	}
	p.MinCertification = d.str()
	curve := tag == tagPostOfferCurve || tag == tagPostOfferServicing && d.bool()
	if curve {
		p.RateCurve = &RateCurve{BaseBps: d.int(), BpsPer100Points: d.int(), MaxBps: d.int()}
	}
	if tag == tagPostOfferServicing {
		p.LateRateBps, p.Recourse = d.int(), d.bool()
		if p.LateRateBps == 0 && !p.Recourse {
			// Such an offer has one encoding, under the older tags.
			d.fail("servicing tag without servicing terms")
		}
	}
	return p
}

func (p *PostOffer) apply(m *Matcher, actor string) (Result, *Error) { return m.postOffer(actor, p) }
