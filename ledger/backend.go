// SPDX-License-Identifier: Apache-2.0

package ledger

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/scfx/scfx/contracts"
)

// Backend is the chain the anchorer writes to: the registry's calls and transactions
// from one sender account. Two implementations: Embedded (an in-process go-ethereum
// chain under the data directory) and RPC (any Ethereum JSON-RPC endpoint).
type Backend interface {
	ChainID() uint64
	Registry() common.Address
	// Sender is the account that signs every registry transaction.
	Sender() common.Address
	// Depth is how many blocks must be on top of a block before what it holds counts.
	Depth() uint64
	// Head is the newest block's number.
	Head(ctx context.Context) (uint64, error)
	// RefsOf reads refOf for each fingerprint, in the state depth blocks below the head.
	RefsOf(ctx context.Context, fps []common.Hash, depth uint64) ([]common.Hash, error)
	// AnchoredAt is the block in which root was anchored, 0 if never (latest state).
	AnchoredAt(ctx context.Context, root common.Hash) (uint64, error)
	// AnchorTx is the transaction whose Anchored event recorded root in block.
	AnchorTx(ctx context.Context, root common.Hash, block uint64) (common.Hash, error)
	// Verify calls the registry's verify.
	Verify(ctx context.Context, root, leaf common.Hash, proof []common.Hash) (bool, error)
	// PendingTxs is how many of the sender's transactions are sent but not yet mined.
	PendingTxs(ctx context.Context) (uint64, error)
	// SendRegister and SendAnchor sign and send one transaction at the pending nonce
	// and return its hash without waiting for it.
	SendRegister(ctx context.Context, fps, refs []common.Hash) (common.Hash, error)
	SendAnchor(ctx context.Context, root common.Hash, count int) (common.Hash, error)
	// Receipt waits until tx is mined and Depth blocks deep, and returns its receipt;
	// a reverted transaction is an error wrapping ErrReverted.
	Receipt(ctx context.Context, tx common.Hash) (*types.Receipt, error)
	// Persist makes the blocks seen so far survive a crash of this process before the
	// matcher records an outcome that rests on them. The embedded chain syncs its
	// database (go-ethereum writes asynchronously and a kill -9 loses its last blocks);
	// an external chain is the node's business and Depth's, so RPC does nothing.
	Persist(ctx context.Context) error
	Close() error
}

var (
	// ErrReverted: a transaction was mined but failed (receipt status 0); it still cost gas.
	ErrReverted = errors.New("ledger: transaction reverted")
	// ErrNoKey: the backend was opened read-only and cannot send.
	ErrNoKey = errors.New("ledger: no sender key")
)

// Limits of chain I/O.
const (
	refsPerBatch = 100 // eth_calls per JSON-RPC batch; geth accepts 1,000 by default
	// pollMin is the first wait between receipt polls; it doubles up to the backend's
	// pollMax (an embedded chain mines in milliseconds, a remote one in seconds).
	pollMin = 5 * time.Millisecond
)

// chain is what Embedded and RPC share: an ethclient over some transport, the
// registry's bindings and the sender's key.
type chain struct {
	client   *ethclient.Client
	rpc      *rpc.Client
	chainID  *big.Int
	registry common.Address
	reg      *contracts.ScfxRegistry
	bound    *bind.BoundContract
	key      *ecdsa.PrivateKey // nil: read-only
	sender   common.Address
	depth    uint64
	pollMax  time.Duration
	// heads, if set (the embedded chain), signals each new head block until stop is
	// called: a receipt wait then wakes when its block is made instead of at the next
	// poll, which on a chain that seals on demand is most of confirm→financeable.
	heads func() (wake <-chan struct{}, stop func())

	sendMu sync.Mutex // one transaction signed and sent at a time: nonces never collide
}

// newChain binds to the chain behind rc. key may be nil for a read-only chain; the
// registry may be zero until deploy or bind sets it.
func newChain(ctx context.Context, rc *rpc.Client, key *ecdsa.PrivateKey, depth uint64, pollMax time.Duration) (*chain, error) {
	c := &chain{client: ethclient.NewClient(rc), rpc: rc, reg: contracts.NewScfxRegistry(), key: key, depth: depth, pollMax: pollMax}
	id, err := c.client.ChainID(ctx)
	if err != nil {
		return nil, fmt.Errorf("ledger: chain id: %w", err)
	}
	if !id.IsUint64() || id.Sign() == 0 {
		return nil, fmt.Errorf("ledger: chain id %s is not a positive uint64", id)
	}
	c.chainID = id
	if key != nil {
		c.sender = crypto.PubkeyToAddress(key.PublicKey)
	}
	return c, nil
}

