// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"maps"
	"strings"
	"testing"
)

func TestBenchParseMix(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		counts   map[benchOp]int
	}{
		{"post_receivable=1", "post_receivable=1", map[benchOp]int{opPostReceivable: 1}},
		{"get_receivable=1", "get_receivable=1", map[benchOp]int{opGetReceivable: 1}},
		{"post_receivable=3,get_receivable=7", "post_receivable=3,get_receivable=7", map[benchOp]int{opPostReceivable: 3, opGetReceivable: 7}},
		{" healthz = 2 , get_book=1,list_receivables=1", "healthz=2,get_book=1,list_receivables=1", map[benchOp]int{opHealthz: 2, opGetBook: 1, opListReceivables: 1}},
	} {
		mix, err := parseMix(tc.in)
		if err != nil {
			t.Errorf("parseMix(%q): %v", tc.in, err)
			continue
		}
		if got := mix.String(); got != tc.want {
			t.Errorf("parseMix(%q) = %s, want %s", tc.in, got, tc.want)
		}
		counts := map[benchOp]int{}
		for _, op := range mix.cycle() {
			counts[op]++
		}
		if !maps.Equal(counts, tc.counts) {
			t.Errorf("parseMix(%q).cycle() has %v, want %v", tc.in, counts, tc.counts)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"", "--mix is empty"},
		{"post_receivable", `is not op=weight`},
		{"post=1", `unknown op "post" (supported: post_receivable, get_receivable`},
		{"post_receivable=0", "weight of post_receivable must be an integer from 1 to 1000"},
		{"post_receivable=-1", "must be an integer from 1 to 1000"},
		{"post_receivable=1.5", "must be an integer from 1 to 1000"},
		{"post_receivable=1001", "must be an integer from 1 to 1000"},
		{"post_receivable=1,", `"" is not op=weight`},
		{"post_receivable=1,post_receivable=2", "post_receivable is given twice"},
	} {
		_, err := parseMix(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseMix(%q) = %v, want an error with %q", tc.in, err, tc.want)
		}
	}
}

// TestBenchMixCycleInterleaved: 3:7 does not run 3 posts then 7 gets.
func TestBenchMixCycleInterleaved(t *testing.T) {
	mix, err := parseMix("post_receivable=3,get_receivable=7")
	if err != nil {
		t.Fatal(err)
	}
	c := mix.cycle()
	for i := 0; i+1 < len(c); i++ {
		if c[i] == opPostReceivable && c[i+1] == opPostReceivable {
			t.Fatalf("cycle %v has two posts in a row", c)
		}
	}
}
