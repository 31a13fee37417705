// SPDX-License-Identifier: Apache-2.0

// Package contracts holds the scfx registry contract (contracts/README.md): its Solidity
// source, the ABI and bytecode compiled by a pinned solc, and the abigen v2 bindings.
// build.sh regenerates build/ and registry_bindings.go from scratch; check.sh fails
// when the committed copies have drifted from the source.
package contracts

import (
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
)

// MaxRegisterBatch is the most fingerprints one register call takes
// (ScfxRegistry.MAX_REGISTER_BATCH): Osaka caps a transaction at 2^24 gas.
const MaxRegisterBatch = 500

// DefaultAdminDelay is the admin-transfer delay the ledger deploys a registry with:
// a transfer begun by the admin can be accepted by the new admin this long after it
// began, and can be cancelled until then (contracts/README.md, "Roles and the admin").
const DefaultAdminDelay = 24 * time.Hour

// Roles of the registry's AccessControl, as the contract computes them.
var (
	DefaultAdminRole = common.Hash{}                                  // DEFAULT_ADMIN_ROLE: grants and revokes roles; one holder, the default admin
	RegistrarRole    = crypto.Keccak256Hash([]byte("REGISTRAR_ROLE")) // may call register
	AnchorerRole     = crypto.Keccak256Hash([]byte("ANCHORER_ROLE"))  // may call anchor
)

// DeployRegistry sends the transaction that creates a registry whose admin holds
// every role; handing the admin role to another account takes adminDelay (whole
// seconds) between the admin's begin and the new admin's accept. It does not wait
// for the transaction to be mined: wait with bind.WaitDeployed and check the receipt.
func DeployRegistry(auth *bind.TransactOpts, backend bind.ContractBackend, admin common.Address, adminDelay time.Duration) (common.Address, *types.Transaction, error) {
	// The constructor would revert on a zero admin; fail before spending gas on it. The
	// contract holds the delay as a uint48 of seconds: a negative Duration or a fraction
	// of a second has no such value (every other Duration fits).
	if admin == (common.Address{}) {
		return common.Address{}, nil, errors.New("deploy registry: zero admin address")
	}
	if adminDelay < 0 || adminDelay%time.Second != 0 {
		return common.Address{}, nil, fmt.Errorf("deploy registry: admin delay %v: want whole seconds, not negative", adminDelay)
	}
	code := common.FromHex(ScfxRegistryMetaData.Bin)
	delay := big.NewInt(int64(adminDelay / time.Second))
	return bind.DeployContract(auth, code, backend, NewScfxRegistry().PackConstructor(admin, delay))
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
