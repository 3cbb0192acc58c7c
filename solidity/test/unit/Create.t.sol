// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "../utils/MarketFixture.sol";
import {MockERC20, FeeOnTransferToken} from "../utils/Mocks.sol";
import {BountyMarket} from "../../src/BountyMarket.sol";
import {IBountyMarket} from "../../src/IBountyMarket.sol";

contract ConstructorTest is MarketFixture {
    function test_constructor_setsTreasuryAndFee() public view {
        vm.assertEq(market.treasury(), treasury, "treasury");
        vm.assertEq(uint256(market.protocolFeeBps()), FEE_BPS, "fee");
        vm.assertEq(market.bountyCount(), 0, "no bounty yet");
    }

    function test_constructor_acceptsFeeAtCap() public {
        BountyMarket m = new BountyMarket(treasury, 1_000, relayer);
        vm.assertEq(uint256(m.protocolFeeBps()), 1_000, "fee at cap");
    }

    function test_constructor_revertsIfTreasuryZero() public {
        vm.expectRevert(IBountyMarket.ZeroTreasury.selector);
        new BountyMarket(address(0), FEE_BPS, relayer);
    }

    function test_constructor_revertsIfFeeAboveCap() public {
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.FeeTooHigh.selector, 1_001, 1_000));
        new BountyMarket(treasury, 1_001, relayer);
    }
}

