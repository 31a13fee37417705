// SPDX-License-Identifier: Apache-2.0

package ledger

import (
	"context"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/eip712"
	"github.com/scfx/scfx/merkle"
)

// LineageJSON is the body of GET /v1/receivables/{id}/lineage (wire.Lineage) as
// `scfx verify --lineage` reads it: hop 0 the core's confirmation of the tier-1
// receivable, then each transfer down to ReceivableID.
type LineageJSON struct {
	ReceivableID string           `json:"receivable_id"`
	RegistryRef  common.Hash      `json:"registry_ref"`
	Hops         []LineageHopJSON `json:"hops"`
}

// LineageHopJSON is one hop (wire.LineageHop): a proof with its leaf's data, and the
// amounts that show conservation.
type LineageHopJSON struct {
	ProofJSON
	ReceivableID string `json:"receivable_id"`
	Tier         int    `json:"tier"`
	Amount       int64  `json:"amount"`
	ParentAmount int64  `json:"parent_amount"`
	SplitBefore  int64  `json:"split_before"`
}

// maxLineageHops bounds the work a lineage file can ask for; the matcher refuses a
// tier deeper than 10.
const maxLineageHops = 16

// ErrNoLeafData: a proof that does not carry the data its leaf hashes, so the leaf
// cannot be recomputed (as opposed to a leaf proven wrong).
var ErrNoLeafData = errors.New("ledger: the proof carries no data to recompute its leaf from")

// CheckLeaf recomputes p's leaf from the data it carries (package merkle's
// encodings, package eip712's digests under the domain of p's chain and registry)
// and checks that a signature recovers to its signer: the debtor for a
// confirmation or a credit note, the sender (from) for a transfer. It returns nil, an error wrapping
// ErrInvalidProof, or ErrNoLeafData. It asks no chain.
func CheckLeaf(p ProofJSON) error {
	dom := eip712.Domain{ChainID: p.ChainID, VerifyingContract: p.RegistryAddress}
	var leaf common.Hash
	var err error
	switch n := countData(p.LeafData); {
	case n == 0:
		return ErrNoLeafData
	case n > 1:
		return fmt.Errorf("%w: the proof carries the data of more than one leaf", ErrInvalidProof)
	case p.Confirmation != nil:
		leaf, err = confirmationLeaf(p.Kind, dom, p.Confirmation)
	case p.Transfer != nil:
		leaf, err = transferLeaf(p.Kind, dom, p.Transfer)
	case p.Assignment != nil:
		a := p.Assignment
		err = checkKind(p.Kind, merkle.KindAssignment)
		leaf = merkle.AssignmentLeaf(a.Receivable, a.MatchID, a.LenderID, a.Amount, a.TimeMs)
	default:
		leaf, err = creditNoteLeaf(p.Kind, dom, p.CreditNote)
	}
	if err != nil {
		return err
	}
	if leaf != p.Leaf {
		return fmt.Errorf("%w: the data hashes to leaf %s, the proof says %s", ErrInvalidProof, leaf.Hex(), p.Leaf.Hex())
	}
	return nil
}

func countData(d wire.LeafData) int {
	n := 0
	for _, set := range []bool{d.Confirmation != nil, d.Transfer != nil, d.Assignment != nil, d.CreditNote != nil} {
		if set {
			n++
		}
	}
	return n
}

func confirmationLeaf(kind string, dom eip712.Domain, c *wire.SignedConfirmation) (common.Hash, error) {
	if err := checkKind(kind, merkle.KindConfirmation); err != nil {
		return common.Hash{}, err
	}
	if c.Amount <= 0 {
		return common.Hash{}, fmt.Errorf("%w: the confirmation's amount %d is not positive", ErrInvalidProof, c.Amount)
	}
	digest := eip712.ConfirmationDigest(dom, eip712.Confirmation{
		Receivable: c.Receivable, Fingerprint: c.Fingerprint, Creditor: c.Creditor, Debtor: c.Debtor,
		Amount: uint64(c.Amount), Currency: c.Currency, DueDate: c.DueDate,
	})
	if err := checkSigner("confirmation", "debtor", digest, c.Signature, c.Debtor); err != nil {
		return common.Hash{}, err
	}
	return merkle.ConfirmationLeaf(c.Receivable, digest, c.Signature), nil
}

