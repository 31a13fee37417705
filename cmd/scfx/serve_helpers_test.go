// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/client"
	"github.com/scfx/scfx/uscc"
)

// The helpers of the process tests of `scfx serve`: the child process, raw calls
// for the tests that check statuses and bytes, and a client for the rest.

// lockedBuffer collects a child's output for the failure message.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// proc is one running `scfx serve`.
type proc struct {
	t      *testing.T
	cmd    *exec.Cmd
	base   string
	logs   *lockedBuffer
	exited chan struct{}
}

// cleanEnv is the test's environment without any SCFX_* variable, so that the
// binary runs on its flags and defaults (SCFX_ADMIN_TOKEN unset: the token file).
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SCFX_") {
			env = append(env, kv)
		}
	}
	return env
}

// freeAddr is a loopback address with a port nothing listens on right now.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// startServe starts `scfx serve` on addr and dataDir and waits until /healthz
// answers. The process is killed by its PID when the test ends, if still running.
func startServe(t *testing.T, addr, dataDir string, env ...string) *proc {
	t.Helper()
	// No Tick during the test: applied_seq must move only with our requests.
	return startServeWith(t, addr, dataDir, env, "--shutdown-timeout", "10s")
}

// startServeWith runs `scfx serve` with extra environment and flags and waits until
// /readyz answers (the chain and journal are up). The process is killed by its PID
// when the test ends.
func startServeWith(t *testing.T, addr, dataDir string, env []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(scfxBinary(t), append([]string{"serve", "--addr", addr, "--data-dir", dataDir, "--tick-every", "1h"}, args...)...)
	cmd.Env = append(cleanEnv(), env...)
	p := &proc{t: t, cmd: cmd, base: "http://" + addr, logs: &lockedBuffer{}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.logs, p.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = syscall.Kill(cmd.Process.Pid, syscall.SIGKILL)
			<-p.exited
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-p.exited:
			t.Fatalf("scfx serve %s exited at start (%v); output:\n%s", strings.Join(args, " "), cmd.ProcessState, p.logs)
		default:
		}
		if resp, err := http.Get(p.base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("scfx serve did not answer /readyz in time; output:\n%s", p.logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// kill sends SIGKILL to the process by its PID and waits for it to die.
func (p *proc) kill() {
	p.t.Helper()
	if err := syscall.Kill(p.cmd.Process.Pid, syscall.SIGKILL); err != nil {
		p.t.Fatal(err)
	}
	<-p.exited
}

// term sends SIGTERM and returns the exit code once the process has stopped.
func (p *proc) term() int {
	p.t.Helper()
	if err := syscall.Kill(p.cmd.Process.Pid, syscall.SIGTERM); err != nil {
		p.t.Fatal(err)
	}
	select {
	case <-p.exited:
	case <-time.After(60 * time.Second):
		p.t.Fatalf("scfx serve did not stop on SIGTERM; output:\n%s", p.logs)
	}
	return p.cmd.ProcessState.ExitCode()
}

// call makes one request and returns the status and the raw body.
func (p *proc) call(method, path, token string, body any) (int, []byte) {
	p.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			p.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, p.base+path, rd)
	if err != nil {
		p.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	client := &http.Client{Timeout: 20 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		p.t.Fatalf("%s %s: %v; output:\n%s", method, path, err, p.logs)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		p.t.Fatal(err)
	}
	return resp.StatusCode, out
}

// must makes a request that has to answer want and decodes its JSON object.
func (p *proc) must(method, path, token string, body any, want int) map[string]any {
	p.t.Helper()
	status, raw := p.call(method, path, token, body)
	if status != want {
		p.t.Fatalf("%s %s = %d %s, want %d", method, path, status, raw, want)
	}
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		p.t.Fatalf("%s %s: body %q: %v", method, path, raw, err)
	}
	return v
}

// client is a client of the server acting as the holder of token. It makes one
// attempt per call: these tests check what each request got.
func (p *proc) client(token string) *client.Client {
	return client.New(p.base, token, client.WithAttempts(1), client.WithHTTPClient(&http.Client{Timeout: 20 * time.Second}))
}

// node is GET /v1/node as the operator.
func (p *proc) node(admin string) *wire.Node {
	p.t.Helper()
	n, err := p.client(admin).Node(context.Background())
	if err != nil {
		p.t.Fatalf("%v; output:\n%s", err, p.logs)
	}
	return n
}

// readAdminToken reads <data-dir>/admin.token and checks it is mode 0600 (docs/api.md "Authentication").
func readAdminToken(t *testing.T, dataDir string) string {
	t.Helper()
	path := filepath.Join(dataDir, "admin.token")
	st, err := os.Stat(path)
	if err != nil {
		t.Fatalf("admin token file: %v", err)
	}
	if mode := st.Mode().Perm(); mode != 0o600 {
		t.Fatalf("admin.token mode = %v, want 0600", mode)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" {
		t.Fatal("admin.token is empty")
	}
	return tok
}

// market is what the test built over HTTP: every acknowledged object with the path
// to read it back and a token of a party that may read it.
type market struct {
	n       int
	tokens  map[string]string // participant id → token
	objects []object
	addrs   map[string]common.Address
}

type object struct {
	path  string // GET path
	token string // a party's token ("" : only the operator's)
}

func (mk *market) nextUSCC(t *testing.T) string {
	t.Helper()
	mk.n++
	code, err := uscc.Make('9', '1', "330100", fmt.Sprintf("PT%07d", mk.n))
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func day(offset int) string { return time.Now().UTC().AddDate(0, 0, offset).Format("2006-01-02") }

// participant onboards one participant; address may be zero for a fresh one.
func (mk *market) participant(t *testing.T, p *proc, admin string, in wire.CreateParticipantRequest, addr common.Address) string {
	t.Helper()
	in.USCC = mk.nextUSCC(t)
	in.Name = fmt.Sprintf("企业 %d", mk.n)
	if in.Role != "lender" {
		if addr == (common.Address{}) {
			key, err := crypto.GenerateKey()
			if err != nil {
				t.Fatal(err)
			}
			addr = crypto.PubkeyToAddress(key.PublicKey)
		}
		in.Address = addr.Hex()
	}
	v, err := p.client(admin).CreateParticipant(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if v.ID == "" || v.Token == "" {
		t.Fatalf("POST /v1/participants = %+v: no id or token", v)
	}
	mk.tokens[v.ID] = v.Token
	mk.addrs[v.ID] = addr
	mk.objects = append(mk.objects, object{"/v1/participants/" + v.ID, v.Token})
	return v.ID
}

// buildMarket makes a cluster, two SMEs, a core, a lender, receivables and offers.
func buildMarket(t *testing.T, p *proc, admin string) *market {
	t.Helper()
	ctx := context.Background()
	mk := &market{tokens: map[string]string{}, addrs: map[string]common.Address{}}
	cl, err := p.client(admin).CreateCluster(ctx, wire.CreateClusterRequest{
		Name: "宁波汽车零部件产业集群", CountyCode: "330206", Level: "national", Industry: "汽车零部件", ValidUntil: day(3 * 365),
	})
	if err != nil {
		t.Fatal(err)
	}
	mk.objects = append(mk.objects, object{"/v1/clusters/" + cl.ID, ""})
	core := mk.participant(t, p, admin, wire.CreateParticipantRequest{Role: "core", Rating: "AAA"}, common.Address{})
	sme1 := mk.participant(t, p, admin, wire.CreateParticipantRequest{Role: "sme", ClusterID: cl.ID,
		Certification: "specialized", CertificationValidUntil: day(2 * 365)}, common.Address{})
	sme2 := mk.participant(t, p, admin, wire.CreateParticipantRequest{Role: "sme"}, common.Address{})
	lender := mk.participant(t, p, admin, wire.CreateParticipantRequest{Role: "lender"}, common.Address{})
	for i, sme := range []string{sme1, sme1, sme2} {
		r, err := p.client(mk.tokens[sme]).SubmitReceivable(ctx, wire.SubmitReceivableRequest{
			DebtorID: core, InvoiceNumber: fmt.Sprintf("INV-%08d", i+1), Amount: 1_000_000 * int64(i+1),
			Currency: "CNY", IssueDate: day(0), DueDate: day(90),
		})
		if err != nil {
			t.Fatal(err)
		}
		mk.objects = append(mk.objects, object{"/v1/receivables/" + r.ID, mk.tokens[sme]})
	}
	for _, rate := range []int64{350, 420} {
		o, err := p.client(mk.tokens[lender]).PostOffer(ctx, wire.PostOfferRequest{
			CoreID: core, LineAmount: 50_000_000, RatesBps: &wire.Rates{A: rate, B: rate + 100, C: rate + 200}, MaxTenorDays: 180,
		})
		if err != nil {
			t.Fatal(err)
		}
		mk.objects = append(mk.objects, object{"/v1/offers/" + o.ID, mk.tokens[lender]})
	}
	return mk
}

// snapshotBodies reads every object as the operator and as its party.
func (mk *market) snapshotBodies(t *testing.T, p *proc, admin string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, o := range mk.objects {
		status, raw := p.call("GET", o.path, admin, nil)
		if status != http.StatusOK {
			t.Fatalf("GET %s as operator = %d %s", o.path, status, raw)
		}
		out[o.path] = string(raw)
		if o.token == "" {
			continue
		}
		status, raw = p.call("GET", o.path, o.token, nil)
		if status != http.StatusOK {
			t.Fatalf("GET %s as its party = %d %s", o.path, status, raw)
		}
		if string(raw) != out[o.path] {
			t.Fatalf("GET %s: party sees %s, operator %s", o.path, raw, out[o.path])
		}
	}
	return out
}
