// SPDX-License-Identifier: Apache-2.0

package main

// Helpers of the distributed-mode process tests (replicas_test.go): a platform of
// real processes — redis-server (journal/redistest), one geth --dev
// (internal/gethtest) and N `scfx serve --redis-url` replicas — their HTTP API, and
// what geth holds. The random market load they are tested with is in
// replicas_load_test.go.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/client"
	"github.com/scfx/scfx/internal/gethtest"
	"github.com/scfx/scfx/journal/redistest"
	"github.com/scfx/scfx/lease"
)

const (
	// replicaAdmin is SCFX_ADMIN_TOKEN of every replica: they must accept one token.
	replicaAdmin = "replica-admin-token-4f1c9e2b7a-0123456789abcdef"
	// replicaStartMax bounds a replica's start (replay, chain, SetLedger) until /readyz.
	replicaStartMax = 90 * time.Second
	// visibleMax bounds how long a write acknowledged by one replica may take to be
	// applied by another: a token or an id unknown there answers 401 or 404 until then.
	visibleMax = 15 * time.Second
	// convergeMax bounds the wait for every replica to reach the same applied_seq.
	convergeMax = 90 * time.Second
	// anchoredMax bounds the wait for a confirmed receivable to become financeable.
	anchoredMax = 90 * time.Second
	// replicaRequestMax bounds one HTTP request of the tests (a Submit waits at most
	// 10 s, the API's request timeout).
	replicaRequestMax = 20 * time.Second
	// leaseTTL is the anchoring lease's time to live (serve uses the default).
	leaseTTL = lease.DefaultTTL
)

// platform is scfx in distributed mode on this machine.
type platform struct {
	t       testing.TB
	redis   *redistest.Server // nil with ha
	ha      *redistest.HA     // primary, replica and Sentinels (startPlatformHA)
	url     string            // every replica's --redis-url
	geth    *gethtest.Geth
	keyFile string
	flags   []string // extra `scfx serve` flags of every replica
	env     []string // extra environment of every replica
	reps    []*replica
}

// replica is one `scfx serve --redis-url` process slot: its address, data directory
// and log file stay across kills and restarts.
type replica struct {
	pf      *platform
	id      string
	addr    string
	dataDir string
	logPath string
	up      atomic.Bool // ready for the load: set once /readyz answers, cleared before a kill

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
	starts int
}

// startPlatform starts redis-server, geth --dev, funds one operator key for all
// replicas and starts n replicas: the first alone (it deploys the registry and binds
// the journal to it), then the others together (they join the journal's registry).
func startPlatform(t testing.TB, n int, flags ...string) *platform {
	t.Helper()
	return startPlatformEnv(t, n, nil, flags...)
}

// startPlatformEnv is startPlatform with env added to every replica's environment.
func startPlatformEnv(t testing.TB, n int, env []string, flags ...string) *platform {
	t.Helper()
	return startPlatformWith(t, n, false, env, flags...)
}

// startPlatformHA is startPlatform on a Redis primary, its replica and three
// Sentinels (redistest.StartHA): the replicas' --redis-url is the Sentinels'.
func startPlatformHA(t testing.TB, n int, flags ...string) *platform {
	t.Helper()
	return startPlatformWith(t, n, true, nil, flags...)
}

func startPlatformWith(t testing.TB, n int, ha bool, env []string, flags ...string) *platform {
	t.Helper()
	if testing.Short() {
		t.Skip("runs redis-server, geth and scfx processes")
	}
	bin := scfxBinary(t) // before the servers: a first build takes a while
	dir := t.TempDir()
	pf := &platform{t: t, flags: flags, env: env}
	if ha {
		pf.ha = redistest.StartHA(t)
		pf.url = pf.ha.URL()
	} else {
		pf.redis = redistest.Start(t)
		pf.url = pf.redis.URL()
	}
	pf.geth = gethtest.Start(t, filepath.Join(dir, "geth"), 0)
	pf.keyFile = gethtest.WriteKeyFile(t, filepath.Join(dir, "operator.key"), pf.geth.FundedKey(t, 1000))
	for i := range n {
		id := fmt.Sprintf("r%d", i+1)
		r := &replica{pf: pf, id: id, addr: freeAddr(t), dataDir: filepath.Join(dir, id, "data"), logPath: filepath.Join(dir, id+".log")}
		pf.reps = append(pf.reps, r)
		t.Cleanup(r.stopAtCleanup)
	}
	t.Cleanup(func() {
		// SCFX_TEST_LOGS=1 shows the replicas' logs of a test that passed too.
		if t.Failed() || os.Getenv("SCFX_TEST_LOGS") != "" {
			for _, r := range pf.reps {
				t.Logf("---- %s log (tail) ----\n%s", r.id, tailString(r.log(), 6000))
			}
		}
	})
	pf.reps[0].launch(bin)
	pf.reps[0].waitReady()
	for _, r := range pf.reps[1:] {
		r.launch(bin)
	}
	for _, r := range pf.reps[1:] {
		r.waitReady()
	}
	return pf
}

