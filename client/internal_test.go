// SPDX-License-Identifier: Apache-2.0

package client

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/scfx/scfx/api/wire"
)

func TestRetryAfter(t *testing.T) {
	for h, want := range map[string]time.Duration{
		"": -1, "soon": -1, "-3": -1, "0": 0, "2": 2 * time.Second, "86400": retryAfterMax,
	} {
		if got := retryAfter(h); got != want {
			t.Errorf("retryAfter(%q) = %s, want %s", h, got, want)
		}
	}
}

// TestProblemOfNonJSON: an error page that is not problem+json (a proxy's) is a
// Problem with the answer's status and the start of its body.
func TestProblemOfNonJSON(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("<html>bad gateway" + strings.Repeat(".", 1000)))
	}))
	defer ts.Close()
	_, err := New(ts.URL, "t").Ledger(context.Background())
	p, ok := err.(*Problem)
	if !ok || p.Status != http.StatusBadGateway || !strings.HasPrefix(p.Detail, "<html>bad gateway") || len(p.Detail) > 200 || p.Code != "" {
		t.Fatalf("Ledger via a bad gateway = %#v, want a 502 Problem with the page's start", err)
	}
}

// TestCollectStopsAtPagesMax: a list that never ends is cut, with an error.
func TestCollectStopsAtPagesMax(t *testing.T) {
	next := "again"
	calls := 0
	items, err := Collect(context.Background(), 1, func(context.Context, ListOptions) (*wire.Page[int], error) {
		calls++
		return &wire.Page[int]{Items: []int{calls}, NextCursor: &next}, nil
	})
	if err == nil || calls != CollectPagesMax || len(items) != CollectPagesMax {
		t.Fatalf("Collect over an endless list = %d items after %d calls, %v; want %d and an error", len(items), calls, err, CollectPagesMax)
	}
}
