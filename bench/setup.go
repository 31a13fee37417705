// SPDX-License-Identifier: Apache-2.0

package bench

// The setup of a run: every HTTP call the bench makes before the load, through the
// operator token and the first base URL.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/scfx/scfx/uscc"
)

// benchReplicaWait bounds the wait for the other base URLs to apply the setup.
const benchReplicaWait = 30 * time.Second

func setupTarget(ctx context.Context, client *http.Client, bases []string, admin string, conns int, mix benchMix) (*target, error) {
	now := time.Now().UTC()
	t := &target{
		base: bases[0], bases: bases, client: client, admin: admin, prefix: RunPrefix(), cycle: mix.cycle(),
		issue: now.Format(time.DateOnly), due: now.AddDate(0, 0, benchTermDays).Format(time.DateOnly),
		conns: make([]benchConn, conns),
	}
	for i := range t.conns {
		t.conns[i].base = bases[i%len(bases)]
	}
	if !mix.needsSetup() {
		return t, nil
	}
	if err := t.setup(ctx, conns, mix); err != nil {
		return nil, err
	}
	return t, t.awaitReplicas(ctx)
}

// setup makes the cluster, the core and every connection's participants through the
// first base, and for get_receivable each connection's pool of receivables.
func (t *target) setup(ctx context.Context, conns int, mix benchMix) error {
	now := time.Now().UTC()
	admin := t.admin
	cluster, err := t.create(ctx, "/v1/clusters", admin, map[string]any{
		"name": "bench " + t.prefix, "county_code": "330206", "level": "national", "industry": "汽车零部件",
		"valid_until": now.AddDate(3, 0, 0).Format(time.DateOnly),
	})
	if err != nil {
		return err
	}
	core, err := t.participant(ctx, map[string]any{"role": "core", "rating": "AAA"})
	if err != nil {
		return err
	}
	t.coreID = core.ID
	err = parallel(ctx, conns, func(i int) error {
		sme, err := t.participant(ctx, map[string]any{"role": "sme", "cluster_id": cluster.ID})
		if err != nil {
			return err
		}
		t.conns[i].sme = sme.Token
		if mix.has(opGetBook) {
			lender, err := t.participant(ctx, map[string]any{"role": "lender"})
			if err != nil {
				return err
			}
			t.conns[i].lender = lender.Token
		}
		return nil
	})
	if err != nil || !mix.has(opGetReceivable) {
		return err
	}
	return parallel(ctx, conns, func(i int) error { return t.fillPool(ctx, i) })
}

// awaitReplicas waits until every other base has applied what setup wrote through the
// first (replicas apply the journal each at its own pace), so that no connection's
// first request finds its token unknown.
func (t *target) awaitReplicas(ctx context.Context) error {
	if len(t.bases) == 1 {
		return nil
	}
	want, err := t.appliedSeq(ctx, t.base)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(benchReplicaWait)
	for _, b := range t.bases[1:] {
		for {
			seq, err := t.appliedSeq(ctx, b)
			if err != nil {
				return err
			}
			if seq >= want {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("setup: %s applied seq %d, not %d, after %v", b, seq, want, benchReplicaWait)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
	return nil
}

func (t *target) appliedSeq(ctx context.Context, base string) (uint64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/v1/node", nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+t.admin)
	resp, err := t.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("setup: GET %s/v1/node: %w", base, err)
	}
	defer resp.Body.Close()
	var n struct {
		AppliedSeq *uint64 `json:"applied_seq"`
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, benchSetupBodyMax))
	if err != nil || resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &n) != nil || n.AppliedSeq == nil {
		return 0, fmt.Errorf("setup: GET %s/v1/node = %d %.300s (%v), want 200 with applied_seq", base, resp.StatusCode, raw, err)
	}
	return *n.AppliedSeq, nil
}

// fillPool posts benchPoolPerConn receivables as connection i's SME.
func (t *target) fillPool(ctx context.Context, i int) error {
	c := &t.conns[i]
	for range benchPoolPerConn {
		c.invoice++
		r, err := t.create(ctx, "/v1/receivables", c.sme, t.receivable(c.invoice))
		if err != nil {
			return err
		}
		c.pool = append(c.pool, r.ID)
	}
	return nil
}

type created struct {
	ID    string `json:"id"`
	Token string `json:"token"`
}

// participant onboards one participant with a fresh USCC and, for SMEs and cores,
// the address of a fresh key.
func (t *target) participant(ctx context.Context, body map[string]any) (created, error) {
	t.mu.Lock()
	t.nextID++
	n := t.nextID
	t.mu.Unlock()
	code, err := uscc.Make('9', '1', "330100", fmt.Sprintf("%s%05d", t.prefix, n))
	if err != nil {
		return created{}, err
	}
	body["uscc"], body["name"] = code, fmt.Sprintf("bench %s %d", t.prefix, n)
	if body["role"] != "lender" {
		key, err := crypto.GenerateKey()
		if err != nil {
			return created{}, err
		}
		body["address"] = crypto.PubkeyToAddress(key.PublicKey).Hex()
	}
	p, err := t.create(ctx, "/v1/participants", t.admin, body)
	if err == nil && p.Token == "" {
		err = fmt.Errorf("POST /v1/participants: no token in the answer")
	}
	return p, err
}

// create POSTs body and wants 201 with an id.
func (t *target) create(ctx context.Context, path, token string, body any) (created, error) {
	rd, err := jsonBody(body)
	if err != nil {
		return created{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.base+path, rd)
	if err != nil {
		return created{}, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := t.client.Do(req)
	if err != nil {
		return created{}, fmt.Errorf("setup: POST %s: %w", path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, benchSetupBodyMax))
	if err != nil {
		return created{}, fmt.Errorf("setup: POST %s: %w", path, err)
	}
	var out created
	if resp.StatusCode != http.StatusCreated || json.Unmarshal(raw, &out) != nil || out.ID == "" {
		return created{}, fmt.Errorf("setup: POST %s = %d %.300s, want 201 with an id", path, resp.StatusCode, raw)
	}
	return out, nil
}

// parallel runs f(0..n-1) on benchSetupParallel goroutines and returns the first error.
func parallel(ctx context.Context, n int, f func(i int) error) error {
	next := make(chan int)
	errc := make(chan error, benchSetupParallel)
	var wg sync.WaitGroup
	for range min(n, benchSetupParallel) {
		wg.Go(func() {
			for i := range next {
				if err := f(i); err != nil {
					errc <- err
					return
				}
			}
		})
	}
	var err error
feed:
	for i := 0; i < n; i++ {
		select {
		case next <- i:
		case err = <-errc:
			break feed
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err == nil && len(errc) > 0 {
		err = <-errc
	}
	return err
}
