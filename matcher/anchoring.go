// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"encoding/binary"
	"sort"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/scfx/scfx/merkle"
)

// Limits on one ledger outcome, matching what one transaction can carry
// (contracts/README.md: Osaka caps a transaction at 2^24 gas; register ≈ 24.2k gas each).
const (
	MaxRegisterBatch = 500
	MaxAnchorBatch   = 10_000
)

// Leaf is one entry of the pending-anchor queue: a confirmation, transfer or
// assignment, numbered from 1 in the order the matcher accepted them.
type Leaf struct {
	Kind         byte        `json:"kind"`
	ReceivableID string      `json:"receivable_id"`
	MatchID      string      `json:"match_id,omitempty"`
	Hash         common.Hash `json:"hash"`
}

// Batch is a run of leaves anchored under one Merkle root.
type Batch struct {
	Root   common.Hash `json:"root"`
	First  uint64      `json:"first"`
	Count  int         `json:"count"`
	TxHash common.Hash `json:"tx_hash"`
	Block  uint64      `json:"block"`
	AtMs   int64       `json:"at_ms"`
	Head   *LogHead    `json:"head,omitempty"` // the last leaf of the batch's tree (CutBatch)
}

// LogHead is a transparency log head (package translog) with the matcher's state
// hash at its size, as a batch's tree commits it (merkle.HeadLeaf).
type LogHead struct {
	Size      uint64      `json:"size"`
	Root      common.Hash `json:"root"`
	StateHash common.Hash `json:"state_hash"`
}

// Leaf is the head's leaf in its batch's tree.
func (h *LogHead) Leaf() common.Hash { return merkle.HeadLeaf(h.Size, h.Root, h.StateHash) }

// BatchTree is the leaves of a batch's tree: the batch's leaves, then the head's
// leaf if it has one. Its root is what the anchor transaction puts on chain.
func BatchTree(leaves []common.Hash, head *LogHead) []common.Hash {
	if head == nil {
		return leaves
	}
	return append(leaves[:len(leaves):len(leaves)], head.Leaf())
}

// Registration is one fingerprint queued for, or answered by, the shared registry.
type Registration struct {
	Fingerprint  common.Hash `json:"fingerprint"`
	Ref          common.Hash `json:"ref"`
	ReceivableID string      `json:"receivable_id"`
	Outcome      string      `json:"outcome,omitempty"`
	ExistingRef  common.Hash `json:"existing_ref,omitempty"`
}

// RegistryRef is the ref this platform registers a receivable's fingerprint under:
// the first 8 bytes of the platform id, then zeros, then the receivable's number
// (big-endian, last 8 bytes). Another platform's claim on the same invoice has another
// ref and shows up as a Duplicate. The zero bytes are deliberate: calldata costs 4 gas
// per zero byte and 16 per other byte, and the ref is sent once per invoice — a random
// 32-byte ref would cost about 280 gas more on every registration (contracts/README.md's
// floor is 22,100 gas).
func RegistryRef(platform common.Hash, receivableID string) common.Hash {
	var ref common.Hash
	copy(ref[:8], platform[:8])
	binary.BigEndian.PutUint64(ref[24:], idNumber(prefixReceivable, receivableID))
	return ref
}

// Cut is a batch of leaves fixed for anchoring (see CutBatch).
type Cut struct {
	First uint64   `json:"first"`
	Count int      `json:"count"`
	Head  *LogHead `json:"head,omitempty"`
}

func (m *Matcher) cutBatch(actor string, c *CutBatch) (Result, *Error) {
	if err := requireSystem(actor); err != nil {
		return Result{}, err
	}
	if err := m.checkFence(c.Fence); err != nil {
		return Result{}, err
	}
	if m.s.Cut != nil {
		return Result{}, invalidState("leaves %d..%d are already cut and not yet anchored", m.s.Cut.First, m.s.Cut.First+uint64(m.s.Cut.Count)-1)
	}
	if c.FirstLeaf != m.s.Anchored+1 {
		return Result{}, invalidState("cut from leaf %d: the next unanchored is %d", c.FirstLeaf, m.s.Anchored+1)
	}
	pending := uint64(len(m.s.Leaves)) - m.s.Anchored
	if c.Count <= 0 || c.Count > MaxAnchorBatch || uint64(c.Count) > pending {
		return Result{}, fieldErr("count", "must be 1 to %d of the %d pending leaves", MaxAnchorBatch, pending)
	}
	head, err := m.parseCutHead(c.Head)
	if err != nil {
		return Result{}, err
	}
	m.s.Ledger.Fence = c.Fence
	m.s.Cut = &Cut{First: c.FirstLeaf, Count: c.Count, Head: head}
	return Result{}, nil
}

