// SPDX-License-Identifier: Apache-2.0

package contracts_test

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/params/forks"

	"github.com/scfx/scfx/contracts"
)

// simChainID is the chain id the simulated backend always uses.
const simChainID = 1337

// releasedChainConfig returns the simulated backend's dev config cut back to a
// released fork. The dev config also turns on experimental forks (Bogota prices
// storage about 4x mainnet), so gas measured on it says nothing about a real chain.
func releasedChainConfig(fork forks.Fork) *params.ChainConfig {
	cfg := *params.AllDevChainProtocolChanges
	cfg.BPO1Time, cfg.BPO2Time, cfg.BPO3Time, cfg.BPO4Time, cfg.BPO5Time = nil, nil, nil, nil, nil
	cfg.AmsterdamTime, cfg.BogotaTime, cfg.UBTTime = nil, nil, nil
	switch fork {
	case forks.Osaka:
	case forks.Prague:
		cfg.OsakaTime = nil
	default:
		panic(fmt.Sprintf("releasedChainConfig: unsupported fork %v", fork))
	}
	return &cfg
}

type account struct {
	key  *ecdsa.PrivateKey
	addr common.Address
}

func newAccount(t testing.TB) account {
	t.Helper()
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatalf("GenerateKey: %v", err)
	}
	return account{key: key, addr: crypto.PubkeyToAddress(key.PublicKey)}
}

// env is one simulated chain with a registry shared by two platforms: platformA
// deployed it and holds every role, platformB was granted REGISTRAR_ROLE only.
type env struct {
	t         testing.TB
	ctx       context.Context
	sim       *simulated.Backend
	client    simulated.Client
	reg       *contracts.ScfxRegistry
	registry  *bind.BoundContract
	platformA account
	platformB account
	outsider  account
}

// newEnv starts a chain on fork (forks.Osaka, forks.Prague), or on the simulated
// backend's unmodified dev config when fork is nil.
func newEnv(t testing.TB, fork *forks.Fork) *env {
	t.Helper()
	e := &env{
		t:         t,
		ctx:       context.Background(),
		reg:       contracts.NewScfxRegistry(),
		platformA: newAccount(t),
		platformB: newAccount(t),
		outsider:  newAccount(t),
	}
	funds := new(big.Int).Mul(big.NewInt(1000), big.NewInt(params.Ether))
	alloc := types.GenesisAlloc{}
	for _, a := range []account{e.platformA, e.platformB, e.outsider} {
		alloc[a.addr] = types.Account{Balance: funds}
	}
	var opts []func(*node.Config, *ethconfig.Config)
	if fork != nil {
		cfg := releasedChainConfig(*fork)
		opts = append(opts, func(_ *node.Config, ec *ethconfig.Config) { ec.Genesis.Config = cfg })
	}
	e.sim = simulated.NewBackend(alloc, opts...)
	t.Cleanup(func() { e.sim.Close() })
	e.client = e.sim.Client()

	if fork != nil {
		head, err := e.client.HeaderByNumber(e.ctx, nil)
		if err != nil {
			t.Fatalf("HeaderByNumber: %v", err)
		}
		if got := releasedChainConfig(*fork).LatestFork(head.Time); got != *fork {
			t.Fatalf("chain runs %v, want %v", got, *fork)
		}
	}

	addr, tx, err := contracts.DeployRegistry(e.opts(e.platformA), e.client, e.platformA.addr, contracts.DefaultAdminDelay)
	if err != nil {
		t.Fatalf("DeployRegistry: %v", err)
	}
	e.sim.Commit()
	e.receipt(tx)
	e.registry = e.reg.Instance(e.client, addr)
	e.send(e.platformA, e.reg.PackGrantRole(contracts.RegistrarRole, e.platformB.addr))
	return e
}

func (e *env) opts(from account) *bind.TransactOpts {
	opts := bind.NewKeyedTransactor(from.key, big.NewInt(simChainID))
	opts.Context = e.ctx
	return opts
}

// receipt returns the receipt of a mined transaction and fails the test unless it
// succeeded: a reverted transaction is mined too, and still costs gas.
func (e *env) receipt(tx *types.Transaction) *types.Receipt {
	e.t.Helper()
	r, err := e.client.TransactionReceipt(e.ctx, tx.Hash())
	if err != nil {
		e.t.Fatalf("TransactionReceipt(%s): %v", tx.Hash(), err)
	}
	if r.Status != types.ReceiptStatusSuccessful {
		e.t.Fatalf("transaction %s: status %d, want %d", tx.Hash(), r.Status, types.ReceiptStatusSuccessful)
	}
	return r
}

// send sends calldata to the registry from an account, mines it and returns its
// successful receipt.
func (e *env) send(from account, data []byte) *types.Receipt {
	e.t.Helper()
	tx, err := bind.Transact(e.registry, e.opts(from), data)
	if err != nil {
		e.t.Fatalf("Transact: %v", err)
	}
	e.sim.Commit()
	return e.receipt(tx)
}

// sendFailing mines calldata that reverts, with a fixed gas limit so that the node
// cannot refuse it at gas estimation, and returns its (failed) receipt.
func (e *env) sendFailing(from account, data []byte) *types.Receipt {
	e.t.Helper()
	opts := e.opts(from)
	opts.GasLimit = 1_000_000
	tx, err := bind.Transact(e.registry, opts, data)
	if err != nil {
		e.t.Fatalf("Transact: %v", err)
	}
	e.sim.Commit()
	r, err := e.client.TransactionReceipt(e.ctx, tx.Hash())
	if err != nil {
		e.t.Fatalf("TransactionReceipt(%s): %v", tx.Hash(), err)
	}
	if r.Status != types.ReceiptStatusFailed {
		e.t.Fatalf("transaction %s: status %d, want %d", tx.Hash(), r.Status, types.ReceiptStatusFailed)
	}
	return r
}

