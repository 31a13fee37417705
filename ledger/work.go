// SPDX-License-Identifier: Apache-2.0

package ledger

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/merkle"
)

// Polling of the chain while the anchorer waits for blocks: fast at first (the
// embedded chain mines in milliseconds), then no more than once a second.
const (
	chainPollMin = 10 * time.Millisecond
	chainPollMax = time.Second
)

// register answers registrations first.. (regs) from the registry: fingerprints
// already ours are clean, those held under another ref are duplicates, and the rest
// go out in one register transaction whose events decide them.
func (a *Anchorer) register(ctx context.Context, first uint64, regs []matcher.Registration, fence uint64) error {
	txCtx, cancel := context.WithTimeout(ctx, a.cfg.TxTimeout)
	defer cancel()
	// A register of ours still in the pool (sent before a crash) must land before the
	// refs are read, or we would send its fingerprints again.
	if err := a.settlePending(txCtx); err != nil {
		return err
	}
	fps := make([]common.Hash, len(regs))
	for i, r := range regs {
		fps[i] = r.Fingerprint
	}
	refs, err := a.settledRefs(txCtx, fps)
	if err != nil {
		return err
	}
	results := make([]matcher.RegResult, len(regs))
	var sendFPs, sendRefs []common.Hash
	var sendIdx []int
	for i, r := range regs {
		results[i] = matcher.RegResult{Fingerprint: r.Fingerprint.Hex()}
		switch refs[i] {
		case r.Ref:
		case common.Hash{}:
			sendFPs, sendRefs, sendIdx = append(sendFPs, r.Fingerprint), append(sendRefs, r.Ref), append(sendIdx, i)
		default:
			results[i].Duplicate, results[i].ExistingRef = true, refs[i].Hex()
		}
	}
	var txHash common.Hash
	if len(sendFPs) > 0 {
		r, err := a.sendRegister(txCtx, sendFPs, sendRefs)
		if err != nil {
			return err
		}
		txHash = r.TxHash
		if err := a.decideFromReceipt(txCtx, r, regs, sendIdx, results); err != nil {
			return err
		}
	}
	rec := &matcher.RecordRegistrations{First: first, Results: results, Fence: fence}
	if txHash != (common.Hash{}) {
		rec.TxHash = txHash.Hex()
	}
	cmd := matcher.Command{Actor: matcher.ActorSystem, Payload: rec}
	if err := a.b.Persist(txCtx); err != nil {
		return err
	}
	if err := a.submit(ctx, cmd, fence); err != nil {
		return err
	}
	dups := 0
	for _, r := range results {
		if r.Duplicate {
			dups++
		}
	}
	a.stats.registrations.Add(uint64(len(results)))
	a.stats.duplicates.Add(uint64(dups))
	a.log.Info("registered fingerprints", "first", first, "count", len(results), "sent", len(sendFPs), "duplicates", dups, "tx", txHash.Hex())
	return nil
}

// settledRefs reads refOf for fps and returns it once it no longer depends on the
// newest Depth blocks (immediately on a chain with depth 0).
func (a *Anchorer) settledRefs(ctx context.Context, fps []common.Hash) ([]common.Hash, error) {
	wait := chainPollMin
	for {
		latest, err := a.b.RefsOf(ctx, fps, 0)
		if err != nil || a.b.Depth() == 0 {
			return latest, err
		}
		deep, err := a.b.RefsOf(ctx, fps, a.b.Depth())
		if err != nil {
			return nil, err
		}
		if slices.Equal(latest, deep) {
			return latest, nil
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("ledger: waiting for registrations to be %d blocks deep: %w", a.b.Depth(), err)
		}
		wait = min(2*wait, chainPollMax)
	}
}

func (a *Anchorer) sendRegister(ctx context.Context, fps, refs []common.Hash) (*types.Receipt, error) {
	if err := a.crashPoint(pointBeforeSend, "register"); err != nil {
		return nil, err
	}
	tx, err := a.b.SendRegister(ctx, fps, refs)
	if err != nil {
		return nil, err
	}
	a.stats.registerTxs.Add(1)
	if err := a.crashPoint(pointAfterSend, "register"); err != nil {
		return nil, err
	}
	r, err := a.b.Receipt(ctx, tx)
	if err != nil {
		return nil, err
	}
	a.stats.registerGas.Add(r.GasUsed)
	return r, a.crashPoint(pointAfterReceipt, "register")
}

