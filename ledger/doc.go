// SPDX-License-Identifier: Apache-2.0

// Package ledger puts scfx on Ethereum (contracts/README.md): it registers invoice
// fingerprints in the shared ScfxRegistry (the guard against financing one invoice
// twice) and anchors the matcher's leaves — confirmations, transfers, assignments — in
// batches under one Merkle root per transaction. It also verifies proofs against a
// chain (`scfx verify`).
//
// # Backends
//
// A Backend is the registry on one chain, written by one sender account:
//
//   - Embedded (the default) runs go-ethereum in this process: node.New with no P2P,
//     eth.New as a full archive node on the hash state scheme (every block's state is
//     written as it is made, with no in-memory trie layers to lose; Persist syncs the
//     database before the journal records anything that rests on it), sealed by
//     catalyst's simulated beacon — a block as soon as a transaction arrives
//     (BlockPeriod 0) or every BlockPeriod seconds. The chain config is the dev config
//     cut back to Osaka (ReleasedChainConfig), the fork the registry is compiled for,
//     with chain id EmbeddedChainID. The first start makes the operator key
//     (<data-dir>/chain/operator.key, 0600), a genesis that funds it, and deploys the
//     registry (<data-dir>/chain/registry.address); later starts reuse them.
//     EmbeddedConfig.HTTPAddr serves the chain's JSON-RPC to auditors and other
//     platforms.
//   - RPC is any Ethereum JSON-RPC endpoint (--eth-rpc) with the operator's key
//     (--eth-key-file) and the registry's address (--registry-address; absent, the
//     first start deploys one and keeps its address in <data-dir>/registry.address).
//     RPCConfig.Depth is the confirmation depth: a receipt counts once that many
//     blocks are on top of it.
//
// Both use the abigen v2 bindings of package contracts; every receipt's status is
// checked (a reverted transaction is ErrReverted), and a reverted call or gas estimate
// names the registry's custom error.
//
// # The anchorer
//
// An Anchorer runs beside the node that owns it (cmd/scfx serve, the lease holder in
// distributed mode). It reads the matcher's queues under the node's read lock and
// submits outcomes as system commands; it never imports package node (it declares the
// Node interface it needs).
//
// Registrations: up to 500 pending fingerprints at a time. Before sending it reads
// refOf for each: our own ref is clean (already registered), another ref is a
// duplicate, zero goes into one register transaction, whose Registered and Duplicate
// events decide the rest. Then RecordRegistrations. register is idempotent for the
// same ref, so even a resend could not change an outcome; reading refOf first means
// nothing is resent.
//
// Anchors: a batch is sent when MaxBatch leaves wait or the oldest waited MaxDelay
// (wall-clock arrival is tracked in the anchorer's memory; it wakes on the node's
// Changed signal). The batch is first fixed in the journal with CutBatch, so every
// attempt — after a crash, or on another lease holder — anchors the same leaves under
// the same root. Exactly once, at each crash point:
//
//   - before sending: on restart the cut is still pending, anchoredAt(root) is 0 and
//     nothing of ours is pending, so the root is sent once;
//   - after sending, before the receipt: anchoredAt(root) may still be 0, but the
//     sender has a pending transaction; the anchorer waits for it to mine, finds the
//     root on chain, and records it (tx hash from the Anchored event) without sending;
//   - after the receipt, before RecordAnchor: anchoredAt(root) names the block; the
//     root is recorded without sending.
//
// Only when the root is absent and nothing is pending is anything sent; one sender,
// one transaction at a time at the pending nonce, so no nonce is used twice. The
// registry's anchor is itself idempotent (a known root is a no-op), so even a race
// costs gas, never a wrong record.
//
// Before any outcome is recorded the backend's Persist makes the blocks it rests on
// durable: go-ethereum's database acknowledges writes before its write-ahead log
// reaches the file, and a kill -9 of the embedded chain was measured to lose its last
// few blocks — anchors the journal had already recorded. Synced first, a recorded
// outcome is on disk on both sides; an unrecorded one that the chain lost is simply
// not found on chain after the restart, and is sent again.
//
// Failures (chain down, journal unavailable, a reverted transaction) are logged and
// retried with exponential backoff between AnchorerConfig.BackoffMin and BackoffMax.
// Nothing is lost: the queues live in the journal-backed matcher, and a receivable
// becomes financeable only when RecordRegistrations and RecordAnchor are applied.
//
// Every outcome carries the fencing token from AnchorerConfig.Fence (a constant 1 in
// embedded mode, the Redis lease's token in distributed mode). When the matcher
// refuses one as stale, Run returns ErrFenced: another node holds the lease.
//
// # Leaves
//
// The leaf encodings and the tree (sorted-pair keccak256, OpenZeppelin's MerkleProof)
// are package merkle's; the matcher computes each leaf when it accepts the command.
//
// # Configuration
//
// Config / Open pick the backend (docs/operations.md §2: --data-dir, --eth-rpc, --eth-key-file,
// --registry-address); AnchorerConfig holds --anchor-max-batch (MaxBatch, default
// 1,000) and --anchor-max-delay (MaxDelay, default 1 s). Configure submits the
// SetLedger command (chain id, registry, anchorer account, platform id kept in
// <data-dir>/platform.id) that the owner submits at every start.
package ledger
