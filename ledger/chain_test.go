// SPDX-License-Identifier: Apache-2.0

package ledger

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/scfx/scfx/contracts"
	"github.com/scfx/scfx/internal/gethtest"
	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/merkle"
)

// newOperator makes a key for an external chain and funds it from geth's dev account.
func newOperator(t *testing.T, g *gethtest.Geth) *ecdsa.PrivateKey {
	t.Helper()
	return g.FundedKey(t, 100)
}

// A real external node: geth --dev over JSON-RPC. The first start deploys the registry
// and keeps its address; confirm → register → anchor → proof → VerifyProof.
func TestExternalGeth(t *testing.T) {
	g := gethtest.Start(t, filepath.Join(t.TempDir(), "geth"), 0)
	key := newOperator(t, g)
	dir := t.TempDir()
	keyFile := gethtest.WriteKeyFile(t, filepath.Join(dir, "operator.key"), key)
	ctx := context.Background()
	b, err := DialRPC(ctx, RPCConfig{URL: g.URL(), KeyFile: keyFile, DataDir: dir})
	if err != nil {
		t.Fatalf("DialRPC: %v", err)
	}
	defer b.Close()
	if b.ChainID() != 1337 || b.Sender() != crypto.PubkeyToAddress(key.PublicKey) {
		t.Fatalf("chain %d sender %s, want geth --dev's 1337 and the key's address", b.ChainID(), b.Sender().Hex())
	}
	n := openNode(t, filepath.Join(dir, "node"))
	defer n.Close()
	configure(t, n, b, dir)
	mk := newMarket(t, n, "", "")
	runAnchorer(t, NewAnchorer(n, b, fastAnchoring()))
	id := mk.invoice("")
	mk.confirm(id)
	waitStatus(t, n, id, matcher.StatusFinanceable, time.Minute)
	p := proofOf(t, n, id, merkle.KindConfirmation)
	checkOnChain(t, b, p)
	if err := VerifyProof(ctx, g.URL(), p); err != nil {
		t.Fatalf("VerifyProof = %v", err)
	}

	// A later start reuses the registry it deployed (kept in the data directory).
	b2, err := DialRPC(ctx, RPCConfig{URL: g.URL(), Key: key, DataDir: dir})
	if err != nil {
		t.Fatalf("DialRPC again: %v", err)
	}
	defer b2.Close()
	if b2.Registry() != b.Registry() {
		t.Fatalf("second start bound registry %s, want %s", b2.Registry().Hex(), b.Registry().Hex())
	}
	info, err := LedgerInfo(ctx, b2)
	if err != nil || info.HeadBlock < p.BlockNumber || info.RegistryAddress != b.Registry() || info.ChainID != 1337 {
		t.Fatalf("LedgerInfo = %+v, %v", info, err)
	}
}

// The chain goes down: leaves wait, nothing unanchored becomes financeable, and they
// land once it is back.
func TestChainDownLeavesWait(t *testing.T) {
	g := gethtest.Start(t, filepath.Join(t.TempDir(), "geth"), 0)
	key := newOperator(t, g)
	dir := t.TempDir()
	ctx := context.Background()
	b, err := DialRPC(ctx, RPCConfig{URL: g.URL(), Key: key, DataDir: dir})
	if err != nil {
		t.Fatalf("DialRPC: %v", err)
	}
	defer b.Close()
	n := openNode(t, filepath.Join(dir, "node"))
	defer n.Close()
	configure(t, n, b, dir)
	mk := newMarket(t, n, "", "")
	cfg := fastAnchoring()
	cfg.BackoffMax, cfg.TxTimeout = 500*time.Millisecond, 5*time.Second
	a := NewAnchorer(n, b, cfg)
	runAnchorer(t, a)
	before := mk.invoice("")
	mk.confirm(before)
	waitStatus(t, n, before, matcher.StatusFinanceable, time.Minute)

	g.Stop()
	errs := a.Stats().ChainErrors
	var during []string
	for range 3 {
		id := mk.invoice("")
		mk.confirm(id)
		during = append(during, id)
	}
	time.Sleep(3 * time.Second)
	for _, id := range during {
		if st := status(n, id); st != matcher.StatusConfirmed {
			t.Fatalf("with the chain down %s is %s, want %s", id, st, matcher.StatusConfirmed)
		}
	}
	if got := a.Stats().ChainErrors; got <= errs {
		t.Fatalf("chain errors = %d with the chain down, want more than %d", got, errs)
	}
	var pending int
	n.View(func(m *matcher.Matcher) { pending, _ = m.PendingCounts() })
	if pending != len(during) {
		t.Fatalf("pending leaves = %d, want %d", pending, len(during))
	}

	g.Restart()
	for _, id := range during {
		waitStatus(t, n, id, matcher.StatusFinanceable, time.Minute)
		p := proofOf(t, n, id, merkle.KindConfirmation)
		if err := VerifyProof(ctx, g.URL(), p); err != nil {
			t.Fatalf("VerifyProof(%s) = %v", id, err)
		}
	}
	if err := VerifyProof(ctx, g.URL(), proofOf(t, n, before, merkle.KindConfirmation)); err != nil {
		t.Fatalf("VerifyProof(before the outage) = %v", err)
	}
}

