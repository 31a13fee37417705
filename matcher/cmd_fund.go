// SPDX-License-Identifier: Apache-2.0

package matcher

// KindFund: a lender records that it paid out a match.
const KindFund Kind = "fund"

// The payload tag of KindFund in the binary encoding (codec.go).
const tagFund byte = 10

func init() {
	register(descriptor{kind: KindFund, tags: []byte{tagFund}, decode: decodeFund})
}

// Fund records that the lender paid out a match; the claim is assigned to it.
type Fund struct {
	MatchID   string `json:"match_id"`
	Reference string `json:"reference"`
}

// Kind is KindFund.
func (*Fund) Kind() Kind { return KindFund }

func (p *Fund) encode(e encoder) encoder {
	e.tag(tagFund)
	e.str(p.MatchID)
	e.str(p.Reference)
	return e
}

func decodeFund(d *decoder, _ byte) Payload {
	return &Fund{MatchID: d.str(), Reference: d.str()}
}

func (p *Fund) apply(m *Matcher, actor string) (Result, *Error) { return m.fund(actor, p) }
