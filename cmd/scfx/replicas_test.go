// SPDX-License-Identifier: Apache-2.0

package main

// Process tests of distributed mode (README, "Architecture", docs/api.md GET /v1/node): three
// `scfx serve --redis-url` replicas share one Redis journal (a real redis-server with
// appendfsync always) and one chain (a real geth --dev); each applies every entry,
// and exactly one — the holder of the Redis lease — anchors.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/contracts"
	"github.com/scfx/scfx/ledger"
)

func noBadAnswers(t *testing.T, mk *loadMarket) {
	t.Helper()
	if bad := mk.badAnswers(); len(bad) > 0 {
		t.Fatalf("%d unexpected answers under load, first ones: %s", len(bad), strings.Join(bad[:min(len(bad), 5)], "; "))
	}
	t.Logf("answers: %s", mk.summary())
}

// TestReplicasConverge: a random market (clusters, participants with keys,
// invoices, confirmations and transfers signed for real, offers, listings) sent
// round robin through three replicas; then every replica reports the same
// applied_seq and state_hash, exactly one reports anchorer true, the receivables
// became financeable through that one's anchoring on geth, and their proofs hold on
// chain whichever replica serves them.
func TestReplicasConverge(t *testing.T) {
	pf := startPlatform(t, 3)
	seed := testSeed(t)
	mk := newLoadMarket()
	mk.setup(pf.reps[0], rand.New(rand.NewPCG(seed, 1<<32)))
	startLoad(pf.up, mk, marketMix, seed, 6, 50).wg.Wait()
	noBadAnswers(t, mk)
	financeable := pf.waitFinanceable(pf.reps[1], mk)
	// Now that the anchorer made them financeable: listings and transfers on them,
	// through every replica.
	startLoad(pf.up, mk, []loadOp{{2, (*loadMarket).list}, {1, (*loadMarket).transfer}, {1, (*loadMarket).offer}}, seed+1, 3, 12).wg.Wait()
	noBadAnswers(t, mk)
	mk.mu.Lock()
	listings, transfers := mk.statuses["listing"][http.StatusCreated], mk.statuses["transfer"][http.StatusCreated]
	mk.mu.Unlock()
	if listings == 0 || transfers == 0 {
		t.Fatalf("%d listings and %d transfers created: the load did not reach the financeable stage", listings, transfers)
	}

	holder := pf.oneAnchorer(3 * leaseTTL)
	pf.waitFinanceable(pf.reps[2], mk)
	pf.converge()
	pf.checkAcked(mk)
	for _, r := range pf.reps {
		anchored := strings.Contains(r.log(), `msg="anchored leaves"`)
		if anchored != (r == holder) {
			t.Fatalf("%s anchored leaves: %v; the lease holder is %s: only it may anchor", r.id, anchored, holder.id)
		}
	}
	// Proofs served by each replica hold on geth: a confirmation's for an invoice, the
	// transfer's that made it for a fragment (it has no confirmation leaf of its own).
	// waitFinanceable saw every listed and every confirmed one financeable: anchored.
	mk.mu.Lock()
	refs := append(slices.Clone(mk.listed), mk.confirmed...)
	mk.mu.Unlock()
	var sample []*rcvRef // up to four invoices and two fragments
	taken := map[bool]int{}
	for _, ref := range refs {
		limit := 4
		if ref.fragment {
			limit = 2
		}
		if taken[ref.fragment] < limit {
			taken[ref.fragment]++
			sample = append(sample, ref)
		}
	}
	for i, ref := range sample {
		r := pf.reps[i%len(pf.reps)]
		path := "/v1/receivables/" + ref.id + "/proof"
		if ref.fragment {
			path += "?kind=transfer"
		}
		status, raw, err := r.call("GET", path, ref.holder.token, nil)
		if err != nil || status != http.StatusOK {
			t.Fatalf("%s: GET proof of %s = %d %s %v", r.id, ref.id, status, raw, err)
		}
		var p ledger.ProofJSON
		if err := json.Unmarshal(raw, &p); err != nil {
			t.Fatal(err)
		}
		if err := ledger.VerifyProof(context.Background(), pf.geth.URL(), p); err != nil {
			t.Fatalf("proof of %s served by %s: VerifyProof on geth = %v", ref.id, r.id, err)
		}
	}
	if taken[true] == 0 {
		t.Fatalf("no fragment among the %d receivables after %d transfers: the transfer proofs went unchecked", len(refs), transfers)
	}
	t.Logf("%d receivables financeable, anchored by %s; proofs checked on geth: %d confirmations, %d transfers", financeable, holder.id, taken[false], taken[true])
}

