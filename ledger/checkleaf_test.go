// SPDX-License-Identifier: Apache-2.0

package ledger

import (
	"errors"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/eip712"
	"github.com/scfx/scfx/merkle"
)

// TestCheckLeafRecomputes (docs/api.md "Proofs": never take the leaf on trust): a
// proof of each kind whose leaf is the hash of its data, signed by the right party,
// passes; any change to the data, a signature by someone else, a kind that does not
// match the data or two leaves' data is ErrInvalidProof; no data is ErrNoLeafData.
func TestCheckLeafRecomputes(t *testing.T) {
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	other, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	signer := crypto.PubkeyToAddress(key.PublicKey)
	dom := eip712.Domain{ChainID: 1337, VerifyingContract: common.HexToAddress("0x5B38Da6a701c568545dCfcB03FcB875f56beddC4")}
	sig := func(d common.Hash, signedBy bool) []byte {
		k := key
		if !signedBy {
			k = other
		}
		s, err := eip712.Sign(k, d)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	conf := eip712.Confirmation{Receivable: "rcv_1", Fingerprint: common.Hash{1}, Creditor: common.Address{2}, Debtor: signer, Amount: 500, Currency: "CNY", DueDate: 86400}
	tr := eip712.Transfer{Receivable: "rcv_1", From: signer, To: common.Address{3}, Amount: 200, Salt: common.Hash{4}}
	cn := eip712.CreditNote{Receivable: "rcv_1", Amount: 50, Reason: "退货", Salt: common.Hash{5}}
	proofs := map[string]func(signedBy bool) ProofJSON{
		"confirmation": func(ok bool) ProofJSON {
			d := eip712.ConfirmationDigest(dom, conf)
			s := sig(d, ok)
			return proofOfData(dom, "confirmation", merkle.ConfirmationLeaf("rcv_1", d, s), wire.LeafData{Confirmation: &wire.SignedConfirmation{
				Receivable: "rcv_1", Fingerprint: conf.Fingerprint, Creditor: conf.Creditor, Debtor: signer, Amount: 500, Currency: "CNY", DueDate: 86400, Signature: s,
			}})
		},
		"transfer": func(ok bool) ProofJSON {
			d := eip712.TransferDigest(dom, tr)
			s := sig(d, ok)
			return proofOfData(dom, "transfer", merkle.TransferLeaf("rcv_2", "rcv_1", d, s), wire.LeafData{Transfer: &wire.SignedTransfer{
				Receivable: "rcv_1", Child: "rcv_2", From: signer, To: tr.To, Amount: 200, Salt: tr.Salt, Signature: s,
			}})
		},
		"credit_note": func(ok bool) ProofJSON {
			d := eip712.CreditNoteDigest(dom, cn)
			s := sig(d, ok)
			return proofOfData(dom, "credit_note", merkle.CreditNoteLeaf("rcv_1", d, s), wire.LeafData{CreditNote: &wire.SignedCreditNote{
				Receivable: "rcv_1", Amount: 50, Reason: cn.Reason, Salt: cn.Salt, Debtor: signer, Signature: s,
			}})
		},
		"assignment": func(bool) ProofJSON {
			return proofOfData(dom, "assignment", merkle.AssignmentLeaf("rcv_2", "mat_1", "par_9", 200, 1_000), wire.LeafData{Assignment: &wire.Assignment{
				Receivable: "rcv_2", MatchID: "mat_1", LenderID: "par_9", Amount: 200, TimeMs: 1_000,
			}})
		},
	}
	for kind, mk := range proofs {
		if err := CheckLeaf(mk(true)); err != nil {
			t.Fatalf("CheckLeaf(%s) = %v, want nil", kind, err)
		}
		bad := map[string]ProofJSON{"amount": mk(true), "chain": mk(true), "kind": mk(true), "two leaves": mk(true)}
		p := bad["amount"]
		switch {
		case p.Confirmation != nil:
			p.Confirmation.Amount++
		case p.Transfer != nil:
			p.Transfer.Amount++
		case p.CreditNote != nil:
			p.CreditNote.Amount++
		default:
			p.Assignment.Amount++
		}
		p = bad["chain"]
		p.ChainID++
		bad["chain"] = p
		p = bad["kind"]
		p.Kind = map[string]string{"assignment": "transfer"}[kind]
		if p.Kind == "" {
			p.Kind = "assignment"
		}
		bad["kind"] = p
		p = bad["two leaves"]
		p.LeafData.Assignment = proofs["assignment"](true).Assignment
		if kind == "assignment" {
			p.LeafData.Transfer = proofs["transfer"](true).Transfer
		}
		bad["two leaves"] = p
		if kind != "assignment" {
			bad["signed by another"] = mk(false)
		} else {
			delete(bad, "chain") // an assignment is not signed: its leaf has no domain
		}
		for name, p := range bad {
			if err := CheckLeaf(p); !errors.Is(err, ErrInvalidProof) {
				t.Errorf("CheckLeaf(%s with %s changed) = %v, want ErrInvalidProof", kind, name, err)
			}
		}
	}
	none := proofs["confirmation"](true)
	none.LeafData = wire.LeafData{}
	if err := CheckLeaf(none); !errors.Is(err, ErrNoLeafData) || errors.Is(err, ErrInvalidProof) {
		t.Fatalf("CheckLeaf(no data) = %v, want ErrNoLeafData alone", err)
	}
}

func proofOfData(dom eip712.Domain, kind string, leaf common.Hash, d wire.LeafData) ProofJSON {
	return ProofJSON{Kind: kind, Leaf: leaf, Root: leaf, Proof: []common.Hash{}, RegistryAddress: dom.VerifyingContract, ChainID: dom.ChainID, LeafData: d}
}
