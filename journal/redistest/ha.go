// SPDX-License-Identifier: Apache-2.0

package redistest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// HA settings of the Sentinels StartHA runs: a primary that does not answer for
// SentinelDownAfter is down, two of three Sentinels agreeing is the quorum, and a
// failover may take FailoverTimeout (Sentinel starts no second failover of one
// primary within twice that).
const (
	MasterName        = "mymaster"
	SentinelDownAfter = time.Second
	FailoverTimeout   = 2 * time.Second
	haSentinels       = 3
	haQuorum          = 2
	// haReadyMax bounds the wait for the Sentinels to know each other and the replica.
	haReadyMax = 60 * time.Second
)

// HA is a primary redis-server, one replica and three Sentinels that watch them, on
// private ports of 127.0.0.1, each in a directory of its own: the topology of
// docs/operations.md, "Redis high availability". Which server is the primary changes
// with every failover; Primary asks the Sentinels.
type HA struct {
	tb        testing.TB
	servers   [2]*Server
	sentinels []*sentinel

	mu           sync.Mutex
	lastFailover time.Time // when a failover was last triggered
}

// sentinel is one redis-sentinel process.
type sentinel struct {
	bin, dir string
	port     int
	cmd      *exec.Cmd
	exit     chan struct{}
}

// SentinelPath finds redis-sentinel (Debian's redis-sentinel package), or else
// redis-server, which runs as a Sentinel with --sentinel. As ServerPath does, it
// installs the package with apt-get when neither is there and the test runs as root.
func SentinelPath() (bin string, args []string, err error) {
	if p, err := exec.LookPath("redis-sentinel"); err == nil {
		return p, nil, nil
	}
	if _, err := os.Stat("/usr/bin/redis-sentinel"); err == nil {
		return "/usr/bin/redis-sentinel", nil, nil
	}
	srv, err := ServerPath()
	if err != nil {
		return "", nil, err
	}
	return srv, []string{"--sentinel"}, nil
}

// StartHA starts a primary, a replica of it and three Sentinels, waits until the
// Sentinels know each other and the replica (so that a failover can happen), and
// stops them all when tb ends. extraArgs go to both redis-servers.
func StartHA(tb testing.TB, extraArgs ...string) *HA {
	tb.Helper()
	h := &HA{tb: tb}
	// A primary that must sync a replica sends it at once, without waiting the default
	// 5 s for more replicas to share the transfer (docs/operations.md).
	extraArgs = append([]string{"--repl-diskless-sync-delay", "0"}, extraArgs...)
	h.servers[0] = Start(tb, extraArgs...)
	rep := Start(tb, extraArgs...)
	rep.mu.Lock()
	rep.replicaOf = h.servers[0].Addr()
	rep.mu.Unlock()
	if err := rep.Restart(); err != nil {
		tb.Fatalf("redistest: start the replica: %v", err)
	}
	h.servers[1] = rep
	bin, pre, err := SentinelPath()
	if err != nil {
		tb.Fatalf("redistest: %v", err)
	}
	for range haSentinels {
		s := &sentinel{bin: bin, dir: tb.TempDir()}
		var err error
		for attempt := 1; ; attempt++ {
			if s.port, err = freePort(); err == nil {
				if err = s.start(pre, h.servers[0].port); err == nil {
					break
				}
			}
			if attempt == startAttempts {
				tb.Fatalf("redistest: start redis-sentinel: %v", err)
			}
		}
		h.sentinels = append(h.sentinels, s)
		tb.Cleanup(s.stop)
	}
	ctx, cancel := context.WithTimeout(context.Background(), haReadyMax)
	defer cancel()
	if err := h.WaitHealthy(ctx); err != nil {
		tb.Fatalf("redistest: %v", err)
	}
	return h
}

