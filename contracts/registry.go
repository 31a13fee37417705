// SPDX-License-Identifier: Apache-2.0

// Package contracts holds the scfx registry contract (contracts/README.md): its Solidity
// source, the ABI and bytecode compiled by a pinned solc, and the abigen v2 bindings.
// build.sh regenerates build/ and registry_bindings.go from scratch; check.sh fails
// when the committed copies have drifted from the source.
package contracts

import (
	"errors"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
)

// MaxRegisterBatch is the most fingerprints one register call takes
// (ScfxRegistry.MAX_REGISTER_BATCH): Osaka caps a transaction at 2^24 gas.
const MaxRegisterBatch = 500

// Roles of the registry's AccessControl, as the contract computes them.
var (
	DefaultAdminRole = common.Hash{}                                  // DEFAULT_ADMIN_ROLE: grants and revokes roles
	RegistrarRole    = crypto.Keccak256Hash([]byte("REGISTRAR_ROLE")) // may call register
	AnchorerRole     = crypto.Keccak256Hash([]byte("ANCHORER_ROLE"))  // may call anchor
)

// DeployRegistry sends the transaction that creates a registry whose admin holds
// every role. It does not wait for it to be mined: wait with bind.WaitDeployed and
// check the receipt.
func DeployRegistry(auth *bind.TransactOpts, backend bind.ContractBackend, admin common.Address) (common.Address, *types.Transaction, error) {
	if admin == (common.Address{}) {
		// The constructor would revert; fail before spending gas on it.
		return common.Address{}, nil, errors.New("deploy registry: zero admin address")
	}
	code := common.FromHex(ScfxRegistryMetaData.Bin)
	return bind.DeployContract(auth, code, backend, NewScfxRegistry().PackConstructor(admin))
}

// RevertError returns the registry's custom error carried by err, such as
// *ScfxRegistryScfxUnauthorizedAnchorer, when err comes from a call or a gas estimate
// that a Geth-compatible node reverted; ok is false for any other error.
func RevertError(err error) (custom any, ok bool) {
	data, ok := ethclient.RevertErrorData(err)
	if !ok || len(data) < 4 {
		// The generated UnpackError slices data[:4] without a check.
		return nil, false
	}
	custom, uerr := NewScfxRegistry().UnpackError(data)
	if uerr != nil {
		return nil, false
	}
	return custom, true
}
