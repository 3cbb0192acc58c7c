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
        vm.assertEq(uint256(info.challengerCount), 1, "one challenger");
        vm.assertEq(info.bondsHeld, BOND, "bond held");
        vm.assertEq(market.challengeOf(id, challenger), BOND, "the challenger's bond");
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
        vm.assertEq(_info(tokenBounty).bondsHeld, 50e6, "held");
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

    function test_challenge_secondChallengerJoinsTheDispute() public {
        _challenge(id); // the first, perhaps a friend of the evaluator, takes no slot from anyone
        vm.prank(stranger);
        market.challenge{value: BOND}(id);
        IBountyMarket.BountyInfo memory info = _info(id);
        vm.assertEq(uint256(info.status), uint256(IBountyMarket.Status.Disputed), "still disputed");
        vm.assertEq(uint256(info.challengerCount), 2, "two challengers");
        vm.assertEq(info.bondsHeld, 2 * BOND, "both bonds held");
        vm.assertEq(address(market).balance, REWARD + 2 * BOND, "escrow + bonds");
    }

    function test_challenge_revertsIfSameChallengerTwice() public {
        _challenge(id);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.AlreadyChallenged.selector, id, challenger));
        vm.prank(challenger);
        market.challenge{value: BOND}(id);
    }

    function test_challenge_revertsOnceTheArbiterRuled() public {
        _challenge(id);
        vm.prank(arbiter);
        market.upholdResults(id);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.ResultsNotProposed.selector, id));
        vm.prank(stranger);
        market.challenge{value: BOND}(id);
    }

    function test_challenge_revertsIfDisputedAndWindowClosed() public {
        _challenge(id);
        uint64 deadline = _info(id).challengeDeadline;
        vm.warp(deadline);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.ChallengeWindowClosed.selector, id, deadline));
        vm.prank(stranger);
        market.challenge{value: BOND}(id);
    }

    function test_revealTestSet_restartsTheWindowOfADisputedPublicBounty() public {
        _challenge(id);
        vm.warp(block.timestamp + 1 days);
        _reveal(id);
        vm.assertEq(_info(id).challengeDeadline, uint64(block.timestamp) + WINDOW, "a full window on revealed data");
        vm.warp(block.timestamp + WINDOW - 1);
        vm.prank(stranger);
        market.challenge{value: BOND}(id); // still open to others
        vm.assertEq(uint256(_info(id).challengerCount), 2, "two challengers");
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
        vm.assertEq(info.bondsHeld, 0, "bond released");
        vm.assertFalse(info.resultsOverturned, "not overturned");
        vm.assertEq(treasury.balance, BOND, "treasury got the bond");
        vm.assertEq(_getWinners(id)[0].contributor, alice, "results stand");
    }

    function test_overturnResults_replacesWinnersAndKeepsBondsForClaims() public {
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
        vm.assertEq(challenger.balance, before, "the bond waits for finalize and claimChallenge");
        vm.assertEq(info.bondsHeld, BOND, "bond still held");
        Winner[] memory winners = _getWinners(id);
        vm.assertEq(winners.length, 2, "carol dropped");
        vm.assertEq(winners[0].contributor, bob, "bob first");
        vm.assertEq(winners[1].contributor, alice, "alice second");
    }

    function test_overturnResults_acceptsEmptyRanking() public {
        vm.prank(arbiter);
        market.overturnResults(id, new IBountyMarket.ResultEntry[](0), keccak256("nobody qualifies"));
        vm.assertEq(_getWinners(id).length, 0, "no winner");
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

/// @notice Several challengers, settled together; a squatting challenge costs its bond.
contract SeveralChallengersTest is MarketFixture {
    uint256 internal id;
    address internal squatter;

    function setUp() public override {
        super.setUp();
        squatter = makeAddr("squatter"); // the evaluator's friend, who challenges first to hold the dispute
        vm.deal(squatter, 10 ether);
        id = _proposedDefault();
        _reveal(id);
        vm.prank(squatter);
        market.challenge{value: BOND}(id);
        _challenge(id); // the honest challenger is not locked out
        vm.deal(treasury, 0);
    }

    function _overturn() internal {
        IBountyMarket.ResultEntry[] memory corrected =
            _two(_entry(1, bob, _model("bob"), 960_000), _entry(0, alice, _model("alice"), 950_000));
        vm.prank(arbiter);
        market.overturnResults(id, corrected, keccak256("corrected"));
    }

    function test_upholdResults_forfeitsEveryBond() public {
        vm.prank(arbiter);
        market.upholdResults(id);
        vm.assertEq(treasury.balance, 2 * BOND, "both bonds to the treasury");
        vm.assertEq(_info(id).bondsHeld, 0, "nothing held");
        _finalize(id);
        vm.assertEq(address(market).balance, 0, "nothing left");
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.ChallengeNotClaimable.selector, id));
        market.claimChallenge(id, challenger);
    }

    function test_overturn_eachChallengerClaimsBondAndAnEqualPartOfTheFee() public {
        _overturn();
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.ChallengeNotClaimable.selector, id));
        market.claimChallenge(id, challenger); // not before finalization: the fee is not known yet
        _finalize(id);
        // bob 50 %, alice 30 % of 10 ether: fee 2.5 % of 8 ether = 0.2 ether, 0.1 ether each
        uint256 fee = REWARD * 8_000 / 10_000 - _net(REWARD, 5_000) - _net(REWARD, 3_000); // gross - nets
        vm.assertEq(treasury.balance, 0, "no dust: the fee splits evenly");
        uint256 before = challenger.balance;
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.ChallengeClaimed(id, challenger, BOND, fee / 2);
        vm.prank(stranger); // anyone may push it
        market.claimChallenge(id, challenger);
        vm.assertEq(challenger.balance, before + BOND + fee / 2, "bond back plus half the fee");
        before = squatter.balance;
        market.claimChallenge(id, squatter);
        vm.assertEq(squatter.balance, before + BOND + fee / 2, "the overturn proved every challenger right");
        vm.assertEq(address(market).balance, 0, "nothing left");
        vm.assertEq(_info(id).bondsHeld, 0, "nothing held");
    }

    function test_claimChallenge_revertsIfClaimedTwiceOrNeverChallenged() public {
        _overturn();
        _finalize(id);
        market.claimChallenge(id, challenger);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.NotAChallenger.selector, id, challenger));
        market.claimChallenge(id, challenger);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.NotAChallenger.selector, id, stranger));
        market.claimChallenge(id, stranger);
    }

    function test_overturn_feeDustGoesToTheTreasury() public {
        address third = makeAddr("third");
        vm.deal(third, 1 ether);
        vm.prank(third);
        market.challenge{value: BOND}(id);
        _overturn();
        _finalize(id);
        uint256 fee = REWARD * 8_000 / 10_000 - _net(REWARD, 5_000) - _net(REWARD, 3_000); // gross - nets
        vm.assertEq(treasury.balance, fee % 3, "the division's dust");
        market.claimChallenge(id, third);
        market.claimChallenge(id, challenger);
        market.claimChallenge(id, squatter);
        vm.assertEq(address(market).balance, 0, "exactly everything left the escrow");
    }

    function test_finalize_lapsedDisputeForfeitsEveryBondAndResultsStand() public {
        uint64 deadline = _info(id).arbitrationDeadline;
        vm.warp(deadline);
        uint256 squatterBefore = squatter.balance;
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.ChallengesLapsed(id, 2, 2 * BOND);
        _finalize(id);
        vm.assertEq(squatter.balance, squatterBefore, "the squat cost its bond");
        vm.assertEq(treasury.balance, 2 * BOND + _fee3(), "bonds and fee to the treasury");
        vm.assertEq(alice.balance, _net(REWARD, 5_000), "the proposed results stand");
        vm.assertEq(address(market).balance, 0, "nothing left");
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.ChallengeNotClaimable.selector, id));
        market.claimChallenge(id, squatter);
    }

    function test_finalize_lapsedDisputeRefusedBeforeArbitrationDeadline() public {
        uint64 deadline = _info(id).arbitrationDeadline;
        vm.warp(deadline - 1);
        address[] memory winners = _winners(id);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.ArbitrationPending.selector, id, deadline));
        market.finalize(id, winners);
    }

    function _fee3() internal pure returns (uint256) {
        return REWARD - _net(REWARD, 5_000) - _net(REWARD, 3_000) - _net(REWARD, 2_000);
    }
}
