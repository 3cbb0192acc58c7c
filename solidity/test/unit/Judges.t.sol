// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "../utils/MarketFixture.sol";
import {IBountyMarket} from "../../src/IBountyMarket.sol";

/// @notice "No judge in the race": an entry of the sponsor, the evaluator or the arbiter is never paid; and the
/// trust signals a contributor reads before entering.
contract JudgesTest is MarketFixture {
    function setUp() public override {
        super.setUp();
        vm.deal(treasury, 0);
    }

    /// @dev Default top-3 bounty; `judge` enters the best model, then alice, bob and carol.
    function _judgeScoresBest(address judge) internal returns (uint256 id, IBountyMarket.ResultEntry[] memory e) {
        id = _createDefault();
        _submit(id, judge, _model("judge"));
        _submit(id, alice, _model("alice"));
        _submit(id, bob, _model("bob"));
        _submit(id, carol, _model("carol"));
        e = new IBountyMarket.ResultEntry[](4);
        e[0] = _entry(0, judge, _model("judge"), 990_000);
        e[1] = _entry(1, alice, _model("alice"), 950_000);
        e[2] = _entry(2, bob, _model("bob"), 900_000);
        e[3] = _entry(3, carol, _model("carol"), 850_000);
    }

    function _assertJudgeUnpaidInProposal(address judge) internal {
        (uint256 id, IBountyMarket.ResultEntry[] memory entries) = _judgeScoresBest(judge);
        _warpToSubmissionDeadline(id);
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.ResultRanked(id, 0, 0, judge, _model("judge"), 990_000, true, false);
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.ResultRanked(id, 1, 1, alice, _model("alice"), 950_000, true, true);
        _propose(id, entries);
        _assertWinnersAreAliceBobCarol(id);

        _reveal(id);
        _warpToChallengeDeadline(id);
        uint256 judgeBefore = judge.balance;
        market.finalize(id, _winners(id));
        vm.assertEq(alice.balance, _net(REWARD, 5_000), "alice takes the first paid rank");
        vm.assertEq(carol.balance, _net(REWARD, 2_000), "carol takes the third");
        // (for the sponsor: no refund either, since all three ranks are paid)
        vm.assertEq(judge.balance, judgeBefore, "the judge is paid nothing");
    }

    function _assertWinnersAreAliceBobCarol(uint256 id) internal {
        Winner[] memory winners = _getWinners(id);
        vm.assertEq(winners.length, 3, "three paid ranks");
        vm.assertEq(winners[0].contributor, alice, "alice first paid");
        vm.assertEq(winners[1].contributor, bob, "bob second paid");
        vm.assertEq(winners[2].contributor, carol, "carol third paid");
        vm.assertEq(winners[0].prize, _net(REWARD, 5_000), "first share");
    }

    function test_proposeResults_neverPaysSponsorsEntry() public {
        _assertJudgeUnpaidInProposal(sponsor);
    }

    function test_proposeResults_neverPaysEvaluatorsEntry() public {
        _assertJudgeUnpaidInProposal(evaluator);
    }

    function test_proposeResults_neverPaysArbitersEntry() public {
        _assertJudgeUnpaidInProposal(arbiter);
    }

    function test_overturnResults_neverPaysArbitersEntry() public {
        (uint256 id, IBountyMarket.ResultEntry[] memory entries) = _judgeScoresBest(arbiter);
        // The evaluator proposes without the arbiter's entry; the arbiter "corrects" it to put its own first.
        IBountyMarket.ResultEntry[] memory proposed = new IBountyMarket.ResultEntry[](3);
        proposed[0] = entries[1];
        proposed[1] = entries[2];
        proposed[2] = entries[3];
        _propose(id, proposed);
        _challenge(id);
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.ResultsOverturned(id, arbiter, REPORT, 4, 3);
        vm.prank(arbiter);
        market.overturnResults(id, entries, REPORT);
        _assertWinnersAreAliceBobCarol(id);
    }

    function test_proposeResults_judgeEntryDoesNotCountAsDuplicateWinner() public {
        // Two entries of the same judge: neither is paid, so neither is a second paid rank.
        uint256 id = _createDefault();
        _submit(id, evaluator, _model("e1"));
        _submit(id, evaluator, _model("e2"));
        _submit(id, alice, _model("alice"));
        IBountyMarket.ResultEntry[] memory entries = new IBountyMarket.ResultEntry[](3);
        entries[0] = _entry(0, evaluator, _model("e1"), 990_000);
        entries[1] = _entry(1, evaluator, _model("e2"), 980_000);
        entries[2] = _entry(2, alice, _model("alice"), 950_000);
        _propose(id, entries);
        Winner[] memory winners = _getWinners(id);
        vm.assertEq(winners.length, 1, "only alice");
        vm.assertEq(winners[0].contributor, alice, "alice paid first share");
    }

    // ------------------------------------------------------------------------------------------------
    // Trust signals
    // ------------------------------------------------------------------------------------------------

    function test_getTrustSignals_distinctRolesAndBondRatio() public {
        uint256 id = _createDefault();
        IBountyMarket.TrustSignals memory t = market.getTrustSignals(id);
        vm.assertFalse(t.sponsorIsEvaluator, "sponsor is not the evaluator");
        vm.assertFalse(t.sponsorIsArbiter, "sponsor is not the arbiter");
        vm.assertTrue(t.rolesDistinct, "three accounts");
        vm.assertEq(t.bondToRewardBps, 500, "0.5 ETH bond on a 10 ETH reward: 5 %");
        vm.assertEq(uint256(t.revealPolicy), uint256(IBountyMarket.RevealPolicy.Public), "public");
        vm.assertEq(t.revealDeadline, 0, "no results yet: no reveal due");
        vm.assertFalse(t.revealWithheld, "nothing withheld");
    }

    function test_getTrustSignals_flagsSponsorAsEvaluator() public {
        IBountyMarket.BountyParams memory p = _params();
        p.evaluator = sponsor;
        IBountyMarket.TrustSignals memory t = market.getTrustSignals(_create(p, _top3()));
        vm.assertTrue(t.sponsorIsEvaluator, "sponsor evaluates");
        vm.assertFalse(t.rolesDistinct, "not distinct");
    }

    function test_getTrustSignals_flagsSponsorAsArbiter() public {
        IBountyMarket.BountyParams memory p = _params();
        p.arbiter = sponsor;
        IBountyMarket.TrustSignals memory t = market.getTrustSignals(_create(p, _top3()));
        vm.assertTrue(t.sponsorIsArbiter, "sponsor arbitrates");
        vm.assertFalse(t.rolesDistinct, "not distinct");
    }

    function test_getTrustSignals_tracksRevealDeadline() public {
        uint256 id = _proposedDefault();
        uint64 deadline = _info(id).challengeDeadline;
        vm.assertEq(market.getTrustSignals(id).revealDeadline, deadline, "due by the challenge deadline");
        vm.warp(deadline);
        vm.assertTrue(market.getTrustSignals(id).revealWithheld, "withheld from the deadline on");

        uint256 revealed = _proposedDefault();
        _reveal(revealed);
        IBountyMarket.TrustSignals memory t = market.getTrustSignals(revealed);
        vm.assertEq(t.revealDeadline, 0, "revealed: nothing due");
        vm.assertFalse(t.revealWithheld, "revealed: not withheld");
    }

    function test_getTrustSignals_confidentialHasNoRevealDeadline() public {
        IBountyMarket.BountyParams memory p = _params();
        p.revealPolicy = IBountyMarket.RevealPolicy.Confidential;
        uint256 id = _create(p, _top3());
        _submit(id, alice, _model("alice"));
        _propose(id, _one(_entry(0, alice, _model("alice"), 950_000)));
        _warpToChallengeDeadline(id);
        IBountyMarket.TrustSignals memory t = market.getTrustSignals(id);
        vm.assertEq(t.revealDeadline, 0, "no reveal due");
        vm.assertFalse(t.revealWithheld, "nothing withheld");
    }

    function test_getTrustSignals_revertsIfBountyUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.BountyNotFound.selector, 7));
        market.getTrustSignals(7);
    }
}
