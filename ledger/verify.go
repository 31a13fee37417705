// SPDX-License-Identifier: Apache-2.0

package ledger

import (
	"context"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"

	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/merkle"
)

// ProofJSON is the body of GET /v1/receivables/{id}/proof (docs/api.md "Proofs"): a leaf, the root of its batch, the sibling path, and where the root was
// anchored.
type ProofJSON struct {
	Leaf            common.Hash    `json:"leaf"`
	Root            common.Hash    `json:"root"`
	Proof           []common.Hash  `json:"proof"`
	TxHash          common.Hash    `json:"tx_hash"`
	BlockNumber     uint64         `json:"block_number"`
	RegistryAddress common.Address `json:"registry_address"`
	ChainID         uint64         `json:"chain_id"`
}

// NewProofJSON is the API body for a matcher proof on the ledger l.
func NewProofJSON(p matcher.LeafProof, l matcher.LedgerConfig) ProofJSON {
	proof := p.Proof
	if proof == nil {
		proof = []common.Hash{} // JSON [], not null
	}
	return ProofJSON{
		Leaf: p.Leaf, Root: p.Root, Proof: proof, TxHash: p.TxHash, BlockNumber: p.Block,
		RegistryAddress: l.Registry, ChainID: l.ChainID,
	}
}

// ErrInvalidProof: the proof does not hold on the chain (as opposed to the chain not
// answering).
var ErrInvalidProof = errors.New("ledger: invalid proof")

// VerifyProof checks p against the chain at rpcURL, as `scfx verify` does: the
// endpoint is the proof's chain, the root is anchored in the registry at the proof's
// block by the proof's transaction, the registry's verify accepts the path, and so
// does the local Merkle code. It returns nil, an error wrapping ErrInvalidProof, or
// the error that kept it from asking the chain. It takes the leaf as given: whoever
// holds the receivable's data should recompute the leaf (package merkle) first.
func VerifyProof(ctx context.Context, rpcURL string, p ProofJSON) error {
	if !merkle.Verify(p.Root, p.Leaf, p.Proof) {
		return fmt.Errorf("%w: the path does not lead from leaf %s to root %s", ErrInvalidProof, p.Leaf.Hex(), p.Root.Hex())
	}
	if p.BlockNumber == 0 || p.RegistryAddress == (common.Address{}) || p.ChainID == 0 {
		return fmt.Errorf("%w: block_number, registry_address and chain_id are required", ErrInvalidProof)
	}
	c, err := dialReadOnly(ctx, rpcURL, p.RegistryAddress)
	if err != nil {
		return err
	}
	defer c.Close()
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
