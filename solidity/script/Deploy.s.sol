// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Vm} from "../test/utils/Vm.sol";
import {BountyMarket} from "../src/BountyMarket.sol";

/// @notice Deploys the market at the same address on every chain: CREATE2 through the deterministic deployment
/// proxy with a fixed salt, so the address depends only on the bytecode, the treasury and the fee (docs/deploy.md).
/// Environment: TREASURY (required), PROTOCOL_FEE_BPS (default 0, at most 1000), RELAYER (the server's keeper address,
/// the only one that may post batches of signed submissions; default zero: relaying off). The signer: DEPLOYER_PRIVATE_KEY when
/// set (an environment variable, not a command-line argument others can read), else forge's own options (--ledger,
/// --account, --private-key...); it pays the gas and has no power over the contract.
/// Run again on a chain where the market already is, it sends nothing. After --broadcast, record the deployment for
/// the server with scripts/record-deployment.js.
contract Deploy {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    /// @notice Nick Johnson's deterministic deployment proxy: calldata is salt ++ init code, it CREATE2s and
    /// returns the address. Keyless (one pre-signed transaction without chain id), so it is at this address on
    /// every chain where someone has sent that transaction, and anvil ships it pre-deployed.
    address public constant CREATE2_DEPLOYER = 0x4e59b44847b379578588920cA78FbF26c0B4956C;

    /// @notice Fixed for every chain; a new salt only for a deliberate second market with the same terms.
    bytes32 public constant SALT = bytes32("BountyMarket v1");

    uint256 internal constant MAX_FEE_BPS = 1_000;

    /// @dev Forge's console, for the two lines the script prints (test/utils/Vm.sol's has only a uint256 overload).
    address internal constant CONSOLE = 0x000000000000000000636F6e736F6c652e6c6f67;

    function _log(string memory label, address value) internal view {
        (bool ok,) = CONSOLE.staticcall(abi.encodeWithSignature("log(string,address)", label, value));
        ok;
    }

    /// @notice Where the market for these terms is (or will be) on any chain.
    function predict(address treasury, uint16 feeBps, address relayer) public pure returns (address) {
        bytes32 initCodeHash =
            keccak256(abi.encodePacked(type(BountyMarket).creationCode, abi.encode(treasury, feeBps, relayer)));
        bytes32 digest = keccak256(abi.encodePacked(bytes1(0xff), CREATE2_DEPLOYER, SALT, initCodeHash));
        return address(uint160(uint256(digest)));
    }

    function run() external returns (BountyMarket market) {
        address treasury = vm.envAddress("TREASURY");
        uint256 feeBps = vm.envOr("PROTOCOL_FEE_BPS", uint256(0));
        require(feeBps <= MAX_FEE_BPS, "PROTOCOL_FEE_BPS above 1000");
        require(CREATE2_DEPLOYER.code.length > 0,
            "no deterministic deployment proxy at 0x4e59b44847b379578588920ca78fbf26c0b4956c: see docs/deploy.md");
        // forge-lint: disable-next-line(unsafe-typecast)
        uint16 fee = uint16(feeBps); // bounded just above
        address relayer = vm.envOr("RELAYER", address(0));
        address expected = predict(treasury, fee, relayer);
        uint256 deployerKey = vm.envOr("DEPLOYER_PRIVATE_KEY", uint256(0));
        address deployer = deployerKey != 0 ? vm.addr(deployerKey) : msg.sender;
        _log("BountyMarket address:", expected);
        if (expected.code.length > 0) {
            // Already deployed with these terms (by us or anyone): nothing to send.
            _log("Already deployed; nothing sent. Deployer not needed:", deployer);
            return BountyMarket(expected);
        }
        _log("Deployer (pays the gas, has no power over the market):", deployer);
        if (deployerKey != 0) {
            vm.startBroadcast(deployerKey);
        } else {
            vm.startBroadcast();
        }
        // With a salt, forge sends the creation through its CREATE2 deployer; the check below makes sure that it was
        // the documented one (--create2-deployer could point elsewhere).
        market = new BountyMarket{salt: SALT}(treasury, fee, relayer);
        vm.stopBroadcast();
        require(address(market) == expected, "deployed through another CREATE2 deployer than 0x4e59...956c");
        require(market.treasury() == treasury && market.protocolFeeBps() == fee && market.relayer() == relayer,
            "constructor arguments not as given");
    }
}
