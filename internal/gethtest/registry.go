// SPDX-License-Identifier: Apache-2.0

package gethtest

import (
	"context"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/scfx/scfx/contracts"
)

// RegistryCall is one transaction to the registry: an anchor (Hashes: its root) or a
// register (Hashes: its fingerprints).
type RegistryCall struct {
	Tx     common.Hash
	Method string
	Hashes []common.Hash
}

// RegistryCalls decodes the anchor and register transactions sent to registry in
// blocks from..head, in chain order. Tests count them: every leaf anchored once,
// every fingerprint registered once.
func RegistryCalls(ctx context.Context, c *ethclient.Client, registry common.Address, from uint64) ([]RegistryCall, error) {
	head, err := c.BlockNumber(ctx)
	if err != nil {
		return nil, err
	}
	abi := contracts.NewScfxRegistry().GetABI()
	var out []RegistryCall
	for n := from; n <= head; n++ {
		blk, err := c.BlockByNumber(ctx, new(big.Int).SetUint64(n))
		if err != nil {
			return nil, fmt.Errorf("block %d: %w", n, err)
		}
		for _, tx := range blk.Transactions() {
			if tx.To() == nil || *tx.To() != registry || len(tx.Data()) < 4 {
				continue
			}
			m, err := abi.MethodById(tx.Data()[:4])
			if err != nil {
				continue
			}
			args, err := m.Inputs.Unpack(tx.Data()[4:])
			if err != nil {
				return nil, fmt.Errorf("unpack %s in %s: %w", m.Name, tx.Hash().Hex(), err)
			}
			call := RegistryCall{Tx: tx.Hash(), Method: m.Name}
			switch m.Name {
			case "anchor":
				call.Hashes = []common.Hash{common.Hash(args[0].([32]byte))}
			case "register":
				for _, fp := range args[0].([][32]byte) {
					call.Hashes = append(call.Hashes, common.Hash(fp))
				}
			default:
				continue
			}
			out = append(out, call)
		}
	}
	return out, nil
}
