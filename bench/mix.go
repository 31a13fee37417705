// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// benchMixWeightMax bounds one op's weight in --mix.
const benchMixWeightMax = 1000

// benchOp is one kind of request of a mix.
type benchOp int

const (
	opPostReceivable benchOp = iota
	opGetReceivable
	opListReceivables
	opGetBook
	opHealthz
)

var benchOpNames = [...]string{"post_receivable", "get_receivable", "list_receivables", "get_book", "healthz"}

// OpNames are the ops a mix may name, for a flag's help.
func OpNames() []string { return slices.Clone(benchOpNames[:]) }

func (o benchOp) String() string { return benchOpNames[o] }

// mixEntry is one op and its weight; a benchMix lists each op at most once.
type mixEntry struct {
	op     benchOp
	weight int
}

type benchMix []mixEntry

// parseMix reads "op=weight,op=weight" (e.g. "post_receivable=3,get_receivable=7").
func parseMix(s string) (benchMix, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errors.New("--mix is empty: want op=weight[,op=weight…] with ops " + strings.Join(benchOpNames[:], ", "))
	}
	var mix benchMix
	for _, part := range strings.Split(s, ",") {
		name, w, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return nil, fmt.Errorf("--mix %q: %q is not op=weight", s, part)
		}
		op, found := opByName(strings.TrimSpace(name))
		if !found {
			return nil, fmt.Errorf("--mix %q: unknown op %q (supported: %s)", s, name, strings.Join(benchOpNames[:], ", "))
		}
		weight, err := strconv.Atoi(strings.TrimSpace(w))
		if err != nil || weight < 1 || weight > benchMixWeightMax {
			return nil, fmt.Errorf("--mix %q: weight of %s must be an integer from 1 to %d, got %q", s, name, benchMixWeightMax, w)
		}
		if mix.has(op) {
			return nil, fmt.Errorf("--mix %q: %s is given twice", s, name)
		}
		mix = append(mix, mixEntry{op, weight})
	}
	return mix, nil
}

func opByName(name string) (benchOp, bool) {
	for i, n := range benchOpNames {
		if n == name {
			return benchOp(i), true
		}
	}
	return 0, false
}

func (m benchMix) has(op benchOp) bool {
	for _, e := range m {
		if e.op == op {
			return true
		}
	}
	return false
}

func (m benchMix) String() string {
	parts := make([]string, len(m))
	for i, e := range m {
		parts[i] = fmt.Sprintf("%s=%d", e.op, e.weight)
	}
	return strings.Join(parts, ",")
}

// needsSetup: every op but healthz needs participants.
func (m benchMix) needsSetup() bool {
	return len(m) != 1 || m[0].op != opHealthz
}

// cycle is the mix as a sequence of sum(weights) ops, interleaved by smooth weighted
// round robin, so that any window of the sequence keeps the proportions; connections
// start at different offsets of it.
func (m benchMix) cycle() []benchOp {
	total := 0
	for _, e := range m {
		total += e.weight
	}
	current := make([]int, len(m))
	out := make([]benchOp, 0, total)
	for len(out) < total {
		best := 0
		for i, e := range m {
			current[i] += e.weight
			if current[i] > current[best] {
				best = i
			}
		}
		current[best] -= total
		out = append(out, m[best].op)
	}
	return out
}
