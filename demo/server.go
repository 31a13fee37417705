// SPDX-License-Identifier: Apache-2.0

package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/scfx/scfx/client"
)

// Limits of the server the demo starts.
const (
	serverStopMax  = 20 * time.Second // SIGTERM, then SIGKILL
	readyWaitMax   = time.Minute
	readyPoll      = 50 * time.Millisecond
	readyCallMax   = 2 * time.Second
	startAttempts  = 3  // bounds the retries of errServeExited
	serveLogLines  = 20 // of a server that did not start, printed
	anchorMaxDelay = "50ms"
)

// target is the server to run against; stop ends what was started (nothing for a
// given URL).
type target struct {
	base, token, rpc string
	stop             func()
}

func newHTTPClient() *http.Client { return &http.Client{Timeout: callTimeout} }

// pickTarget is cfg.URL, or a server started here.
func pickTarget(ctx context.Context, cfg Config, out io.Writer) (target, error) {
	if cfg.URL == "" {
		if cfg.Token != "" || cfg.DataDir != "" || cfg.ChainRPC != "" {
			return target{}, errors.New("--token, --data-dir and --chain-rpc are for a server given with --url")
		}
		return startServer(ctx, cfg.Executable, out)
	}
	token := cfg.Token
	if token == "" {
		token = os.Getenv("SCFX_ADMIN_TOKEN")
	}
	if token == "" {
		dir := cfg.DataDir
		if dir == "" {
			dir = "./data"
		}
		b, err := os.ReadFile(filepath.Join(dir, "admin.token"))
		if err != nil {
			return target{}, fmt.Errorf("no --token: %w", err)
		}
		token = strings.TrimSpace(string(b))
	}
	base := strings.TrimRight(cfg.URL, "/")
	fmt.Fprintf(out, "server: %s\n", base)
	return target{base: base, token: token, rpc: cfg.ChainRPC, stop: func() {}}, waitReady(ctx, base, nil)
}

// errServeExited: the child stopped before it was ready, most likely because another
// process took one of its ports between freeLoopback and its listen.
var errServeExited = errors.New("scfx serve exited before it was ready")

// startServer runs self's serve on free loopback ports with a temporary data
// directory, its chain's JSON-RPC served for proof checks, and a short anchor
// delay so that nobody waits a second for financeable.
func startServer(ctx context.Context, self string, out io.Writer) (target, error) {
	if self == "" {
		return target{}, errors.New("no scfx binary to start a server with: give a --url")
	}
	for attempt := 1; ; attempt++ {
		t, err := startServerOnce(ctx, self, out)
		if !errors.Is(err, errServeExited) || attempt == startAttempts {
			return t, err
		}
	}
}

func startServerOnce(ctx context.Context, self string, out io.Writer) (target, error) {
	dir, err := os.MkdirTemp("", "scfx-demo-")
	if err != nil {
		return target{}, err
	}
	addr, chainAddr := freeLoopback(), freeLoopback()
	logPath := filepath.Join(dir, "serve.log")
	logFile, err := os.Create(logPath)
	if err != nil || addr == "" || chainAddr == "" {
		os.RemoveAll(dir)
		return target{}, fmt.Errorf("prepare scfx serve (log %v, ports %q %q)", err, addr, chainAddr)
	}
	cmd := exec.Command(self, "serve", "--addr", addr, "--data-dir", filepath.Join(dir, "data"),
		"--chain-http", chainAddr, "--anchor-max-delay", anchorMaxDelay)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	for _, kv := range os.Environ() { // the child runs on these flags, not on the caller's SCFX_*
		if !strings.HasPrefix(kv, "SCFX_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		os.RemoveAll(dir)
		return target{}, fmt.Errorf("start scfx serve: %w", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); logFile.Close(); close(exited) }()
	stop := func() {
		stopProcess(cmd.Process, exited)
		os.RemoveAll(dir)
	}
	base := "http://" + addr
	if err := waitReady(ctx, base, exited); err != nil {
		log := tail(logPath, serveLogLines)
		stop()
		return target{}, fmt.Errorf("%w\nscfx serve's log:\n%s", err, log)
	}
	b, err := os.ReadFile(filepath.Join(dir, "data", "admin.token"))
	if err != nil {
		stop()
		return target{}, err
	}
	fmt.Fprintf(out, "server: %s (scfx serve, pid %d, started for this demo; chain JSON-RPC http://%s)\n", base, cmd.Process.Pid, chainAddr)
	return target{base: base, token: strings.TrimSpace(string(b)), rpc: "http://" + chainAddr, stop: stop}, nil
}

// stopProcess sends SIGTERM to the child (by its PID) and SIGKILL if it has not
// exited in time.
func stopProcess(p *os.Process, exited <-chan struct{}) {
	_ = p.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(serverStopMax):
		_ = p.Kill()
		<-exited
	}
}

func freeLoopback() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return ""
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitReady polls /readyz (journal and ledger reachable) until it answers 200;
// exited closes when a server started here stops.
func waitReady(ctx context.Context, base string, exited <-chan struct{}) error {
	c := client.New(base, "", client.WithAttempts(1), client.WithHTTPClient(&http.Client{Timeout: readyCallMax}))
	deadline := time.Now().Add(readyWaitMax)
	for {
		if _, err := c.Ready(ctx); err == nil {
			return nil
		}
		select {
		case <-exited:
			return errServeExited
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(readyPoll):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s/readyz did not answer 200 within %s", base, readyWaitMax)
		}
	}
}

func tail(path string, lines int) string {
	b, _ := os.ReadFile(path)
	ls := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(ls[max(0, len(ls)-lines):], "\n")
}
