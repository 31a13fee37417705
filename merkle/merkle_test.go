// SPDX-License-Identifier: Apache-2.0

package merkle

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// node is OpenZeppelin's Hashes.commutativeKeccak256, written independently of the
// package: keccak256 of the smaller then the larger bytes32.
func node(a, b common.Hash) common.Hash {
	if bytes.Compare(a[:], b[:]) > 0 {
		a, b = b, a
	}
	return crypto.Keccak256Hash(a[:], b[:])
}

// ozProcessProof mirrors MerkleProof.processProof.
func ozProcessProof(leaf common.Hash, proof []common.Hash) common.Hash {
	computed := leaf
	for _, p := range proof {
		computed = node(computed, p)
	}
	return computed
}

func randLeaves(r *rand.Rand, n int) []common.Hash {
	leaves := make([]common.Hash, n)
	for i := range leaves {
		for j := range leaves[i] {
			leaves[i][j] = byte(r.Uint32())
		}
	}
	return leaves
}

func TestRootSmallTrees(t *testing.T) {
	l := randLeaves(rand.New(rand.NewPCG(1, 1)), 5)
	a, b, c, d, e := l[0], l[1], l[2], l[3], l[4]
	cases := []struct {
		n    int
		want common.Hash
	}{
		{0, common.Hash{}},
		{1, a},
		{2, node(a, b)},
		{3, node(node(a, b), c)}, // c carried up
		{4, node(node(a, b), node(c, d))},
		{5, node(node(node(a, b), node(c, d)), e)}, // e carried up twice
	}
	for _, tc := range cases {
		if got := Root(l[:tc.n]); got != tc.want {
			t.Errorf("Root(%d leaves) = %s, want %s", tc.n, got, tc.want)
		}
		if got := NewTree(l[:tc.n]).Root(); got != tc.want {
			t.Errorf("NewTree(%d leaves).Root() = %s, want %s", tc.n, got, tc.want)
		}
	}
	// Proofs skip the levels where the node is carried up.
	if got, want := Proof(l, 4), []common.Hash{node(node(a, b), node(c, d))}; !slices.Equal(got, want) {
		t.Errorf("Proof(5 leaves, 4) = %v, want %v", got, want)
	}
	if got, want := Proof(l, 2), []common.Hash{d, node(a, b), e}; !slices.Equal(got, want) {
		t.Errorf("Proof(5 leaves, 2) = %v, want %v", got, want)
	}
}

func TestOneLeaf(t *testing.T) {
	leaf := crypto.Keccak256Hash([]byte("only"))
	root := Root([]common.Hash{leaf})
	if root != leaf {
		t.Fatalf("Root([leaf]) = %s, want the leaf %s", root, leaf)
	}
	proof := Proof([]common.Hash{leaf}, 0)
	if proof == nil || len(proof) != 0 {
		t.Fatalf("Proof([leaf], 0) = %#v, want an empty non-nil slice", proof)
	}
	if raw, _ := json.Marshal(proof); string(raw) != "[]" {
		t.Errorf("json.Marshal(Proof([leaf], 0)) = %s, want []", raw)
	}
	if !Verify(root, leaf, proof) {
		t.Error("Verify(leaf, leaf, []) = false, want true")
	}
	if Verify(root, crypto.Keccak256Hash([]byte("other")), proof) {
		t.Error("Verify(leaf, other, []) = true, want false")
	}
}

// Every proof of every leaf of every tree of 1 to 300 leaves verifies, both with
// Verify and with an independent fold; tampering with the leaf or the proof fails.
func TestProofsAllSizes(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	for n := 1; n <= 300; n++ {
		leaves := randLeaves(r, n)
		root := Root(leaves)
		tree := NewTree(leaves)
		if tree.Root() != root || tree.Len() != n {
			t.Fatalf("n=%d: NewTree root %s len %d, want %s %d", n, tree.Root(), tree.Len(), root, n)
		}
		for i := range n {
			proof := tree.Proof(i)
			if len(proof) > maxProofLen(n) {
				t.Fatalf("n=%d i=%d: proof of %d elements, want at most %d", n, i, len(proof), maxProofLen(n))
			}
			// Proof rebuilds the whole tree each call: check it on every leaf of
			// small trees and on a few of the large ones.
			if n <= 64 || r.IntN(n) < 8 {
				if p := Proof(leaves, i); !slices.Equal(p, proof) {
					t.Fatalf("n=%d i=%d: Proof = %v, Tree.Proof = %v", n, i, p, proof)
				}
			}
			if !Verify(root, leaves[i], proof) || ozProcessProof(leaves[i], proof) != root {
				t.Fatalf("n=%d i=%d: proof %v does not verify", n, i, proof)
			}
			checkTamperedFails(t, r, root, leaves[i], proof)
		}
	}
}

