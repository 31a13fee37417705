// SPDX-License-Identifier: Apache-2.0

// Package tmpfstest gives a test a real, small file system that fills up: a tmpfs
// mounted on a directory, so that ENOSPC comes from the kernel, not from a fake.
// Mounting needs root: CI runs as root and sets CI, and then a failed mount fails the
// test; elsewhere the test is skipped, saying so.
package tmpfstest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// Mount mounts a tmpfs of size bytes on a new temporary directory and unmounts it
// when the test ends.
func Mount(t testing.TB, size int) string {
	t.Helper()
	dir := t.TempDir()
	MountOn(t, dir, size)
	return dir
}

// MountOn mounts a tmpfs of size bytes on dir (made if missing) and unmounts it when
// the test ends.
func MountOn(t testing.TB, dir string, size int) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, fmt.Sprintf("size=%d,mode=0700", size)); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("mount a tmpfs on %s: %v (CI must run this test as root)", dir, err)
		}
		t.Skipf("SKIPPED, NOT TESTED: mount a tmpfs on %s: %v (run as root to fill a real file system)", dir, err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
}

// Fill writes into dir until the file system is full and returns the filler's path;
// removing it frees the space again.
func Fill(t testing.TB, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatalf("fill %s: %v", dir, err)
	}
	defer f.Close()
	buf := make([]byte, 4096)
	for {
		if _, err := f.Write(buf); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("fill %s: %v, want ENOSPC", dir, err)
			}
			return path
		}
	}
}
