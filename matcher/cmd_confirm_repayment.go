// SPDX-License-Identifier: Apache-2.0

package matcher

// KindConfirmRepayment: a lender confirms it received a repayment on a match.
const KindConfirmRepayment Kind = "confirm_repayment"

// The payload tag of KindConfirmRepayment in the binary encoding (codec.go).
const tagConfirmRepayment byte = 44

func init() {
	register(descriptor{kind: KindConfirmRepayment, tags: []byte{tagConfirmRepayment}, decode: decodeConfirmRepayment})
}

// ConfirmRepayment is the lender's receipt of amount fen on a funded match: late
// interest first, then principal; the match is repaid once no principal is owed.
type ConfirmRepayment struct {
	MatchID   string `json:"match_id"`
	Amount    int64  `json:"amount"`
	Reference string `json:"reference"`
}

// Kind is KindConfirmRepayment.
func (*ConfirmRepayment) Kind() Kind { return KindConfirmRepayment }

func (p *ConfirmRepayment) encode(e encoder) encoder {
	e.tag(tagConfirmRepayment)
	e.str(p.MatchID)
	e.int(p.Amount)
	e.str(p.Reference)
	return e
}

func decodeConfirmRepayment(d *decoder, _ byte) Payload {
	return &ConfirmRepayment{MatchID: d.str(), Amount: d.int(), Reference: d.str()}
}

func (p *ConfirmRepayment) apply(m *Matcher, actor string) (Result, *Error) {
	return m.confirmRepayment(actor, p)
}
