// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/scfx/scfx/merkle"
)

// docs/audit.md: a cut may carry the log head; the batch's tree is its leaves then
// the head's leaf, so the anchored root commits the head and proofs still verify.
func TestCutBatchCommitsTheLogHead(t *testing.T) {
	w := newWorld(t)
	a, core := w.sme("", ""), w.core("AAA")
	id := w.receivable(a, core, 1000, 90)
	w.confirm(id)
	w.confirm(w.receivable(a, core, 1000, 90))
	first, leaves := w.m.PendingLeaves(MaxAnchorBatch)
	seq := w.m.AppliedSeq()
	root, state := common.HexToHash("0x01"), common.HexToHash("0x02")
	cut := func(h *CutHead) Command {
		return Command{Payload: &CutBatch{FirstLeaf: first, Count: len(leaves), Head: h}}
	}
	for _, c := range []struct {
		name string
		head func(next uint64) CutHead // next: the seq the cut will take
	}{
		{"size 0", func(uint64) CutHead { return CutHead{Size: 0, Root: root.Hex(), StateHash: state.Hex()} }},
		{"size of the cut itself", func(next uint64) CutHead { return CutHead{Size: next, Root: root.Hex(), StateHash: state.Hex()} }},
		{"short root", func(uint64) CutHead { return CutHead{Size: seq, Root: "0x01", StateHash: state.Hex()} }},
		{"bad state hash", func(uint64) CutHead { return CutHead{Size: seq, Root: root.Hex(), StateHash: "zz"} }},
	} {
		t.Run(c.name, func(t *testing.T) {
			w.tb = t
			h := c.head(w.m.AppliedSeq() + 1)
			w.wantCode(w.sys(cut(&h)), CodeValidation, w.hash())
		})
	}
	w.tb = t
	w.must(w.sys(cut(&CutHead{Size: seq, Root: root.Hex(), StateHash: state.Hex()})))
	head := w.m.PendingCutHead()
	if head == nil || head.Size != seq || head.Root != root || head.StateHash != state {
		t.Fatalf("PendingCutHead = %+v", head)
	}
	tree := BatchTree(leaves, head)
	if len(tree) != len(leaves)+1 || tree[len(leaves)] != merkle.HeadLeaf(seq, root, state) {
		t.Fatalf("BatchTree = %d leaves, want the %d leaves then the head's", len(tree), len(leaves))
	}
	// The root of the leaves alone is not the batch's root.
	w.wantCode(w.sys(w.anchorCmd(first, leaves)), CodeInvalidState, w.hash())
	rec := w.anchorCmd(first, leaves)
	rec.Payload.(*RecordAnchor).Root = merkle.Root(tree).Hex()
	w.must(w.sys(rec))
	p, err := w.m.Proof(id, merkle.KindConfirmation)
	if err != nil {
		t.Fatal(err)
	}
	if p.Root != merkle.Root(tree) || !merkle.Verify(p.Root, p.Leaf, p.Proof) {
		t.Fatalf("the confirmation's proof does not verify under the batch's root")
	}
	if b := w.m.s.Batches[len(w.m.s.Batches)-1]; b.Head == nil || *b.Head != *head {
		t.Fatalf("the batch lost its head: %+v", b.Head)
	}
	if !merkle.Verify(p.Root, head.Leaf(), merkle.Proof(tree, len(leaves))) {
		t.Fatal("the head's leaf has no proof under the batch's root")
	}
	w.checkInvariants()
}

// TestAnchoredHeadsPages: AnchoredHeads against a walk of every batch, for every
// start size and page length, on batches with and without heads, in a matcher that
// applied them and in one restored from its snapshot; and with a head smaller than
// the one before it (no node cuts one, the matcher does not refuse it), which the
// binary search must not skip over.
func TestAnchoredHeadsPages(t *testing.T) {
	for _, shrink := range []bool{false, true} {
		w := newWorld(t)
		a, core := w.sme("", ""), w.core("AAA")
		for k := range 24 {
			w.confirm(w.receivable(a, core, 1000, 90))
			first, leaves := w.m.PendingLeaves(MaxAnchorBatch)
			var head *CutHead
			if k%4 != 3 {
				size := w.m.AppliedSeq()
				if shrink && k == 13 {
					size = 2
				}
				head = &CutHead{Size: size, Root: common.HexToHash("0x01").Hex(), StateHash: common.HexToHash("0x02").Hex()}
			}
			w.must(w.sys(Command{Payload: &CutBatch{FirstLeaf: first, Count: len(leaves), Head: head}}))
			rec := w.anchorCmd(first, leaves)
			rec.Payload.(*RecordAnchor).Root = merkle.Root(BatchTree(leaves, w.m.PendingCutHead())).Hex()
			w.must(w.sys(rec))
		}
		restored := w.restored()
		if got := restored.ix.headsOrdered; got != !shrink {
			t.Fatalf("shrink %t: restored headsOrdered %t", shrink, got)
		}
		all := w.m.Batches()
		for from := uint64(0); from <= w.m.AppliedSeq()+1; from++ {
			for _, max := range []int{1, 3, 100} {
				var want []Batch
				for _, b := range all {
					if len(want) < max && b.Head != nil && b.Head.Size >= from {
						want = append(want, b)
					}
				}
				for name, m := range map[string]*Matcher{"applied": w.m, "restored": restored} {
					got := m.AnchoredHeads(from, max)
					if len(got) != len(want) {
						t.Fatalf("shrink %t, %s: AnchoredHeads(%d, %d) = %d batches, want %d", shrink, name, from, max, len(got), len(want))
					}
					for i := range got {
						if got[i].First != want[i].First || *got[i].Head != *want[i].Head {
							t.Fatalf("shrink %t, %s: AnchoredHeads(%d, %d)[%d] = %+v, want %+v", shrink, name, from, max, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}
