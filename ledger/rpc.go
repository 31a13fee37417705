// SPDX-License-Identifier: Apache-2.0

package ledger

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/rpc"
)

// rpcPollMax is the longest wait between receipt polls on an external chain: a block
// every few seconds, and each poll is a round trip.
const rpcPollMax = time.Second

// RPCConfig configures a backend on an external Ethereum JSON-RPC endpoint.
type RPCConfig struct {
	URL string // --eth-rpc: http(s)://, ws(s):// or an IPC path
	// KeyFile (--eth-key-file) holds the operator's hex secp256k1 key; Key, if set,
	// is used instead (tools and tests).
	KeyFile string
	Key     *ecdsa.PrivateKey
	// Registry (--registry-address); zero: the one kept in DataDir/registry.address,
	// or, on the first start, deploy one and keep its address there.
	Registry common.Address
	DataDir  string
	// Depth is how many blocks must be on top of a transaction's block before its
	// receipt counts: 0 on a dev chain, more where the chain can reorganise.
	Depth   uint64
	PollMax time.Duration // longest wait between receipt polls (default 1 s)
}

// RPC is a backend on any Ethereum JSON-RPC endpoint: geth, Besu, a consortium chain.
type RPC struct {
	*chain
}

var _ Backend = (*RPC)(nil)

// DialRPC connects to cfg.URL and binds to (or deploys) the registry. It fails when
// the endpoint does not answer; the caller decides whether to retry.
func DialRPC(ctx context.Context, cfg RPCConfig) (*RPC, error) {
	if cfg.URL == "" {
		return nil, errors.New("ledger: rpc: no URL")
	}
	key := cfg.Key
	if key == nil {
		if cfg.KeyFile == "" {
			return nil, errors.New("ledger: rpc: a key file is required to send registry transactions")
		}
		var err error
		if key, err = LoadKeyFile(cfg.KeyFile); err != nil {
			return nil, err
		}
	}
	if cfg.PollMax <= 0 {
		cfg.PollMax = rpcPollMax
	}
	rc, err := rpc.DialContext(ctx, cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("ledger: dial %s: %w", redactURL(cfg.URL), err)
	}
	c, err := newChain(ctx, rc, key, cfg.Depth, cfg.PollMax)
	if err != nil {
		rc.Close()
		return nil, err
	}
	r := &RPC{chain: c}
	if err := r.bindOrDeploy(ctx, cfg); err != nil {
		rc.Close()
		return nil, err
	}
	return r, nil
}

func (r *RPC) bindOrDeploy(ctx context.Context, cfg RPCConfig) error {
	if cfg.Registry != (common.Address{}) {
		return r.bindRegistry(ctx, cfg.Registry)
	}
	if cfg.DataDir == "" {
		return errors.New("ledger: rpc: no registry address and no data directory to keep a deployed one in")
	}
	path := filepath.Join(cfg.DataDir, registryAddrFile)
	addr, ok, err := readAddressFile(path)
	if err != nil {
		return err
	}
	if ok {
		return r.bindRegistry(ctx, addr)
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("ledger: rpc: %w", err)
	}
	if addr, err = r.deployRegistry(ctx); err != nil {
		return err
	}
	return writeAddressFile(path, addr)
}

// dialReadOnly connects to url without a key, for reads only (scfx verify).
func dialReadOnly(ctx context.Context, url string, registry common.Address) (*chain, error) {
	rc, err := rpc.DialContext(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("ledger: dial %s: %w", redactURL(url), err)
	}
	c, err := newChain(ctx, rc, nil, 0, rpcPollMax)
	if err == nil {
		err = c.bindRegistry(ctx, registry)
	}
	if err != nil {
		rc.Close()
		return nil, err
	}
	return c, nil
}

// redactURL keeps an endpoint's credentials (user:password@, an API key in the path
// is left: we cannot tell it from a path) out of errors and logs.
func redactURL(u string) string {
	for i := 0; i+3 <= len(u); i++ {
		if u[i:i+3] == "://" {
			rest := u[i+3:]
			for j := 0; j < len(rest) && rest[j] != '/'; j++ {
				if rest[j] == '@' {
					return u[:i+3] + "***@" + rest[j+1:]
				}
			}
			break
		}
	}
	return u
}
