// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/eip712"
)

// The process tests of `scfx serve` (docs/api.md "Authentication", README, "Architecture" and §8): a real
// binary on a real port, killed with SIGKILL or stopped with SIGTERM, started again
// on the same data directory.

// TestServeRestartAfterSIGKILL: every object acknowledged before a SIGKILL is there
// after a restart on the same data directory, every participant's token still works,
// and the generated admin token (mode 0600) is the same.
func TestServeRestartAfterSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir, addr := t.TempDir(), freeAddr(t)
	p := startServe(t, addr, dir)
	admin := readAdminToken(t, dir)
	mk := buildMarket(t, p, admin)
	before := mk.snapshotBodies(t, p, admin)
	nodeBefore := p.node(admin)
	p.kill()

	p2 := startServe(t, addr, dir)
	if got := readAdminToken(t, dir); got != admin {
		t.Fatalf("admin token after restart = %q, want the first one %q", got, admin)
	}
	after := mk.snapshotBodies(t, p2, admin)
	for path, want := range before {
		if after[path] != want {
			t.Errorf("GET %s after SIGKILL and restart = %s, want %s", path, after[path], want)
		}
	}
	for id, tok := range mk.tokens {
		p2.must("GET", "/v1/participants/"+id, tok, nil, http.StatusOK)
	}
	nodeAfter := p2.node(admin)
	if nodeAfter.AppliedSeq != nodeBefore.AppliedSeq || nodeAfter.StateHash != nodeBefore.StateHash {
		t.Fatalf("GET /v1/node after restart = %+v, before the kill %+v", nodeAfter, nodeBefore)
	}
	// Still writable: the journal recovered its tail and takes new commands.
	mk.participant(t, p2, admin, wire.CreateParticipantRequest{Role: "lender"}, common.Address{})
	p2.must("GET", "/v1/participants", "not-a-token", nil, http.StatusUnauthorized)
}

// TestServeSIGTERM: SIGTERM drains and exits 0 with a snapshot of everything applied.
func TestServeSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir, addr := t.TempDir(), freeAddr(t)
	p := startServe(t, addr, dir)
	admin := readAdminToken(t, dir)
	buildMarket(t, p, admin)
	before := p.node(admin)
	if before.AppliedSeq == 0 || before.Journal != "file" {
		t.Fatalf("GET /v1/node = %+v, want a file journal with entries", before)
	}
	if code := p.term(); code != 0 {
		t.Fatalf("exit code after SIGTERM = %d, want 0; output:\n%s", code, p.logs)
	}
	snap := filepath.Join(dir, "snapshots", fmt.Sprintf("snapshot-%020d.scfx", before.AppliedSeq))
	if _, err := os.Stat(snap); err != nil {
		t.Fatalf("no snapshot at applied_seq %d after SIGTERM: %v", before.AppliedSeq, err)
	}
	p2 := startServe(t, addr, dir)
	after := p2.node(admin)
	if after.SnapshotSeq != before.AppliedSeq {
		t.Fatalf("snapshot_seq after restart = %d, want applied_seq before SIGTERM %d", after.SnapshotSeq, before.AppliedSeq)
	}
	if after.AppliedSeq != before.AppliedSeq || after.StateHash != before.StateHash {
		t.Fatalf("GET /v1/node after restart = %+v, before SIGTERM %+v", after, before)
	}
}

// runScfx runs the binary with args and stdin and returns stdout, or the error and stderr.
func runScfx(t testing.TB, stdin []byte, args ...string) (string, string, error) {
	t.Helper()
	cmd := exec.Command(scfxBinary(t), args...)
	cmd.Env = cleanEnv()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	err := cmd.Run()
	return out.String(), errb.String(), err
}

