// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

func versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print scfx's module version, the commit it was built from, and the Go version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			bi, ok := debug.ReadBuildInfo()
			writeVersion(cmd.OutOrStdout(), bi, ok, runtime.Version())
			return nil
		},
	}
}

// writeVersion prints what the binary knows of its build: the module version
// ("(devel)" from a work tree, vX.Y.Z from go install), the VCS revision and time
// that go build stamps from a git checkout (absent with -buildvcs=false), and the Go
// version, which is the runtime's when the build info is missing.
func writeVersion(w io.Writer, bi *debug.BuildInfo, ok bool, goVersion string) {
	if !ok || bi == nil {
		fmt.Fprintf(w, "scfx (no build info)\ngo: %s\n", goVersion)
		return
	}
	version := bi.Main.Version
	if version == "" {
		version = "(devel)"
	}
	fmt.Fprintf(w, "scfx %s %s\n", bi.Main.Path, version)
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	if rev := settings["vcs.revision"]; rev != "" {
		if settings["vcs.modified"] == "true" {
			rev += " (modified)"
		}
		fmt.Fprintf(w, "revision: %s\n", rev)
	}
	if t := settings["vcs.time"]; t != "" {
		fmt.Fprintf(w, "committed: %s\n", t)
	}
	if bi.GoVersion != "" {
		goVersion = bi.GoVersion
	}
	fmt.Fprintf(w, "go: %s\n", goVersion)
}