func transferLeaf(kind string, dom eip712.Domain, t *wire.SignedTransfer) (common.Hash, error) {
	if err := checkKind(kind, merkle.KindTransfer); err != nil {
		return common.Hash{}, err
	}
	if t.Amount <= 0 {
		return common.Hash{}, fmt.Errorf("%w: the transfer's amount %d is not positive", ErrInvalidProof, t.Amount)
	}
	digest := eip712.TransferDigest(dom, eip712.Transfer{
		Receivable: t.Receivable, From: t.From, To: t.To, Amount: uint64(t.Amount), Salt: t.Salt,
	})
	if err := checkSigner("transfer", "holder (from)", digest, t.Signature, t.From); err != nil {
		return common.Hash{}, err
	}
	return merkle.TransferLeaf(t.Child, t.Receivable, digest, t.Signature), nil
}

func creditNoteLeaf(kind string, dom eip712.Domain, n *wire.SignedCreditNote) (common.Hash, error) {
	if err := checkKind(kind, merkle.KindCreditNote); err != nil {
		return common.Hash{}, err
	}
	if n.Amount <= 0 {
		return common.Hash{}, fmt.Errorf("%w: the credit note's amount %d is not positive", ErrInvalidProof, n.Amount)
	}
	digest := eip712.CreditNoteDigest(dom, eip712.CreditNote{Receivable: n.Receivable, Amount: uint64(n.Amount), Reason: n.Reason, Salt: n.Salt})
	if err := checkSigner("credit note", "debtor", digest, n.Signature, n.Debtor); err != nil {
		return common.Hash{}, err
	}
	return merkle.CreditNoteLeaf(n.Receivable, digest, n.Signature), nil
}

// checkKind: a proof that names its kind (the API always does) names the kind of its data.
func checkKind(kind string, want byte) error {
	if kind != "" && kind != kindNames[want] {
		return fmt.Errorf("%w: a %s proof carries %s data", ErrInvalidProof, kind, kindNames[want])
	}
	return nil
}

var kindNames = map[byte]string{
	merkle.KindConfirmation: "confirmation", merkle.KindTransfer: "transfer", merkle.KindAssignment: "assignment",
	merkle.KindCreditNote: "credit_note",
}

func checkSigner(what, who string, digest common.Hash, sig []byte, want common.Address) error {
	got, err := eip712.Recover(digest, sig)
	if err != nil {
		return fmt.Errorf("%w: the %s's signature: %w", ErrInvalidProof, what, err)
	}
	if got != want {
		return fmt.Errorf("%w: the %s's signature recovers to %s, not the %s %s", ErrInvalidProof, what, got.Hex(), who, want.Hex())
	}
	return nil
}

// CheckLineage checks l without a chain: every hop's leaf recomputes from its data
// and its signature recovers to the right party (CheckLeaf); hop 0 is the core's
// confirmation and every later hop a transfer of the hop before, signed by that
// hop's holder (the confirmation's creditor, then each transfer's to), one tier
// deeper; every hop's amount is its signed amount and conserves money: split_before
// + amount <= parent_amount, the parent's signed amount; all on one chain and
// registry; the last hop is l.ReceivableID. An error wraps ErrInvalidProof and
// names the hop.
func CheckLineage(l LineageJSON) error {
	if len(l.Hops) == 0 || len(l.Hops) > maxLineageHops {
		return fmt.Errorf("%w: a lineage has 1 to %d hops, this one %d", ErrInvalidProof, maxLineageHops, len(l.Hops))
	}
	for i := range l.Hops {
		if err := checkHop(l.Hops, i); err != nil {
			h := l.Hops[i]
			return fmt.Errorf("hop %d (%s, tier %d): %w", i, h.ReceivableID, h.Tier, err)
		}
	}
	if last := l.Hops[len(l.Hops)-1]; last.ReceivableID != l.ReceivableID {
		return fmt.Errorf("%w: the last hop is %s, the lineage is of %s", ErrInvalidProof, last.ReceivableID, l.ReceivableID)
	}
	return nil
}

