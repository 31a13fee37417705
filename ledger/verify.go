// SPDX-License-Identifier: Apache-2.0

package ledger

import (
	"context"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/merkle"
)

// ProofJSON is the body of GET /v1/receivables/{id}/proof (wire.Proof): a leaf with
// the data it hashes (one of Confirmation, Transfer, Assignment), the root of its
// batch, the sibling path, and where the root was anchored.
type ProofJSON struct {
	Kind            string         `json:"kind"`
	Leaf            common.Hash    `json:"leaf"`
	Root            common.Hash    `json:"root"`
	Proof           []common.Hash  `json:"proof"`
	TxHash          common.Hash    `json:"tx_hash"`
	BlockNumber     uint64         `json:"block_number"`
	RegistryAddress common.Address `json:"registry_address"`
	ChainID         uint64         `json:"chain_id"`
	wire.LeafData
}

// NewProofJSON is the API body for a matcher proof on the ledger l.
func NewProofJSON(p matcher.ProvenLeaf, l matcher.LedgerConfig) ProofJSON {
	proof := p.Proof
	if proof == nil {
		proof = []common.Hash{} // JSON [], not null
	}
	out := ProofJSON{
		Kind: matcher.LeafKindName(p.Kind), Leaf: p.Leaf, Root: p.Root, Proof: proof, TxHash: p.TxHash, BlockNumber: p.Block,
		RegistryAddress: l.Registry, ChainID: l.ChainID,
	}
	out.LeafData = ProofData(p)
	return out
}

// ProofData is the data a proven leaf hashes, in the API's shape.
func ProofData(p matcher.ProvenLeaf) wire.LeafData {
	var d wire.LeafData
	switch {
	case p.Confirmation != nil:
		c := p.Confirmation
		d.Confirmation = &wire.SignedConfirmation{
			Receivable: c.Receivable, Fingerprint: c.Fingerprint, Creditor: c.Creditor, Debtor: c.Debtor,
			Amount: int64(c.Amount), Currency: c.Currency, DueDate: c.DueDate, Signature: p.Signature,
		}
	case p.Transfer != nil:
		t := p.Transfer
		d.Transfer = &wire.SignedTransfer{
			Receivable: t.Receivable, Child: t.ChildID, From: t.From, To: t.To, Amount: int64(t.Amount),
			Salt: t.Salt, Signature: p.Signature,
		}
	case p.Assignment != nil:
		a := p.Assignment
		d.Assignment = &wire.Assignment{
			Receivable: p.ReceivableID, MatchID: a.MatchID, LenderID: a.LenderID, Amount: a.AmountFen, TimeMs: a.TimeMs,
		}
	case p.CreditNote != nil:
		n := p.CreditNote
		d.CreditNote = &wire.SignedCreditNote{
			Receivable: n.Receivable, Amount: int64(n.Amount), Reason: n.Reason, Salt: n.Salt, Debtor: n.Signer, Signature: p.Signature,
		}
	}
	return d
}

// ErrInvalidProof: the proof does not hold on the chain (as opposed to the chain not
// answering).
var ErrInvalidProof = errors.New("ledger: invalid proof")

// VerifyProof checks p against the chain at rpcURL, as `scfx verify` does: the leaf
// recomputes from the data p carries and its signature recovers to its signer
// (CheckLeaf), the endpoint is the proof's chain, the root is anchored in the
// registry at the proof's block by the proof's transaction, the registry's verify
// accepts the path, and so does the local Merkle code. It returns nil, an error
// wrapping ErrInvalidProof, ErrNoLeafData, or the error that kept it from asking
// the chain.
func VerifyProof(ctx context.Context, rpcURL string, p ProofJSON) error {
	if err := CheckLeaf(p); err != nil {
		return err
	}
	return VerifyAnchored(ctx, rpcURL, p)
}

// VerifyAnchored is VerifyProof with the leaf taken as given: only the path and the
// chain are checked.
func VerifyAnchored(ctx context.Context, rpcURL string, p ProofJSON) error {
	if p.RegistryAddress == (common.Address{}) {
		return fmt.Errorf("%w: registry_address is required", ErrInvalidProof)
	}
	c, err := dialReadOnly(ctx, rpcURL, p.RegistryAddress)
	if err != nil {
		return err
	}
	defer c.Close()
	return verifyAnchored(ctx, c, rpcURL, p)
}

// verifyAnchored checks p's path and anchoring on the chain c (dialled at rpcURL).
func verifyAnchored(ctx context.Context, c *chain, rpcURL string, p ProofJSON) error {
	if !merkle.Verify(p.Root, p.Leaf, p.Proof) {
		return fmt.Errorf("%w: the path does not lead from leaf %s to root %s", ErrInvalidProof, p.Leaf.Hex(), p.Root.Hex())
	}
	if p.BlockNumber == 0 || p.RegistryAddress == (common.Address{}) || p.ChainID == 0 {
		return fmt.Errorf("%w: block_number, registry_address and chain_id are required", ErrInvalidProof)
	}
	if c.ChainID() != p.ChainID {
		return fmt.Errorf("%w: the proof is for chain %d, %s serves chain %d", ErrInvalidProof, p.ChainID, redactURL(rpcURL), c.ChainID())
	}
	at, err := c.AnchoredAt(ctx, p.Root)
	if err != nil {
		return err
	}
	if at == 0 {
		return fmt.Errorf("%w: root %s is not anchored in registry %s", ErrInvalidProof, p.Root.Hex(), p.RegistryAddress.Hex())
	}
	if at != p.BlockNumber {
		return fmt.Errorf("%w: root %s was anchored in block %d, the proof says %d", ErrInvalidProof, p.Root.Hex(), at, p.BlockNumber)
	}
	ok, err := c.Verify(ctx, p.Root, p.Leaf, p.Proof)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%w: the registry's verify refuses the path", ErrInvalidProof)
	}
	return checkAnchorTx(ctx, c, p)
}

// checkAnchorTx checks that the proof's transaction is the one that anchored its root.
func checkAnchorTx(ctx context.Context, c *chain, p ProofJSON) error {
	r, err := c.client.TransactionReceipt(ctx, p.TxHash)
	if err != nil {
		return fmt.Errorf("ledger: receipt of %s: %w", p.TxHash.Hex(), err)
	}
	if r.BlockNumber.Uint64() != p.BlockNumber {
		return fmt.Errorf("%w: transaction %s is in block %s, the proof says %d", ErrInvalidProof, p.TxHash.Hex(), r.BlockNumber, p.BlockNumber)
	}
	for _, l := range r.Logs {
		if l.Address != p.RegistryAddress {
			continue
		}
		if ev, err := c.reg.UnpackAnchoredEvent(l); err == nil && ev.Root == p.Root {
			return nil
		}
	}
	return fmt.Errorf("%w: transaction %s did not anchor root %s", ErrInvalidProof, p.TxHash.Hex(), p.Root.Hex())
}
