// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bufio"
	"math"
	"os"
	"strconv"
	"strings"
)

// A soft memory limit for serve. GOGC 400 (defaultGCPercent) lets the heap grow to
// about five times the live state; with a large market that could outgrow the
// machine. Unless GOMEMLIMIT is set, serve sets Go's soft memory limit to
// memoryLimitShare of the memory it may use — its cgroup's limit when it has one
// (containers), else the machine's — so the collector works harder as the heap
// nears it, instead of the kernel killing the process.
const memoryLimitShare = 0.75

// memoryAvailable is the cgroup v2 limit, else the cgroup v1 limit, else MemTotal;
// 0 when none can be read.
func memoryAvailable() int64 {
	for _, path := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		if b, err := os.ReadFile(path); err == nil {
			if n, ok := parseCgroupLimit(string(b)); ok {
				return n
			}
		}
	}
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	return parseMemTotal(bufio.NewScanner(f))
}

// parseCgroupLimit reads memory.max ("max" or bytes) or limit_in_bytes; cgroup v1
// writes a huge number for "no limit", which counts as none.
func parseCgroupLimit(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n >= 1<<60 {
		return 0, false
	}
	return n, true
}

func parseMemTotal(sc *bufio.Scanner) int64 {
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			return 0
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil || kb <= 0 || kb > math.MaxInt64/1024 {
			return 0
		}
		return kb * 1024
	}
	return 0
}

// memoryLimit is the soft limit serve sets, and whether it sets one: none when
// GOMEMLIMIT is in the environment (the runtime applied it) or nothing is known.
func memoryLimit(gomemlimitEnv string, available int64) (int64, bool) {
	if gomemlimitEnv != "" || available <= 0 {
		return 0, false
	}
	return int64(float64(available) * memoryLimitShare), true
}
