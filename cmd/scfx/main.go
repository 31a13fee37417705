// SPDX-License-Identifier: Apache-2.0

// Command scfx is the supply-chain finance exchange: one binary that serves the API
// with everything embedded (serve), signs and verifies (keygen, sign, verify), and
// exercises a running server (demo, bench).
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
)

func main() {
	if err := rootCmd().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "scfx:", err)
		os.Exit(exitStatus(err))
	}
}

// rootCmd is the command tree. Every command refuses arguments it does not take
// (cobra.NoArgs): a stray word, such as a flag's value after a space where = was
// meant, fails rather than being ignored. The root keeps cobra's default, which
// already answers "unknown command" to a word that names no command.
func rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "scfx",
		Short:         "scfx — a supply-chain finance exchange (去中心化供应链融资)",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(serveCmd(), keygenCmd(), signCmd(), verifyCmd(), auditCmd(), benchCmd(), demoCmd(), simCmd(), versionCmd())
	return root
}

// envOr is a flag's default: its SCFX_* variable when set.
func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

func contextWithTimeout(cmd *cobra.Command, d time.Duration) (context.Context, context.CancelFunc) {
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	return context.WithTimeout(ctx, d)
}