// TestReplicaSIGKILLCatchesUp: one replica is killed with SIGKILL under load, the
// load goes on through the other two, and the replica started again on its data
// directory restores its newest snapshot (that its saved feed has reached), replays only the journal after it, and
// reaches the same applied_seq and state_hash as the others.
func TestReplicaSIGKILLCatchesUp(t *testing.T) {
	// Snapshots every 100 entries, not spaced in time, so that several are taken
	// before the kill.
	pf := startPlatform(t, 3, "--snapshot-every", "100", "--snapshot-min-interval", "0s")
	seed := testSeed(t)
	mk := newLoadMarket()
	mk.setup(pf.reps[0], rand.New(rand.NewPCG(seed, 1<<32)))
	holder := pf.oneAnchorer(3 * leaseTTL)
	victim := pf.reps[0]
	for _, r := range pf.reps {
		if r != holder {
			victim = r
		}
	}
	l := startLoad(pf.up, mk, marketMix, seed, 4, 0)
	defer l.halt()
	deadline := time.Now().Add(time.Minute)
	var before *wire.Node
	// Past several snapshots, so that the tail to replay is a part of the journal.
	for before = victim.node(); before.SnapshotSeq < 1000; before = victim.node() {
		if time.Now().After(deadline) {
			t.Fatalf("%s took no snapshot under load in a minute: %+v", victim.id, before)
		}
		time.Sleep(50 * time.Millisecond)
	}
	victim.kill()
	newest := newestSnapshot(t, victim)
	want := restorableSnapshot(t, victim)
	t.Logf("killed %s at applied_seq ≥ %d, snapshot_seq %d; newest snapshot file %d, the newest its saved feed has reached %d",
		victim.id, before.AppliedSeq, before.SnapshotSeq, newest, want)
	if newest < before.SnapshotSeq {
		t.Fatalf("newest snapshot file of %s after the kill is %d, below the snapshot_seq %d it reported", victim.id, newest, before.SnapshotSeq)
	}
	waitFor(t, 30*time.Second, "the others to go on without the killed replica", func() bool {
		for _, r := range pf.up() {
			if r.node().AppliedSeq > before.AppliedSeq {
				return true
			}
		}
		return false
	})
	victim.restart()
	atReady := victim.node().AppliedSeq
	time.Sleep(time.Second) // and through it again
	l.halt()
	noBadAnswers(t, mk)
	pf.converge()
	pf.checkAcked(mk)

	// The second start restored the newest snapshot the kill left that its saved feed
	// has reached (node.loadLatest) and replayed from there: the tail, not the journal
	// from seq 1.
	log := victim.log()
	second := log[strings.LastIndex(log, "==== test: start 2 of "):]
	m := regexp.MustCompile(`msg="restored snapshot" seq=(\d+)`).FindStringSubmatch(second)
	if m == nil {
		t.Fatalf("%s's second start restored no snapshot; its log:\n%s", victim.id, tailString(second, 3000))
	}
	if restored, _ := strconv.ParseUint(m[1], 10, 64); restored != want {
		t.Fatalf("%s restored the snapshot at seq %d, want %d: the newest on disk (%d) its saved feed has reached", victim.id, restored, want, newest)
	}
	t.Logf("%s restored snapshot %d and replayed the %d entries after it (ready at applied_seq %d)", victim.id, want, atReady-want, atReady)
}

