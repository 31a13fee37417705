// SPDX-License-Identifier: Apache-2.0

// Package merkle is the Merkle tree of the scfx ledger (contracts/README.md) and the
// encodings of its leaves. It is pure: no I/O, no clock, no goroutines.
//
// # Tree
//
// Proofs are byte-compatible with OpenZeppelin's MerkleProof.verify, which the
// ScfxRegistry's verify calls: a parent is the commutative keccak256 of its two
// children,
//
//	parent = keccak256(min(a, b) ‖ max(a, b))   // bytes32 compared as unsigned big-endian
//
// The tree is built level by level from the leaves in the order given; pairs are
// (0,1), (2,3), …, and an odd node at the end of a level is carried up to the next
// level unchanged. The root of no leaves is the zero hash; of one leaf, the leaf
// itself. A proof lists the siblings from the leaf up, skipping the levels where
// the node was carried up, so it has at most ⌈log₂ n⌉ elements; it proves
// membership, not position.
//
// # Leaves
//
// Every leaf is domain-separated by a kind byte:
//
//	leaf = keccak256(kind ‖ keccak256(payload))     // 33 bytes hashed
//
// Inner nodes hash 64 bytes, so no leaf preimage is an inner-node preimage, and no
// leaf of one kind equals a leaf of another. A verifier must therefore recompute
// the leaf from its data with the functions below and never take a leaf hash on
// trust: OpenZeppelin's verify accepts an inner node with a shortened proof, and it
// is the 33-byte encoding that makes such a "leaf" impossible to produce from data.
//
// A payload concatenates its fields in the order listed. A variable-length field
// (string or bytes) is its length as a uint32 big-endian followed by its bytes
// (strings as UTF-8, unchanged); a fixed-size field is written as is: bytes32 as
// 32 bytes, int64 as 8 bytes big-endian two's complement. As every kind has a
// fixed field list, a payload parses back into exactly one field tuple, so no two
// different inputs give the same payload.
//
//	kind  name          payload
//	0x01  Confirmation  string receivableID ‖ bytes32 digest ‖ bytes signature
//	0x02  Transfer      string childID ‖ string parentID ‖ bytes32 digest ‖ bytes signature
//	0x03  Assignment    string receivableID ‖ string matchID ‖ string lenderID ‖ int64 amountFen ‖ int64 timeMs
//	0x04  CreditNote    string receivableID ‖ bytes32 digest ‖ bytes signature
//	0x05  Head          int64 size ‖ bytes32 logRoot ‖ bytes32 stateHash
//
// digest is the EIP-712 digest (package eip712) of the signed Confirmation,
// Transfer or CreditNote and signature the 65 bytes as stored; timeMs is the journal time of the
// funding, Unix milliseconds. A Head leaf is the transparency log's head (package
// translog: size entries, RFC 6962 root logRoot) and the matcher's StateHash after
// entry size.
package merkle

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// hasher hashes sorted pairs with one keccak state, without allocating.
type hasher struct {
	state crypto.KeccakState
	buf   [64]byte
	out   common.Hash // read into a field: a local would escape through the interface
}

func newHasher() *hasher { return &hasher{state: crypto.NewKeccakState()} }

// pair is OpenZeppelin's Hashes.commutativeKeccak256.
func (h *hasher) pair(a, b common.Hash) common.Hash {
	if bytes.Compare(a[:], b[:]) > 0 {
		a, b = b, a
	}
	copy(h.buf[:32], a[:])
	copy(h.buf[32:], b[:])
	h.state.Reset()
	h.state.Write(h.buf[:])
	h.state.Read(h.out[:])
	return h.out
}

// up writes the parent level of level into dst and returns it. dst may be level
// itself: parent i is written after its children 2i and 2i+1 are read.
func (h *hasher) up(dst, level []common.Hash) []common.Hash {
	n := len(level)
	dst = dst[:(n+1)/2]
	for i := 0; i+1 < n; i += 2 {
		dst[i/2] = h.pair(level[i], level[i+1])
	}
	if n%2 == 1 {
		dst[n/2] = level[n-1] // the odd node is carried up unchanged
	}
	return dst
}

