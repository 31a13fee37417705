// SPDX-License-Identifier: Apache-2.0

package ledger

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/scfx/scfx/matcher"
)

// Config chooses and configures a backend (docs/operations.md §2): the embedded chain unless
// RPCURL is set.
type Config struct {
	DataDir  string
	RPCURL   string         // --eth-rpc; empty: the embedded chain
	KeyFile  string         // --eth-key-file (RPC only; the embedded chain makes its own key)
	Registry common.Address // --registry-address (RPC only)
	Depth    uint64         // confirmation depth (RPC only; the embedded chain never reorganises)
	// BlockPeriod and HTTPAddr configure the embedded chain (see EmbeddedConfig).
	BlockPeriod uint64
	HTTPAddr    string
	Logger      *slog.Logger
}

// Open opens the backend cfg describes.
func Open(ctx context.Context, cfg Config) (Backend, error) {
	if cfg.RPCURL == "" {
		return OpenEmbedded(ctx, EmbeddedConfig{DataDir: cfg.DataDir, BlockPeriod: cfg.BlockPeriod, HTTPAddr: cfg.HTTPAddr, Logger: cfg.Logger})
	}
	return DialRPC(ctx, RPCConfig{URL: cfg.RPCURL, KeyFile: cfg.KeyFile, Registry: cfg.Registry, DataDir: cfg.DataDir, Depth: cfg.Depth})
}

// SetLedgerCommand is the system command that binds the matcher to a chain, registry
// and platform id (EIP-712 domain and registry refs) and names the anchorer's
// account. Applying it again with the same values is a no-op; the chain, registry and
// platform can never change once set, the anchorer can.
func SetLedgerCommand(chainID uint64, registry, anchorer common.Address, platform common.Hash) matcher.Command {
	return matcher.Command{Actor: matcher.ActorSystem, Payload: &matcher.SetLedger{
		ChainID: chainID, Registry: registry.Hex(), Anchorer: anchorer.Hex(), Platform: platform.Hex(),
	}}
}

// Configure submits the SetLedger command for backend b, as the node's owner must at
// every start. The platform id is the one the matcher already holds (a replica joining
// a journal), else the one kept in <data-dir>/platform.id (made on the first start). It
// fails if the journal is bound to another chain or registry.
func Configure(ctx context.Context, n Node, b Backend, dataDir string) (matcher.LedgerConfig, error) {
	var cur *matcher.LedgerConfig
	n.View(func(m *matcher.Matcher) { cur = m.Ledger() })
	var platform common.Hash
	if cur != nil {
		platform = cur.Platform
		if err := keepPlatformID(dataDir, platform); err != nil {
			return matcher.LedgerConfig{}, fmt.Errorf("ledger: keep platform id: %w", err)
		}
		// Bound already to exactly this chain, registry and anchorer (a restart): a
		// no-op SetLedger would still be a journal entry, and a restart must not move
		// applied_seq.
		if cur.ChainID == b.ChainID() && cur.Registry == b.Registry() && cur.Anchorer == b.Sender() {
			return *cur, nil
		}
	} else {
		var err error
		if platform, err = PlatformID(dataDir); err != nil {
			return matcher.LedgerConfig{}, err
		}
	}
	res, err := n.Submit(ctx, SetLedgerCommand(b.ChainID(), b.Registry(), b.Sender(), platform))
	if err != nil {
		return matcher.LedgerConfig{}, fmt.Errorf("ledger: set ledger: %w", err)
	}
	if res.Err != nil {
		return matcher.LedgerConfig{}, fmt.Errorf("ledger: set ledger to chain %d, registry %s: %w", b.ChainID(), b.Registry().Hex(), res.Err)
	}
	n.View(func(m *matcher.Matcher) { cur = m.Ledger() })
	return *cur, nil
}

// Info is the chain half of GET /v1/ledger; pending_leaves comes from the matcher.
type Info struct {
	ChainID         uint64         `json:"chain_id"`
	RegistryAddress common.Address `json:"registry_address"`
	AnchorerAddress common.Address `json:"anchorer_address"`
	HeadBlock       uint64         `json:"head_block"`
}

// infoTimeout bounds the head-block read of LedgerInfo: a status page must not hang on
// a chain that does not answer.
const infoTimeout = 2 * time.Second

// LedgerInfo describes b. When the chain does not answer it returns what it knows with
// HeadBlock 0, and the error (GET /readyz reports the ledger unreachable).
func LedgerInfo(ctx context.Context, b Backend) (Info, error) {
	info := Info{ChainID: b.ChainID(), RegistryAddress: b.Registry(), AnchorerAddress: b.Sender()}
	ctx, cancel := context.WithTimeout(ctx, infoTimeout)
	defer cancel()
	head, err := b.Head(ctx)
	info.HeadBlock = head
	return info, err
}
