// SPDX-License-Identifier: Apache-2.0

// Package redisha is what the journal and the lease share about reaching Redis and
// about Redis high availability (docs/operations.md, "Redis high availability"): the
// --redis-url forms — one server, or a primary found through Sentinel — and the wait
// for replicas (WAIT, or WAITAOF where the server has it) after an acknowledged write.
package redisha

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// SentinelScheme is the scheme of a Sentinel --redis-url:
//
//	redis-sentinel://[[user]:password@]host1:26379,host2:26379,.../master-name[/db][?sentinel_password=...]
//
// The hosts are Sentinels (port 26379 when left out); the password is the one of the
// Redis servers; the Sentinels' own, if they have one, is sentinel_password.
const SentinelScheme = "redis-sentinel"

// Limits of a Sentinel URL.
const (
	maxSentinels    = 16
	defaultSentPort = "26379"
)

// Target is a parsed --redis-url.
type Target struct {
	// Sentinel: the primary is found through Sentinels and followed across failovers.
	Sentinel bool
	// MasterName is the Sentinel name of the primary ("" without Sentinel).
	MasterName string
	// Addr is host:port of the server, or the Sentinels' host:port joined by commas.
	Addr string

	single   *redis.Options
	failover *redis.FailoverOptions
}

// Parse reads a redis://, rediss:// or redis-sentinel:// URL.
func Parse(raw string) (*Target, error) {
	if !strings.HasPrefix(raw, SentinelScheme+"://") {
		o, err := redis.ParseURL(raw)
		if err != nil {
			return nil, fmt.Errorf("redis URL: %w", err)
		}
		return &Target{Addr: o.Addr, single: o}, nil
	}
	// url.Parse takes one host: parse the URL with a placeholder for the list.
	rest := strings.TrimPrefix(raw, SentinelScheme+"://")
	end := strings.IndexAny(rest, "/?")
	if end < 0 {
		end = len(rest)
	}
	hosts, tail := rest[:end], rest[end:]
	userinfo := ""
	if i := strings.LastIndex(hosts, "@"); i >= 0 {
		userinfo, hosts = hosts[:i+1], hosts[i+1:]
	}
	u, err := url.Parse(SentinelScheme + "://" + userinfo + "sentinels" + tail)
	if err != nil {
		return nil, fmt.Errorf("redis sentinel URL: %w", err)
	}
	fo := &redis.FailoverOptions{}
	if u.User != nil {
		fo.Username = u.User.Username()
		fo.Password, _ = u.User.Password()
	}
	for _, h := range strings.Split(hosts, ",") {
		if h == "" {
			return nil, fmt.Errorf("redis sentinel URL %q: an empty Sentinel address", redact(u))
		}
		host, port, err := net.SplitHostPort(h)
		if err != nil {
			host, port = h, defaultSentPort
		}
		if host == "" {
			return nil, fmt.Errorf("redis sentinel URL %q: Sentinel %q has no host", redact(u), h)
		}
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("redis sentinel URL %q: Sentinel %q: bad port", redact(u), h)
		}
		fo.SentinelAddrs = append(fo.SentinelAddrs, net.JoinHostPort(host, port))
	}
	if len(fo.SentinelAddrs) > maxSentinels {
		return nil, fmt.Errorf("redis sentinel URL: %d Sentinels, at most %d", len(fo.SentinelAddrs), maxSentinels)
	}
	parts := strings.FieldsFunc(u.Path, func(r rune) bool { return r == '/' })
	switch len(parts) {
	case 2:
		if fo.DB, err = strconv.Atoi(parts[1]); err != nil || fo.DB < 0 {
			return nil, fmt.Errorf("redis sentinel URL %q: database %q is not a number", redact(u), parts[1])
		}
		fallthrough
	case 1:
		fo.MasterName = parts[0]
	default:
		return nil, fmt.Errorf("redis sentinel URL %q: want redis-sentinel://host:port,host:port/master-name[/db]", redact(u))
	}
	q := u.Query()
	for k := range q {
		if k != "sentinel_password" {
			return nil, fmt.Errorf("redis sentinel URL: unknown parameter %q (only sentinel_password)", k)
		}
	}
	fo.SentinelPassword = q.Get("sentinel_password")
	return &Target{Sentinel: true, MasterName: fo.MasterName, Addr: strings.Join(fo.SentinelAddrs, ","), failover: fo}, nil
}

func redact(u *url.URL) string { return u.Redacted() }

// Tuning is the client settings the caller chooses (zero: go-redis's defaults).
type Tuning struct {
	MaxRetries            int // -1: none
	DialTimeout           time.Duration
	DialerRetries         int
	ReadTimeout           time.Duration
	WriteTimeout          time.Duration
	ContextTimeoutEnabled bool
}

