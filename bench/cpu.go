// SPDX-License-Identifier: Apache-2.0

package bench

// CPU accounting: on a shared machine, a run is only as good as its neighbours.

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// CPUUse is the CPU time spent during a run, in seconds: by the target process, by
// this process (the load generator) and by everything else on the machine.
type CPUUse struct {
	Target float64 `json:"target"`
	Bench  float64 `json:"bench"`
	Other  float64 `json:"other"`
}

// cpuSample holds cumulative CPU seconds; ok is false where /proc is not there.
type cpuSample struct {
	machine, self, target float64
	ok                    bool
}

// procTicksPerSecond is USER_HZ, the unit of /proc/stat: 100 on every Linux port.
const procTicksPerSecond = 100

func sampleCPU(pid int) cpuSample {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return cpuSample{}
	}
	self := time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
	machine, err1 := machineBusyTicks()
	target, err2 := processTicks(pid)
	if err1 != nil || err2 != nil {
		return cpuSample{}
	}
	return cpuSample{machine: machine / procTicksPerSecond, self: self, target: target / procTicksPerSecond, ok: true}
}

func (s cpuSample) since(b cpuSample) *CPUUse {
	if !s.ok || !b.ok {
		return nil
	}
	u := &CPUUse{Target: s.target - b.target, Bench: s.self - b.self}
	u.Other = max(s.machine-b.machine-u.Target-u.Bench, 0)
	return u
}

// machineBusyTicks is the busy time of all CPUs from /proc/stat's "cpu" line: user,
// nice, system, irq, softirq and steal (not idle, not iowait).
func machineBusyTicks() (float64, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, fmt.Errorf("/proc/stat: unexpected %q", line)
	}
	var busy float64
	for _, i := range []int{1, 2, 3, 6, 7, 8} {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/stat: %w", err)
		}
		busy += v
	}
	return busy, nil
}

// processTicks is utime+stime of a process from /proc/<pid>/stat.
func processTicks(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name is in parentheses and may hold spaces: fields count from after it.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	utime, err1 := strconv.ParseFloat(f[11], 64)
	stime, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: bad times", pid)
	}
	return utime + stime, nil
}
