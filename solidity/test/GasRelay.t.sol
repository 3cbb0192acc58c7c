// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {GasBench} from "./Gas.t.sol";
import {RelayFixture} from "./utils/RelayFixture.sol";
import {MarketFixture} from "./utils/MarketFixture.sol";
import {IBountyMarket} from "../src/IBountyMarket.sol";
import {console} from "./utils/Vm.sol";

/// @notice Gas benchmark of relayed submissions (same method as Gas.t.sol): posting a batch root, and a proposal of
/// 10 relayed entries beside the same proposal of 10 direct entries (GasProposeTest's top-3 bounty).
contract GasRelayTest is GasBench, RelayFixture {
    uint256 internal constant BATCH = 100;

    uint256 internal relayedBounty;
    uint256 internal directBounty;
    Batch internal batch;
    Signed[CONTRIBUTORS] internal signed;

    function setUp() public override(GasBench, MarketFixture) {
        GasBench.setUp();
        directBounty = _createDefault();
        _submitAll(directBounty);
        relayedBounty = _createDefault();
        // A batch of 100 leaves; the 10 contributors' signed submissions are leaves 0, 10, ..., 90.
        bytes32[] memory digests = new bytes32[](BATCH);
        for (uint256 i; i < BATCH; ++i) {
            digests[i] = keccak256(abi.encode("another contributor's submission", i));
        }
        for (uint256 i; i < CONTRIBUTORS; ++i) {
            uint256 key = uint256(keccak256(abi.encodePacked("contributor", bytes1(uint8(65 + i)))));
            Signed memory s = _sign(relayedBounty, key, string(abi.encodePacked(relayedBounty, i)), 0);
            signed[i] = s;
            digests[i * 10] = s.digest;
        }
        Batch memory posted = _postDigests(relayedBounty, digests);
        batch.firstIndex = posted.firstIndex;
        batch.postedAt = posted.postedAt;
        batch.leaves = posted.leaves;
        _warpToSubmissionDeadline(directBounty);
    }

    /// @dev Prints the calldata part of a transaction's gas (21,000 and execution left out).
    function _calldataGas(string memory label, bytes memory data) internal view {
        uint256 gas;
        for (uint256 i; i < data.length; ++i) {
            gas += data[i] == 0 ? 4 : 16;
        }
        console.log(label, gas);
    }

    function _batch() internal view returns (Batch memory b) {
        b = batch;
    }

    function test_gas_postBatch_100Leaves() public {
        vm.warp(block.timestamp - 1 days); // back before the submission deadline
        _measure(
            "postBatch (100 leaves)", relayer, 0, abi.encodeCall(market.postBatch, (relayedBounty, keccak256("r"), 100))
        );
    }

    function test_gas_postBatch_4096Leaves() public {
        vm.warp(block.timestamp - 1 days);
        _measure(
            "postBatch (4096 leaves)",
            relayer,
            0,
            abi.encodeCall(market.postBatch, (relayedBounty, keccak256("r"), 4096))
        );
    }

    function test_gas_proposeResults_10DirectEntriesTop3() public {
        bytes memory data = abi.encodeCall(market.proposeResults, (directBounty, _entries(directBounty), REPORT));
        _measure("proposeResults (10 direct entries, top-3)", evaluator, 0, data);
        _calldataGas("  of which calldata", data);
    }

    function test_gas_proposeResultsWithProofs_10RelayedEntriesTop3() public {
        Batch memory b = _batch();
        IBountyMarket.ResultEntry[] memory entries = new IBountyMarket.ResultEntry[](CONTRIBUTORS);
        IBountyMarket.RelayProof[] memory proofs = new IBountyMarket.RelayProof[](CONTRIBUTORS);
        for (uint256 i; i < CONTRIBUTORS; ++i) {
            entries[i] = _relayedEntry(b, i * 10, signed[i], 990_000 - int256(i) * 10_000);
            proofs[i] = _relay(i, b, i * 10, signed[i]);
            if (i >= 3) {
                // unpaid (top-3): no signature, as the server's RelayService sends them
                proofs[i].sigR = 0;
                proofs[i].sigS = 0;
            }
        }
        bytes memory data = abi.encodeCall(market.proposeResultsWithProofs, (relayedBounty, entries, proofs, REPORT));
        _measure("proposeResultsWithProofs (10 relayed entries of a 100-leaf batch, top-3)", evaluator, 0, data);
        _calldataGas("  of which calldata", data);
    }
}
