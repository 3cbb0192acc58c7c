// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IBountyMarket} from "../../src/IBountyMarket.sol";

/// @notice Plain ERC-20 with chosen decimals and free minting.
contract MockERC20 is ERC20 {
    uint8 private immutable _decimals;

    constructor(string memory name_, uint8 decimals_) ERC20(name_, name_) {
        _decimals = decimals_;
    }

    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}

/// @notice Takes a fee (basis points) from every transfer: the recipient gets less than was sent.
contract FeeOnTransferToken is MockERC20 {
    uint256 public immutable feeBps;
    address public constant FEE_SINK = address(0xFEE);

    constructor(uint256 feeBps_) MockERC20("FEE", 18) {
        feeBps = feeBps_;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0)) return super._update(from, to, value);
        uint256 fee = value * feeBps / 10_000;
        super._update(from, FEE_SINK, fee);
        super._update(from, to, value - fee);
    }
}

/// @notice Reverts transfers to blacklisted addresses (like USDC/USDT freezes).
contract BlacklistToken is MockERC20 {
    mapping(address => bool) public blacklisted;

    constructor() MockERC20("BLK", 6) {}

    function setBlacklisted(address account, bool value) external {
        blacklisted[account] = value;
    }

    function _update(address from, address to, uint256 value) internal override {
        require(!blacklisted[to] && !blacklisted[from], "blacklisted");
        super._update(from, to, value);
    }
}

/// @notice USDT-style token: `transfer`, `transferFrom` and `approve` return nothing.
contract NoReturnToken {
    string public constant name = "NoReturn";
    uint8 public constant decimals = 6;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    function mint(address to, uint256 amount) external {
        balanceOf[to] += amount;
        totalSupply += amount;
    }

    function approve(address spender, uint256 amount) external {
        allowance[msg.sender][spender] = amount;
    }

    function transfer(address to, uint256 amount) external {
        balanceOf[msg.sender] -= amount;
        balanceOf[to] += amount;
    }

    function transferFrom(address from, address to, uint256 amount) external {
        allowance[from][msg.sender] -= amount;
        balanceOf[from] -= amount;
        balanceOf[to] += amount;
    }
}

/// @notice A payee whose ETH receive always reverts.
contract RevertingReceiver {
    receive() external payable {
        revert("no ETH");
    }

    function withdrawFrom(IBountyMarket market, address token, address to) external returns (uint256) {
        return market.withdrawTo(token, to);
    }
}

/// @notice A payee that burns every unit of gas it is given.
contract GasGuzzler {
    receive() external payable {
        while (true) {}
    }
}

/// @notice A winner that re-enters the market when it receives ETH. It touches no storage in `receive`,
/// so the only thing that can stop the re-entry is the market's guard, not the gas stipend.
contract ReentrantWinner {
    event Reentered(bool succeeded, bytes4 reason);

    IBountyMarket public immutable market;
    uint256 public bountyId;
    bool public swallowFailure;
    bool public viaWithdraw;

    constructor(IBountyMarket market_) {
        market = market_;
    }

    /// @param swallowFailure_ Catch the re-entry's revert (and so accept the payment) instead of reverting.
    /// @param viaWithdraw_ Re-enter through `withdraw` instead of `finalize`.
    function arm(uint256 bountyId_, bool swallowFailure_, bool viaWithdraw_) external {
        bountyId = bountyId_;
        swallowFailure = swallowFailure_;
        viaWithdraw = viaWithdraw_;
    }

    function disarm() external {
        bountyId = 0;
    }

    function submit(uint256 id, bytes32 commitment) external {
        market.submit(id, commitment);
    }

    function withdraw() external returns (uint256) {
        return market.withdraw(address(0));
    }

    receive() external payable {
        uint256 id = bountyId;
        if (id == 0) return; // plain withdrawals are accepted
        if (swallowFailure) {
            try this.reenter(id) {
                emit Reentered(true, bytes4(0));
            } catch (bytes memory reason) {
                emit Reentered(false, bytes4(reason));
            }
        } else {
            reenter(id);
        }
    }

    function reenter(uint256 id) public {
        if (viaWithdraw) market.withdraw(address(0));
        else market.finalize(id, new address[](0)); // refused by the guard before the winners are checked
    }
}

/// @notice A wallet whose `receive` needs more gas than a push forwards (it writes storage), so pushes
/// fail and it collects its payments with `withdraw`, which forwards all gas.
contract ExpensiveReceiver {
    uint256 public totalReceived;

    receive() external payable {
        totalReceived += msg.value;
    }

    function withdraw(IBountyMarket market, address token) external returns (uint256) {
        return market.withdraw(token);
    }
}

/// @notice A token whose transfers to one address burn all the gas they are given.
contract GasBurningToken is MockERC20 {
    address public victim;

    constructor() MockERC20("BURN", 18) {}

    function setVictim(address account) external {
        victim = account;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (to == victim && from != address(0)) {
            while (true) {}
        }
        super._update(from, to, value);
    }
}