func (r *replica) base() string { return "http://" + r.addr }

// launch starts the process; its output is appended to the replica's log file.
func (r *replica) launch(bin string) {
	t := r.pf.t
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := os.MkdirAll(r.dataDir, 0o700); err != nil {
		t.Fatal(err)
	}
	logf, err := os.OpenFile(r.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	r.starts++
	fmt.Fprintf(logf, "==== test: start %d of %s ====\n", r.starts, r.id)
	args := append([]string{"serve",
		"--redis-url", r.pf.url, "--eth-rpc", r.pf.geth.URL(), "--eth-key-file", r.pf.keyFile,
		"--addr", r.addr, "--data-dir", r.dataDir, "--node-id", r.id, "--anchor-max-delay", "100ms",
		// Ticks would move applied_seq under the convergence checks; the random load
		// gives the replicas enough to agree on.
		"--tick-every", "1h", "--rate-limit", "1000000", "--shutdown-timeout", "5s",
	}, r.pf.flags...)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(append(cleanEnv(), "SCFX_ADMIN_TOKEN="+replicaAdmin), r.pf.env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		t.Fatalf("start %s: %v", r.id, err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		logf.Close()
		close(exited)
	}()
	r.cmd, r.exited = cmd, exited
}

// waitReady waits until /readyz answers 200 (journal and chain reachable, the
// journal replayed).
func (r *replica) waitReady() {
	t := r.pf.t
	t.Helper()
	r.mu.Lock()
	exited := r.exited
	r.mu.Unlock()
	deadline := time.Now().Add(replicaStartMax)
	for {
		select {
		case <-exited:
			t.Fatalf("%s exited at start; log:\n%s", r.id, tailString(r.log(), 4000))
		default:
		}
		if status, _, err := r.call("GET", "/readyz", "", nil); err == nil && status == http.StatusOK {
			r.up.Store(true)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready after %v; log:\n%s", r.id, replicaStartMax, tailString(r.log(), 4000))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// restart starts the replica again on its data directory and waits until ready.
func (r *replica) restart() {
	r.pf.t.Helper()
	r.launch(scfxBinary(r.pf.t))
	r.waitReady()
}

// kill sends SIGKILL to the process by its PID and waits until it is gone.
func (r *replica) kill() {
	t := r.pf.t
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.up.Store(false)
	if err := syscall.Kill(r.cmd.Process.Pid, syscall.SIGKILL); err != nil {
		t.Fatalf("kill -9 %s (pid %d): %v", r.id, r.cmd.Process.Pid, err)
	}
	<-r.exited
}

// stopAtCleanup kills a process still running when the test ends, by its PID.
func (r *replica) stopAtCleanup() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cmd == nil {
		return
	}
	select {
	case <-r.exited:
	default:
		_ = syscall.Kill(r.cmd.Process.Pid, syscall.SIGKILL)
		<-r.exited
	}
}

func (r *replica) log() string {
	b, _ := os.ReadFile(r.logPath)
	return string(b)
}

func tailString(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// ---- HTTP ----

var replicaHTTP = &http.Client{
	Timeout:   replicaRequestMax,
	Transport: &http.Transport{MaxIdleConnsPerHost: 64, IdleConnTimeout: 30 * time.Second},
}

// call makes one request; an error is a transport error (no answer).
func (r *replica) call(method, path, token string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, r.base()+path, rd)
	if err != nil {
		return 0, nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := replicaHTTP.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	return resp.StatusCode, out, err
}

// callVisible is call that retries, up to visibleMax, the 401 and 404 of a replica
// that has not applied yet what another one acknowledged (the caller's token, the
// object): both are answered before anything is submitted.
func (r *replica) callVisible(method, path, token string, body any) (int, []byte, error) {
	deadline := time.Now().Add(visibleMax)
	for {
		status, raw, err := r.call(method, path, token, body)
		if err != nil || (status != http.StatusUnauthorized && status != http.StatusNotFound) || time.Now().After(deadline) {
			return status, raw, err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// must makes a request from the test goroutine that has to answer want.
func (r *replica) must(method, path, token string, body any, want int) map[string]any {
	t := r.pf.t
	t.Helper()
	status, raw, err := r.callVisible(method, path, token, body)
	if err != nil {
		t.Fatalf("%s: %s %s: %v", r.id, method, path, err)
	}
	if status != want {
		t.Fatalf("%s: %s %s = %d %s, want %d", r.id, method, path, status, raw, want)
	}
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s: %s %s: body %q: %v", r.id, method, path, raw, err)
	}
	return v
}

// problemCode is the `code` of a problem+json body ("" if none).
func problemCode(raw []byte) string {
	var p wire.Problem
	_ = json.Unmarshal(raw, &p)
	return p.Code
}

// client is a client of the replica acting as the holder of token, one attempt a
// call: these tests count what each request got.
func (r *replica) client(token string) *client.Client {
	return client.New(r.base(), token, client.WithAttempts(1), client.WithHTTPClient(replicaHTTP))
}

func (r *replica) node() *wire.Node {
	t := r.pf.t
	t.Helper()
	n, err := r.client(replicaAdmin).Node(context.Background())
	if err != nil {
		t.Fatalf("%s: %v", r.id, err)
	}
	return n
}

// converge waits until every running replica reports the same applied_seq twice in a
// row, and then wants the same state_hash from all (docs/api.md: two nodes that report the
// same applied_seq report the same state_hash). It returns what they reported.
func (pf *platform) converge() *wire.Node {
	t := pf.t
	t.Helper()
	deadline := time.Now().Add(convergeMax)
	var last []*wire.Node
	for {
		var ns []*wire.Node
		for _, r := range pf.reps {
			if r.up.Load() {
				ns = append(ns, r.node())
			}
		}
		same := true
		for _, n := range ns[1:] {
			same = same && n.AppliedSeq == ns[0].AppliedSeq
		}
		if same && len(last) == len(ns) && last[0].AppliedSeq == ns[0].AppliedSeq {
			for _, n := range ns {
				if n.StateHash != ns[0].StateHash || n.Journal != "redis" || len(n.StateHash) != 64 {
					t.Fatalf("at applied_seq %d: %+v and %+v, want one state_hash and journal redis", n.AppliedSeq, n, ns[0])
				}
			}
			t.Logf("%d replicas converged at applied_seq %d, state_hash %s", len(ns), ns[0].AppliedSeq, ns[0].StateHash)
			return ns[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("replicas did not converge within %v: %+v", convergeMax, ns)
		}
		last = nil
		if same {
			last = ns
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// anchorers is the replicas that report anchorer true now.
func (pf *platform) anchorers() []*replica {
	var out []*replica
	for _, r := range pf.reps {
		if r.up.Load() && r.node().Anchorer {
			out = append(out, r)
		}
	}
	return out
}

// oneAnchorer waits (up to within) until exactly one running replica holds the lease,
// checks that it stays the only one for a few polls, and returns it.
func (pf *platform) oneAnchorer(within time.Duration) *replica {
	t := pf.t
	t.Helper()
	deadline := time.Now().Add(within)
	stable := 0
	var holder *replica
	for {
		as := pf.anchorers()
		switch {
		case len(as) > 1:
			t.Fatalf("%d replicas report anchorer true at once: %s and %s", len(as), as[0].id, as[1].id)
		case len(as) == 1 && as[0] == holder:
			if stable++; stable == 3 {
				return holder
			}
		case len(as) == 1:
			holder, stable = as[0], 1
		default:
			holder, stable = nil, 0
		}
		if time.Now().After(deadline) {
			t.Fatalf("no single anchorer within %v (now %d)", within, len(as))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// up is the running replicas.
func (pf *platform) up() []*replica {
	var out []*replica
	for _, r := range pf.reps {
		if r.up.Load() {
			out = append(out, r)
		}
	}
	return out
}

// ---- the chain ----

// registryTxs counts the registry transactions on geth, from block 0 to the head:
// anchor transactions per root and register transactions per fingerprint.
func (pf *platform) registryTxs(registry common.Address) (anchors map[common.Hash][]common.Hash, registers map[common.Hash]int) {
	t := pf.t
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	calls, err := gethtest.RegistryCalls(ctx, pf.geth.Client(t), registry, 0)
	if err != nil {
		t.Fatal(err)
	}
	anchors, registers = map[common.Hash][]common.Hash{}, map[common.Hash]int{}
	for _, c := range calls {
		for _, h := range c.Hashes {
			if c.Method == "anchor" {
				anchors[h] = append(anchors[h], c.Tx)
			} else {
				registers[h]++
			}
		}
	}
	return anchors, registers
}

// leaseFences are the fencing tokens with which a replica's log says it took the
// lease ("lease: acquired … fence=N").
func leaseFences(log string) []uint64 {
	var out []uint64
	for _, m := range leaseAcquired.FindAllStringSubmatch(log, -1) {
		n, _ := strconv.ParseUint(m[1], 10, 64)
		out = append(out, n)
	}
	return out
}

var leaseAcquired = regexp.MustCompile(`msg="lease: acquired".* fence=(\d+)`)

// ---- processes for the benchmark ----

// startEmbeddedServe starts `scfx serve` in embedded mode (file journal, embedded
// chain) with the replicas' token, rate limit and tick, and flags, and returns its
// base URL and pid.
func startEmbeddedServe(t testing.TB, flags ...string) (string, int) {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(scfxBinary(t), append([]string{"serve", "--addr", addr, "--data-dir", filepath.Join(t.TempDir(), "data"),
		"--tick-every", "1h", "--rate-limit", "1000000"}, flags...)...)
	cmd.Env = append(cleanEnv(), "SCFX_ADMIN_TOKEN="+replicaAdmin)
	logs := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		_ = syscall.Kill(cmd.Process.Pid, syscall.SIGKILL)
		<-exited
	})
	r := &replica{pf: &platform{t: t}, id: "embedded", addr: addr}
	deadline := time.Now().Add(replicaStartMax)
	for {
		if status, _, err := r.call("GET", "/readyz", "", nil); err == nil && status == http.StatusOK {
			return r.base(), cmd.Process.Pid
		}
		select {
		case <-exited:
			t.Fatalf("embedded scfx serve exited at start: %s", logs)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("embedded scfx serve not ready: %s", logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// procStat is a process's CPU time so far and its minor page faults (pages it touched
// for the first time: each one the kernel had to find and zero), from /proc/<pid>/stat.
func procStat(pid int) (cpu time.Duration, minorFaults uint64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	i := bytes.LastIndexByte(b, ')') // the command name, in parentheses, may hold spaces
	if err != nil || i < 0 || i+2 > len(b) {
		return 0, 0
	}
	f := strings.Fields(string(b[i+2:])) // from field 3, the state
	if len(f) < 13 {
		return 0, 0
	}
	minorFaults, _ = strconv.ParseUint(f[10-3], 10, 64) // field 10
	utime, _ := strconv.ParseUint(f[14-3], 10, 64)      // fields 14 and 15, in clock ticks
	stime, _ := strconv.ParseUint(f[15-3], 10, 64)
	return time.Duration(utime+stime) * time.Second / userHZ, minorFaults
}

// freshPageCost is what touching a page of memory the machine has not handed out
// lately costs now, in µs per 4 KiB page: it maps 128 MiB, writes a byte to each page
// and unmaps them. On these VMs it is a host-side fault as well as the guest's (freed
// memory goes back to the host within seconds), and it varies from ~1.5 to ~8 µs over
// a session: every server pays it for each page its heap grows by, and three replicas
// each grow a heap of the whole market.
func freshPageCost() float64 {
	const size, page = 128 << 20, 4096
	b, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return math.NaN()
	}
	defer syscall.Munmap(b)
	start := time.Now()
	for i := 0; i < size; i += page {
		b[i] = 1
	}
	return float64(time.Since(start).Nanoseconds()) / 1000 / (size / page)
}

// userHZ is the kernel's USER_HZ, the unit of /proc's CPU times: 100 on every Linux
// architecture Go runs on.
const userHZ = 100

// machineStat is the machine's CPU time and context switches so far, from one read
// of /proc/stat.
type machineStat struct {
	busy, total uint64 // CPU, in USER_HZ ticks (busy: user, nice, system, irq, softirq, steal)
	switches    uint64 // context switches since boot (ctxt)
}

func readMachineStat() machineStat {
	var m machineStat
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return m
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "ctxt "); ok {
			m.switches, _ = strconv.ParseUint(v, 10, 64)
		} else if f := strings.Fields(line); len(f) > 0 && f[0] == "cpu" {
			for i := 1; i < len(f) && i <= 8; i++ {
				n, _ := strconv.ParseUint(f[i], 10, 64)
				m.total += n
				if i != 4 && i != 5 { // idle, iowait
					m.busy += n
				}
			}
		}
	}
	return m
}