func checkHop(hops []LineageHopJSON, i int) error {
	h := hops[i]
	if err := CheckLeaf(h.ProofJSON); err != nil {
		if errors.Is(err, ErrNoLeafData) {
			return fmt.Errorf("%w: %w", ErrInvalidProof, err)
		}
		return err
	}
	if h.Tier != i+1 {
		return fmt.Errorf("%w: hop %d is at tier %d, want %d", ErrInvalidProof, i, h.Tier, i+1)
	}
	if h.ChainID != hops[0].ChainID || h.RegistryAddress != hops[0].RegistryAddress {
		return fmt.Errorf("%w: chain %d registry %s, hop 0 is on chain %d registry %s", ErrInvalidProof,
			h.ChainID, h.RegistryAddress.Hex(), hops[0].ChainID, hops[0].RegistryAddress.Hex())
	}
	if i == 0 {
		return checkRoot(h)
	}
	t, prev := h.Transfer, hops[i-1]
	switch {
	case t == nil:
		return fmt.Errorf("%w: not a transfer: only hop 0 is a confirmation", ErrInvalidProof)
	case t.Child != h.ReceivableID:
		return fmt.Errorf("%w: the transfer made %s, not %s", ErrInvalidProof, t.Child, h.ReceivableID)
	case t.Receivable != prev.ReceivableID:
		return fmt.Errorf("%w: the transfer splits %s, the hop before is %s", ErrInvalidProof, t.Receivable, prev.ReceivableID)
	case t.From != holderOf(prev):
		return fmt.Errorf("%w: the transfer is from %s, %s is held by %s", ErrInvalidProof, t.From.Hex(), prev.ReceivableID, holderOf(prev).Hex())
	case h.Amount != t.Amount:
		return fmt.Errorf("%w: amount %d, the signed transfer says %d", ErrInvalidProof, h.Amount, t.Amount)
	case h.ParentAmount != prev.Amount:
		return fmt.Errorf("%w: parent_amount %d, the parent %s was signed for %d", ErrInvalidProof, h.ParentAmount, prev.ReceivableID, prev.Amount)
	case h.SplitBefore < 0 || h.SplitBefore > h.ParentAmount-h.Amount:
		return fmt.Errorf("%w: %d split off before plus %d now exceeds the %d the parent held", ErrInvalidProof, h.SplitBefore, h.Amount, h.ParentAmount)
	}
	return nil
}

// checkRoot checks hop 0: the core's confirmation of the tier-1 receivable.
func checkRoot(h LineageHopJSON) error {
	c := h.Confirmation
	switch {
	case c == nil:
		return fmt.Errorf("%w: hop 0 is not a confirmation", ErrInvalidProof)
	case c.Receivable != h.ReceivableID:
		return fmt.Errorf("%w: the confirmation is of %s, not %s", ErrInvalidProof, c.Receivable, h.ReceivableID)
	case h.Amount != c.Amount:
		return fmt.Errorf("%w: amount %d, the signed confirmation says %d", ErrInvalidProof, h.Amount, c.Amount)
	case h.ParentAmount != 0 || h.SplitBefore != 0:
		return fmt.Errorf("%w: the confirmation has no parent, yet parent_amount %d, split_before %d", ErrInvalidProof, h.ParentAmount, h.SplitBefore)
	}
	return nil
}

// holderOf is the address that held the receivable a hop made: the creditor the
// core confirmed it to, or the transfer's recipient.
func holderOf(h LineageHopJSON) common.Address {
	if h.Confirmation != nil {
		return h.Confirmation.Creditor
	}
	return h.Transfer.To
}

// VerifyLineage checks l as `scfx verify --lineage` does: CheckLineage, then on the
// chain at rpcURL every hop's proof (anchoredAt, the registry's verify, the
// anchoring transaction: as VerifyProof) and that the invoice's fingerprint is
// registered under the lineage's registry_ref. It returns nil, an error wrapping
// ErrInvalidProof that names the hop, or the error that kept it from asking the chain.
func VerifyLineage(ctx context.Context, rpcURL string, l LineageJSON) error {
	if err := CheckLineage(l); err != nil {
		return err
	}
	first := l.Hops[0]
	c, err := dialReadOnly(ctx, rpcURL, first.RegistryAddress)
	if err != nil {
		return err
	}
	defer c.Close()
	for i, h := range l.Hops {
		if err := verifyAnchored(ctx, c, rpcURL, h.ProofJSON); err != nil {
			return fmt.Errorf("hop %d (%s, tier %d): %w", i, h.ReceivableID, h.Tier, err)
		}
	}
	fp := first.Confirmation.Fingerprint
	refs, err := c.RefsOf(ctx, []common.Hash{fp}, 0)
	if err != nil {
		return err
	}
	if refs[0] == (common.Hash{}) {
		return fmt.Errorf("%w: hop 0 (%s): fingerprint %s is not registered in registry %s",
			ErrInvalidProof, first.ReceivableID, fp.Hex(), first.RegistryAddress.Hex())
	}
	if refs[0] != l.RegistryRef {
		return fmt.Errorf("%w: hop 0 (%s): fingerprint %s is registered under ref %s, the lineage says %s",
			ErrInvalidProof, first.ReceivableID, fp.Hex(), refs[0].Hex(), l.RegistryRef.Hex())
	}
	return nil
}
