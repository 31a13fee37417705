// SPDX-License-Identifier: Apache-2.0

package contracts_test

import (
	"math/big"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/params/forks"

	"github.com/scfx/scfx/contracts"
)

// Gas bounds from contracts/README.md, measured at Prague/Osaka pricing.
const (
	anchorGasMin = 40_000
	anchorGasMax = 55_000
	// A new fingerprint cannot cost less than one cold SLOAD (2,100) and one fresh
	// SSTORE (20,000).
	registerGasPerFingerprintFloor = 22_100
	registerGasPerFingerprintMax   = 25_500
)

func TestRoles(t *testing.T) {
	e := newEnv(t, &osaka)

	for _, c := range []struct {
		name   string
		data   []byte
		unpack func([]byte) ([32]byte, error)
		want   common.Hash
	}{
		{"REGISTRAR_ROLE", e.reg.PackREGISTRARROLE(), e.reg.UnpackREGISTRARROLE, contracts.RegistrarRole},
		{"ANCHORER_ROLE", e.reg.PackANCHORERROLE(), e.reg.UnpackANCHORERROLE, contracts.AnchorerRole},
		{"DEFAULT_ADMIN_ROLE", e.reg.PackDEFAULTADMINROLE(), e.reg.UnpackDEFAULTADMINROLE, contracts.DefaultAdminRole},
	} {
		got, err := bind.Call(e.registry, nil, c.data, c.unpack)
		if err != nil {
			t.Fatalf("%s(): %v", c.name, err)
		}
		if common.Hash(got) != c.want {
			t.Errorf("%s() = %x, want %x", c.name, got, c.want)
		}
	}
	maxBatch, err := bind.Call(e.registry, nil, e.reg.PackMAXREGISTERBATCH(), e.reg.UnpackMAXREGISTERBATCH)
	if err != nil || maxBatch.Int64() != contracts.MaxRegisterBatch {
		t.Errorf("MAX_REGISTER_BATCH() = %v, %v; want %d", maxBatch, err, contracts.MaxRegisterBatch)
	}

	for _, c := range []struct {
		who  string
		acct account
		role common.Hash
		want bool
	}{
		{"platformA", e.platformA, contracts.DefaultAdminRole, true},
		{"platformA", e.platformA, contracts.RegistrarRole, true},
		{"platformA", e.platformA, contracts.AnchorerRole, true},
		{"platformB", e.platformB, contracts.DefaultAdminRole, false},
		{"platformB", e.platformB, contracts.RegistrarRole, true},
		{"platformB", e.platformB, contracts.AnchorerRole, false},
		{"outsider", e.outsider, contracts.RegistrarRole, false},
		{"outsider", e.outsider, contracts.AnchorerRole, false},
	} {
		got, err := bind.Call(e.registry, nil, e.reg.PackHasRole(c.role, c.acct.addr), e.reg.UnpackHasRole)
		if err != nil {
			t.Fatalf("hasRole: %v", err)
		}
		if got != c.want {
			t.Errorf("hasRole(%x, %s) = %v, want %v", c.role, c.who, got, c.want)
		}
	}

	fp, ref, root := label("fp"), label("ref"), label("root")
	register := e.reg.PackRegister(hashes32([]common.Hash{fp}), hashes32([]common.Hash{ref}))
	anchor := e.reg.PackAnchor(root, 1)

	wantRevert(t, "outsider register", e.revert(e.outsider, register),
		&contracts.ScfxRegistryScfxUnauthorizedRegistrar{Account: e.outsider.addr})
	wantRevert(t, "outsider anchor", e.revert(e.outsider, anchor),
		&contracts.ScfxRegistryScfxUnauthorizedAnchorer{Account: e.outsider.addr})
	wantRevert(t, "registrar-only anchor", e.revert(e.platformB, anchor),
		&contracts.ScfxRegistryScfxUnauthorizedAnchorer{Account: e.platformB.addr})
	wantRevert(t, "outsider grantRole", e.revert(e.outsider, e.reg.PackGrantRole(contracts.AnchorerRole, e.outsider.addr)),
		&contracts.ScfxRegistryAccessControlUnauthorizedAccount{Account: e.outsider.addr, NeededRole: contracts.DefaultAdminRole})

	// Mined anyway, the refused call still costs gas and changes nothing.
	if r := e.sendFailing(e.outsider, register); r.GasUsed == 0 {
		t.Errorf("failed register: GasUsed = 0, want > 0")
	}
	if got := e.refOf(fp); got != (common.Hash{}) {
		t.Errorf("refOf after refused register = %x, want 0", got)
	}
	e.sendFailing(e.outsider, anchor)
	if got := e.anchoredAt(root); got != 0 {
		t.Errorf("anchoredAt after refused anchor = %d, want 0", got)
	}

	// Once granted, the role works; once revoked, it is refused again.
	e.send(e.platformA, e.reg.PackGrantRole(contracts.AnchorerRole, e.platformB.addr))
	r := e.send(e.platformB, anchor)
	if got := e.anchoredAt(root); got != r.BlockNumber.Uint64() {
		t.Errorf("anchoredAt after platformB anchor = %d, want %d", got, r.BlockNumber)
	}
	e.send(e.platformA, e.reg.PackRevokeRole(contracts.AnchorerRole, e.platformB.addr))
	wantRevert(t, "revoked anchor", e.revert(e.platformB, e.reg.PackAnchor(label("root2"), 1)),
		&contracts.ScfxRegistryScfxUnauthorizedAnchorer{Account: e.platformB.addr})
}

