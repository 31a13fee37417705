// SPDX-License-Identifier: Apache-2.0

package redistest

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"
)

// do sends one inline command and reads one reply line.
func do(t *testing.T, addr, cmd string) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte(cmd + "\r\n")); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		t.Fatalf("%s: %v", cmd, err)
	}
	return strings.TrimSpace(line)
}

// TestRestartKeepsWrites: a write acknowledged before a SIGKILL is there after
// Restart, on the same port, from the append-only file.
func TestRestartKeepsWrites(t *testing.T) {
	s := Start(t)
	if got := do(t, s.Addr(), "SET k acknowledged"); got != "+OK" {
		t.Fatalf("SET = %q, want +OK", got)
	}
	pid := s.PID()
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	if s.PID() != 0 || ping(s.Addr()) {
		t.Fatalf("after Stop: PID %d, answering %v; want 0, not answering", s.PID(), ping(s.Addr()))
	}
	if err := s.Restart(); err != nil {
		t.Fatal(err)
	}
	if s.PID() == 0 || s.PID() == pid {
		t.Errorf("PID after Restart = %d, want a new process (was %d)", s.PID(), pid)
	}
	if got := do(t, s.Addr(), "GET k"); got != "$12" {
		t.Errorf("GET k after Restart = %q, want the 12-byte value", got)
	}
}

// TestExtraArgsOverride: arguments given to Start win over the defaults.
func TestExtraArgsOverride(t *testing.T) {
	s := Start(t, "--appendfsync", "everysec")
	c, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte("CONFIG GET appendfsync\r\n")); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(c)
	var lines []string
	for range 5 { // *2, $11, appendfsync, $8, everysec
		l, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, strings.TrimSpace(l))
	}
	if lines[4] != "everysec" {
		t.Errorf("CONFIG GET appendfsync = %q, want everysec", lines)
	}
}
