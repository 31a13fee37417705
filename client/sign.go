// SPDX-License-Identifier: Apache-2.0

package client

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/eip712"
)

// SignTypedData signs EIP-712 typed data (the JSON of eth_signTypedData_v4, as the
// typed-data endpoints serve it) with key, as a wallet would, and returns the
// 0x-hex 65-byte signature (v 27 or 28).
func SignTypedData(key *ecdsa.PrivateKey, typedData []byte) (string, error) {
	var td apitypes.TypedData
	if err := json.Unmarshal(typedData, &td); err != nil {
		return "", fmt.Errorf("typed data: %w", err)
	}
	digest, _, err := apitypes.TypedDataAndHash(td)
	if err != nil {
		return "", fmt.Errorf("typed data: %w", err)
	}
	sig, err := eip712.Sign(key, common.BytesToHash(digest))
	if err != nil {
		return "", err
	}
	return hexutil.Encode(sig), nil
}

// SignConfirmation confirms receivable id as its debtor core: it fetches the
// Confirmation typed data, checks it names the receivable and key's address as
// debtor, signs it with key and posts the signature.
func (c *Client) SignConfirmation(ctx context.Context, id string, key *ecdsa.PrivateKey) (*wire.Receivable, error) {
	typed, err := c.ConfirmationTypedData(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := checkMessage(typed, eip712.ConfirmationType, map[string]string{
		"receivable": id, "debtor": crypto.PubkeyToAddress(key.PublicKey).Hex(),
	}); err != nil {
		return nil, fmt.Errorf("confirm %s: %w", id, err)
	}
	sig, err := SignTypedData(key, typed)
	if err != nil {
		return nil, err
	}
	return c.Confirm(ctx, id, wire.ConfirmRequest{Signature: sig})
}

// SignTransfer passes amountFen of receivable id to the SME toID as its holder:
// it picks a fresh salt, fetches the Transfer typed data, checks it says what was
// asked and names key's address as sender, signs it with key and posts it. The
// answer is the new part.
func (c *Client) SignTransfer(ctx context.Context, id, toID string, amountFen int64, key *ecdsa.PrivateKey) (*wire.Receivable, error) {
	var salt common.Hash
	_, _ = rand.Read(salt[:]) // never fails (crypto/rand)
	typed, err := c.TransferTypedData(ctx, id, toID, amountFen, salt.Hex())
	if err != nil {
		return nil, err
	}
	if err := checkMessage(typed, eip712.TransferType, map[string]string{
		"receivable": id, "amount": big.NewInt(amountFen).String(), "salt": salt.Hex(),
		"from": crypto.PubkeyToAddress(key.PublicKey).Hex(),
	}); err != nil {
		return nil, fmt.Errorf("transfer %s: %w", id, err)
	}
	sig, err := SignTypedData(key, typed)
	if err != nil {
		return nil, err
	}
	return c.Transfer(ctx, id, wire.TransferRequest{ToID: toID, Amount: amountFen, Salt: salt.Hex(), Signature: sig})
}

// SignCreditNote issues, as the debtor core, a credit note of amountFen for reason
// on the invoice id: it picks a fresh salt, fetches the CreditNote typed data,
// checks it says what was asked, signs it with key and posts it.
func (c *Client) SignCreditNote(ctx context.Context, id string, amountFen int64, reason string, key *ecdsa.PrivateKey) (*wire.Receivable, error) {
	var salt common.Hash
	_, _ = rand.Read(salt[:]) // never fails (crypto/rand)
	typed, err := c.CreditNoteTypedData(ctx, id, amountFen, reason, salt.Hex())
	if err != nil {
		return nil, err
	}
	if err := checkMessage(typed, eip712.CreditNoteType, map[string]string{
		"receivable": id, "amount": big.NewInt(amountFen).String(), "reason": reason, "salt": salt.Hex(),
	}); err != nil {
		return nil, fmt.Errorf("credit note on %s: %w", id, err)
	}
	sig, err := SignTypedData(key, typed)
	if err != nil {
		return nil, err
	}
	return c.IssueCreditNote(ctx, id, wire.CreditNoteRequest{Amount: amountFen, Reason: reason, Salt: salt.Hex(), Signature: sig})
}

// checkMessage refuses typed data that is not of primaryType or whose message
// members differ from want: a client signs what it asked for, not whatever the
// server sent.
func checkMessage(typed []byte, primaryType string, want map[string]string) error {
	var td struct {
		PrimaryType string         `json:"primaryType"`
		Message     map[string]any `json:"message"`
	}
	if err := json.Unmarshal(typed, &td); err != nil {
		return fmt.Errorf("typed data: %w", err)
	}
	if td.PrimaryType != primaryType {
		return fmt.Errorf("typed data is a %q, want %q", td.PrimaryType, primaryType)
	}
	for k, v := range want {
		got := fmt.Sprint(td.Message[k])
		if !strings.EqualFold(got, v) { // addresses and hashes: any hex case
			return fmt.Errorf("typed data's %s is %q, want %q", k, got, v)
		}
	}
	return nil
}