// parseCutHead checks a cut's log head. The matcher cannot recompute the log's root
// or hash its state here (it keeps no log, and a state hash encodes everything), so
// only the form and the size are checked: a head must lie before the entry that
// carries it. An auditor recomputes both (scfx audit).
func (m *Matcher) parseCutHead(h *CutHead) (*LogHead, *Error) {
	if h == nil {
		return nil, nil
	}
	if h.Size == 0 || h.Size >= m.appliedSeq { // appliedSeq is this entry's seq
		return nil, fieldErr("head.size", "must be 1 to %d, the entries before this one", m.appliedSeq-1)
	}
	root, err := parseHash("head.root", h.Root)
	if err != nil {
		return nil, err
	}
	state, err := parseHash("head.state_hash", h.StateHash)
	if err != nil {
		return nil, err
	}
	return &LogHead{Size: h.Size, Root: root, StateHash: state}, nil
}

func parseHash(field, s string) (common.Hash, *Error) {
	b, err := hexutil.Decode(s)
	if err != nil || len(b) != 32 {
		return common.Hash{}, fieldErr(field, "must be 0x and 32 bytes of hex")
	}
	return common.BytesToHash(b), nil
}

// PendingCut is the batch cut for anchoring and its leaves; ok is false if none is cut.
func (m *Matcher) PendingCut() (first uint64, leaves []common.Hash, ok bool) {
	if m.s.Cut == nil {
		return 0, nil, false
	}
	return m.s.Cut.First, m.leafHashes(m.s.Cut.First, m.s.Cut.Count), true
}

// PendingCutHead is the log head the pending cut commits, nil if it has none (or
// there is no cut); the anchorer anchors BatchTree(leaves, head).
func (m *Matcher) PendingCutHead() *LogHead {
	if m.s.Cut == nil || m.s.Cut.Head == nil {
		return nil
	}
	h := *m.s.Cut.Head
	return &h
}

func (m *Matcher) setLedger(actor string, c *SetLedger) (Result, *Error) {
	if err := requireSystem(actor); err != nil {
		return Result{}, err
	}
	if c.ChainID == 0 {
		return Result{}, fieldErr("chain_id", "must be positive")
	}
	reg, err := parseAddress("registry", c.Registry)
	if err != nil {
		return Result{}, err
	}
	pb, derr := hexutil.Decode(c.Platform)
	if derr != nil || len(pb) != 32 {
		return Result{}, fieldErr("platform", "must be 0x and 32 bytes of hex")
	}
	var anchorer common.Address
	if c.Anchorer != "" {
		if anchorer, err = parseAddress("anchorer", c.Anchorer); err != nil {
			return Result{}, err
		}
	}
	l := LedgerConfig{ChainID: c.ChainID, Registry: reg, Platform: common.BytesToHash(pb), Anchorer: anchorer}
	if cur := m.s.Ledger; cur != nil {
		// Signatures are bound to the domain and refs to the platform: neither may move
		// once set. The anchorer's account may (a new lease holder, a rotated key).
		if cur.ChainID != l.ChainID || cur.Registry != l.Registry || cur.Platform != l.Platform {
			return Result{}, invalidState("the ledger is already set to chain %d, registry %s", cur.ChainID, cur.Registry.Hex())
		}
		l.Fence = cur.Fence
	}
	m.s.Ledger = &l
	return Result{}, nil
}

func (m *Matcher) pushRegistration(r *Receivable) {
	m.s.Regs = append(m.s.Regs, Registration{
		Fingerprint: r.Fingerprint, Ref: RegistryRef(m.s.Ledger.Platform, r.ID), ReceivableID: r.ID,
	})
}

