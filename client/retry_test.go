// SPDX-License-Identifier: Apache-2.0

package client_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/client"
	"github.com/scfx/scfx/internal/apitest"
)

// flaky stands in front of a real server and spoils the first attempts of every
// POST as fault says, recording the Idempotency-Key of each attempt.
type flaky struct {
	api   http.Handler
	fault func(attempt int, api http.Handler, w http.ResponseWriter, r *http.Request) bool // true: handled
	mu    sync.Mutex
	keys  []string
}

func (f *flaky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		f.mu.Lock()
		f.keys = append(f.keys, r.Header.Get("Idempotency-Key"))
		n := len(f.keys)
		f.mu.Unlock()
		if f.fault(n, f.api, w, r) {
			return
		}
	}
	f.api.ServeHTTP(w, r)
}

func (f *flaky) attempts() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.keys...)
}

func startFlaky(t *testing.T, fault func(int, http.Handler, http.ResponseWriter, *http.Request) bool) (*apitest.Server, *flaky, *httptest.Server) {
	srv := apitest.Start(t)
	f := &flaky{api: srv.API, fault: fault}
	ts := httptest.NewServer(f)
	t.Cleanup(ts.Close)
	return srv, f, ts
}

var testCluster = wire.CreateClusterRequest{Name: "乐清市电气机械和器材产业集群", CountyCode: "330382", Level: "provincial", Industry: "电气机械和器材制造", ValidUntil: day(365)}

// TestRetryAfterLostAnswerReusesKey: the first attempt is applied but its answer
// is lost (the connection drops); the retry carries the same Idempotency-Key, so
// the server answers it with the first answer and the cluster exists once.
func TestRetryAfterLostAnswerReusesKey(t *testing.T) {
	srv, f, ts := startFlaky(t, func(n int, api http.Handler, w http.ResponseWriter, r *http.Request) bool {
		if n > 1 {
			return false
		}
		api.ServeHTTP(httptest.NewRecorder(), r) // applied…
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close() // …and the answer lost
		}
		return true
	})
	ctx := context.Background()
	c := client.New(ts.URL, srv.AdminToken)
	cl, err := c.CreateCluster(ctx, testCluster)
	if err != nil {
		t.Fatalf("CreateCluster after a lost answer = %v, want the retry's answer", err)
	}
	keys := f.attempts()
	if len(keys) != 2 || keys[0] == "" || keys[0] != keys[1] {
		t.Fatalf("Idempotency-Keys of the attempts = %q, want two equal keys", keys)
	}
	p, err := c.Clusters(ctx, client.ListOptions{})
	if err != nil || len(p.Items) != 1 || p.Items[0].ID != cl.ID {
		t.Fatalf("Clusters after the retry = %+v, %v; want only %s", p, err, cl.ID)
	}
}

// TestRetryOn503HonoursRetryAfter: a 503 with Retry-After: 1 is retried with the
// same key after about a second, and the call succeeds.
func TestRetryOn503HonoursRetryAfter(t *testing.T) {
	srv, f, ts := startFlaky(t, func(n int, _ http.Handler, w http.ResponseWriter, _ *http.Request) bool {
		if n > 1 {
			return false
		}
		w.Header().Set("Retry-After", "1")
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"type":"https://scfx.dev/problems/unavailable","title":"Unavailable","status":503,"detail":"busy","code":"unavailable"}`))
		return true
	})
	var seen []client.Exchange
	c := client.New(ts.URL, srv.AdminToken, client.WithHook(func(e client.Exchange) { seen = append(seen, e) }))
	ctx := client.WithIdempotencyKey(context.Background(), "create-cluster-1")
	start := time.Now()
	if _, err := c.CreateCluster(ctx, testCluster); err != nil {
		t.Fatalf("CreateCluster after a 503 = %v", err)
	}
	if waited := time.Since(start); waited < 900*time.Millisecond {
		t.Errorf("retried after %s, want Retry-After's 1s", waited)
	}
	if keys := f.attempts(); len(keys) != 2 || keys[0] != "create-cluster-1" || keys[1] != keys[0] {
		t.Errorf("Idempotency-Keys = %q, want the given key twice", keys)
	}
	if len(seen) != 2 || seen[0].Status != 503 || seen[0].Attempt != 1 || seen[1].Status != 201 || seen[1].Attempt != 2 ||
		len(seen[1].Request) == 0 || len(seen[1].Response) == 0 || seen[1].IdempotencyKey != "create-cluster-1" {
		t.Errorf("the hook saw %+v, want the 503 attempt and the 201 one with their bodies", seen)
	}
}

// TestRetriesAreBounded: a server that always answers 503 gets WithAttempts
// attempts, and the caller its Problem.
func TestRetriesAreBounded(t *testing.T) {
	srv, f, ts := startFlaky(t, func(_ int, _ http.Handler, w http.ResponseWriter, _ *http.Request) bool {
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusServiceUnavailable)
		return true
	})
	n := 0
	c := client.New(ts.URL, srv.AdminToken, client.WithAttempts(2), client.WithKeys(func() string { n++; return "k" + string(rune('0'+n)) }))
	_, err := c.CreateCluster(context.Background(), testCluster)
	var p *client.Problem
	if !errors.As(err, &p) || p.Status != http.StatusServiceUnavailable {
		t.Fatalf("CreateCluster on a server always 503 = %v, want its Problem", err)
	}
	if keys := f.attempts(); len(keys) != 2 || keys[0] != "k1" || keys[1] != "k1" {
		t.Errorf("attempts' keys = %q, want WithKeys' one key on each of 2 attempts", keys)
	}
}

// TestNoRetryOnRefusal: a 4xx is answered at once, not sent again.
func TestNoRetryOnRefusal(t *testing.T) {
	srv, f, ts := startFlaky(t, func(int, http.Handler, http.ResponseWriter, *http.Request) bool { return false })
	bad := testCluster
	bad.Level = "galactic"
	if _, err := client.New(ts.URL, srv.AdminToken).CreateCluster(context.Background(), bad); !client.IsCode(err, "validation_failed") {
		t.Fatalf("CreateCluster(bad level) = %v", err)
	}
	if keys := f.attempts(); len(keys) != 1 {
		t.Errorf("a validation_failed answer was sent %d times, want once", len(keys))
	}
}
