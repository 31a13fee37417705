// SPDX-License-Identifier: Apache-2.0

package redistest

import (
	"fmt"
	"os"
	"syscall"
)

// sysProcAttr has the kernel kill redis-server when the test process dies, so that a
// test binary killed by its timeout leaves no server behind.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// lockFile takes an exclusive flock on path, waiting for it; unlock releases it.
func lockFile(path string) (unlock func(), err error) {
	fl, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open install lock: %w", err)
	}
	if err := syscall.Flock(int(fl.Fd()), syscall.LOCK_EX); err != nil {
		fl.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() {
		_ = syscall.Flock(int(fl.Fd()), syscall.LOCK_UN)
		fl.Close()
	}, nil
}

var sigStop, sigCont os.Signal = syscall.SIGSTOP, syscall.SIGCONT