func (s *sentinel) start(pre []string, primaryPort int) error {
	conf := filepath.Join(s.dir, "sentinel.conf")
	text := fmt.Sprintf(`port %d
bind 127.0.0.1
protected-mode no
daemonize no
dir %s
logfile %s
sentinel resolve-hostnames no
sentinel monitor %s 127.0.0.1 %d %d
sentinel down-after-milliseconds %s %d
sentinel failover-timeout %s %d
sentinel parallel-syncs %s 1
`, s.port, s.dir, filepath.Join(s.dir, "sentinel.log"), MasterName, primaryPort, haQuorum,
		MasterName, SentinelDownAfter.Milliseconds(), MasterName, FailoverTimeout.Milliseconds(), MasterName)
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		return err
	}
	cmd := exec.Command(s.bin, append([]string{conf}, pre...)...)
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
	addr := fmt.Sprintf("127.0.0.1:%d", s.port)
	if err := waitPing(addr, exit); err != nil {
		_ = cmd.Process.Kill()
		<-exit
		b, _ := os.ReadFile(filepath.Join(s.dir, "sentinel.log"))
		return fmt.Errorf("%w\n%s", err, b)
	}
	s.cmd, s.exit = cmd, exit
	return nil
}

func (s *sentinel) stop() {
	if s.cmd != nil {
		_ = s.cmd.Process.Kill()
		<-s.exit
		s.cmd = nil
	}
}

func (s *sentinel) addr() string { return fmt.Sprintf("127.0.0.1:%d", s.port) }

// SentinelAddrs are the Sentinels' host:port.
func (h *HA) SentinelAddrs() []string {
	var out []string
	for _, s := range h.sentinels {
		out = append(out, s.addr())
	}
	return out
}

// URL is the journal's Sentinel URL: redis-sentinel://s1,s2,s3/mymaster/0.
func (h *HA) URL() string {
	return "redis-sentinel://" + strings.Join(h.SentinelAddrs(), ",") + "/" + MasterName + "/0"
}

// Servers are the two redis-servers, the first started as the primary.
func (h *HA) Servers() []*Server { return h.servers[:] }

// sentinelClient talks to one Sentinel.
func sentinelClient(addr string) *redis.SentinelClient {
	return redis.NewSentinelClient(&redis.Options{Addr: addr, DialTimeout: time.Second, ReadTimeout: 2 * time.Second, MaxRetries: -1})
}

// Primary is the server that a majority of the Sentinels name as the primary.
func (h *HA) Primary(ctx context.Context) (*Server, error) {
	votes := map[string]int{}
	for _, s := range h.sentinels {
		c := sentinelClient(s.addr())
		a, err := c.GetMasterAddrByName(ctx, MasterName).Result()
		c.Close()
		if err == nil && len(a) == 2 {
			votes[net.JoinHostPort(a[0], a[1])]++
		}
	}
	for addr, n := range votes {
		if n >= haQuorum {
			for _, srv := range h.servers {
				if srv.Addr() == addr {
					return srv, nil
				}
			}
			return nil, fmt.Errorf("the Sentinels name %s, which is none of the servers", addr)
		}
	}
	return nil, fmt.Errorf("no primary named by %d Sentinels: %v", haQuorum, votes)
}

// Other is the server that is not s.
func (h *HA) Other(s *Server) *Server {
	if h.servers[0] == s {
		return h.servers[1]
	}
	return h.servers[0]
}

