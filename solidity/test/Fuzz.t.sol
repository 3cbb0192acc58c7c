// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "./utils/MarketFixture.sol";
import {MockERC20} from "./utils/Mocks.sol";
import {BountyMarket} from "../src/BountyMarket.sol";
import {IBountyMarket} from "../src/IBountyMarket.sol";

contract FuzzTest is MarketFixture {
    uint256 internal constant MAX_CONTRIBUTORS = 12;

    function _contributor(uint256 i) internal pure returns (address) {
        return address(uint160(0xC0_0000 + i));
    }

    function _modelOf(uint256 i) internal pure returns (bytes32) {
        return keccak256(abi.encode("model", i));
    }

    /// @dev Random non-increasing, non-zero shares of length k summing to 10000.
    function _randomShares(uint256 k, uint256 seed) internal pure returns (uint16[] memory shares) {
        shares = new uint16[](k);
        uint256 remaining = 10_000;
        uint256 previous = 10_000;
        for (uint256 i; i < k; ++i) {
            uint256 ranksLeft = k - i;
            if (ranksLeft == 1) {
                shares[i] = uint16(remaining);
                break;
            }
            uint256 low = (remaining + ranksLeft - 1) / ranksLeft; // the rest must fit under this share
            uint256 high = remaining - (ranksLeft - 1); // every later rank needs at least 1
            if (high > previous) high = previous;
            uint256 share = bound(uint256(keccak256(abi.encode(seed, i))), low, high);
            shares[i] = uint16(share);
            remaining -= share;
            previous = share;
        }
    }

    /// @dev Submits one model per contributor (indices 0..n-1) and returns a correct ranking of the given
    /// scores: best first in the metric's direction, ties by earlier submission.
    function _submitAndRank(uint256 id, int256[] memory scores, bool higherIsBetter)
        internal
        returns (IBountyMarket.ResultEntry[] memory entries)
    {
        uint256 n = scores.length;
        entries = new IBountyMarket.ResultEntry[](n);
        for (uint256 i; i < n; ++i) {
            _submit(id, _contributor(i), _modelOf(i));
            entries[i] = _entry(i, _contributor(i), _modelOf(i), scores[i]);
        }
        // insertion sort (n is small)
        for (uint256 i = 1; i < n; ++i) {
            IBountyMarket.ResultEntry memory e = entries[i];
            uint256 j = i;
            while (j > 0 && _before(e, entries[j - 1], higherIsBetter)) {
                entries[j] = entries[j - 1];
                --j;
            }
            entries[j] = e;
        }
    }

    function _before(IBountyMarket.ResultEntry memory a, IBountyMarket.ResultEntry memory b, bool higherIsBetter)
        internal
        pure
        returns (bool)
    {
        if (a.score == b.score) return a.submissionIndex < b.submissionIndex;
        return higherIsBetter ? a.score > b.score : a.score < b.score;
    }

    function _qualifies(int256 score, int256 threshold, bool higherIsBetter) internal pure returns (bool) {
        return higherIsBetter ? score >= threshold : score <= threshold;
    }

    // ------------------------------------------------------------------------------------------------

    /// @notice Whatever the reward, shares, fee and number of qualifying entries, finalization pays out
    /// exactly the escrow: prizes by the formula, the fee, and the rest to the sponsor.
    function testFuzz_finalize_paysExactlyTheReward(
        uint256 reward,
        uint256 k,
        uint256 sharesSeed,
        uint256 n,
        uint256 qualifying,
        uint256 feeBps
    ) public {
        reward = bound(reward, 1, type(uint128).max);
        k = bound(k, 1, 10);
        n = bound(n, 0, MAX_CONTRIBUTORS);
        qualifying = bound(qualifying, 0, n);
        feeBps = bound(feeBps, 0, 1_000);
        market = new BountyMarket(treasury, uint16(feeBps), address(0));
        vm.deal(treasury, 0);
        vm.deal(sponsor, reward);

        IBountyMarket.BountyParams memory p = _params();
        p.amount = reward;
        uint16[] memory shares = _randomShares(k, sharesSeed);
        uint256 id = _create(p, shares);
        int256[] memory scores = new int256[](n);
        for (uint256 i; i < n; ++i) {
            // the first `qualifying` contributors pass the threshold, the others do not
            scores[i] = i < qualifying ? THRESHOLD + int256(n - i) : THRESHOLD - 1 - int256(i);
        }
        IBountyMarket.ResultEntry[] memory entries = _submitAndRank(id, scores, true);
        _propose(id, entries);
        _warpToChallengeDeadline(id);
        market.finalize(id, _winners(id));

        _assertPaidExactly(entries, shares, reward, feeBps, qualifying < k ? qualifying : k);
    }

    /// @notice Whatever the shares, fee and number of qualifying entries, a public bounty finalized with its
    /// reveal withheld pays out exactly the escrow, the sponsor nothing whenever a rank is paid, the fee as if
    /// revealed, and each paid rank at least its share.
    function testFuzz_finalize_withheldRevealPaysWinnersTheRemainder(
        uint256 reward,
        uint256 k,
        uint256 sharesSeed,
        uint256 n,
        uint256 qualifying,
        uint256 feeBps
    ) public {
        reward = bound(reward, 1, type(uint128).max);
        k = bound(k, 1, 10);
        n = bound(n, 0, MAX_CONTRIBUTORS);
        qualifying = bound(qualifying, 0, n);
        feeBps = bound(feeBps, 0, 1_000);
        market = new BountyMarket(treasury, uint16(feeBps), address(0));
        vm.deal(treasury, 0);
        vm.deal(sponsor, reward);

        IBountyMarket.BountyParams memory p = _params();
        p.amount = reward;
        uint16[] memory shares = _randomShares(k, sharesSeed);
        uint256 id = _create(p, shares);
        int256[] memory scores = new int256[](n);
        for (uint256 i; i < n; ++i) {
            scores[i] = i < qualifying ? THRESHOLD + int256(n - i) : THRESHOLD - 1 - int256(i);
        }
        IBountyMarket.ResultEntry[] memory entries = _submitAndRank(id, scores, true);
        _propose(id, entries);
        _warpPastRevealDeadline(id); // the reveal deadline passes without a reveal
        market.finalize(id, _winners(id));

        _assertWithheldPaidExactly(entries, shares, reward, feeBps, qualifying < k ? qualifying : k);
    }

    function _assertWithheldPaidExactly(
        IBountyMarket.ResultEntry[] memory entries,
        uint16[] memory shares,
        uint256 reward,
        uint256 feeBps,
        uint256 winners
    ) internal view {
        uint256 paid;
        uint256 fee;
        for (uint256 r; r < winners; ++r) {
            uint256 gross = reward * shares[r] / 10_000;
            uint256 net = gross * (10_000 - feeBps) / 10_000;
            vm.assertGe(entries[r].contributor.balance, net, "at least the share");
            paid += entries[r].contributor.balance;
            fee += gross - net;
        }
        vm.assertEq(treasury.balance, fee, "fee as if revealed");
        if (winners != 0) vm.assertEq(sponsor.balance, 0, "the withholding sponsor gets nothing back");
        else vm.assertEq(sponsor.balance, reward, "nobody paid: refunded as on expiry");
        vm.assertEq(paid + treasury.balance + sponsor.balance, reward, "exactly the reward");
        vm.assertEq(address(market).balance, 0, "nothing stuck");
    }

    /// @notice Whoever among the sponsor, evaluator and arbiter enters, at whatever rank, is never paid, and
    /// the paid ranks are the first k qualifying entries of everyone else.
    function testFuzz_proposeResults_neverPaysAJudge(uint256 n, uint256 k, uint256 judgeMask, uint256 scoreSeed)
        public
    {
        n = bound(n, 1, MAX_CONTRIBUTORS);
        k = bound(k, 1, 10);
        IBountyMarket.BountyParams memory p = _params();
        p.maxSubmissionsPerContributor = uint16(MAX_CONTRIBUTORS); // a judge may enter every model
        uint256 id = _create(p, _equalShares(k));
        address[3] memory judges = [sponsor, evaluator, arbiter];
        int256[] memory scores = new int256[](n);
        address[] memory who = new address[](n);
        IBountyMarket.ResultEntry[] memory entries = new IBountyMarket.ResultEntry[](n);
        for (uint256 i; i < n; ++i) {
            // about half the entries are a judge's (each judge may enter several models)
            uint256 pick = uint256(keccak256(abi.encode(judgeMask, i))) % 6;
            who[i] = pick < 3 ? judges[pick] : _contributor(i);
            scores[i] = int256(uint256(keccak256(abi.encode(scoreSeed, i))) % 400_000) + 600_000;
            _submit(id, who[i], _modelOf(i));
            entries[i] = _entry(i, who[i], _modelOf(i), scores[i]);
        }
        for (uint256 i = 1; i < n; ++i) {
            IBountyMarket.ResultEntry memory e = entries[i];
            uint256 j = i;
            while (j > 0 && _before(e, entries[j - 1], true)) {
                entries[j] = entries[j - 1];
                --j;
            }
            entries[j] = e;
        }
        _propose(id, entries);

        Winner[] memory winners = _getWinners(id);
        uint256 expected;
        for (uint256 r; r < n && expected < k; ++r) {
            address c = entries[r].contributor;
            if (c == sponsor || c == evaluator || c == arbiter || entries[r].score < THRESHOLD) continue;
            vm.assertEq(winners[expected].contributor, c, "next eligible entry takes the next paid rank");
            vm.assertEq(winners[expected].submissionIndex, entries[r].submissionIndex, "its submission");
            ++expected;
        }
        vm.assertEq(winners.length, expected, "paid ranks: first k eligible qualifying entries");
    }

    function _assertPaidExactly(
        IBountyMarket.ResultEntry[] memory entries,
        uint16[] memory shares,
        uint256 reward,
        uint256 feeBps,
        uint256 winners
    ) internal view {
        uint256 paid;
        uint256 awarded;
        for (uint256 r; r < winners; ++r) {
            uint256 gross = reward * shares[r] / 10_000;
            uint256 net = gross * (10_000 - feeBps) / 10_000;
            vm.assertEq(entries[r].contributor.balance, net, "prize by the formula");
            paid += net;
            awarded += gross;
        }
        for (uint256 r = winners; r < entries.length; ++r) {
            vm.assertEq(entries[r].contributor.balance, 0, "unpaid rank");
        }
        vm.assertEq(treasury.balance, awarded - paid, "fee");
        vm.assertEq(sponsor.balance, reward - awarded, "remainder to sponsor");
        vm.assertEq(paid + treasury.balance + sponsor.balance, reward, "exactly the reward");
        vm.assertEq(address(market).balance, 0, "nothing stuck");
    }

    /// @notice Any correctly ordered ranking (random scores, many ties, either direction, any threshold)
    /// is accepted, and the paid ranks are the first min(k, qualifying) entries.
    function testFuzz_proposeResults_acceptsCorrectRanking(
        uint256 n,
        uint256 scoreSeed,
        bool higherIsBetter,
        int256 threshold,
        uint256 k
    ) public {
        n = bound(n, 1, MAX_CONTRIBUTORS);
        k = bound(k, 1, 10);
        threshold = boundInt(threshold, -5, 5);
        IBountyMarket.BountyParams memory p = _params();
        p.metricDirection =
            higherIsBetter ? IBountyMarket.MetricDirection.HigherIsBetter : IBountyMarket.MetricDirection.LowerIsBetter;
        p.threshold = threshold;
        uint256 id = _create(p, _equalShares(k));
        int256[] memory scores = new int256[](n);
        for (uint256 i; i < n; ++i) {
            // a narrow range makes ties frequent
            scores[i] = boundInt(int256(uint256(keccak256(abi.encode(scoreSeed, i)))), -6, 6);
        }
        IBountyMarket.ResultEntry[] memory entries = _submitAndRank(id, scores, higherIsBetter);
        _propose(id, entries);

        uint256 qualifying;
        while (qualifying < n && _qualifies(entries[qualifying].score, threshold, higherIsBetter)) ++qualifying;
        uint256 expected = qualifying < k ? qualifying : k;
        Winner[] memory winners = _getWinners(id);
        vm.assertEq(winners.length, expected, "paid ranks");
        for (uint256 r; r < expected; ++r) {
            vm.assertEq(winners[r].contributor, entries[r].contributor, "winner order");
            vm.assertEq(uint256(winners[r].submissionIndex), uint256(entries[r].submissionIndex), "index");
        }
    }

    /// @notice Swapping two adjacent entries of a ranking with distinct scores always breaks the order.
    function testFuzz_proposeResults_revertsIfAdjacentEntriesSwapped(uint256 n, uint256 scoreSeed, uint256 at) public {
        n = bound(n, 2, MAX_CONTRIBUTORS);
        at = bound(at, 0, n - 2);
        uint256 id = _createDefault();
        int256[] memory scores = new int256[](n);
        for (uint256 i; i < n; ++i) {
            scores[i] = int256(uint256(keccak256(abi.encode(scoreSeed, i))) % 1e12);
        }
        IBountyMarket.ResultEntry[] memory entries = _submitAndRank(id, scores, true);
        (entries[at], entries[at + 1]) = (entries[at + 1], entries[at]);
        _warpToSubmissionDeadline(id);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.RankingOutOfOrder.selector, at + 1));
        vm.prank(evaluator);
        market.proposeResults(id, entries, REPORT);
    }

    /// @notice The threshold is inclusive in both directions.
    function testFuzz_proposeResults_thresholdIsInclusive(int256 threshold, bool higherIsBetter) public {
        threshold = boundInt(threshold, type(int128).min + 1, type(int128).max - 1);
        IBountyMarket.BountyParams memory p = _params();
        p.threshold = threshold;
        p.metricDirection =
            higherIsBetter ? IBountyMarket.MetricDirection.HigherIsBetter : IBountyMarket.MetricDirection.LowerIsBetter;
        uint256 id = _create(p, _top3());
        int256[] memory scores = new int256[](3);
        scores[0] = threshold;
        scores[1] = higherIsBetter ? threshold + 1 : threshold - 1; // better
        scores[2] = higherIsBetter ? threshold - 1 : threshold + 1; // worse
        _propose(id, _submitAndRank(id, scores, higherIsBetter));
        vm.assertEq(uint256(_info(id).winnerCount), 2, "equal passes, worse does not");
    }

    /// @notice Deadlines and windows are accepted exactly when they are consistent.
    function testFuzz_createBounty_validatesDeadlines(uint256 submissionIn, uint256 evaluationAfter, uint256 window)
        public
    {
        submissionIn = bound(submissionIn, 0, 4000 days);
        evaluationAfter = bound(evaluationAfter, 0, 4000 days);
        window = bound(window, 0, 40 days);
        IBountyMarket.BountyParams memory p = _params();
        p.submissionDeadline = uint64(block.timestamp + submissionIn);
        p.evaluationDeadline = uint64(block.timestamp + submissionIn + evaluationAfter);
        p.challengeWindow = uint64(window);
        uint16[] memory shares = _top3();

        bytes memory err;
        if (submissionIn == 0) {
            err = abi.encodeWithSelector(IBountyMarket.InvalidSubmissionDeadline.selector, p.submissionDeadline);
        } else if (evaluationAfter == 0 || submissionIn + evaluationAfter > 3650 days) {
            err = abi.encodeWithSelector(IBountyMarket.InvalidEvaluationDeadline.selector, p.evaluationDeadline);
        } else if (window < 1 hours || window > 30 days) {
            err = abi.encodeWithSelector(IBountyMarket.InvalidChallengeWindow.selector, p.challengeWindow);
        }
        if (err.length != 0) vm.expectRevert(err);
        vm.prank(sponsor);
        uint256 id = market.createBounty{value: p.amount}(p, shares);
        if (err.length == 0) {
            vm.assertEq(uint256(_info(id).evaluationDeadline), p.evaluationDeadline, "stored");
        }
    }

    /// @notice Payouts are exact for tokens of any decimals and any amount that fits the escrow.
    function testFuzz_finalize_paysExactlyIfAnyTokenDecimals(uint8 decimals, uint256 units, uint256 topUp) public {
        decimals = uint8(bound(decimals, 0, 36));
        MockERC20 token = new MockERC20("T", decimals);
        uint256 one = 10 ** uint256(decimals);
        uint256 maxUnits = type(uint128).max / 2 / one;
        vm.assume(maxUnits >= 1);
        uint256 amount = bound(units, 1, maxUnits < 1e12 ? maxUnits : 1e12) * one;
        topUp = bound(topUp, 1, amount);
        uint256 id = _createTokenBounty(token, amount, topUp);
        int256[] memory scores = new int256[](2);
        scores[0] = 900_000;
        scores[1] = 950_000;
        _propose(id, _submitAndRank(id, scores, true));
        _warpToChallengeDeadline(id);
        market.finalize(id, _winners(id));

        uint256 total = amount + topUp;
        uint256 g0 = total * 5_000 / 10_000;
        uint256 g1 = total * 3_000 / 10_000;
        vm.assertEq(token.balanceOf(_contributor(1)), g0 * (10_000 - FEE_BPS) / 10_000, "rank 0");
        vm.assertEq(token.balanceOf(_contributor(0)), g1 * (10_000 - FEE_BPS) / 10_000, "rank 1");
        vm.assertEq(token.balanceOf(sponsor), total - g0 - g1, "remainder");
        vm.assertEq(token.balanceOf(address(market)), 0, "nothing stuck");
    }

    function _createTokenBounty(MockERC20 token, uint256 amount, uint256 topUp) internal returns (uint256 id) {
        token.mint(sponsor, amount);
        token.mint(stranger, topUp);
        vm.prank(sponsor);
        token.approve(address(market), amount);
        vm.prank(stranger);
        token.approve(address(market), topUp);
        IBountyMarket.BountyParams memory p = _params();
        p.token = address(token);
        p.amount = amount;
        id = _create(p, _top3());
        vm.prank(stranger);
        market.topUp(id, topUp);
    }

    /// @notice The per-contributor limit admits exactly `limit` submissions.
    function testFuzz_submit_respectsLimit(uint256 limit, uint256 attempts) public {
        limit = bound(limit, 1, 8);
        attempts = bound(attempts, 1, 12);
        IBountyMarket.BountyParams memory p = _params();
        p.maxSubmissionsPerContributor = uint16(limit);
        uint256 id = _create(p, _top3());
        for (uint256 i; i < attempts; ++i) {
            bytes32 c = _commitment(_modelOf(i), alice);
            if (i >= limit) {
                vm.expectRevert(abi.encodeWithSelector(IBountyMarket.SubmissionLimitReached.selector, id, limit));
            }
            vm.prank(alice);
            market.submit(id, c);
        }
        vm.assertEq(market.submissionsBy(id, alice), attempts < limit ? attempts : limit, "counted");
    }
}