// TestKeygenSignRoundTrip: a key from `scfx keygen` signs, with `scfx sign`, the
// Confirmation typed data of a receivable whose debtor is registered with the key's
// address. When the served node has a ledger, the typed data comes from the API and
// the signature confirms the receivable; `scfx serve` does not configure a ledger
// yet (GET typed-data is 503 unavailable), so then the same typed data is built from
// the receivable the API returned and the signature is checked with eip712.Recover.
func TestKeygenSignRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "core.key")
	out, errOut, err := runScfx(t, nil, "keygen", "--out", keyFile)
	if err != nil {
		t.Fatalf("scfx keygen: %v: %s", err, errOut)
	}
	addrHex := strings.TrimSpace(out)
	if !common.IsHexAddress(addrHex) || common.HexToAddress(addrHex).Hex() != addrHex {
		t.Fatalf("scfx keygen printed %q, want an EIP-55 address", out)
	}
	coreAddr := common.HexToAddress(addrHex)
	if st, err := os.Stat(keyFile); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, mode %v; want 0600", err, st)
	}
	if _, _, err := runScfx(t, nil, "keygen", "--out", keyFile); err == nil {
		t.Fatal("scfx keygen overwrote an existing key file")
	}

	dataDir := filepath.Join(dir, "data")
	p := startServe(t, freeAddr(t), dataDir)
	admin := readAdminToken(t, dataDir)
	mk := &market{tokens: map[string]string{}, addrs: map[string]common.Address{}}
	core := mk.participant(t, p, admin, wire.CreateParticipantRequest{Role: "core", Rating: "AA"}, coreAddr)
	sme := mk.participant(t, p, admin, wire.CreateParticipantRequest{Role: "sme"}, common.Address{})
	ctx := context.Background()
	rcv, err := p.client(mk.tokens[sme]).SubmitReceivable(ctx, wire.SubmitReceivableRequest{
		DebtorID: core, InvoiceNumber: "INV-SIGN-0001", Amount: 12_345_600, Currency: "CNY", IssueDate: day(0), DueDate: day(60),
	})
	if err != nil {
		t.Fatal(err)
	}
	id := rcv.ID

	status, typed := p.call("GET", "/v1/receivables/"+id+"/typed-data", mk.tokens[core], nil)
	var digest common.Hash
	switch status {
	case http.StatusOK:
		// The node has a ledger: sign what the API served.
	case http.StatusServiceUnavailable:
		t.Log("scfx serve has no ledger configured: typed data built from the API's receivable, signature checked with eip712.Recover")
		due, err := eip712.DueDateSeconds(rcv.DueDate)
		if err != nil {
			t.Fatal(err)
		}
		dom := eip712.Domain{ChainID: 1337, VerifyingContract: common.HexToAddress("0x00000000000000000000000000000000005cf0c5")}
		conf := eip712.Confirmation{
			Receivable: id, Fingerprint: common.HexToHash(rcv.Fingerprint),
			Creditor: mk.addrs[sme], Debtor: coreAddr, Amount: uint64(rcv.Amount),
			Currency: rcv.Currency, DueDate: due,
		}
		typed, err = json.Marshal(eip712.ToJSON(eip712.ConfirmationTypedData(dom, conf)))
		if err != nil {
			t.Fatal(err)
		}
		digest = eip712.ConfirmationDigest(dom, conf)
	default:
		t.Fatalf("GET typed-data = %d %s", status, typed)
	}

	tdFile := filepath.Join(dir, "td.json")
	if err := os.WriteFile(tdFile, typed, 0o600); err != nil {
		t.Fatal(err)
	}
	sigFile, errOut, err := runScfx(t, nil, "sign", "--key", keyFile, "--in", tdFile)
	if err != nil {
		t.Fatalf("scfx sign: %v: %s", err, errOut)
	}
	sigStdin, errOut, err := runScfx(t, typed, "sign", "--key", keyFile)
	if err != nil {
		t.Fatalf("scfx sign (stdin): %v: %s", err, errOut)
	}
	sig := strings.TrimSpace(sigFile)
	if strings.TrimSpace(sigStdin) != sig {
		t.Fatalf("scfx sign: file gives %s, stdin %s", sig, sigStdin)
	}
	sb, err := hexutil.Decode(sig)
	if err != nil || len(sb) != 65 || (sb[64] != 27 && sb[64] != 28) {
		t.Fatalf("scfx sign printed %q: want 0x and 65 bytes with v 27/28", sig)
	}

	if status == http.StatusOK {
		v, err := p.client(mk.tokens[core]).Confirm(ctx, id, wire.ConfirmRequest{Signature: sig})
		if err != nil {
			t.Fatalf("confirm with the signature of scfx sign: %v", err)
		}
		if st := v.Status; st != "confirmed" && st != "financeable" {
			t.Fatalf("confirm with the signature of scfx sign: status %v, want confirmed", st)
		}
		return
	}
	got, err := eip712.Recover(digest, sb)
	if err != nil {
		t.Fatal(err)
	}
	if got != coreAddr {
		t.Fatalf("eip712.Recover(signature of scfx sign) = %s, want the keygen address %s", got, coreAddr)
	}
	// The same check the matcher makes: the signature recovers to the debtor
	// registered over the API.
	part, err := p.client(admin).Participant(ctx, core)
	if err != nil {
		t.Fatal(err)
	}
	if part.Address == nil || *part.Address != coreAddr.Hex() {
		t.Fatalf("core's address = %v, want %s", part.Address, coreAddr.Hex())
	}
	// A key file that is not a key is refused, and nothing is printed.
	bad := filepath.Join(dir, "bad.key")
	if err := os.WriteFile(bad, []byte("0xnothex\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, _, err := runScfx(t, typed, "sign", "--key", bad); err == nil || out != "" {
		t.Fatalf("scfx sign with a bad key = %q, %v; want an error", out, err)
	}
	var exitErr *exec.ExitError
	if _, _, err := runScfx(t, []byte("{not json"), "sign", "--key", keyFile); !errors.As(err, &exitErr) || exitErr.ExitCode() != 1 {
		t.Fatalf("scfx sign of malformed typed data: %v, want exit code 1", err)
	}
}

