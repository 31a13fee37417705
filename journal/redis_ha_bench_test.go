// SPDX-License-Identifier: Apache-2.0

package journal_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scfx/scfx/journal"
	"github.com/scfx/scfx/journal/redistest"
)

// BenchmarkRedisHAAppend compares the journal alone on one Redis and on a primary with
// a replica behind Sentinel (WAIT 1 after each batch), both with appendfsync always:
// 64 goroutines appending 100-byte records for a fixed time, the two setups in turn
// (pairs runs each), reporting the median appends/s of each, the median of the ratios
// of the pairs, and the appends per batch and time per batch (what WAIT costs). Use
// -benchtime=1x: it measures, it does not loop.
//
//	go test ./journal -run '^$' -bench RedisHAAppend -benchtime=1x
func BenchmarkRedisHAAppend(b *testing.B) {
	const (
		pairs     = 5
		appenders = 64
		span      = 3 * time.Second
	)
	single := redistest.Start(b)
	h := redistest.StartHA(b)
	open := func(url string) *journal.Redis {
		j, err := journal.OpenRedis(context.Background(), journal.RedisOptions{URL: url, Stream: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		return j
	}
	js, jh := open(single.URL()), open(h.URL())
	defer js.Close()
	defer jh.Close()
	if w := jh.Replication().Wait; w == "none" {
		b.Fatalf("the HA journal waits for no replica (%q)", w)
	}
	var singleRates, haRates, ratios []float64
	for i := range pairs {
		s := measureAppends(b, js, appenders, span)
		ha := measureAppends(b, jh, appenders, span)
		singleRates, haRates, ratios = append(singleRates, s.rate), append(haRates, ha.rate), append(ratios, ha.rate/s.rate)
		b.Logf("pair %d: one Redis %s; with %s %s: %.2f×", i+1, s, jh.Replication().Wait, ha, ha.rate/s.rate)
	}
	b.ReportMetric(median(singleRates), "single-appends/s")
	b.ReportMetric(median(haRates), "ha-appends/s")
	b.ReportMetric(median(ratios), "ratio")
}

type appendRun struct {
	rate, perBatch float64
	batchTime      time.Duration
}

func (a appendRun) String() string {
	return fmt.Sprintf("%.0f appends/s, %.1f appends a batch, %v a batch", a.rate, a.perBatch, a.batchTime.Round(10*time.Microsecond))
}

// measureAppends appends from n goroutines for span.
func measureAppends(b *testing.B, j *journal.Redis, n int, span time.Duration) appendRun {
	b.Helper()
	ctx := context.Background()
	var done atomic.Int64
	var wg sync.WaitGroup
	batches0 := j.AppendBatches()
	start := time.Now()
	stop := start.Add(span)
	for range n {
		wg.Go(func() {
			data := make([]byte, 100)
			for time.Now().Before(stop) {
				if _, err := j.Append(ctx, data); err != nil {
					b.Error(err)
					return
				}
				done.Add(1)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	batches := max(j.AppendBatches()-batches0, 1)
	return appendRun{
		rate:      float64(done.Load()) / elapsed.Seconds(),
		perBatch:  float64(done.Load()) / float64(batches),
		batchTime: elapsed / time.Duration(batches),
	}
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}
