// SPDX-License-Identifier: Apache-2.0

//go:build !linux

package redistest

import (
	"errors"
	"os"
	"syscall"
)

func sysProcAttr() *syscall.SysProcAttr { return nil }

// lockFile: installing with apt-get is for Debian; elsewhere install Redis by hand.
func lockFile(string) (func(), error) {
	return nil, errors.New("installing redis-server is supported on Linux only")
}

// Pause and Resume are for Linux: elsewhere they fail.
var sigStop, sigCont os.Signal