// revert sends calldata that the registry must refuse and returns the custom error
// the node reported when it estimated the transaction's gas.
func (e *env) revert(from account, data []byte) any {
	e.t.Helper()
	tx, err := bind.Transact(e.registry, e.opts(from), data)
	if err == nil {
		e.sim.Commit()
		e.t.Fatalf("Transact succeeded (tx %s), want a revert", tx.Hash())
	}
	custom, ok := contracts.RevertError(err)
	if !ok {
		e.t.Fatalf("Transact: %v, want a registry custom error", err)
	}
	return custom
}

func (e *env) refOf(fingerprint common.Hash) common.Hash {
	e.t.Helper()
	ref, err := bind.Call(e.registry, nil, e.reg.PackRefOf(fingerprint), e.reg.UnpackRefOf)
	if err != nil {
		e.t.Fatalf("refOf: %v", err)
	}
	return ref
}

func (e *env) anchoredAt(root common.Hash) uint64 {
	e.t.Helper()
	block, err := bind.Call(e.registry, nil, e.reg.PackAnchoredAt(root), e.reg.UnpackAnchoredAt)
	if err != nil {
		e.t.Fatalf("anchoredAt: %v", err)
	}
	return block.Uint64()
}

func (e *env) verify(root, leaf common.Hash, proof []common.Hash) bool {
	e.t.Helper()
	ok, err := bind.Call(e.registry, nil, e.reg.PackVerify(root, leaf, hashes32(proof)), e.reg.UnpackVerify)
	if err != nil {
		e.t.Fatalf("verify: %v", err)
	}
	return ok
}

// event is a registry event in a form that tests can compare.
type event struct {
	Name  string
	Key   common.Hash // fingerprint or root
	Value common.Hash // ref, existing ref or count
}

func (e *env) events(r *types.Receipt) []event {
	e.t.Helper()
	var out []event
	for _, log := range r.Logs {
		if reg, err := e.reg.UnpackRegisteredEvent(log); err == nil {
			out = append(out, event{"Registered", reg.Fingerprint, reg.Ref})
		} else if dup, err := e.reg.UnpackDuplicateEvent(log); err == nil {
			out = append(out, event{"Duplicate", dup.Fingerprint, dup.ExistingRef})
		} else if anc, err := e.reg.UnpackAnchoredEvent(log); err == nil {
			out = append(out, event{"Anchored", anc.Root, common.BigToHash(big.NewInt(int64(anc.Count)))})
		} else {
			e.t.Fatalf("unexpected log with topics %v", log.Topics)
		}
	}
	return out
}

func hashes32(hs []common.Hash) [][32]byte {
	out := make([][32]byte, len(hs))
	for i, h := range hs {
		out[i] = h
	}
	return out
}

func label(s string) common.Hash { return crypto.Keccak256Hash([]byte(s)) }

// randomHashes returns n random non-zero hashes.
func randomHashes(rng *rand.Rand, n int) []common.Hash {
	out := make([]common.Hash, n)
	for i := range out {
		for j := 0; j < common.HashLength; j += 8 {
			v := rng.Uint64() | 1
			for k := range 8 {
				out[i][j+k] = byte(v >> (8 * k))
			}
		}
	}
	return out
}

func wantEvents(t *testing.T, what string, got, want []event) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: events = %v, want %v", what, got, want)
	}
}

func wantRevert[T any](t *testing.T, what string, got any, want *T) {
	t.Helper()
	typed, ok := got.(*T)
	if !ok {
		t.Errorf("%s: reverted with %T %+v, want %T", what, got, got, want)
		return
	}
	if !reflect.DeepEqual(typed, want) {
		t.Errorf("%s: reverted with %+v, want %+v", what, typed, want)
	}
}

var osaka = forks.Osaka

// merkleTree is a sorted-pair keccak256 Merkle tree written here, apart from the
// production code, as OpenZeppelin's MerkleProof expects: a pair is hashed smaller
// first; an odd node at the end of a level moves up unchanged.
type merkleTree struct {
	levels [][]common.Hash // levels[0] are the leaves; the last level is the root
}

func newMerkleTree(leaves []common.Hash) merkleTree {
	levels := [][]common.Hash{leaves}
	for level := leaves; len(level) > 1; {
		next := make([]common.Hash, 0, (len(level)+1)/2)
		for i := 0; i < len(level); i += 2 {
			if i+1 == len(level) {
				next = append(next, level[i])
				continue
			}
			next = append(next, hashPair(level[i], level[i+1]))
		}
		levels = append(levels, next)
		level = next
	}
	return merkleTree{levels: levels}
}

func hashPair(a, b common.Hash) common.Hash {
	if string(b[:]) < string(a[:]) {
		a, b = b, a
	}
	return crypto.Keccak256Hash(a[:], b[:])
}

func (m merkleTree) root() common.Hash { return m.levels[len(m.levels)-1][0] }

func (m merkleTree) proof(i int) []common.Hash {
	var proof []common.Hash
	for _, level := range m.levels[:len(m.levels)-1] {
		if sibling := i ^ 1; sibling < len(level) {
			proof = append(proof, level[sibling])
		}
		i /= 2
	}
	return proof
}