func checkTamperedFails(t *testing.T, r *rand.Rand, root, leaf common.Hash, proof []common.Hash) {
	t.Helper()
	bad := leaf
	bad[r.IntN(32)] ^= 1 << r.IntN(8)
	if Verify(root, bad, proof) {
		t.Fatalf("tampered leaf %s verifies", bad)
	}
	if len(proof) == 0 {
		return
	}
	p := slices.Clone(proof)
	p[r.IntN(len(p))][r.IntN(32)] ^= 1 << r.IntN(8)
	if Verify(root, leaf, p) {
		t.Fatalf("tampered proof %v verifies", p)
	}
	if Verify(root, leaf, proof[:len(proof)-1]) {
		t.Fatal("truncated proof verifies")
	}
	if Verify(root, leaf, append(slices.Clone(proof), leaf)) {
		t.Fatal("extended proof verifies")
	}
}

// Property: for any tree and any leaf, folding the leaf's proof gives Root(leaves).
func TestPropertyRootFromAnyProof(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	for range 300 {
		n := 1 + r.IntN(1500)
		leaves := randLeaves(r, n)
		if r.IntN(4) == 0 { // duplicates must not confuse the sorted pairs
			for i := range leaves {
				leaves[i] = leaves[r.IntN(1+i)]
			}
		}
		i := r.IntN(n)
		if got, want := ozProcessProof(leaves[i], Proof(leaves, i)), Root(leaves); got != want {
			t.Fatalf("n=%d i=%d: root from proof = %s, Root = %s", n, i, got, want)
		}
	}
}

func TestRootDoesNotMutateLeaves(t *testing.T) {
	leaves := randLeaves(rand.New(rand.NewPCG(4, 4)), 9)
	orig := slices.Clone(leaves)
	Root(leaves)
	Proof(leaves, 3)
	tree := NewTree(leaves)
	leaves[0] = common.Hash{}
	if !slices.Equal(orig[1:], leaves[1:]) {
		t.Fatal("Root or Proof modified its argument")
	}
	if tree.Root() != Root(orig) {
		t.Fatal("NewTree aliases its argument")
	}
}

func TestProofIndexOutOfRangePanics(t *testing.T) {
	leaves := randLeaves(rand.New(rand.NewPCG(5, 5)), 3)
	for _, i := range []int{-1, 3, 100} {
		for name, f := range map[string]func(){
			"Proof":      func() { Proof(leaves, i) },
			"Tree.Proof": func() { NewTree(leaves).Proof(i) },
		} {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("%s(index %d of 3) did not panic", name, i)
					}
				}()
				f()
			}()
		}
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("Proof of an empty tree did not panic")
			}
		}()
		Proof(nil, 0)
	}()
}

