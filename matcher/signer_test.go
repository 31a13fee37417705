// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/scfx/scfx/eip712"
)

// SetSignatureCheck: the matcher asks the check it was given, with the digest, the
// signature and the signer it wants (package audit recovers on other cores); nil
// puts RecoverCheck back.
func TestSetSignatureCheck(t *testing.T) {
	w := newWorld(t)
	sme, core := w.sme("", ""), w.core("AAA")
	id := w.receivable(sme, core, 1_000_000, 90)
	good := w.confirmCmd(id)
	digest := eip712.ConfirmationDigest(w.domain(), w.m.ConfirmationOf(w.rcv(id)))
	var asked []common.Address
	w.m.SetSignatureCheck(func(d common.Hash, sig []byte, want common.Address) bool {
		if d != digest || !RecoverCheck(d, sig, want) {
			t.Errorf("the check was asked about digest %s, signature %x for %s: not the confirmation's", d.Hex(), sig, want.Hex())
		}
		asked = append(asked, want)
		return false
	})
	w.wantCode(w.as(core, good), CodeInvalidSignature, w.hash())
	if len(asked) != 1 || asked[0] != w.m.s.Participants.get(core).Address {
		t.Fatalf("the check was asked for %v, want once for the core's address", asked)
	}
	w.m.SetSignatureCheck(nil)
	if got := w.must(w.as(core, good)).Receivable; got.Status != StatusConfirmed {
		t.Fatalf("with RecoverCheck back: %s, want confirmed", got.Status)
	}
}
