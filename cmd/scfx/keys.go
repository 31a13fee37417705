// SPDX-License-Identifier: Apache-2.0

package main

import (
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"
	"github.com/spf13/cobra"

	"github.com/scfx/scfx/eip712"
)

// maxTypedDataBytes bounds what sign reads: typed data is a few hundred bytes.
const maxTypedDataBytes = 1 << 20

func keygenCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "keygen",
		Args:  cobra.NoArgs,
		Short: "Make a secp256k1 key file (hex) and print its address",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return errors.New("--out is required")
			}
			key, err := crypto.GenerateKey()
			if err != nil {
				return err
			}
			f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if err != nil {
				return fmt.Errorf("keygen: %w", err)
			}
			_, err = fmt.Fprintln(f, hexutil.Encode(crypto.FromECDSA(key)))
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), crypto.PubkeyToAddress(key.PublicKey).Hex())
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "key file to create (mode 0600; never overwritten)")
	return cmd
}

// loadKey reads a key file: one hex secp256k1 private key, with or without 0x.
func loadKey(path string) (*ecdsa.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read key: %w", err)
	}
	k, err := crypto.HexToECDSA(strings.TrimPrefix(strings.TrimSpace(string(b)), "0x"))
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	return k, nil
}

// signTypedData signs eth_signTypedData_v4 JSON as a wallet would.
func signTypedData(key *ecdsa.PrivateKey, typed []byte) (string, common.Address, error) {
	var td apitypes.TypedData
	if err := json.Unmarshal(typed, &td); err != nil {
		return "", common.Address{}, fmt.Errorf("typed data: %w", err)
	}
	digest, _, err := apitypes.TypedDataAndHash(td)
	if err != nil {
		return "", common.Address{}, fmt.Errorf("typed data: %w", err)
	}
	sig, err := eip712.Sign(key, common.BytesToHash(digest))
	if err != nil {
		return "", common.Address{}, err
	}
	return hexutil.Encode(sig), crypto.PubkeyToAddress(key.PublicKey), nil
}

func signCmd() *cobra.Command {
	var keyFile, in string
	cmd := &cobra.Command{
		Use:   "sign",
		Args:  cobra.NoArgs,
		Short: "Sign EIP-712 typed data (from a typed-data endpoint) with a key file; prints the signature",
		Example: `  curl -s -H "Authorization: Bearer $CORE" localhost:8080/v1/receivables/rcv_1/typed-data > td.json
  scfx sign --key core.key --in td.json`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			key, err := loadKey(keyFile)
			if err != nil {
				return err
			}
			typed, err := readInput(cmd, in)
			if err != nil {
				return err
			}
			sig, _, err := signTypedData(key, typed)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), sig)
			return nil
		},
	}
	cmd.Flags().StringVar(&keyFile, "key", "", "key file (hex secp256k1)")
	cmd.Flags().StringVar(&in, "in", "-", "typed data JSON file (- for stdin)")
	_ = cmd.MarkFlagRequired("key")
	return cmd
}

// readInput reads the file named by in, or standard input for "" or "-", up to a
// limit: what sign and verify take is a few kilobytes of JSON.
func readInput(cmd *cobra.Command, in string) ([]byte, error) {
	var r io.Reader = cmd.InOrStdin()
	if in != "" && in != "-" {
		f, err := os.Open(in)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	return io.ReadAll(io.LimitReader(r, maxTypedDataBytes))
}
