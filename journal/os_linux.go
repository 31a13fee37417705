// SPDX-License-Identifier: Apache-2.0

package journal

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// fdatasync flushes the data of fl and the metadata needed to read it back (its size), but
// not its times: cheaper than fsync for an append-only file.
func fdatasync(fl *os.File) error {
	rc, err := fl.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	err = rc.Control(func(fd uintptr) {
		for {
			serr = unix.Fdatasync(int(fd))
			if !errors.Is(serr, unix.EINTR) {
				return
			}
		}
	})
	if err != nil {
		return err
	}
	return serr
}

// lockDir takes an exclusive lock on dir, so that two processes never append to one
// journal. The lock lasts until the returned file is closed (or the process dies).
func lockDir(path string) (*os.File, error) {
	fl, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, fileMode)
	if err != nil {
		return nil, fmt.Errorf("journal: open lock: %w", err)
	}
	if err := unix.Flock(int(fl.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		fl.Close()
		return nil, fmt.Errorf("journal: %s is locked by another process: %w", path, err)
	}
	return fl, nil
}