func (m *Matcher) pushLeaf(r *Receivable, kind byte, hash common.Hash, matchID string) {
	m.s.Leaves = append(m.s.Leaves, Leaf{Kind: kind, ReceivableID: r.ID, MatchID: matchID, Hash: hash})
	r.Leaves = append(r.Leaves, uint64(len(m.s.Leaves)))
}

// checkFence refuses a ledger outcome from an anchorer whose lease was taken over
// (README, "Architecture": a fencing token in distributed mode).
func (m *Matcher) checkFence(fence uint64) *Error {
	if m.s.Ledger == nil {
		return errorf(CodeUnavailable, "the ledger is not configured yet")
	}
	if fence < m.s.Ledger.Fence {
		return invalidState("fencing token %d is older than %d", fence, m.s.Ledger.Fence)
	}
	return nil
}

func (m *Matcher) recordRegistrations(actor string, c *RecordRegistrations) (Result, *Error) {
	if err := requireSystem(actor); err != nil {
		return Result{}, err
	}
	if err := m.checkFence(c.Fence); err != nil {
		return Result{}, err
	}
	if c.First != m.s.RegsDone+1 {
		return Result{}, invalidState("registrations from %d: the next unanswered is %d", c.First, m.s.RegsDone+1)
	}
	pending := uint64(len(m.s.Regs)) - m.s.RegsDone
	if len(c.Results) == 0 || len(c.Results) > MaxRegisterBatch || uint64(len(c.Results)) > pending {
		return Result{}, fieldErr("results", "must hold 1 to %d of the %d pending registrations", MaxRegisterBatch, pending)
	}
	type outcome struct {
		dup      bool
		existing common.Hash
	}
	outs := make([]outcome, len(c.Results))
	for i, res := range c.Results {
		reg := m.s.Regs[m.s.RegsDone+uint64(i)]
		if res.Fingerprint != reg.Fingerprint.Hex() {
			return Result{}, fieldErr("results", "result %d is for %s, the queue has %s", i, res.Fingerprint, reg.Fingerprint.Hex())
		}
		outs[i].dup = res.Duplicate
		if res.Duplicate {
			b, err := hexutil.Decode(res.ExistingRef)
			if err != nil || len(b) != 32 {
				return Result{}, fieldErr("existing_ref", "must be 0x and 32 bytes of hex")
			}
			outs[i].existing = common.BytesToHash(b)
		}
	}
	m.s.Ledger.Fence = c.Fence
	for i, o := range outs {
		reg := &m.s.Regs[m.s.RegsDone+uint64(i)]
		m.markReg(int(m.s.RegsDone) + i)
		r := m.s.Receivables.get(reg.ReceivableID)
		if o.dup {
			reg.Outcome, reg.ExistingRef = RegDuplicate, o.existing
			r.Registration = RegDuplicate
			if r.Status == StatusConfirmed {
				r.Status = StatusDuplicate
				m.emitReceivable(r, false)
			}
			continue
		}
		reg.Outcome = RegClean
		r.Registration = RegClean
		m.evaluate(r)
	}
	m.s.RegsDone += uint64(len(outs))
	return Result{}, nil
}

