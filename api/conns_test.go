// SPDX-License-Identifier: Apache-2.0

package api

import (
	"bufio"
	"net"
	"net/http"
	"net/netip"
	"testing"
	"time"
)

// serveLimited serves a 200 on 127.0.0.1 behind newConnLimiter; closed at the end.
func serveLimited(t *testing.T, maxConns, perAddr int, trusted ...string) (*connLimiter, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := newConnLimiter(ln, maxConns, perAddr, trustedPrefixes(trusted))
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}), IdleTimeout: time.Minute}
	done := make(chan struct{})
	go func() { defer close(done); _ = hs.Serve(l) }()
	t.Cleanup(func() { hs.Close(); <-done })
	return l, ln.Addr().String()
}

// idleConns opens n keep-alive connections from local that each made one request.
func idleConns(t *testing.T, local, addr string, n int) []net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	var out []net.Conn
	t.Cleanup(func() {
		for _, c := range out {
			c.Close()
		}
	})
	for i := 0; i < n; i++ {
		c, err := d.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
		_, _ = c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
	}
	return out
}

// get is one request from local on a fresh connection.
func get(local, addr string, timeout time.Duration) error {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: timeout}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(timeout))
	if _, err := c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")); err != nil {
		return err
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// TestConnLimiterTotalCap: at the total cap the server holds no more connections
// (new ones wait in the backlog); when the idle ones close it serves again.
func TestConnLimiterTotalCap(t *testing.T) {
	l, addr := serveLimited(t, 20, -1)
	flood := idleConns(t, "127.0.0.1", addr, 200)
	time.Sleep(200 * time.Millisecond)
	if n := len(l.slots); n != 20 {
		t.Fatalf("200 idle connections under a cap of 20: %d held, want 20", n)
	}
	if err := get("127.0.0.2", addr, 300*time.Millisecond); err == nil {
		t.Fatal("a request was served while 20 idle connections held every slot")
	}
	for _, c := range flood {
		c.Close()
	}
	if err := get("127.0.0.2", addr, 5*time.Second); err != nil {
		t.Fatalf("after the idle connections closed: %v", err)
	}
	if n := len(l.slots); n > 20 {
		t.Fatalf("%d connections held, cap 20", n)
	}
}

// TestConnLimiterPerAddress: one address gets at most its share, the rest are
// closed at once and others are served; a trusted proxy's address is not capped.
func TestConnLimiterPerAddress(t *testing.T) {
	l, addr := serveLimited(t, 100, 10, "127.0.0.5")
	idleConns(t, "127.0.0.1", addr, 500)
	if err := get("127.0.0.2", addr, 5*time.Second); err != nil {
		t.Fatalf("another address during the flood: %v", err)
	}
	l.mu.Lock()
	held := l.byAddr[netip.MustParseAddr("127.0.0.1")]
	l.mu.Unlock()
	if held != 10 || l.refused.Load() != 490 {
		t.Fatalf("500 idle connections from one address, cap 10: %d held, %d refused; want 10 and 490", held, l.refused.Load())
	}
	for i, c := range idleConns(t, "127.0.0.5", addr, 30) {
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := http.ReadResponse(bufio.NewReader(c), nil); err != nil {
			t.Fatalf("connection %d of 30 from a trusted proxy, with 10 from 127.0.0.1 open: %v", i, err)
		}
	}
}

// TestConnLimiterCloseWhileFull: closing the listener ends an Accept that waits
// for a slot, so a shutdown never hangs on a full server.
func TestConnLimiterCloseWhileFull(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := newConnLimiter(ln, 1, -1, nil)
	l.slots <- struct{}{} // full
	errc := make(chan error, 1)
	go func() { _, err := l.Accept(); errc <- err }()
	time.Sleep(50 * time.Millisecond)
	l.Close()
	select {
	case err := <-errc:
		if err == nil {
			t.Fatal("Accept on a closed listener returned a connection")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Accept still waits for a slot after Close")
	}
}