// decideFromReceipt sets the outcome of the sent registrations from the receipt's
// events: Registered with our ref is clean, Duplicate names the ref that holds the
// fingerprint. A fingerprint with neither was already registered under our own ref
// (the contract skips it silently); that is checked against refOf, not assumed.
func (a *Anchorer) decideFromReceipt(ctx context.Context, r *types.Receipt, regs []matcher.Registration, sent []int, results []matcher.RegResult) error {
	registered := map[common.Hash]common.Hash{}
	duplicate := map[common.Hash]common.Hash{}
	reg := a.reg
	for _, l := range r.Logs {
		if l.Address != a.b.Registry() {
			continue
		}
		if ev, err := reg.UnpackRegisteredEvent(l); err == nil {
			registered[ev.Fingerprint] = ev.Ref
		} else if ev, err := reg.UnpackDuplicateEvent(l); err == nil {
			duplicate[ev.Fingerprint] = ev.ExistingRef
		}
	}
	var silent []int
	for _, i := range sent {
		fp := regs[i].Fingerprint
		if existing, ok := duplicate[fp]; ok {
			results[i].Duplicate, results[i].ExistingRef = true, common.Hash(existing).Hex()
			continue
		}
		if ref, ok := registered[fp]; ok && ref == regs[i].Ref {
			continue
		}
		silent = append(silent, i)
	}
	if len(silent) == 0 {
		return nil
	}
	fps := make([]common.Hash, len(silent))
	for k, i := range silent {
		fps[k] = regs[i].Fingerprint
	}
	refs, err := a.b.RefsOf(ctx, fps, 0)
	if err != nil {
		return err
	}
	for k, i := range silent {
		switch refs[k] {
		case regs[i].Ref:
		case common.Hash{}:
			return fmt.Errorf("ledger: register %s mined in %s but the fingerprint is not registered", fps[k].Hex(), r.TxHash.Hex())
		default:
			results[i].Duplicate, results[i].ExistingRef = true, refs[k].Hex()
		}
	}
	return nil
}

// cutAndAnchor fixes leaves first..first+count-1 as the next batch in the journal
// before anything is sent, then anchors it. The cut is the durable intent that makes a
// restart (or another lease holder) anchor the same leaves under the same root.
func (a *Anchorer) cutAndAnchor(ctx context.Context, first uint64, count int, fence uint64) error {
	cmd := matcher.Command{Actor: matcher.ActorSystem, Payload: &matcher.CutBatch{
		FirstLeaf: first, Count: count, Fence: fence, Head: a.logHead(),
	}}
	if err := a.submit(ctx, cmd, fence); err != nil {
		return err
	}
	q := a.read()
	if !q.hasCut || q.cutFirst != first || len(q.cut) != count {
		return fmt.Errorf("ledger: cut leaves %d..%d but the matcher holds another cut", first, first+uint64(count)-1)
	}
	return a.anchorCut(ctx, q.cutFirst, q.cut, q.cutHead, fence)
}

// logHead is the node's log head and state hash for the next cut; nil when the node
// keeps no log (the batch then commits no head).
func (a *Anchorer) logHead() *matcher.CutHead {
	hn, ok := a.n.(HeadNode)
	if !ok {
		return nil
	}
	start := time.Now()
	h, state, err := hn.LogHead()
	if err != nil {
		a.log.Warn("anchorer: no log head to commit", "err", err)
		return nil
	}
	a.log.Debug("anchorer: log head read", "size", h.Size, "took", time.Since(start))
	return &matcher.CutHead{Size: h.Size, Root: common.Hash(h.Root).Hex(), StateHash: common.Hash(state).Hex()}
}

// anchorCut puts the root of the cut batch's tree (its leaves, then its head's leaf)
// on chain unless it is there already, and records it.
func (a *Anchorer) anchorCut(ctx context.Context, first uint64, leaves []common.Hash, head *matcher.LogHead, fence uint64) error {
	tree := matcher.BatchTree(leaves, head)
	root := merkle.Root(tree)
	txCtx, cancel := context.WithTimeout(ctx, a.cfg.TxTimeout)
	defer cancel()
	block, tx, err := a.anchorRoot(txCtx, root, len(tree))
	if err != nil {
		return err
	}
	// What the record rests on must outlive a crash of the chain's process first.
	if err := a.b.Persist(txCtx); err != nil {
		return err
	}
	cmd := matcher.Command{Actor: matcher.ActorSystem, Payload: &matcher.RecordAnchor{
		FirstLeaf: first, Count: len(leaves), Root: root.Hex(), TxHash: tx.Hex(), Block: block, Fence: fence,
	}}
	if err := a.submit(ctx, cmd, fence); err != nil {
		return err
	}
	a.stats.batches.Add(1)
	a.stats.leavesAnchored.Add(uint64(len(leaves)))
	a.log.Info("anchored leaves", "first", first, "count", len(leaves), "root", root.Hex(), "block", block, "tx", tx.Hex())
	return nil
}

