// SPDX-License-Identifier: Apache-2.0

//go:build !linux

package journal

import "os"

// fdatasync falls back to a full fsync where fdatasync is not available.
func fdatasync(fl *os.File) error { return fl.Sync() }

// lockDir only creates the lock file: elsewhere than Linux, two processes opening one
// journal are not prevented (scfx runs in production on Linux).
func lockDir(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE, fileMode)
}
