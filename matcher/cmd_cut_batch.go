// SPDX-License-Identifier: Apache-2.0

package matcher

// KindCutBatch: the node fixes the next batch of leaves to anchor.
const KindCutBatch Kind = "cut_batch"

// The payload tags of KindCutBatch in the binary encoding (codec.go): without and
// with the transparency log's head.
const (
	tagCutBatch     byte = 15
	tagCutBatchHead byte = 50
)

func init() {
	register(descriptor{kind: KindCutBatch, tags: []byte{tagCutBatch, tagCutBatchHead}, decode: decodeCutBatch})
}

// CutBatch fixes the next batch of leaves to anchor before its transaction is sent,
// so that an anchorer restarted after a crash — or another replica that took over
// the lease — finds the same batch, recomputes the same root and looks for it on
// chain instead of sending another.
//
// Head, if set, is the transparency log's head and the state hash at its size, read
// by the anchorer just before the cut: it becomes one more leaf of the batch's tree
// (merkle.HeadLeaf, after the batch's leaves), so the anchor transaction commits it
// on chain at no extra gas (docs/audit.md).
type CutBatch struct {
	FirstLeaf uint64   `json:"first_leaf"`
	Count     int      `json:"count"`
	Fence     uint64   `json:"fence"`
	Head      *CutHead `json:"head,omitempty"`
}

// CutHead is a log head as a command carries it: hashes as 0x and 64 hex digits.
type CutHead struct {
	Size      uint64 `json:"size"`
	Root      string `json:"root"`
	StateHash string `json:"state_hash"`
}

// Kind is KindCutBatch.
func (*CutBatch) Kind() Kind { return KindCutBatch }

func (p *CutBatch) encode(e encoder) encoder {
	if p.Head == nil {
		e.tag(tagCutBatch)
	} else {
		e.tag(tagCutBatchHead)
	}
	e.uint(p.FirstLeaf)
	e.int(int64(p.Count))
	e.uint(p.Fence)
	if p.Head != nil {
		e.uint(p.Head.Size)
		e.str(p.Head.Root)
		e.str(p.Head.StateHash)
	}
	return e
}

func decodeCutBatch(d *decoder, tag byte) Payload {
	p := &CutBatch{FirstLeaf: d.uint(), Count: d.smallInt(), Fence: d.uint()}
	if tag == tagCutBatchHead {
		p.Head = &CutHead{Size: d.uint(), Root: d.str(), StateHash: d.str()}
	}
	return p
}

func (p *CutBatch) apply(m *Matcher, actor string) (Result, *Error) { return m.cutBatch(actor, p) }