// Two platforms share one registry: the first registration of a fingerprint wins,
// re-sending it is silent, and any other ref only raises Duplicate (contracts/README.md).
func TestRegisterAcrossPlatforms(t *testing.T) {
	e := newEnv(t, &osaka)
	f1, f2, f3, f4 := label("f1"), label("f2"), label("f3"), label("f4")
	a1, a2, a3, a4, a5 := label("a1"), label("a2"), label("a3"), label("a4"), label("a5")
	b1, b3 := label("b1"), label("b3")
	register := func(fps, refs []common.Hash) []byte {
		return e.reg.PackRegister(hashes32(fps), hashes32(refs))
	}

	steps := []struct {
		what string
		from account
		fps  []common.Hash
		refs []common.Hash
		want []event
	}{
		{"A registers f1, f2", e.platformA, []common.Hash{f1, f2}, []common.Hash{a1, a2},
			[]event{{"Registered", f1, a1}, {"Registered", f2, a2}}},
		{"B registers f1 (A's) and f3", e.platformB, []common.Hash{f1, f3}, []common.Hash{b1, b3},
			[]event{{"Duplicate", f1, a1}, {"Registered", f3, b3}}},
		{"A re-sends f1, f2 after a crash", e.platformA, []common.Hash{f1, f2}, []common.Hash{a1, a2},
			nil},
		{"B re-sends f1 and f3", e.platformB, []common.Hash{f1, f3}, []common.Hash{b1, b3},
			[]event{{"Duplicate", f1, a1}}},
		{"A registers f3 (B's)", e.platformA, []common.Hash{f3}, []common.Hash{a3},
			[]event{{"Duplicate", f3, b3}}},
		{"A registers f4 twice in one batch, two refs", e.platformA, []common.Hash{f4, f4, f4}, []common.Hash{a4, a4, a5},
			[]event{{"Registered", f4, a4}, {"Duplicate", f4, a4}}},
	}
	for _, s := range steps {
		r := e.send(s.from, register(s.fps, s.refs))
		wantEvents(t, s.what, e.events(r), s.want)
	}

	for fp, want := range map[common.Hash]common.Hash{f1: a1, f2: a2, f3: b3, f4: a4, label("f5"): {}} {
		if got := e.refOf(fp); got != want {
			t.Errorf("refOf(%x) = %x, want %x", fp, got, want)
		}
	}
}

