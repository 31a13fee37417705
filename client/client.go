// SPDX-License-Identifier: Apache-2.0

package client

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/scfx/scfx/api/wire"
)

// Limits of a Client.
const (
	DefaultAttempts  = 3                // per call, on broken connections, 429 and 503
	DefaultTimeout   = 30 * time.Second // one HTTP attempt
	retryAfterMax    = 60 * time.Second // the longest Retry-After honoured
	retryAfterNone   = time.Second      // the wait on 429 or 503 without Retry-After
	networkRetryWait = 200 * time.Millisecond
	responseMax      = 4 << 20 // bytes of an answer read
)

// Client calls the API as one participant. Its methods are safe for concurrent use.
type Client struct {
	base     string
	token    string
	http     *http.Client
	attempts int
	newKey   func() string
	hook     func(Exchange)
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sends the requests with h (its transport, its timeout) instead of
// a client with DefaultTimeout.
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// WithAttempts bounds the attempts of one call (at least 1; DefaultAttempts).
func WithAttempts(n int) Option { return func(c *Client) { c.attempts = max(1, n) } }

// WithKeys makes the Idempotency-Keys of calls whose context names none: newKey is
// called once per call, every attempt of the call sends its key. The default is 32
// random hex digits.
func WithKeys(newKey func() string) Option { return func(c *Client) { c.newKey = newKey } }

// WithHook calls hook after every attempt with what was sent and what came back:
// a trace, a log, or the echo of a command-line tool. hook runs on the calling
// goroutine and must not keep Exchange's slices.
func WithHook(hook func(Exchange)) Option { return func(c *Client) { c.hook = hook } }

// Exchange is one attempt of a call, as WithHook sees it.
type Exchange struct {
	Method, Path   string // path with its query
	IdempotencyKey string // "" on GET
	Attempt        int    // 1, 2, …
	Request        []byte // the JSON body sent; nil without one
	Status         int    // 0 when no answer came
	Response       []byte
	Elapsed        time.Duration
	Err            error // the transport's error when no answer came
}

// New is a client of the API at baseURL (scheme, host and port, e.g.
// "http://127.0.0.1:8080") that authenticates with the bearer token.
func New(baseURL, token string, opts ...Option) *Client {
	c := &Client{base: strings.TrimRight(baseURL, "/"), token: token, attempts: DefaultAttempts, newKey: randomKey}
	for _, o := range opts {
		o(c)
	}
	if c.http == nil {
		c.http = &http.Client{Timeout: DefaultTimeout}
	}
	return c
}

// As is a copy of c acting as the holder of token, with c's options.
func (c *Client) As(token string) *Client {
	cp := *c
	cp.token = token
	return &cp
}

// WithHook is a copy of c whose attempts are seen by hook instead of c's hook.
func (c *Client) WithHook(hook func(Exchange)) *Client {
	cp := *c
	cp.hook = hook
	return &cp
}

type keyContext struct{}

// WithIdempotencyKey names the Idempotency-Key of the call made with ctx. A key
// names one request: the server answers a repeat with the same body with the first
// answer, and a repeat with another body with idempotency_conflict.
func WithIdempotencyKey(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, keyContext{}, key)
}

func randomKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return hex.EncodeToString(b[:])
}

// Problem is an error answer of the API: its problem+json body, with the call it
// answered. Use errors.As to get it from a method's error.
type Problem struct {
	wire.Problem
	Method, Path string
	// RetryAfter is the wait the server asked for (429, 503), 0 when it asked none.
	RetryAfter time.Duration
}

func (p *Problem) Error() string {
	s := fmt.Sprintf("%s %s = %d %s", p.Method, p.Path, p.Status, p.Code)
	if p.Detail != "" {
		s += ": " + p.Detail
	}
	return s
}

// IsCode reports whether err is a *Problem with the given code.
func IsCode(err error, code string) bool {
	var p *Problem
	return errors.As(err, &p) && p.Code == code
}

// do sends one call and decodes a 2xx answer into out (if not nil).
func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	var req []byte
	if body != nil {
		var err error
		if req, err = json.Marshal(body); err != nil {
			return fmt.Errorf("%s %s: encode: %w", method, path, err)
		}
	}
	key := ""
	if method != http.MethodGet {
		key, _ = ctx.Value(keyContext{}).(string)
		if key == "" {
			key = c.newKey()
		}
	}
	status, resp, asked, err := c.attemptAll(ctx, method, path, req, key)
	if err != nil {
		return err
	}
	if status < 200 || status > 299 {
		return problemOf(method, path, status, resp, asked)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(resp, out); err != nil {
		return fmt.Errorf("%s %s: decode: %w", method, path, err)
	}
	return nil
}

// attemptAll sends the call until it answers with something a retry cannot cure,
// or the attempts run out; every attempt carries the same key.
func (c *Client) attemptAll(ctx context.Context, method, path string, body []byte, key string) (int, []byte, time.Duration, error) {
	for attempt := 1; ; attempt++ {
		status, resp, asked, err := c.attempt(ctx, method, path, body, key, attempt)
		retry := err != nil || status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable
		if !retry || attempt >= c.attempts || ctx.Err() != nil {
			return status, resp, asked, err
		}
		wait := asked
		switch {
		case err != nil:
			wait = networkRetryWait
		case wait < 0:
			wait = retryAfterNone
		}
		select {
		case <-ctx.Done():
			return 0, nil, -1, fmt.Errorf("%s %s: %w", method, path, ctx.Err())
		case <-time.After(wait):
		}
	}
}

// attempt sends the call once; asked is the answer's Retry-After (-1: none).
func (c *Client) attempt(ctx context.Context, method, path string, body []byte, key string, n int) (status int, resp []byte, asked time.Duration, err error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, nil, -1, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	start := time.Now()
	ex := Exchange{Method: method, Path: path, IdempotencyKey: key, Attempt: n, Request: body}
	defer func() {
		if c.hook != nil {
			ex.Status, ex.Response, ex.Elapsed, ex.Err = status, resp, time.Since(start), err
			c.hook(ex)
		}
	}()
	r, err := c.http.Do(req)
	if err != nil {
		return 0, nil, -1, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer r.Body.Close()
	resp, err = io.ReadAll(io.LimitReader(r.Body, responseMax))
	if err != nil {
		return 0, nil, -1, fmt.Errorf("%s %s: read: %w", method, path, err)
	}
	return r.StatusCode, resp, retryAfter(r.Header.Get("Retry-After")), nil
}

// retryAfter reads Retry-After in seconds (the server never sends an HTTP date),
// bounded by retryAfterMax; -1 when absent or unreadable.
func retryAfter(h string) time.Duration {
	s, err := strconv.Atoi(strings.TrimSpace(h))
	if err != nil || s < 0 {
		return -1
	}
	return min(time.Duration(s)*time.Second, retryAfterMax)
}

// problemOf reads an error answer; one that is not problem+json (a proxy's page)
// becomes a Problem with its status and the start of the body as detail.
func problemOf(method, path string, status int, body []byte, asked time.Duration) *Problem {
	p := &Problem{Method: method, Path: path, RetryAfter: max(asked, 0)}
	if err := json.Unmarshal(body, &p.Problem); err != nil || p.Problem.Status == 0 {
		const detailMax = 200
		p.Problem = wire.Problem{Status: status, Title: http.StatusText(status), Detail: string(body[:min(len(body), detailMax)])}
	}
	p.Status = status
	return p
}
