// SPDX-License-Identifier: Apache-2.0

package matcher

// KindCreditNote: the debtor core reduces what it owes on a confirmed invoice.
const KindCreditNote Kind = "credit_note"

// The payload tag of KindCreditNote in the binary encoding (codec.go).
const tagCreditNote byte = 42

func init() {
	register(descriptor{kind: KindCreditNote, tags: []byte{tagCreditNote}, decode: decodeCreditNote})
}

// IssueCreditNote is the debtor core's EIP-712 CreditNote on a tier-1 receivable it
// confirmed: amount fen less owed, for reason, under a salt the core never reuses.
type IssueCreditNote struct {
	ReceivableID string `json:"receivable_id"`
	Amount       int64  `json:"amount"`
	Reason       string `json:"reason"`
	Salt         string `json:"salt"`
	Signature    string `json:"signature"`
}

// Kind is KindCreditNote.
func (*IssueCreditNote) Kind() Kind { return KindCreditNote }

func (p *IssueCreditNote) encode(e encoder) encoder {
	e.tag(tagCreditNote)
	e.str(p.ReceivableID)
	e.int(p.Amount)
	e.str(p.Reason)
	e.str(p.Salt)
	e.str(p.Signature)
	return e
}

func decodeCreditNote(d *decoder, _ byte) Payload {
	return &IssueCreditNote{ReceivableID: d.str(), Amount: d.int(), Reason: d.str(), Salt: d.str(), Signature: d.str()}
}

func (p *IssueCreditNote) apply(m *Matcher, actor string) (Result, *Error) {
	return m.creditNote(actor, p)
}