// anchorRoot returns the block and transaction that anchored root, sending an anchor
// transaction only when root is not on chain and no transaction of ours is pending.
func (a *Anchorer) anchorRoot(ctx context.Context, root common.Hash, count int) (uint64, common.Hash, error) {
	// Crash after the receipt: the root is on chain, record it.
	if block, tx, ok, err := a.findAnchor(ctx, root); err != nil || ok {
		return block, tx, err
	}
	// Crash after sending, before the receipt: our transaction may still be pending.
	// Let it mine and look again.
	if err := a.settlePending(ctx); err != nil {
		return 0, common.Hash{}, err
	}
	if block, tx, ok, err := a.findAnchor(ctx, root); err != nil || ok {
		return block, tx, err
	}
	// Crash before sending (or the chain lost the blocks): send it.
	if err := a.crashPoint(pointBeforeSend, "anchor"); err != nil {
		return 0, common.Hash{}, err
	}
	tx, err := a.b.SendAnchor(ctx, root, count)
	if err != nil {
		return 0, common.Hash{}, err
	}
	a.stats.anchorTxs.Add(1)
	if err := a.crashPoint(pointAfterSend, "anchor"); err != nil {
		return 0, common.Hash{}, err
	}
	r, err := a.b.Receipt(ctx, tx)
	if err != nil {
		return 0, common.Hash{}, err
	}
	a.stats.anchorGas.Add(r.GasUsed)
	if err := a.crashPoint(pointAfterReceipt, "anchor"); err != nil {
		return 0, common.Hash{}, err
	}
	reg := a.reg
	for _, l := range r.Logs {
		if ev, err := reg.UnpackAnchoredEvent(l); err == nil && l.Address == a.b.Registry() && ev.Root == root {
			return r.BlockNumber.Uint64(), tx, nil
		}
	}
	// The contract skipped it: the root was anchored by an earlier transaction that
	// mined while this one waited. That one is the anchor.
	block, first, ok, err := a.findAnchor(ctx, root)
	if err == nil && !ok {
		err = fmt.Errorf("ledger: anchor %s mined in %s without an Anchored event", root.Hex(), tx.Hex())
	}
	return block, first, err
}

// findAnchor looks root up on chain; ok when it is anchored and Depth blocks deep.
func (a *Anchorer) findAnchor(ctx context.Context, root common.Hash) (block uint64, tx common.Hash, ok bool, err error) {
	for {
		block, err = a.b.AnchoredAt(ctx, root)
		if err != nil || block == 0 {
			return 0, common.Hash{}, false, err
		}
		if err := a.waitHead(ctx, block+a.b.Depth()); err != nil {
			return 0, common.Hash{}, false, err
		}
		again, err := a.b.AnchoredAt(ctx, root)
		if err != nil {
			return 0, common.Hash{}, false, err
		}
		if again == block {
			break
		}
		// Reorganised while we waited: look again.
	}
	if tx, err = a.b.AnchorTx(ctx, root, block); err != nil {
		return 0, common.Hash{}, false, err
	}
	a.stats.foundOnChain.Add(1)
	return block, tx, true, nil
}

// settlePending waits until no transaction of the sender is pending, so that the next
// send never races one sent before a crash (or by a previous lease holder with the
// same key).
func (a *Anchorer) settlePending(ctx context.Context) error {
	wait := chainPollMin
	for {
		n, err := a.b.PendingTxs(ctx)
		if err != nil || n == 0 {
			return err
		}
		if err := sleep(ctx, wait); err != nil {
			return fmt.Errorf("ledger: %d transactions of %s still pending: %w", n, a.b.Sender().Hex(), err)
		}
		wait = min(2*wait, chainPollMax)
	}
}

// waitHead waits until the chain's head is at least block.
func (a *Anchorer) waitHead(ctx context.Context, block uint64) error {
	wait := chainPollMin
	for {
		head, err := a.b.Head(ctx)
		if err != nil || head >= block {
			return err
		}
		if err := sleep(ctx, wait); err != nil {
			return fmt.Errorf("ledger: waiting for block %d (head %d): %w", block, head, err)
		}
		wait = min(2*wait, chainPollMax)
	}
}