contract CreateBountyTest is MarketFixture {
    MockERC20 internal token;

    function setUp() public override {
        super.setUp();
        token = new MockERC20("USD", 6);
        token.mint(sponsor, 1_000_000e6);
        vm.prank(sponsor);
        token.approve(address(market), type(uint256).max);
    }

    function test_createBounty_storesEverythingIfEth() public {
        IBountyMarket.BountyParams memory p = _params();
        uint256 id = _create(p, _top3());

        vm.assertEq(id, 1, "first id is 1");
        vm.assertEq(market.bountyCount(), 1, "count");
        vm.assertEq(address(market).balance, REWARD, "escrowed");
        IBountyMarket.BountyInfo memory info = _info(id);
        vm.assertEq(uint256(info.status), uint256(IBountyMarket.Status.Open), "status");
        vm.assertEq(info.sponsor, sponsor, "sponsor");
        vm.assertEq(info.token, ETH, "token");
        vm.assertEq(info.reward, REWARD, "reward");
        vm.assertEq(info.testSetCommitment, p.testSetCommitment, "test set commitment");
        vm.assertEq(info.specHash, SPEC, "spec");
        vm.assertEq(uint256(info.metricDirection), uint256(p.metricDirection), "direction");
        vm.assertEq(info.threshold, THRESHOLD, "threshold");
        vm.assertEq(uint256(info.revealPolicy), uint256(p.revealPolicy), "policy");
        vm.assertEq(info.submissionDeadline, p.submissionDeadline, "submission deadline");
        vm.assertEq(info.evaluationDeadline, p.evaluationDeadline, "evaluation deadline");
        vm.assertEq(info.challengeWindow, WINDOW, "window");
        vm.assertEq(info.evaluator, evaluator, "evaluator");
        vm.assertEq(info.arbiter, arbiter, "arbiter");
        vm.assertEq(uint256(info.maxSubmissionsPerContributor), 3, "max submissions");
        vm.assertEq(info.challengeBond, BOND, "bond");
        vm.assertEq(uint256(info.shareCount), 3, "k");
        vm.assertEq(uint256(info.submissionCount), 0, "submissions");
        vm.assertEq(uint256(info.winnerCount), 0, "winners");
        vm.assertEq(info.reportHash, bytes32(0), "report");
        vm.assertEq(uint256(info.challengeDeadline), 0, "challenge deadline");
        vm.assertEq(uint256(info.arbitrationDeadline), 0, "arbitration deadline");
        vm.assertEq(uint256(info.challengerCount), 0, "challengers");
        vm.assertEq(info.bondsHeld, 0, "bonds held");
        vm.assertFalse(info.testSetRevealed, "revealed");
        vm.assertFalse(info.resultsOverturned, "overturned");

        uint16[] memory shares = market.getShares(id);
        vm.assertEq(shares.length, 3, "shares length");
        vm.assertEq(uint256(shares[0]), 5_000, "share 0");
        vm.assertEq(uint256(shares[1]), 3_000, "share 1");
        vm.assertEq(uint256(shares[2]), 2_000, "share 2");
    }

    function test_createBounty_emitsCreatedAndTerms() public {
        IBountyMarket.BountyParams memory p = _params();
        uint16[] memory shares = _top3();
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.BountyCreated(
            1,
            sponsor,
            ETH,
            REWARD,
            p.testSetCommitment,
            SPEC,
            p.submissionDeadline,
            p.evaluationDeadline,
            evaluator,
            arbiter
        );
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.BountyTerms(1, p.metricDirection, THRESHOLD, p.revealPolicy, 3, WINDOW, BOND, shares);
        _create(p, shares);
    }

    function test_createBounty_idsIncrement() public {
        vm.assertEq(_createDefault(), 1, "first");
        vm.assertEq(_createDefault(), 2, "second");
        vm.assertEq(market.bountyCount(), 2, "count");
    }

    function test_createBounty_pullsErc20IfTokenGiven() public {
        IBountyMarket.BountyParams memory p = _params();
        p.token = address(token);
        p.amount = 5_000e6;
        uint256 id = _create(p, _winnerTakesAll());
        vm.assertEq(token.balanceOf(address(market)), 5_000e6, "escrowed");
        vm.assertEq(token.balanceOf(sponsor), 995_000e6, "pulled from sponsor");
        vm.assertEq(_info(id).reward, 5_000e6, "reward");
        vm.assertEq(_info(id).token, address(token), "token");
    }

    function test_createBounty_escrowsAmountReceivedIfFeeOnTransfer() public {
        FeeOnTransferToken feeToken = new FeeOnTransferToken(100); // 1 %
        feeToken.mint(sponsor, 1_000 ether);
        vm.prank(sponsor);
        feeToken.approve(address(market), type(uint256).max);
        IBountyMarket.BountyParams memory p = _params();
        p.token = address(feeToken);
        p.amount = 100 ether;
        uint256 id = _create(p, _top3());
        vm.assertEq(_info(id).reward, 99 ether, "reward is what arrived");
        vm.assertEq(feeToken.balanceOf(address(market)), 99 ether, "balance matches");
    }

    function test_createBounty_acceptsWinnerTakesAllAndTenShares() public {
        uint256 a = _create(_params(), _winnerTakesAll());
        uint256 b = _create(_params(), _equalShares(10));
        vm.assertEq(uint256(_info(a).shareCount), 1, "wta");
        vm.assertEq(uint256(_info(b).shareCount), 10, "top-10");
        vm.assertEq(uint256(market.getShares(b)[0]), 1_000, "equal shares");
    }

    function test_createBounty_acceptsLowerIsBetterNegativeThresholdConfidential() public {
        IBountyMarket.BountyParams memory p = _params();
        p.metricDirection = IBountyMarket.MetricDirection.LowerIsBetter;
        p.threshold = -5_000_000;
        p.revealPolicy = IBountyMarket.RevealPolicy.Confidential;
        uint256 id = _create(p, _top3());
        IBountyMarket.BountyInfo memory info = _info(id);
        vm.assertEq(uint256(info.metricDirection), 1, "lower is better");
        vm.assertEq(info.threshold, -5_000_000, "negative threshold");
        vm.assertEq(uint256(info.revealPolicy), 1, "confidential");
    }

    // --- shares ---

    function test_createBounty_revertsIfNoShares() public {
        _expectCreateRevert(
            _params(), new uint16[](0), abi.encodeWithSelector(IBountyMarket.InvalidShareCount.selector, 0)
        );
    }

    function test_createBounty_revertsIfMoreThanTenShares() public {
        uint16[] memory shares = new uint16[](11);
        for (uint256 i; i < 11; ++i) {
            shares[i] = 909;
        }
        shares[0] = 910;
        _expectCreateRevert(_params(), shares, abi.encodeWithSelector(IBountyMarket.InvalidShareCount.selector, 11));
    }

    function test_createBounty_revertsIfShareZero() public {
        uint16[] memory shares = new uint16[](2);
        shares[0] = 10_000;
        _expectCreateRevert(_params(), shares, abi.encodeWithSelector(IBountyMarket.InvalidShare.selector, 1, 0));
    }

    function test_createBounty_revertsIfSharesIncrease() public {
        uint16[] memory shares = new uint16[](2);
        shares[0] = 4_000;
        shares[1] = 6_000;
        _expectCreateRevert(_params(), shares, abi.encodeWithSelector(IBountyMarket.InvalidShare.selector, 1, 6_000));
    }

    function test_createBounty_revertsIfShareAboveTotal() public {
        uint16[] memory shares = new uint16[](1);
        shares[0] = 10_001;
        _expectCreateRevert(_params(), shares, abi.encodeWithSelector(IBountyMarket.InvalidShare.selector, 0, 10_001));
    }

    function test_createBounty_revertsIfSharesDoNotSumToTotal() public {
        uint16[] memory shares = new uint16[](2);
        shares[0] = 5_000;
        shares[1] = 4_999;
        _expectCreateRevert(_params(), shares, abi.encodeWithSelector(IBountyMarket.InvalidShareSum.selector, 9_999));
    }

    // --- deadlines ---

    function test_createBounty_revertsIfSubmissionDeadlineNotInFuture() public {
        IBountyMarket.BountyParams memory p = _params();
        p.submissionDeadline = uint64(block.timestamp);
        _expectCreateRevert(
            p, _top3(), abi.encodeWithSelector(IBountyMarket.InvalidSubmissionDeadline.selector, p.submissionDeadline)
        );
    }

    function test_createBounty_revertsIfEvaluationDeadlineNotAfterSubmission() public {
        IBountyMarket.BountyParams memory p = _params();
        p.evaluationDeadline = p.submissionDeadline;
        _expectCreateRevert(
            p, _top3(), abi.encodeWithSelector(IBountyMarket.InvalidEvaluationDeadline.selector, p.evaluationDeadline)
        );
    }

    function test_createBounty_revertsIfEvaluationDeadlineBeyondTenYears() public {
        IBountyMarket.BountyParams memory p = _params();
        p.evaluationDeadline = uint64(block.timestamp + 3650 days + 1);
        _expectCreateRevert(
            p, _top3(), abi.encodeWithSelector(IBountyMarket.InvalidEvaluationDeadline.selector, p.evaluationDeadline)
        );
    }

    function test_createBounty_revertsIfChallengeWindowTooShort() public {
        IBountyMarket.BountyParams memory p = _params();
        p.challengeWindow = 1 hours - 1;
        _expectCreateRevert(
            p, _top3(), abi.encodeWithSelector(IBountyMarket.InvalidChallengeWindow.selector, 1 hours - 1)
        );
    }

    function test_createBounty_revertsIfChallengeWindowTooLong() public {
        IBountyMarket.BountyParams memory p = _params();
        p.challengeWindow = 30 days + 1;
        _expectCreateRevert(
            p, _top3(), abi.encodeWithSelector(IBountyMarket.InvalidChallengeWindow.selector, 30 days + 1)
        );
    }

    // --- roles and limits ---

    function test_createBounty_revertsIfEvaluatorZero() public {
        IBountyMarket.BountyParams memory p = _params();
        p.evaluator = address(0);
        _expectCreateRevert(p, _top3(), abi.encodeWithSelector(IBountyMarket.InvalidEvaluator.selector, address(0)));
    }

    function test_createBounty_revertsIfArbiterZero() public {
        IBountyMarket.BountyParams memory p = _params();
        p.arbiter = address(0);
        _expectCreateRevert(p, _top3(), abi.encodeWithSelector(IBountyMarket.InvalidArbiter.selector, address(0)));
    }

    function test_createBounty_revertsIfArbiterIsEvaluator() public {
        IBountyMarket.BountyParams memory p = _params();
        p.arbiter = evaluator;
        _expectCreateRevert(p, _top3(), abi.encodeWithSelector(IBountyMarket.InvalidArbiter.selector, evaluator));
    }

    function test_createBounty_revertsIfMaxSubmissionsZero() public {
        IBountyMarket.BountyParams memory p = _params();
        p.maxSubmissionsPerContributor = 0;
        _expectCreateRevert(p, _top3(), abi.encodeWithSelector(IBountyMarket.ZeroMaxSubmissions.selector));
    }

    function test_createBounty_revertsIfBondZero() public {
        IBountyMarket.BountyParams memory p = _params();
        p.challengeBond = 0;
        _expectCreateRevert(p, _top3(), abi.encodeWithSelector(IBountyMarket.InvalidChallengeBond.selector, 0));
    }

    function test_createBounty_revertsIfBondAboveUint96() public {
        IBountyMarket.BountyParams memory p = _params();
        p.challengeBond = uint256(type(uint96).max) + 1;
        _expectCreateRevert(
            p, _top3(), abi.encodeWithSelector(IBountyMarket.InvalidChallengeBond.selector, p.challengeBond)
        );
    }

    // --- hashes and threshold ---

    function test_createBounty_revertsIfTestSetCommitmentZero() public {
        IBountyMarket.BountyParams memory p = _params();
        p.testSetCommitment = bytes32(0);
        _expectCreateRevert(p, _top3(), abi.encodeWithSelector(IBountyMarket.ZeroTestSetCommitment.selector));
    }

    function test_createBounty_revertsIfSpecHashZero() public {
        IBountyMarket.BountyParams memory p = _params();
        p.specHash = bytes32(0);
        _expectCreateRevert(p, _top3(), abi.encodeWithSelector(IBountyMarket.ZeroSpecHash.selector));
    }

    function test_createBounty_revertsIfThresholdAboveInt128() public {
        IBountyMarket.BountyParams memory p = _params();
        p.threshold = int256(type(int128).max) + 1;
        _expectCreateRevert(p, _top3(), abi.encodeWithSelector(IBountyMarket.ThresholdOutOfRange.selector, p.threshold));
    }

    function test_createBounty_revertsIfThresholdBelowInt128() public {
        IBountyMarket.BountyParams memory p = _params();
        p.threshold = int256(type(int128).min) - 1;
        _expectCreateRevert(p, _top3(), abi.encodeWithSelector(IBountyMarket.ThresholdOutOfRange.selector, p.threshold));
    }

    // --- funds ---

    function test_createBounty_revertsIfAmountZero() public {
        IBountyMarket.BountyParams memory p = _params();
        p.amount = 0;
        _expectCreateRevert(p, _top3(), abi.encodeWithSelector(IBountyMarket.ZeroAmount.selector));
    }

    function test_createBounty_revertsIfTokenDeliversNothing() public {
        FeeOnTransferToken allFee = new FeeOnTransferToken(10_000);
        allFee.mint(sponsor, 1 ether);
        vm.prank(sponsor);
        allFee.approve(address(market), type(uint256).max);
        IBountyMarket.BountyParams memory p = _params();
        p.token = address(allFee);
        p.amount = 1 ether;
        _expectCreateRevert(p, _top3(), abi.encodeWithSelector(IBountyMarket.ZeroAmount.selector));
    }

    function test_createBounty_revertsIfEthValueDiffersFromAmount() public {
        IBountyMarket.BountyParams memory p = _params();
        uint16[] memory shares = _top3();
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.ValueMismatch.selector, REWARD, REWARD - 1));
        vm.prank(sponsor);
        market.createBounty{value: REWARD - 1}(p, shares);
    }

    function test_createBounty_revertsIfEthSentWithErc20() public {
        IBountyMarket.BountyParams memory p = _params();
        p.token = address(token);
        p.amount = 1e6;
        uint16[] memory shares = _top3();
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.ValueMismatch.selector, 0, 1));
        vm.prank(sponsor);
        market.createBounty{value: 1}(p, shares);
    }

    function test_createBounty_revertsIfTokenNotContract() public {
        IBountyMarket.BountyParams memory p = _params();
        p.token = stranger;
        _expectCreateRevert(p, _top3(), abi.encodeWithSelector(IBountyMarket.TokenNotContract.selector, stranger));
    }

    function test_createBounty_revertsIfAmountAboveUint128() public {
        IBountyMarket.BountyParams memory p = _params();
        p.amount = uint256(type(uint128).max) + 1;
        vm.deal(sponsor, p.amount);
        _expectCreateRevert(p, _top3(), abi.encodeWithSelector(IBountyMarket.AmountTooLarge.selector, p.amount));
    }

    function test_createBounty_revertsIfAllowanceMissing() public {
        IBountyMarket.BountyParams memory p = _params();
        p.token = address(token);
        p.amount = 1e6;
        uint16[] memory shares = _top3();
        vm.prank(stranger);
        vm.expectRevert(); // the token's own error: the sponsor approved nothing
        market.createBounty(p, shares);
    }

    function _expectCreateRevert(IBountyMarket.BountyParams memory p, uint16[] memory shares, bytes memory err)
        internal
    {
        uint256 value = p.token == ETH ? p.amount : 0;
        vm.expectRevert(err);
        vm.prank(sponsor);
        market.createBounty{value: value}(p, shares);
    }
}