// restorableSnapshot is the seq of the snapshot a start of r restores (node.loadLatest):
// the newest that the feed saved beside the snapshots has reached, or the newest when
// it has reached none. A kill between writing a snapshot and saving the feed after it
// leaves the snapshot newer than the feed; a start then takes the one before, so that
// the replay gives the feed every event it lacks.
func restorableSnapshot(t *testing.T, r *replica) uint64 {
	t.Helper()
	newest := newestSnapshot(t, r)
	body, err := os.ReadFile(filepath.Join(r.dataDir, "snapshots", "feed.json"))
	if errors.Is(err, os.ErrNotExist) {
		return newest
	}
	var saved struct {
		Seq uint64 `json:"seq"`
	}
	if err == nil {
		err = json.Unmarshal(body, &saved)
	}
	if err != nil {
		t.Fatalf("%s: the saved feed: %v", r.id, err)
	}
	names, _ := filepath.Glob(filepath.Join(r.dataDir, "snapshots", "snapshot-*.scfx"))
	slices.Sort(names)
	for i := len(names) - 1; i >= 0; i-- {
		var seq uint64
		if _, err := fmt.Sscanf(filepath.Base(names[i]), "snapshot-%d.scfx", &seq); err == nil && seq <= saved.Seq {
			return seq
		}
	}
	return newest
}

// newestSnapshot is the seq of the newest snapshot file in r's data directory.
func newestSnapshot(t *testing.T, r *replica) uint64 {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(r.dataDir, "snapshots", "snapshot-*.scfx"))
	if err != nil || len(names) == 0 {
		t.Fatalf("%s: no snapshot file (%v)", r.id, err)
	}
	slices.Sort(names) // the seq is zero-padded
	var seq uint64
	if _, err := fmt.Sscanf(filepath.Base(names[len(names)-1]), "snapshot-%d.scfx", &seq); err != nil {
		t.Fatal(err)
	}
	return seq
}

// TestRedisRestartLosesNothing: redis-server is killed (SIGKILL) and started again on
// its append-only file under load. While it is down every replica answers writes 503
// unavailable and changes nothing, answers reads from its own state, and fails
// /readyz; it recovers by itself; every request that got a 2xx has its object on
// every replica afterwards, and the replicas agree.
func TestRedisRestartLosesNothing(t *testing.T) {
	pf := startPlatform(t, 3)
	seed := testSeed(t)
	mk := newLoadMarket()
	mk.setup(pf.reps[0], rand.New(rand.NewPCG(seed, 1<<32)))
	mk.allow503 = true
	l := startLoad(pf.up, mk, marketMix, seed, 4, 0)
	defer l.halt()
	time.Sleep(2 * time.Second)
	// Made in the setup, so applied by every replica by now: what a replica applied
	// last before the outage is its own business (it serves reads from its state).
	mk.mu.Lock()
	known := mk.acks[0]
	mk.mu.Unlock()

	if err := pf.redis.Stop(); err != nil {
		t.Fatal(err)
	}
	// Let the appends in flight at the kill finish failing, then nothing moves.
	time.Sleep(3 * time.Second)
	seqs := map[string]uint64{}
	for _, r := range pf.reps {
		seqs[r.id] = r.node().AppliedSeq
	}
	var wg sync.WaitGroup
	outage := make([]string, len(pf.reps))
	for i, r := range pf.reps {
		wg.Go(func() { outage[i] = checkOutage(r, known) })
	}
	wg.Wait()
	for _, msg := range outage {
		if msg != "" {
			t.Fatal(msg)
		}
	}
	for _, r := range pf.reps {
		if n := r.node(); n.AppliedSeq != seqs[r.id] {
			t.Fatalf("%s moved from applied_seq %d to %d with Redis down", r.id, seqs[r.id], n.AppliedSeq)
		}
	}

	if err := pf.redis.Restart(); err != nil {
		t.Fatal(err)
	}
	for _, r := range pf.reps {
		waitFor(t, 30*time.Second, r.id+" to be ready after Redis came back", func() bool {
			status, _, err := r.call("GET", "/readyz", "", nil)
			return err == nil && status == http.StatusOK
		})
	}
	time.Sleep(2 * time.Second) // the load goes on after the recovery
	l.halt()
	noBadAnswers(t, mk)
	mk.mu.Lock()
	unavailable := 0
	for _, byStatus := range mk.statuses {
		unavailable += byStatus[http.StatusServiceUnavailable]
	}
	mk.mu.Unlock()
	if unavailable == 0 {
		t.Fatal("no request of the load was answered 503 while Redis was down")
	}
	for _, r := range pf.reps {
		r.must("POST", "/v1/clusters", replicaAdmin, map[string]any{
			"name": "after " + r.id, "county_code": "330206", "level": "provincial", "industry": "模具", "valid_until": day(365),
		}, http.StatusCreated)
	}
	pf.converge()
	pf.checkAcked(mk)
	pf.oneAnchorer(4 * leaseTTL)
}

