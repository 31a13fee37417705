// SPDX-License-Identifier: Apache-2.0

// Package gethtest runs a real `geth --dev` for tests (STYLE.md: real servers over
// fakes where the test is about the integration; contracts/README.md: geth builds from the
// go-ethereum module and `geth --dev --http --http.addr 127.0.0.1` is a real external
// node).
//
// Build finds a geth of the version go.mod requires in the cache directory
// ($SCFX_CACHE/bin, else <repo>/.cache/bin, as the Makefile keeps its tools) and builds
// it there with `go install` when it is missing or of another version, under a file
// lock so that test processes running in parallel build it once. Start runs it on a
// data directory and a 127.0.0.1 port and waits until it answers JSON-RPC; Stop stops
// it by its PID (SIGINT, a clean shutdown that keeps the chain); Restart starts it
// again on the same directory and port. Fund and FundedKey pay from the dev chain's
// pre-funded developer account.
package gethtest

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/params"
)

// DevKeyHex is the key of geth --dev's pre-funded developer account
// (go-ethereum cmd/utils.DeveloperKey; deploy/dev-chain-operator.key holds the same).
const DevKeyHex = "b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291"

// DevChainID is geth --dev's chain id.
const DevChainID = 1337

const (
	// buildMax bounds building geth: a first compile takes minutes on two cores.
	buildMax = 30 * time.Minute
	// startMax bounds the wait for a started geth to answer eth_chainId.
	startMax = time.Minute
	// stopMax is how long a SIGINT gets before SIGKILL.
	stopMax = 30 * time.Second
	// fundMax bounds one funding transaction, sent and mined.
	fundMax = time.Minute
	// startAttempts: a free port found by listening can be taken by another process
	// before geth binds it; Start tries another one when it picked the port itself.
	startAttempts = 3
)

// DevKey is geth --dev's funded developer key.
func DevKey() *ecdsa.PrivateKey {
	k, err := crypto.HexToECDSA(DevKeyHex)
	if err != nil {
		panic(err) // a constant that does not parse is a bug here
	}
	return k
}

// version is the go-ethereum version go.mod requires (a test binary's build info
// does not list its dependencies).
func version(tb testing.TB) string {
	tb.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Version}}", "github.com/ethereum/go-ethereum").Output()
	if err != nil {
		tb.Fatalf("gethtest: go list -m github.com/ethereum/go-ethereum: %v", err)
	}
	v := strings.TrimSpace(string(out))
	if !strings.HasPrefix(v, "v") {
		tb.Fatalf("gethtest: go-ethereum version %q", v)
	}
	return v
}

// cacheBinDir is where tools are kept: $SCFX_CACHE/bin, or <repo>/.cache/bin as the
// Makefile does.
func cacheBinDir(tb testing.TB) string {
	tb.Helper()
	if c := os.Getenv("SCFX_CACHE"); c != "" {
		return filepath.Join(c, "bin")
	}
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, ".cache", "bin")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("gethtest: no go.mod above the working directory; set SCFX_CACHE")
		}
		dir = parent
	}
}

// Build returns the path of a geth of the version go.mod requires, building it into
// the cache directory if it is missing or of another version. A file lock keeps
// parallel test processes from building it twice.
func Build(tb testing.TB) string {
	tb.Helper()
	dir, v := cacheBinDir(tb), version(tb)
	path := filepath.Join(dir, "geth")
	if is(path, v) {
		return path
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, ".geth.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		tb.Fatal(err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		tb.Fatalf("gethtest: lock %s: %v", lock.Name(), err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if is(path, v) { // built by another process while we waited
		return path
	}
	tb.Logf("building geth %s into %s (minutes on a first compile)", v, dir)
	ctx, cancel := context.WithTimeout(context.Background(), buildMax)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "install", "github.com/ethereum/go-ethereum/cmd/geth@"+v)
	cmd.Env = append(os.Environ(), "GOBIN="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("gethtest: go install geth@%s: %v\n%s", v, err, out)
	}
	if !is(path, v) {
		tb.Fatalf("gethtest: %s is not geth %s after building it", path, v)
	}
	return path
}

// is reports whether path is a geth binary of version v ("v1.17.10").
func is(path, v string) bool {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return false
	}
	out, err := exec.Command(path, "version").Output()
	return err == nil && strings.Contains(string(out), "Version: "+strings.TrimPrefix(v, "v"))
}

// FreePort asks the kernel for a free port on 127.0.0.1.
func FreePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Geth is one geth --dev serving JSON-RPC over HTTP on 127.0.0.1. Its methods are
// safe for concurrent use.
type Geth struct {
	tb      testing.TB
	bin     string
	datadir string
	port    int

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has exited
}

// Start starts geth --dev on datadir (its log goes to datadir+".log") and port (0: a
// free one) and waits until it answers. It is stopped when tb ends.
func Start(tb testing.TB, datadir string, port int) *Geth {
	tb.Helper()
	g := &Geth{tb: tb, bin: Build(tb), datadir: datadir, port: port}
	var err error
	for attempt := 1; ; attempt++ {
		if port == 0 {
			g.port = FreePort(tb)
		}
		if err = g.start(); err == nil || port != 0 || attempt == startAttempts {
			break
		}
	}
	if err != nil {
		tb.Fatalf("gethtest: %v", err)
	}
	tb.Cleanup(g.Stop)
	return g
}

// URL is geth's JSON-RPC endpoint.
func (g *Geth) URL() string { return "http://127.0.0.1:" + strconv.Itoa(g.port) }

// Port is the port of URL.
func (g *Geth) Port() int { return g.port }