// The anchorer may send the same root twice after a crash: the second is a no-op
// that keeps the first block (README, "Architecture", "The life of a command").
func TestAnchor(t *testing.T) {
	e := newEnv(t, &osaka)
	root := label("batch-1")

	if got := e.anchoredAt(root); got != 0 {
		t.Fatalf("anchoredAt(new root) = %d, want 0", got)
	}
	r := e.send(e.platformA, e.reg.PackAnchor(root, 7))
	wantEvents(t, "anchor", e.events(r), []event{{"Anchored", root, common.BigToHash(big.NewInt(7))}})
	first := r.BlockNumber.Uint64()
	if got := e.anchoredAt(root); got != first {
		t.Errorf("anchoredAt = %d, want %d", got, first)
	}

	e.sim.Commit()
	r = e.send(e.platformA, e.reg.PackAnchor(root, 9))
	if r.BlockNumber.Uint64() == first {
		t.Fatalf("re-anchor mined in block %d, the same block as the first", first)
	}
	wantEvents(t, "re-anchor", e.events(r), nil)
	if got := e.anchoredAt(root); got != first {
		t.Errorf("anchoredAt after re-anchor = %d, want %d", got, first)
	}
	if got := e.anchoredAt(label("batch-2")); got != 0 {
		t.Errorf("anchoredAt(other root) = %d, want 0", got)
	}

	// Roots are independent of the fingerprint registry, even with equal bytes.
	if got := e.refOf(root); got != (common.Hash{}) {
		t.Errorf("refOf(anchored root) = %x, want 0", got)
	}
}

func TestInputErrors(t *testing.T) {
	e := newEnv(t, &osaka)
	x := label("x")
	n := func(v int64) *big.Int { return big.NewInt(v) }
	fill := func(count int) []common.Hash {
		return randomHashes(rand.New(rand.NewPCG(uint64(count), 1)), count)
	}
	tooMany := fill(contracts.MaxRegisterBatch + 1)

	cases := []struct {
		what string
		data []byte
		want any
	}{
		{"more refs than fingerprints", e.reg.PackRegister(hashes32([]common.Hash{x}), hashes32([]common.Hash{x, x})),
			&contracts.ScfxRegistryScfxLengthMismatch{Fingerprints: n(1), Refs: n(2)}},
		{"more fingerprints than refs", e.reg.PackRegister(hashes32([]common.Hash{x, x}), hashes32([]common.Hash{x})),
			&contracts.ScfxRegistryScfxLengthMismatch{Fingerprints: n(2), Refs: n(1)}},
		{"empty batch", e.reg.PackRegister(nil, nil),
			&contracts.ScfxRegistryScfxEmptyBatch{}},
		{"501 fingerprints", e.reg.PackRegister(hashes32(tooMany), hashes32(tooMany)),
			&contracts.ScfxRegistryScfxBatchTooLarge{Size: n(501), Max: n(500)}},
		{"zero fingerprint", e.reg.PackRegister(hashes32([]common.Hash{x, {}}), hashes32([]common.Hash{x, x})),
			&contracts.ScfxRegistryScfxZeroFingerprint{Index: n(1)}},
		{"zero ref", e.reg.PackRegister(hashes32([]common.Hash{x, label("y"), label("z")}), hashes32([]common.Hash{x, x, {}})),
			&contracts.ScfxRegistryScfxZeroRef{Index: n(2)}},
		{"zero root", e.reg.PackAnchor(common.Hash{}, 1),
			&contracts.ScfxRegistryScfxZeroRoot{}},
		{"zero count", e.reg.PackAnchor(x, 0),
			&contracts.ScfxRegistryScfxZeroCount{}},
	}
	for _, c := range cases {
		got := e.revert(e.platformA, c.data)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: reverted with %T %+v, want %T %+v", c.what, got, got, c.want, c.want)
		}
	}

	// A bad item reverts the items before it too.
	e.sendFailing(e.platformA, e.reg.PackRegister(hashes32([]common.Hash{x, {}}), hashes32([]common.Hash{x, x})))
	if got := e.refOf(x); got != (common.Hash{}) {
		t.Errorf("refOf(x) after a reverted batch = %x, want 0", got)
	}

	// Exactly MaxRegisterBatch is allowed.
	full := fill(contracts.MaxRegisterBatch)
	r := e.send(e.platformA, e.reg.PackRegister(hashes32(full), hashes32(full)))
	if got := len(e.events(r)); got != contracts.MaxRegisterBatch {
		t.Errorf("register(%d): %d events, want %d", contracts.MaxRegisterBatch, got, contracts.MaxRegisterBatch)
	}

	if _, _, err := contracts.DeployRegistry(e.opts(e.platformA), e.client, common.Address{}, 0); err == nil {
		t.Errorf("DeployRegistry(zero admin) succeeded, want an error")
	}
	for _, d := range []time.Duration{-time.Second, 1500 * time.Millisecond} {
		if _, _, err := contracts.DeployRegistry(e.opts(e.platformA), e.client, e.platformA.addr, d); err == nil {
			t.Errorf("DeployRegistry(admin delay %v) succeeded, want an error", d)
		}
	}
	// The constructor refuses a zero admin by itself too.
	opts := e.opts(e.platformA)
	opts.GasLimit = 3_000_000
	_, tx, err := bind.DeployContract(opts, common.FromHex(contracts.ScfxRegistryMetaData.Bin), e.client,
		e.reg.PackConstructor(common.Address{}, big.NewInt(0)))
	if err != nil {
		t.Fatalf("DeployContract: %v", err)
	}
	e.sim.Commit()
	if r, err := e.client.TransactionReceipt(e.ctx, tx.Hash()); err != nil || r.Status != types.ReceiptStatusFailed {
		t.Errorf("deploy with zero admin: receipt %+v, %v; want status %d", r, err, types.ReceiptStatusFailed)
	}
}

