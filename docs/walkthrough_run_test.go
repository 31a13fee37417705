// SPDX-License-Identifier: Apache-2.0

//go:build linux

package docs

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// walkthroughRunMax bounds one run of the script: a server start, three anchorings
// to wait for and some sixty calls take seconds.
const walkthroughRunMax = 5 * time.Minute

// TestWalkthroughScript runs walkthrough.sh, the walk-through of api.md, as a reader
// would: a freshly built scfx, the server the script starts on free loopback ports and
// a new data directory. It wants exit 0, scfx verify's "ok" for the tier-3 transfer
// proof and exit 1 for a tampered one, the invoice settled, the auction section run to
// its end, and the server stopped by the script when it ends. Without curl or jq it
// skips, except under CI, where it fails: make deps installs both.
func TestWalkthroughScript(t *testing.T) {
	if testing.Short() {
		t.Skip("builds scfx and runs the walk-through against a server")
	}
	for _, tool := range []string{"bash", "curl", "jq", "od"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is missing: the walk-through needs it (make deps installs jq and curl)", tool)
			}
			t.Skipf("%s is missing (make deps installs jq and curl); under CI this test fails instead", tool)
		}
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "scfx")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/scfx").CombinedOutput(); err != nil {
		t.Fatalf("go build ../cmd/scfx: %v\n%s", err, out)
	}
	apiAddr, chainAddr := freeAddr(t), freeAddr(t)
	work := filepath.Join(dir, "work")

	ctx, cancel := context.WithTimeout(context.Background(), walkthroughRunMax)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", scriptPath)
	cmd.Env = append(scriptEnv(),
		"SCFX="+bin, "WORK="+work, "PORT="+port(t, apiAddr), "CHAIN_PORT="+port(t, chainAddr), "WAIT=60",
		// Anchor each leaf within 50ms rather than the default second: the script waits
		// for three anchorings.
		"SCFX_ANCHOR_MAX_DELAY=50ms")
	// Its own process group, so that a run cut short takes the server it started along.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	if cmd.Process != nil {
		// The script stops its server itself (checked below); this only keeps a failed
		// run from leaving it behind.
		t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	}
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(work, "serve.log"))
		t.Fatalf("bash %s: %v after %s; output:\n%s\nserver log:\n%s", scriptPath, err, time.Since(start).Round(time.Millisecond), out.String(), log)
	}
	t.Logf("the walk-through ran in %s", time.Since(start).Round(time.Millisecond))
	for _, want := range []string{
		"ok: leaf ", // scfx verify of the tier-3 transfer proof, against the chain
		"verify: a tampered proof does not hold (exit 1)",
		"settled: ",
		"walk-through done",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the walk-through's output lacks %q:\n%s", want, out.String())
		}
	}
	for _, addr := range []string{apiAddr, chainAddr} {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			t.Errorf("%s still accepts connections after the script ended: it did not stop its server", addr)
		}
	}
}

// scriptEnv is this process's environment without what would point the script at
// another server or binary, or change the server's flags.
func scriptEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case name == "API", name == "OP", name == "RPC", name == "SCFX", name == "WORK",
			name == "PORT", name == "CHAIN_PORT", name == "WAIT", strings.HasPrefix(name, "SCFX_"):
			continue
		}
		env = append(env, kv)
	}
	return env
}

// freeAddr is a loopback address with a port nobody listens on right now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func port(t *testing.T, addr string) string {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
