// SPDX-License-Identifier: Apache-2.0

// Package bench is the load generator behind `scfx bench`: it sets up participants on
// a running scfx through the HTTP API and loads it with a mix of requests. Each
// connection runs its requests one after another; latency is measured from each
// request's intended start, so a stall shows in the percentiles instead of silently
// pausing the load (coordinated omission). With a rate every connection follows a
// fixed schedule and the intended start is the scheduled one; in closed loop (rate 0)
// it is the moment the connection's previous request finished.
//
// Compare (`scfx bench compare`) runs `scfx serve` and the bare baseline server of
// package bench/baseline (its own binary, scfx-baseline) as child processes and puts
// the same load on each. This package does not import the baseline, so the scfx
// binary does not contain it.
package bench

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

// Limits on what a run may ask for.
const (
	benchConnectionsMax = 4096
	benchPoolPerConn    = 16 // receivables each connection's SME holds for GET mixes
	benchSetupParallel  = 8  // setup requests in flight at once
	benchRequestTimeout = 30 * time.Second
	benchSetupBodyMax   = 1 << 20 // bytes of a setup response read
	benchListLimit      = 50      // docs/api.md's default page
	benchAmountFen      = 1_000_000
	benchTermDays       = 90 // within the 365-day payment-term cap (docs/api.md)
	// maxBenchTargets bounds the list of base URLs.
	maxBenchTargets = 64
)

// Config is what a run does, against any target.
type Config struct {
	Connections int
	Duration    time.Duration
	Warmup      time.Duration
	Rate        float64 // requests per second in total; 0: closed loop
	Mix         string  // op=weight,… of OpNames
}

// Check reports the first setting a run cannot use, named by its flag.
func (c Config) Check() error {
	_, err := c.check()
	return err
}

func (c Config) check() (benchMix, error) {
	switch {
	case c.Connections < 1 || c.Connections > benchConnectionsMax:
		return nil, fmt.Errorf("--connections must be from 1 to %d", benchConnectionsMax)
	case c.Duration <= 0:
		return nil, errors.New("--duration must be positive")
	case c.Warmup < 0:
		return nil, errors.New("--warmup must not be negative")
	case c.Rate < 0 || math.IsNaN(c.Rate) || math.IsInf(c.Rate, 0):
		return nil, errors.New("--rate must be a finite number ≥ 0")
	}
	return parseMix(c.Mix)
}

// NeedsToken reports whether a run sets up participants, which takes the operator
// token: every mix but healthz alone does. A mix that does not parse needs it too
// (Run refuses it anyway).
func (c Config) NeedsToken() bool {
	mix, err := parseMix(c.Mix)
	return err != nil || mix.needsSetup()
}

func (c Config) plan() loadPlan {
	return loadPlan{connections: c.Connections, duration: c.Duration, warmup: c.Warmup, rate: c.Rate}
}

// ReadTokenFile reads the operator token a server wrote (admin.token in its data
// directory).
func ReadTokenFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("operator token: %w (give --token or --data-dir)", err)
	}
	t := strings.TrimSpace(string(b))
	if t == "" {
		return "", fmt.Errorf("operator token file %s is empty", path)
	}
	return t, nil
}

// Run sets up the target through the API with the operator token and runs the load.
// urls is one base URL or several, comma-separated: replicas of one platform.
// Connection i then loads replica i mod n, as a load balancer would spread them.
func Run(ctx context.Context, urls, token string, c Config) (Result, error) {
	mix, err := c.check()
	if err != nil {
		return Result{}, err
	}
	bases, err := parseBases(urls)
	if err != nil {
		return Result{}, err
	}
	base := strings.Join(bases, ",")
	client := newBenchClient(c.Connections)
	defer client.CloseIdleConnections()
	t, err := setupTarget(ctx, client, bases, token, c.Connections, mix)
	if err != nil {
		return Result{}, err
	}
	st := runLoad(ctx, wallClock{}, c.plan(), t.do)
	if err := ctx.Err(); err != nil {
		return Result{}, fmt.Errorf("interrupted: %w", err)
	}
	return summarize(st, base, mix, c), nil
}

func parseBases(urls string) ([]string, error) {
	var bases []string
	for u := range strings.SplitSeq(urls, ",") {
		u = strings.TrimRight(strings.TrimSpace(u), "/")
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			return nil, fmt.Errorf("--url %q: want http:// or https:// base URLs, comma-separated", u)
		}
		bases = append(bases, u)
	}
	if len(bases) > maxBenchTargets {
		return nil, fmt.Errorf("--url: %d base URLs, at most %d", len(bases), maxBenchTargets)
	}
	return bases, nil
}

// newBenchClient is one keep-alive transport sized to the connections: every
// connection goroutine has one request in flight, so no request waits for a socket.
func newBenchClient(conns int) *http.Client {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns + benchSetupParallel,
		MaxIdleConnsPerHost: conns + benchSetupParallel,
		MaxConnsPerHost:     conns + benchSetupParallel,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &http.Client{Transport: tr, Timeout: benchRequestTimeout}
}
