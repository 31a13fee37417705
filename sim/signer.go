// SPDX-License-Identifier: Apache-2.0

package sim

import (
	"crypto/ecdsa"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/scfx/scfx/eip712"
)

// signer holds the cores' and SMEs' keys, derived from the seed so that a seed's run
// is the same every time, and signs for them.
type signer struct {
	keys []*ecdsa.PrivateKey
	// cache is keyed by digest: every mode replays the same market, so it signs the
	// same messages, and go-ethereum's signature is a function of key and digest
	// (RFC 6979). Signing is the run's hot cost; the second mode skips it.
	cache map[common.Hash]string
}

func newSigner(seed uint64, n int) (*signer, error) {
	s := &signer{keys: make([]*ecdsa.PrivateKey, n), cache: map[common.Hash]string{}}
	for i := range s.keys {
		k, err := deriveKey(seed, i)
		if err != nil {
			return nil, err
		}
		s.keys[i] = k
	}
	return s, nil
}

// deriveKey is key i of seed: Keccak-256 of a label, re-hashed in the (2^-128) case
// that it is not a valid secp256k1 scalar.
func deriveKey(seed uint64, i int) (*ecdsa.PrivateKey, error) {
	b := crypto.Keccak256([]byte(fmt.Sprintf("scfx-sim-key|%d|%d", seed, i)))
	for range 4 {
		if k, err := crypto.ToECDSA(b); err == nil {
			return k, nil
		}
		b = crypto.Keccak256(b)
	}
	return nil, fmt.Errorf("no valid key for participant %d of seed %d", i, seed)
}

func (s *signer) sign(key int, digest common.Hash) (string, error) {
	if sig, ok := s.cache[digest]; ok {
		return sig, nil
	}
	b, err := eip712.Sign(s.keys[key], digest)
	if err != nil {
		return "", err
	}
	sig := hexutil.Encode(b)
	s.cache[digest] = sig
	return sig, nil
}