// Two platforms (two nodes, two platform ids) share one chain and one registry; the
// same invoice confirmed on both is financed on the first and rejected_duplicate on
// the second, whether the second learns it before sending (refOf) or from its own
// transaction's Duplicate event.
func TestTwoPlatformsOneRegistry(t *testing.T) {
	ctx := context.Background()
	dirA, dirB := t.TempDir(), t.TempDir()
	eA := openEmbedded(t, dirA, 0)
	defer eA.Close()
	nA := openNode(t, filepath.Join(dirA, "node"))
	defer nA.Close()
	lA := configure(t, nA, eA, dirA)

	keyB, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	opKey, err := LoadKeyFile(filepath.Join(dirA, chainDirName, operatorKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	// The deployer is the registry's one admin, handing it on takes DefaultAdminDelay.
	admin, err := bind.Call(eA.bound, nil, eA.reg.PackDefaultAdmin(), eA.reg.UnpackDefaultAdmin)
	if err != nil || admin != eA.Sender() {
		t.Fatalf("defaultAdmin() = %s, %v; want the operator %s", admin.Hex(), err, eA.Sender().Hex())
	}
	delay, err := bind.Call(eA.bound, nil, eA.reg.PackDefaultAdminDelay(), eA.reg.UnpackDefaultAdminDelay)
	if err != nil || delay.Int64() != int64(contracts.DefaultAdminDelay/time.Second) {
		t.Fatalf("defaultAdminDelay() = %v, %v; want %d", delay, err, int64(contracts.DefaultAdminDelay/time.Second))
	}
	gethtest.Fund(t, eA.Client(), opKey, crypto.PubkeyToAddress(keyB.PublicKey), 100)
	if err := eA.GrantPlatform(ctx, crypto.PubkeyToAddress(keyB.PublicKey)); err != nil {
		t.Fatalf("GrantPlatform: %v", err)
	}
	bB, err := DialRPC(ctx, RPCConfig{URL: eA.HTTPEndpoint(), Key: keyB, Registry: eA.Registry(), DataDir: dirB})
	if err != nil {
		t.Fatalf("DialRPC: %v", err)
	}
	defer bB.Close()
	nB := openNode(t, filepath.Join(dirB, "node"))
	defer nB.Close()
	lB := configure(t, nB, bB, dirB)
	if lA.Platform == lB.Platform || lA.Registry != lB.Registry {
		t.Fatalf("platforms %s and %s on registries %s and %s: want two platforms, one registry", lA.Platform.Hex(), lB.Platform.Hex(), lA.Registry.Hex(), lB.Registry.Hex())
	}
	coreUSCC, smeUSCC := nextUSCC(t), nextUSCC(t)
	mA, mB := newMarket(t, nA, coreUSCC, smeUSCC), newMarket(t, nB, coreUSCC, smeUSCC)

	// The first platform finances the invoice; the second sees its ref before sending.
	number := nextInvoice()
	idA := mA.invoice(number)
	mA.confirm(idA)
	stopA := runAnchorer(t, NewAnchorer(nA, eA, fastAnchoring()))
	waitStatus(t, nA, idA, matcher.StatusFinanceable, 30*time.Second)
	idB := mB.invoice(number)
	if fingerprintOf(nA, idA) != fingerprintOf(nB, idB) {
		t.Fatal("the same invoice has two fingerprints")
	}
	mB.confirm(idB)
	aB := NewAnchorer(nB, bB, fastAnchoring())
	stopB := runAnchorer(t, aB)
	waitStatus(t, nB, idB, matcher.StatusDuplicate, 30*time.Second)
	// The status is visible once the outcome is applied; the anchorer counts it just
	// after its submit returns.
	waitFor(t, 30*time.Second, "the registration counted", func() bool { return aB.Stats().Registrations == 1 })
	if s := aB.Stats(); s.RegisterTxs != 0 || s.Duplicates != 1 {
		t.Fatalf("second platform's stats %+v: want the duplicate found by refOf, no register sent", s)
	}
	stopA()
	stopB()

	// A race: the first platform's registration lands while the second is sending.
	number = nextInvoice()
	idA2, idB2 := mA.invoice(number), mB.invoice(number)
	mA.confirm(idA2)
	mB.confirm(idB2)
	var refA common.Hash
	nA.View(func(m *matcher.Matcher) {
		_, regs := m.PendingRegistrations(1)
		refA = regs[0].Ref
	})
	fp := fingerprintOf(nA, idA2)
	aB2 := NewAnchorer(nB, bB, fastAnchoring())
	raced := false
	aB2.hook = func(point, op string) error {
		if point != pointBeforeSend || op != "register" || raced {
			return nil
		}
		raced = true
		tx, err := eA.SendRegister(ctx, []common.Hash{fp}, []common.Hash{refA})
		if err == nil {
			_, err = eA.Receipt(ctx, tx)
		}
		return err
	}
	runAnchorer(t, aB2)
	waitStatus(t, nB, idB2, matcher.StatusDuplicate, 30*time.Second)
	waitFor(t, 30*time.Second, "the registration counted", func() bool { return aB2.Stats().Registrations == 1 })
	if s := aB2.Stats(); !raced || s.RegisterTxs != 1 || s.Duplicates != 1 {
		t.Fatalf("raced %v, stats %+v: want one register sent and answered Duplicate", raced, s)
	}
	aA2 := NewAnchorer(nA, eA, fastAnchoring())
	runAnchorer(t, aA2)
	waitStatus(t, nA, idA2, matcher.StatusFinanceable, 30*time.Second)
	waitFor(t, 30*time.Second, "the registration counted", func() bool { return aA2.Stats().Registrations == 1 })
	if s := aA2.Stats(); s.RegisterTxs != 0 || s.Duplicates != 0 {
		t.Fatalf("first platform's stats %+v: its own ref was on chain, want it recorded clean without sending", s)
	}
}

// The embedded chain and an anchorer run in a child process that is killed with
// SIGKILL mid-stream; reopened, the registry and every recorded anchor are on chain,
// and the anchorer anchors whatever the matcher still holds (no leaf is lost).
func TestEmbeddedSurvivesSIGKILL(t *testing.T) {
	dir := t.TempDir()
	stderr, err := os.Create(filepath.Join(dir, "child.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer stderr.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+dir)
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var registry string
	financeable := 0
	lines := bufio.NewScanner(out)
	deadline := time.AfterFunc(3*time.Minute, func() { cmd.Process.Kill() })
	for financeable < 8 && lines.Scan() {
		f := strings.Fields(lines.Text())
		switch {
		case len(f) == 2 && f[0] == "registry":
			registry = f[1]
		case len(f) == 2 && f[0] == "financeable":
			financeable++
		}
	}
	deadline.Stop()
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("kill -9: %v", err)
	}
	cmd.Wait()
	if financeable < 8 {
		log, _ := os.ReadFile(stderr.Name())
		t.Fatalf("child reported %d financeable receivables before dying:\n%s", financeable, log)
	}

	e := openEmbedded(t, dir, 0)
	defer e.Close()
	if e.Registry().Hex() != registry {
		t.Fatalf("reopened registry %s, the child used %s", e.Registry().Hex(), registry)
	}
	n := openNode(t, filepath.Join(dir, "node"))
	defer n.Close()
	configure(t, n, e, dir)
	var anchored, waiting []string
	n.View(func(m *matcher.Matcher) {
		for _, r := range m.Receivables(matcher.ActorOperator, "", 0, 500).Items {
			switch r.Status {
			case matcher.StatusFinanceable:
				anchored = append(anchored, r.ID)
			case matcher.StatusConfirmed:
				waiting = append(waiting, r.ID)
			}
		}
	})
	t.Logf("after kill -9: %d financeable, %d still waiting for the ledger", len(anchored), len(waiting))
	for _, id := range anchored {
		checkOnChain(t, e, proofOf(t, n, id, merkle.KindConfirmation))
	}
	a := NewAnchorer(n, e, fastAnchoring())
	runAnchorer(t, a)
	for _, id := range waiting {
		waitStatus(t, n, id, matcher.StatusFinanceable, 30*time.Second)
		checkOnChain(t, e, proofOf(t, n, id, merkle.KindConfirmation))
	}
	var leaves, regs int
	n.View(func(m *matcher.Matcher) { leaves, regs = m.PendingCounts() })
	if leaves != 0 || regs != 0 {
		t.Fatalf("after recovery %d leaves and %d registrations still pending", leaves, regs)
	}
}

// runChild is the child of TestEmbeddedSurvivesSIGKILL: it confirms invoices and
// anchors them until it is killed, printing each one that became financeable.
func runChild(dir string) {
	var t childTB
	e := openEmbedded(t, dir, 0)
	n := openNode(t, filepath.Join(dir, "node"))
	configure(t, n, e, dir)
	fmt.Printf("registry %s\n", e.Registry().Hex())
	mk := newMarket(t, n, "", "")
	go NewAnchorer(n, e, AnchorerConfig{MaxDelay: 10 * time.Millisecond}).Run(context.Background())
	var open []string
	for {
		id := mk.invoice("")
		mk.confirm(id)
		open = append(open, id)
		keep := open[:0]
		for _, id := range open {
			if status(n, id) == matcher.StatusFinanceable {
				fmt.Printf("financeable %s\n", id)
			} else {
				keep = append(keep, id)
			}
		}
		open = keep
		time.Sleep(5 * time.Millisecond)
	}
}
