// SPDX-License-Identifier: Apache-2.0

package main

import (
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/scfx/scfx/bench"
)

// benchCmd is `scfx bench` and `scfx bench compare`: flags into a bench.Config; the
// load, the setup and the comparison are package bench's.
func benchCmd() *cobra.Command {
	var cfg bench.Config
	var asJSON bool
	var url, token, dataDir string
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Load a running scfx: throughput and latency p50/p90/p99/p99.9 (no coordinated omission)",
		Example: `  scfx bench --connections 64 --duration 15s --mix post_receivable=3,get_receivable=7
  scfx bench --rate 2000 --mix get_receivable=1 --json
  scfx bench compare --connections 64 --duration 15s --mix post_receivable=1`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := cfg.Check(); err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			if token == "" && cfg.NeedsToken() {
				var err error
				if token, err = bench.ReadTokenFile(filepath.Join(dataDir, "admin.token")); err != nil {
					return err
				}
			}
			res, err := bench.Run(ctx, url, token, cfg)
			if err != nil {
				return err
			}
			return bench.PrintResult(cmd.OutOrStdout(), asJSON, res)
		},
	}
	f := cmd.Flags()
	f.StringVar(&url, "url", "http://127.0.0.1:8080", "base URL of the scfx API; several, comma-separated, to spread the connections over replicas (set up through the first)")
	f.StringVar(&token, "token", envOr("SCFX_ADMIN_TOKEN", ""), "operator token (SCFX_ADMIN_TOKEN); default read from <data-dir>/admin.token")
	f.StringVar(&dataDir, "data-dir", envOr("SCFX_DATA_DIR", "./data"), "data directory of the server, for its admin.token (SCFX_DATA_DIR)")
	addLoadFlags(cmd, &cfg, &asJSON)
	cmd.AddCommand(compareCmd())
	return cmd
}

func compareCmd() *cobra.Command {
	var cc bench.CompareConfig
	var asJSON bool
	var serveFlags string
	cmd := &cobra.Command{
		Use:   "compare",
		Short: "Start scfx serve (fresh data dir) and the baseline (" + bench.BaselineBinName + ") as child processes and load each in turn",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := cc.Check(); err != nil {
				return err
			}
			exe, err := os.Executable()
			if err != nil {
				return err
			}
			cc.ScfxBin, cc.ServeFlags = exe, strings.Fields(serveFlags)
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			res, err := bench.Compare(ctx, cc, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			return bench.PrintCompare(cmd.OutOrStdout(), asJSON, res)
		},
	}
	addLoadFlags(cmd, &cc.Config, &asJSON)
	f := cmd.Flags()
	f.StringVar(&cc.TmpDir, "tmp-dir", os.TempDir(), "where serve's fresh data directory is made (use a real disk: the journal fsyncs)")
	f.StringVar(&serveFlags, "serve-flags", "", `more flags for scfx serve, space-separated (e.g. "--snapshot-every 1000000000")`)
	f.StringVar(&cc.BaselineBin, "baseline-bin", "", "the baseline binary (make build: bin/"+bench.BaselineBinName+"); default "+bench.BaselineBinName+" next to this scfx")
	return cmd
}

func addLoadFlags(cmd *cobra.Command, cfg *bench.Config, asJSON *bool) {
	f := cmd.Flags()
	f.IntVar(&cfg.Connections, "connections", 64, "concurrent connections, each with one request in flight")
	f.DurationVar(&cfg.Duration, "duration", 10*time.Second, "measured time, after the warmup")
	f.DurationVar(&cfg.Warmup, "warmup", 2*time.Second, "load before measuring (not recorded)")
	f.Float64Var(&cfg.Rate, "rate", 0, "requests/s in total on a fixed schedule, latency from the scheduled start; 0: closed loop")
	f.StringVar(&cfg.Mix, "mix", "post_receivable=1", "request mix op=weight,…: "+strings.Join(bench.OpNames(), ", "))
	f.BoolVar(asJSON, "json", false, "print machine-readable JSON")
}
