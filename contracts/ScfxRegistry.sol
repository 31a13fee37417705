// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/// @title scfx registry: the duplicate-financing guard and the Merkle-root anchor.
/// @notice One deployment may be shared by several platforms. Each platform's operator
/// account holds REGISTRAR_ROLE (invoice fingerprints) and ANCHORER_ROLE (batch roots).
/// A fingerprint belongs to at most one ref forever: the first registration wins and a
/// later one with another ref only emits {Duplicate}. Anyone can check a leaf against an
/// anchored root with {verify} and {anchoredAt}. The external interface is the one
/// docs/api.md ("Proofs") describes; contracts/README.md has the rest.
/// @dev One account, the default admin, holds DEFAULT_ADMIN_ROLE and grants and revokes
/// the other roles. It changes hands in two steps under OpenZeppelin's
/// AccessControlDefaultAdminRules: {beginDefaultAdminTransfer} by the admin, then, once
/// {defaultAdminDelay} has passed, {acceptDefaultAdminTransfer} by the new account. The
/// admin can {cancelDefaultAdminTransfer} until then. This registry refuses a transfer to
/// the zero address, so the admin role can be handed over but never renounced.
contract ScfxRegistry is AccessControlDefaultAdminRules {
    /// @notice Role allowed to call {register}.
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    /// @notice Role allowed to call {anchor}.
    bytes32 public constant ANCHORER_ROLE = keccak256("ANCHORER_ROLE");

    /// @notice Most fingerprints one {register} call takes. Osaka caps a transaction at
    /// 2^24 gas and a new fingerprint costs about 25k gas, so 500 keeps a full batch
    /// under the cap with room to spare.
    uint256 public constant MAX_REGISTER_BATCH = 500;

    // A fingerprint's ref. The one-field struct lets {register} take a storage pointer,
    // so the mapping slot is hashed once for both the read and the write. A new
    // registration is then one cold SLOAD and one fresh SSTORE, the floor for keeping
    // it on chain at all.
    struct Registration {
        bytes32 ref;
    }

    mapping(bytes32 fingerprint => Registration) private _registrations;

    // The block a root was first anchored in, a one-field struct for the same reason.
    // Block numbers start at 1 once anything can be mined, so 0 is free to mean "never
    // anchored".
    struct Anchoring {
        uint256 blockNumber;
    }

    mapping(bytes32 root => Anchoring) private _anchorings;

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

    /// @dev Reverts with {ScfxUnauthorizedRegistrar} unless the caller holds REGISTRAR_ROLE.
    modifier onlyRegistrar() {
        if (!hasRole(REGISTRAR_ROLE, msg.sender)) revert ScfxUnauthorizedRegistrar(msg.sender);
        _;
    }

    /// @dev Reverts with {ScfxUnauthorizedAnchorer} unless the caller holds ANCHORER_ROLE.
    modifier onlyAnchorer() {
        if (!hasRole(ANCHORER_ROLE, msg.sender)) revert ScfxUnauthorizedAnchorer(msg.sender);
        _;
    }

    /// @notice Deploys the registry with `admin` holding every role.
    /// @dev Reverts with AccessControlInvalidDefaultAdmin(address(0)) if `admin` is zero.
    /// @param admin Becomes the default admin (DEFAULT_ADMIN_ROLE: grants and revokes the
    /// other roles) and gets REGISTRAR_ROLE and ANCHORER_ROLE, so one operator account
    /// can run a platform on its own.
    /// @param adminDelay Seconds between {beginDefaultAdminTransfer} and the earliest
    /// {acceptDefaultAdminTransfer}; 0 still makes the new admin accept in a later block.
    constructor(address admin, uint48 adminDelay) AccessControlDefaultAdminRules(adminDelay, admin) {
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
        for (uint256 i = 0; i < n; i++) {
            bytes32 fingerprint = fingerprints[i];
            bytes32 ref = refs[i];
            if (fingerprint == 0) revert ScfxZeroFingerprint(i);
            if (ref == 0) revert ScfxZeroRef(i);
            Registration storage registration = _registrations[fingerprint];
            bytes32 existing = registration.ref;
            if (existing == 0) {
                registration.ref = ref;
                emit Registered(fingerprint, ref);
            } else if (existing != ref) {
                emit Duplicate(fingerprint, existing);
            }
        }
    }

    /// @notice Records that the Merkle root `root` of `count` leaves exists as of this
    /// block and emits {Anchored}. Anchoring a root again changes nothing and emits
    /// nothing, so a batch can be re-sent after a crash.
    /// @param root A sorted-pair keccak256 Merkle root, not zero.
    /// @param count How many leaves the tree has, not zero.
    function anchor(bytes32 root, uint32 count) external onlyAnchorer {
        if (root == bytes32(0)) revert ScfxZeroRoot();
        if (count == 0) revert ScfxZeroCount();
        Anchoring storage anchoring = _anchorings[root];
        if (anchoring.blockNumber != 0) return;
        anchoring.blockNumber = block.number;
        emit Anchored(root, count);
    }

    /// @notice The block in which `root` was first anchored.
    /// @param root A Merkle root.
    /// @return blockNumber The block number, or 0 if `root` was never anchored.
    function anchoredAt(bytes32 root) external view returns (uint256 blockNumber) {
        return _anchorings[root].blockNumber;
    }

    /// @notice The ref a fingerprint was first registered with.
    /// @param fingerprint An invoice fingerprint.
    /// @return The ref, or 0 if `fingerprint` is unregistered.
    function refOf(bytes32 fingerprint) external view returns (bytes32) {
        return _registrations[fingerprint].ref;
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

    /// @dev Called by OpenZeppelin's beginDefaultAdminTransfer after its admin check:
    /// refuses the zero address (AccessControlInvalidDefaultAdmin). Under OpenZeppelin's
    /// rules a transfer to the zero address starts renouncing the admin role, which would
    /// leave the registry with nobody to grant roles to a new platform.
    function _beginDefaultAdminTransfer(address newAdmin) internal override {
        if (newAdmin == address(0)) revert AccessControlInvalidDefaultAdmin(newAdmin);
        super._beginDefaultAdminTransfer(newAdmin);
    }
}