// TestServeSIGKILLUnderLoad: writers are acknowledged while the process is killed
// mid-stream; after a restart every acknowledged object is there (docs/matching.md §5:
// every accepted command is in the journal before it is acknowledged).
func TestServeSIGKILLUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir, addr := t.TempDir(), freeAddr(t)
	// Reading back every acknowledged object is more than the default burst.
	const limit = "SCFX_RATE_LIMIT=1000000"
	p := startServe(t, addr, dir, limit)
	admin := readAdminToken(t, dir)
	body, err := json.Marshal(map[string]any{"name": "集群", "county_code": "330206", "level": "provincial", "industry": "模具", "valid_until": day(365)})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var acked []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 5 * time.Second}
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				req, _ := http.NewRequest("POST", p.base+"/v1/clusters", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+admin)
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					continue // the kill: this one was never acknowledged
				}
				var v wire.Cluster
				derr := json.NewDecoder(resp.Body).Decode(&v)
				resp.Body.Close()
				if resp.StatusCode == http.StatusCreated && derr == nil && v.ID != "" {
					mu.Lock()
					acked = append(acked, v.ID)
					mu.Unlock()
				}
			}
		}()
	}
	// Killed in the middle of the load, once it has had some requests acknowledged.
	waitFor(t, 30*time.Second, "requests acknowledged before the kill", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(acked) >= 20
	})
	p.kill()
	close(stop)
	wg.Wait()
	p2 := startServe(t, addr, dir, limit)
	for _, id := range acked {
		p2.must("GET", "/v1/clusters/"+id, admin, nil, http.StatusOK)
	}
	t.Logf("%d clusters acknowledged before SIGKILL, all there after restart", len(acked))
}

// TestServeAdminTokenFromEnv: SCFX_ADMIN_TOKEN is the operator's token, and no token
// file is made (docs/api.md "Authentication").
func TestServeAdminTokenFromEnv(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	p := startServe(t, freeAddr(t), dir, "SCFX_ADMIN_TOKEN=env-admin-token-0123456789abcdef0123456789")
	p.node("env-admin-token-0123456789abcdef0123456789")
	if status, _ := p.call("GET", "/v1/node", "", nil); status != http.StatusUnauthorized {
		t.Fatalf("GET /v1/node without a token = %d, want 401", status)
	}
	if _, err := os.Stat(filepath.Join(dir, "admin.token")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("admin.token with SCFX_ADMIN_TOKEN set: %v, want none", err)
	}
}

