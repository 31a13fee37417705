// SPDX-License-Identifier: Apache-2.0

// Package redistest runs a real redis-server for tests (STYLE.md: real servers over
// fakes where the test is about the integration).
//
// Start finds redis-server on PATH; when it is missing and the test runs as root, it
// installs it with apt-get, under a lock file so that test packages running in
// parallel do not run apt twice. Each server listens on a free 127.0.0.1 port, keeps
// its files in a temporary directory and runs as README, "Architecture" requires a journal's
// Redis to run: --appendonly yes --appendfsync always, no RDB snapshots. Stop kills it
// as a crash would (SIGKILL); Restart starts it again on the same directory and port,
// so it recovers what its append-only file holds.
package redistest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	// startMax bounds the wait for a started server to answer PING: loading a large
	// append-only file on a busy two-core machine takes a while.
	startMax = 30 * time.Second
	// installMax bounds apt-get (update and install).
	installMax = 10 * time.Minute
	// startAttempts: a free port found by listening can be taken by another process
	// before redis-server binds it; try another one.
	startAttempts = 5
	// aptLockName is the lock file, in the temp directory, that serialises installs.
	aptLockName = "scfx-redistest-apt.lock"
)

// defaultArgs are the settings of README, "Architecture" for a journal's Redis. Extra arguments
// given to Start come after them, and redis-server lets a later option win.
var defaultArgs = []string{
	"--bind", "127.0.0.1",
	"--appendonly", "yes",
	"--appendfsync", "always",
	"--save", "",
	"--daemonize", "no",
	"--protected-mode", "yes",
	"--loglevel", "notice",
}

// Server is one running (or stopped) redis-server. Its methods are safe for concurrent
// use; Stop and Restart may be called from any goroutine.
type Server struct {
	bin  string
	dir  string
	port int
	args []string

	mu        sync.Mutex
	cmd       *exec.Cmd
	exit      chan struct{} // closed when cmd has exited
	replicaOf string        // host:port of its primary, "" for a primary (ha.go)
}

// Start starts a redis-server for tb and stops it when tb ends. extraArgs are added to
// the command line after the defaults (for instance "--appendfsync", "everysec").
func Start(tb testing.TB, extraArgs ...string) *Server {
	tb.Helper()
	bin, err := ServerPath()
	if err != nil {
		tb.Fatalf("redistest: %v", err)
	}
	s := &Server{bin: bin, dir: tb.TempDir(), args: append(append([]string(nil), defaultArgs...), extraArgs...)}
	for attempt := 1; ; attempt++ {
		if s.port, err = freePort(); err == nil {
			if err = s.start(); err == nil {
				break
			}
		}
		if attempt == startAttempts {
			tb.Fatalf("redistest: start redis-server: %v\n%s", err, s.logTail())
		}
	}
	tb.Cleanup(func() { _ = s.Stop() })
	return s
}

// Addr is the server's host:port.
func (s *Server) Addr() string { return fmt.Sprintf("127.0.0.1:%d", s.port) }

// URL is the server's redis:// URL, database 0.
func (s *Server) URL() string { return "redis://" + s.Addr() + "/0" }

// Dir is the server's working directory: its append-only files and its log.
func (s *Server) Dir() string { return s.dir }

// PID is the process id of the running server, 0 when it is stopped.
func (s *Server) PID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// Stop kills the server by its PID with SIGKILL (Process.Kill), as a crash would, and waits until it
// has exited. Stopping a stopped server does nothing.
func (s *Server) Stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return nil
	}
	pid := s.cmd.Process.Pid
	if err := s.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("redistest: kill %d: %w", pid, err)
	}
	<-s.exit
	s.cmd = nil
	return nil
}

