// SPDX-License-Identifier: Apache-2.0

package node

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scfx/scfx/journal"
	"github.com/scfx/scfx/matcher"
)

// The crash test: a child process submits under load and is killed with
// SIGKILL at random moments; after each restart every command whose Submit returned
// is there, and the state equals a replay of the journal from empty.
var (
	crashKills = flag.Int("crash.kills", 20, "SIGKILLs in TestCrashRecovery")
	crashSeed  = flag.Uint64("crash.seed", 0, "seed of TestCrashRecovery's kill times (0: from the clock)")
)

const (
	envCrashDir  = "SCFX_CRASH_DIR"
	envCrashBase = "SCFX_CRASH_BASE"
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(envCrashDir); dir != "" {
		crashChild(dir)
		return
	}
	os.Exit(m.Run())
}

// crashChild submits from 16 goroutines until it is killed, printing one line per
// acknowledged command: "ack <seq> <id>".
func crashChild(dir string) {
	base, _ := strconv.Atoi(os.Getenv(envCrashBase))
	j, err := journal.OpenFile(filepath.Join(dir, "journal"), journal.FileOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	n, err := Open(context.Background(), Config{Journal: j, SnapshotDir: filepath.Join(dir, "snapshots"), SnapshotEvery: 37})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Println("ready")
	var mu sync.Mutex
	var k atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := base + int(k.Add(1))
				cmd := participantCmd(i)
				if i%3 == 0 {
					cmd = clusterCmd(i)
				}
				r, err := n.Submit(context.Background(), cmd)
				if err != nil || r.Err != nil {
					continue
				}
				id := ""
				if r.Cluster != nil {
					id = r.Cluster.ID
				} else {
					id = r.Participant.ID
				}
				mu.Lock()
				fmt.Printf("ack %d %s\n", r.Seq, id)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

type ack struct {
	seq uint64
	id  string
}

func TestCrashRecovery(t *testing.T) {
	dir := t.TempDir()
	seed := *crashSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (rerun: go test ./node -run '^TestCrashRecovery$' -crash.seed=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 7))
	total := 0
	for kill := 0; kill < *crashKills; kill++ {
		acks := runAndKill(t, dir, kill, time.Duration(20+rng.IntN(230))*time.Millisecond)
		total += len(acks)
		verifyAfterCrash(t, dir, acks)
	}
	t.Logf("%d SIGKILLs, %d acknowledged commands, all recovered", *crashKills, total)
	if total == 0 {
		t.Fatal("the child never acknowledged a command")
	}
}

func runAndKill(t *testing.T, dir string, kill int, after time.Duration) []ack {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envCrashDir+"="+dir, fmt.Sprintf("%s=%d", envCrashBase, (kill+1)*1_000_000))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	lines := make(chan string, 1<<16)
	go func() {
		defer close(lines)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	select {
	case l := <-lines:
		if l != "ready" {
			t.Fatalf("child said %q", l)
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("child did not start")
	}
	time.Sleep(after)
	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	var acks []ack
	for l := range lines {
		f := strings.Fields(l)
		if len(f) != 3 || f[0] != "ack" {
			continue // a line cut by the kill was never acknowledged to anyone
		}
		seq, _ := strconv.ParseUint(f[1], 10, 64)
		acks = append(acks, ack{seq, f[2]})
	}
	cmd.Wait()
	return acks
}

func verifyAfterCrash(t *testing.T, dir string, acks []ack) {
	t.Helper()
	n := openNode(t, dir, 37)
	defer n.Close()
	n.View(func(m *matcher.Matcher) {
		for _, a := range acks {
			_, okC := m.Cluster(a.id)
			_, errP := m.Participant(matcher.ActorOperator, a.id)
			if a.seq > m.AppliedSeq() || (!okC && errP != nil) {
				t.Fatalf("acknowledged %s at seq %d is lost (applied %d)", a.id, a.seq, m.AppliedSeq())
			}
		}
	})
	got, seq := hashOf(n)
	want := replayJournal(t, n, seq)
	if got != want {
		t.Fatalf("state after restart %x, replay of the journal %x", got, want)
	}
}

// replayJournal applies the node's journal from the first entry to a fresh matcher.
func replayJournal(t *testing.T, n *Node, upTo uint64) [32]byte {
	t.Helper()
	m := matcher.New(n.cfg.Matcher)
	for m.AppliedSeq() < upTo {
		es, err := n.Journal().Read(context.Background(), m.AppliedSeq()+1, 1024)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			if e.Seq > upTo {
				break
			}
			_, _, cmd, err := decodeEnvelope(e.Data)
			if err != nil {
				cmd = e.Data
			}
			m.ApplyRaw(e.Seq, e.TimeMs, cmd)
		}
	}
	return m.StateHash()
}