// checkOutage checks one replica with Redis down: a write is 503 unavailable, a read
// of an object it acknowledged earlier is answered, /readyz is 503. It returns what
// went wrong ("" : nothing).
func checkOutage(r *replica, known acked) string {
	status, raw, err := r.call("POST", "/v1/clusters", replicaAdmin, map[string]any{
		"name": "during the outage", "county_code": "330206", "level": "provincial", "industry": "模具", "valid_until": day(365),
	})
	if err != nil || status != http.StatusServiceUnavailable || problemCode(raw) != "unavailable" {
		return fmt.Sprintf("%s: POST /v1/clusters with Redis down = %d %s %v, want 503 unavailable", r.id, status, raw, err)
	}
	if status, raw, err := r.call("GET", known.path, replicaAdmin, nil); err != nil || status != http.StatusOK {
		return fmt.Sprintf("%s: GET %s with Redis down = %d %s %v, want 200 from local state", r.id, known.path, status, raw, err)
	}
	if status, raw, err := r.call("GET", "/readyz", "", nil); err != nil || status != http.StatusServiceUnavailable {
		return fmt.Sprintf("%s: /readyz with Redis down = %d %s %v, want 503", r.id, status, raw, err)
	}
	return ""
}

// TestAnchorerFailover: the lease holder is killed with SIGKILL while confirmations
// keep coming through the other replicas; another replica takes the lease within a
// few TTLs with a newer fencing token and finishes the work: every receivable
// becomes financeable, and on geth every root was anchored by exactly one
// transaction and every fingerprint registered by exactly one — none twice, none of
// the anchors missing from the matcher's records.
func TestAnchorerFailover(t *testing.T) {
	pf := startPlatform(t, 3)
	seed := testSeed(t)
	holder := pf.oneAnchorer(3 * leaseTTL)
	var others []*replica
	for _, r := range pf.reps {
		if r != holder {
			others = append(others, r)
		}
	}
	mk := newLoadMarket()
	mk.setup(others[0], rand.New(rand.NewPCG(seed, 1<<32)))
	l := startLoad(func() []*replica { return others }, mk, confirmMix, seed, 2, 0)
	defer l.halt()
	time.Sleep(2 * time.Second)
	holder.kill()
	killedAt := time.Now()
	// Confirmations go on while nobody holds the lease: leaves wait for the next
	// holder, which has work to finish.
	var pendingAfterKill int
	waitFor(t, leaseTTL, "a leaf pending after the holder died", func() bool {
		status, raw, err := others[0].call("GET", "/v1/ledger", replicaAdmin, nil)
		if err != nil || status != http.StatusOK {
			return false
		}
		var v wire.Ledger
		_ = json.Unmarshal(raw, &v)
		pendingAfterKill = v.PendingLeaves
		return pendingAfterKill > 0
	})
	next := pf.oneAnchorer(4 * leaseTTL)
	t.Logf("killed %s; %d leaves pending; %s took the lease %v later", holder.id, pendingAfterKill, next.id, time.Since(killedAt).Round(100*time.Millisecond))
	time.Sleep(time.Second) // confirmations after the takeover too
	l.halt()
	noBadAnswers(t, mk)
	pf.waitFinanceable(others[0], mk)
	pf.waitFinanceable(others[1], mk)

	// Hundreds of registrations queued while nobody held the lease: more than one
	// register transaction takes on geth --dev, so the new holder sized its batches
	// to the chain (a batch of 500 would be refused at every attempt).
	if !strings.Contains(next.log(), `msg="register batch sized to the chain's gas limits"`) {
		t.Fatalf("%s did not size its register batch to geth's gas limits", next.id)
	}
	oldFences, newFences := leaseFences(holder.log()), leaseFences(next.log())
	if len(oldFences) == 0 || len(newFences) == 0 || slices.Max(newFences) <= slices.Max(oldFences) {
		t.Fatalf("fencing tokens: old holder %v, new holder %v; want the new holder's above the old's", oldFences, newFences)
	}
	// The killed replica comes back as a follower, catches up, and sends nothing.
	holder.restart()
	pf.converge()
	checkAnchoredOnce(t, pf, mk, others[1])
	if got := pf.oneAnchorer(2 * leaseTTL); got != next {
		t.Fatalf("after the old holder's restart %s holds the lease, want %s to keep it", got.id, next.id)
	}
}

