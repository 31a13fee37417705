// SPDX-License-Identifier: Apache-2.0

package matcher

// KindSubmitReceivable: an SME uploads an invoice.
const KindSubmitReceivable Kind = "submit_receivable"

// The payload tag of KindSubmitReceivable in the binary encoding (codec.go).
const tagSubmitReceivable byte = 3

func init() {
	register(descriptor{kind: KindSubmitReceivable, tags: []byte{tagSubmitReceivable}, decode: decodeSubmitReceivable})
}

// SubmitReceivable uploads an invoice (SME, the creditor).
type SubmitReceivable struct {
	DebtorID      string `json:"debtor_id"`
	InvoiceNumber string `json:"invoice_number"`
	Amount        int64  `json:"amount"`
	Currency      string `json:"currency"`
	IssueDate     string `json:"issue_date"`
	DueDate       string `json:"due_date"`
}

// Kind is KindSubmitReceivable.
func (*SubmitReceivable) Kind() Kind { return KindSubmitReceivable }

func (p *SubmitReceivable) encode(e encoder) encoder {
	e.tag(tagSubmitReceivable)
	e.str(p.DebtorID)
	e.str(p.InvoiceNumber)
	e.int(p.Amount)
	e.str(p.Currency)
	e.str(p.IssueDate)
	e.str(p.DueDate)
	return e
}

func decodeSubmitReceivable(d *decoder, _ byte) Payload {
	return &SubmitReceivable{DebtorID: d.str(), InvoiceNumber: d.str(), Amount: d.int(), Currency: d.str(), IssueDate: d.str(), DueDate: d.str()}
}

func (p *SubmitReceivable) apply(m *Matcher, actor string) (Result, *Error) {
	return m.submitReceivable(actor, p)
}