contract TopUpTest is MarketFixture {
    uint256 internal id;

    function setUp() public override {
        super.setUp();
        id = _createDefault();
    }

    function test_topUp_addsToRewardIfOpen() public {
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.ToppedUp(id, stranger, 1 ether, REWARD + 1 ether);
        vm.prank(stranger);
        uint256 received = market.topUp{value: 1 ether}(id, 1 ether);
        vm.assertEq(received, 1 ether, "received");
        vm.assertEq(_info(id).reward, REWARD + 1 ether, "reward");
        vm.assertEq(address(market).balance, REWARD + 1 ether, "balance");
    }

    function test_topUp_allowedAfterFirstSubmission() public {
        _submit(id, alice, _model("a"));
        vm.prank(stranger);
        market.topUp{value: 1 ether}(id, 1 ether);
        vm.assertEq(_info(id).reward, REWARD + 1 ether, "reward");
    }

    function test_topUp_addsAmountReceivedIfFeeOnTransfer() public {
        FeeOnTransferToken feeToken = new FeeOnTransferToken(500);
        feeToken.mint(sponsor, 100 ether);
        feeToken.mint(stranger, 100 ether);
        vm.prank(sponsor);
        feeToken.approve(address(market), type(uint256).max);
        vm.prank(stranger);
        feeToken.approve(address(market), type(uint256).max);
        IBountyMarket.BountyParams memory p = _params();
        p.token = address(feeToken);
        p.amount = 20 ether;
        uint256 tokenBounty = _create(p, _top3());
        vm.prank(stranger);
        uint256 received = market.topUp(tokenBounty, 10 ether);
        vm.assertEq(received, 9.5 ether, "received less the token's fee");
        vm.assertEq(_info(tokenBounty).reward, 19 ether + 9.5 ether, "reward");
        vm.assertEq(feeToken.balanceOf(address(market)), 28.5 ether, "balance matches");
    }

    function test_topUp_revertsIfBountyUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.BountyNotFound.selector, 99));
        market.topUp{value: 1}(99, 1);
    }

    function test_topUp_revertsIfNotOpen() public {
        vm.prank(sponsor);
        market.cancel(id);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.BountyNotOpen.selector, id));
        vm.prank(stranger);
        market.topUp{value: 1}(id, 1);
    }

    function test_topUp_revertsIfAfterSubmissionDeadline() public {
        uint64 deadline = _info(id).submissionDeadline;
        vm.warp(deadline);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.SubmissionsClosed.selector, id, deadline));
        vm.prank(stranger);
        market.topUp{value: 1}(id, 1);
    }

    function test_topUp_revertsIfAmountZero() public {
        vm.expectRevert(IBountyMarket.ZeroAmount.selector);
        vm.prank(stranger);
        market.topUp(id, 0);
    }

    function test_topUp_revertsIfValueMismatch() public {
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.ValueMismatch.selector, 2, 1));
        vm.prank(stranger);
        market.topUp{value: 1}(id, 2);
    }

    function test_topUp_revertsIfRewardWouldExceedUint128() public {
        uint256 amount = uint256(type(uint128).max) - REWARD + 1;
        vm.deal(stranger, amount);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.AmountTooLarge.selector, REWARD + amount));
        vm.prank(stranger);
        market.topUp{value: amount}(id, amount);
    }
}

