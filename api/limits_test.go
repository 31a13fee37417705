// SPDX-License-Identifier: Apache-2.0

package api

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/scfx/scfx/matcher"
)

// TestRateBurstIsTwiceTheRate: README "Configuration": --rate-limit N gives each
// token a burst of 2N; only a burst given explicitly replaces it.
func TestRateBurstIsTwiceTheRate(t *testing.T) {
	e := newTestEnv(t, withAPIConfig(func(c *Config) { c.RatePerSecond = 3 }))
	if got := e.Server.limits.burst; got != 6 {
		t.Fatalf("New(RatePerSecond 3).limits.burst = %d, want 6", got)
	}
	sme := e.sme("", "")
	path := "/v1/participants/" + sme.ID
	ok := 0
	for i := 0; i < 20; i++ {
		r := e.get(sme.Token, path)
		if r.Status == http.StatusTooManyRequests {
			break
		}
		wantStatus(t, r, http.StatusOK)
		ok++
	}
	// 6 from the burst, and at 3/s perhaps one more refilled while they ran.
	if ok < 6 || ok > 7 {
		t.Fatalf("%d quick requests answered before the first 429, want 6 (the burst) or 7", ok)
	}
	if got := newTestEnv(t, withAPIConfig(func(c *Config) { c.RatePerSecond, c.RateBurst = 3, 4 })).Server.limits.burst; got != 4 {
		t.Fatalf("New(RatePerSecond 3, RateBurst 4).limits.burst = %d, want 4", got)
	}
}

// TestAuthFailuresLimitedPerAddress: an address that fails authentication past its
// burst is answered 429 rate_limited with Retry-After — for every request, a valid
// token too — until its bucket refills; X-Forwarded-For is not believed from a peer
// that is not a trusted proxy.
func TestAuthFailuresLimitedPerAddress(t *testing.T) {
	e := newTestEnv(t, withAPIConfig(func(c *Config) { c.AuthFailuresPerSecond, c.AuthFailureBurst = 1, 5 }))
	for i := 0; i < 5; i++ {
		isProblem(t, e.get("not-a-token", "/v1/ledger"), http.StatusUnauthorized, matcher.CodeUnauthorized)
	}
	r := e.get("not-a-token", "/v1/ledger")
	isProblem(t, r, http.StatusTooManyRequests, matcher.CodeRateLimited)
	ra, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || ra < 1 || ra > 2 {
		t.Fatalf("%s: Retry-After %q, want 1 or 2 seconds", r, r.Header.Get("Retry-After"))
	}
	isProblem(t, e.get("", "/v1/ledger"), http.StatusTooManyRequests, matcher.CodeRateLimited)
	isProblem(t, e.get(e.Admin.Token, "/v1/ledger"), http.StatusTooManyRequests, matcher.CodeRateLimited)
	r = e.do("GET", "/v1/ledger", e.Admin.Token, nil, "X-Forwarded-For", "198.51.100.7")
	isProblem(t, r, http.StatusTooManyRequests, matcher.CodeRateLimited)
	// Health and the document are not behind authentication.
	wantStatus(t, e.get("", "/healthz"), http.StatusOK)

	time.Sleep(time.Duration(ra) * time.Second)
	wantStatus(t, e.get(e.Admin.Token, "/v1/ledger"), http.StatusOK)
	// One refilled failure, then blocked again.
	isProblem(t, e.get("not-a-token", "/v1/ledger"), http.StatusUnauthorized, matcher.CodeUnauthorized)
	isProblem(t, e.get("not-a-token", "/v1/ledger"), http.StatusTooManyRequests, matcher.CodeRateLimited)
}

// TestAuthFailuresBehindTrustedProxy: behind a trusted proxy each client, named by
// X-Forwarded-For, has its own bucket, so one client's failures do not lock out
// the others that share the proxy.
func TestAuthFailuresBehindTrustedProxy(t *testing.T) {
	e := newTestEnv(t, withAPIConfig(func(c *Config) {
		c.AuthFailuresPerSecond, c.AuthFailureBurst = 1, 3
		c.TrustedProxies = []string{"127.0.0.1"}
	}))
	bad := func(token, client string) *apiResp {
		return e.do("GET", "/v1/ledger", token, nil, "X-Forwarded-For", client)
	}
	for i := 0; i < 3; i++ {
		isProblem(t, bad("not-a-token", "203.0.113.9"), http.StatusUnauthorized, matcher.CodeUnauthorized)
	}
	isProblem(t, bad(e.Admin.Token, "203.0.113.9"), http.StatusTooManyRequests, matcher.CodeRateLimited)
	wantStatus(t, bad(e.Admin.Token, "203.0.113.10"), http.StatusOK)
	// An IPv6 client is its /64: another address in it shares the bucket.
	for i := 0; i < 3; i++ {
		isProblem(t, bad("not-a-token", "2001:db8:1:2::1"), http.StatusUnauthorized, matcher.CodeUnauthorized)
	}
	isProblem(t, bad(e.Admin.Token, "2001:db8:1:2::ffff"), http.StatusTooManyRequests, matcher.CodeRateLimited)
	wantStatus(t, bad(e.Admin.Token, "2001:db8:1:3::1"), http.StatusOK)
}

// TestAuthFailuresBounded: failures from ever more addresses never hold more than
// the limiter's bound, and the addresses still blocked stay blocked while room is
// made from refilled ones.
func TestAuthFailuresBounded(t *testing.T) {
	a := newAuthFailures(1, 2, 64)
	now := time.Now()
	for i := 0; i < 10_000; i++ {
		a.failed(fmt.Sprintf("192.0.2.%d/%d", i%256, i), now)
		if n := a.len(); n > 64 {
			t.Fatalf("after %d addresses the limiter holds %d, want at most 64", i+1, n)
		}
	}
	b := newAuthFailures(1, 2, 64)
	b.failed("blocked", now)
	b.failed("blocked", now)
	later := now.Add(time.Hour) // every other bucket has refilled by then
	for i := 0; i < 63; i++ {
		b.failed(fmt.Sprint("old-", i), now)
	}
	b.failed("blocked", later) // refilled an hour on, and failing again
	b.failed("blocked", later)
	b.failed("new", later)
	if b.blocked("blocked", later) == 0 {
		t.Fatal("making room dropped an address that was still blocked, while refilled ones were there")
	}
}

// TestAuthFailuresNone: an address is looked up only once one has failed; the count
// the check reads follows the buckets through failures and eviction.
func TestAuthFailuresNone(t *testing.T) {
	a := newAuthFailures(1, 2, 8)
	now := time.Now()
	if !a.none() {
		t.Fatal("a new limiter remembers an address")
	}
	a.failed("10.0.0.1", now)
	if a.none() || a.len() != 1 {
		t.Fatalf("after a failure: none %v, %d addresses", a.none(), a.len())
	}
	for i := 0; i < 20; i++ {
		a.failed(fmt.Sprintf("10.0.1.%d", i), now)
		if got := a.held.Load(); got != int64(a.len()) {
			t.Fatalf("held %d, %d addresses", got, a.len())
		}
	}
	// Every bucket refilled: the next failure's eviction forgets all the others.
	a.failed("10.0.2.1", now.Add(time.Hour))
	if a.len() != 1 || a.held.Load() != 1 || a.none() {
		t.Fatalf("after eviction: %d addresses, held %d", a.len(), a.held.Load())
	}
}
