// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "../utils/MarketFixture.sol";
import {IBountyMarket} from "../../src/IBountyMarket.sol";

contract ProposeResultsTest is MarketFixture {
    uint256 internal id;
    bytes32 internal ma;
    bytes32 internal mb;
    bytes32 internal mc;
    bytes32 internal md;

    function setUp() public override {
        super.setUp();
        id = _createDefault();
        ma = _model("alice");
        mb = _model("bob");
        mc = _model("carol");
        md = _model("dave");
        _submit(id, alice, ma); // 0
        _submit(id, bob, mb); // 1
        _submit(id, carol, mc); // 2
        _submit(id, dave, md); // 3
        _warpToSubmissionDeadline(id);
    }

    function _four(int256 s0, int256 s1, int256 s2, int256 s3)
        internal
        view
        returns (IBountyMarket.ResultEntry[] memory e)
    {
        e = new IBountyMarket.ResultEntry[](4);
        e[0] = _entry(0, alice, ma, s0);
        e[1] = _entry(1, bob, mb, s1);
        e[2] = _entry(2, carol, mc, s2);
        e[3] = _entry(3, dave, md, s3);
    }

    function test_proposeResults_storesWinnersAndStartsWindow() public {
        IBountyMarket.ResultEntry[] memory entries = _four(950_000, 900_000, 850_000, 820_000);
        uint64 expectedDeadline = uint64(block.timestamp) + WINDOW;
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.ResultRanked(id, 0, 0, alice, ma, 950_000, true, true);
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.ResultRanked(id, 1, 1, bob, mb, 900_000, true, true);
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.ResultRanked(id, 2, 2, carol, mc, 850_000, true, true);
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.ResultRanked(id, 3, 3, dave, md, 820_000, true, false);
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.ResultsProposed(id, REPORT, 4, 3, expectedDeadline);
        vm.prank(evaluator);
        market.proposeResults(id, entries, REPORT);

        IBountyMarket.BountyInfo memory info = _info(id);
        vm.assertEq(uint256(info.status), uint256(IBountyMarket.Status.Proposed), "status");
        vm.assertEq(info.reportHash, REPORT, "report");
        vm.assertEq(uint256(info.challengeDeadline), expectedDeadline, "challenge deadline");
        vm.assertEq(uint256(info.arbitrationDeadline), expectedDeadline + ARBITRATION_PERIOD, "arbitration");
        vm.assertEq(uint256(info.winnerCount), 3, "winners");

        Winner[] memory winners = _getWinners(id);
        vm.assertEq(winners.length, 3, "three paid ranks");
        vm.assertEq(winners[0].contributor, alice, "rank 0");
        vm.assertEq(uint256(winners[0].submissionIndex), 0, "rank 0 index");
        vm.assertEq(winners[0].prize, _net(REWARD, 5_000), "rank 0 prize");
        vm.assertEq(winners[1].contributor, bob, "rank 1");
        vm.assertEq(winners[1].prize, _net(REWARD, 3_000), "rank 1 prize");
        vm.assertEq(winners[2].contributor, carol, "rank 2");
        vm.assertEq(winners[2].prize, _net(REWARD, 2_000), "rank 2 prize");
    }

    function test_proposeResults_listsNonQualifyingEntriesUnpaid() public {
        // Threshold 0.8: only alice and bob pass; carol and dave are listed for transparency.
        IBountyMarket.ResultEntry[] memory entries = _four(950_000, 800_000, 790_000, 100_000);
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.ResultRanked(id, 2, 2, carol, mc, 790_000, false, false);
        vm.prank(evaluator);
        market.proposeResults(id, entries, REPORT);
        vm.assertEq(uint256(_info(id).winnerCount), 2, "threshold is inclusive: 0.8 passes");
        vm.assertEq(_getWinners(id).length, 2, "two winners");
    }

    function test_proposeResults_acceptsEmptyRanking() public {
        vm.prank(evaluator);
        market.proposeResults(id, new IBountyMarket.ResultEntry[](0), REPORT);
        vm.assertEq(uint256(_info(id).winnerCount), 0, "nobody paid");
        vm.assertEq(uint256(_info(id).status), uint256(IBountyMarket.Status.Proposed), "proposed");
    }

    function test_proposeResults_acceptsSubsetOfSubmissions() public {
        vm.prank(evaluator);
        market.proposeResults(id, _two(_entry(3, dave, md, 990_000), _entry(1, bob, mb, 900_000)), REPORT);
        Winner[] memory winners = _getWinners(id);
        vm.assertEq(winners[0].contributor, dave, "dave first");
        vm.assertEq(winners[1].contributor, bob, "bob second");
    }

    function test_proposeResults_breaksTiesByEarlierSubmission() public {
        IBountyMarket.ResultEntry[] memory entries = _four(900_000, 900_000, 900_000, 850_000);
        vm.prank(evaluator);
        market.proposeResults(id, entries, REPORT);
        Winner[] memory winners = _getWinners(id);
        vm.assertEq(winners[0].contributor, alice, "earliest tie first");
        vm.assertEq(winners[2].contributor, carol, "latest tie last");
    }

    function test_proposeResults_ordersAscendingIfLowerIsBetter() public {
        IBountyMarket.BountyParams memory p = _params();
        p.metricDirection = IBountyMarket.MetricDirection.LowerIsBetter;
        p.threshold = 500_000; // e.g. an RMSE of at most 0.5
        vm.warp(T0);
        uint256 lower = _create(p, _top3());
        _submit(lower, alice, ma);
        _submit(lower, bob, mb);
        _submit(lower, carol, mc);
        IBountyMarket.ResultEntry[] memory entries = new IBountyMarket.ResultEntry[](3);
        entries[0] = _entry(1, bob, mb, -10); // negative scores are fine
        entries[1] = _entry(0, alice, ma, 500_000);
        entries[2] = _entry(2, carol, mc, 500_001);
        _propose(lower, entries);
        vm.assertEq(uint256(_info(lower).winnerCount), 2, "carol misses the threshold");
        vm.assertEq(_getWinners(lower)[0].contributor, bob, "lowest first");
    }

    function test_proposeResults_paysAtMostKRanks() public {
        uint256 wta = _createAt(_winnerTakesAll());
        IBountyMarket.ResultEntry[] memory entries = new IBountyMarket.ResultEntry[](2);
        entries[0] = _entry(0, alice, ma, 990_000);
        entries[1] = _entry(1, bob, mb, 980_000);
        _propose(wta, entries);
        vm.assertEq(uint256(_info(wta).winnerCount), 1, "winner takes all");
    }

    function test_proposeResults_allowsSameContributorInUnpaidRanks() public {
        uint256 saved = block.timestamp;
        vm.warp(T0);
        uint256 wta = _create(_params(), _winnerTakesAll());
        _submit(wta, alice, ma); // 0
        _submit(wta, alice, mb); // 1: alice's second model
        vm.warp(saved);
        IBountyMarket.ResultEntry[] memory entries = new IBountyMarket.ResultEntry[](2);
        entries[0] = _entry(0, alice, ma, 990_000);
        entries[1] = _entry(1, alice, mb, 980_000);
        _propose(wta, entries);
        vm.assertEq(uint256(_info(wta).winnerCount), 1, "one paid rank");
    }

    function _createAt(uint16[] memory shares) internal returns (uint256 fresh) {
        uint256 saved = block.timestamp;
        vm.warp(T0);
        fresh = _create(_params(), shares);
        _submit(fresh, alice, ma);
        _submit(fresh, bob, mb);
        vm.warp(saved);
    }

    // --- reverts ---

    function test_proposeResults_revertsIfBountyUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.BountyNotFound.selector, 9));
        vm.prank(evaluator);
        market.proposeResults(9, new IBountyMarket.ResultEntry[](0), REPORT);
    }

    function test_proposeResults_revertsIfNotEvaluator() public {
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.NotEvaluator.selector, id, sponsor));
        vm.prank(sponsor);
        market.proposeResults(id, new IBountyMarket.ResultEntry[](0), REPORT);
    }

    function test_proposeResults_revertsIfAlreadyProposed() public {
        vm.prank(evaluator);
        market.proposeResults(id, new IBountyMarket.ResultEntry[](0), REPORT);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.BountyNotOpen.selector, id));
        vm.prank(evaluator);
        market.proposeResults(id, new IBountyMarket.ResultEntry[](0), REPORT);
    }

    function test_proposeResults_revertsIfBeforeSubmissionDeadline() public {
        uint64 deadline = _info(id).submissionDeadline;
        vm.warp(deadline - 1);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.SubmissionsStillOpen.selector, id, deadline));
        vm.prank(evaluator);
        market.proposeResults(id, new IBountyMarket.ResultEntry[](0), REPORT);
    }

    function test_proposeResults_revertsIfAtEvaluationDeadline() public {
        uint64 deadline = _info(id).evaluationDeadline;
        vm.warp(deadline);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.EvaluationDeadlinePassed.selector, id, deadline));
        vm.prank(evaluator);
        market.proposeResults(id, new IBountyMarket.ResultEntry[](0), REPORT);
    }

    function test_proposeResults_revertsIfReportHashZero() public {
        vm.expectRevert(IBountyMarket.ZeroReportHash.selector);
        vm.prank(evaluator);
        market.proposeResults(id, new IBountyMarket.ResultEntry[](0), bytes32(0));
    }

    function test_proposeResults_revertsIfSubmissionUnknown() public {
        _expectProposeRevert(
            _one(_entry(4, alice, ma, 990_000)), abi.encodeWithSelector(IBountyMarket.UnknownSubmission.selector, 4)
        );
    }

    function test_proposeResults_revertsIfContributorNotCommitted() public {
        // The evaluator tries to pay the stranger for alice's model.
        _expectProposeRevert(
            _one(_entry(0, stranger, ma, 990_000)), abi.encodeWithSelector(IBountyMarket.CommitmentMismatch.selector, 0)
        );
    }

    function test_proposeResults_revertsIfModelNotCommitted() public {
        _expectProposeRevert(
            _one(_entry(0, alice, _model("other"), 990_000)),
            abi.encodeWithSelector(IBountyMarket.CommitmentMismatch.selector, 0)
        );
    }

    function test_proposeResults_revertsIfSubmissionListedTwice() public {
        _expectProposeRevert(
            _two(_entry(0, alice, ma, 990_000), _entry(0, alice, ma, 980_000)),
            abi.encodeWithSelector(IBountyMarket.DuplicateSubmission.selector, 0)
        );
    }

    function test_proposeResults_revertsIfScoresOutOfOrder() public {
        _expectProposeRevert(
            _two(_entry(0, alice, ma, 900_000), _entry(1, bob, mb, 950_000)),
            abi.encodeWithSelector(IBountyMarket.RankingOutOfOrder.selector, 1)
        );
    }

    function test_proposeResults_revertsIfTieOrderedByLaterSubmission() public {
        _expectProposeRevert(
            _two(_entry(1, bob, mb, 900_000), _entry(0, alice, ma, 900_000)),
            abi.encodeWithSelector(IBountyMarket.RankingOutOfOrder.selector, 1)
        );
    }

    function test_proposeResults_revertsIfContributorHoldsTwoPaidRanks() public {
        vm.warp(T0);
        uint256 fresh = _create(_params(), _top3());
        _submit(fresh, alice, ma);
        _submit(fresh, alice, mb);
        _warpToSubmissionDeadline(fresh);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.DuplicateWinner.selector, alice));
        vm.prank(evaluator);
        market.proposeResults(fresh, _two(_entry(0, alice, ma, 990_000), _entry(1, alice, mb, 980_000)), REPORT);
    }

    function _expectProposeRevert(IBountyMarket.ResultEntry[] memory entries, bytes memory err) internal {
        vm.expectRevert(err);
        vm.prank(evaluator);
        market.proposeResults(id, entries, REPORT);
    }
}

