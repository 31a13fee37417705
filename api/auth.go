// SPDX-License-Identifier: Apache-2.0

package api

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"github.com/scfx/scfx/matcher"
)

// The caller, set by authenticate.
const (
	ctxActor = "scfx.actor"
	ctxRole  = "scfx.role"
)

// roleOperator is the operator's role in handlers (participants have matcher roles).
const roleOperator = "operator"

// HashToken is how tokens are kept: only the SHA-256, hex.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// NewToken is 32 random bytes, base64url: a participant's bearer token.
func NewToken() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("api: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// authenticate resolves the bearer token to the operator or a participant and
// applies the per-token rate limit.
func (s *Server) authenticate(c *gin.Context) {
	h := c.GetHeader("Authorization")
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || token == "" || len(token) > 256 {
		c.Header("WWW-Authenticate", `Bearer realm="scfx"`)
		fail(c, errf(matcher.CodeUnauthorized, "a bearer token is required"))
		return
	}
	sum := sha256.Sum256([]byte(token))
	actor, role := "", ""
	var refused *matcher.Error
	if subtle.ConstantTimeCompare(sum[:], s.adminHash[:]) == 1 {
		actor, role = matcher.ActorOperator, roleOperator
	} else {
		// The lookup is by the token's SHA-256, so timing tells nothing of the token.
		now := time.Now().UnixMilli()
		s.n.View(func(m *matcher.Matcher) {
			id, r, e := m.AuthenticateSum(&sum, now)
			if e != nil {
				refused = e
				return
			}
			actor, role = id, string(r)
		})
	}
	if actor == "" {
		c.Header("WWW-Authenticate", `Bearer realm="scfx", error="invalid_token"`)
		fail(c, refused)
		return
	}
	if role == string(matcher.RoleAuditor) && c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead {
		// docs/audit.md: an auditor reads everything and writes nothing (the matcher
		// refuses its commands too).
		fail(c, errf(matcher.CodeForbidden, "an auditor may only read"))
		return
	}
	if wait, ok := s.limits.allow(actor); !ok {
		c.Header("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		fail(c, errf(matcher.CodeRateLimited, "too many requests for this token"))
		return
	}
	c.Set(ctxActor, actor)
	c.Set(ctxRole, role)
	c.Next()
}

func actorOf(c *gin.Context) string { return c.GetString(ctxActor) }
func roleOf(c *gin.Context) string  { return c.GetString(ctxRole) }

// requireRole refuses callers of other roles with 403.
func requireRole(c *gin.Context, roles ...string) bool {
	r := roleOf(c)
	for _, want := range roles {
		if r == want {
			return true
		}
	}
	fail(c, errf(matcher.CodeForbidden, "the "+r+" role may not do this; it needs the "+strings.Join(roles, " or ")+" role"))
	return false
}

// visibleTo answers 404 unless the object named by the path's :id exists for the
// caller (docs/api.md "Conventions" (visibility): an object the caller is not party to does not exist
// for it). Handlers that act on an object call it before requireRole, so that 403
// is only ever said about a visible object and a non-party learns nothing.
func (s *Server) visibleTo(c *gin.Context, find func(m *matcher.Matcher, actor, id string) *matcher.Error) bool {
	var e *matcher.Error
	s.n.View(func(m *matcher.Matcher) { e = find(m, actorOf(c), c.Param("id")) })
	if e != nil {
		fail(c, e)
		return false
	}
	return true
}

// The lookups visibleTo uses: each is the matcher's own visibility rule.
func findParticipant(m *matcher.Matcher, actor, id string) *matcher.Error {
	_, e := m.Participant(actor, id)
	return e
}

func findReceivable(m *matcher.Matcher, actor, id string) *matcher.Error {
	_, e := m.Receivable(actor, id)
	return e
}

func findListing(m *matcher.Matcher, actor, id string) *matcher.Error {
	_, e := m.Listing(actor, id)
	return e
}

func findOffer(m *matcher.Matcher, actor, id string) *matcher.Error {
	_, e := m.Offer(actor, id)
	return e
}

func findMatch(m *matcher.Matcher, actor, id string) *matcher.Error {
	_, e := m.Match(actor, id)
	return e
}

// limiter is a token bucket per caller, bounded in how many callers it remembers.
type limiter struct {
	mu      sync.Mutex
	perSec  rate.Limit
	burst   int
	buckets map[string]*rate.Limiter
}

// maxBuckets bounds the limiter's memory; when full it starts over (every caller
// gets a fresh, full bucket — generous, never wrong).
const maxBuckets = 100_000

func newLimiter(perSec float64, burst int) *limiter {
	return &limiter{perSec: rate.Limit(perSec), burst: burst, buckets: map[string]*rate.Limiter{}}
}

// allow takes one token for key, or says how long until one is available.
func (l *limiter) allow(key string) (time.Duration, bool) {
	l.mu.Lock()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			l.buckets = map[string]*rate.Limiter{}
		}
		b = rate.NewLimiter(l.perSec, l.burst)
		l.buckets[key] = b
	}
	l.mu.Unlock()
	now := time.Now()
	r := b.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d, false
	}
	return 0, true
}
