// SPDX-License-Identifier: Apache-2.0

// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package contracts

import (
	"bytes"
	"errors"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Reference imports to suppress errors if they are not otherwise used.
var (
	_ = bytes.Equal
	_ = errors.New
	_ = big.NewInt
	_ = common.Big1
	_ = types.BloomLookup
	_ = abi.ConvertType
)

// ScfxRegistryMetaData contains all meta data concerning the ScfxRegistry contract.
var ScfxRegistryMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"address\",\"name\":\"admin\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[],\"name\":\"AccessControlBadConfirmation\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"neededRole\",\"type\":\"bytes32\"}],\"name\":\"AccessControlUnauthorizedAccount\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"size\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"max\",\"type\":\"uint256\"}],\"name\":\"ScfxBatchTooLarge\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ScfxEmptyBatch\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"fingerprints\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"refs\",\"type\":\"uint256\"}],\"name\":\"ScfxLengthMismatch\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"ScfxUnauthorizedAnchorer\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"ScfxUnauthorizedRegistrar\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ScfxZeroAdmin\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ScfxZeroCount\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"index\",\"type\":\"uint256\"}],\"name\":\"ScfxZeroFingerprint\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"index\",\"type\":\"uint256\"}],\"name\":\"ScfxZeroRef\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ScfxZeroRoot\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint32\",\"name\":\"count\",\"type\":\"uint32\"}],\"name\":\"Anchored\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"fingerprint\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"existingRef\",\"type\":\"bytes32\"}],\"name\":\"Duplicate\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"fingerprint\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"ref\",\"type\":\"bytes32\"}],\"name\":\"Registered\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"role\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"previousAdminRole\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"newAdminRole\",\"type\":\"bytes32\"}],\"name\":\"RoleAdminChanged\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"role\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"}],\"name\":\"RoleGranted\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"role\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"}],\"name\":\"RoleRevoked\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"ANCHORER_ROLE\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"DEFAULT_ADMIN_ROLE\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"MAX_REGISTER_BATCH\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"REGISTRAR_ROLE\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"internalType\":\"uint32\",\"name\":\"count\",\"type\":\"uint32\"}],\"name\":\"anchor\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"}],\"name\":\"anchoredAt\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"blockNumber\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"role\",\"type\":\"bytes32\"}],\"name\":\"getRoleAdmin\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"role\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"grantRole\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"role\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"hasRole\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"fingerprint\",\"type\":\"bytes32\"}],\"name\":\"refOf\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32[]\",\"name\":\"fingerprints\",\"type\":\"bytes32[]\"},{\"internalType\":\"bytes32[]\",\"name\":\"refs\",\"type\":\"bytes32[]\"}],\"name\":\"register\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"role\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"callerConfirmation\",\"type\":\"address\"}],\"name\":\"renounceRole\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"role\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"revokeRole\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes4\",\"name\":\"interfaceId\",\"type\":\"bytes4\"}],\"name\":\"supportsInterface\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"leaf\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32[]\",\"name\":\"proof\",\"type\":\"bytes32[]\"}],\"name\":\"verify\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"pure\",\"type\":\"function\"}]",
	ID:  "ScfxRegistry",
	Bin: "0x608060405234801561000f575f5ffd5b50604051610b3f380380610b3f83398101604081905261002e91610165565b6001600160a01b03811661005557604051638785011760e01b815260040160405180910390fd5b61005f5f826100bc565b5061008a7fedcc084d3dcd65a1f7f23c65c46722faca6953d28e43150a467cf43e5c309238826100bc565b506100b57f4b3e6527f1b0d33beb6c20e3c362af276f03c4526b5f8b6d118672f0d75a60eb826100bc565b5050610192565b5f828152602081815260408083206001600160a01b038516845290915281205460ff1661015c575f838152602081815260408083206001600160a01b03861684529091529020805460ff191660011790556101143390565b6001600160a01b0316826001600160a01b0316847f2f8788117e7eff1d82e926ec794901d17c78024a50270940304540a733656f0d60405160405180910390a450600161015f565b505f5b92915050565b5f60208284031215610175575f5ffd5b81516001600160a01b038116811461018b575f5ffd5b9392505050565b6109a08061019f5f395ff3fe608060405234801561000f575f5ffd5b50600436106100f0575f3560e01c806391d1485411610093578063d547741f11610063578063d547741f14610203578063e4c8e89214610216578063f359606b14610229578063f68e955314610248575f5ffd5b806391d14854146101c15780639591a610146101d45780639698dac0146101f3578063a217fddf146101fc575f5ffd5b80633423e548116100ce5780633423e5481461016157806336568abe1461017457806347489de4146101875780637cfd9a511461019a575f5ffd5b806301ffc9a7146100f4578063248a9ca31461011c5780632f2ff15d1461014c575b5f5ffd5b6101076101023660046107c9565b61026f565b60405190151581526020015b60405180910390f35b61013e61012a3660046107f0565b5f9081526020819052604090206001015490565b604051908152602001610113565b61015f61015a366004610807565b6102a5565b005b61010761016f366004610888565b6102cf565b61015f610182366004610807565b6102e5565b61015f6101953660046108d7565b61031d565b61013e7f4b3e6527f1b0d33beb6c20e3c362af276f03c4526b5f8b6d118672f0d75a60eb81565b6101076101cf366004610807565b610414565b61013e6101e23660046107f0565b5f9081526002602052604090205490565b61013e6101f481565b61013e5f81565b61015f610211366004610807565b61043c565b61015f610224366004610902565b610460565b61013e6102373660046107f0565b5f9081526001602052604090205490565b61013e7fedcc084d3dcd65a1f7f23c65c46722faca6953d28e43150a467cf43e5c30923881565b5f6001600160e01b03198216637965db0b60e01b148061029f57506301ffc9a760e01b6001600160e01b03198316145b92915050565b5f828152602081905260409020600101546102bf81610604565b6102c98383610611565b50505050565b5f6102dc838387876106a0565b95945050505050565b6001600160a01b038116331461030e5760405163334bd91960e11b815260040160405180910390fd5b61031882826106b7565b505050565b6103477f4b3e6527f1b0d33beb6c20e3c362af276f03c4526b5f8b6d118672f0d75a60eb33610414565b61036b57604051631d2cfdcd60e11b81523360048201526024015b60405180910390fd5b81610389576040516304232c5560e21b815260040160405180910390fd5b8063ffffffff165f036103af5760405163e7d48a5960e01b815260040160405180910390fd5b5f828152600260205260408120549003610410575f82815260026020908152604091829020439055905163ffffffff8316815283917f5598f81654a551570e944f92d10bea632541f1202d606a899598d9bbc4eb22ad910160405180910390a25b5050565b5f918252602082815260408084206001600160a01b0393909316845291905290205460ff1690565b5f8281526020819052604090206001015461045681610604565b6102c983836106b7565b61048a7fedcc084d3dcd65a1f7f23c65c46722faca6953d28e43150a467cf43e5c30923833610414565b6104a95760405163caa0987560e01b8152336004820152602401610362565b828181146104d45760405163be43429d60e01b81526004810182905260248101839052604401610362565b805f036104f457604051639267214d60e01b815260040160405180910390fd5b6101f481111561052257604051636359c7a360e11b8152600481018290526101f46024820152604401610362565b7f8828766b1a3f99eda4bad24a0979129565597036bac9a94cdccd1d1e6ef17eb27f57aa1e8d676a750c6f6c17beb7d53bbc0feeda4dd819381992be58e07ada1724632625efed60e01b633840a55d60e21b60015f5b868110156105f757600581901b89810135908c01358061059e57855f528260045260245ffd5b816105af57845f528260045260245ffd5b805f528360205260405f208054805f81146105da578482146105d557815f52838a60205fa25b6105e7565b848355845f52838b60205fa25b5050505050600181019050610578565b5050505050505050505050565b61060e8133610720565b50565b5f61061c8383610414565b610699575f838152602081815260408083206001600160a01b03861684529091529020805460ff191660011790556106513390565b6001600160a01b0316826001600160a01b0316847f2f8788117e7eff1d82e926ec794901d17c78024a50270940304540a733656f0d60405160405180910390a450600161029f565b505f61029f565b5f826106ad868685610759565b1495945050505050565b5f6106c28383610414565b15610699575f838152602081815260408083206001600160a01b0386168085529252808320805460ff1916905551339286917ff6391f5c32d9c69d2a47ea670b442974b53935d1edc7fd64eb21e047a839171b9190a450600161029f565b61072a8282610414565b6104105760405163e2517d3f60e01b81526001600160a01b038216600482015260248101839052604401610362565b5f81815b84811015610791576107878287878481811061077b5761077b610956565b9050602002013561079a565b915060010161075d565b50949350505050565b5f8183106107b4575f8281526020849052604090206107c2565b5f8381526020839052604090205b9392505050565b5f602082840312156107d9575f5ffd5b81356001600160e01b0319811681146107c2575f5ffd5b5f60208284031215610800575f5ffd5b5035919050565b5f5f60408385031215610818575f5ffd5b8235915060208301356001600160a01b0381168114610835575f5ffd5b809150509250929050565b5f5f83601f840112610850575f5ffd5b50813567ffffffffffffffff811115610867575f5ffd5b6020830191508360208260051b8501011115610881575f5ffd5b9250929050565b5f5f5f5f6060858703121561089b575f5ffd5b8435935060208501359250604085013567ffffffffffffffff8111156108bf575f5ffd5b6108cb87828801610840565b95989497509550505050565b5f5f604083850312156108e8575f5ffd5b82359150602083013563ffffffff81168114610835575f5ffd5b5f5f5f5f60408587031215610915575f5ffd5b843567ffffffffffffffff81111561092b575f5ffd5b61093787828801610840565b909550935050602085013567ffffffffffffffff8111156108bf575f5ffd5b634e487b7160e01b5f52603260045260245ffdfea264697066735822122053902f8d9fe5a4f25b5b6acbff8253a952503ac4157f6309e63ab188832614f064736f6c63430008250033",
}