// Root returns the root of the tree over leaves: the zero hash for none, the leaf
// itself for one.
func Root(leaves []common.Hash) common.Hash {
	if len(leaves) == 0 {
		return common.Hash{}
	}
	level := slices.Clone(leaves)
	h := newHasher()
	for len(level) > 1 {
		level = h.up(level, level)
	}
	return level[0]
}

// Proof returns the proof of leaves[index] against Root(leaves), in the order
// OpenZeppelin's MerkleProof.verify folds it. It costs a whole tree; use Tree for
// the proofs of many leaves of one batch. It panics if index is out of range, as
// indexing leaves would. The proof of a single leaf is empty, not nil, so that it
// marshals to the JSON [] rather than null.
func Proof(leaves []common.Hash, index int) []common.Hash {
	checkIndex(index, len(leaves))
	level := slices.Clone(leaves)
	proof := make([]common.Hash, 0, maxProofLen(len(leaves)))
	h := newHasher()
	for len(level) > 1 {
		if sibling := index ^ 1; sibling < len(level) {
			proof = append(proof, level[sibling])
		}
		level = h.up(level, level)
		index /= 2
	}
	return proof
}

// Verify reports whether proof proves leaf against root, exactly as OpenZeppelin's
// MerkleProof.verify(proof, root, leaf) does.
func Verify(root, leaf common.Hash, proof []common.Hash) bool {
	return ProcessProof(leaf, proof) == root
}

// ProcessProof is the root that proof rebuilds from leaf, as OpenZeppelin's
// MerkleProof.processProof.
func ProcessProof(leaf common.Hash, proof []common.Hash) common.Hash {
	h := newHasher()
	computed := leaf
	for _, sibling := range proof {
		computed = h.pair(computed, sibling)
	}
	return computed
}

// Tree keeps every level of a tree, so that the proofs of all n leaves of a batch
// cost O(n log n) instead of O(n²) with Proof. It is immutable once built.
type Tree struct {
	levels [][]common.Hash // levels[0] the leaves, the last the root alone
}

// NewTree builds the tree over a copy of leaves.
func NewTree(leaves []common.Hash) *Tree {
	if len(leaves) == 0 {
		return &Tree{}
	}
	h := newHasher()
	level := slices.Clone(leaves)
	levels := make([][]common.Hash, 0, maxProofLen(len(leaves))+1)
	levels = append(levels, level)
	for len(level) > 1 {
		level = h.up(make([]common.Hash, (len(level)+1)/2), level)
		levels = append(levels, level)
	}
	return &Tree{levels: levels}
}

// Len is the number of leaves.
func (t *Tree) Len() int {
	if len(t.levels) == 0 {
		return 0
	}
	return len(t.levels[0])
}

// Root is Root of the leaves.
func (t *Tree) Root() common.Hash {
	if len(t.levels) == 0 {
		return common.Hash{}
	}
	return t.levels[len(t.levels)-1][0]
}

// Proof is Proof of the leaves, from the stored levels. It panics if index is out
// of range.
func (t *Tree) Proof(index int) []common.Hash {
	checkIndex(index, t.Len())
	proof := make([]common.Hash, 0, len(t.levels))
	for _, level := range t.levels[:len(t.levels)-1] {
		if sibling := index ^ 1; sibling < len(level) {
			proof = append(proof, level[sibling])
		}
		index /= 2
	}
	return proof
}

func checkIndex(index, n int) {
	if index < 0 || index >= n {
		panic(fmt.Sprintf("merkle: leaf index %d out of range [0, %d)", index, n))
	}
}

// maxProofLen is ⌈log₂ n⌉, the height of a tree of n leaves.
func maxProofLen(n int) int {
	height := 0
	for width := n; width > 1; width = (width + 1) / 2 {
		height++
	}
	return height
}

// Leaf kinds, the first byte hashed into a leaf.
const (
	KindConfirmation byte = 1
	KindTransfer     byte = 2
	KindAssignment   byte = 3
	KindCreditNote   byte = 4
	KindHead         byte = 5
)