func TestVerify(t *testing.T) {
	e := newEnv(t, &osaka)
	rng := rand.New(rand.NewPCG(7, 7))
	for _, size := range []int{1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33} {
		leaves := randomHashes(rng, size)
		tree := newMerkleTree(leaves)
		root := tree.root()
		for i, leaf := range leaves {
			proof := tree.proof(i)
			if !e.verify(root, leaf, proof) {
				t.Errorf("size %d: verify(leaf %d) = false, want true", size, i)
			}
			if e.verify(root, label("not a leaf"), proof) {
				t.Errorf("size %d: verify(foreign leaf, proof of %d) = true, want false", size, i)
			}
			if e.verify(label("other root"), leaf, proof) {
				t.Errorf("size %d: verify(other root, leaf %d) = true, want false", size, i)
			}
			if len(proof) > 0 {
				bad := append([]common.Hash(nil), proof...)
				bad[rng.IntN(len(bad))][0] ^= 1
				if e.verify(root, leaf, bad) {
					t.Errorf("size %d: verify(leaf %d, tampered proof) = true, want false", size, i)
				}
			}
		}
	}
}

// gasFigures are what one chain charges for the registry's writes.
type gasFigures struct {
	registerPerFingerprint100 float64 // a register of 100 new fingerprints, whole tx ÷ 100
	registerPerFingerprint500 float64 // a register of 500 new fingerprints, whole tx ÷ 500
	reregisterPerFingerprint  float64 // the same 500 again from the same platform: no-ops
	anchor                    uint64  // an anchor of a new root, whole tx
	reanchor                  uint64  // the same root again: a no-op
}

func measureGas(t *testing.T, e *env) gasFigures {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	var g gasFigures
	registerNew := func(n int) (*types.Receipt, []byte) {
		fps, refs := randomHashes(rng, n), randomHashes(rng, n)
		data := e.reg.PackRegister(hashes32(fps), hashes32(refs))
		r := e.send(e.platformA, data)
		if got := len(e.events(r)); got != n {
			t.Fatalf("register(%d new): %d events, want %d", n, got, n)
		}
		return r, data
	}
	r, _ := registerNew(100)
	g.registerPerFingerprint100 = float64(r.GasUsed) / 100
	r, data := registerNew(contracts.MaxRegisterBatch)
	g.registerPerFingerprint500 = float64(r.GasUsed) / contracts.MaxRegisterBatch
	r = e.send(e.platformA, data)
	g.reregisterPerFingerprint = float64(r.GasUsed) / contracts.MaxRegisterBatch

	root := randomHashes(rng, 1)[0]
	g.anchor = e.send(e.platformA, e.reg.PackAnchor(root, 1000)).GasUsed
	g.reanchor = e.send(e.platformA, e.reg.PackAnchor(root, 1000)).GasUsed
	return g
}

