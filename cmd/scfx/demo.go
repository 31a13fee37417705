// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/scfx/scfx/demo"
)

// scfx demo: package demo's market over the HTTP API, against --url or a server
// this binary starts.
func demoCmd() *cobra.Command {
	var cfg demo.Config
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "demo",
		Args:  cobra.NoArgs,
		Short: "Run a small market's whole life over the HTTP API and print what each tier got",
		Long: `Builds two clusters, two cores, six SMEs at tiers 1-3 and three banks, and runs
invoices, confirmations, transfers, offers, listings, matches, funding, proofs and
settlement over the HTTP API. With no --url it starts its own server (this binary's
serve, on a free 127.0.0.1 port with a temporary data directory) and stops it at the end.`,
		Example: `  scfx demo --verbose
  scfx demo --url http://127.0.0.1:8080 --data-dir ./data --chain-rpc http://127.0.0.1:8545`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// Whatever ends the demo early must still stop the server it started: an
			// interrupt, a closed terminal, or a reader that went away (scfx demo | head)
			// — SIGPIPE would otherwise kill this process and leave the child running.
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGPIPE)
			defer stop()
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			if cfg.URL == "" {
				self, err := os.Executable()
				if err != nil {
					return err
				}
				cfg.Executable = self
			}
			return demo.Run(ctx, cfg, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.URL, "url", "", "a running server's base URL; unset: start one")
	f.StringVar(&cfg.Token, "token", "", "the operator's token (with --url; default SCFX_ADMIN_TOKEN, then <data-dir>/admin.token)")
	f.StringVar(&cfg.DataDir, "data-dir", "", "the server's data directory, to read admin.token (with --url; default ./data)")
	f.StringVar(&cfg.ChainRPC, "chain-rpc", "", "the chain's JSON-RPC URL, to check proofs on chain (with --url; the server's --chain-http)")
	f.BoolVarP(&cfg.Verbose, "verbose", "v", false, "print every HTTP call: method, path, request body, status, response body")
	f.DurationVar(&cfg.Wait, "wait", time.Minute, "longest wait for the ledger (financeable, anchored)")
	f.DurationVar(&timeout, "timeout", 5*time.Minute, "longest the whole demo may take")
	return cmd
}
