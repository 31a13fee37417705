// SPDX-License-Identifier: Apache-2.0

package matcher

// KindList: a holder asks to finance a receivable.
const KindList Kind = "list"

// The payload tags of KindList in the binary encoding (codec.go).
const (
	// tagList: a List without a minimum fill, as journals written before partial fills hold it.
	tagList byte = 6
	// tagListFill: a List with a minimum fill.
	tagListFill byte = 20
)

func init() {
	register(descriptor{kind: KindList, tags: []byte{tagList, tagListFill}, decode: decodeList})
}

// List asks to finance a receivable's whole remaining amount, from one offer or, when
// MinFillFen is set, from several (fills of at least MinFillFen each).
type List struct {
	ReceivableID string `json:"receivable_id"`
	MaxRateBps   int64  `json:"max_rate_bps"`
	MinFillFen   int64  `json:"min_fill_fen,omitempty"`
}

// Kind is KindList.
func (*List) Kind() Kind { return KindList }

func (p *List) encode(e encoder) encoder {
	if p.MinFillFen == 0 {
		e.tag(tagList)
		e.str(p.ReceivableID)
		e.int(p.MaxRateBps)
		return e
	}
	e.tag(tagListFill)
	e.str(p.ReceivableID)
	e.int(p.MaxRateBps)
	e.int(p.MinFillFen)
	return e
}

func decodeList(d *decoder, tag byte) Payload {
	p := &List{ReceivableID: d.str(), MaxRateBps: d.int()}
	if tag == tagListFill {
		if p.MinFillFen = d.int(); p.MinFillFen == 0 {
			d.fail("a list without a minimum fill is encoded with its own tag")
		}
	}
	return p
}

func (p *List) apply(m *Matcher, actor string) (Result, *Error) { return m.list(actor, p) }