// TestGas asserts the gas that contracts/README.md budgets for, on both released forks the
// chain may run. The bytecode is compiled for Osaka but uses no Osaka opcode, so it
// also runs, at the same price, on a Prague chain.
func TestGas(t *testing.T) {
	for _, fork := range []forks.Fork{forks.Prague, forks.Osaka} {
		t.Run(fork.String(), func(t *testing.T) {
			g := measureGas(t, newEnv(t, &fork))
			// The cost of one receivable on chain: its fingerprint, and its share of
			// an anchor of 1,000 leaves, against the floor of one new storage slot.
			ratio := (g.registerPerFingerprint500 + float64(g.anchor)/1000) / registerGasPerFingerprintFloor
			t.Logf("%v: register %.0f gas/fingerprint (batch 100), %.0f (batch 500), %.0f re-sent; "+
				"anchor %d gas, %d re-sent; (register/fp + anchor/1000) ÷ 22,100 = %.3f",
				fork, g.registerPerFingerprint100, g.registerPerFingerprint500, g.reregisterPerFingerprint,
				g.anchor, g.reanchor, ratio)

			if g.anchor < anchorGasMin || g.anchor > anchorGasMax {
				t.Errorf("anchor: %d gas, want within [%d, %d]", g.anchor, anchorGasMin, anchorGasMax)
			}
			for _, c := range []struct {
				batch int
				gas   float64
			}{{100, g.registerPerFingerprint100}, {500, g.registerPerFingerprint500}} {
				if c.gas < registerGasPerFingerprintFloor || c.gas > registerGasPerFingerprintMax {
					t.Errorf("register (batch %d): %.0f gas/fingerprint, want within [%d, %d]",
						c.batch, c.gas, registerGasPerFingerprintFloor, registerGasPerFingerprintMax)
				}
			}
			if g.reanchor >= g.anchor {
				t.Errorf("re-anchor: %d gas, want less than a new anchor (%d): it must not write", g.reanchor, g.anchor)
			}
			if g.reregisterPerFingerprint >= registerGasPerFingerprintFloor/2 {
				t.Errorf("re-register: %.0f gas/fingerprint, want well under a write", g.reregisterPerFingerprint)
			}
		})
	}
}

// TestGasDevDefault shows why every other test here pins a released fork: the
// simulated backend's unmodified dev config runs an experimental fork, later than
// any the chain may run, that charges several times as much per fingerprint. If a
// go-ethereum upgrade makes the dev default a released fork or prices it like one,
// this fails, and contracts/README.md's note on it must be rewritten.
func TestGasDevDefault(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two chains; make test runs it")
	}
	// devDefaultMinFactor is well under the ~4.5 times that contracts/README.md
	// states, so that only a change of fork or pricing trips it.
	const devDefaultMinFactor = 2
	e := newEnv(t, nil)
	head, err := e.client.HeaderByNumber(e.ctx, nil)
	if err != nil {
		t.Fatalf("HeaderByNumber: %v", err)
	}
	fork := params.AllDevChainProtocolChanges.LatestFork(head.Time)
	if fork <= forks.Osaka {
		t.Errorf("dev default fork = %v, want one later than the latest released (%v)", fork, forks.Osaka)
	}
	perFingerprint := func(e *env) float64 {
		fps := randomHashes(rand.New(rand.NewPCG(3, 4)), 100)
		r := e.send(e.platformA, e.reg.PackRegister(hashes32(fps), hashes32(fps)))
		return float64(r.GasUsed) / 100
	}
	dev, released := perFingerprint(e), perFingerprint(newEnv(t, &osaka))
	t.Logf("dev default (%v): register %.0f gas/fingerprint (batch 100); %v: %.0f (%.1f times)",
		fork, dev, forks.Osaka, released, dev/released)
	if dev < devDefaultMinFactor*released {
		t.Errorf("register on the dev default = %.0f gas/fingerprint, want at least %d × %.0f (%v)",
			dev, devDefaultMinFactor, released, forks.Osaka)
	}
}

// BenchmarkRegister reports the gas of a register of 500 new fingerprints.
func BenchmarkRegister(b *testing.B) {
	e := newEnv(b, &osaka)
	rng := rand.New(rand.NewPCG(5, 6))
	var gas uint64
	for b.Loop() {
		fps := randomHashes(rng, contracts.MaxRegisterBatch)
		gas += e.send(e.platformA, e.reg.PackRegister(hashes32(fps), hashes32(fps))).GasUsed
	}
	b.ReportMetric(float64(gas)/float64(b.N*contracts.MaxRegisterBatch), "gas/fingerprint")
}

// BenchmarkAnchor reports the gas of an anchor of a new root.
func BenchmarkAnchor(b *testing.B) {
	e := newEnv(b, &osaka)
	rng := rand.New(rand.NewPCG(8, 9))
	var gas uint64
	for b.Loop() {
		gas += e.send(e.platformA, e.reg.PackAnchor(randomHashes(rng, 1)[0], 1000)).GasUsed
	}
	b.ReportMetric(float64(gas)/float64(b.N), "gas/anchor")
}