// bind points the chain at a registry after checking there is code at its address.
func (c *chain) bindRegistry(ctx context.Context, addr common.Address) error {
	code, err := c.client.CodeAt(ctx, addr, nil)
	if err != nil {
		return fmt.Errorf("ledger: code at registry %s: %w", addr.Hex(), err)
	}
	if len(code) == 0 {
		return fmt.Errorf("ledger: no contract at registry %s on chain %s", addr.Hex(), c.chainID)
	}
	c.registry = addr
	c.bound = c.reg.Instance(c.client, addr)
	return nil
}

// deployRegistry deploys a registry whose admin (and only registrar and anchorer) is
// the sender, with contracts.DefaultAdminDelay for handing the admin role on, waits
// for it and binds to it.
func (c *chain) deployRegistry(ctx context.Context) (common.Address, error) {
	if c.key == nil {
		return common.Address{}, ErrNoKey
	}
	c.sendMu.Lock()
	opts := c.opts(ctx)
	addr, tx, err := contracts.DeployRegistry(opts, c.client, c.sender, contracts.DefaultAdminDelay)
	c.sendMu.Unlock()
	if err != nil {
		return common.Address{}, fmt.Errorf("ledger: deploy registry: %w", describeRevert(err))
	}
	r, err := c.Receipt(ctx, tx.Hash())
	if err != nil {
		return common.Address{}, fmt.Errorf("ledger: deploy registry: %w", err)
	}
	if r.ContractAddress != addr {
		return common.Address{}, fmt.Errorf("ledger: deploy registry: receipt names %s, want %s", r.ContractAddress.Hex(), addr.Hex())
	}
	return addr, c.bindRegistry(ctx, addr)
}

func (c *chain) opts(ctx context.Context) *bind.TransactOpts {
	opts := bind.NewKeyedTransactor(c.key, c.chainID)
	opts.Context = ctx
	return opts
}

func (c *chain) ChainID() uint64          { return c.chainID.Uint64() }
func (c *chain) Registry() common.Address { return c.registry }
func (c *chain) Sender() common.Address   { return c.sender }
func (c *chain) Depth() uint64            { return c.depth }

// Client is the ethclient the backend uses, for tools and tests (funding accounts,
// reading blocks).
func (c *chain) Client() *ethclient.Client { return c.client }

func (c *chain) Head(ctx context.Context) (uint64, error) {
	n, err := c.client.BlockNumber(ctx)
	if err != nil {
		return 0, fmt.Errorf("ledger: head block: %w", err)
	}
	return n, nil
}

