// SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/scfx/scfx/ledger"
)

// verifyCmd checks a proof (GET /v1/receivables/{id}/proof) against a chain: exit 0
// when it holds, 1 when it does not, 2 when it could not be checked (the chain could
// not be asked, or cannot tell: a transaction it does not know).
func verifyCmd() *cobra.Command {
	var rpc, in string
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "verify",
		Args:  cobra.NoArgs,
		Short: "Check a receivable's proof against the registry on a chain (exit 0: holds, 1: does not, 2: could not check)",
		Example: `  curl -s -H "Authorization: Bearer $TOKEN" localhost:8080/v1/receivables/rcv_1/proof > proof.json
  scfx verify --rpc http://127.0.0.1:8545 --in proof.json`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			b, err := readInput(cmd, in)
			if err != nil {
				return err
			}
			// Not strict: the API adds fields (kind) that the check does not need.
			var p ledger.ProofJSON
			if err := json.Unmarshal(b, &p); err != nil {
				return exitCode(2, fmt.Errorf("proof JSON: %w", err))
			}
			ctx, cancel := contextWithTimeout(cmd, timeout)
			defer cancel()
			if err := ledger.VerifyProof(ctx, rpc, p); err != nil {
				if errors.Is(err, ledger.ErrInvalidProof) {
					return fmt.Errorf("proof does NOT hold: %w", err)
				}
				return exitCode(2, fmt.Errorf("could not check the proof: %w", err))
			}
			fmt.Fprintf(cmd.OutOrStdout(), "ok: leaf %s is in root %s, anchored at block %d on chain %d by registry %s\n",
				p.Leaf.Hex(), p.Root.Hex(), p.BlockNumber, p.ChainID, p.RegistryAddress.Hex())
			return nil
		},
	}
	cmd.Flags().StringVar(&rpc, "rpc", envOr("SCFX_ETH_RPC", "http://127.0.0.1:8545"), "Ethereum JSON-RPC URL of the proof's chain")
	cmd.Flags().StringVar(&in, "in", "-", "proof JSON file (- for stdin)")
	cmd.Flags().DurationVar(&timeout, "timeout", 30*time.Second, "how long to wait for the chain")
	return cmd
}

// codedError is an error that asks main for an exit status other than 1.
type codedError struct {
	code int
	err  error
}

func (e *codedError) Error() string { return e.err.Error() }
func (e *codedError) Unwrap() error { return e.err }

func exitCode(code int, err error) error { return &codedError{code: code, err: err} }

// exitStatus is the process's exit status for a command's error: 1, or what a
// codedError asks for.
func exitStatus(err error) int {
	var ce *codedError
	if errors.As(err, &ce) {
		return ce.code
	}
	return 1
}