// DataDir is geth's data directory.
func (g *Geth) DataDir() string { return g.datadir }

// PID is the running geth's process id, 0 when it is stopped.
func (g *Geth) PID() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.cmd == nil {
		return 0
	}
	return g.cmd.Process.Pid
}

func (g *Geth) start() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	logf, err := os.OpenFile(g.datadir+".log", os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	cmd := exec.Command(g.bin, "--dev", "--datadir", g.datadir,
		"--http", "--http.addr", "127.0.0.1", "--http.port", strconv.Itoa(g.port), "--http.api", "eth,net,web3",
		"--ipcdisable", "--authrpc.port", "0", "--port", "0", "--nodiscover", "--verbosity", "3")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("start geth: %w", err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		logf.Close()
		close(done)
	}()
	if err := waitRPC(g.URL(), done); err != nil {
		_ = cmd.Process.Kill()
		<-done
		return fmt.Errorf("%w; see %s.log", err, g.datadir)
	}
	g.cmd, g.done = cmd, done
	return nil
}

// waitRPC waits until url answers eth_chainId, the process exits or startMax passes.
func waitRPC(url string, exited <-chan struct{}) error {
	deadline := time.Now().Add(startMax)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		c, err := ethclient.DialContext(ctx, url)
		if err == nil {
			_, err = c.ChainID(ctx)
			c.Close()
		}
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-exited:
			return errors.New("geth exited at start")
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("geth does not answer on %s: %w", url, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Stop stops geth by its PID — SIGINT, a clean shutdown that keeps the chain —
// killing it if it does not exit within 30 s. Stopping a stopped geth does nothing.
func (g *Geth) Stop() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.cmd == nil {
		return
	}
	_ = g.cmd.Process.Signal(os.Interrupt)
	select {
	case <-g.done:
	case <-time.After(stopMax):
		_ = g.cmd.Process.Kill()
		<-g.done
	}
	g.cmd = nil
}

// Restart stops geth if it runs and starts it again on the same data directory and
// port; the chain it kept is there.
func (g *Geth) Restart() {
	g.tb.Helper()
	g.Stop()
	var err error
	// The kernel may hold the port a moment after the old process exits.
	for range startAttempts {
		if err = g.start(); err == nil {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	g.tb.Fatalf("gethtest: restart: %v", err)
}

// Client dials geth; it is closed when tb ends.
func (g *Geth) Client(tb testing.TB) *ethclient.Client {
	tb.Helper()
	c, err := ethclient.Dial(g.URL())
	if err != nil {
		tb.Fatalf("gethtest: dial %s: %v", g.URL(), err)
	}
	tb.Cleanup(c.Close)
	return c
}

// Fund sends ether from the developer account to to and waits until it is mined.
func (g *Geth) Fund(tb testing.TB, to common.Address, ether int64) {
	tb.Helper()
	Fund(tb, g.Client(tb), DevKey(), to, ether)
}

// FundedKey is a fresh key holding ether on this chain.
func (g *Geth) FundedKey(tb testing.TB, ether int64) *ecdsa.PrivateKey {
	tb.Helper()
	key, err := crypto.GenerateKey()
	if err != nil {
		tb.Fatal(err)
	}
	g.Fund(tb, crypto.PubkeyToAddress(key.PublicKey), ether)
	return key
}

// Fund sends ether from key to to on client's chain (any chain: geth, or an embedded
// one) and waits until it is mined.
func Fund(tb testing.TB, client *ethclient.Client, key *ecdsa.PrivateKey, to common.Address, ether int64) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), fundMax)
	defer cancel()
	from := crypto.PubkeyToAddress(key.PublicKey)
	nonce, err := client.PendingNonceAt(ctx, from)
	if err != nil {
		tb.Fatalf("gethtest: PendingNonceAt: %v", err)
	}
	id, err := client.ChainID(ctx)
	if err != nil {
		tb.Fatalf("gethtest: ChainID: %v", err)
	}
	head, err := client.HeaderByNumber(ctx, nil)
	if err != nil {
		tb.Fatalf("gethtest: HeaderByNumber: %v", err)
	}
	tip := big.NewInt(params.GWei)
	tx, err := types.SignNewTx(key, types.LatestSignerForChainID(id), &types.DynamicFeeTx{
		ChainID: id, Nonce: nonce, GasTipCap: tip, GasFeeCap: new(big.Int).Add(tip, new(big.Int).Mul(head.BaseFee, big.NewInt(2))),
		Gas: params.TxGas, To: &to, Value: new(big.Int).Mul(big.NewInt(ether), big.NewInt(params.Ether)),
	})
	if err != nil {
		tb.Fatal(err)
	}
	if err := client.SendTransaction(ctx, tx); err != nil {
		tb.Fatalf("gethtest: fund %s: SendTransaction: %v", to.Hex(), err)
	}
	for {
		r, err := client.TransactionReceipt(ctx, tx.Hash())
		if err == nil {
			if r.Status != types.ReceiptStatusSuccessful {
				tb.Fatalf("gethtest: funding %s failed", to.Hex())
			}
			return
		}
		if ctx.Err() != nil {
			tb.Fatalf("gethtest: funding %s: %v", to.Hex(), err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// WriteKeyFile writes key as --eth-key-file wants it (hex, 0x, a newline; mode 0600)
// and returns path.
func WriteKeyFile(tb testing.TB, path string, key *ecdsa.PrivateKey) string {
	tb.Helper()
	if err := os.WriteFile(path, []byte(hexutil.Encode(crypto.FromECDSA(key))+"\n"), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}
