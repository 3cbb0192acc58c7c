// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Vm} from "../test/utils/Vm.sol";
import {BountyMarket} from "../src/BountyMarket.sol";
import {IBountyMarket} from "../src/IBountyMarket.sol";

/// @notice Cross-check of the gas benchmark on a real node: scripts/gas-on-anvil.sh runs these stages
/// against a local anvil (its default mnemonic), moves the node's clock between them, and prints the
/// gasUsed of every receipt. Never run it against a real network.
contract GasOnAnvil {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    string internal constant MNEMONIC = "test test test test test test test test test test test junk";
    uint32 internal constant SPONSOR = 0;
    uint32 internal constant EVALUATOR = 1;
    uint32 internal constant ARBITER = 2;
    uint32 internal constant TREASURY = 3;
    uint32 internal constant FIRST_CONTRIBUTOR = 4;
    uint256 internal constant CONTRIBUTORS = 10;
    uint256 internal constant BOUNTY = 2; // bounty 1 is a warm-up, as on a live market
    bytes32 internal constant REPORT = keccak256("report");

    function _key(uint32 index) internal pure returns (uint256) {
        return vm.deriveKey(MNEMONIC, index);
    }

    function _model(uint256 i) internal pure returns (bytes32) {
        return sha256(abi.encodePacked("model", i));
    }

    function deployAndSubmit() external {
        vm.startBroadcast(_key(SPONSOR));
        BountyMarket market = new BountyMarket(vm.addr(_key(TREASURY)), 250, address(0));
        IBountyMarket.BountyParams memory p;
        p.token = address(0);
        p.amount = 10 ether;
        p.testSetCommitment = keccak256(abi.encode(keccak256("test set"), keccak256("salt")));
        p.specHash = keccak256("spec");
        p.threshold = 800_000;
        p.submissionDeadline = uint64(block.timestamp + 1 hours);
        p.evaluationDeadline = uint64(block.timestamp + 1 days);
        p.challengeWindow = 1 hours;
        p.evaluator = vm.addr(_key(EVALUATOR));
        p.arbiter = vm.addr(_key(ARBITER));
        p.maxSubmissionsPerContributor = 3;
        p.challengeBond = 0.5 ether;
        uint16[] memory shares = new uint16[](3);
        shares[0] = 5_000;
        shares[1] = 3_000;
        shares[2] = 2_000;
        market.createBounty{value: 10 ether}(p, shares);
        market.createBounty{value: 10 ether}(p, shares);
        vm.stopBroadcast();

        for (uint256 i; i < CONTRIBUTORS; ++i) {
            uint256 key = _key(FIRST_CONTRIBUTOR + uint32(i));
            vm.startBroadcast(key);
            market.submit(BOUNTY, keccak256(abi.encode(_model(i), vm.addr(key))));
            vm.stopBroadcast();
        }
        uint256 again = _key(FIRST_CONTRIBUTOR);
        vm.startBroadcast(again);
        market.submit(BOUNTY, keccak256(abi.encode(_model(100), vm.addr(again))));
        vm.stopBroadcast();
    }

    function propose(BountyMarket market) external {
        IBountyMarket.ResultEntry[] memory entries = new IBountyMarket.ResultEntry[](CONTRIBUTORS);
        for (uint256 i; i < CONTRIBUTORS; ++i) {
            entries[i] = IBountyMarket.ResultEntry({
                submissionIndex: uint32(i),
                contributor: vm.addr(_key(FIRST_CONTRIBUTOR + uint32(i))),
                modelSha256: _model(i),
                score: 990_000 - int256(i) * 10_000
            });
        }
        vm.startBroadcast(_key(EVALUATOR));
        market.proposeResults(BOUNTY, entries, REPORT);
        // A public bounty pays out on revealed data: the keeper reveals right after proposing.
        market.revealTestSet(BOUNTY, keccak256("test set"), keccak256("salt"));
        vm.stopBroadcast();
    }

    function finalize(BountyMarket market) external {
        // The paid ranks, as the ResultRanked events (paid = true) name them: the first three of the top-3 ranking.
        address[] memory winners = new address[](3);
        for (uint256 i; i < 3; ++i) {
            winners[i] = vm.addr(_key(FIRST_CONTRIBUTOR + uint32(i)));
        }
        vm.startBroadcast(_key(ARBITER)); // anyone may finalize
        market.finalize(BOUNTY, winners);
        vm.stopBroadcast();
    }
}
