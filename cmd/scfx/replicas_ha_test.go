// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/journal/redistest"
)

// redisFailoversFlag is how many times TestRedisFailoverLosesNothing kills the Redis
// primary: 3 keeps the test to a few minutes; the run is -redis-failovers=10.
var redisFailoversFlag = flag.Int("redis-failovers", 3, "Redis primaries TestRedisFailoverLosesNothing kills (docs/benchmarks.md: 10)")

// haBenchDuration is how long each throughput measurement of the test runs.
const haBenchDuration = 5 * time.Second

// TestRedisFailoverLosesNothing (docs/operations.md, "Redis high availability"):
// three replicas on a Redis primary, its replica and three Sentinels, under load
// (invoices and their confirmations, and a probe that certifies a cluster every few
// milliseconds); the primary is killed with SIGKILL at a random moment, the Sentinels
// promote the replica, the old primary comes back as the new one's replica — again
// and again. Meanwhile writes answer 503 with Retry-After, never anything else.
// Afterwards every acknowledged command is on every replica, the replicas agree,
// exactly one anchors, and every leaf was anchored by exactly one transaction. It logs
// acknowledged and lost commands, the write outage per failover, and the throughput
// (POST receivables, 64 connections) against one Redis and with the wait for the
// replica, measured in the same run.
func TestRedisFailoverLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("runs redis-server, redis-sentinel, geth and scfx processes")
	}
	seed := testSeed(t)
	var single float64
	t.Run("single-redis", func(t *testing.T) {
		single = haThroughput(t, startPlatform(t, 3))
	})
	pf := startPlatformHA(t, 3)
	want := wire.NodeReplication{Sentinel: true, MasterName: redistest.MasterName, Wait: "WAIT", MinReplicas: 1, ReplicaDurability: "durable"}
	for _, r := range pf.reps {
		if n := r.node(); n.Replication == nil || *n.Replication != want {
			t.Fatalf("%s: GET /v1/node replication = %+v, want %+v", r.id, n.Replication, want)
		}
	}
	withWait := haThroughput(t, pf)

	mk := newLoadMarket()
	mk.setup(pf.reps[0], rand.New(rand.NewPCG(seed, 1<<32)))
	mk.allow503 = true
	l := startLoad(pf.up, mk, confirmMix, seed, 4, 0)
	defer l.halt()
	pr := startProbe(pf, mk)
	defer pr.halt()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	rng := rand.New(rand.NewPCG(seed, 17))
	var kills []time.Time
	for i := range *redisFailoversFlag {
		if err := pf.ha.WaitHealthy(ctx); err != nil {
			t.Fatal(err)
		}
		// A random moment of the load.
		time.Sleep(200*time.Millisecond + time.Duration(rng.Int64N(int64(2*time.Second))))
		kills = append(kills, time.Now())
		old, err := pf.ha.KillPrimary(ctx)
		if err != nil {
			t.Fatalf("failover %d: %v", i+1, err)
		}
		p, err := pf.ha.WaitPromoted(ctx, old)
		if err != nil {
			t.Fatalf("failover %d: %v", i+1, err)
		}
		t.Logf("failover %d: killed the primary %s; %s promoted after %v", i+1, old.Addr(), p.Addr(), time.Since(kills[i]).Round(time.Millisecond))
		if err := pf.ha.RestartAsReplica(old, p); err != nil {
			t.Fatalf("failover %d: %v", i+1, err)
		}
	}
	if err := pf.ha.WaitHealthy(ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second) // the load goes on after the last failover
	stopped := time.Now()
	pr.halt()
	l.halt()
	noBadAnswers(t, mk)
	acks := pr.check(t)

	pf.converge()
	pf.checkAcked(mk)
	pf.oneAnchorer(4 * leaseTTL)
	for _, r := range pf.reps {
		pf.waitFinanceable(r, mk)
	}
	checkAnchoredOnce(t, pf, mk, pf.reps[0])
	outages := redistest.Outages(acks, kills, stopped)
	mk.mu.Lock()
	acked := len(mk.acks)
	mk.mu.Unlock()
	t.Logf("redis HA: %d failovers; %d acknowledged commands, 0 lost; write outage per failover p50 %v, max %v (all: %v); "+
		"throughput with WAIT %.0f/s, one Redis %.0f/s: %.2f×",
		len(kills), acked, outages[len(outages)/2].Round(time.Millisecond), outages[len(outages)-1].Round(time.Millisecond),
		outages, withWait, single, withWait/single)
}

// haThroughput runs `scfx bench` (POST receivables, 64 connections, spread over the
// replicas) for haBenchDuration and returns the acknowledged requests per second.
func haThroughput(t testing.TB, pf *platform) float64 {
	t.Helper()
	var bases []string
	for _, r := range pf.reps {
		bases = append(bases, r.base())
	}
	cmd := exec.Command(scfxBinary(t), "bench", "--url", strings.Join(bases, ","), "--token", replicaAdmin,
		"--connections", "64", "--duration", haBenchDuration.String(), "--mix", "post_receivable=1", "--json")
	cmd.Env = cleanEnv()
	var errOut strings.Builder
	cmd.Stderr = &errOut
	out, err := cmd.Output()
	var r struct {
		Requests   uint64            `json:"requests"`
		OK         uint64            `json:"ok"`
		Errors     map[string]uint64 `json:"errors"`
		Throughput float64           `json:"throughput_rps"`
	}
	if err == nil {
		err = json.Unmarshal(out, &r)
	}
	if err != nil {
		t.Fatalf("scfx bench: %v\n%s", err, errOut.String())
	}
	if r.OK == 0 || r.OK != r.Requests {
		t.Fatalf("scfx bench: %d requests, %d ok, errors %v", r.Requests, r.OK, r.Errors)
	}
	t.Logf("%s: %d requests, %.0f/s", pf.url, r.Requests, r.Throughput)
	return r.Throughput
}

