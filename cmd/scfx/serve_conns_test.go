// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"os"
	"testing"
	"time"
)

// The connection flood (docs/operations.md "Faults and what the server
// does"): thousands of idle keep-alive connections from one client used to hold a
// file descriptor each until the process ran out and refused everyone.

// openFDs counts the file descriptors of process pid.
func openFDs(t *testing.T, pid int) int {
	t.Helper()
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		t.Fatalf("read /proc/%d/fd: %v", pid, err)
	}
	return len(ents)
}

// flood opens n connections from local to addr, sends one GET /healthz on each and
// leaves them open and idle, as a keep-alive client would. It returns them to close.
func flood(t *testing.T, local, addr string, n int) []net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 5 * time.Second}
	conns := make([]net.Conn, 0, n)
	t.Cleanup(func() {
		for _, c := range conns {
			c.Close()
		}
	})
	for i := 0; i < n; i++ {
		c, err := d.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("flood connection %d: %v", i, err)
		}
		conns = append(conns, c)
		// A refused connection may already be closed: the write's error is its answer.
		_, _ = c.Write([]byte("GET /healthz HTTP/1.1\r\nHost: scfx\r\n\r\n"))
	}
	return conns
}

// getFrom is GET /healthz on a fresh connection from local, within timeout.
func getFrom(local, addr string, timeout time.Duration) error {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: timeout}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(timeout))
	if _, err := c.Write([]byte("GET /healthz HTTP/1.1\r\nHost: scfx\r\nConnection: close\r\n\r\n")); err != nil {
		return err
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

// TestServeConnectionFlood: with --max-connections 100 and 50 per address, 2,000
// idle keep-alive connections from one address hold at most 50 file descriptors of
// the server; a client from another address is served at once; the server serves
// the flooding address again once its connections close.
func TestServeConnectionFlood(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	addr := freeAddr(t)
	p := startServeWith(t, addr, t.TempDir(), nil, "--max-connections", "100", "--max-connections-per-address", "50")
	pid := p.cmd.Process.Pid
	http.DefaultClient.CloseIdleConnections() // startServe's /readyz polls
	time.Sleep(100 * time.Millisecond)
	base := openFDs(t, pid)

	conns := flood(t, "127.0.0.1", addr, 2000)
	// The server accepts the flood's connections in its own time: wait until it has
	// taken in the last one, which a client behind the flood shows.
	if err := getFrom("127.0.0.2", addr, 20*time.Second); err != nil {
		t.Fatalf("a client from 127.0.0.2 during the flood: %v; server output:\n%s", err, p.logs)
	}
	peak := 0
	for i := 0; i < 10; i++ {
		peak = max(peak, openFDs(t, pid))
		time.Sleep(50 * time.Millisecond)
	}
	if peak > base+50+10 {
		t.Fatalf("2,000 idle connections from one address: the server holds %d file descriptors, %d before; want at most 50 more", peak, base)
	}
	start := time.Now()
	if err := getFrom("127.0.0.3", addr, 5*time.Second); err != nil || time.Since(start) > 2*time.Second {
		t.Fatalf("a client from 127.0.0.3 during the flood: %v after %v, want 200 at once", err, time.Since(start))
	}
	for _, c := range conns {
		c.Close()
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := getFrom("127.0.0.1", addr, 2*time.Second)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("127.0.0.1 after its flood closed: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got := metricValue(t, p, "scfx_http_connections_max"); got != "100" {
		t.Errorf("scfx_http_connections_max = %q, want 100", got)
	}
	if got := metricValue(t, p, "scfx_http_connections_refused_total"); got == "0" {
		t.Errorf("scfx_http_connections_refused_total = %q, want the flood's refused connections", got)
	}
	t.Logf("file descriptors: %d before, at most %d with 2,000 idle connections open", base, peak)
}
