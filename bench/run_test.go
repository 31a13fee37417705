// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scfx/scfx/bench/baseline"
)

// scfx bench --url a,b: setup goes through the first URL, the run waits until every
// other URL has applied it (GET /v1/node), and connection i loads URL i mod n.
func TestBenchSeveralURLs(t *testing.T) {
	type counts struct {
		mu    sync.Mutex
		paths map[string]int
	}
	const setupSeq = 1234
	replica := func(seqs []uint64) (*httptest.Server, *counts) {
		c := &counts{paths: map[string]int{}}
		eng := baseline.Handler()
		var node atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c.mu.Lock()
			c.paths[r.Method+" "+r.URL.Path]++
			c.mu.Unlock()
			if r.URL.Path == "/v1/node" {
				// A replica behind the first: it reaches the setup's seq only at the
				// last answer.
				i := min(int(node.Add(1))-1, len(seqs)-1)
				fmt.Fprintf(w, `{"applied_seq":%d}`, seqs[i])
				return
			}
			eng.ServeHTTP(w, r)
		}))
		t.Cleanup(srv.Close)
		return srv, c
	}
	first, firstCounts := replica([]uint64{setupSeq})
	second, secondCounts := replica([]uint64{7, 900, setupSeq})
	lc := Config{Connections: 4, Duration: 300 * time.Millisecond, Warmup: 0, Mix: "post_receivable=1"}
	res, err := Run(context.Background(), first.URL+","+second.URL+"/", "admin", lc)
	if err != nil {
		t.Fatalf("runBench over two URLs: %v", err)
	}
	if res.OK == 0 || res.Target != first.URL+","+second.URL {
		t.Fatalf("result %+v", res)
	}
	if firstCounts.paths["POST /v1/participants"] != 5 || secondCounts.paths["POST /v1/participants"] != 0 || secondCounts.paths["POST /v1/clusters"] != 0 {
		t.Errorf("setup calls: first %v, second %v; want all on the first", firstCounts.paths, secondCounts.paths)
	}
	if n := secondCounts.paths["GET /v1/node"]; n != 3 {
		t.Errorf("the second URL was asked for its applied seq %d times, want 3 (until it reached the setup's)", n)
	}
	a, b := firstCounts.paths["POST /v1/receivables"], secondCounts.paths["POST /v1/receivables"]
	if a == 0 || b == 0 || a+b < int(res.Requests) {
		t.Errorf("receivables posted: %d to the first, %d to the second (%d requests measured); want both loaded", a, b, res.Requests)
	}
	for _, bad := range []string{"127.0.0.1:8080", "http://a,ftp://b", strings.Repeat("http://a,", maxBenchTargets) + "http://a"} {
		if _, err := Run(context.Background(), bad, "admin", lc); err == nil || !strings.Contains(err.Error(), "--url") {
			t.Errorf("Run(%.40q) = %v, want a --url error", bad, err)
		}
	}
}

// TestBenchConfig: Check names the flag a run cannot use; only a run of healthz
// alone goes without the operator token.
func TestBenchConfig(t *testing.T) {
	ok := Config{Connections: 64, Duration: time.Second, Warmup: time.Second, Mix: "post_receivable=1"}
	if err := ok.Check(); err != nil {
		t.Fatalf("Check(%+v) = %v", ok, err)
	}
	for _, tc := range []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.Connections = 0 }, "--connections"},
		{func(c *Config) { c.Connections = benchConnectionsMax + 1 }, "--connections"},
		{func(c *Config) { c.Duration = 0 }, "--duration"},
		{func(c *Config) { c.Warmup = -time.Second }, "--warmup"},
		{func(c *Config) { c.Rate = -1 }, "--rate"},
		{func(c *Config) { c.Mix = "nope=1" }, "--mix"},
	} {
		c := ok
		tc.edit(&c)
		if err := c.Check(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Check(%+v) = %v, want an error naming %s", c, err, tc.want)
		}
	}
	for mix, want := range map[string]bool{"healthz=1": false, "healthz=1,get_book=1": true, "post_receivable=1": true, "nope": true} {
		if got := (Config{Mix: mix}).NeedsToken(); got != want {
			t.Errorf("Config{Mix: %q}.NeedsToken() = %v, want %v", mix, got, want)
		}
	}
}
