// SPDX-License-Identifier: Apache-2.0

package ledger

import (
	"context"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/merkle"
	"github.com/scfx/scfx/translog"
)

// docs/audit.md: every batch the anchorer cuts commits the log head and the state
// hash it read just before, as the last leaf of the anchored tree; the head is the
// node's log at that size, and the root with the head in it is on chain.
func TestAnchorCommitsTheLogHead(t *testing.T) {
	e, n := configuredChain(t)
	mk := newMarket(t, n, "", "")
	id := mk.invoice("")
	mk.confirm(id)
	stop := runAnchorer(t, NewAnchorer(n, e, fastAnchoring()))
	defer stop()
	waitStatus(t, n, id, matcher.StatusFinanceable, 30*time.Second)

	var heads []matcher.Batch
	n.View(func(m *matcher.Matcher) { heads = m.AnchoredHeads(0, 10) })
	if len(heads) == 0 {
		t.Fatal("no anchored batch commits a log head")
	}
	b := heads[0]
	err := n.Log(func(lg *translog.Log) error {
		root, err := lg.Root(b.Head.Size)
		if err != nil {
			return err
		}
		if common.Hash(root) != b.Head.Root {
			t.Errorf("head at size %d: root %s, the node's log has %x", b.Head.Size, b.Head.Root.Hex(), root)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	at, err := e.AnchoredAt(context.Background(), b.Root)
	if err != nil || at != b.Block {
		t.Fatalf("anchoredAt(batch root) = %d, %v; want %d", at, err, b.Block)
	}
	var leaves []common.Hash
	n.View(func(m *matcher.Matcher) {
		p, perr := m.Proof(id, merkle.KindConfirmation)
		if perr != nil {
			t.Fatal(perr)
		}
		leaves = append(leaves, p.Leaf)
	})
	if merkle.Root(matcher.BatchTree(leaves, b.Head)) != b.Root {
		t.Fatal("the batch's root is not the root of its leaf and its head")
	}
	checkOnChain(t, e, proofOf(t, n, id, merkle.KindConfirmation))
}
