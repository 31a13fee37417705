// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

const (
	childHealthWait = 60 * time.Second
	childStopWait   = 15 * time.Second
	childLogTail    = 2000 // bytes of a child's log quoted in an error
)

// child is one target process on a free loopback port, stopped by its PID.
type child struct {
	name    string
	cmd     *exec.Cmd
	base    string
	logPath string
	log     *os.File
	exited  chan struct{}
}

// startChild runs exe with args and --addr on a free port, its output to logPath,
// and waits until it answers /healthz.
func startChild(name, exe, logPath string, args ...string) (*child, error) {
	addr, err := freeLoopbackAddr()
	if err != nil {
		return nil, err
	}
	log, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, append(args, "--addr", addr)...)
	cmd.Env = childEnv()
	cmd.Stdout, cmd.Stderr = log, log
	c := &child{name: name, cmd: cmd, base: "http://" + addr, logPath: logPath, log: log, exited: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, err
	}
	go func() {
		_ = cmd.Wait()
		close(c.exited)
	}()
	if err := c.waitHealthy(); err != nil {
		c.stop()
		return nil, err
	}
	return c, nil
}

func (c *child) pid() int { return c.cmd.Process.Pid }

func (c *child) waitHealthy() error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(childHealthWait)
	for {
		select {
		case <-c.exited:
			return fmt.Errorf("%s exited at start (%v)%s", c.name, c.cmd.ProcessState, c.logTail())
		default:
		}
		if resp, err := client.Get(c.base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not answer /healthz in %s%s", c.name, childHealthWait, c.logTail())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop sends SIGTERM to the child's PID, and SIGKILL if it has not exited in time.
func (c *child) stop() {
	_ = syscall.Kill(c.pid(), syscall.SIGTERM)
	select {
	case <-c.exited:
	case <-time.After(childStopWait):
		_ = syscall.Kill(c.pid(), syscall.SIGKILL)
		<-c.exited
	}
	c.log.Close()
}

// logTail is the end of the child's output, for an error message.
func (c *child) logTail() string {
	b, err := os.ReadFile(c.logPath)
	if err != nil || len(b) == 0 {
		return ""
	}
	return "; its output ends:\n" + string(b[max(0, len(b)-childLogTail):])
}

// childEnv is this process's environment without SCFX_* variables, so that the
// children run on their flags (SCFX_ADMIN_TOKEN unset: serve writes admin.token).
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SCFX_") {
			env = append(env, kv)
		}
	}
	return env
}

// freeLoopbackAddr is a 127.0.0.1 port that nothing listens on right now.
func freeLoopbackAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
