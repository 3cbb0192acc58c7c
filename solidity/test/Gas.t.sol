// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Vm, console} from "./utils/Vm.sol";
import {MarketFixture} from "./utils/MarketFixture.sol";
import {MockERC20, BlacklistToken} from "./utils/Mocks.sol";
import {IBountyMarket} from "../src/IBountyMarket.sol";

/// @notice Gas benchmark, not a test: each `test_gas_*` performs one market transaction on state prepared in
/// `setUp` (so storage is cold, as in a real transaction) and prints what that transaction would cost:
/// intrinsic gas (21,000 + calldata) + execution gas of the call - refund (capped at 1/5), and never below
/// the EIP-7623 calldata floor. Run: `forge test --match-path test/Gas.t.sol -vv`. docs/gas.md has the table.
abstract contract GasBench is MarketFixture {
    uint256 internal constant CONTRIBUTORS = 10;
    address[CONTRIBUTORS] internal contributors;

    function setUp() public virtual override {
        super.setUp();
        for (uint256 i; i < CONTRIBUTORS; ++i) {
            contributors[i] = makeAddr(string(abi.encodePacked("contributor", bytes1(uint8(65 + i)))));
            // A contributor has sent transactions, so its account exists (no new-account surcharge on payment).
            vm.deal(contributors[i], 1 ether);
        }
        vm.deal(treasury, 1 ether);
    }

    /// @dev Sends `data` to the market as `from` and prints the transaction gas.
    function _measure(string memory label, address from, uint256 value, bytes memory data)
        internal
        returns (uint256 txGas)
    {
        vm.prank(from);
        (bool ok, bytes memory ret) = address(market).call{value: value}(data);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
        txGas = _txGas(data, vm.lastCallGas());
        console.log(label, txGas);
    }

    function _txGas(bytes memory data, Vm.Gas memory g) internal pure returns (uint256) {
        uint256 zeros;
        for (uint256 i; i < data.length; ++i) {
            if (data[i] == 0) zeros++;
        }
        uint256 nonZeros = data.length - zeros;
        uint256 used = 21_000 + zeros * 4 + nonZeros * 16 + g.gasTotalUsed;
        uint256 refund = g.gasRefunded > 0 ? uint256(uint64(g.gasRefunded)) : 0;
        if (refund > used / 5) refund = used / 5;
        uint256 charged = used - refund;
        uint256 floor = 21_000 + 10 * (zeros + 4 * nonZeros);
        return charged > floor ? charged : floor;
    }

    function _submitAll(uint256 id) internal {
        for (uint256 i; i < CONTRIBUTORS; ++i) {
            _submit(id, contributors[i], _model(string(abi.encodePacked(id, i))));
        }
    }

    function _entries(uint256 id) internal view returns (IBountyMarket.ResultEntry[] memory entries) {
        entries = new IBountyMarket.ResultEntry[](CONTRIBUTORS);
        for (uint256 i; i < CONTRIBUTORS; ++i) {
            entries[i] =
                _entry(i, contributors[i], _model(string(abi.encodePacked(id, i))), 990_000 - int256(i) * 10_000);
        }
    }
}

contract GasCreateTest is GasBench {
    MockERC20 internal token;

    function setUp() public override {
        super.setUp();
        token = new MockERC20("USD", 6);
        token.mint(sponsor, 1_000_000e6);
        vm.prank(sponsor);
        token.approve(address(market), type(uint256).max);
        // The first bounty pays for the counter's first write; measure a typical later one.
        _createDefault();
    }

    function test_gas_createBounty_ethTop3() public {
        IBountyMarket.BountyParams memory p = _params();
        _measure("createBounty (ETH, top-3)", sponsor, p.amount, abi.encodeCall(market.createBounty, (p, _top3())));
    }

    function test_gas_createBounty_ethWinnerTakesAll() public {
        IBountyMarket.BountyParams memory p = _params();
        _measure(
            "createBounty (ETH, winner-takes-all)",
            sponsor,
            p.amount,
            abi.encodeCall(market.createBounty, (p, _winnerTakesAll()))
        );
    }

    function test_gas_createBounty_erc20Top3() public {
        IBountyMarket.BountyParams memory p = _params();
        p.token = address(token);
        p.amount = 5_000e6;
        _measure("createBounty (ERC-20, top-3)", sponsor, 0, abi.encodeCall(market.createBounty, (p, _top3())));
    }
}

