// SPDX-License-Identifier: Apache-2.0

package matcher

// KindRecordAnchor: the node records an anchored batch of leaves.
const KindRecordAnchor Kind = "record_anchor"

// The payload tag of KindRecordAnchor in the binary encoding (codec.go).
const tagRecordAnchor byte = 14

func init() {
	register(descriptor{kind: KindRecordAnchor, tags: []byte{tagRecordAnchor}, decode: decodeRecordAnchor})
}

// RecordAnchor records that the leaves [FirstLeaf, FirstLeaf+Count) were anchored
// under Root in a transaction.
type RecordAnchor struct {
	FirstLeaf uint64 `json:"first_leaf"`
	Count     int    `json:"count"`
	Root      string `json:"root"`
	TxHash    string `json:"tx_hash"`
	Block     uint64 `json:"block"`
	Fence     uint64 `json:"fence"`
}

// Kind is KindRecordAnchor.
func (*RecordAnchor) Kind() Kind { return KindRecordAnchor }

func (p *RecordAnchor) encode(e encoder) encoder {
	e.tag(tagRecordAnchor)
	e.uint(p.FirstLeaf)
	e.int(int64(p.Count))
	e.str(p.Root)
	e.str(p.TxHash)
	e.uint(p.Block)
	e.uint(p.Fence)
	return e
}

func decodeRecordAnchor(d *decoder, _ byte) Payload {
	return &RecordAnchor{FirstLeaf: d.uint(), Count: d.smallInt(), Root: d.str(), TxHash: d.str(), Block: d.uint(), Fence: d.uint()}
}

func (p *RecordAnchor) apply(m *Matcher, actor string) (Result, *Error) {
	return m.recordAnchor(actor, p)
}
