// SPDX-License-Identifier: Apache-2.0

package matcher

// KindRecordPayment: the debtor core records a payment to a holder or a lender.
const KindRecordPayment Kind = "record_payment"

// The payload tag of KindRecordPayment in the binary encoding (codec.go).
const tagRecordPayment byte = 43

func init() {
	register(descriptor{kind: KindRecordPayment, tags: []byte{tagRecordPayment}, decode: decodeRecordPayment})
}

// RecordPayment records that the debtor core paid amount fen on a receivable of
// one of its invoices (a fragment or the invoice itself): to the lender of the
// match MatchID on it, or, without one, to the holder of its unfinanced part.
// Partial payments are allowed.
type RecordPayment struct {
	ReceivableID string `json:"receivable_id"`
	MatchID      string `json:"match_id,omitempty"`
	Amount       int64  `json:"amount"`
	Reference    string `json:"reference"`
}

// Kind is KindRecordPayment.
func (*RecordPayment) Kind() Kind { return KindRecordPayment }

func (p *RecordPayment) encode(e encoder) encoder {
	e.tag(tagRecordPayment)
	e.str(p.ReceivableID)
	e.str(p.MatchID)
	e.int(p.Amount)
	e.str(p.Reference)
	return e
}

func decodeRecordPayment(d *decoder, _ byte) Payload {
	return &RecordPayment{ReceivableID: d.str(), MatchID: d.str(), Amount: d.int(), Reference: d.str()}
}

func (p *RecordPayment) apply(m *Matcher, actor string) (Result, *Error) {
	return m.recordPayment(actor, p)
}