contract GasSubmitTest is GasBench {
    uint256 internal id;

    function setUp() public override {
        super.setUp();
        id = _createDefault();
        _submit(id, contributors[0], _model("first"));
    }

    function test_gas_submit_firstOfContributor() public {
        _measure(
            "submit (contributor's first)",
            contributors[1],
            0,
            abi.encodeCall(market.submit, (id, _commitment(_model("m"), contributors[1])))
        );
    }

    function test_gas_submit_secondOfContributor() public {
        _measure(
            "submit (contributor's second)",
            contributors[0],
            0,
            abi.encodeCall(market.submit, (id, _commitment(_model("m"), contributors[0])))
        );
    }

    function test_gas_topUp_eth() public {
        _measure("topUp (ETH)", stranger, 1 ether, abi.encodeCall(market.topUp, (id, 1 ether)));
    }
}

contract GasProposeTest is GasBench {
    uint256 internal top3;
    uint256 internal top10;
    uint256 internal winnerTakesAll;

    function setUp() public override {
        super.setUp();
        top3 = _createDefault();
        top10 = _create(_params(), _equalShares(10));
        winnerTakesAll = _create(_params(), _winnerTakesAll());
        _submitAll(top3);
        _submitAll(top10);
        _submitAll(winnerTakesAll);
        _warpToSubmissionDeadline(top3);
    }

    function test_gas_proposeResults_10EntriesTop3() public {
        _measure(
            "proposeResults (10 entries, top-3)",
            evaluator,
            0,
            abi.encodeCall(market.proposeResults, (top3, _entries(top3), REPORT))
        );
    }

    function test_gas_proposeResults_10EntriesTop10() public {
        _measure(
            "proposeResults (10 entries, top-10)",
            evaluator,
            0,
            abi.encodeCall(market.proposeResults, (top10, _entries(top10), REPORT))
        );
    }

    function test_gas_proposeResults_10EntriesWinnerTakesAll() public {
        _measure(
            "proposeResults (10 entries, winner-takes-all)",
            evaluator,
            0,
            abi.encodeCall(market.proposeResults, (winnerTakesAll, _entries(winnerTakesAll), REPORT))
        );
    }
}