func (m *Matcher) recordAnchor(actor string, c *RecordAnchor) (Result, *Error) {
	if err := requireSystem(actor); err != nil {
		return Result{}, err
	}
	if err := m.checkFence(c.Fence); err != nil {
		return Result{}, err
	}
	if c.FirstLeaf != m.s.Anchored+1 {
		return Result{}, invalidState("anchor from leaf %d: the next unanchored is %d", c.FirstLeaf, m.s.Anchored+1)
	}
	pending := uint64(len(m.s.Leaves)) - m.s.Anchored
	if c.Count <= 0 || c.Count > MaxAnchorBatch || uint64(c.Count) > pending {
		return Result{}, fieldErr("count", "must be 1 to %d of the %d pending leaves", MaxAnchorBatch, pending)
	}
	tx, derr := hexutil.Decode(c.TxHash)
	if derr != nil || len(tx) != 32 {
		return Result{}, fieldErr("tx_hash", "must be 0x and 32 bytes of hex")
	}
	if c.Block == 0 {
		return Result{}, fieldErr("block", "must be positive")
	}
	if cut := m.s.Cut; cut != nil && (cut.First != c.FirstLeaf || cut.Count != c.Count) {
		return Result{}, invalidState("leaves %d..%d are cut: record that batch", cut.First, cut.First+uint64(cut.Count)-1)
	}
	var head *LogHead
	if m.s.Cut != nil {
		head = m.s.Cut.Head
	}
	root := merkle.Root(BatchTree(m.leafHashes(c.FirstLeaf, c.Count), head))
	if c.Root != root.Hex() {
		return Result{}, invalidState("root %s is not the root of leaves %d..%d (%s)", c.Root, c.FirstLeaf, c.FirstLeaf+uint64(c.Count)-1, root.Hex())
	}
	m.s.Ledger.Fence = c.Fence
	m.s.Batches = append(m.s.Batches, Batch{Root: root, First: c.FirstLeaf, Count: c.Count, TxHash: common.BytesToHash(tx), Block: c.Block, AtMs: m.nowMs, Head: head})
	if head != nil {
		m.ix.addHead(m.s.Batches, len(m.s.Batches)-1)
	}
	m.s.Anchored += uint64(c.Count)
	m.s.Cut = nil
	for n := c.FirstLeaf; n <= m.s.Anchored; n++ {
		if l := m.s.Leaves[n-1]; l.Kind == merkle.KindConfirmation || l.Kind == merkle.KindTransfer {
			m.evaluate(m.s.Receivables.get(l.ReceivableID))
		}
	}
	return Result{}, nil
}

func (m *Matcher) leafHashes(first uint64, count int) []common.Hash {
	out := make([]common.Hash, count)
	for i := range out {
		out[i] = m.s.Leaves[first-1+uint64(i)].Hash
	}
	return out
}

// evaluate makes a confirmed receivable financeable once the ledger has caught up
// with it (contracts/README.md): a tier-1 claim when its fingerprint registered clean and its
// confirmation is anchored; a fragment when the transfer that made it is anchored.
func (m *Matcher) evaluate(r *Receivable) {
	if r.Status != StatusConfirmed || len(r.Leaves) == 0 || r.Leaves[0] > m.s.Anchored {
		return
	}
	if r.Tier == 1 && r.Registration != RegClean {
		return
	}
	if r.Tier > 1 {
		if root := m.s.Receivables.get(r.RootID); root.Status == StatusDuplicate {
			return
		}
	}
	r.Status = StatusFinanceable
	m.emitReceivable(r, false)
}

// PendingRegistrations is the first unanswered registration's number and up to max
// of the queue from there.
func (m *Matcher) PendingRegistrations(max int) (uint64, []Registration) {
	first := m.s.RegsDone + 1
	n := uint64(len(m.s.Regs)) - m.s.RegsDone
	if uint64(max) < n {
		n = uint64(max)
	}
	return first, append([]Registration(nil), m.s.Regs[m.s.RegsDone:m.s.RegsDone+n]...)
}

// PendingLeaves is the first unanchored leaf's number and up to max leaf hashes from there.
func (m *Matcher) PendingLeaves(max int) (uint64, []common.Hash) {
	first := m.s.Anchored + 1
	n := uint64(len(m.s.Leaves)) - m.s.Anchored
	if uint64(max) < n {
		n = uint64(max)
	}
	return first, m.leafHashes(first, int(n))
}

// PendingCounts is how many leaves and registrations wait for the chain.
func (m *Matcher) PendingCounts() (leaves, regs int) {
	return len(m.s.Leaves) - int(m.s.Anchored), len(m.s.Regs) - int(m.s.RegsDone)
}

// LeafProof is a leaf's inclusion proof in its anchored batch.
type LeafProof struct {
	Kind   byte          `json:"-"`
	Leaf   common.Hash   `json:"leaf"`
	Root   common.Hash   `json:"root"`
	Proof  []common.Hash `json:"proof"`
	TxHash common.Hash   `json:"tx_hash"`
	Block  uint64        `json:"block_number"`
}

