// SPDX-License-Identifier: Apache-2.0

package api

import (
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"github.com/scfx/scfx/matcher"
)

// Failed authentications, per client address (docs/operations.md "Faults and what
// the server does"). A token is 32 random bytes, but the operator's may be one a
// person chose (SCFX_ADMIN_TOKEN), and every failure costs a hash and a lookup: an
// address may fail authFailBurst times in a row, then once per second; past that,
// every request from it is 429 until its bucket refills.
const (
	DefaultAuthFailuresPerSecond = 1
	DefaultAuthFailureBurst      = 30
	// authFailAddrsMax bounds the addresses remembered (~150 bytes each), so that a
	// flood from many addresses cannot turn the limiter itself into a memory attack.
	authFailAddrsMax = 65_536
)

// authFailures is a token bucket of failures per client address.
type authFailures struct {
	mu      sync.Mutex
	perSec  rate.Limit
	burst   int
	max     int
	buckets map[string]*rate.Limiter
	// held is len(buckets), readable without mu: while no address has failed (the
	// usual case) a request looks nothing up, not even its address.
	held atomic.Int64
}

func newAuthFailures(perSec float64, burst, maxAddrs int) *authFailures {
	return &authFailures{perSec: rate.Limit(perSec), burst: burst, max: maxAddrs, buckets: map[string]*rate.Limiter{}}
}

// blocked is how long until addr may try again; 0 if it may now. It never adds an
// address: only failures do.
func (a *authFailures) blocked(addr string, now time.Time) time.Duration {
	a.mu.Lock()
	defer a.mu.Unlock()
	b := a.buckets[addr]
	if b == nil {
		return 0
	}
	t := b.TokensAt(now)
	if t >= 1 {
		return 0
	}
	return time.Duration((1 - t) / float64(a.perSec) * float64(time.Second))
}

// failed takes one failure from addr's bucket.
func (a *authFailures) failed(addr string, now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	b := a.buckets[addr]
	if b == nil {
		if len(a.buckets) >= a.max {
			a.evict(now)
		}
		b = rate.NewLimiter(a.perSec, a.burst)
		a.buckets[addr] = b
		a.held.Store(int64(len(a.buckets)))
	}
	b.AllowN(now, 1)
}

// none: no address is remembered, so none is blocked.
func (a *authFailures) none() bool { return a.held.Load() == 0 }

// evict makes room. First it forgets the addresses whose buckets have refilled,
// which are no different from a fresh one; if that frees less than an eighth (a
// flood from many addresses at once), it drops arbitrary ones down to seven
// eighths, so that a sweep runs at most once per max/8 new addresses. A dropped
// address starts again with a full bucket: the limit is loosened, never wrongly
// tightened.
func (a *authFailures) evict(now time.Time) {
	for k, b := range a.buckets {
		if b.TokensAt(now) >= float64(a.burst) {
			delete(a.buckets, k)
		}
	}
	keep := a.max - a.max/8
	for k := range a.buckets {
		if len(a.buckets) <= keep {
			break
		}
		delete(a.buckets, k)
	}
	a.held.Store(int64(len(a.buckets)))
}

func (a *authFailures) len() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.buckets)
}

// clientAddr is the key of a client: its IP address as gin.Context.ClientIP sees it
// (X-Forwarded-For only from Config.TrustedProxies), an IPv6 client by its /64,
// which is what one host is usually given.
func clientAddr(c *gin.Context) string {
	ip, err := netip.ParseAddr(c.ClientIP())
	if err != nil {
		return c.ClientIP()
	}
	ip = ip.Unmap()
	if ip.Is6() {
		if p, err := ip.Prefix(64); err == nil {
			return p.String()
		}
	}
	return ip.String()
}

// limitAuthFailures runs before authenticate: a client address past its failures
// is answered 429 at once; a request that ends 401 counts as a failure.
func (s *Server) limitAuthFailures(c *gin.Context) {
	if !s.authFails.none() {
		if wait := s.authFails.blocked(clientAddr(c), time.Now()); wait > 0 {
			c.Header("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
			fail(c, errf(matcher.CodeRateLimited, "too many failed authentications from this address"))
			return
		}
	}
	c.Next()
	if c.Writer.Status() == http.StatusUnauthorized {
		s.authFails.failed(clientAddr(c), time.Now())
	}
}

// ParseTrustedProxies reads --trusted-proxies: comma-separated IPs or CIDRs ("" is
// none).
func ParseTrustedProxies(s string) ([]string, error) {
	var out []string
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if _, err := netip.ParsePrefix(f); err != nil {
			if _, err := netip.ParseAddr(f); err != nil {
				return nil, fmt.Errorf("trusted proxy %q is neither an IP address nor a CIDR", f)
			}
		}
		out = append(out, f)
	}
	return out, nil
}