// Client makes a client of the target: of the one server, or of whichever server the
// Sentinels name as the primary (go-redis's failover client, which follows a
// failover). Every command goes to the primary.
func (t *Target) Client(tn Tuning) *redis.Client {
	if t.single != nil {
		o := *t.single
		o.MaxRetries, o.DialerRetries, o.ContextTimeoutEnabled = tn.MaxRetries, tn.DialerRetries, tn.ContextTimeoutEnabled
		setDur(&o.DialTimeout, tn.DialTimeout)
		setDur(&o.ReadTimeout, tn.ReadTimeout)
		setDur(&o.WriteTimeout, tn.WriteTimeout)
		return redis.NewClient(&o)
	}
	o := *t.failover
	o.SentinelAddrs = append([]string(nil), o.SentinelAddrs...)
	o.MaxRetries, o.DialerRetries, o.ContextTimeoutEnabled = tn.MaxRetries, tn.DialerRetries, tn.ContextTimeoutEnabled
	setDur(&o.DialTimeout, tn.DialTimeout)
	setDur(&o.ReadTimeout, tn.ReadTimeout)
	setDur(&o.WriteTimeout, tn.WriteTimeout)
	return redis.NewFailoverClient(&o)
}

func setDur(d *time.Duration, v time.Duration) {
	if v != 0 {
		*d = v
	}
}

// Wait is how an acknowledged write waits for replicas.
type Wait struct {
	// Command is "WAITAOF" (Redis 7.2 and later: the replicas have fsynced the write),
	// "WAIT" (older: the replicas have it in memory) or "none" (Replicas is 0).
	Command  string
	Replicas int
}

// Wait commands.
const (
	WaitNone = "none"
	WaitWAIT = "WAIT"
	WaitAOF  = "WAITAOF"
)

// ErrNotReplicated: fewer replicas than required acknowledged a write in time. The
// write is on the primary and may or may not survive a failover.
var ErrNotReplicated = errors.New("redis: write not acknowledged by enough replicas in time")

// Detect chooses the wait for replicas on c's server: WAITAOF from Redis 7.2 on, WAIT
// before; none when replicas is 0.
func Detect(ctx context.Context, c *redis.Client, replicas int) (Wait, error) {
	if replicas <= 0 {
		return Wait{Command: WaitNone}, nil
	}
	info, err := c.Info(ctx, "server").Result()
	if err != nil {
		return Wait{}, fmt.Errorf("redis INFO: %w", err)
	}
	return Wait{Command: waitFor(InfoField(info, "redis_version")), Replicas: replicas}, nil
}

// waitFor is the wait command of a server of version v.
func waitFor(v string) string {
	parts := strings.SplitN(v, ".", 3)
	major, _ := strconv.Atoi(parts[0])
	minor := 0
	if len(parts) > 1 {
		minor, _ = strconv.Atoi(parts[1])
	}
	if major > 7 || major == 7 && minor >= 2 {
		return WaitAOF
	}
	return WaitWAIT
}

// Queue adds the wait to p, after the writes it must cover (a pipeline runs on one
// connection, and WAIT covers every write that connection made before it), with at
// most timeout (at least 1 ms: WAIT 0 would wait for ever). The returned func, called
// after p.Exec, says whether enough replicas acknowledged: nil, an error wrapping
// ErrNotReplicated, or the command's error.
func (w Wait) Queue(ctx context.Context, p redis.Pipeliner, timeout time.Duration) func() error {
	timeout = max(timeout, time.Millisecond)
	switch w.Command {
	case WaitWAIT:
		cmd := p.Do(ctx, "wait", w.Replicas, timeout.Milliseconds())
		return func() error {
			n, err := cmd.Int64()
			return w.check(n, err)
		}
	case WaitAOF:
		cmd := p.Do(ctx, "waitaof", 0, w.Replicas, timeout.Milliseconds())
		return func() error {
			v, err := cmd.Int64Slice()
			if err == nil && len(v) != 2 {
				err = fmt.Errorf("redis WAITAOF answered %v", v)
			}
			var n int64
			if err == nil {
				n = v[1]
			}
			return w.check(n, err)
		}
	default:
		return func() error { return nil }
	}
}

func (w Wait) check(n int64, err error) error {
	if err != nil {
		return fmt.Errorf("redis %s: %w", w.Command, err)
	}
	if n < int64(w.Replicas) {
		return fmt.Errorf("%w: %s: %d of %d replicas", ErrNotReplicated, w.Command, n, w.Replicas)
	}
	return nil
}

// InfoField is the value of name in an INFO answer, "" when absent.
func InfoField(info, name string) string {
	for line := range strings.SplitSeq(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), name+":"); ok {
			return v
		}
	}
	return ""
}