func TestLeafEncodingsAsDocumented(t *testing.T) {
	digest := crypto.Keccak256Hash([]byte("digest"))
	sig := bytes.Repeat([]byte{0xab}, 65)
	u32 := func(n int) []byte { return binary.BigEndian.AppendUint32(nil, uint32(n)) }
	i64 := func(v int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(v)) }
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	leaf := func(kind byte, payload []byte) common.Hash {
		inner := crypto.Keccak256(payload)
		return crypto.Keccak256Hash(append([]byte{kind}, inner...))
	}
	cases := []struct {
		name      string
		got, want common.Hash
	}{
		{"confirmation", ConfirmationLeaf("rcv_1", digest, sig),
			leaf(0x01, cat(u32(5), []byte("rcv_1"), digest[:], u32(65), sig))},
		{"transfer", TransferLeaf("rcv_2", "rcv_1", digest, sig),
			leaf(0x02, cat(u32(5), []byte("rcv_2"), u32(5), []byte("rcv_1"), digest[:], u32(65), sig))},
		{"assignment", AssignmentLeaf("rcv_1", "m_9", "lnd_3", 1_000_000, 1_751_241_600_123),
			leaf(0x03, cat(u32(5), []byte("rcv_1"), u32(3), []byte("m_9"), u32(5), []byte("lnd_3"), i64(1_000_000), i64(1_751_241_600_123)))},
		{"credit note", CreditNoteLeaf("rcv_1", digest, sig),
			leaf(0x04, cat(u32(5), []byte("rcv_1"), digest[:], u32(65), sig))},
		{"assignment negative", AssignmentLeaf("", "", "", -1, -2),
			leaf(0x03, cat(u32(0), u32(0), u32(0), bytes.Repeat([]byte{0xff}, 8), i64(-2)))},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s leaf = %s, want %s", c.name, c.got, c.want)
		}
	}
}

// A kind byte separates leaves whose payloads coincide.
func TestLeafKindsSeparate(t *testing.T) {
	p := confirmationPayload("x", common.Hash{}, nil)
	seen := map[common.Hash]byte{}
	for _, k := range []byte{KindConfirmation, KindTransfer, KindAssignment, KindCreditNote} {
		h := leafHash(k, p)
		if other, ok := seen[h]; ok {
			t.Fatalf("kinds %d and %d give the same leaf", other, k)
		}
		seen[h] = k
	}
	if crypto.Keccak256Hash(p) == leafHash(KindConfirmation, p) {
		t.Fatal("the leaf equals the plain payload hash")
	}
}

// Injectivity: fields drawn from a tiny alphabet collide often if the encoding
// is ambiguous ("ab"+"c" vs "a"+"bc"); equal payloads must come from equal inputs.
func TestLeafPayloadsInjective(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	str := func() string { return "ab\x00"[:r.IntN(4)] + "ab"[:r.IntN(3)] }
	byts := func() []byte { return []byte(str()) }
	hash := func() common.Hash { return common.Hash{31: byte(r.IntN(2))} }
	seen := map[string]string{}
	check := func(kind byte, payload []byte, input string) {
		key := string(append([]byte{kind}, payload...))
		if prev, ok := seen[key]; ok && prev != input {
			t.Fatalf("inputs %s and %s share the payload %x", prev, input, payload)
		}
		seen[key] = input
	}
	for range 20000 {
		id, d, s := str(), hash(), byts()
		check(KindConfirmation, confirmationPayload(id, d, s), fmt.Sprintf("C%q%x%q", id, d, s))
		c, p := str(), str()
		check(KindTransfer, transferPayload(c, p, d, s), fmt.Sprintf("T%q%q%x%q", c, p, d, s))
		m, l := str(), str()
		amount, at := int64(r.IntN(3))-1, int64(r.IntN(3))<<56
		check(KindAssignment, assignmentPayload(id, m, l, amount, at), fmt.Sprintf("A%q%q%q%d/%d", id, m, l, amount, at))
	}
}

func BenchmarkRoot1000(b *testing.B) {
	leaves := randLeaves(rand.New(rand.NewPCG(7, 7)), 1000)
	b.ReportAllocs()
	for b.Loop() {
		Root(leaves)
	}
}

func BenchmarkProof1000(b *testing.B) {
	leaves := randLeaves(rand.New(rand.NewPCG(7, 7)), 1000)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		Proof(leaves, i%1000)
		i += 7
	}
}

// The anchorer's case: every proof of a batch of 1,000.
func BenchmarkTreeAllProofs1000(b *testing.B) {
	leaves := randLeaves(rand.New(rand.NewPCG(7, 7)), 1000)
	b.ReportAllocs()
	for b.Loop() {
		tree := NewTree(leaves)
		for i := range 1000 {
			tree.Proof(i)
		}
	}
}

func BenchmarkVerify1000(b *testing.B) {
	leaves := randLeaves(rand.New(rand.NewPCG(7, 7)), 1000)
	root, proof := Root(leaves), Proof(leaves, 500)
	b.ReportAllocs()
	for b.Loop() {
		Verify(root, leaves[500], proof)
	}
}
