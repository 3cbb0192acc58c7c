// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "./MarketFixture.sol";
import {IBountyMarket} from "../../src/IBountyMarket.sol";

/// @dev `RelayProof.fields` as the interface lays it out, each value checked to fit its width (as RelayService does).
function relayFields(
    uint256 rank,
    uint256 batchFirstIndex,
    uint256 batchLeafCount,
    uint256 batchPostedAt,
    uint256 sequence,
    uint256 deadline,
    uint256 v
) pure returns (uint256) {
    require(
        rank <= type(uint32).max && batchFirstIndex <= type(uint32).max && batchLeafCount <= type(uint16).max
            && batchPostedAt <= type(uint40).max && sequence <= type(uint16).max && deadline <= type(uint64).max
            && v <= type(uint8).max,
        "a RelayProof field does not fit its width"
    );
    return rank | batchFirstIndex << 32 | batchLeafCount << 64 | batchPostedAt << 80 | sequence << 120 | deadline << 136
        | v << 200;
}

/// @notice Signed submissions, batches and proofs as the server's relayer builds them (backend
/// `submission/relay/RelayTree` builds the same tree): leaf i = keccak256(keccak256(abi.encode(i, digest))), inner
/// nodes hash their two children sorted, an odd node at the end of a level moves up unchanged.
abstract contract RelayFixture is MarketFixture {
    struct Signed {
        address contributor;
        bytes32 modelSha256;
        uint16 sequence;
        uint64 deadline;
        bytes32 digest;
        uint8 v;
        bytes32 r;
        bytes32 s;
    }

    struct Batch {
        uint256 firstIndex;
        uint256 postedAt;
        bytes32[] leaves;
    }

    uint256 internal constant ALICE_KEY = 0xA11CE;
    uint256 internal constant BOB_KEY = 0xB0B;
    uint256 internal constant MALLORY_KEY = 0xBAD;

    function _sign(uint256 id, uint256 key, string memory model, uint16 sequence)
        internal
        view
        returns (Signed memory signed)
    {
        return _signWithDeadline(id, key, model, sequence, uint64(block.timestamp + 1 days));
    }

    function _signWithDeadline(uint256 id, uint256 key, string memory model, uint16 sequence, uint64 deadline)
        internal
        view
        returns (Signed memory signed)
    {
        signed.contributor = vm.addr(key);
        signed.modelSha256 = _model(model);
        signed.sequence = sequence;
        signed.deadline = deadline;
        signed.digest = submissionDigest(
            address(market), id, _commitment(signed.modelSha256, signed.contributor), signed.contributor, sequence,
            deadline
        );
        (signed.v, signed.r, signed.s) = vm.sign(key, signed.digest);
    }

    /// @dev The EIP-712 digest of a signed submission, computed here as a wallet does (the contract has no view).
    function submissionDigest(
        address verifyingContract,
        uint256 id,
        bytes32 commitment,
        address contributor,
        uint16 sequence,
        uint64 deadline
    ) internal view returns (bytes32) {
        bytes32 domain = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("BountyMarket"),
                keccak256("2"),
                block.chainid,
                verifyingContract
            )
        );
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256(
                    "Submission(uint256 bounty,bytes32 commitment,address contributor,uint16 sequence,uint64 deadline)"
                ),
                id,
                commitment,
                contributor,
                sequence,
                deadline
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", domain, structHash));
    }

    /// @dev What a contributor checks with a proof: the root it leads to, with the batch's leaf count and time,
    /// hashes to what the market stored for the batch.
    function _included(uint256 id, IBountyMarket.RelayProof memory p, uint256 leafIndex, bytes32 digest)
        internal
        view
        returns (bool)
    {
        bytes32 node = _leafHash(leafIndex, digest);
        for (uint256 i; i < p.proof.length; ++i) {
            node = _hashPair(node, p.proof[i]);
        }
        uint256 fields = p.fields;
        return market.getBatch(id, uint32(fields >> 32))
            == keccak256(abi.encode(node, uint256(uint16(fields >> 64)), uint256(uint40(fields >> 80))));
    }

    function _post(uint256 id, Signed[] memory leaves) internal returns (Batch memory batch) {
        bytes32[] memory digests = new bytes32[](leaves.length);
        for (uint256 i; i < leaves.length; ++i) {
            digests[i] = leaves[i].digest;
        }
        return _postDigests(id, digests);
    }

    function _postDigests(uint256 id, bytes32[] memory digests) internal returns (Batch memory batch) {
        batch.leaves = new bytes32[](digests.length);
        for (uint256 i; i < digests.length; ++i) {
            batch.leaves[i] = _leafHash(i, digests[i]);
        }
        batch.postedAt = block.timestamp;
        vm.prank(relayer);
        batch.firstIndex = market.postBatch(id, _root(batch.leaves), digests.length);
    }

    function _leafHash(uint256 i, bytes32 digest) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(i, digest))));
    }

    function _hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }

    function _root(bytes32[] memory leaves) internal pure returns (bytes32) {
        bytes32[] memory level = leaves;
        while (level.length > 1) {
            level = _up(level);
        }
        return level[0];
    }

    function _up(bytes32[] memory level) internal pure returns (bytes32[] memory next) {
        next = new bytes32[]((level.length + 1) / 2);
        for (uint256 i; i < level.length; i += 2) {
            next[i / 2] = i + 1 < level.length ? _hashPair(level[i], level[i + 1]) : level[i];
        }
    }

    function _proof(bytes32[] memory leaves, uint256 index) internal pure returns (bytes32[] memory proof) {
        bytes32[] memory scratch = new bytes32[](32);
        uint256 depth;
        bytes32[] memory level = leaves;
        while (level.length > 1) {
            uint256 sibling = index ^ 1;
            if (sibling < level.length) scratch[depth++] = level[sibling];
            level = _up(level);
            index /= 2;
        }
        proof = new bytes32[](depth);
        for (uint256 i; i < depth; ++i) {
            proof[i] = scratch[i];
        }
    }

    function _relay(uint256 rank, Batch memory batch, uint256 leafIndex, Signed memory signed)
        internal
        pure
        returns (IBountyMarket.RelayProof memory p)
    {
        p.fields = relayFields(
            rank, batch.firstIndex, batch.leaves.length, batch.postedAt, signed.sequence, signed.deadline, signed.v
        );
        p.sigR = signed.r;
        p.sigS = signed.s;
        p.proof = _proof(batch.leaves, leafIndex);
    }

    function _relayedEntry(Batch memory batch, uint256 leafIndex, Signed memory signed, int256 score)
        internal
        pure
        returns (IBountyMarket.ResultEntry memory)
    {
        return _entry(batch.firstIndex + leafIndex, signed.contributor, signed.modelSha256, score);
    }

    function _proposeWithProofs(
        uint256 id,
        IBountyMarket.ResultEntry[] memory entries,
        IBountyMarket.RelayProof[] memory proofs
    ) internal {
        if (block.timestamp < _info(id).submissionDeadline) _warpToSubmissionDeadline(id);
        vm.prank(evaluator);
        market.proposeResultsWithProofs(id, entries, proofs, REPORT);
    }

    function _signedOne(Signed memory a) internal pure returns (Signed[] memory s) {
        s = new Signed[](1);
        s[0] = a;
    }

    function _signedTwo(Signed memory a, Signed memory b) internal pure returns (Signed[] memory s) {
        s = new Signed[](2);
        s[0] = a;
        s[1] = b;
    }

    function _proofsOne(IBountyMarket.RelayProof memory a) internal pure returns (IBountyMarket.RelayProof[] memory p) {
        p = new IBountyMarket.RelayProof[](1);
        p[0] = a;
    }

    function _proofsTwo(IBountyMarket.RelayProof memory a, IBountyMarket.RelayProof memory b)
        internal
        pure
        returns (IBountyMarket.RelayProof[] memory p)
    {
        p = new IBountyMarket.RelayProof[](2);
        p[0] = a;
        p[1] = b;
    }
}
