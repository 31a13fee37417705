// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/spf13/cobra"

	"github.com/scfx/scfx/ledger"
)

// verifyCmd checks a proof (GET /v1/receivables/{id}/proof) or, with --lineage, a
// lineage (GET /v1/receivables/{id}/lineage) against a chain: exit 0 when it holds,
// 1 when it does not, 2 when it could not be checked (the chain could not be asked,
// or cannot tell: a transaction it does not know).
func verifyCmd() *cobra.Command {
	var rpc, in, lineage string
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "verify",
		Args:  cobra.NoArgs,
		Short: "Check a receivable's proof or lineage against the registry on a chain (exit 0: holds, 1: does not, 2: could not check)",
		Example: `  curl -s -H "Authorization: Bearer $TOKEN" localhost:8080/v1/receivables/rcv_1/proof > proof.json
  scfx verify --rpc http://127.0.0.1:8545 --in proof.json
  curl -s -H "Authorization: Bearer $TOKEN" localhost:8080/v1/receivables/rcv_7/lineage > lineage.json
  scfx verify --rpc http://127.0.0.1:8545 --lineage lineage.json`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := contextWithTimeout(cmd, timeout)
			defer cancel()
			if lineage != "" {
				if cmd.Flags().Changed("in") {
					return errors.New("verify: --in and --lineage exclude each other")
				}
				return verifyLineage(ctx, cmd, rpc, lineage)
			}
			b, err := readInput(cmd, in)
			if err != nil {
				return err
			}
			// Not strict: a verifier reads what it needs and checks all of it.
			var p ledger.ProofJSON
			if err := json.Unmarshal(b, &p); err != nil {
				return exitCode(2, fmt.Errorf("proof JSON: %w", err))
			}
			if err := ledger.VerifyProof(ctx, rpc, p); err != nil {
				return verdict("proof", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "ok: leaf %s (recomputed from its %s) is in root %s, anchored at block %d on chain %d by registry %s\n",
				p.Leaf.Hex(), p.Kind, p.Root.Hex(), p.BlockNumber, p.ChainID, p.RegistryAddress.Hex())
			return nil
		},
	}
	cmd.Flags().StringVar(&rpc, "rpc", envOr("SCFX_ETH_RPC", "http://127.0.0.1:8545"), "Ethereum JSON-RPC URL of the proof's chain")
	cmd.Flags().StringVar(&in, "in", "-", "proof JSON file (- for stdin)")
	cmd.Flags().StringVar(&lineage, "lineage", "", "lineage JSON file (- for stdin) instead of a proof")
	cmd.Flags().DurationVar(&timeout, "timeout", 30*time.Second, "how long to wait for the chain")
	return cmd
}

// verifyLineage checks the lineage in file and prints each hop it proved.
func verifyLineage(ctx context.Context, cmd *cobra.Command, rpc, file string) error {
	b, err := readInput(cmd, file)
	if err != nil {
		return exitCode(2, fmt.Errorf("lineage: %w", err))
	}
	var l ledger.LineageJSON
	if err := json.Unmarshal(b, &l); err != nil {
		return exitCode(2, fmt.Errorf("lineage JSON: %w", err))
	}
	if err := ledger.VerifyLineage(ctx, rpc, l); err != nil {
		return verdict("lineage", err)
	}
	out := cmd.OutOrStdout()
	for i, h := range l.Hops {
		signer, what := common.Address{}, "confirmed by the core"
		if h.Confirmation != nil {
			signer = h.Confirmation.Debtor
		} else {
			signer, what = h.Transfer.From, "transferred by its holder"
		}
		fmt.Fprintf(out, "hop %d: %s tier %d, %d fen, %s %s; leaf %s anchored at block %d (tx %s)\n",
			i, h.ReceivableID, h.Tier, h.Amount, what, signer.Hex(), h.Leaf.Hex(), h.BlockNumber, h.TxHash.Hex())
	}
	first := l.Hops[0]
	fmt.Fprintf(out, "ok: %s goes back in %d hops to the core's confirmation of %s; fingerprint %s registered under %s in registry %s on chain %d\n",
		l.ReceivableID, len(l.Hops), first.ReceivableID, first.Confirmation.Fingerprint.Hex(), l.RegistryRef.Hex(), first.RegistryAddress.Hex(), first.ChainID)
	return nil
}

// verdict is the exit for a failed check: 1 when what was proven wrong, 2 when it
// could not be checked.
func verdict(what string, err error) error {
	if errors.Is(err, ledger.ErrInvalidProof) {
		return fmt.Errorf("%s does NOT hold: %w", what, err)
	}
	return exitCode(2, fmt.Errorf("could not check the %s: %w", what, err))
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
