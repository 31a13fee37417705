// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"github.com/ethereum/go-ethereum/common"

	"github.com/scfx/scfx/eip712"
)

// SignatureCheck says whether sig, an [R ‖ S ‖ V] signature of digest, is want's
// (the debtor core's for a confirmation or a credit note, the holder's for a
// transfer). The matcher's own is RecoverCheck.
type SignatureCheck func(digest common.Hash, sig []byte, want common.Address) bool

// RecoverCheck is the matcher's signature check: eip712.Recover (which refuses a
// malformed or high-s signature) gives want.
func RecoverCheck(digest common.Hash, sig []byte, want common.Address) bool {
	signer, err := eip712.Recover(digest, sig)
	return err == nil && signer == want
}

// SetSignatureCheck replaces how m checks signatures; nil restores RecoverCheck.
// It is not state. It is for a replay that checks signatures elsewhere, the way
// package audit recovers them on every core beside the replay: such a check must
// answer what RecoverCheck would, or whoever sets it must throw the matcher away
// and replay with RecoverCheck (the audit does), since the state follows the answer.
func (m *Matcher) SetSignatureCheck(f SignatureCheck) { m.sigCheck = f }

// signedBy is the check of every signature the matcher accepts.
func (m *Matcher) signedBy(digest common.Hash, sig []byte, want common.Address) bool {
	if m.sigCheck != nil {
		return m.sigCheck(digest, sig, want)
	}
	return RecoverCheck(digest, sig, want)
}