contract GasSettleTest is GasBench {
    MockERC20 internal token;
    uint256 internal ethBounty;
    uint256 internal tokenBounty;
    uint256 internal challengeable;
    uint256 internal disputed;
    uint256 internal disputed2;
    uint256 internal toCancel;
    uint256 internal toExpire;
    uint256 internal withheld;
    uint256 internal claimable;

    function setUp() public override {
        super.setUp();
        token = new MockERC20("USD", 6);
        token.mint(sponsor, 1_000_000e6);
        vm.prank(sponsor);
        token.approve(address(market), type(uint256).max);
        token.mint(treasury, 1); // the treasury already holds the token: no fresh balance slot on the fee

        ethBounty = _createDefault();
        IBountyMarket.BountyParams memory p = _params();
        p.token = address(token);
        p.amount = 5_000e6;
        p.challengeBond = 100e6;
        tokenBounty = _create(p, _top3());
        challengeable = _createDefault();
        disputed = _createDefault();
        disputed2 = _createDefault();
        toCancel = _createDefault();
        toExpire = _createDefault();
        withheld = _createDefault();
        claimable = _createDefault();
        for (uint256 i; i < CONTRIBUTORS; ++i) {
            token.mint(contributors[i], 1); // winners already hold the token, as a real payee typically does
        }

        _submitAll(ethBounty);
        _submitAll(tokenBounty);
        _submitAll(challengeable);
        _submitAll(disputed);
        _submitAll(disputed2);
        _submitAll(toExpire);
        _submitAll(withheld);
        _submitAll(claimable);
        _warpToSubmissionDeadline(ethBounty);
        // Two of the ten qualify: a third of the shares (20 %) would return to the sponsor.
        IBountyMarket.ResultEntry[] memory twoQualify = _entries(withheld);
        for (uint256 i = 2; i < CONTRIBUTORS; ++i) {
            twoQualify[i].score = 700_000 - int256(i) * 10_000;
        }
        vm.startPrank(evaluator);
        market.proposeResults(ethBounty, _entries(ethBounty), REPORT);
        market.proposeResults(tokenBounty, _entries(tokenBounty), REPORT);
        market.proposeResults(challengeable, _entries(challengeable), REPORT);
        market.proposeResults(disputed, _entries(disputed), REPORT);
        market.proposeResults(disputed2, _entries(disputed2), REPORT);
        market.proposeResults(withheld, twoQualify, REPORT);
        market.proposeResults(claimable, _entries(claimable), REPORT);
        vm.stopPrank();
        _challenge(disputed);
        _challenge(disputed2);
        // Overturned and finalized: its challenger's claim is measured.
        _challenge(claimable);
        IBountyMarket.ResultEntry[] memory swapped = _entries(claimable);
        (swapped[0], swapped[1]) = (swapped[1], swapped[0]);
        (swapped[0].score, swapped[1].score) = (swapped[1].score, swapped[0].score);
        vm.prank(arbiter);
        market.overturnResults(claimable, swapped, REPORT);
        _reveal(claimable);
        market.finalize(claimable, _winners(claimable));
        // The keeper reveals public test sets right after proposing (the window restarts from now).
        _reveal(ethBounty);
        _reveal(tokenBounty);
    }

    function test_gas_finalize_revealWithheld() public {
        vm.warp(block.timestamp + WINDOW);
        _measure(
            "finalize (ETH, 2 winners, reveal withheld)",
            stranger,
            0,
            abi.encodeCall(market.finalize, (withheld, _winners(withheld)))
        );
    }

    function test_gas_finalize_3WinnersEth() public {
        vm.warp(block.timestamp + WINDOW);
        _measure(
            "finalize (ETH, 3 winners)", stranger, 0, abi.encodeCall(market.finalize, (ethBounty, _winners(ethBounty)))
        );
    }

    function test_gas_finalize_3WinnersErc20() public {
        vm.warp(block.timestamp + WINDOW);
        _measure(
            "finalize (ERC-20, 3 winners)",
            stranger,
            0,
            abi.encodeCall(market.finalize, (tokenBounty, _winners(tokenBounty)))
        );
    }

    function test_gas_finalize_lapsedDispute() public {
        vm.warp(_info(disputed).arbitrationDeadline);
        _measure(
            "finalize (ETH, 3 winners, arbiter silent: bond forfeited)",
            stranger,
            0,
            abi.encodeCall(market.finalize, (disputed, _winners(disputed)))
        );
    }

    function test_gas_claimChallenge() public {
        _measure(
            "claimChallenge (ETH bond + fee part)",
            stranger,
            0,
            abi.encodeCall(market.claimChallenge, (claimable, challenger))
        );
    }

    function test_gas_revealTestSet() public {
        _measure(
            "revealTestSet (public, restarts window)",
            stranger,
            0,
            abi.encodeCall(market.revealTestSet, (challengeable, TEST_SET_SHA, SALT))
        );
    }

    function test_gas_challenge_eth() public {
        _measure("challenge (ETH bond)", challenger, BOND, abi.encodeCall(market.challenge, (challengeable)));
    }

    function test_gas_challenge_secondChallenger() public {
        _measure("challenge (ETH bond, already disputed)", stranger, BOND, abi.encodeCall(market.challenge, (disputed)));
    }

    function test_gas_upholdResults() public {
        _measure("upholdResults", arbiter, 0, abi.encodeCall(market.upholdResults, (disputed)));
    }

    function test_gas_overturnResults_10Entries() public {
        IBountyMarket.ResultEntry[] memory entries = _entries(disputed2);
        // The arbiter swaps the first two ranks (scores corrected).
        (entries[0], entries[1]) = (entries[1], entries[0]);
        (entries[0].score, entries[1].score) = (entries[1].score, entries[0].score);
        _measure(
            "overturnResults (10 entries, top-3)",
            arbiter,
            0,
            abi.encodeCall(market.overturnResults, (disputed2, entries, REPORT))
        );
    }

    function test_gas_cancel() public {
        _measure("cancel", sponsor, 0, abi.encodeCall(market.cancel, (toCancel)));
    }

    function test_gas_expire() public {
        vm.warp(block.timestamp + EVALUATION_PERIOD);
        _measure("expire", stranger, 0, abi.encodeCall(market.expire, (toExpire)));
    }
}

contract GasWithdrawTest is GasBench {
    BlacklistToken internal token;

    function setUp() public override {
        super.setUp();
        token = new BlacklistToken();
        token.mint(sponsor, 1_000e6);
        token.mint(dave, 1); // the recipient already holds the token
        vm.prank(sponsor);
        token.approve(address(market), type(uint256).max);
        IBountyMarket.BountyParams memory p = _params();
        p.token = address(token);
        p.amount = 1_000e6;
        uint256 id = _create(p, _winnerTakesAll());
        _submit(id, alice, _model("alice"));
        _propose(id, _one(_entry(0, alice, _model("alice"), 990_000)));
        _warpToChallengeDeadline(id);
        token.setBlacklisted(alice, true);
        market.finalize(id, _winners(id)); // alice's prize becomes a credit
    }

    function test_gas_withdrawTo_erc20Credit() public {
        _measure("withdrawTo (ERC-20 credit)", alice, 0, abi.encodeCall(market.withdrawTo, (address(token), dave)));
    }
}