contract CancelTest is MarketFixture {
    uint256 internal id;

    function setUp() public override {
        super.setUp();
        id = _createDefault();
    }

    function test_cancel_refundsSponsorIfNoSubmission() public {
        vm.prank(stranger);
        market.topUp{value: 1 ether}(id, 1 ether);
        uint256 before = sponsor.balance;
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.BountyCancelled(id, REWARD + 1 ether);
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.Payout(id, sponsor, ETH, IBountyMarket.PayoutKind.Refund, REWARD + 1 ether, false);
        vm.prank(sponsor);
        market.cancel(id);
        vm.assertEq(sponsor.balance, before + REWARD + 1 ether, "refund includes top-ups");
        vm.assertEq(address(market).balance, 0, "escrow empty");
        vm.assertEq(uint256(_info(id).status), uint256(IBountyMarket.Status.Cancelled), "status");
    }

    function test_cancel_allowedAfterDeadlineIfNoSubmission() public {
        vm.warp(_info(id).evaluationDeadline + 1);
        vm.prank(sponsor);
        market.cancel(id);
        vm.assertEq(uint256(_info(id).status), uint256(IBountyMarket.Status.Cancelled), "status");
    }

    function test_cancel_revertsIfNotSponsor() public {
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.NotSponsor.selector, id, stranger));
        vm.prank(stranger);
        market.cancel(id);
    }

    function test_cancel_revertsIfAnySubmission() public {
        _submit(id, alice, _model("a"));
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.FundsLocked.selector, id));
        vm.prank(sponsor);
        market.cancel(id);
    }

    function test_cancel_revertsIfAlreadyCancelled() public {
        vm.prank(sponsor);
        market.cancel(id);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.BountyNotOpen.selector, id));
        vm.prank(sponsor);
        market.cancel(id);
    }

    function test_cancel_revertsIfBountyUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.BountyNotFound.selector, 7));
        vm.prank(sponsor);
        market.cancel(7);
    }
}
