// SPDX-License-Identifier: Apache-2.0

package matcher

// KindCutBatch: the node fixes the next batch of leaves to anchor.
const KindCutBatch Kind = "cut_batch"

// The payload tag of KindCutBatch in the binary encoding (codec.go).
const tagCutBatch byte = 15

func init() {
	register(descriptor{kind: KindCutBatch, tags: []byte{tagCutBatch}, decode: decodeCutBatch})
}

// CutBatch fixes the next batch of leaves to anchor before its transaction is sent,
// so that an anchorer restarted after a crash — or another replica that took over
// the lease — finds the same batch, recomputes the same root and looks for it on
// chain instead of sending another.
type CutBatch struct {
	FirstLeaf uint64 `json:"first_leaf"`
	Count     int    `json:"count"`
	Fence     uint64 `json:"fence"`
}

// Kind is KindCutBatch.
func (*CutBatch) Kind() Kind { return KindCutBatch }

func (p *CutBatch) encode(e encoder) encoder {
	e.tag(tagCutBatch)
	e.uint(p.FirstLeaf)
	e.int(int64(p.Count))
	e.uint(p.Fence)
	return e
}

func decodeCutBatch(d *decoder, _ byte) Payload {
	return &CutBatch{FirstLeaf: d.uint(), Count: d.smallInt(), Fence: d.uint()}
}

func (p *CutBatch) apply(m *Matcher, actor string) (Result, *Error) { return m.cutBatch(actor, p) }