// BenchmarkRedisHAThroughput measures what the wait for a Redis replica costs the
// whole system: three `scfx serve` replicas on one Redis and three on a primary with a
// replica behind three Sentinels (--redis-min-replicas 1: WAIT 1), POST receivables
// over 64 connections for 5 s each, the two setups in turn, five pairs. It reports
// the medians and the median of the pairs' ratios. Use -benchtime=1x:
//
//	go test ./cmd/scfx -run '^$' -bench RedisHAThroughput -benchtime=1x
func BenchmarkRedisHAThroughput(b *testing.B) {
	const pairs = 5
	single, ha := startPlatform(b, 3), startPlatformHA(b, 3)
	var ss, hs, ratios []float64
	for i := range pairs {
		s := haThroughput(b, single)
		h := haThroughput(b, ha)
		ss, hs, ratios = append(ss, s), append(hs, h), append(ratios, h/s)
		// Printed, not logged: a benchmark's log is cut after a few lines.
		fmt.Printf("pair %d (%s): one Redis %.0f/s, WAIT 1 %.0f/s: %.2f×\n", i+1, time.Now().UTC().Format("15:04:05"), s, h, h/s)
	}
	med := func(xs []float64) float64 { xs = slices.Clone(xs); slices.Sort(xs); return xs[len(xs)/2] }
	b.ReportMetric(med(ss), "single-req/s")
	b.ReportMetric(med(hs), "wait-req/s")
	b.ReportMetric(med(ratios), "ratio")
	fmt.Printf("medians: one Redis %.0f/s, WAIT 1 %.0f/s; ratio of the pairs %.2f× (all: %.2f)\n", med(ss), med(hs), med(ratios), ratios)
}

// probe certifies a cluster every few milliseconds through the replicas in turn: the
// times of its acknowledged writes give the outage of each failover, and its 503s must
// carry Retry-After.
type probe struct {
	stop chan struct{}
	once sync.Once
	wg   sync.WaitGroup

	mu           sync.Mutex
	acks         []time.Time
	unavailable  int
	noRetryAfter []string
	bad          []string
}

const probeEvery = 10 * time.Millisecond

func startProbe(pf *platform, mk *loadMarket) *probe {
	p := &probe{stop: make(chan struct{})}
	for w := range 2 {
		p.wg.Go(func() {
			for k := 0; ; k++ {
				select {
				case <-p.stop:
					return
				case <-time.After(probeEvery):
				}
				up := pf.up()
				if len(up) > 0 {
					p.send(up[(w+k)%len(up)], mk, fmt.Sprintf("probe %d-%d", w, k))
				}
			}
		})
	}
	return p
}

// send sends one certification and records its answer.
func (p *probe) send(r *replica, mk *loadMarket, name string) {
	body, _ := json.Marshal(wire.CreateClusterRequest{
		Name: name, CountyCode: "330206", Level: "provincial", Industry: "模具", ValidUntil: day(365),
	})
	req, _ := http.NewRequest("POST", r.base()+"/v1/clusters", strings.NewReader(string(body)))
	req.Header.Set("Authorization", "Bearer "+replicaAdmin)
	req.Header.Set("Content-Type", "application/json")
	resp, err := replicaHTTP.Do(req)
	if err != nil {
		p.mu.Lock()
		p.bad = append(p.bad, fmt.Sprintf("%s: %v", r.id, err))
		p.mu.Unlock()
		return
	}
	var raw json.RawMessage
	_ = json.NewDecoder(resp.Body).Decode(&raw)
	resp.Body.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	switch resp.StatusCode {
	case http.StatusCreated:
		p.acks = append(p.acks, time.Now())
		mk.ack(acked{"/v1/clusters/" + jsonID(raw), ""})
	case http.StatusServiceUnavailable:
		p.unavailable++
		if ra, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || ra < 1 {
			p.noRetryAfter = append(p.noRetryAfter, fmt.Sprintf("%s: 503 %s", r.id, raw))
		}
	default:
		p.bad = append(p.bad, fmt.Sprintf("%s: %d %s", r.id, resp.StatusCode, raw))
	}
}

func (p *probe) halt() {
	p.once.Do(func() { close(p.stop) })
	p.wg.Wait()
}

// check fails the test on a probe answer other than 201 or 503 with Retry-After, or
// when no write was answered 503 (the failovers must have been seen), and returns the
// times of the acknowledged writes.
func (p *probe) check(t *testing.T) []time.Time {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.bad) > 0 {
		t.Fatalf("%d probe writes answered neither 201 nor 503, first: %s", len(p.bad), p.bad[0])
	}
	if len(p.noRetryAfter) > 0 {
		t.Fatalf("%d probe writes answered 503 without Retry-After, first: %s", len(p.noRetryAfter), p.noRetryAfter[0])
	}
	if p.unavailable == 0 {
		t.Fatal("no probe write was answered 503 during the failovers")
	}
	t.Logf("probe: %d writes acknowledged, %d answered 503 with Retry-After", len(p.acks), p.unavailable)
	return slices.Clone(p.acks)
}
