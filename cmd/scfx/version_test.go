// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func TestVersionCommand(t *testing.T) {
	var out bytes.Buffer
	root := rootCmd()
	root.SetOut(&out)
	root.SetArgs([]string{"version"})
	if err := root.Execute(); err != nil {
		t.Fatalf("scfx version: %v", err)
	}
	if got, want := out.String(), "go: "+runtime.Version()+"\n"; !strings.HasSuffix(got, want) {
		t.Errorf("scfx version = %q, want it to end with %q", got, want)
	}
	if !strings.HasPrefix(out.String(), "scfx ") {
		t.Errorf("scfx version = %q, want it to start with %q", out.String(), "scfx ")
	}
}

func TestVersionText(t *testing.T) {
	stamped := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/scfx/scfx", Version: "v1.2.3"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0f808d1a"},
			{Key: "vcs.time", Value: "2026-12-06T03:00:00Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	for _, tc := range []struct {
		name string
		bi   *debug.BuildInfo
		ok   bool
		want string
	}{
		{"stamped", stamped, true, "scfx github.com/scfx/scfx v1.2.3\nrevision: 0f808d1a (modified)\ncommitted: 2026-12-06T03:00:00Z\ngo: go1.26.8\n"},
		{"no vcs", &debug.BuildInfo{Main: debug.Module{Path: "github.com/scfx/scfx"}}, true, "scfx github.com/scfx/scfx (devel)\ngo: go1.0\n"},
		{"no build info", nil, false, "scfx (no build info)\ngo: go1.0\n"},
	} {
		var b bytes.Buffer
		writeVersion(&b, tc.bi, tc.ok, "go1.0")
		if b.String() != tc.want {
			t.Errorf("%s: writeVersion = %q, want %q", tc.name, b.String(), tc.want)
		}
	}
}

// TestArgsRefused: every command refuses a word it does not take, before it does
// anything, and the root refuses a word that names no command.
func TestArgsRefused(t *testing.T) {
	paths := [][]string{nil}
	var walk func(prefix []string, c *cobra.Command)
	walk = func(prefix []string, c *cobra.Command) {
		for _, sub := range c.Commands() {
			p := append(append([]string{}, prefix...), sub.Name())
			if sub.Args == nil {
				t.Errorf("scfx %s has no Args: give it cobra.NoArgs or what it takes", strings.Join(p, " "))
			}
			paths = append(paths, p)
			walk(p, sub)
		}
	}
	walk(nil, rootCmd())
	for _, p := range paths {
		args := append(append([]string{}, p...), "stray")
		r := rootCmd()
		var out bytes.Buffer
		r.SetOut(&out)
		r.SetErr(&out)
		r.SetArgs(args)
		if err := r.Execute(); err == nil || !strings.Contains(err.Error(), `"stray"`) {
			t.Errorf("scfx %s = %v, want an error naming the stray argument", strings.Join(args, " "), err)
		}
	}
}
