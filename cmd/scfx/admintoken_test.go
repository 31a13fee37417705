// SPDX-License-Identifier: Apache-2.0

package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scfx/scfx/internal/tmpfstest"
)

// SCFX_ADMIN_TOKEN shorter than 32 or longer than 256 characters is
// refused with a message that says what is wanted.
func TestAdminTokenFromEnvLength(t *testing.T) {
	cfg := serveConfig{DataDir: t.TempDir()}
	for _, c := range []struct {
		n  int
		ok bool
	}{{1, false}, {31, false}, {32, true}, {256, true}, {257, false}} {
		tok := strings.Repeat("k", c.n)
		t.Setenv("SCFX_ADMIN_TOKEN", tok)
		got, err := adminToken(cfg)
		if c.ok && (err != nil || got != tok) {
			t.Errorf("token of %d characters: %q, %v; want it accepted", c.n, got, err)
		}
		if !c.ok && (err == nil || !strings.Contains(err.Error(), "32 to 256 characters")) {
			t.Errorf("token of %d characters: err %v, want a refusal naming 32 to 256 characters", c.n, err)
		}
	}
}

// A token file holding a short token is refused too, and an empty one says what to do.
func TestAdminTokenFileChecked(t *testing.T) {
	t.Setenv("SCFX_ADMIN_TOKEN", "")
	dir := t.TempDir()
	path := filepath.Join(dir, "admin.token")
	for _, c := range []struct{ body, want string }{
		{"short\n", "32 to 256 characters"},
		{"\n", "delete it"},
	} {
		if err := os.WriteFile(path, []byte(c.body), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := adminToken(serveConfig{DataDir: dir}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("token file %q: err %v, want one saying %q", c.body, err, c.want)
		}
	}
}

// On a full disk the first start fails and leaves no token file (a
// 0-byte file would make every later start fail); once there is room, the next start
// makes a whole token, mode 0600, and keeps it.
func TestAdminTokenFileAtomicOnFullDisk(t *testing.T) {
	t.Setenv("SCFX_ADMIN_TOKEN", "")
	dir := tmpfstest.Mount(t, 64<<10)
	filler := tmpfstest.Fill(t, dir)
	cfg := serveConfig{DataDir: dir}
	path := filepath.Join(dir, "admin.token")
	if _, err := adminToken(cfg); err == nil {
		t.Fatal("adminToken on a full disk: nil error")
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("admin.token after a failed write: %v, want no file", err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".admin.token*")); len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	tok, err := adminToken(cfg)
	if err != nil || len(tok) < adminTokenMinLen {
		t.Fatalf("adminToken with room: %q, %v", tok, err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("admin.token: %v, mode %v; want 0600", err, fi.Mode().Perm())
	}
	again, err := adminToken(cfg)
	if err != nil || again != tok {
		t.Fatalf("second start: %q, %v; want the kept token %q", again, err, tok)
	}
}