// serve sets the collector's GOGC (defaultGCPercent) unless GOGC is in the
// environment; --gc-percent and SCFX_GC_PERCENT override both.
func TestServeGCPercent(t *testing.T) {
	for _, c := range []struct {
		flag    int
		flagSet bool
		gogc    string
		want    int
		sets    bool
	}{
		{defaultGCPercent, false, "", defaultGCPercent, true},
		{defaultGCPercent, false, "150", 0, false},
		{250, true, "150", 250, true},
		{-1, true, "", -1, true},
	} {
		if got, sets := gcPercent(c.flag, c.flagSet, c.gogc); got != c.want || sets != c.sets {
			t.Errorf("gcPercent(%d, %v, %q) = %d, %v; want %d, %v", c.flag, c.flagSet, c.gogc, got, sets, c.want, c.sets)
		}
	}
	if testing.Short() {
		t.Skip("the rest builds and runs the binary")
	}
	gogc := func(p *proc) string { return metricValue(t, p, "go_gc_gogc_percent") }
	for _, c := range []struct {
		env  []string
		want string
	}{
		{[]string{"GOGC="}, strconv.Itoa(defaultGCPercent)}, // whatever the test's environment holds
		{[]string{"GOGC=150"}, "150"},
		{[]string{"GOGC=150", "SCFX_GC_PERCENT=250"}, "250"},
	} {
		p := startServe(t, freeAddr(t), t.TempDir(), c.env...)
		if got := gogc(p); got != c.want {
			t.Errorf("serve with %q: go_gc_gogc_percent %s, want %s", c.env, got, c.want)
		}
		p.kill()
	}
}

// metricValue is the value of an unlabelled metric in p's /metrics.
func metricValue(t *testing.T, p *proc, name string) string {
	t.Helper()
	resp, err := http.Get(p.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			return v
		}
	}
	t.Fatalf("/metrics has no %s", name)
	return ""
}

// serve sets a soft memory limit of 3/4 of the memory it may use (its cgroup's
// limit, else the machine's) unless GOMEMLIMIT is set: with GOGC 400 the heap may
// grow to five times the live state.
func TestServeMemoryLimit(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		ok   bool
	}{{"max\n", 0, false}, {"8589934592\n", 8589934592, true}, {"9223372036854771712\n", 0, false}, {"", 0, false}, {"-1", 0, false}} {
		if n, ok := parseCgroupLimit(c.in); n != c.want || ok != c.ok {
			t.Errorf("parseCgroupLimit(%q) = %d, %v; want %d, %v", c.in, n, ok, c.want, c.ok)
		}
	}
	for in, want := range map[string]int64{
		"MemFree: 1 kB\nMemTotal:       24684092 kB\n": 24684092 * 1024,
		"MemTotal: 12 MB\n":                            0,
		"nothing\n":                                    0,
	} {
		if got := parseMemTotal(bufio.NewScanner(strings.NewReader(in))); got != want {
			t.Errorf("parseMemTotal(%q) = %d, want %d", in, got, want)
		}
	}
	if n, ok := memoryLimit("", 8<<30); !ok || n != 6<<30 {
		t.Errorf("memoryLimit(no GOMEMLIMIT, 8 GiB) = %d, %v; want 6 GiB", n, ok)
	}
	if _, ok := memoryLimit("2GiB", 8<<30); ok {
		t.Errorf("memoryLimit with GOMEMLIMIT set: want none set by serve")
	}
	if _, ok := memoryLimit("", 0); ok {
		t.Errorf("memoryLimit with nothing known: want none")
	}
	avail := memoryAvailable()
	if avail <= 0 {
		t.Fatalf("memoryAvailable() = %d on this Linux machine, want its memory", avail)
	}
	if testing.Short() {
		t.Skip("the rest builds and runs the binary")
	}
	p := startServe(t, freeAddr(t), t.TempDir(), "GOMEMLIMIT=")
	if got, want := metricValue(t, p, "go_gc_gomemlimit_bytes"), int64(float64(avail)*memoryLimitShare); got != strconv.FormatInt(want, 10) && !sameFloat(got, want) {
		t.Errorf("serve without GOMEMLIMIT: go_gc_gomemlimit_bytes %s, want %d", got, want)
	}
	p.kill()
	p = startServe(t, freeAddr(t), t.TempDir(), "GOMEMLIMIT=3GiB")
	if got := metricValue(t, p, "go_gc_gomemlimit_bytes"); !sameFloat(got, 3<<30) {
		t.Errorf("serve with GOMEMLIMIT=3GiB: go_gc_gomemlimit_bytes %s, want %d", got, int64(3<<30))
	}
}

// sameFloat: a metric printed as a float (1.2e+10) equals n.
func sameFloat(s string, n int64) bool {
	f, err := strconv.ParseFloat(s, 64)
	return err == nil && int64(f) == n
}