// checkAnchoredOnce compares what the matcher recorded (each receivable's proof: its
// root and anchoring transaction) with geth's blocks: every anchor transaction to
// the registry carries a root the matcher recorded, no root is anchored by two
// transactions or has two Anchored events, and each fingerprint is in one register
// transaction. The load made only confirmation leaves, so the receivables' proofs
// name every root.
func checkAnchoredOnce(t *testing.T, pf *platform, mk *loadMarket, r *replica) {
	t.Helper()
	var lv wire.Ledger
	if err := json.Unmarshal(mustRaw(t, r, "/v1/ledger", replicaAdmin), &lv); err != nil {
		t.Fatal(err)
	}
	if lv.PendingLeaves != 0 {
		t.Fatalf("%d leaves still pending after every receivable became financeable", lv.PendingLeaves)
	}
	anchors, registers := pf.registryTxs(common.HexToAddress(lv.RegistryAddress))
	mk.mu.Lock()
	refs := slices.Clone(mk.confirmed)
	mk.mu.Unlock()
	recorded := map[common.Hash]bool{}
	for _, ref := range refs {
		var p wire.Proof
		if err := json.Unmarshal(mustRaw(t, r, "/v1/receivables/"+ref.id+"/proof", ref.holder.token), &p); err != nil {
			t.Fatal(err)
		}
		txs := anchors[p.Root]
		if len(txs) != 1 || txs[0] != p.TxHash {
			t.Fatalf("receivable %s: root %s recorded with tx %s; anchor transactions on chain for it: %v, want exactly that one", ref.id, p.Root.Hex(), p.TxHash.Hex(), txs)
		}
		recorded[p.Root] = true
		var rv wire.Receivable
		if err := json.Unmarshal(mustRaw(t, r, "/v1/receivables/"+ref.id, ref.holder.token), &rv); err != nil {
			t.Fatal(err)
		}
		if n := registers[common.HexToHash(rv.Fingerprint)]; n != 1 {
			t.Fatalf("receivable %s: fingerprint %s in %d register transactions, want 1", ref.id, rv.Fingerprint, n)
		}
	}
	for root, txs := range anchors {
		if !recorded[root] {
			t.Fatalf("anchor transaction(s) %v for root %s, which no receivable's proof names: an anchor the matcher did not record", txs, root.Hex())
		}
	}
	logs, err := pf.geth.Client(t).FilterLogs(context.Background(), ethereum.FilterQuery{
		Addresses: []common.Address{common.HexToAddress(lv.RegistryAddress)},
		Topics:    [][]common.Hash{{contracts.NewScfxRegistry().GetABI().Events["Anchored"].ID}},
	})
	if err != nil {
		t.Fatal(err)
	}
	events := map[common.Hash]int{}
	for _, l := range logs {
		events[l.Topics[1]]++
	}
	for root, n := range events {
		if n != 1 || !recorded[root] {
			t.Fatalf("root %s: %d Anchored events (recorded by the matcher: %v), want 1", root.Hex(), n, recorded[root])
		}
	}
	if len(events) != len(recorded) {
		t.Fatalf("%d roots with an Anchored event, %d recorded by the matcher", len(events), len(recorded))
	}
	t.Logf("%d receivables in %d batches: each root anchored by one transaction, each fingerprint registered once", len(refs), len(recorded))
}

func mustRaw(t *testing.T, r *replica, path, token string) []byte {
	t.Helper()
	status, raw, err := r.callVisible("GET", path, token, nil)
	if err != nil || status != http.StatusOK {
		t.Fatalf("%s: GET %s = %d %s %v", r.id, path, status, raw, err)
	}
	return raw
}