// ConfirmationLeaf is the leaf of a debtor's confirmation of a receivable: digest
// is its eip712.ConfirmationDigest and signature the debtor's 65 bytes.
func ConfirmationLeaf(receivableID string, digest common.Hash, signature []byte) common.Hash {
	return leafHash(KindConfirmation, confirmationPayload(receivableID, digest, signature))
}

// TransferLeaf is the leaf of the transfer that split childID off parentID:
// digest is its eip712.TransferDigest and signature the holder's 65 bytes.
func TransferLeaf(childID, parentID string, digest common.Hash, signature []byte) common.Hash {
	return leafHash(KindTransfer, transferPayload(childID, parentID, digest, signature))
}

// AssignmentLeaf is the leaf of the assignment of a funded receivable (or part) to
// its lender: amountFen is the amount assigned, timeMs the funding's journal time
// in Unix milliseconds.
func AssignmentLeaf(receivableID, matchID, lenderID string, amountFen int64, timeMs int64) common.Hash {
	return leafHash(KindAssignment, assignmentPayload(receivableID, matchID, lenderID, amountFen, timeMs))
}

// CreditNoteLeaf is the leaf of a debtor core's credit note on the tier-1
// receivable receivableID: digest is its eip712.CreditNoteDigest and signature the
// core's 65 bytes. Its payload has the confirmation's fields; the kind byte keeps
// the two apart.
func CreditNoteLeaf(receivableID string, digest common.Hash, signature []byte) common.Hash {
	return leafHash(KindCreditNote, confirmationPayload(receivableID, digest, signature))
}

// HeadLeaf is the leaf of a transparency log head and the state hash at its size,
// the last leaf of an anchored batch's tree (docs/audit.md).
func HeadLeaf(size uint64, logRoot, stateHash common.Hash) common.Hash {
	p := make(payload, 0, 8+32+32)
	return leafHash(KindHead, p.int64(int64(size)).fixed(logRoot[:]).fixed(stateHash[:]))
}

func confirmationPayload(receivableID string, digest common.Hash, signature []byte) []byte {
	p := make(payload, 0, 4+len(receivableID)+32+4+len(signature))
	return p.str(receivableID).fixed(digest[:]).bytes(signature)
}

func transferPayload(childID, parentID string, digest common.Hash, signature []byte) []byte {
	p := make(payload, 0, 4+len(childID)+4+len(parentID)+32+4+len(signature))
	return p.str(childID).str(parentID).fixed(digest[:]).bytes(signature)
}

func assignmentPayload(receivableID, matchID, lenderID string, amountFen, timeMs int64) []byte {
	p := make(payload, 0, 4+len(receivableID)+4+len(matchID)+4+len(lenderID)+8+8)
	return p.str(receivableID).str(matchID).str(lenderID).int64(amountFen).int64(timeMs)
}

// leafHash is keccak256(kind ‖ keccak256(payload)).
func leafHash(kind byte, p []byte) common.Hash {
	inner := crypto.Keccak256Hash(p)
	var buf [1 + common.HashLength]byte
	buf[0] = kind
	copy(buf[1:], inner[:])
	return crypto.Keccak256Hash(buf[:])
}

// payload builds a leaf payload; see the package doc.
type payload []byte

func (p payload) str(s string) payload {
	p = binary.BigEndian.AppendUint32(p, length(len(s)))
	return append(p, s...)
}

func (p payload) bytes(b []byte) payload {
	p = binary.BigEndian.AppendUint32(p, length(len(b)))
	return append(p, b...)
}

func (p payload) fixed(b []byte) payload { return append(p, b...) }

func (p payload) int64(v int64) payload { return binary.BigEndian.AppendUint64(p, uint64(v)) }

// length is n as a uint32 length prefix. Ids and signatures are short; a field of
// 4 GiB or more is a bug upstream, and truncating its length would break the
// encoding's uniqueness, so it panics.
func length(n int) uint32 {
	if uint64(n) > math.MaxUint32 {
		panic(fmt.Sprintf("merkle: leaf field of %d bytes exceeds the uint32 length prefix", n))
	}
	return uint32(n)
}
