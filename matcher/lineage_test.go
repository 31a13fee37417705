// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"testing"

	"github.com/scfx/scfx/eip712"
	"github.com/scfx/scfx/merkle"
)

// docs/api.md GET /v1/receivables/{id}/lineage: the hops from the core's confirmation
// down to the fragment, each with the signed data its leaf hashes (so the leaf
// recomputes from it), its proof, and the amounts that show conservation; visible
// to the fragment's parties only; 409 while a hop waits for its batch.
func TestAPI_LineageOfATier3Fragment(t *testing.T) {
	w := newWorld(t)
	core, a, b, c, stranger := w.core("AAA"), w.sme("", ""), w.sme("", ""), w.sme("", ""), w.sme("", "")
	r1 := w.financeable(a, core, 1_000_000, 90)
	sib := w.transfer(r1, c, 100_000) // an earlier sibling of r2: counted, never shown
	r2 := w.transfer(r1, b, 300_000)
	w.anchor()
	r3 := w.transfer(r2, c, 120_000)
	if _, err := w.m.Lineage(c, r3); err == nil || err.Code != CodeInvalidState {
		t.Fatalf("Lineage with an unanchored hop = %v, want invalid_state", err)
	}
	w.anchor()

	hops, err := w.m.Lineage(c, r3)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		id                    string
		tier                  int
		amount, parent, split int64
	}{{r1, 1, 1_000_000, 0, 0}, {r2, 2, 300_000, 1_000_000, 100_000}, {r3, 3, 120_000, 300_000, 0}}
	if len(hops) != len(want) {
		t.Fatalf("Lineage(%s) has %d hops, want %d", r3, len(hops), len(want))
	}
	dom := w.domain()
	for i, h := range hops {
		wt := want[i]
		if h.ReceivableID != wt.id || h.Tier != wt.tier || h.AmountFen != wt.amount || h.ParentAmountFen != wt.parent || h.SplitBeforeFen != wt.split {
			t.Fatalf("hop %d = %s tier %d amount %d parent %d split %d, want %+v", i, h.ReceivableID, h.Tier, h.AmountFen, h.ParentAmountFen, h.SplitBeforeFen, wt)
		}
		var leaf = h.Leaf
		if i == 0 {
			leaf = merkle.ConfirmationLeaf(h.ReceivableID, eip712.ConfirmationDigest(dom, *h.Confirmation), h.Signature)
			if signer, _ := eip712.Recover(eip712.ConfirmationDigest(dom, *h.Confirmation), h.Signature); signer != w.m.s.Participants.get(core).Address {
				t.Fatalf("hop 0's confirmation recovers to %s, not the core", signer.Hex())
			}
		} else {
			tr := h.Transfer
			if tr.ChildID != wt.id || tr.Receivable != want[i-1].id || int64(tr.Amount) != wt.amount {
				t.Fatalf("hop %d transfer = %+v", i, tr)
			}
			leaf = merkle.TransferLeaf(tr.ChildID, tr.Receivable, eip712.TransferDigest(dom, tr.Transfer), h.Signature)
			holder := w.m.s.Participants.get(w.rcv(want[i-1].id).HolderID).Address
			if signer, _ := eip712.Recover(eip712.TransferDigest(dom, tr.Transfer), h.Signature); signer != holder || tr.From != holder {
				t.Fatalf("hop %d's transfer recovers to %s, from %s; want the parent's holder %s", i, signer.Hex(), tr.From.Hex(), holder.Hex())
			}
		}
		if leaf != h.Leaf || !merkle.Verify(h.Root, h.Leaf, h.Proof) {
			t.Fatalf("hop %d: recomputed leaf %s, served %s, proof holds %v", i, leaf.Hex(), h.Leaf.Hex(), merkle.Verify(h.Root, h.Leaf, h.Proof))
		}
		if h.ReceivableID == sib {
			t.Fatal("the lineage shows a sibling")
		}
	}

	for _, who := range []string{core, ActorOperator} {
		if _, err := w.m.Lineage(who, r3); err != nil {
			t.Fatalf("Lineage(%s, %s) = %v, want it", who, r3, err)
		}
	}
	// The tier-1 and tier-2 holders are not parties to the tier-3 fragment.
	for _, who := range []string{a, b, stranger} {
		if _, err := w.m.Lineage(who, r3); err == nil || err.Code != CodeNotFound {
			t.Fatalf("Lineage(%s, %s) = %v, want not_found", who, r3, err)
		}
	}
}
