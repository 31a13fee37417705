// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A listen address serve could not bind is refused before anything starts: no data
// directory, no journal, no chain.
func TestServeAddrRefusedBeforeStart(t *testing.T) {
	for _, c := range []struct{ flag, addr, chainHTTP, want string }{
		{"--addr", "8080", "", "want host:port"},
		{"--addr", "127.0.0.1", "", "want host:port"},
		{"--addr", "127.0.0.1:http-alt-nope", "", "is not a port number"},
		{"--addr", "127.0.0.1:70000", "", "is not a port number"},
		{"--addr", "no-such-host.invalid:8080", "", "does not resolve"},
		{"--chain-http", "127.0.0.1:0", "localhost", "want host:port"},
	} {
		dir := filepath.Join(t.TempDir(), "data")
		err := serve(context.Background(), serveConfig{Addr: c.addr, ChainHTTPAddr: c.chainHTTP, DataDir: dir})
		if err == nil || !strings.Contains(err.Error(), c.flag) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("serve --addr %q --chain-http %q = %v, want an error naming %s and saying %q", c.addr, c.chainHTTP, err, c.flag, c.want)
		}
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("serve --addr %q: data directory made (%v), want nothing started", c.addr, err)
		}
	}
}

func TestServeAddrAccepted(t *testing.T) {
	for _, addr := range []string{":8080", "127.0.0.1:0", "[::1]:8080", "0.0.0.0:http", "localhost:8080"} {
		if err := checkListenAddr(context.Background(), "--addr", addr); err != nil {
			t.Errorf("checkListenAddr(%q) = %v, want nil", addr, err)
		}
	}
}

func TestServeConsoleURL(t *testing.T) {
	for _, c := range []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, "http://127.0.0.1:8080/"},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 8080}, "http://localhost:8080/"},
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 9}, "http://localhost:9/"},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 9}, "http://[::1]:9/"},
	} {
		if got := consoleURL(c.addr); got != c.want {
			t.Errorf("consoleURL(%v) = %q, want %q", c.addr, got, c.want)
		}
	}
}

// serve logs where the operator's token is and where the console is, never the token.
func TestServeLogsTokenPathAndConsole(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir, addr := t.TempDir(), freeAddr(t)
	p := startServe(t, addr, dir)
	token := readAdminToken(t, dir)
	// /readyz can answer a moment before the serving line is written.
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(p.logs.String(), "scfx serving") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	logs := p.logs.String()
	for _, want := range []string{"from=" + filepath.Join(dir, "admin.token"), "console=http://" + addr + "/"} {
		if !strings.Contains(logs, want) {
			t.Errorf("serve's log has no %q; log:\n%s", want, logs)
		}
	}
	if strings.Contains(logs, token) {
		t.Errorf("serve's log contains the operator's token")
	}
}
