// SPDX-License-Identifier: Apache-2.0

// Package demotest checks the output of scfx demo, for the demo package's tests
// and the binary's.
package demotest

import (
	"strconv"
	"strings"
	"testing"
)

// CheckTable finds the per-tier table (header "tier receivables held listed
// financed share avg_bps …") and wants rows for tiers 1, 2 and 3, each with a
// nonzero financed share and average rate.
func CheckTable(t testing.TB, out string) {
	t.Helper()
	lines := strings.Split(out, "\n")
	start := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "tier ") && strings.Contains(l, "share") {
			start = i
		}
	}
	if start < 0 {
		t.Fatalf("no per-tier table in the demo's output:\n%s", out)
	}
	header := strings.Fields(lines[start])
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	for _, name := range []string{"tier", "held", "financed", "share", "avg_bps"} {
		if _, ok := col[name]; !ok {
			t.Fatalf("per-tier table header %q has no %s column", lines[start], name)
		}
	}
	seen := map[string]bool{}
	for _, l := range lines[start+1:] {
		f := strings.Fields(l)
		if len(f) != len(header) {
			break
		}
		tier := f[col["tier"]]
		seen[tier] = true
		share, err := strconv.ParseFloat(strings.TrimSuffix(f[col["share"]], "%"), 64)
		if err != nil || share <= 0 || share > 100 {
			t.Errorf("tier %s: financed share %q, want more than 0%% and at most 100%%", tier, f[col["share"]])
		}
		if rate, err := strconv.ParseFloat(f[col["avg_bps"]], 64); err != nil || rate <= 0 {
			t.Errorf("tier %s: average rate %q bps, want a positive number", tier, f[col["avg_bps"]])
		}
	}
	for _, tier := range []string{"1", "2", "3"} {
		if !seen[tier] {
			t.Errorf("the per-tier table has no row for tier %s:\n%s", tier, strings.Join(lines[start:], "\n"))
		}
	}
}
