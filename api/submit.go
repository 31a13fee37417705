// SPDX-License-Identifier: Apache-2.0

package api

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/node"
)

const maxIdemKeyLen = 255

// maxRejectDetail bounds the detail of a refusal kept under a key (the matcher takes
// up to 1,024 bytes).
const maxRejectDetail = 512

// idempotencyKey reads and checks the Idempotency-Key header ("" when absent).
func idempotencyKey(c *gin.Context) (string, *matcher.Error) {
	k := c.GetHeader("Idempotency-Key")
	if len(k) > maxIdemKeyLen {
		return "", fieldError("Idempotency-Key", "must be at most 255 characters")
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return "", fieldError("Idempotency-Key", "must be printable ASCII without spaces")
		}
	}
	return k, nil
}

// request is a decoded POST: its body, idempotency key and request hash.
type request struct {
	body    []byte
	idemKey string
	hash    string
}

// decode reads a POST body strictly into v; on failure it has written the problem.
func (s *Server) decode(c *gin.Context, v any) (request, bool) {
	key, e := idempotencyKey(c)
	if e != nil {
		fail(c, e)
		return request{}, false
	}
	if e := checkContentType(c.Request); e != nil {
		fail(c, e)
		return request{}, false
	}
	b, e := readBody(c)
	if e != nil {
		fail(c, e) // a body never read whole has no hash to remember
		return request{}, false
	}
	req := request{body: b, idemKey: key}
	if key != "" {
		req.hash = requestHash(c, b) // only a keyed request is remembered by its hash
	}
	if e = decodeRequest(b, v); e != nil {
		if key != "" {
			s.rejectKeyed(c, req, e)
		} else {
			fail(c, e)
		}
		return request{}, false
	}
	return req, true
}

// rejectKeyed journals a refusal made before the matcher saw the request, under its
// Idempotency-Key (docs/api.md: a key names one request): a retry with the same
// body gets the same refusal, the key with another body idempotency_conflict — on
// every replica. If the journal cannot take it, the refusal is answered unrecorded.
func (s *Server) rejectKeyed(c *gin.Context, req request, e *matcher.Error) {
	kept := *e
	if len(kept.Detail) > maxRejectDetail {
		kept.Detail = kept.Detail[:maxRejectDetail]
	}
	cmd := matcher.Command{Actor: actorOf(c), IdemKey: req.idemKey, IdemHash: req.hash,
		Payload: &matcher.Reject{Error: kept}}
	res, err := s.n.SubmitWithin(c.Request.Context(), cmd, s.cfg.RequestTimeout)
	if err != nil || res.Err == nil {
		fail(c, e)
		return
	}
	if res.Replayed {
		c.Header("Idempotent-Replayed", "true")
	}
	fail(c, res.Err)
}

// submit runs cmd as the caller through the node and answers with status and the
// body render builds (under the read lock), or with the problem the matcher found.
func (s *Server) submit(c *gin.Context, req request, cmd matcher.Command, status int, render func(m *matcher.Matcher, r matcher.Result) any) {
	res, ok := s.run(c, req, cmd)
	if !ok {
		return
	}
	var body any
	s.n.View(func(m *matcher.Matcher) { body = render(m, res) })
	c.JSON(status, body)
}

// submitReceivableCmd is submit for a command whose answer is its receivable, as
// the command left it (an idempotent replay gets the first response, not today's
// score). The objects of a result are copies that later entries do not change
// (matcher.Result's detach), so it is rendered without the read lock: the handler
// the applier has just woken does not wait for the applier's next batch to let go
// of its write lock.
func (s *Server) submitReceivableCmd(c *gin.Context, req request, cmd matcher.Command, status int) {
	if res, ok := s.run(c, req, cmd); ok {
		writeReceivable(c, status, res.Receivable, *res.Score, res.Anchors)
	}
}

// run runs cmd as the caller through the node; false: it has answered with the
// problem (the node's or the matcher's).
func (s *Server) run(c *gin.Context, req request, cmd matcher.Command) (matcher.Result, bool) {
	cmd.Actor = actorOf(c)
	if req.idemKey != "" {
		cmd.IdemKey, cmd.IdemHash = req.idemKey, req.hash
	}
	res, err := s.n.SubmitWithin(c.Request.Context(), cmd, s.cfg.RequestTimeout)
	switch {
	case errors.Is(err, node.ErrOverloaded):
		c.Header("Retry-After", "1")
		fail(c, errf(matcher.CodeUnavailable, "the node is overloaded; nothing was changed, retry"))
		return res, false
	case errors.Is(err, node.ErrUnavailable), errors.Is(err, node.ErrClosed):
		// Redis restarting or failing over is back within seconds.
		c.Header("Retry-After", "1")
		fail(c, errf(matcher.CodeUnavailable, "the journal is unavailable; nothing was changed"))
		return res, false
	case err != nil:
		// The entry may have been appended: with an Idempotency-Key a retry is safe.
		s.log.Warn("submit outcome unknown", "kind", cmd.Kind(), "err", err)
		c.Header("Retry-After", "1")
		fail(c, errf(matcher.CodeUnavailable, "timed out waiting for the journal; retry with the same Idempotency-Key"))
		return res, false
	case res.Err != nil:
		if res.Replayed {
			c.Header("Idempotent-Replayed", "true")
		}
		fail(c, res.Err)
		return res, false
	}
	if res.Replayed {
		c.Header("Idempotent-Replayed", "true")
	}
	return res, true
}

// listParams reads ?limit= and ?cursor=.
func listParams(c *gin.Context) (uint64, int, bool) {
	limit := matcher.DefaultPageLimit
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			fail(c, fieldError("limit", "must be an integer from 1 to 500"))
			return 0, 0, false
		}
		limit = min(n, matcher.MaxPageLimit)
	}
	cursor, e := matcher.ParseCursor(c.Query("cursor"))
	if e != nil {
		fail(c, e)
		return 0, 0, false
	}
	return cursor, limit, true
}

// view answers a read: f runs under the read lock and returns the body or a problem.
func (s *Server) view(c *gin.Context, f func(m *matcher.Matcher) (any, *matcher.Error)) {
	var body any
	var e *matcher.Error
	s.n.View(func(m *matcher.Matcher) { body, e = f(m) })
	if e != nil {
		fail(c, e)
		return
	}
	c.JSON(http.StatusOK, body)
}
