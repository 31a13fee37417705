package ledger

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
)

// childEnv, when set, makes the test binary a child process that runs the embedded
// chain and an anchorer in the directory it names until it is killed (see
// TestEmbeddedSurvivesSIGKILL).
const childEnv = "SCFX_LEDGER_CHILD"

func TestMain(m *testing.M) {
	if dir := os.Getenv(childEnv); dir != "" {
		runChild(dir)
		return
	}
	os.Exit(m.Run())
}

// tb is what the test helpers need of a test; testing.TB has it, and so does the
// child process's childTB.
type tb interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
	Cleanup(func())
}

// childTB is a tb for the child process: a fatal error ends it with status 2.
type childTB struct{}

func (childTB) Helper()                 {}
func (childTB) Cleanup(func())          {}
func (childTB) Fatal(args ...any)       { fmt.Fprintln(os.Stderr, args...); os.Exit(2) }
func (childTB) Logf(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }
func (childTB) Fatalf(f string, a ...any) {
	fmt.Fprintf(os.Stderr, f+"\n", a...)
	os.Exit(2)
}

// ---- geth, built from the go-ethereum module this one requires ----

// gethDevKey is the key of geth --dev's pre-funded developer account
// (go-ethereum cmd/utils.DeveloperKey), used to fund the operator of a test.
const gethDevKey = "b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291"

// gethBuildTimeout bounds building geth: a first compile takes minutes on two cores.
const gethBuildTimeout = 30 * time.Minute

// gethVersion is the go-ethereum version go.mod requires (the test binary's build
// info does not list its dependencies).
func gethVersion(t tb) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Version}}", "github.com/ethereum/go-ethereum").Output()
	if err != nil {
		t.Fatalf("go list -m github.com/ethereum/go-ethereum: %v", err)
	}
	v := strings.TrimSpace(string(out))
	if !strings.HasPrefix(v, "v") {
		t.Fatalf("go-ethereum version %q", v)
	}
	return v
}

// cacheBinDir is where tools are kept: $SCFX_CACHE/bin, or <repo>/.cache/bin as the
// Makefile does.
func cacheBinDir(t tb) string {
	t.Helper()
	if c := os.Getenv("SCFX_CACHE"); c != "" {
		return filepath.Join(c, "bin")
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, ".cache", "bin")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory; set SCFX_CACHE")
		}
		dir = parent
	}
}

// gethBinary returns the path of a geth of the required version, building it into the
// cache dir if it is missing or of another version. A file lock keeps parallel test
// processes from building it twice.
func gethBinary(t tb) string {
	t.Helper()
	dir, version := cacheBinDir(t), gethVersion(t)
	path := filepath.Join(dir, "geth")
	if gethIs(path, version) {
		return path
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, ".geth.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatalf("lock %s: %v", lock.Name(), err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if gethIs(path, version) { // built by another process while we waited
		return path
	}
	t.Logf("building geth %s into %s (minutes on a first compile)", version, dir)
	ctx, cancel := context.WithTimeout(context.Background(), gethBuildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "install", "github.com/ethereum/go-ethereum/cmd/geth@"+version)
	cmd.Env = append(os.Environ(), "GOBIN="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go install geth@%s: %v\n%s", version, err, out)
	}
	if !gethIs(path, version) {
		t.Fatalf("%s is not geth %s after building it", path, version)
	}
	return path
}

// gethIs reports whether path is a geth binary of version ("v1.17.10").
func gethIs(path, version string) bool {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return false
	}
	out, err := exec.Command(path, "version").Output()
	return err == nil && strings.Contains(string(out), "Version: "+strings.TrimPrefix(version, "v"))
}

func freePort(t tb) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// gethProc is a geth --dev node serving JSON-RPC over HTTP on 127.0.0.1.
type gethProc struct {
	t       tb
	bin     string
	datadir string
	port    int
	cmd     *exec.Cmd
	done    chan struct{}
}

// startGeth starts geth --dev on datadir and port and waits until it answers.
func startGeth(t tb, datadir string, port int) *gethProc {
	t.Helper()
	g := &gethProc{t: t, bin: gethBinary(t), datadir: datadir, port: port}
	g.start()
	t.Cleanup(g.stop)
	return g
}

func (g *gethProc) url() string { return "http://127.0.0.1:" + strconv.Itoa(g.port) }

func (g *gethProc) start() {
	g.t.Helper()
	logf, err := os.OpenFile(g.datadir+".log", os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		g.t.Fatal(err)
	}
	g.cmd = exec.Command(g.bin, "--dev", "--datadir", g.datadir,
		"--http", "--http.addr", "127.0.0.1", "--http.port", strconv.Itoa(g.port), "--http.api", "eth,net,web3",
		"--ipcdisable", "--authrpc.port", "0", "--port", "0", "--nodiscover", "--verbosity", "3")
	g.cmd.Stdout, g.cmd.Stderr = logf, logf
	if err := g.cmd.Start(); err != nil {
		g.t.Fatalf("start geth: %v", err)
	}
	g.done = make(chan struct{})
	go func() { g.cmd.Wait(); logf.Close(); close(g.done) }()
	deadline := time.Now().Add(time.Minute)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		c, err := ethclient.DialContext(ctx, g.url())
		if err == nil {
			_, err = c.ChainID(ctx)
			c.Close()
		}
		cancel()
		if err == nil {
			return
		}
		select {
		case <-g.done:
			g.t.Fatalf("geth exited at start; see %s.log", g.datadir)
		default:
		}
		if time.Now().After(deadline) {
			g.t.Fatalf("geth does not answer on %s: %v", g.url(), err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop stops geth by its PID (SIGINT: a clean shutdown that keeps the chain), killing
// it if it does not exit in time.
func (g *gethProc) stop() {
	if g.cmd == nil || g.cmd.Process == nil {
		return
	}
	select {
	case <-g.done:
		return
	default:
	}
	_ = g.cmd.Process.Signal(os.Interrupt)
	select {
	case <-g.done:
	case <-time.After(30 * time.Second):
		_ = g.cmd.Process.Kill()
		<-g.done
	}
}

// devKey is geth --dev's funded account.
func devKey(t tb) *ecdsa.PrivateKey {
	t.Helper()
	k, err := crypto.HexToECDSA(gethDevKey)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func dialClient(t tb, url string) *ethclient.Client {
	t.Helper()
	c, err := ethclient.Dial(url)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	return c
}
