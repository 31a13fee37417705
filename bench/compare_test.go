// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scfx/scfx/bench/baseline"
)

// TestBenchBaselineBinary: compare runs the baseline binary given by --baseline-bin,
// else the one next to scfx; a missing or non-executable one is refused with how to
// build it.
func TestBenchBaselineBinary(t *testing.T) {
	dir, empty := t.TempDir(), t.TempDir()
	scfx := filepath.Join(dir, "scfx")
	next := filepath.Join(dir, BaselineBinName)
	other := filepath.Join(t.TempDir(), "my-baseline")
	notExec := filepath.Join(dir, "not-exec")
	for _, f := range []struct {
		path string
		mode os.FileMode
	}{{next, 0o755}, {other, 0o755}, {notExec, 0o644}} {
		if err := os.WriteFile(f.path, []byte("#!/bin/sh\n"), f.mode); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		given, scfx string
		want        string // the path, or "" for an error
		errHas      []string
	}{
		{"", scfx, next, nil},
		{other, scfx, other, nil},
		{"", filepath.Join(empty, "scfx"), "", []string{filepath.Join(empty, BaselineBinName), "missing", "make build", "bin/scfx-baseline", "go build -o", "./cmd/scfx-baseline", "--baseline-bin"}},
		{filepath.Join(empty, "nope"), scfx, "", []string{"--baseline-bin " + filepath.Join(empty, "nope"), "missing", "make build"}},
		{notExec, scfx, "", []string{notExec, "not an executable file", "make build"}},
		{dir, scfx, "", []string{"not an executable file"}},
	} {
		got, err := baselineBinary(tc.given, tc.scfx)
		if tc.want != "" {
			if err != nil || got != tc.want {
				t.Errorf("baselineBinary(%q, %q) = %q, %v; want %q", tc.given, tc.scfx, got, err, tc.want)
			}
			continue
		}
		if err == nil {
			t.Errorf("baselineBinary(%q, %q) = %q, want an error", tc.given, tc.scfx, got)
			continue
		}
		for _, s := range tc.errHas {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("baselineBinary(%q, %q) error %q, want it to say %q", tc.given, tc.scfx, err, s)
			}
		}
	}
}

// The bench gives the baseline the token its setup calls answer.
func TestBenchBaselineToken(t *testing.T) {
	if baselineToken != baseline.Token {
		t.Errorf("baselineToken = %q, want the baseline's %q", baselineToken, baseline.Token)
	}
}
