// SPDX-License-Identifier: Apache-2.0

package contracts_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"

	"github.com/scfx/scfx/merkle"
)

// verifyCall is one registry verify(root, leaf, proof) and the answer Go expects.
type verifyCall struct {
	what       string
	root, leaf common.Hash
	proof      []common.Hash
	want       bool
	got        []byte // the call's return data
	err        error
}

// verifyAll runs the calls against the registry as eth_calls, one by one: the
// in-process node answers about 10,000 in a second, and the simulated client hides
// the RPC client that JSON-RPC batches would need.
func (e *env) verifyAll(calls []*verifyCall) {
	e.t.Helper()
	to := e.registry.Address()
	for _, c := range calls {
		msg := ethereum.CallMsg{To: &to, Data: e.reg.PackVerify(c.root, c.leaf, hashes32(c.proof))}
		c.got, c.err = e.client.CallContract(e.ctx, msg, nil)
	}
}

// TestVerifyMatchesMerkle checks the proofs of package merkle, which the ledger
// serves, against the registry's verify, which auditors call: on random trees of 1
// to 2,000 leaves, every proof the Go side makes is accepted on chain, every
// tampered one refused, and merkle.Verify answers as the contract does.
func TestVerifyMatchesMerkle(t *testing.T) {
	e := newEnv(t, &osaka)
	rng := rand.New(rand.NewPCG(2026, 4))

	sizes := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 100, 255, 256, 257, 999, 1000, 1001, 1023, 1024, 1025, 1999, 2000}
	for range 12 {
		sizes = append(sizes, 1+rng.IntN(2000))
	}

	// Every leaf of small trees; a sample of large ones, always with the first and
	// the last leaf (the one most often carried up unpaired).
	const allLeavesMax, sampleLeaves = 300, 60
	var calls []*verifyCall
	for _, n := range sizes {
		leaves := randomHashes(rng, n)
		tree := merkle.NewTree(leaves)
		root := tree.Root()
		if got := merkle.Root(leaves); got != root {
			t.Fatalf("n=%d: Root = %x, NewTree().Root() = %x", n, got, root)
		}
		if local := newMerkleTree(leaves).root(); local != root {
			t.Fatalf("n=%d: merkle.Root = %x, sorted-pair tree of this test = %x", n, root, local)
		}
		indexes := []int{0, n - 1}
		if n <= allLeavesMax {
			indexes = indexes[:0]
			for i := range n {
				indexes = append(indexes, i)
			}
		} else {
			for range sampleLeaves {
				indexes = append(indexes, rng.IntN(n))
			}
		}
		for _, i := range indexes {
			proof := tree.Proof(i)
			what := fmt.Sprintf("n=%d leaf %d", n, i)
			calls = append(calls, &verifyCall{what: what, root: root, leaf: leaves[i], proof: proof, want: true})
			if i == 0 {
				calls = append(calls, &verifyCall{what: what + " (merkle.Proof)", root: root, leaf: leaves[i],
					proof: merkle.Proof(leaves, i), want: true})
			}
			calls = append(calls, &verifyCall{what: what + " foreign leaf", root: root, leaf: label(what), proof: proof})
			if len(proof) > 0 {
				bad := append([]common.Hash(nil), proof...)
				bad[rng.IntN(len(bad))][rng.IntN(common.HashLength)] ^= 1 << rng.IntN(8)
				calls = append(calls, &verifyCall{what: what + " tampered proof", root: root, leaf: leaves[i], proof: bad})
				calls = append(calls, &verifyCall{what: what + " truncated proof", root: root, leaf: leaves[i], proof: proof[:len(proof)-1]})
			}
		}
	}

	e.verifyAll(calls)
	for _, c := range calls {
		if c.err != nil {
			t.Fatalf("%s: eth_call: %v", c.what, c.err)
		}
		got, err := e.reg.UnpackVerify(c.got)
		if err != nil {
			t.Fatalf("%s: UnpackVerify(%x): %v", c.what, c.got, err)
		}
		if got != c.want {
			t.Errorf("%s: registry verify = %v, want %v", c.what, got, c.want)
		}
		if goVerify := merkle.Verify(c.root, c.leaf, c.proof); goVerify != got {
			t.Errorf("%s: merkle.Verify = %v, registry verify = %v", c.what, goVerify, got)
		}
	}
	t.Logf("%d verify calls on %d trees", len(calls), len(sizes))
}
