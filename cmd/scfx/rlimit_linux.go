// SPDX-License-Identifier: Apache-2.0

//go:build linux

package main

import "syscall"

// raiseOpenFiles lifts the soft limit on open files to the hard one: every HTTP
// connection holds a file descriptor, and the soft limit (often 1024) is what a
// connection flood exhausts first. It returns the limits as they are afterwards.
func raiseOpenFiles() (soft, hard uint64, err error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, 0, err
	}
	if lim.Cur < lim.Max {
		raised := lim
		raised.Cur = lim.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &raised); err != nil {
			return lim.Cur, lim.Max, err
		}
		lim = raised
	}
	return lim.Cur, lim.Max, nil
}