func (c *chain) RefsOf(ctx context.Context, fps []common.Hash, depth uint64) ([]common.Hash, error) {
	block := "latest"
	if depth > 0 {
		head, err := c.Head(ctx)
		if err != nil {
			return nil, err
		}
		block = hexutil.EncodeUint64(head - min(head, depth))
	}
	out := make([]common.Hash, len(fps))
	for start := 0; start < len(fps); start += refsPerBatch {
		if err := c.refsBatch(ctx, fps[start:min(start+refsPerBatch, len(fps))], block, out[start:]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// refsBatch reads refOf for fps in one JSON-RPC batch: 500 sequential calls to a remote
// node would take seconds.
func (c *chain) refsBatch(ctx context.Context, fps []common.Hash, block string, out []common.Hash) error {
	type callArg struct {
		To   common.Address `json:"to"`
		Data hexutil.Bytes  `json:"input"`
	}
	results := make([]hexutil.Bytes, len(fps))
	batch := make([]rpc.BatchElem, len(fps))
	for i, fp := range fps {
		batch[i] = rpc.BatchElem{
			Method: "eth_call",
			Args:   []any{callArg{To: c.registry, Data: c.reg.PackRefOf(fp)}, block},
			Result: &results[i],
		}
	}
	if err := c.rpc.BatchCallContext(ctx, batch); err != nil {
		return fmt.Errorf("ledger: refOf: %w", err)
	}
	for i, el := range batch {
		if el.Error != nil {
			return fmt.Errorf("ledger: refOf(%s): %w", fps[i].Hex(), el.Error)
		}
		ref, err := c.reg.UnpackRefOf(results[i])
		if err != nil {
			return fmt.Errorf("ledger: refOf(%s): %w", fps[i].Hex(), err)
		}
		out[i] = ref
	}
	return nil
}

func (c *chain) AnchoredAt(ctx context.Context, root common.Hash) (uint64, error) {
	b, err := bind.Call(c.bound, &bind.CallOpts{Context: ctx}, c.reg.PackAnchoredAt(root), c.reg.UnpackAnchoredAt)
	if err != nil {
		return 0, fmt.Errorf("ledger: anchoredAt(%s): %w", root.Hex(), describeRevert(err))
	}
	if !b.IsUint64() {
		return 0, fmt.Errorf("ledger: anchoredAt(%s) = %s, not a block number", root.Hex(), b)
	}
	return b.Uint64(), nil
}

func (c *chain) AnchorTx(ctx context.Context, root common.Hash, block uint64) (common.Hash, error) {
	n := new(big.Int).SetUint64(block)
	logs, err := c.client.FilterLogs(ctx, ethereum.FilterQuery{
		FromBlock: n, ToBlock: n, Addresses: []common.Address{c.registry},
		Topics: [][]common.Hash{{c.reg.GetABI().Events["Anchored"].ID}, {root}},
	})
	if err != nil {
		return common.Hash{}, fmt.Errorf("ledger: Anchored(%s) logs in block %d: %w", root.Hex(), block, err)
	}
	for _, l := range logs {
		if !l.Removed {
			return l.TxHash, nil
		}
	}
	return common.Hash{}, fmt.Errorf("ledger: no Anchored(%s) event in block %d", root.Hex(), block)
}

func (c *chain) Verify(ctx context.Context, root, leaf common.Hash, proof []common.Hash) (bool, error) {
	ok, err := bind.Call(c.bound, &bind.CallOpts{Context: ctx}, c.reg.PackVerify(root, leaf, words(proof)), c.reg.UnpackVerify)
	if err != nil {
		return false, fmt.Errorf("ledger: verify: %w", describeRevert(err))
	}
	return ok, nil
}

func (c *chain) PendingTxs(ctx context.Context) (uint64, error) {
	pending, err := c.client.PendingNonceAt(ctx, c.sender)
	if err != nil {
		return 0, fmt.Errorf("ledger: pending nonce: %w", err)
	}
	mined, err := c.client.NonceAt(ctx, c.sender, nil)
	if err != nil {
		return 0, fmt.Errorf("ledger: nonce: %w", err)
	}
	return pending - min(pending, mined), nil
}

func (c *chain) SendRegister(ctx context.Context, fps, refs []common.Hash) (common.Hash, error) {
	if len(fps) != len(refs) || len(fps) == 0 || len(fps) > contracts.MaxRegisterBatch {
		return common.Hash{}, fmt.Errorf("ledger: register %d fingerprints with %d refs: want 1 to %d of each", len(fps), len(refs), contracts.MaxRegisterBatch)
	}
	return c.send(ctx, "register", c.reg.PackRegister(words(fps), words(refs)))
}

func (c *chain) SendAnchor(ctx context.Context, root common.Hash, count int) (common.Hash, error) {
	if count <= 0 || uint64(count) > uint64(^uint32(0)) {
		return common.Hash{}, fmt.Errorf("ledger: anchor %d leaves: want 1 to 2^32-1", count)
	}
	return c.send(ctx, "anchor", c.reg.PackAnchor(root, uint32(count)))
}

// send signs data to the registry at the pending nonce and sends it. The lock keeps
// two sends of this process from reading the same pending nonce; the anchorer sends
// only when nothing of ours is pending, so no nonce is ever used twice.
func (c *chain) send(ctx context.Context, op string, data []byte) (common.Hash, error) {
	if c.key == nil {
		return common.Hash{}, ErrNoKey
	}
	c.sendMu.Lock()
	defer c.sendMu.Unlock()
	nonce, err := c.client.PendingNonceAt(ctx, c.sender)
	if err != nil {
		return common.Hash{}, fmt.Errorf("ledger: %s: pending nonce: %w", op, err)
	}
	opts := c.opts(ctx)
	opts.Nonce = new(big.Int).SetUint64(nonce)
	tx, err := bind.Transact(c.bound, opts, data)
	if err != nil {
		return common.Hash{}, fmt.Errorf("ledger: %s: %w", op, describeRevert(err))
	}
	return tx.Hash(), nil
}

func (c *chain) Receipt(ctx context.Context, tx common.Hash) (*types.Receipt, error) {
	wait := pollMin
	var newHead <-chan struct{}
	if c.heads != nil {
		var stop func()
		newHead, stop = c.heads()
		defer stop()
	}
	for {
		r, err := c.client.TransactionReceipt(ctx, tx)
		switch {
		case err == nil:
			done, err := c.deepEnough(ctx, r)
			if err != nil || done {
				return r, err
			}
		case !receiptNotYet(err):
			return nil, fmt.Errorf("ledger: receipt of %s: %w", tx.Hex(), err)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("ledger: waiting for %s: %w", tx.Hex(), ctx.Err())
		case <-newHead: // nil without heads: never ready
		case <-t.C:
		}
		t.Stop()
		wait = min(2*wait, c.pollMax)
	}
}

// txIndexingMsg is go-ethereum's answer for a receipt while it is still indexing
// transactions (internal/ethapi.TxIndexingError, which we cannot import): ask again.
const txIndexingMsg = "transaction indexing is in progress"

// receiptNotYet reports whether a receipt lookup failed only because the receipt is
// not available yet.
func receiptNotYet(err error) bool {
	return errors.Is(err, ethereum.NotFound) || strings.Contains(err.Error(), txIndexingMsg)
}

// deepEnough checks r's status and whether Depth blocks are on top of it in the
// canonical chain. A receipt from a block that was reorganised away is not done, and
// neither is one from a block that is not the head's yet: go-ethereum can serve a
// receipt a moment before "latest" moves to its block, and the anchorer's next reads
// of the registry must see it.
func (c *chain) deepEnough(ctx context.Context, r *types.Receipt) (bool, error) {
	if r.Status != types.ReceiptStatusSuccessful {
		return true, fmt.Errorf("%w: %s in block %d (gas used %d)", ErrReverted, r.TxHash.Hex(), r.BlockNumber, r.GasUsed)
	}
	head, err := c.Head(ctx)
	if err != nil {
		return false, err
	}
	if head < r.BlockNumber.Uint64()+c.depth {
		return false, nil
	}
	h, err := c.client.HeaderByNumber(ctx, r.BlockNumber)
	if err != nil {
		return false, fmt.Errorf("ledger: header %s: %w", r.BlockNumber, err)
	}
	return h.Hash() == r.BlockHash, nil
}

func (c *chain) Persist(context.Context) error { return nil }

func (c *chain) Close() error {
	c.client.Close()
	return nil
}

// GrantPlatform gives account the registrar and anchorer roles, so that another
// platform's operator can share this registry. Only the registry's admin (the account
// that deployed it) may.
func (c *chain) GrantPlatform(ctx context.Context, account common.Address) error {
	for _, role := range []common.Hash{contracts.RegistrarRole, contracts.AnchorerRole} {
		tx, err := c.send(ctx, "grantRole", c.reg.PackGrantRole(role, account))
		if err != nil {
			return err
		}
		if _, err := c.Receipt(ctx, tx); err != nil {
			return fmt.Errorf("ledger: grantRole: %w", err)
		}
	}
	return nil
}

// describeRevert turns a node's revert of a registry call into an error naming the
// registry's custom error (ScfxUnauthorizedAnchorer and the like); other errors pass.
func describeRevert(err error) error {
	if custom, ok := contracts.RevertError(err); ok {
		return fmt.Errorf("reverted with %T%+v: %w", custom, custom, err)
	}
	return err
}

func words(hs []common.Hash) [][32]byte {
	out := make([][32]byte, len(hs))
	for i, h := range hs {
		out[i] = h
	}
	return out
}
