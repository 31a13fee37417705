// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/// @title scfx registry: the duplicate-financing guard and the Merkle-root anchor.
/// @notice One deployment may be shared by several platforms. Each platform's operator
/// account holds REGISTRAR_ROLE (invoice fingerprints) and ANCHORER_ROLE (batch roots).
/// A fingerprint belongs to at most one ref forever: the first registration wins and a
/// later one with another ref only emits {Duplicate}. Anyone can check a leaf against an
/// anchored root with {verify} and {anchoredAt}. DESIGN.md §4, API.md "Ledger and proofs".
contract ScfxRegistry is AccessControl {
    /// @notice Role allowed to call {register}.
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    /// @notice Role allowed to call {anchor}.
    bytes32 public constant ANCHORER_ROLE = keccak256("ANCHORER_ROLE");

    /// @notice Most fingerprints one {register} call takes. Osaka caps a transaction at
    /// 2^24 gas and a new fingerprint costs about 24k gas, so 500 keeps a full batch
    /// under the cap with room to spare.
    uint256 public constant MAX_REGISTER_BATCH = 500;

    // One slot per fingerprint: a new registration is one cold SLOAD and one fresh
    // SSTORE (about 22.1k gas), the floor for keeping it on chain at all.
    mapping(bytes32 fingerprint => bytes32 ref) private _refs;

    // One slot per root. Block numbers start at 1 once anything can be mined, so 0 is
    // free to mean "never anchored".
    mapping(bytes32 root => uint256 blockNumber) private _anchoredAt;

    /// @notice A fingerprint was recorded for the first time, bound to `ref`.
    /// @param fingerprint keccak256 of the canonical invoice identity.
    /// @param ref The registering platform's reference for the receivable.
    event Registered(bytes32 indexed fingerprint, bytes32 ref);

    /// @notice A fingerprint was offered with a ref other than the one it already has;
    /// nothing was changed. The invoice is being financed twice.
    /// @param fingerprint keccak256 of the canonical invoice identity.
    /// @param existingRef The ref the fingerprint was first registered with.
    event Duplicate(bytes32 indexed fingerprint, bytes32 existingRef);

    /// @notice A Merkle root of `count` leaves was anchored in this block.
    /// @param root The sorted-pair keccak256 Merkle root.
    /// @param count How many leaves the tree has.
    event Anchored(bytes32 indexed root, uint32 count);

    /// @notice The constructor was given the zero address as admin.
    error ScfxZeroAdmin();

    /// @notice `account` called {register} without REGISTRAR_ROLE.
    /// @param account The caller.
    error ScfxUnauthorizedRegistrar(address account);

    /// @notice `account` called {anchor} without ANCHORER_ROLE.
    /// @param account The caller.
    error ScfxUnauthorizedAnchorer(address account);

    /// @notice {register} got `fingerprints` fingerprints but `refs` refs.
    /// @param fingerprints Length of the fingerprints array.
    /// @param refs Length of the refs array.
    error ScfxLengthMismatch(uint256 fingerprints, uint256 refs);

    /// @notice {register} got no fingerprints.
    error ScfxEmptyBatch();

    /// @notice {register} got `size` fingerprints, more than `max`.
    /// @param size Length of the batch.
    /// @param max MAX_REGISTER_BATCH.
    error ScfxBatchTooLarge(uint256 size, uint256 max);

    /// @notice The fingerprint at `index` is zero.
    /// @param index Position in the batch.
    error ScfxZeroFingerprint(uint256 index);

    /// @notice The ref at `index` is zero; zero is what {refOf} returns for "unregistered".
    /// @param index Position in the batch.
    error ScfxZeroRef(uint256 index);

    /// @notice {anchor} got the zero root.
    error ScfxZeroRoot();

    /// @notice {anchor} got a count of zero leaves.
    error ScfxZeroCount();

    modifier onlyRegistrar() {
        if (!hasRole(REGISTRAR_ROLE, msg.sender)) revert ScfxUnauthorizedRegistrar(msg.sender);
        _;
    }

    modifier onlyAnchorer() {
        if (!hasRole(ANCHORER_ROLE, msg.sender)) revert ScfxUnauthorizedAnchorer(msg.sender);
        _;
    }

    /// @notice Deploys the registry with `admin` holding every role.
    /// @param admin Gets DEFAULT_ADMIN_ROLE (grants and revokes roles), REGISTRAR_ROLE
    /// and ANCHORER_ROLE, so one operator account can run a platform on its own.
    constructor(address admin) {
        if (admin == address(0)) revert ScfxZeroAdmin();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(REGISTRAR_ROLE, admin);
        _grantRole(ANCHORER_ROLE, admin);
    }

    /// @notice Records each new fingerprint with its ref and emits {Registered}. A
    /// fingerprint already recorded with the same ref is skipped silently, so a batch can
    /// be re-sent after a crash. One recorded with another ref emits {Duplicate} with the
    /// ref it keeps; it is never overwritten.
    /// @dev A bad item reverts the whole batch, including the items before it.
    /// @param fingerprints Invoice fingerprints, none zero, at most MAX_REGISTER_BATCH.
    /// @param refs The caller's ref for each fingerprint, same length, none zero.
    function register(bytes32[] calldata fingerprints, bytes32[] calldata refs) external onlyRegistrar {
        uint256 n = fingerprints.length;
        if (n != refs.length) revert ScfxLengthMismatch(n, refs.length);
        if (n == 0) revert ScfxEmptyBatch();
        if (n > MAX_REGISTER_BATCH) revert ScfxBatchTooLarge(n, MAX_REGISTER_BATCH);
        // The loop is assembly because it runs up to 500 times per transaction and the
        // compiler's version spends ~170 gas more per fingerprint on bounds checks and
        // memory; with a 22,100-gas floor per fingerprint that overhead is the margin
        // between us and the floor. Behaviour is exactly the Solidity it replaces:
        //   if (fp == 0) revert ScfxZeroFingerprint(i); if (ref == 0) revert ScfxZeroRef(i);
        //   existing = _refs[fp];
        //   if (existing == 0) { _refs[fp] = ref; emit Registered(fp, ref); }
        //   else if (existing != ref) emit Duplicate(fp, existing);
        bytes32 registeredSig = Registered.selector;
        bytes32 duplicateSig = Duplicate.selector;
        bytes4 zeroFingerprint = ScfxZeroFingerprint.selector;
        bytes4 zeroRef = ScfxZeroRef.selector;
        assembly ("memory-safe") {
            let base := _refs.slot
            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                let off := shl(5, i)
                let fingerprint := calldataload(add(fingerprints.offset, off))
                let ref := calldataload(add(refs.offset, off))
                if iszero(fingerprint) {
                    mstore(0, zeroFingerprint)
                    mstore(4, i)
                    revert(0, 36)
                }
                if iszero(ref) {
                    mstore(0, zeroRef)
                    mstore(4, i)
                    revert(0, 36)
                }
                mstore(0, fingerprint)
                mstore(32, base)
                let slot := keccak256(0, 64)
                let existing := sload(slot)
                switch existing
                case 0 {
                    sstore(slot, ref)
                    mstore(0, ref)
                    log2(0, 32, registeredSig, fingerprint)
                }
                default {
                    if iszero(eq(existing, ref)) {
                        mstore(0, existing)
                        log2(0, 32, duplicateSig, fingerprint)
                    }
                }
            }
        }
    }

    function anchor(bytes32 root, uint32 count) external onlyAnchorer {
        if (root == bytes32(0)) revert ScfxZeroRoot();
        if (count == 0) revert ScfxZeroCount();
        if (_anchoredAt[root] != 0) return;
        _anchoredAt[root] = block.number;
        emit Anchored(root, count);
    }

    /// @notice The block in which `root` was first anchored.
    /// @param root A Merkle root.
    /// @return blockNumber The block number, or 0 if `root` was never anchored.
    function anchoredAt(bytes32 root) external view returns (uint256 blockNumber) {
        return _anchoredAt[root];
    }

    /// @notice The ref a fingerprint was first registered with.
    /// @param fingerprint An invoice fingerprint.
    /// @return The ref, or 0 if `fingerprint` is unregistered.
    function refOf(bytes32 fingerprint) external view returns (bytes32) {
        return _refs[fingerprint];
    }

    /// @notice Whether `proof` proves that `leaf` is in the tree with root `root`.
    /// @dev OpenZeppelin's MerkleProof: pairs are sorted before hashing with keccak256.
    /// It does not say whether `root` is anchored (check {anchoredAt} too), nor that
    /// `leaf` is a leaf: an inner node passes with a shortened proof, so a verifier
    /// recomputes the leaf from its data (package merkle's leaf encodings).
    /// @param root A Merkle root.
    /// @param leaf The leaf hash.
    /// @param proof The sibling hashes from the leaf up to the root.
    /// @return True if the proof is valid.
    function verify(bytes32 root, bytes32 leaf, bytes32[] calldata proof) external pure returns (bool) {
        return MerkleProof.verifyCalldata(proof, root, leaf);
    }
}
