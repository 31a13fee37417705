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
	ABI: "[{\"inputs\":[{\"internalType\":\"address\",\"name\":\"admin\",\"type\":\"address\"},{\"internalType\":\"uint48\",\"name\":\"adminDelay\",\"type\":\"uint48\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[],\"name\":\"AccessControlBadConfirmation\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint48\",\"name\":\"schedule\",\"type\":\"uint48\"}],\"name\":\"AccessControlEnforcedDefaultAdminDelay\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"AccessControlEnforcedDefaultAdminRules\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"defaultAdmin\",\"type\":\"address\"}],\"name\":\"AccessControlInvalidDefaultAdmin\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"neededRole\",\"type\":\"bytes32\"}],\"name\":\"AccessControlUnauthorizedAccount\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint8\",\"name\":\"bits\",\"type\":\"uint8\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"SafeCastOverflowedUintDowncast\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"size\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"max\",\"type\":\"uint256\"}],\"name\":\"ScfxBatchTooLarge\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ScfxEmptyBatch\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"fingerprints\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"refs\",\"type\":\"uint256\"}],\"name\":\"ScfxLengthMismatch\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"ScfxUnauthorizedAnchorer\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"ScfxUnauthorizedRegistrar\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ScfxZeroCount\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"index\",\"type\":\"uint256\"}],\"name\":\"ScfxZeroFingerprint\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"index\",\"type\":\"uint256\"}],\"name\":\"ScfxZeroRef\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ScfxZeroRoot\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint32\",\"name\":\"count\",\"type\":\"uint32\"}],\"name\":\"Anchored\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[],\"name\":\"DefaultAdminDelayChangeCanceled\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"uint48\",\"name\":\"newDelay\",\"type\":\"uint48\"},{\"indexed\":false,\"internalType\":\"uint48\",\"name\":\"effectSchedule\",\"type\":\"uint48\"}],\"name\":\"DefaultAdminDelayChangeScheduled\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[],\"name\":\"DefaultAdminTransferCanceled\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"newAdmin\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint48\",\"name\":\"acceptSchedule\",\"type\":\"uint48\"}],\"name\":\"DefaultAdminTransferScheduled\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"fingerprint\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"existingRef\",\"type\":\"bytes32\"}],\"name\":\"Duplicate\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"fingerprint\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"ref\",\"type\":\"bytes32\"}],\"name\":\"Registered\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"role\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"previousAdminRole\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"newAdminRole\",\"type\":\"bytes32\"}],\"name\":\"RoleAdminChanged\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"role\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"}],\"name\":\"RoleGranted\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"role\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"}],\"name\":\"RoleRevoked\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"ANCHORER_ROLE\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"DEFAULT_ADMIN_ROLE\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"MAX_REGISTER_BATCH\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"REGISTRAR_ROLE\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"acceptDefaultAdminTransfer\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"internalType\":\"uint32\",\"name\":\"count\",\"type\":\"uint32\"}],\"name\":\"anchor\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"}],\"name\":\"anchoredAt\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"blockNumber\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"newAdmin\",\"type\":\"address\"}],\"name\":\"beginDefaultAdminTransfer\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"cancelDefaultAdminTransfer\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint48\",\"name\":\"newDelay\",\"type\":\"uint48\"}],\"name\":\"changeDefaultAdminDelay\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"defaultAdmin\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"defaultAdminDelay\",\"outputs\":[{\"internalType\":\"uint48\",\"name\":\"\",\"type\":\"uint48\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"defaultAdminDelayIncreaseWait\",\"outputs\":[{\"internalType\":\"uint48\",\"name\":\"\",\"type\":\"uint48\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"role\",\"type\":\"bytes32\"}],\"name\":\"getRoleAdmin\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"role\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"grantRole\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"role\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"hasRole\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"owner\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"pendingDefaultAdmin\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"newAdmin\",\"type\":\"address\"},{\"internalType\":\"uint48\",\"name\":\"schedule\",\"type\":\"uint48\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"pendingDefaultAdminDelay\",\"outputs\":[{\"internalType\":\"uint48\",\"name\":\"newDelay\",\"type\":\"uint48\"},{\"internalType\":\"uint48\",\"name\":\"schedule\",\"type\":\"uint48\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"fingerprint\",\"type\":\"bytes32\"}],\"name\":\"refOf\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32[]\",\"name\":\"fingerprints\",\"type\":\"bytes32[]\"},{\"internalType\":\"bytes32[]\",\"name\":\"refs\",\"type\":\"bytes32[]\"}],\"name\":\"register\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"role\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"renounceRole\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"role\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"revokeRole\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"rollbackDefaultAdminDelay\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes4\",\"name\":\"interfaceId\",\"type\":\"bytes4\"}],\"name\":\"supportsInterface\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"leaf\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32[]\",\"name\":\"proof\",\"type\":\"bytes32[]\"}],\"name\":\"verify\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"pure\",\"type\":\"function\"}]",
	ID:  "ScfxRegistry",
	Bin: "0x6080346100ce57601f6112e338819003918201601f19168301916001600160401b038311848410176100d25780849260409485528339810103126100ce5780516001600160a01b038116918282036100ce57602001519165ffffffffffff831683036100ce57156100bb57600180546001600160d01b031660d09390931b6001600160d01b031916929092179091556100ab9061009b816100e6565b506100a58161012e565b50610158565b506040516110dc90816102078239f35b636116401160e11b5f525f60045260245ffd5b5f80fd5b634e487b7160e01b5f52604160045260245ffd5b600254906001600160a01b03821661011f576001600160a01b03199091166001600160a01b0382161760025561011c905f61017e565b90565b631fe1e13d60e11b5f5260045ffd5b61011c907fedcc084d3dcd65a1f7f23c65c46722faca6953d28e43150a467cf43e5c30923861017e565b61011c907f4b3e6527f1b0d33beb6c20e3c362af276f03c4526b5f8b6d118672f0d75a60eb5b5f818152602081815260408083206001600160a01b038616845290915290205460ff16610200575f818152602081815260408083206001600160a01b0395909516808452949091528120805460ff19166001179055339291907f2f8788117e7eff1d82e926ec794901d17c78024a50270940304540a733656f0d9080a4600190565b50505f9056fe6080806040526004361015610012575f80fd5b5f3560e01c90816301ffc9a714610c5157508063022d63fb14610c345780630aa6220b14610ba2578063248a9ca314610b705780632f2ff15d14610b2d5780633423e54814610aa157806336568abe146109b657806347489de414610940578063634e93da1461084c578063649a5ec7146106b35780637cfd9a511461067957806384ef8ffc146106515780638da5cb5b1461065157806391d14854146106095780639591a610146105df5780639698dac0146105c3578063a1eda53c14610561578063a217fddf14610547578063cc8463c81461051d578063cefc142914610471578063cf6eefb714610438578063d547741f146103df578063d602b9fd1461037e578063e4c8e892146101a2578063f359606b146101785763f68e95531461013a575f80fd5b34610174575f3660031901126101745760206040517fedcc084d3dcd65a1f7f23c65c46722faca6953d28e43150a467cf43e5c3092388152f35b5f80fd5b34610174576020366003190112610174576004355f526003602052602060405f2054604051908152f35b346101745760403660031901126101745760043567ffffffffffffffff8111610174576101d3903690600401610cd4565b60243567ffffffffffffffff8111610174576101f3903690600401610cd4565b335f9081527f01ddc098da42acdf4176da08ec75800bc0fb2bce2be978b2037bcb0ae69665196020526040902054919390929160ff161561036b57828203610355578115610346576101f4821161032d575f5b82811061024f57005b61025a818484610db7565b35610266828688610db7565b35811561031a578015610307579060019291815f52600360205260405f2090815480155f146102c55750806020917f8828766b1a3f99eda4bad24a0979129565597036bac9a94cdccd1d1e6ef17eb29355604051908152a25b01610246565b809250036102d5575b50506102bf565b60207f57aa1e8d676a750c6f6c17beb7d53bbc0feeda4dd819381992be58e07ada172491604051908152a286806102ce565b82633840a55d60e21b5f5260045260245ffd5b82632625efed60e01b5f5260045260245ffd5b50636359c7a360e11b5f526004526101f460245260445ffd5b639267214d60e01b5f5260045ffd5b5063be43429d60e01b5f5260045260245260445ffd5b63caa0987560e01b5f523360045260245ffd5b34610174575f36600319011261017457610396610ddb565b600180546001600160d01b0319811690915560a01c65ffffffffffff166103b957005b7f8886ebfc4259abdbc16601dd8fb5678e54878f47b3c34836cfc51154a96051095f80a1005b34610174576040366003190112610174576004356103fb610cbe565b8115610429578161042261041d610427945f525f602052600160405f20015490565b610e2a565b610f31565b005b631fe1e13d60e11b5f5260045ffd5b34610174575f36600319011261017457600154604080516001600160a01b038316815260a09290921c65ffffffffffff16602083015290f35b34610174575f366003190112610174576001546001600160a01b0316330361050a5760015460a081901c65ffffffffffff16906001600160a01b031681158015610500575b6104ed576002546104da91906104d4906001600160a01b0316610efb565b50610e80565b50600180546001600160d01b0319169055005b506319ca5ebb60e01b5f5260045260245ffd5b50428210156104b6565b636116401160e11b5f523360045260245ffd5b34610174575f366003190112610174576020610537610d7e565b65ffffffffffff60405191168152f35b34610174575f3660031901126101745760206040515f8152f35b34610174575f366003190112610174576002548060d01c90811515806105b9575b156105af5760a01c65ffffffffffff165b6040805165ffffffffffff928316815292909116602083015290f35b50505f5f90610593565b5042821015610582565b34610174575f3660031901126101745760206040516101f48152f35b34610174576020366003190112610174576004355f526004602052602060405f2054604051908152f35b3461017457604036600319011261017457610622610cbe565b6004355f525f60205260405f209060018060a01b03165f52602052602060ff60405f2054166040519015158152f35b34610174575f366003190112610174576002546040516001600160a01b039091168152602090f35b34610174575f3660031901126101745760206040517f4b3e6527f1b0d33beb6c20e3c362af276f03c4526b5f8b6d118672f0d75a60eb8152f35b346101745760203660031901126101745760043565ffffffffffff811690818103610174576106e0610ddb565b6106e942610f6f565b9165ffffffffffff6106f9610d7e565b16808211156107fe57507ff1038c18cf84a56e432fdbfaf746924b7ea511dfe03a6506a0ceba4888788d9b9265ffffffffffff826206978080610746951091180262069780181690610e62565b906002548060d01c806107a2575b5050600280546001600160a01b031660a083901b65ffffffffffff60a01b161760d084901b6001600160d01b0319161790556040805165ffffffffffff9283168152919092166020820152a1005b4211156107d457600180546001600160d01b031660309290921b6001600160d01b0319169190911790555b8380610754565b507f2b1fa2edafe6f7b9e97c1a9e0c3660e645beb2dcaa2d45bdbf9beaf5472e1ec55f80a16107cd565b0365ffffffffffff8111610838577ff1038c18cf84a56e432fdbfaf746924b7ea511dfe03a6506a0ceba4888788d9b926107469190610e62565b634e487b7160e01b5f52601160045260245ffd5b34610174576020366003190112610174576004356001600160a01b038116908190036101745761087a610ddb565b801561092e577f3377dc44241e779dd06afab5b788a35ca5f3b778836e2990bdb26a2a4b2e5ed660206108bd6108af42610f6f565b6108b7610d7e565b90610e62565b600180546001600160d01b03198116861760a084811b65ffffffffffff60a01b1691909117909255901c65ffffffffffff16610905575b65ffffffffffff60405191168152a2005b7f8886ebfc4259abdbc16601dd8fb5678e54878f47b3c34836cfc51154a96051095f80a16108f4565b636116401160e11b5f5260045260245ffd5b346101745760403660031901126101745760243563ffffffff8116810361017457335f9081527ff9afc5eccc556dfbeedb3ca7bc93a51b4efbf91901a8edd8d8d95baa0671a408602052604090205460ff16156109a35761042790600435610d05565b631d2cfdcd60e11b5f523360045260245ffd5b34610174576040366003190112610174576004356109d2610cbe565b811580610a8a575b610a07575b336001600160a01b038216036109f85761042791610f31565b63334bd91960e11b5f5260045ffd5b60015465ffffffffffff60a082901c16906001600160a01b031615801590610a7a575b8015610a68575b610a4d57506001805465ffffffffffff60a01b191690556109df565b65ffffffffffff906319ca5ebb60e01b5f521660045260245ffd5b504265ffffffffffff82161015610a31565b5065ffffffffffff811615610a2a565b506002546001600160a01b038281169116146109da565b346101745760603660031901126101745760443567ffffffffffffffff811161017457610ad2903690600401610cd4565b5f91602435915b808410610aef5760208360405190600435148152f35b9091610afc848385610db7565b359081811015610b1c575f52602052600160405f205b9301929190610ad9565b905f52602052600160405f20610b12565b3461017457604036600319011261017457600435610b49610cbe565b81156104295781610b6b61041d610427945f525f602052600160405f20015490565b610eb9565b34610174576020366003190112610174576020610b9a6004355f525f602052600160405f20015490565b604051908152f35b34610174575f36600319011261017457610bba610ddb565b6002548060d01c80610bd8575b600280546001600160a01b03169055005b421115610c0a57600180546001600160d01b031660309290921b6001600160d01b0319169190911790555b8080610bc7565b507f2b1fa2edafe6f7b9e97c1a9e0c3660e645beb2dcaa2d45bdbf9beaf5472e1ec55f80a1610c03565b34610174575f366003190112610174576020604051620697808152f35b34610174576020366003190112610174576004359063ffffffff60e01b8216809203610174576020916318a4c3c360e11b8114908115610c93575b5015158152f35b637965db0b60e01b811491508115610cad575b5083610c8c565b6301ffc9a760e01b14905083610ca6565b602435906001600160a01b038216820361017457565b9181601f840112156101745782359167ffffffffffffffff8311610174576020808501948460051b01011161017457565b908115610d6f5763ffffffff168015610d6057815f52600460205260405f208054610d5b577f5598f81654a551570e944f92d10bea632541f1202d606a899598d9bbc4eb22ad91602091439055604051908152a2565b505050565b63e7d48a5960e01b5f5260045ffd5b6304232c5560e21b5f5260045ffd5b6002548060d01c8015159081610dad575b5015610da35760a01c65ffffffffffff1690565b5060015460d01c90565b905042115f610d8f565b9190811015610dc75760051b0190565b634e487b7160e01b5f52603260045260245ffd5b335f9081527fad3228b676f7d3cd4284a5443f17f1962b36e491b30a40b2405849e597ba5fb5602052604090205460ff1615610e1357565b63e2517d3f60e01b5f52336004525f60245260445ffd5b5f8181526020818152604080832033845290915290205460ff1615610e4c5750565b63e2517d3f60e01b5f523360045260245260445ffd5b9065ffffffffffff8091169116019065ffffffffffff821161083857565b600254906001600160a01b038216610429576001600160a01b03199091166001600160a01b03821617600255610eb6905f610f9e565b90565b908115610eca575b610eb691610f9e565b600254916001600160a01b038316610429576001600160a01b03199092166001600160a01b03821617600255610ec1565b600254610eb691906001600160a01b03808316911614610f1c575b5f611026565b600280546001600160a01b0319169055610f16565b90610eb691801580610f58575b1561102657600280546001600160a01b0319169055611026565b506002546001600160a01b03838116911614610f3e565b65ffffffffffff8111610f875765ffffffffffff1690565b6306dfcc6560e41b5f52603060045260245260445ffd5b5f818152602081815260408083206001600160a01b038616845290915290205460ff16611020575f818152602081815260408083206001600160a01b0395909516808452949091528120805460ff19166001179055339291907f2f8788117e7eff1d82e926ec794901d17c78024a50270940304540a733656f0d9080a4600190565b50505f90565b5f818152602081815260408083206001600160a01b038616845290915290205460ff1615611020575f818152602081815260408083206001600160a01b0395909516808452949091528120805460ff19169055339291907ff6391f5c32d9c69d2a47ea670b442974b53935d1edc7fd64eb21e047a839171b9080a460019056fea26469706673582212200550619e100c8dddefc43400c62d5e8ba71eac9fbe286967b4aa34aac45c992e64736f6c63430008250033",
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
// Solidity: constructor(address admin, uint48 adminDelay) returns()
func (scfxRegistry *ScfxRegistry) PackConstructor(admin common.Address, adminDelay *big.Int) []byte {
	enc, err := scfxRegistry.abi.Pack("", admin, adminDelay)
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

// PackAcceptDefaultAdminTransfer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xcefc1429.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function acceptDefaultAdminTransfer() returns()
func (scfxRegistry *ScfxRegistry) PackAcceptDefaultAdminTransfer() []byte {
	enc, err := scfxRegistry.abi.Pack("acceptDefaultAdminTransfer")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAcceptDefaultAdminTransfer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xcefc1429.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function acceptDefaultAdminTransfer() returns()
func (scfxRegistry *ScfxRegistry) TryPackAcceptDefaultAdminTransfer() ([]byte, error) {
	return scfxRegistry.abi.Pack("acceptDefaultAdminTransfer")
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

// PackBeginDefaultAdminTransfer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x634e93da.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function beginDefaultAdminTransfer(address newAdmin) returns()
func (scfxRegistry *ScfxRegistry) PackBeginDefaultAdminTransfer(newAdmin common.Address) []byte {
	enc, err := scfxRegistry.abi.Pack("beginDefaultAdminTransfer", newAdmin)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackBeginDefaultAdminTransfer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x634e93da.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function beginDefaultAdminTransfer(address newAdmin) returns()
func (scfxRegistry *ScfxRegistry) TryPackBeginDefaultAdminTransfer(newAdmin common.Address) ([]byte, error) {
	return scfxRegistry.abi.Pack("beginDefaultAdminTransfer", newAdmin)
}

// PackCancelDefaultAdminTransfer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd602b9fd.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function cancelDefaultAdminTransfer() returns()
func (scfxRegistry *ScfxRegistry) PackCancelDefaultAdminTransfer() []byte {
	enc, err := scfxRegistry.abi.Pack("cancelDefaultAdminTransfer")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCancelDefaultAdminTransfer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd602b9fd.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function cancelDefaultAdminTransfer() returns()
func (scfxRegistry *ScfxRegistry) TryPackCancelDefaultAdminTransfer() ([]byte, error) {
	return scfxRegistry.abi.Pack("cancelDefaultAdminTransfer")
}

// PackChangeDefaultAdminDelay is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x649a5ec7.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function changeDefaultAdminDelay(uint48 newDelay) returns()
func (scfxRegistry *ScfxRegistry) PackChangeDefaultAdminDelay(newDelay *big.Int) []byte {
	enc, err := scfxRegistry.abi.Pack("changeDefaultAdminDelay", newDelay)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackChangeDefaultAdminDelay is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x649a5ec7.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function changeDefaultAdminDelay(uint48 newDelay) returns()
func (scfxRegistry *ScfxRegistry) TryPackChangeDefaultAdminDelay(newDelay *big.Int) ([]byte, error) {
	return scfxRegistry.abi.Pack("changeDefaultAdminDelay", newDelay)
}

// PackDefaultAdmin is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x84ef8ffc.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function defaultAdmin() view returns(address)
func (scfxRegistry *ScfxRegistry) PackDefaultAdmin() []byte {
	enc, err := scfxRegistry.abi.Pack("defaultAdmin")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDefaultAdmin is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x84ef8ffc.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function defaultAdmin() view returns(address)
func (scfxRegistry *ScfxRegistry) TryPackDefaultAdmin() ([]byte, error) {
	return scfxRegistry.abi.Pack("defaultAdmin")
}

// UnpackDefaultAdmin is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x84ef8ffc.
//
// Solidity: function defaultAdmin() view returns(address)
func (scfxRegistry *ScfxRegistry) UnpackDefaultAdmin(data []byte) (common.Address, error) {
	out, err := scfxRegistry.abi.Unpack("defaultAdmin", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackDefaultAdminDelay is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xcc8463c8.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function defaultAdminDelay() view returns(uint48)
func (scfxRegistry *ScfxRegistry) PackDefaultAdminDelay() []byte {
	enc, err := scfxRegistry.abi.Pack("defaultAdminDelay")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDefaultAdminDelay is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xcc8463c8.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function defaultAdminDelay() view returns(uint48)
func (scfxRegistry *ScfxRegistry) TryPackDefaultAdminDelay() ([]byte, error) {
	return scfxRegistry.abi.Pack("defaultAdminDelay")
}

// UnpackDefaultAdminDelay is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xcc8463c8.
//
// Solidity: function defaultAdminDelay() view returns(uint48)
func (scfxRegistry *ScfxRegistry) UnpackDefaultAdminDelay(data []byte) (*big.Int, error) {
	out, err := scfxRegistry.abi.Unpack("defaultAdminDelay", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackDefaultAdminDelayIncreaseWait is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x022d63fb.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function defaultAdminDelayIncreaseWait() view returns(uint48)
func (scfxRegistry *ScfxRegistry) PackDefaultAdminDelayIncreaseWait() []byte {
	enc, err := scfxRegistry.abi.Pack("defaultAdminDelayIncreaseWait")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDefaultAdminDelayIncreaseWait is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x022d63fb.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function defaultAdminDelayIncreaseWait() view returns(uint48)
func (scfxRegistry *ScfxRegistry) TryPackDefaultAdminDelayIncreaseWait() ([]byte, error) {
	return scfxRegistry.abi.Pack("defaultAdminDelayIncreaseWait")
}

// UnpackDefaultAdminDelayIncreaseWait is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x022d63fb.
//
// Solidity: function defaultAdminDelayIncreaseWait() view returns(uint48)
func (scfxRegistry *ScfxRegistry) UnpackDefaultAdminDelayIncreaseWait(data []byte) (*big.Int, error) {
	out, err := scfxRegistry.abi.Unpack("defaultAdminDelayIncreaseWait", data)
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

// PackOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8da5cb5b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function owner() view returns(address)
func (scfxRegistry *ScfxRegistry) PackOwner() []byte {
	enc, err := scfxRegistry.abi.Pack("owner")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8da5cb5b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function owner() view returns(address)
func (scfxRegistry *ScfxRegistry) TryPackOwner() ([]byte, error) {
	return scfxRegistry.abi.Pack("owner")
}

// UnpackOwner is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (scfxRegistry *ScfxRegistry) UnpackOwner(data []byte) (common.Address, error) {
	out, err := scfxRegistry.abi.Unpack("owner", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackPendingDefaultAdmin is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xcf6eefb7.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function pendingDefaultAdmin() view returns(address newAdmin, uint48 schedule)
func (scfxRegistry *ScfxRegistry) PackPendingDefaultAdmin() []byte {
	enc, err := scfxRegistry.abi.Pack("pendingDefaultAdmin")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPendingDefaultAdmin is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xcf6eefb7.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function pendingDefaultAdmin() view returns(address newAdmin, uint48 schedule)
func (scfxRegistry *ScfxRegistry) TryPackPendingDefaultAdmin() ([]byte, error) {
	return scfxRegistry.abi.Pack("pendingDefaultAdmin")
}

// PendingDefaultAdminOutput serves as a container for the return parameters of contract
// method PendingDefaultAdmin.
type PendingDefaultAdminOutput struct {
	NewAdmin common.Address
	Schedule *big.Int
}

// UnpackPendingDefaultAdmin is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xcf6eefb7.
//
// Solidity: function pendingDefaultAdmin() view returns(address newAdmin, uint48 schedule)
func (scfxRegistry *ScfxRegistry) UnpackPendingDefaultAdmin(data []byte) (PendingDefaultAdminOutput, error) {
	out, err := scfxRegistry.abi.Unpack("pendingDefaultAdmin", data)
	outstruct := new(PendingDefaultAdminOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.NewAdmin = *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	outstruct.Schedule = abi.ConvertType(out[1], new(big.Int)).(*big.Int)
	return *outstruct, nil
}

// PackPendingDefaultAdminDelay is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa1eda53c.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function pendingDefaultAdminDelay() view returns(uint48 newDelay, uint48 schedule)
func (scfxRegistry *ScfxRegistry) PackPendingDefaultAdminDelay() []byte {
	enc, err := scfxRegistry.abi.Pack("pendingDefaultAdminDelay")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPendingDefaultAdminDelay is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa1eda53c.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function pendingDefaultAdminDelay() view returns(uint48 newDelay, uint48 schedule)
func (scfxRegistry *ScfxRegistry) TryPackPendingDefaultAdminDelay() ([]byte, error) {
	return scfxRegistry.abi.Pack("pendingDefaultAdminDelay")
}

// PendingDefaultAdminDelayOutput serves as a container for the return parameters of contract
// method PendingDefaultAdminDelay.
type PendingDefaultAdminDelayOutput struct {
	NewDelay *big.Int
	Schedule *big.Int
}

// UnpackPendingDefaultAdminDelay is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xa1eda53c.
//
// Solidity: function pendingDefaultAdminDelay() view returns(uint48 newDelay, uint48 schedule)
func (scfxRegistry *ScfxRegistry) UnpackPendingDefaultAdminDelay(data []byte) (PendingDefaultAdminDelayOutput, error) {
	out, err := scfxRegistry.abi.Unpack("pendingDefaultAdminDelay", data)
	outstruct := new(PendingDefaultAdminDelayOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.NewDelay = abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	outstruct.Schedule = abi.ConvertType(out[1], new(big.Int)).(*big.Int)
	return *outstruct, nil
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
// Solidity: function renounceRole(bytes32 role, address account) returns()
func (scfxRegistry *ScfxRegistry) PackRenounceRole(role [32]byte, account common.Address) []byte {
	enc, err := scfxRegistry.abi.Pack("renounceRole", role, account)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRenounceRole is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x36568abe.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function renounceRole(bytes32 role, address account) returns()
func (scfxRegistry *ScfxRegistry) TryPackRenounceRole(role [32]byte, account common.Address) ([]byte, error) {
	return scfxRegistry.abi.Pack("renounceRole", role, account)
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

// PackRollbackDefaultAdminDelay is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x0aa6220b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function rollbackDefaultAdminDelay() returns()
func (scfxRegistry *ScfxRegistry) PackRollbackDefaultAdminDelay() []byte {
	enc, err := scfxRegistry.abi.Pack("rollbackDefaultAdminDelay")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRollbackDefaultAdminDelay is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x0aa6220b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function rollbackDefaultAdminDelay() returns()
func (scfxRegistry *ScfxRegistry) TryPackRollbackDefaultAdminDelay() ([]byte, error) {
	return scfxRegistry.abi.Pack("rollbackDefaultAdminDelay")
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

// ScfxRegistryDefaultAdminDelayChangeCanceled represents a DefaultAdminDelayChangeCanceled event raised by the ScfxRegistry contract.
type ScfxRegistryDefaultAdminDelayChangeCanceled struct {
	Raw *types.Log // Blockchain specific contextual infos
}

const ScfxRegistryDefaultAdminDelayChangeCanceledEventName = "DefaultAdminDelayChangeCanceled"

// ContractEventName returns the user-defined event name.
func (ScfxRegistryDefaultAdminDelayChangeCanceled) ContractEventName() string {
	return ScfxRegistryDefaultAdminDelayChangeCanceledEventName
}

// UnpackDefaultAdminDelayChangeCanceledEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event DefaultAdminDelayChangeCanceled()
func (scfxRegistry *ScfxRegistry) UnpackDefaultAdminDelayChangeCanceledEvent(log *types.Log) (*ScfxRegistryDefaultAdminDelayChangeCanceled, error) {
	event := "DefaultAdminDelayChangeCanceled"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != scfxRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(ScfxRegistryDefaultAdminDelayChangeCanceled)
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

// ScfxRegistryDefaultAdminDelayChangeScheduled represents a DefaultAdminDelayChangeScheduled event raised by the ScfxRegistry contract.
type ScfxRegistryDefaultAdminDelayChangeScheduled struct {
	NewDelay       *big.Int
	EffectSchedule *big.Int
	Raw            *types.Log // Blockchain specific contextual infos
}

const ScfxRegistryDefaultAdminDelayChangeScheduledEventName = "DefaultAdminDelayChangeScheduled"

// ContractEventName returns the user-defined event name.
func (ScfxRegistryDefaultAdminDelayChangeScheduled) ContractEventName() string {
	return ScfxRegistryDefaultAdminDelayChangeScheduledEventName
}

// UnpackDefaultAdminDelayChangeScheduledEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event DefaultAdminDelayChangeScheduled(uint48 newDelay, uint48 effectSchedule)
func (scfxRegistry *ScfxRegistry) UnpackDefaultAdminDelayChangeScheduledEvent(log *types.Log) (*ScfxRegistryDefaultAdminDelayChangeScheduled, error) {
	event := "DefaultAdminDelayChangeScheduled"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != scfxRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(ScfxRegistryDefaultAdminDelayChangeScheduled)
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

// ScfxRegistryDefaultAdminTransferCanceled represents a DefaultAdminTransferCanceled event raised by the ScfxRegistry contract.
type ScfxRegistryDefaultAdminTransferCanceled struct {
	Raw *types.Log // Blockchain specific contextual infos
}

const ScfxRegistryDefaultAdminTransferCanceledEventName = "DefaultAdminTransferCanceled"

// ContractEventName returns the user-defined event name.
func (ScfxRegistryDefaultAdminTransferCanceled) ContractEventName() string {
	return ScfxRegistryDefaultAdminTransferCanceledEventName
}

// UnpackDefaultAdminTransferCanceledEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event DefaultAdminTransferCanceled()
func (scfxRegistry *ScfxRegistry) UnpackDefaultAdminTransferCanceledEvent(log *types.Log) (*ScfxRegistryDefaultAdminTransferCanceled, error) {
	event := "DefaultAdminTransferCanceled"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != scfxRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(ScfxRegistryDefaultAdminTransferCanceled)
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

// ScfxRegistryDefaultAdminTransferScheduled represents a DefaultAdminTransferScheduled event raised by the ScfxRegistry contract.
type ScfxRegistryDefaultAdminTransferScheduled struct {
	NewAdmin       common.Address
	AcceptSchedule *big.Int
	Raw            *types.Log // Blockchain specific contextual infos
}

const ScfxRegistryDefaultAdminTransferScheduledEventName = "DefaultAdminTransferScheduled"

// ContractEventName returns the user-defined event name.
func (ScfxRegistryDefaultAdminTransferScheduled) ContractEventName() string {
	return ScfxRegistryDefaultAdminTransferScheduledEventName
}

// UnpackDefaultAdminTransferScheduledEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event DefaultAdminTransferScheduled(address indexed newAdmin, uint48 acceptSchedule)
func (scfxRegistry *ScfxRegistry) UnpackDefaultAdminTransferScheduledEvent(log *types.Log) (*ScfxRegistryDefaultAdminTransferScheduled, error) {
	event := "DefaultAdminTransferScheduled"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != scfxRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(ScfxRegistryDefaultAdminTransferScheduled)
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
	if bytes.Equal(raw[:4], scfxRegistry.abi.Errors["AccessControlEnforcedDefaultAdminDelay"].ID.Bytes()[:4]) {
		return scfxRegistry.UnpackAccessControlEnforcedDefaultAdminDelayError(raw[4:])
	}
	if bytes.Equal(raw[:4], scfxRegistry.abi.Errors["AccessControlEnforcedDefaultAdminRules"].ID.Bytes()[:4]) {
		return scfxRegistry.UnpackAccessControlEnforcedDefaultAdminRulesError(raw[4:])
	}
	if bytes.Equal(raw[:4], scfxRegistry.abi.Errors["AccessControlInvalidDefaultAdmin"].ID.Bytes()[:4]) {
		return scfxRegistry.UnpackAccessControlInvalidDefaultAdminError(raw[4:])
	}
	if bytes.Equal(raw[:4], scfxRegistry.abi.Errors["AccessControlUnauthorizedAccount"].ID.Bytes()[:4]) {
		return scfxRegistry.UnpackAccessControlUnauthorizedAccountError(raw[4:])
	}
	if bytes.Equal(raw[:4], scfxRegistry.abi.Errors["SafeCastOverflowedUintDowncast"].ID.Bytes()[:4]) {
		return scfxRegistry.UnpackSafeCastOverflowedUintDowncastError(raw[4:])
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

// ScfxRegistryAccessControlEnforcedDefaultAdminDelay represents a AccessControlEnforcedDefaultAdminDelay error raised by the ScfxRegistry contract.
type ScfxRegistryAccessControlEnforcedDefaultAdminDelay struct {
	Schedule *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error AccessControlEnforcedDefaultAdminDelay(uint48 schedule)
func ScfxRegistryAccessControlEnforcedDefaultAdminDelayErrorID() common.Hash {
	return common.HexToHash("0x19ca5ebb8fb33f00e502c9392eddab1501674629178bf69b853cf037aaf4bb5d")
}

// UnpackAccessControlEnforcedDefaultAdminDelayError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error AccessControlEnforcedDefaultAdminDelay(uint48 schedule)
func (scfxRegistry *ScfxRegistry) UnpackAccessControlEnforcedDefaultAdminDelayError(raw []byte) (*ScfxRegistryAccessControlEnforcedDefaultAdminDelay, error) {
	out := new(ScfxRegistryAccessControlEnforcedDefaultAdminDelay)
	if err := scfxRegistry.abi.UnpackIntoInterface(out, "AccessControlEnforcedDefaultAdminDelay", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ScfxRegistryAccessControlEnforcedDefaultAdminRules represents a AccessControlEnforcedDefaultAdminRules error raised by the ScfxRegistry contract.
type ScfxRegistryAccessControlEnforcedDefaultAdminRules struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error AccessControlEnforcedDefaultAdminRules()
func ScfxRegistryAccessControlEnforcedDefaultAdminRulesErrorID() common.Hash {
	return common.HexToHash("0x3fc3c27ae3db78c81b8f6e685172134623efa268ee8cd8d54be38ad2a74fc13b")
}

// UnpackAccessControlEnforcedDefaultAdminRulesError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error AccessControlEnforcedDefaultAdminRules()
func (scfxRegistry *ScfxRegistry) UnpackAccessControlEnforcedDefaultAdminRulesError(raw []byte) (*ScfxRegistryAccessControlEnforcedDefaultAdminRules, error) {
	out := new(ScfxRegistryAccessControlEnforcedDefaultAdminRules)
	if err := scfxRegistry.abi.UnpackIntoInterface(out, "AccessControlEnforcedDefaultAdminRules", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ScfxRegistryAccessControlInvalidDefaultAdmin represents a AccessControlInvalidDefaultAdmin error raised by the ScfxRegistry contract.
type ScfxRegistryAccessControlInvalidDefaultAdmin struct {
	DefaultAdmin common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error AccessControlInvalidDefaultAdmin(address defaultAdmin)
func ScfxRegistryAccessControlInvalidDefaultAdminErrorID() common.Hash {
	return common.HexToHash("0xc22c8022f2a840d6b6a9f113407715f5bbd4e88c1b0dd9434dc00700ba609ed4")
}

// UnpackAccessControlInvalidDefaultAdminError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error AccessControlInvalidDefaultAdmin(address defaultAdmin)
func (scfxRegistry *ScfxRegistry) UnpackAccessControlInvalidDefaultAdminError(raw []byte) (*ScfxRegistryAccessControlInvalidDefaultAdmin, error) {
	out := new(ScfxRegistryAccessControlInvalidDefaultAdmin)
	if err := scfxRegistry.abi.UnpackIntoInterface(out, "AccessControlInvalidDefaultAdmin", raw); err != nil {
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

// ScfxRegistrySafeCastOverflowedUintDowncast represents a SafeCastOverflowedUintDowncast error raised by the ScfxRegistry contract.
type ScfxRegistrySafeCastOverflowedUintDowncast struct {
	Bits  uint8
	Value *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error SafeCastOverflowedUintDowncast(uint8 bits, uint256 value)
func ScfxRegistrySafeCastOverflowedUintDowncastErrorID() common.Hash {
	return common.HexToHash("0x6dfcc6503a32754ce7a89698e18201fc5294fd4aad43edefee786f88423b1a12")
}

// UnpackSafeCastOverflowedUintDowncastError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error SafeCastOverflowedUintDowncast(uint8 bits, uint256 value)
func (scfxRegistry *ScfxRegistry) UnpackSafeCastOverflowedUintDowncastError(raw []byte) (*ScfxRegistrySafeCastOverflowedUintDowncast, error) {
	out := new(ScfxRegistrySafeCastOverflowedUintDowncast)
	if err := scfxRegistry.abi.UnpackIntoInterface(out, "SafeCastOverflowedUintDowncast", raw); err != nil {
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