// WaitHealthy waits until every Sentinel names the same primary, that primary answers
// as a master with the other server connected and in sync, every Sentinel sees the
// replica up and the other two Sentinels, and the Sentinels may fail over again
// (twice FailoverTimeout since the last one): a failover triggered now can succeed.
func (h *HA) WaitHealthy(ctx context.Context) error {
	var why error
	for {
		if why = h.healthy(ctx); why == nil {
			h.mu.Lock()
			wait := time.Until(h.lastFailover.Add(2*FailoverTimeout + 500*time.Millisecond))
			h.mu.Unlock()
			if wait <= 0 {
				return nil
			}
			why = errors.New("the Sentinels would not fail over again yet")
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("redis HA not healthy: %w", why)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (h *HA) healthy(ctx context.Context) error {
	p, err := h.Primary(ctx)
	if err != nil {
		return err
	}
	rep := h.Other(p)
	for _, s := range h.sentinels {
		c := sentinelClient(s.addr())
		m, err := c.Master(ctx, MasterName).Result()
		reps, rerr := c.Replicas(ctx, MasterName).Result()
		c.Close()
		if err != nil || rerr != nil {
			return fmt.Errorf("sentinel %s: %v %v", s.addr(), err, rerr)
		}
		if m["ip"]+":"+m["port"] != p.Addr() || m["num-other-sentinels"] != fmt.Sprint(haSentinels-1) || m["flags"] != "master" {
			return fmt.Errorf("sentinel %s sees master %s:%s flags %s with %s other sentinels", s.addr(), m["ip"], m["port"], m["flags"], m["num-other-sentinels"])
		}
		ok := false
		for _, r := range reps {
			if r["ip"]+":"+r["port"] == rep.Addr() && r["flags"] == "slave" && r["master-link-status"] == "ok" {
				ok = true
			}
		}
		if !ok {
			return fmt.Errorf("sentinel %s does not see replica %s up: %v", s.addr(), rep.Addr(), reps)
		}
	}
	c := redis.NewClient(&redis.Options{Addr: rep.Addr(), DialTimeout: time.Second, MaxRetries: -1})
	info, err := c.Info(ctx, "replication").Result()
	c.Close()
	if err != nil {
		return fmt.Errorf("replica %s: %w", rep.Addr(), err)
	}
	if !strings.Contains(info, "master_link_status:up") || !strings.Contains(info, "master_sync_in_progress:0") {
		return fmt.Errorf("replica %s not in sync with %s", rep.Addr(), p.Addr())
	}
	return nil
}

// KillPrimary kills the current primary with SIGKILL and returns it: the server the
// Sentinels name, once it answers that it is the primary (a Sentinel's view may lag).
func (h *HA) KillPrimary(ctx context.Context) (*Server, error) {
	var p *Server
	for {
		var err error
		if p, err = h.Primary(ctx); err == nil && isMaster(ctx, p) {
			break
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("no primary to kill: %v: %w", err, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
	h.mu.Lock()
	h.lastFailover = time.Now()
	h.mu.Unlock()
	return p, p.Stop()
}

// WaitPromoted waits until the Sentinels name a primary other than old and it answers
// as a master (its role changed), and returns it.
func (h *HA) WaitPromoted(ctx context.Context, old *Server) (*Server, error) {
	for {
		if p, err := h.Primary(ctx); err == nil && p != old && isMaster(ctx, p) {
			return p, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("no new primary after %v: %w", old.Addr(), ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// isMaster: s answers that it is a primary.
func isMaster(ctx context.Context, s *Server) bool {
	c := redis.NewClient(&redis.Options{Addr: s.Addr(), DialTimeout: time.Second, MaxRetries: -1})
	defer c.Close()
	info, err := c.Info(ctx, "replication").Result()
	return err == nil && strings.Contains(info, "role:master")
}

// RestartAsReplica starts s again (after KillPrimary) as a replica of primary: what an
// operator does with a failed primary that comes back. It loads its own append-only
// file, then takes the primary's data in a full sync.
func (h *HA) RestartAsReplica(s, primary *Server) error {
	s.mu.Lock()
	s.replicaOf = primary.Addr()
	s.mu.Unlock()
	return s.Restart()
}

// Failover kills the primary, waits for the Sentinels to promote the replica, and
// restarts the old primary as its replica. It returns the new primary.
func (h *HA) Failover(ctx context.Context) (*Server, error) {
	old, err := h.KillPrimary(ctx)
	if err != nil {
		return nil, err
	}
	p, err := h.WaitPromoted(ctx, old)
	if err != nil {
		return nil, err
	}
	return p, h.RestartAsReplica(old, p)
}

// Pause stops the server with SIGSTOP, as a host that hangs would: it keeps its
// connections and answers nothing (a paused replica acknowledges no write). Resume
// continues it.
func (s *Server) Pause() error { return s.signal(sigStop) }

// Resume continues a server stopped by Pause.
func (s *Server) Resume() error { return s.signal(sigCont) }

func (s *Server) signal(sig os.Signal) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil || sig == nil {
		return errors.New("redistest: the server is not running, or cannot be paused here")
	}
	return s.cmd.Process.Signal(sig)
}

// Outages is, for each kill, the longest time without an acknowledged write (acks,
// the times writes were acknowledged, in any order) from the kill to the next kill or
// end: the write outage of that failover. They are returned sorted.
func Outages(acks, kills []time.Time, end time.Time) []time.Duration {
	times := slices.Clone(acks)
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	var out []time.Duration
	for i, k := range kills {
		until := end
		if i+1 < len(kills) {
			until = kills[i+1]
		}
		prev, gap := k, time.Duration(0)
		for _, t := range times {
			if t.Before(k) || t.After(until) {
				continue
			}
			gap = max(gap, t.Sub(prev))
			prev = t
		}
		out = append(out, max(gap, until.Sub(prev)))
	}
	slices.Sort(out)
	return out
}
