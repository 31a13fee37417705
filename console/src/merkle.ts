// SPDX-License-Identifier: Apache-2.0
// The registry's Merkle proofs recomputed in the browser: sorted-pair keccak256, as
// OpenZeppelin's MerkleProof.processProof and package merkle.

import { concat, keccak256 } from "ethers";

export function processProof(leaf: string, proof: string[]): string {
  let computed = leaf.toLowerCase();
  for (const sib of proof) {
    const s = sib.toLowerCase();
    computed = computed <= s ? keccak256(concat([computed, s])) : keccak256(concat([s, computed]));
  }
  return computed;
}
