// SPDX-License-Identifier: Apache-2.0

package ledger

import (
	"context"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// AuditChain is the read-only view of a registry that an auditor needs (scfx audit,
// docs/audit.md): where a root was anchored, and every root a platform's anchorer
// put there.
type AuditChain struct{ c *chain }

// AnchoredRoot is one Anchored event of the registry.
type AnchoredRoot struct {
	Root   common.Hash
	Count  uint32
	Block  uint64
	TxHash common.Hash
}

// DialAudit connects to the chain at url, bound to the registry at registry.
func DialAudit(ctx context.Context, url string, registry common.Address) (*AuditChain, error) {
	c, err := dialReadOnly(ctx, url, registry)
	if err != nil {
		return nil, err
	}
	return &AuditChain{c: c}, nil
}

// Close closes the connection.
func (a *AuditChain) Close() error { return a.c.Close() }

// ChainID is the chain's id.
func (a *AuditChain) ChainID() uint64 { return a.c.ChainID() }

// AnchoredAt is the block root was first anchored in, 0 if never.
func (a *AuditChain) AnchoredAt(ctx context.Context, root common.Hash) (uint64, error) {
	return a.c.AnchoredAt(ctx, root)
}

// AnchoredBy lists the registry's Anchored events, oldest first, whose transaction
// anchorer sent: the batches a platform anchored, whatever its server says. (The
// registry may be shared by several platforms; their anchorers differ.)
func (a *AuditChain) AnchoredBy(ctx context.Context, anchorer common.Address) ([]AnchoredRoot, error) {
	logs, err := a.c.client.FilterLogs(ctx, ethereum.FilterQuery{
		FromBlock: big.NewInt(0), Addresses: []common.Address{a.c.registry},
		Topics: [][]common.Hash{{a.c.reg.GetABI().Events["Anchored"].ID}},
	})
	if err != nil {
		return nil, fmt.Errorf("ledger: Anchored logs: %w", err)
	}
	signer := types.LatestSignerForChainID(a.c.chainID)
	senders := map[common.Hash]common.Address{}
	var out []AnchoredRoot
	for _, l := range logs {
		if l.Removed {
			continue
		}
		from, ok := senders[l.TxHash]
		if !ok {
			tx, _, err := a.c.client.TransactionByHash(ctx, l.TxHash)
			if err != nil {
				return nil, fmt.Errorf("ledger: transaction %s: %w", l.TxHash.Hex(), err)
			}
			if from, err = types.Sender(signer, tx); err != nil {
				return nil, fmt.Errorf("ledger: sender of %s: %w", l.TxHash.Hex(), err)
			}
			senders[l.TxHash] = from
		}
		if from != anchorer {
			continue
		}
		ev, err := a.c.reg.UnpackAnchoredEvent(&l)
		if err != nil {
			return nil, fmt.Errorf("ledger: Anchored event in %s: %w", l.TxHash.Hex(), err)
		}
		out = append(out, AnchoredRoot{Root: ev.Root, Count: ev.Count, Block: l.BlockNumber, TxHash: l.TxHash})
	}
	return out, nil
}
