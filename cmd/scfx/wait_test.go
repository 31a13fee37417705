// SPDX-License-Identifier: Apache-2.0

package main

import (
	"flag"
	"os"
	"strconv"
	"testing"
	"time"
)

var seedFlag = flag.Uint64("seed", 0, "seed of the tests' random load (0: SCFX_TEST_SEED, else the clock)")

// testSeed is the seed of a test's random load: -seed, else SCFX_TEST_SEED, else the
// clock. It is logged, so that a failure can be run again with the same load.
func testSeed(t *testing.T) uint64 {
	t.Helper()
	seed := *seedFlag
	if s := os.Getenv("SCFX_TEST_SEED"); seed == 0 && s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("SCFX_TEST_SEED=%q: %v", s, err)
		}
		seed = n
	}
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (rerun: go test ./cmd/scfx -run '^%s$' -seed=%d)", seed, t.Name(), seed)
	return seed
}

// waitFor polls cond every few milliseconds until it holds, and fails the test with
// what was awaited if it does not within timeout. A test waits on the condition it
// needs rather than sleeping for a time that a slower machine would outlast.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