// ScfxRegistry is an auto generated Go binding around an Ethereum contract.
type ScfxRegistry struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *ScfxRegistry) GetABI() abi.ABI {
	return c.abi
}

// NewScfxRegistry creates a new instance of ScfxRegistry.
func NewScfxRegistry() *ScfxRegistry {
	parsed, err := ScfxRegistryMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &ScfxRegistry{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *ScfxRegistry) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(address admin) returns()
func (scfxRegistry *ScfxRegistry) PackConstructor(admin common.Address) []byte {
	enc, err := scfxRegistry.abi.Pack("", admin)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackANCHORERROLE is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7cfd9a51.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function ANCHORER_ROLE() view returns(bytes32)
func (scfxRegistry *ScfxRegistry) PackANCHORERROLE() []byte {
	enc, err := scfxRegistry.abi.Pack("ANCHORER_ROLE")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackANCHORERROLE is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7cfd9a51.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function ANCHORER_ROLE() view returns(bytes32)
func (scfxRegistry *ScfxRegistry) TryPackANCHORERROLE() ([]byte, error) {
	return scfxRegistry.abi.Pack("ANCHORER_ROLE")
}

// UnpackANCHORERROLE is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x7cfd9a51.
//
// Solidity: function ANCHORER_ROLE() view returns(bytes32)
func (scfxRegistry *ScfxRegistry) UnpackANCHORERROLE(data []byte) ([32]byte, error) {
	out, err := scfxRegistry.abi.Unpack("ANCHORER_ROLE", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackDEFAULTADMINROLE is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa217fddf.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function DEFAULT_ADMIN_ROLE() view returns(bytes32)
func (scfxRegistry *ScfxRegistry) PackDEFAULTADMINROLE() []byte {
	enc, err := scfxRegistry.abi.Pack("DEFAULT_ADMIN_ROLE")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDEFAULTADMINROLE is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa217fddf.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function DEFAULT_ADMIN_ROLE() view returns(bytes32)
func (scfxRegistry *ScfxRegistry) TryPackDEFAULTADMINROLE() ([]byte, error) {
	return scfxRegistry.abi.Pack("DEFAULT_ADMIN_ROLE")
}

// UnpackDEFAULTADMINROLE is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xa217fddf.
//
// Solidity: function DEFAULT_ADMIN_ROLE() view returns(bytes32)
func (scfxRegistry *ScfxRegistry) UnpackDEFAULTADMINROLE(data []byte) ([32]byte, error) {
	out, err := scfxRegistry.abi.Unpack("DEFAULT_ADMIN_ROLE", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackMAXREGISTERBATCH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9698dac0.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_REGISTER_BATCH() view returns(uint256)
func (scfxRegistry *ScfxRegistry) PackMAXREGISTERBATCH() []byte {
	enc, err := scfxRegistry.abi.Pack("MAX_REGISTER_BATCH")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXREGISTERBATCH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9698dac0.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_REGISTER_BATCH() view returns(uint256)
func (scfxRegistry *ScfxRegistry) TryPackMAXREGISTERBATCH() ([]byte, error) {
	return scfxRegistry.abi.Pack("MAX_REGISTER_BATCH")
}

// UnpackMAXREGISTERBATCH is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x9698dac0.
//
// Solidity: function MAX_REGISTER_BATCH() view returns(uint256)
func (scfxRegistry *ScfxRegistry) UnpackMAXREGISTERBATCH(data []byte) (*big.Int, error) {
	out, err := scfxRegistry.abi.Unpack("MAX_REGISTER_BATCH", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackREGISTRARROLE is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf68e9553.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function REGISTRAR_ROLE() view returns(bytes32)
func (scfxRegistry *ScfxRegistry) PackREGISTRARROLE() []byte {
	enc, err := scfxRegistry.abi.Pack("REGISTRAR_ROLE")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackREGISTRARROLE is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf68e9553.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function REGISTRAR_ROLE() view returns(bytes32)
func (scfxRegistry *ScfxRegistry) TryPackREGISTRARROLE() ([]byte, error) {
	return scfxRegistry.abi.Pack("REGISTRAR_ROLE")
}

// UnpackREGISTRARROLE is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xf68e9553.
//
// Solidity: function REGISTRAR_ROLE() view returns(bytes32)
func (scfxRegistry *ScfxRegistry) UnpackREGISTRARROLE(data []byte) ([32]byte, error) {
	out, err := scfxRegistry.abi.Unpack("REGISTRAR_ROLE", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackAnchor is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x47489de4.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function anchor(bytes32 root, uint32 count) returns()
func (scfxRegistry *ScfxRegistry) PackAnchor(root [32]byte, count uint32) []byte {
	enc, err := scfxRegistry.abi.Pack("anchor", root, count)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAnchor is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x47489de4.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function anchor(bytes32 root, uint32 count) returns()
func (scfxRegistry *ScfxRegistry) TryPackAnchor(root [32]byte, count uint32) ([]byte, error) {
	return scfxRegistry.abi.Pack("anchor", root, count)
}

// PackAnchoredAt is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9591a610.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function anchoredAt(bytes32 root) view returns(uint256 blockNumber)
func (scfxRegistry *ScfxRegistry) PackAnchoredAt(root [32]byte) []byte {
	enc, err := scfxRegistry.abi.Pack("anchoredAt", root)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAnchoredAt is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9591a610.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function anchoredAt(bytes32 root) view returns(uint256 blockNumber)
func (scfxRegistry *ScfxRegistry) TryPackAnchoredAt(root [32]byte) ([]byte, error) {
	return scfxRegistry.abi.Pack("anchoredAt", root)
}

// UnpackAnchoredAt is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x9591a610.
//
// Solidity: function anchoredAt(bytes32 root) view returns(uint256 blockNumber)
func (scfxRegistry *ScfxRegistry) UnpackAnchoredAt(data []byte) (*big.Int, error) {
	out, err := scfxRegistry.abi.Unpack("anchoredAt", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackGetRoleAdmin is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x248a9ca3.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function getRoleAdmin(bytes32 role) view returns(bytes32)
func (scfxRegistry *ScfxRegistry) PackGetRoleAdmin(role [32]byte) []byte {
	enc, err := scfxRegistry.abi.Pack("getRoleAdmin", role)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGetRoleAdmin is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x248a9ca3.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function getRoleAdmin(bytes32 role) view returns(bytes32)
func (scfxRegistry *ScfxRegistry) TryPackGetRoleAdmin(role [32]byte) ([]byte, error) {
	return scfxRegistry.abi.Pack("getRoleAdmin", role)
}

// UnpackGetRoleAdmin is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x248a9ca3.
//
// Solidity: function getRoleAdmin(bytes32 role) view returns(bytes32)
func (scfxRegistry *ScfxRegistry) UnpackGetRoleAdmin(data []byte) ([32]byte, error) {
	out, err := scfxRegistry.abi.Unpack("getRoleAdmin", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackGrantRole is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2f2ff15d.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function grantRole(bytes32 role, address account) returns()
func (scfxRegistry *ScfxRegistry) PackGrantRole(role [32]byte, account common.Address) []byte {
	enc, err := scfxRegistry.abi.Pack("grantRole", role, account)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGrantRole is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2f2ff15d.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function grantRole(bytes32 role, address account) returns()
func (scfxRegistry *ScfxRegistry) TryPackGrantRole(role [32]byte, account common.Address) ([]byte, error) {
	return scfxRegistry.abi.Pack("grantRole", role, account)
}

// PackHasRole is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x91d14854.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function hasRole(bytes32 role, address account) view returns(bool)
func (scfxRegistry *ScfxRegistry) PackHasRole(role [32]byte, account common.Address) []byte {
	enc, err := scfxRegistry.abi.Pack("hasRole", role, account)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackHasRole is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x91d14854.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function hasRole(bytes32 role, address account) view returns(bool)
func (scfxRegistry *ScfxRegistry) TryPackHasRole(role [32]byte, account common.Address) ([]byte, error) {
	return scfxRegistry.abi.Pack("hasRole", role, account)
}

// UnpackHasRole is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x91d14854.
//
// Solidity: function hasRole(bytes32 role, address account) view returns(bool)
func (scfxRegistry *ScfxRegistry) UnpackHasRole(data []byte) (bool, error) {
	out, err := scfxRegistry.abi.Unpack("hasRole", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackRefOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf359606b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function refOf(bytes32 fingerprint) view returns(bytes32)
func (scfxRegistry *ScfxRegistry) PackRefOf(fingerprint [32]byte) []byte {
	enc, err := scfxRegistry.abi.Pack("refOf", fingerprint)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRefOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf359606b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function refOf(bytes32 fingerprint) view returns(bytes32)
func (scfxRegistry *ScfxRegistry) TryPackRefOf(fingerprint [32]byte) ([]byte, error) {
	return scfxRegistry.abi.Pack("refOf", fingerprint)
}

// UnpackRefOf is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xf359606b.
//
// Solidity: function refOf(bytes32 fingerprint) view returns(bytes32)
func (scfxRegistry *ScfxRegistry) UnpackRefOf(data []byte) ([32]byte, error) {
	out, err := scfxRegistry.abi.Unpack("refOf", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackRegister is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe4c8e892.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function register(bytes32[] fingerprints, bytes32[] refs) returns()
func (scfxRegistry *ScfxRegistry) PackRegister(fingerprints [][32]byte, refs [][32]byte) []byte {
	enc, err := scfxRegistry.abi.Pack("register", fingerprints, refs)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRegister is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe4c8e892.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function register(bytes32[] fingerprints, bytes32[] refs) returns()
func (scfxRegistry *ScfxRegistry) TryPackRegister(fingerprints [][32]byte, refs [][32]byte) ([]byte, error) {
	return scfxRegistry.abi.Pack("register", fingerprints, refs)
}

// PackRenounceRole is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x36568abe.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function renounceRole(bytes32 role, address callerConfirmation) returns()
func (scfxRegistry *ScfxRegistry) PackRenounceRole(role [32]byte, callerConfirmation common.Address) []byte {
	enc, err := scfxRegistry.abi.Pack("renounceRole", role, callerConfirmation)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRenounceRole is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x36568abe.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function renounceRole(bytes32 role, address callerConfirmation) returns()
func (scfxRegistry *ScfxRegistry) TryPackRenounceRole(role [32]byte, callerConfirmation common.Address) ([]byte, error) {
	return scfxRegistry.abi.Pack("renounceRole", role, callerConfirmation)
}

// PackRevokeRole is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd547741f.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function revokeRole(bytes32 role, address account) returns()
func (scfxRegistry *ScfxRegistry) PackRevokeRole(role [32]byte, account common.Address) []byte {
	enc, err := scfxRegistry.abi.Pack("revokeRole", role, account)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRevokeRole is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd547741f.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function revokeRole(bytes32 role, address account) returns()
func (scfxRegistry *ScfxRegistry) TryPackRevokeRole(role [32]byte, account common.Address) ([]byte, error) {
	return scfxRegistry.abi.Pack("revokeRole", role, account)
}

// PackSupportsInterface is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x01ffc9a7.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function supportsInterface(bytes4 interfaceId) view returns(bool)
func (scfxRegistry *ScfxRegistry) PackSupportsInterface(interfaceId [4]byte) []byte {
	enc, err := scfxRegistry.abi.Pack("supportsInterface", interfaceId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSupportsInterface is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x01ffc9a7.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function supportsInterface(bytes4 interfaceId) view returns(bool)
func (scfxRegistry *ScfxRegistry) TryPackSupportsInterface(interfaceId [4]byte) ([]byte, error) {
	return scfxRegistry.abi.Pack("supportsInterface", interfaceId)
}

// UnpackSupportsInterface is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x01ffc9a7.
//
// Solidity: function supportsInterface(bytes4 interfaceId) view returns(bool)
func (scfxRegistry *ScfxRegistry) UnpackSupportsInterface(data []byte) (bool, error) {
	out, err := scfxRegistry.abi.Unpack("supportsInterface", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackVerify is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3423e548.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function verify(bytes32 root, bytes32 leaf, bytes32[] proof) pure returns(bool)
func (scfxRegistry *ScfxRegistry) PackVerify(root [32]byte, leaf [32]byte, proof [][32]byte) []byte {
	enc, err := scfxRegistry.abi.Pack("verify", root, leaf, proof)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackVerify is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3423e548.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function verify(bytes32 root, bytes32 leaf, bytes32[] proof) pure returns(bool)
func (scfxRegistry *ScfxRegistry) TryPackVerify(root [32]byte, leaf [32]byte, proof [][32]byte) ([]byte, error) {
	return scfxRegistry.abi.Pack("verify", root, leaf, proof)
}

// UnpackVerify is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x3423e548.
//
// Solidity: function verify(bytes32 root, bytes32 leaf, bytes32[] proof) pure returns(bool)
func (scfxRegistry *ScfxRegistry) UnpackVerify(data []byte) (bool, error) {
	out, err := scfxRegistry.abi.Unpack("verify", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// ScfxRegistryAnchored represents a Anchored event raised by the ScfxRegistry contract.
type ScfxRegistryAnchored struct {
	Root  [32]byte
	Count uint32
	Raw   *types.Log // Blockchain specific contextual infos
}

const ScfxRegistryAnchoredEventName = "Anchored"

// ContractEventName returns the user-defined event name.
func (ScfxRegistryAnchored) ContractEventName() string {
	return ScfxRegistryAnchoredEventName
}

// UnpackAnchoredEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Anchored(bytes32 indexed root, uint32 count)
func (scfxRegistry *ScfxRegistry) UnpackAnchoredEvent(log *types.Log) (*ScfxRegistryAnchored, error) {
	event := "Anchored"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != scfxRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(ScfxRegistryAnchored)
	if len(log.Data) > 0 {
		if err := scfxRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range scfxRegistry.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// ScfxRegistryDuplicate represents a Duplicate event raised by the ScfxRegistry contract.
type ScfxRegistryDuplicate struct {
	Fingerprint [32]byte
	ExistingRef [32]byte
	Raw         *types.Log // Blockchain specific contextual infos
}

const ScfxRegistryDuplicateEventName = "Duplicate"

// ContractEventName returns the user-defined event name.
func (ScfxRegistryDuplicate) ContractEventName() string {
	return ScfxRegistryDuplicateEventName
}

// UnpackDuplicateEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Duplicate(bytes32 indexed fingerprint, bytes32 existingRef)
func (scfxRegistry *ScfxRegistry) UnpackDuplicateEvent(log *types.Log) (*ScfxRegistryDuplicate, error) {
	event := "Duplicate"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != scfxRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(ScfxRegistryDuplicate)
	if len(log.Data) > 0 {
		if err := scfxRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range scfxRegistry.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// ScfxRegistryRegistered represents a Registered event raised by the ScfxRegistry contract.
type ScfxRegistryRegistered struct {
	Fingerprint [32]byte
	Ref         [32]byte
	Raw         *types.Log // Blockchain specific contextual infos
}

const ScfxRegistryRegisteredEventName = "Registered"

// ContractEventName returns the user-defined event name.
func (ScfxRegistryRegistered) ContractEventName() string {
	return ScfxRegistryRegisteredEventName
}

// UnpackRegisteredEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Registered(bytes32 indexed fingerprint, bytes32 ref)
func (scfxRegistry *ScfxRegistry) UnpackRegisteredEvent(log *types.Log) (*ScfxRegistryRegistered, error) {
	event := "Registered"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != scfxRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(ScfxRegistryRegistered)
	if len(log.Data) > 0 {
		if err := scfxRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range scfxRegistry.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// ScfxRegistryRoleAdminChanged represents a RoleAdminChanged event raised by the ScfxRegistry contract.
type ScfxRegistryRoleAdminChanged struct {
	Role              [32]byte
	PreviousAdminRole [32]byte
	NewAdminRole      [32]byte
	Raw               *types.Log // Blockchain specific contextual infos
}

const ScfxRegistryRoleAdminChangedEventName = "RoleAdminChanged"

// ContractEventName returns the user-defined event name.
func (ScfxRegistryRoleAdminChanged) ContractEventName() string {
	return ScfxRegistryRoleAdminChangedEventName
}

// UnpackRoleAdminChangedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event RoleAdminChanged(bytes32 indexed role, bytes32 indexed previousAdminRole, bytes32 indexed newAdminRole)
func (scfxRegistry *ScfxRegistry) UnpackRoleAdminChangedEvent(log *types.Log) (*ScfxRegistryRoleAdminChanged, error) {
	event := "RoleAdminChanged"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != scfxRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(ScfxRegistryRoleAdminChanged)
	if len(log.Data) > 0 {
		if err := scfxRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range scfxRegistry.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// ScfxRegistryRoleGranted represents a RoleGranted event raised by the ScfxRegistry contract.
type ScfxRegistryRoleGranted struct {
	Role    [32]byte
	Account common.Address
	Sender  common.Address
	Raw     *types.Log // Blockchain specific contextual infos
}

const ScfxRegistryRoleGrantedEventName = "RoleGranted"

// ContractEventName returns the user-defined event name.
func (ScfxRegistryRoleGranted) ContractEventName() string {
	return ScfxRegistryRoleGrantedEventName
}

// UnpackRoleGrantedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender)
func (scfxRegistry *ScfxRegistry) UnpackRoleGrantedEvent(log *types.Log) (*ScfxRegistryRoleGranted, error) {
	event := "RoleGranted"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != scfxRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(ScfxRegistryRoleGranted)
	if len(log.Data) > 0 {
		if err := scfxRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range scfxRegistry.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// ScfxRegistryRoleRevoked represents a RoleRevoked event raised by the ScfxRegistry contract.
type ScfxRegistryRoleRevoked struct {
	Role    [32]byte
	Account common.Address
	Sender  common.Address
	Raw     *types.Log // Blockchain specific contextual infos
}

const ScfxRegistryRoleRevokedEventName = "RoleRevoked"

// ContractEventName returns the user-defined event name.
func (ScfxRegistryRoleRevoked) ContractEventName() string {
	return ScfxRegistryRoleRevokedEventName
}

// UnpackRoleRevokedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender)
func (scfxRegistry *ScfxRegistry) UnpackRoleRevokedEvent(log *types.Log) (*ScfxRegistryRoleRevoked, error) {
	event := "RoleRevoked"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != scfxRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(ScfxRegistryRoleRevoked)
	if len(log.Data) > 0 {
		if err := scfxRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range scfxRegistry.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// UnpackError attempts to decode the provided error data using user-defined
// error definitions.
func (scfxRegistry *ScfxRegistry) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], scfxRegistry.abi.Errors["AccessControlBadConfirmation"].ID.Bytes()[:4]) {
		return scfxRegistry.UnpackAccessControlBadConfirmationError(raw[4:])
	}
	if bytes.Equal(raw[:4], scfxRegistry.abi.Errors["AccessControlUnauthorizedAccount"].ID.Bytes()[:4]) {
		return scfxRegistry.UnpackAccessControlUnauthorizedAccountError(raw[4:])
	}
	if bytes.Equal(raw[:4], scfxRegistry.abi.Errors["ScfxBatchTooLarge"].ID.Bytes()[:4]) {
		return scfxRegistry.UnpackScfxBatchTooLargeError(raw[4:])
	}
	if bytes.Equal(raw[:4], scfxRegistry.abi.Errors["ScfxEmptyBatch"].ID.Bytes()[:4]) {
		return scfxRegistry.UnpackScfxEmptyBatchError(raw[4:])
	}
	if bytes.Equal(raw[:4], scfxRegistry.abi.Errors["ScfxLengthMismatch"].ID.Bytes()[:4]) {
		return scfxRegistry.UnpackScfxLengthMismatchError(raw[4:])
	}
	if bytes.Equal(raw[:4], scfxRegistry.abi.Errors["ScfxUnauthorizedAnchorer"].ID.Bytes()[:4]) {
		return scfxRegistry.UnpackScfxUnauthorizedAnchorerError(raw[4:])
	}
	if bytes.Equal(raw[:4], scfxRegistry.abi.Errors["ScfxUnauthorizedRegistrar"].ID.Bytes()[:4]) {
		return scfxRegistry.UnpackScfxUnauthorizedRegistrarError(raw[4:])
	}
	if bytes.Equal(raw[:4], scfxRegistry.abi.Errors["ScfxZeroAdmin"].ID.Bytes()[:4]) {
		return scfxRegistry.UnpackScfxZeroAdminError(raw[4:])
	}
	if bytes.Equal(raw[:4], scfxRegistry.abi.Errors["ScfxZeroCount"].ID.Bytes()[:4]) {
		return scfxRegistry.UnpackScfxZeroCountError(raw[4:])
	}
	if bytes.Equal(raw[:4], scfxRegistry.abi.Errors["ScfxZeroFingerprint"].ID.Bytes()[:4]) {
		return scfxRegistry.UnpackScfxZeroFingerprintError(raw[4:])
	}
	if bytes.Equal(raw[:4], scfxRegistry.abi.Errors["ScfxZeroRef"].ID.Bytes()[:4]) {
		return scfxRegistry.UnpackScfxZeroRefError(raw[4:])
	}
	if bytes.Equal(raw[:4], scfxRegistry.abi.Errors["ScfxZeroRoot"].ID.Bytes()[:4]) {
		return scfxRegistry.UnpackScfxZeroRootError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// ScfxRegistryAccessControlBadConfirmation represents a AccessControlBadConfirmation error raised by the ScfxRegistry contract.
type ScfxRegistryAccessControlBadConfirmation struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error AccessControlBadConfirmation()
func ScfxRegistryAccessControlBadConfirmationErrorID() common.Hash {
	return common.HexToHash("0x6697b23232a647058342c0724fe7c415cab25915b54e5dbc03f233173d37b41c")
}

// UnpackAccessControlBadConfirmationError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error AccessControlBadConfirmation()
func (scfxRegistry *ScfxRegistry) UnpackAccessControlBadConfirmationError(raw []byte) (*ScfxRegistryAccessControlBadConfirmation, error) {
	out := new(ScfxRegistryAccessControlBadConfirmation)
	if err := scfxRegistry.abi.UnpackIntoInterface(out, "AccessControlBadConfirmation", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ScfxRegistryAccessControlUnauthorizedAccount represents a AccessControlUnauthorizedAccount error raised by the ScfxRegistry contract.
type ScfxRegistryAccessControlUnauthorizedAccount struct {
	Account    common.Address
	NeededRole [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error AccessControlUnauthorizedAccount(address account, bytes32 neededRole)
func ScfxRegistryAccessControlUnauthorizedAccountErrorID() common.Hash {
	return common.HexToHash("0xe2517d3fbfae6f8515ef5ff1ccedc3933ab0cbbda0b492c06eb54ad10ef03b3e")
}

// UnpackAccessControlUnauthorizedAccountError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error AccessControlUnauthorizedAccount(address account, bytes32 neededRole)
func (scfxRegistry *ScfxRegistry) UnpackAccessControlUnauthorizedAccountError(raw []byte) (*ScfxRegistryAccessControlUnauthorizedAccount, error) {
	out := new(ScfxRegistryAccessControlUnauthorizedAccount)
	if err := scfxRegistry.abi.UnpackIntoInterface(out, "AccessControlUnauthorizedAccount", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ScfxRegistryScfxBatchTooLarge represents a ScfxBatchTooLarge error raised by the ScfxRegistry contract.
type ScfxRegistryScfxBatchTooLarge struct {
	Size *big.Int
	Max  *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ScfxBatchTooLarge(uint256 size, uint256 max)
func ScfxRegistryScfxBatchTooLargeErrorID() common.Hash {
	return common.HexToHash("0xc6b38f4644a89869e0e38ed062db9c7138d569a905a33cef3a6052584bbd25f4")
}

// UnpackScfxBatchTooLargeError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ScfxBatchTooLarge(uint256 size, uint256 max)
func (scfxRegistry *ScfxRegistry) UnpackScfxBatchTooLargeError(raw []byte) (*ScfxRegistryScfxBatchTooLarge, error) {
	out := new(ScfxRegistryScfxBatchTooLarge)
	if err := scfxRegistry.abi.UnpackIntoInterface(out, "ScfxBatchTooLarge", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ScfxRegistryScfxEmptyBatch represents a ScfxEmptyBatch error raised by the ScfxRegistry contract.
type ScfxRegistryScfxEmptyBatch struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ScfxEmptyBatch()
func ScfxRegistryScfxEmptyBatchErrorID() common.Hash {
	return common.HexToHash("0x9267214d05fabc8e6e13d652f1f410c1d50683fb0ef36b58973ce7b4c04eb743")
}

// UnpackScfxEmptyBatchError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ScfxEmptyBatch()
func (scfxRegistry *ScfxRegistry) UnpackScfxEmptyBatchError(raw []byte) (*ScfxRegistryScfxEmptyBatch, error) {
	out := new(ScfxRegistryScfxEmptyBatch)
	if err := scfxRegistry.abi.UnpackIntoInterface(out, "ScfxEmptyBatch", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ScfxRegistryScfxLengthMismatch represents a ScfxLengthMismatch error raised by the ScfxRegistry contract.
type ScfxRegistryScfxLengthMismatch struct {
	Fingerprints *big.Int
	Refs         *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ScfxLengthMismatch(uint256 fingerprints, uint256 refs)
func ScfxRegistryScfxLengthMismatchErrorID() common.Hash {
	return common.HexToHash("0xbe43429d57b6040fc63baa6732879839c320b6e387f139cd1719e32aa90fd551")
}

// UnpackScfxLengthMismatchError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ScfxLengthMismatch(uint256 fingerprints, uint256 refs)
func (scfxRegistry *ScfxRegistry) UnpackScfxLengthMismatchError(raw []byte) (*ScfxRegistryScfxLengthMismatch, error) {
	out := new(ScfxRegistryScfxLengthMismatch)
	if err := scfxRegistry.abi.UnpackIntoInterface(out, "ScfxLengthMismatch", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ScfxRegistryScfxUnauthorizedAnchorer represents a ScfxUnauthorizedAnchorer error raised by the ScfxRegistry contract.
type ScfxRegistryScfxUnauthorizedAnchorer struct {
	Account common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ScfxUnauthorizedAnchorer(address account)
func ScfxRegistryScfxUnauthorizedAnchorerErrorID() common.Hash {
	return common.HexToHash("0x3a59fb9addbefafbe671fea8d81200fb99957e8646e80e0cb80d70c53fc1f701")
}

// UnpackScfxUnauthorizedAnchorerError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ScfxUnauthorizedAnchorer(address account)
func (scfxRegistry *ScfxRegistry) UnpackScfxUnauthorizedAnchorerError(raw []byte) (*ScfxRegistryScfxUnauthorizedAnchorer, error) {
	out := new(ScfxRegistryScfxUnauthorizedAnchorer)
	if err := scfxRegistry.abi.UnpackIntoInterface(out, "ScfxUnauthorizedAnchorer", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ScfxRegistryScfxUnauthorizedRegistrar represents a ScfxUnauthorizedRegistrar error raised by the ScfxRegistry contract.
type ScfxRegistryScfxUnauthorizedRegistrar struct {
	Account common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ScfxUnauthorizedRegistrar(address account)
func ScfxRegistryScfxUnauthorizedRegistrarErrorID() common.Hash {
	return common.HexToHash("0xcaa09875e445305dffcfcfa48a386d1cc553de4de60144e6f24ca9547f14620f")
}

// UnpackScfxUnauthorizedRegistrarError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ScfxUnauthorizedRegistrar(address account)
func (scfxRegistry *ScfxRegistry) UnpackScfxUnauthorizedRegistrarError(raw []byte) (*ScfxRegistryScfxUnauthorizedRegistrar, error) {
	out := new(ScfxRegistryScfxUnauthorizedRegistrar)
	if err := scfxRegistry.abi.UnpackIntoInterface(out, "ScfxUnauthorizedRegistrar", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ScfxRegistryScfxZeroAdmin represents a ScfxZeroAdmin error raised by the ScfxRegistry contract.
type ScfxRegistryScfxZeroAdmin struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ScfxZeroAdmin()
func ScfxRegistryScfxZeroAdminErrorID() common.Hash {
	return common.HexToHash("0x87850117e2c7b8f6f42521e095381f155aa5f2be8e9319f17250ea5893b5b358")
}

// UnpackScfxZeroAdminError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ScfxZeroAdmin()
func (scfxRegistry *ScfxRegistry) UnpackScfxZeroAdminError(raw []byte) (*ScfxRegistryScfxZeroAdmin, error) {
	out := new(ScfxRegistryScfxZeroAdmin)
	if err := scfxRegistry.abi.UnpackIntoInterface(out, "ScfxZeroAdmin", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ScfxRegistryScfxZeroCount represents a ScfxZeroCount error raised by the ScfxRegistry contract.
type ScfxRegistryScfxZeroCount struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ScfxZeroCount()
func ScfxRegistryScfxZeroCountErrorID() common.Hash {
	return common.HexToHash("0xe7d48a594308d4af51529d21b37a8cd5823891a923014b9ab0c831d768559209")
}

// UnpackScfxZeroCountError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ScfxZeroCount()
func (scfxRegistry *ScfxRegistry) UnpackScfxZeroCountError(raw []byte) (*ScfxRegistryScfxZeroCount, error) {
	out := new(ScfxRegistryScfxZeroCount)
	if err := scfxRegistry.abi.UnpackIntoInterface(out, "ScfxZeroCount", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ScfxRegistryScfxZeroFingerprint represents a ScfxZeroFingerprint error raised by the ScfxRegistry contract.
type ScfxRegistryScfxZeroFingerprint struct {
	Index *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ScfxZeroFingerprint(uint256 index)
func ScfxRegistryScfxZeroFingerprintErrorID() common.Hash {
	return common.HexToHash("0x2625efed6d59952d826904e9114c6773db0bf9521a78ba64085eb063392f8ffa")
}

// UnpackScfxZeroFingerprintError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ScfxZeroFingerprint(uint256 index)
func (scfxRegistry *ScfxRegistry) UnpackScfxZeroFingerprintError(raw []byte) (*ScfxRegistryScfxZeroFingerprint, error) {
	out := new(ScfxRegistryScfxZeroFingerprint)
	if err := scfxRegistry.abi.UnpackIntoInterface(out, "ScfxZeroFingerprint", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ScfxRegistryScfxZeroRef represents a ScfxZeroRef error raised by the ScfxRegistry contract.
type ScfxRegistryScfxZeroRef struct {
	Index *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ScfxZeroRef(uint256 index)
func ScfxRegistryScfxZeroRefErrorID() common.Hash {
	return common.HexToHash("0xe1029574314a37d9a106dd022ae61e1c7cc87b913f450160b562021a0b797e34")
}

// UnpackScfxZeroRefError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ScfxZeroRef(uint256 index)
func (scfxRegistry *ScfxRegistry) UnpackScfxZeroRefError(raw []byte) (*ScfxRegistryScfxZeroRef, error) {
	out := new(ScfxRegistryScfxZeroRef)
	if err := scfxRegistry.abi.UnpackIntoInterface(out, "ScfxZeroRef", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ScfxRegistryScfxZeroRoot represents a ScfxZeroRoot error raised by the ScfxRegistry contract.
type ScfxRegistryScfxZeroRoot struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ScfxZeroRoot()
func ScfxRegistryScfxZeroRootErrorID() common.Hash {
	return common.HexToHash("0x108cb154191cd88a96505a49ce1f3c63f7a171377977e5bad1a5ec8fccc229c5")
}

// UnpackScfxZeroRootError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ScfxZeroRoot()
func (scfxRegistry *ScfxRegistry) UnpackScfxZeroRootError(raw []byte) (*ScfxRegistryScfxZeroRoot, error) {
	out := new(ScfxRegistryScfxZeroRoot)
	if err := scfxRegistry.abi.UnpackIntoInterface(out, "ScfxZeroRoot", raw); err != nil {
		return nil, err
	}
	return out, nil
}

//lint:file-ignore ST1005 abigen writes these error strings
