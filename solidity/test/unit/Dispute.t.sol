// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "../utils/MarketFixture.sol";
import {MockERC20} from "../utils/Mocks.sol";
import {IBountyMarket} from "../../src/IBountyMarket.sol";

contract ChallengeTest is MarketFixture {
    uint256 internal id;

    function setUp() public override {
        super.setUp();
        id = _proposedDefault();
    }

    function test_challenge_holdsBondAndDisputes() public {
        uint64 deadline = _info(id).challengeDeadline;
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.Challenged(id, challenger, BOND, uint64(deadline + ARBITRATION_PERIOD));
        vm.prank(challenger);
        market.challenge{value: BOND}(id);
        IBountyMarket.BountyInfo memory info = _info(id);
        vm.assertEq(uint256(info.status), uint256(IBountyMarket.Status.Disputed), "disputed");
        vm.assertEq(info.challenger, challenger, "challenger");
        vm.assertEq(info.bondHeld, BOND, "bond held");
        vm.assertEq(address(market).balance, REWARD + BOND, "escrow + bond");
    }

    function test_challenge_allowedUntilLastSecondOfWindow() public {
        vm.warp(_info(id).challengeDeadline - 1);
        _challenge(id);
        vm.assertEq(uint256(_info(id).status), uint256(IBountyMarket.Status.Disputed), "disputed");
    }

    function test_challenge_pullsErc20Bond() public {
        MockERC20 token = new MockERC20("USD", 6);
        token.mint(sponsor, 1_000e6);
        token.mint(challenger, 100e6);
        vm.prank(sponsor);
        token.approve(address(market), type(uint256).max);
        vm.prank(challenger);
        token.approve(address(market), type(uint256).max);
        IBountyMarket.BountyParams memory p = _params();
        p.token = address(token);
        p.amount = 1_000e6;
        p.challengeBond = 50e6;
        uint256 tokenBounty = _create(p, _winnerTakesAll());
        _submit(tokenBounty, alice, _model("a"));
        _propose(tokenBounty, _one(_entry(0, alice, _model("a"), 990_000)));
        vm.prank(challenger);
        market.challenge(tokenBounty);
        vm.assertEq(token.balanceOf(address(market)), 1_050e6, "bond pulled");
        vm.assertEq(_info(tokenBounty).bondHeld, 50e6, "held");
    }

    function test_challenge_revertsIfBountyUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.BountyNotFound.selector, 3));
        vm.prank(challenger);
        market.challenge{value: BOND}(3);
    }

    function test_challenge_revertsIfNoResults() public {
        uint256 open = _createDefault();
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.ResultsNotProposed.selector, open));
        vm.prank(challenger);
        market.challenge{value: BOND}(open);
    }

    function test_challenge_revertsIfAlreadyDisputed() public {
        _challenge(id);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.ResultsNotProposed.selector, id));
        vm.prank(stranger);
        market.challenge{value: BOND}(id);
    }

    function test_challenge_revertsIfAfterWindow() public {
        uint64 deadline = _info(id).challengeDeadline;
        vm.warp(deadline);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.ChallengeWindowClosed.selector, id, deadline));
        vm.prank(challenger);
        market.challenge{value: BOND}(id);
    }

    function test_challenge_revertsIfBondWrong() public {
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.ValueMismatch.selector, BOND, BOND - 1));
        vm.prank(challenger);
        market.challenge{value: BOND - 1}(id);
    }
}

