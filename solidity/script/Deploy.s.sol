// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Vm} from "../test/utils/Vm.sol";
import {BountyMarket} from "../src/BountyMarket.sol";

/// @notice Deploys the market. Environment: TREASURY (required), PROTOCOL_FEE_BPS (default 0, at most 1000).
/// The signer comes from forge's own options (--private-key, --account, --ledger...); see docs/protocol.md.
contract Deploy {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    function run() external returns (BountyMarket market) {
        address treasury = vm.envAddress("TREASURY");
        uint256 feeBps = vm.envOr("PROTOCOL_FEE_BPS", uint256(0));
        require(feeBps <= 1_000, "PROTOCOL_FEE_BPS above 1000");
        vm.startBroadcast();
        // forge-lint: disable-next-line(unsafe-typecast)
        market = new BountyMarket(treasury, uint16(feeBps)); // bounded just above
        vm.stopBroadcast();
    }
}