// Restart stops the server if it runs, then starts it again on the same directory and
// port, and waits until it answers PING (its append-only file loaded).
func (s *Server) Restart() error {
	if err := s.Stop(); err != nil {
		return err
	}
	var err error
	// The port was free a moment ago; after a kill the kernel may hold it briefly.
	for range startAttempts {
		if err = s.start(); err == nil {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("redistest: restart: %w\n%s", err, s.logTail())
}

// start runs redis-server on s.port and waits for PING.
func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	args := append([]string{"--port", fmt.Sprint(s.port), "--dir", s.dir, "--logfile", s.logPath()}, s.args...)
	if s.replicaOf != "" {
		host, port, _ := net.SplitHostPort(s.replicaOf)
		args = append(args, "--replicaof", host, port)
	}
	cmd := exec.Command(s.bin, args...)
	cmd.Dir = s.dir
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", s.bin, err)
	}
	exit := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exit)
	}()
	if err := waitPing(s.Addr(), exit); err != nil {
		_ = cmd.Process.Kill()
		<-exit
		return err
	}
	s.cmd, s.exit = cmd, exit
	return nil
}

func (s *Server) logPath() string { return filepath.Join(s.dir, "redis.log") }

// logTail is the end of the server's log, to explain a failed start.
func (s *Server) logTail() string {
	b, err := os.ReadFile(s.logPath())
	if err != nil {
		return "(no redis log)"
	}
	const tailMax = 2000
	if len(b) > tailMax {
		b = b[len(b)-tailMax:]
	}
	return "redis log:\n" + string(b)
}

// waitPing waits until addr answers PING with PONG, the process exits, or startMax
// passes. While it loads its append-only file Redis answers -LOADING: not yet.
func waitPing(addr string, exit <-chan struct{}) error {
	deadline := time.Now().Add(startMax)
	for {
		if ping(addr) {
			return nil
		}
		select {
		case <-exit:
			return errors.New("redis-server exited before answering PING")
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("redis-server on %s did not answer PING within %v", addr, startMax)
		}
	}
}

func ping(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return false
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && strings.HasPrefix(line, "+PONG")
}

// freePort asks the kernel for a free port on 127.0.0.1.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// ServerPath finds redis-server on PATH (or in /usr/bin, where Debian installs it) and,
// when it is missing and this process runs as root, installs it with apt-get. A lock
// file in the temp directory serialises installs across test processes; whoever takes
// the lock second finds redis-server installed and does nothing.
func ServerPath() (string, error) {
	if p, err := lookServer(); err == nil {
		return p, nil
	}
	if os.Geteuid() != 0 {
		return "", errors.New("redis-server is not on PATH and this test does not run as root " +
			"to install it: run `apt-get install -y redis-server` (Redis 7) first")
	}
	unlock, err := lockFile(filepath.Join(os.TempDir(), aptLockName))
	if err != nil {
		return "", err
	}
	defer unlock()
	if p, err := lookServer(); err == nil {
		return p, nil // installed by another process while we waited for the lock
	}
	if err := aptInstall(); err != nil {
		return "", err
	}
	return lookServer()
}

func lookServer() (string, error) {
	if p, err := exec.LookPath("redis-server"); err == nil {
		return p, nil
	}
	const debianPath = "/usr/bin/redis-server"
	if _, err := os.Stat(debianPath); err == nil {
		return debianPath, nil
	}
	return "", errors.New("redis-server not found")
}

// aptInstall installs redis-server, updating the package lists first only if a plain
// install fails (they may be missing in a fresh container).
func aptInstall() error {
	install := func() ([]byte, error) { return apt("install", "-y", "--no-install-recommends", "redis-server") }
	if _, err := install(); err == nil {
		return nil
	}
	if uout, uerr := apt("update"); uerr != nil {
		return fmt.Errorf("apt-get update: %w\n%s", uerr, uout)
	}
	if out, err := install(); err != nil {
		return fmt.Errorf("apt-get install redis-server: %w\n%s", err, out)
	}
	return nil
}

func apt(args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), installMax)
	defer cancel()
	cmd := exec.CommandContext(ctx, "apt-get", args...)
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	return cmd.CombinedOutput()
}