contract ArbitrationTest is MarketFixture {
    uint256 internal id;

    function setUp() public override {
        super.setUp();
        id = _proposedDefault();
        _challenge(id);
        vm.deal(treasury, 0);
    }

    function test_upholdResults_forfeitsBondToTreasury() public {
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.ResultsUpheld(id, arbiter);
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.Payout(id, treasury, ETH, IBountyMarket.PayoutKind.BondForfeited, BOND, false);
        vm.prank(arbiter);
        market.upholdResults(id);
        IBountyMarket.BountyInfo memory info = _info(id);
        vm.assertEq(uint256(info.status), uint256(IBountyMarket.Status.Resolved), "resolved");
        vm.assertEq(info.bondHeld, 0, "bond released");
        vm.assertFalse(info.resultsOverturned, "not overturned");
        vm.assertEq(treasury.balance, BOND, "treasury got the bond");
        vm.assertEq(market.getWinners(id)[0].contributor, alice, "results stand");
    }

    function test_overturnResults_replacesWinnersAndReturnsBond() public {
        uint256 before = challenger.balance;
        // The arbiter finds bob actually scored best.
        IBountyMarket.ResultEntry[] memory corrected =
            _two(_entry(1, bob, _model("bob"), 960_000), _entry(0, alice, _model("alice"), 950_000));
        bytes32 newReport = keccak256("corrected report");
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.ResultsOverturned(id, arbiter, newReport, 2, 2);
        vm.prank(arbiter);
        market.overturnResults(id, corrected, newReport);
        IBountyMarket.BountyInfo memory info = _info(id);
        vm.assertEq(uint256(info.status), uint256(IBountyMarket.Status.Resolved), "resolved");
        vm.assertTrue(info.resultsOverturned, "overturned");
        vm.assertEq(info.reportHash, newReport, "report replaced");
        vm.assertEq(uint256(info.winnerCount), 2, "two winners now");
        vm.assertEq(challenger.balance, before + BOND, "bond returned");
        IBountyMarket.Winner[] memory winners = market.getWinners(id);
        vm.assertEq(winners.length, 2, "carol dropped");
        vm.assertEq(winners[0].contributor, bob, "bob first");
        vm.assertEq(winners[1].contributor, alice, "alice second");
    }

    function test_overturnResults_acceptsEmptyRanking() public {
        vm.prank(arbiter);
        market.overturnResults(id, new IBountyMarket.ResultEntry[](0), keccak256("nobody qualifies"));
        vm.assertEq(market.getWinners(id).length, 0, "no winner");
    }

    function test_upholdResults_revertsIfNotArbiter() public {
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.NotArbiter.selector, id, sponsor));
        vm.prank(sponsor);
        market.upholdResults(id);
    }

    function test_upholdResults_revertsIfNotDisputed() public {
        uint256 proposed = _proposedDefault();
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.NotDisputed.selector, proposed));
        vm.prank(arbiter);
        market.upholdResults(proposed);
    }

    function test_upholdResults_revertsIfAlreadyResolved() public {
        vm.prank(arbiter);
        market.upholdResults(id);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.NotDisputed.selector, id));
        vm.prank(arbiter);
        market.upholdResults(id);
    }

    function test_upholdResults_revertsIfArbitrationClosed() public {
        uint64 deadline = _info(id).arbitrationDeadline;
        vm.warp(deadline);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.ArbitrationClosed.selector, id, deadline));
        vm.prank(arbiter);
        market.upholdResults(id);
    }

    function test_upholdResults_revertsIfBountyUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.BountyNotFound.selector, 77));
        vm.prank(arbiter);
        market.upholdResults(77);
    }

    function test_overturnResults_revertsIfNotArbiter() public {
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.NotArbiter.selector, id, evaluator));
        vm.prank(evaluator);
        market.overturnResults(id, new IBountyMarket.ResultEntry[](0), REPORT);
    }

    function test_overturnResults_revertsIfNotDisputed() public {
        vm.prank(arbiter);
        market.upholdResults(id);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.NotDisputed.selector, id));
        vm.prank(arbiter);
        market.overturnResults(id, new IBountyMarket.ResultEntry[](0), REPORT);
    }

    function test_overturnResults_revertsIfArbitrationClosed() public {
        uint64 deadline = _info(id).arbitrationDeadline;
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.ArbitrationClosed.selector, id, deadline));
        vm.prank(arbiter);
        market.overturnResults(id, new IBountyMarket.ResultEntry[](0), REPORT);
    }

    function test_overturnResults_revertsIfEntriesInvalid() public {
        // The arbiter is held to the same rules as the evaluator.
        IBountyMarket.ResultEntry[] memory forged = _one(_entry(0, arbiter, _model("alice"), 990_000));
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.CommitmentMismatch.selector, 0));
        vm.prank(arbiter);
        market.overturnResults(id, forged, REPORT);
    }

    function test_overturnResults_revertsIfReportHashZero() public {
        vm.expectRevert(IBountyMarket.ZeroReportHash.selector);
        vm.prank(arbiter);
        market.overturnResults(id, new IBountyMarket.ResultEntry[](0), bytes32(0));
    }
}