// Proof is the proof of receivable id's leaf of the given kind (the latest one, for
// assignments). ok is false when there is no such leaf; an unanchored leaf is
// invalid_state.
func (m *Matcher) Proof(id string, kind byte) (LeafProof, *Error) {
	p, _, err := m.proof(id, kind)
	return p, err
}

// proof is Proof and the leaf's number.
func (m *Matcher) proof(id string, kind byte) (LeafProof, uint64, *Error) {
	r := m.s.Receivables.get(id)
	if r == nil {
		return LeafProof{}, 0, notFound("receivable", id)
	}
	var n uint64
	for _, ln := range r.Leaves {
		if m.s.Leaves[ln-1].Kind == kind {
			n = ln
		}
	}
	if n == 0 {
		return LeafProof{}, 0, invalidState("receivable %s has no leaf of that kind", id)
	}
	if n > m.s.Anchored {
		return LeafProof{}, 0, invalidState("the leaf is not anchored yet")
	}
	b := m.batchOf(n)
	leaves := BatchTree(m.leafHashes(b.First, b.Count), b.Head)
	return LeafProof{
		Kind: kind, Leaf: leaves[n-b.First], Root: b.Root, Proof: merkle.Proof(leaves, int(n-b.First)),
		TxHash: b.TxHash, Block: b.Block,
	}, n, nil
}

// Anchor describes one of a receivable's leaves and, once anchored, its batch.
type Anchor struct {
	Kind     string       `json:"kind"`
	Leaf     common.Hash  `json:"leaf"`
	Root     *common.Hash `json:"root"`
	TxHash   *common.Hash `json:"tx_hash"`
	Block    uint64       `json:"block_number,omitempty"`
	Anchored bool         `json:"anchored"`
}

// LeafKindName names a leaf kind as the API does.
func LeafKindName(k byte) string {
	switch k {
	case merkle.KindConfirmation:
		return "confirmation"
	case merkle.KindTransfer:
		return "transfer"
	case merkle.KindAssignment:
		return "assignment"
	case merkle.KindCreditNote:
		return "credit_note"
	}
	return "unknown"
}

// Anchors lists r's leaves with where they were anchored.
func (m *Matcher) Anchors(r *Receivable) []Anchor {
	out := make([]Anchor, 0, len(r.Leaves))
	for _, n := range r.Leaves {
		l := m.s.Leaves[n-1]
		a := Anchor{Kind: LeafKindName(l.Kind), Leaf: l.Hash}
		if n <= m.s.Anchored {
			b := m.batchOf(n)
			root, tx := b.Root, b.TxHash
			a.Root, a.TxHash, a.Block, a.Anchored = &root, &tx, b.Block, true
		}
		out = append(out, a)
	}
	return out
}

// batchOf is the batch that anchored leaf n (n <= Anchored).
func (m *Matcher) batchOf(n uint64) Batch {
	i := sort.Search(len(m.s.Batches), func(i int) bool {
		b := m.s.Batches[i]
		return b.First+uint64(b.Count) > n
	})
	return m.s.Batches[i]
}

// AnchoredHeads lists up to max of the anchored batches that commit a log head, in
// the order they were anchored, from the first whose head's size is at least
// fromSize.
// While heads only grow (as a node cuts them), a page starts by binary search over
// the batches with a head: GET /v1/log/head does not walk every batch anchored.
func (m *Matcher) AnchoredHeads(fromSize uint64, max int) []Batch {
	var out []Batch
	heads := m.ix.heads
	if m.ix.headsOrdered {
		heads = heads[sort.Search(len(heads), func(k int) bool { return m.s.Batches[heads[k]].Head.Size >= fromSize }):]
	}
	for _, i := range heads {
		if len(out) == max {
			break
		}
		if b := m.s.Batches[i]; b.Head.Size >= fromSize {
			h := *b.Head
			b.Head = &h
			out = append(out, b)
		}
	}
	return out
}

// Batches is every anchored batch, in the order anchored (a copy).
func (m *Matcher) Batches() []Batch {
	out := make([]Batch, len(m.s.Batches))
	for i, b := range m.s.Batches {
		if b.Head != nil {
			h := *b.Head
			b.Head = &h
		}
		out[i] = b
	}
	return out
}
