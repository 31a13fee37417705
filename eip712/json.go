// SPDX-License-Identifier: Apache-2.0

package eip712

import (
	"math/big"

	"github.com/ethereum/go-ethereum/signer/core/apitypes"
)

// JSONTypedData is typed data in the JSON shape every EIP-712 client accepts.
//
// apitypes.TypedData marshals its domain with "salt": "" and chainId as a hex
// string. MetaMask ignores both, but ethers v6 rejects the empty salt ("invalid
// BytesLike") when handed the domain as served, and viem expects a number for
// chainId. Serve this shape instead; it unmarshals back into apitypes.TypedData
// and hashes to the same digest (tested).
type JSONTypedData struct {
	Types       apitypes.Types            `json:"types"`
	PrimaryType string                    `json:"primaryType"`
	Domain      JSONDomain                `json:"domain"`
	Message     apitypes.TypedDataMessage `json:"message"`
}

// JSONDomain is the EIP-712 domain with chainId as a JSON number and unset
// fields left out.
type JSONDomain struct {
	Name              string   `json:"name,omitempty"`
	Version           string   `json:"version,omitempty"`
	ChainID           *big.Int `json:"chainId,omitempty"`
	VerifyingContract string   `json:"verifyingContract,omitempty"`
	Salt              string   `json:"salt,omitempty"`
}

// ToJSON returns td in the shape of eth_signTypedData_v4's typed data, ready for
// json.Marshal.
func ToJSON(td apitypes.TypedData) JSONTypedData {
	d := JSONDomain{
		Name:              td.Domain.Name,
		Version:           td.Domain.Version,
		VerifyingContract: td.Domain.VerifyingContract,
		Salt:              td.Domain.Salt,
	}
	if td.Domain.ChainId != nil {
		d.ChainID = new(big.Int).Set((*big.Int)(td.Domain.ChainId))
	}
	return JSONTypedData{Types: td.Types, PrimaryType: td.PrimaryType, Domain: d, Message: td.Message}
}