contract RevealTestSetTest is MarketFixture {
    uint256 internal id;

    function setUp() public override {
        super.setUp();
        id = _createDefault();
        _submit(id, alice, _model("alice"));
    }

    function test_revealTestSet_emitsIfPreimageMatches() public {
        _warpToSubmissionDeadline(id);
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.TestSetRevealed(id, TEST_SET_SHA, SALT);
        vm.prank(stranger); // anyone holding the preimage
        market.revealTestSet(id, TEST_SET_SHA, SALT);
        vm.assertTrue(_info(id).testSetRevealed, "revealed");
    }

    function test_revealTestSet_restartsWindowIfPublicAndProposed() public {
        _propose(id, _one(_entry(0, alice, _model("alice"), 990_000)));
        vm.warp(block.timestamp + WINDOW - 1 hours);
        uint64 restarted = uint64(block.timestamp) + WINDOW;
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.ChallengeDeadlineExtended(id, restarted);
        market.revealTestSet(id, TEST_SET_SHA, SALT);
        vm.assertEq(uint256(_info(id).challengeDeadline), restarted, "full window after the reveal");
    }

    function test_revealTestSet_keepsWindowIfConfidential() public {
        IBountyMarket.BountyParams memory p = _params();
        p.revealPolicy = IBountyMarket.RevealPolicy.Confidential;
        uint256 confidential = _create(p, _top3());
        _submit(confidential, alice, _model("alice"));
        _propose(confidential, _one(_entry(0, alice, _model("alice"), 990_000)));
        uint64 deadline = _info(confidential).challengeDeadline;
        vm.warp(block.timestamp + 1 days);
        market.revealTestSet(confidential, TEST_SET_SHA, SALT);
        vm.assertEq(uint256(_info(confidential).challengeDeadline), deadline, "unchanged");
    }

    // A public bounty's reveal after its window ended is refused: test/unit/Reveal.t.sol.

    function test_revealTestSet_allowedBeforeResults() public {
        _warpToSubmissionDeadline(id);
        market.revealTestSet(id, TEST_SET_SHA, SALT);
        _propose(id, _one(_entry(0, alice, _model("alice"), 990_000)));
        vm.assertEq(uint256(_info(id).challengeDeadline), block.timestamp + WINDOW, "normal window");
    }

    function test_revealTestSet_revertsIfBountyUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.BountyNotFound.selector, 5));
        market.revealTestSet(5, TEST_SET_SHA, SALT);
    }

    function test_revealTestSet_revertsIfBeforeSubmissionDeadline() public {
        uint64 deadline = _info(id).submissionDeadline;
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.RevealTooEarly.selector, id, deadline));
        market.revealTestSet(id, TEST_SET_SHA, SALT);
    }

    function test_revealTestSet_revertsIfWrongSalt() public {
        _warpToSubmissionDeadline(id);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.TestSetMismatch.selector, id));
        market.revealTestSet(id, TEST_SET_SHA, keccak256("wrong salt"));
    }

    function test_revealTestSet_revertsIfWrongFileHash() public {
        _warpToSubmissionDeadline(id);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.TestSetMismatch.selector, id));
        market.revealTestSet(id, keccak256("another file"), SALT);
    }

    function test_revealTestSet_revertsIfAlreadyRevealed() public {
        _warpToSubmissionDeadline(id);
        market.revealTestSet(id, TEST_SET_SHA, SALT);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.TestSetAlreadyRevealed.selector, id));
        market.revealTestSet(id, TEST_SET_SHA, SALT);
    }
}
