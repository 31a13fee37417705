// SPDX-License-Identifier: Apache-2.0

// Command scfx-baseline serves the bare baseline of package bench/baseline, the
// comparison point that `scfx bench compare` runs next to `scfx serve`. It is a
// binary of its own so that scfx contains no fake server.
//
//	scfx-baseline [--addr 127.0.0.1:8081]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/scfx/scfx/bench/baseline"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "scfx-baseline:", err)
		os.Exit(2)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("scfx-baseline", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8081", "listen address")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return baseline.Serve(ctx, *addr, os.Stderr)
}
