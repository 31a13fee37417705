// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/spf13/cobra"

	"github.com/scfx/scfx/audit"
	"github.com/scfx/scfx/client"
	"github.com/scfx/scfx/ledger"
)

// auditCmd replays a market's journal and checks it against the chain (docs/audit.md):
// exit 0 clean, 1 a proven discrepancy (each printed with its seq), 2 could not check.
func auditCmd() *cobra.Command {
	var url, token, rpc string
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:     "audit",
		Args:    cobra.NoArgs,
		Short:   "Replay a market's journal and check it against the heads anchored on chain (exit 0: clean, 1: discrepancy, 2: could not check)",
		Example: `  scfx audit --url http://127.0.0.1:8080 --token "$AUDITOR_TOKEN" --rpc http://127.0.0.1:8545`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if token == "" {
				return exitCode(2, errors.New("--token (or SCFX_TOKEN) is required: an auditor's or the operator's"))
			}
			debug.SetGCPercent(audit.GCPercent)
			ctx, cancel := contextWithTimeout(cmd, timeout)
			defer cancel()
			var chain *ledger.AuditChain
			defer func() {
				if chain != nil {
					chain.Close()
				}
			}()
			dial := func(ctx context.Context, registry common.Address) (audit.Chain, error) {
				c, err := ledger.DialAudit(ctx, rpc, registry)
				chain = c
				return c, err
			}
			out := cmd.OutOrStdout()
			rep, err := audit.Run(ctx, client.New(url, token), dial, out)
			if err != nil {
				return exitCode(2, err)
			}
			for _, p := range rep.Problems {
				fmt.Fprintf(out, "DISCREPANCY %s\n", p)
			}
			if len(rep.Problems) > 0 {
				return fmt.Errorf("%d discrepancies in %d entries", len(rep.Problems), rep.Entries)
			}
			fmt.Fprintf(out, "ok: %d entries replayed, %d heads, %d batches on chain, %d consistency proofs, %d matches agree\n",
				rep.Entries, rep.Heads, rep.Batches, rep.Consistency, rep.Matches)
			return nil
		},
	}
	cmd.Flags().StringVar(&url, "url", envOr("SCFX_URL", "http://127.0.0.1:8080"), "the server's base URL")
	cmd.Flags().StringVar(&token, "token", envOr("SCFX_TOKEN", ""), "an auditor's (or the operator's) bearer token")
	cmd.Flags().StringVar(&rpc, "rpc", envOr("SCFX_ETH_RPC", "http://127.0.0.1:8545"), "Ethereum JSON-RPC URL of the market's chain")
	cmd.Flags().DurationVar(&timeout, "timeout", 30*time.Minute, "how long the whole audit may take")
	return cmd
}
