// SPDX-License-Identifier: Apache-2.0

package api

import (
	"net"
	"net/netip"
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// Connection limits (docs/operations.md "Faults and what the server does"). Every
// open connection holds a file descriptor, and one client with enough idle
// keep-alive connections used to exhaust them and take the service down for
// everyone.
const (
	// DefaultMaxConnections bounds the connections open at once: what the process's
	// file descriptors can hold beside the journal, snapshots and the chain's database.
	DefaultMaxConnections = 4096
	// DefaultMaxConnectionsPerAddress leaves room for others when one address floods:
	// a quarter of the total.
	DefaultMaxConnectionsPerAddress = DefaultMaxConnections / 4
)

// connLimiter is a net.Listener that holds at most max connections open, and at
// most perAddr from one client address (trusted proxies excepted: every client
// behind them shares their address). At the total cap Accept waits for a
// connection to close, and new ones wait in the kernel's backlog; over an
// address's cap a connection is closed as soon as it is accepted.
type connLimiter struct {
	net.Listener
	perAddr int
	trusted []netip.Prefix
	slots   chan struct{} // one per open connection
	closed  chan struct{}
	once    sync.Once

	mu     sync.Mutex
	byAddr map[netip.Addr]int

	refused atomic.Uint64
}

// LimitListener wraps ln with the connection limits of the Config (0: defaults;
// -1: no limit) and registers their metrics.
func (s *Server) LimitListener(ln net.Listener) net.Listener {
	maxConns, perAddr := s.cfg.MaxConnections, s.cfg.MaxConnectionsPerAddress
	if maxConns == 0 {
		maxConns = DefaultMaxConnections
	}
	if perAddr == 0 {
		perAddr = DefaultMaxConnectionsPerAddress
	}
	if maxConns < 0 {
		return ln
	}
	l := newConnLimiter(ln, maxConns, perAddr, trustedPrefixes(s.cfg.TrustedProxies))
	s.cfg.Registry.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "scfx_http_connections_open", Help: "HTTP connections open."},
			func() float64 { return float64(len(l.slots)) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "scfx_http_connections_max", Help: "The most HTTP connections open at once (--max-connections)."},
			func() float64 { return float64(cap(l.slots)) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "scfx_http_connections_refused_total", Help: "Connections closed at once: their address had --max-connections-per-address open."},
			func() float64 { return float64(l.refused.Load()) }),
	)
	return l
}

func newConnLimiter(ln net.Listener, maxConns, perAddr int, trusted []netip.Prefix) *connLimiter {
	return &connLimiter{Listener: ln, perAddr: perAddr, trusted: trusted, slots: make(chan struct{}, maxConns), closed: make(chan struct{}), byAddr: map[netip.Addr]int{}}
}

// trustedPrefixes reads Config.TrustedProxies (checked by ParseTrustedProxies).
func trustedPrefixes(list []string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range list {
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
		} else if a, err := netip.ParseAddr(s); err == nil {
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		}
	}
	return out
}

// Accept waits for a free slot, then for a connection from an address under its cap.
func (l *connLimiter) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	case <-l.closed:
		return nil, net.ErrClosed
	}
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			<-l.slots
			return nil, err
		}
		addr, limited := l.addrOf(c)
		if !limited {
			return &limitedConn{Conn: c, l: l}, nil
		}
		if l.take(addr) {
			return &limitedConn{Conn: c, l: l, addr: addr, counted: true}, nil
		}
		// Closed at once, without a pause: the backlog behind it holds other
		// clients' connections, and the kernel drops new ones when it is full.
		l.refused.Add(1)
		_ = c.Close()
	}
}

// Close stops Accept, also while it waits for a slot.
func (l *connLimiter) Close() error {
	l.once.Do(func() { close(l.closed) })
	return l.Listener.Close()
}

// addrOf is the client address of c, and whether the per-address cap applies to it.
func (l *connLimiter) addrOf(c net.Conn) (netip.Addr, bool) {
	if l.perAddr <= 0 {
		return netip.Addr{}, false
	}
	ap, err := netip.ParseAddrPort(c.RemoteAddr().String())
	if err != nil {
		return netip.Addr{}, false // not TCP (a Unix socket): one local peer
	}
	a := ap.Addr().Unmap()
	for _, p := range l.trusted {
		if p.Contains(a) {
			return a, false
		}
	}
	return a, true
}

func (l *connLimiter) take(a netip.Addr) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byAddr[a] >= l.perAddr {
		return false
	}
	l.byAddr[a]++
	return true
}

func (l *connLimiter) release(a netip.Addr) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byAddr[a]--; l.byAddr[a] <= 0 {
		delete(l.byAddr, a) // the map holds only addresses with connections open
	}
}

// limitedConn gives back its slot when closed, once.
type limitedConn struct {
	net.Conn
	l       *connLimiter
	addr    netip.Addr
	counted bool
	once    sync.Once
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() {
		if c.counted {
			c.l.release(c.addr)
		}
		<-c.l.slots
	})
	return err
}
