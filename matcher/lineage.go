// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/scfx/scfx/eip712"
	"github.com/scfx/scfx/merkle"
)

// ProvenLeaf is a leaf's inclusion proof with the data the leaf hashes (package
// merkle's encodings), so that a verifier recomputes the leaf instead of taking it
// on trust. Exactly one of Confirmation, Transfer and Assignment is set, by Kind.
type ProvenLeaf struct {
	LeafProof
	ReceivableID string
	Confirmation *eip712.Confirmation
	Transfer     *SignedTransfer
	Assignment   *AssignmentData
	CreditNote   *SignedCreditNote
	Signature    []byte // the confirmation's, transfer's or credit note's 65 bytes as hashed into the leaf
}

// SignedCreditNote is the EIP-712 CreditNote a debtor core signed, and its address.
type SignedCreditNote struct {
	eip712.CreditNote
	Signer common.Address
}

// SignedTransfer is the EIP-712 Transfer a holder signed and the fragment it made.
type SignedTransfer struct {
	eip712.Transfer
	ChildID string
}

// AssignmentData is what an assignment leaf hashes.
type AssignmentData struct {
	MatchID   string
	LenderID  string
	AmountFen int64
	TimeMs    int64
}

// ProvenLeaf is Proof(id, kind) with the leaf's data. Like Proof it does not check
// who asks: the caller has checked that the receivable is visible.
func (m *Matcher) ProvenLeaf(id string, kind byte) (ProvenLeaf, *Error) {
	p, n, err := m.proof(id, kind)
	if err != nil {
		return ProvenLeaf{}, err
	}
	r := m.s.Receivables.get(id)
	out := ProvenLeaf{LeafProof: p, ReceivableID: id}
	switch kind {
	case merkle.KindConfirmation:
		c := m.ConfirmationOf(r)
		out.Confirmation, out.Signature = &c, signatureOf(r.Confirmation)
	case merkle.KindTransfer:
		t := r.Transfer
		out.Transfer = &SignedTransfer{ChildID: r.ID, Transfer: eip712.Transfer{
			Receivable: r.ParentID, From: t.Signer, To: m.s.Participants.get(t.To).Address,
			Amount: uint64(r.AmountFen), Salt: *t.Salt,
		}}
		out.Signature = signatureOf(t)
	case merkle.KindAssignment:
		mt := m.s.Matches.get(m.s.Leaves[n-1].MatchID)
		out.Assignment = &AssignmentData{MatchID: mt.ID, LenderID: mt.LenderID, AmountFen: mt.AmountFen, TimeMs: mt.FundedMs}
	case merkle.KindCreditNote:
		cn := r.CreditNotes[m.kindIndex(r, merkle.KindCreditNote, n)]
		out.CreditNote = &SignedCreditNote{
			CreditNote: CreditNoteOf(r, cn.AmountFen, cn.Reason, *cn.Signed.Salt), Signer: cn.Signed.Signer,
		}
		out.Signature = signatureOf(&cn.Signed)
	}
	return out, nil
}

// kindIndex is how many of r's leaves of kind come before leaf n: r's credit notes
// are in the order of their leaves.
func (m *Matcher) kindIndex(r *Receivable, kind byte, n uint64) int {
	k := 0
	for _, ln := range r.Leaves {
		if ln == n {
			break
		}
		if m.s.Leaves[ln-1].Kind == kind {
			k++
		}
	}
	return k
}

// LineageHop is one step of a fragment's lineage: the confirmation of the tier-1
// receivable, or the transfer that split a fragment off its parent, with the amounts
// that show conservation at that step.
type LineageHop struct {
	ProvenLeaf
	Tier      int
	AmountFen int64 // the face amount of the receivable this hop made
	// ParentAmountFen is what the parent held (its face amount) and SplitBeforeFen
	// what transfers before this one split off it: a hop conserves money when
	// SplitBeforeFen + AmountFen <= ParentAmountFen. Both are 0 on the confirmation.
	ParentAmountFen int64
	SplitBeforeFen  int64
}

// Lineage is the chain of hops from receivable id's core-signed confirmation down to
// id itself, for anyone to whom id is visible. It shows the ancestors' signed data
// and proofs but no sibling: those are other holders' objects. A hop whose leaf is
// not anchored yet is invalid_state, as its proof is.
func (m *Matcher) Lineage(actor, id string) ([]LineageHop, *Error) {
	r, err := m.visibleReceivable(actor, id)
	if err != nil {
		return nil, err
	}
	path := make([]*Receivable, r.Tier)
	for i, cur := r.Tier-1, r; i >= 0; i-- {
		path[i] = cur
		if cur.ParentID != "" {
			cur = m.s.Receivables.get(cur.ParentID)
		}
	}
	hops := make([]LineageHop, 0, len(path))
	for i, cur := range path {
		kind, hop := merkle.KindConfirmation, LineageHop{Tier: cur.Tier, AmountFen: cur.AmountFen}
		if i > 0 {
			kind = merkle.KindTransfer
			hop.ParentAmountFen, hop.SplitBeforeFen = path[i-1].AmountFen, m.splitBefore(path[i-1], cur.ID)
		}
		if hop.ProvenLeaf, err = m.ProvenLeaf(cur.ID, kind); err != nil {
			return nil, err
		}
		hops = append(hops, hop)
	}
	return hops, nil
}

// splitBefore is what parent's transfers before the one that made childID split off.
func (m *Matcher) splitBefore(parent *Receivable, childID string) int64 {
	var sum int64
	for _, c := range parent.Children {
		if c == childID {
			break
		}
		sum += m.s.Receivables.get(c).AmountFen
	}
	return sum
}

// signatureOf is a stored signature's bytes (hex the matcher itself wrote).
func signatureOf(s *Signed) []byte { return hexutil.MustDecode(s.Signature) }

// RegistryRefOf is the ref this platform registers tier-1 receivable id's
// fingerprint under (RegistryRef); the zero hash before the ledger is set.
func (m *Matcher) RegistryRefOf(id string) common.Hash {
	if m.s.Ledger == nil {
		return common.Hash{}
	}
	return RegistryRef(m.s.Ledger.Platform, id)
}
