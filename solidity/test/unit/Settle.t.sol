// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "../utils/MarketFixture.sol";
import {RevertingReceiver, GasGuzzler, ExpensiveReceiver} from "../utils/Mocks.sol";
import {IBountyMarket} from "../../src/IBountyMarket.sol";

contract FinalizeTest is MarketFixture {
    function setUp() public override {
        super.setUp();
        vm.deal(treasury, 0);
    }

    function test_finalize_paysWinnersFeeAndRefund() public {
        uint256 id = _proposedDefault();
        _warpToChallengeDeadline(id);
        uint256 sponsorBefore = sponsor.balance;
        uint256 fee = REWARD * FEE_BPS / 10_000;
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.Payout(id, alice, ETH, IBountyMarket.PayoutKind.Prize, _net(REWARD, 5_000), false);
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.Payout(id, bob, ETH, IBountyMarket.PayoutKind.Prize, _net(REWARD, 3_000), false);
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.Payout(id, carol, ETH, IBountyMarket.PayoutKind.Prize, _net(REWARD, 2_000), false);
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.BountyFinalized(id, REWARD - fee, fee, 0);
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.Payout(id, treasury, ETH, IBountyMarket.PayoutKind.Fee, fee, false);
        vm.prank(stranger); // anyone, e.g. the backend's keeper
        market.finalize(id, _winners(id));

        vm.assertEq(alice.balance, 4.875 ether, "alice: 50% less 2.5%");
        vm.assertEq(bob.balance, 2.925 ether, "bob: 30% less 2.5%");
        vm.assertEq(carol.balance, 1.95 ether, "carol: 20% less 2.5%");
        vm.assertEq(treasury.balance, 0.25 ether, "fee");
        vm.assertEq(sponsor.balance, sponsorBefore, "nothing left to refund");
        vm.assertEq(address(market).balance, 0, "escrow empty");
        vm.assertEq(uint256(_info(id).status), uint256(IBountyMarket.Status.Finalized), "finalized");
    }

    function test_finalize_refundsUnusedSharesIfFewerQualify() public {
        uint256 id = _createDefault();
        _submit(id, alice, _model("alice"));
        _submit(id, bob, _model("bob"));
        _propose(id, _two(_entry(0, alice, _model("alice"), 900_000), _entry(1, bob, _model("bob"), 100_000)));
        _warpToChallengeDeadline(id);
        uint256 sponsorBefore = sponsor.balance;
        market.finalize(id, _winners(id));
        vm.assertEq(alice.balance, _net(REWARD, 5_000), "only alice qualifies");
        vm.assertEq(bob.balance, 0, "bob below threshold");
        vm.assertEq(sponsor.balance, sponsorBefore + REWARD / 2, "unused 50% returns without fee");
        vm.assertEq(treasury.balance, REWARD / 2 * FEE_BPS / 10_000, "fee on the paid share only");
    }

    function test_finalize_refundsEverythingIfNobodyQualifies() public {
        uint256 id = _createDefault();
        _submit(id, alice, _model("alice"));
        _propose(id, _one(_entry(0, alice, _model("alice"), 1)));
        _warpToChallengeDeadline(id);
        uint256 sponsorBefore = sponsor.balance;
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.BountyFinalized(id, 0, 0, REWARD);
        market.finalize(id, _winners(id));
        vm.assertEq(sponsor.balance, sponsorBefore + REWARD, "full refund");
        vm.assertEq(treasury.balance, 0, "no fee");
    }

    function test_finalize_sendsRoundingDustToSponsor() public {
        IBountyMarket.BountyParams memory p = _params();
        p.amount = 1_000_003; // wei: 1/3 shares do not divide it
        uint16[] memory shares = new uint16[](3);
        shares[0] = 3_334;
        shares[1] = 3_333;
        shares[2] = 3_333;
        uint256 id = _create(p, shares);
        _submit(id, alice, _model("alice"));
        _submit(id, bob, _model("bob"));
        _submit(id, carol, _model("carol"));
        IBountyMarket.ResultEntry[] memory entries = new IBountyMarket.ResultEntry[](3);
        entries[0] = _entry(0, alice, _model("alice"), 990_000);
        entries[1] = _entry(1, bob, _model("bob"), 980_000);
        entries[2] = _entry(2, carol, _model("carol"), 970_000);
        _propose(id, entries);
        _warpToChallengeDeadline(id);
        uint256 sponsorBefore = sponsor.balance;
        market.finalize(id, _winners(id));
        uint256 g0 = uint256(1_000_003) * 3_334 / 10_000;
        uint256 g1 = uint256(1_000_003) * 3_333 / 10_000;
        uint256 dust = 1_000_003 - g0 - 2 * g1;
        vm.assertEq(sponsor.balance - sponsorBefore, dust, "dust to sponsor");
        vm.assertEq(
            alice.balance + bob.balance + carol.balance + treasury.balance + dust, 1_000_003, "exactly the reward"
        );
        vm.assertEq(address(market).balance, 0, "nothing stuck");
    }

    function test_finalize_paysImmediatelyAfterUphold() public {
        uint256 id = _proposedDefault();
        _challenge(id);
        vm.prank(arbiter);
        market.upholdResults(id);
        _reveal(id); // public: revealed, then no need to wait for the window
        market.finalize(id, _winners(id));
        vm.assertEq(alice.balance, _net(REWARD, 5_000), "paid");
        vm.assertEq(treasury.balance, BOND + REWARD * FEE_BPS / 10_000, "bond and fee");
    }

    function test_finalize_paysFeeToChallengerIfOverturned() public {
        uint256 id = _proposedDefault();
        _challenge(id);
        uint256 challengerBefore = challenger.balance;
        IBountyMarket.ResultEntry[] memory corrected = _one(_entry(1, bob, _model("bob"), 990_000));
        vm.prank(arbiter);
        market.overturnResults(id, corrected, keccak256("fixed"));
        _reveal(id);
        market.finalize(id, _winners(id));
        market.claimChallenge(id, challenger);
        uint256 fee = REWARD / 2 * FEE_BPS / 10_000;
        vm.assertEq(bob.balance, _net(REWARD, 5_000), "bob takes rank 0");
        vm.assertEq(alice.balance, 0, "alice dropped");
        vm.assertEq(challenger.balance, challengerBefore + BOND + fee, "bond back plus the fee as reward");
        vm.assertEq(treasury.balance, 0, "treasury gets nothing");
    }

    function test_finalize_letsResultsStandAndForfeitsBondIfArbiterSilent() public {
        uint256 id = _proposedDefault();
        _challenge(id);
        uint256 challengerBefore = challenger.balance;
        vm.warp(_info(id).arbitrationDeadline);
        market.finalize(id, _winners(id));
        vm.assertEq(alice.balance, _net(REWARD, 5_000), "proposed results paid");
        vm.assertEq(challenger.balance, challengerBefore, "an unsettled challenge costs its bond");
        vm.assertEq(treasury.balance, REWARD * FEE_BPS / 10_000 + BOND, "fee and bond to treasury");
        vm.assertEq(address(market).balance, 0, "nothing stuck");
    }

    function test_finalize_creditsIfPushReverts() public {
        RevertingReceiver payee = new RevertingReceiver();
        uint256 id = _createDefault();
        _submit(id, address(payee), _model("p"));
        _propose(id, _one(_entry(0, address(payee), _model("p"), 990_000)));
        _warpToChallengeDeadline(id);
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.Payout(id, address(payee), ETH, IBountyMarket.PayoutKind.Prize, _net(REWARD, 5_000), true);
        market.finalize(id, _winners(id));
        vm.assertEq(market.creditOf(address(payee), ETH), _net(REWARD, 5_000), "credited");
        vm.assertEq(address(market).balance, _net(REWARD, 5_000), "held for withdrawal");
        payee.withdrawFrom(market, ETH, dave);
        vm.assertEq(dave.balance, _net(REWARD, 5_000), "withdrawn elsewhere");
    }

    function test_finalize_creditsIfReceiverBurnsGas() public {
        GasGuzzler guzzler = new GasGuzzler();
        uint256 id = _proposedWith(address(guzzler));
        _warpToChallengeDeadline(id);
        address[] memory winners = _winners(id);
        market.finalize{gas: 1_000_000}(id, winners);
        vm.assertEq(market.creditOf(address(guzzler), ETH), _net(REWARD, 5_000), "credited");
        vm.assertEq(bob.balance, _net(REWARD, 3_000), "others still paid");
    }

    function _proposedWith(address first) internal returns (uint256 id) {
        id = _createDefault();
        _submit(id, first, _model("first"));
        _submit(id, bob, _model("bob"));
        _propose(id, _two(_entry(0, first, _model("first"), 990_000), _entry(1, bob, _model("bob"), 980_000)));
    }

    function test_finalize_revertsIfBountyUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.BountyNotFound.selector, 12));
        market.finalize(12, _winners(12));
    }

    function test_finalize_revertsIfOpen() public {
        uint256 id = _createDefault();
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.NotFinalizable.selector, id, IBountyMarket.Status.Open));
        market.finalize(id, _winners(id));
    }

    function test_finalize_revertsIfClosedWithoutResults() public {
        uint256 id = _createDefault();
        _warpToSubmissionDeadline(id);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.NotFinalizable.selector, id, IBountyMarket.Status.Closed));
        market.finalize(id, _winners(id));
    }

    function test_finalize_revertsIfChallengeWindowOpen() public {
        uint256 id = _proposedDefault();
        uint64 deadline = _info(id).challengeDeadline;
        vm.warp(deadline - 1);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.ChallengeWindowOpen.selector, id, deadline));
        market.finalize(id, _winners(id));
    }

    function test_finalize_revertsIfArbitrationPending() public {
        uint256 id = _proposedDefault();
        _challenge(id);
        uint64 deadline = _info(id).arbitrationDeadline;
        vm.warp(deadline - 1);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.ArbitrationPending.selector, id, deadline));
        market.finalize(id, _winners(id));
    }

    function test_finalize_revertsIfAlreadyFinalized() public {
        uint256 id = _proposedDefault();
        _warpToChallengeDeadline(id);
        market.finalize(id, _winners(id));
        vm.expectRevert(
            abi.encodeWithSelector(IBountyMarket.NotFinalizable.selector, id, IBountyMarket.Status.Finalized)
        );
        market.finalize(id, _winners(id));
    }

    function test_finalize_revertsIfCancelled() public {
        uint256 id = _createDefault();
        vm.prank(sponsor);
        market.cancel(id);
        vm.expectRevert(
            abi.encodeWithSelector(IBountyMarket.NotFinalizable.selector, id, IBountyMarket.Status.Cancelled)
        );
        market.finalize(id, _winners(id));
    }

    function test_finalize_revertsIfExpired() public {
        uint256 id = _createDefault();
        vm.warp(_info(id).evaluationDeadline);
        market.expire(id);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.NotFinalizable.selector, id, IBountyMarket.Status.Expired));
        market.finalize(id, _winners(id));
    }
}

contract ExpireTest is MarketFixture {
    uint256 internal id;

    function setUp() public override {
        super.setUp();
        id = _createDefault();
        _submit(id, alice, _model("alice"));
    }

    function test_expire_refundsSponsorIfNoResults() public {
        vm.warp(_info(id).evaluationDeadline);
        uint256 before = sponsor.balance;
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.BountyExpired(id, REWARD);
        vm.prank(stranger);
        market.expire(id);
        vm.assertEq(sponsor.balance, before + REWARD, "refunded");
        vm.assertEq(uint256(_info(id).status), uint256(IBountyMarket.Status.Expired), "expired");
    }

    function test_expire_revertsIfBeforeEvaluationDeadline() public {
        uint64 deadline = _info(id).evaluationDeadline;
        vm.warp(deadline - 1);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.EvaluationDeadlineNotReached.selector, id, deadline));
        market.expire(id);
    }

    function test_expire_revertsIfResultsProposed() public {
        _propose(id, _one(_entry(0, alice, _model("alice"), 990_000)));
        vm.warp(_info(id).evaluationDeadline);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.BountyNotOpen.selector, id));
        market.expire(id);
    }

    function test_expire_revertsIfAlreadyExpired() public {
        vm.warp(_info(id).evaluationDeadline);
        market.expire(id);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.BountyNotOpen.selector, id));
        market.expire(id);
    }

    function test_expire_revertsIfBountyUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.BountyNotFound.selector, 8));
        market.expire(8);
    }
}

contract WithdrawTest is MarketFixture {
    RevertingReceiver internal payee;
    uint256 internal credit;

    function setUp() public override {
        super.setUp();
        payee = new RevertingReceiver();
        uint256 id = _createDefault();
        _submit(id, address(payee), _model("p"));
        _propose(id, _one(_entry(0, address(payee), _model("p"), 990_000)));
        _warpToChallengeDeadline(id);
        market.finalize(id, _winners(id));
        credit = _net(REWARD, 5_000);
    }

    function test_withdraw_paysCreditToCaller() public {
        ExpensiveReceiver wallet = new ExpensiveReceiver();
        uint256 id = _createDefault();
        _submit(id, address(wallet), _model("w"));
        _propose(id, _one(_entry(0, address(wallet), _model("w"), 990_000)));
        _warpToChallengeDeadline(id);
        market.finalize(id, _winners(id));
        vm.assertEq(wallet.totalReceived(), 0, "the push ran out of gas");
        vm.assertEq(market.creditOf(address(wallet), ETH), credit, "credited");
        vm.assertEq(wallet.withdraw(market, ETH), credit, "withdrawn");
        vm.assertEq(wallet.totalReceived(), credit, "received with full gas");
        vm.assertEq(market.creditOf(address(wallet), ETH), 0, "cleared");
    }

    function test_withdraw_revertsIfCallerRejectsEth() public {
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.EthTransferFailed.selector, address(payee), credit));
        vm.prank(address(payee));
        market.withdraw(ETH);
    }

    function test_withdrawTo_paysCreditToRecipient() public {
        vm.prank(address(payee));
        uint256 amount = market.withdrawTo(ETH, alice);
        vm.assertEq(amount, credit, "amount");
        vm.assertEq(alice.balance, credit, "received");
        vm.assertEq(market.creditOf(address(payee), ETH), 0, "credit cleared");
    }

    function test_withdrawTo_emitsAndClearsCredit() public {
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.Withdrawn(address(payee), ETH, bob, credit);
        vm.prank(address(payee));
        market.withdrawTo(ETH, bob);
        vm.assertEq(bob.balance, credit, "paid");
        vm.assertEq(address(market).balance, 0, "escrow empty");
    }

    function test_withdraw_revertsIfNoCredit() public {
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.NothingToWithdraw.selector, alice, ETH));
        vm.prank(alice);
        market.withdraw(ETH);
    }

    function test_withdraw_revertsIfCreditAlreadyWithdrawn() public {
        vm.prank(address(payee));
        market.withdrawTo(ETH, bob);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.NothingToWithdraw.selector, address(payee), ETH));
        vm.prank(address(payee));
        market.withdrawTo(ETH, bob);
    }

    function test_withdrawTo_revertsIfRecipientZero() public {
        vm.expectRevert(IBountyMarket.InvalidRecipient.selector);
        vm.prank(address(payee));
        market.withdrawTo(ETH, address(0));
    }

    function test_withdrawTo_revertsIfRecipientRejectsEth() public {
        RevertingReceiver other = new RevertingReceiver();
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.EthTransferFailed.selector, address(other), credit));
        vm.prank(address(payee));
        market.withdrawTo(ETH, address(other));
    }
}

contract ViewsTest is MarketFixture {
    function test_getBounty_revertsIfUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.BountyNotFound.selector, 1));
        market.getBounty(1);
    }

    function test_getBounty_reportsClosedAfterSubmissionDeadline() public {
        uint256 id = _createDefault();
        _warpToSubmissionDeadline(id);
        vm.assertEq(uint256(_info(id).status), uint256(IBountyMarket.Status.Closed), "closed");
    }

    function test_getShares_revertsIfUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.BountyNotFound.selector, 2));
        market.getShares(2);
    }

    function test_getWinners_emptyBeforeResults() public {
        uint256 id = _createDefault();
        vm.assertEq(_getWinners(id).length, 0, "none yet");
    }

    function test_getWinners_revertsIfUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.BountyNotFound.selector, 3));
        _getWinners(3);
    }

    function test_submissionCount_revertsIfUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.BountyNotFound.selector, 4));
        market.submissionCount(4);
    }

    function test_computeCommitment_matchesFormula() public view {
        bytes32 model = _model("m");
        vm.assertEq(market.computeCommitment(model, alice), keccak256(abi.encode(model, alice)), "submission");
        vm.assertEq(
            market.computeTestSetCommitment(TEST_SET_SHA, SALT), keccak256(abi.encode(TEST_SET_SHA, SALT)), "test set"
        );
        vm.assertEq(market.computeTestSetCommitment(TEST_SET_SHA, SALT), _params().testSetCommitment, "fixture agrees");
    }

    function test_creditOf_zeroByDefault() public view {
        vm.assertEq(market.creditOf(alice, ETH), 0, "no credit");
    }
}

/// @notice `finalize` is given the paid ranks and checks them against the stored hash.
contract FinalizeWinnersTest is MarketFixture {
    function test_finalize_revertsIfWinnersForged() public {
        uint256 id = _proposedDefault();
        _warpToChallengeDeadline(id);
        address[] memory forged = _winners(id);
        forged[0] = stranger;
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.WinnersMismatch.selector, id));
        market.finalize(id, forged);
    }

    function test_finalize_revertsIfWinnersReordered() public {
        uint256 id = _proposedDefault();
        _warpToChallengeDeadline(id);
        address[] memory swapped = _winners(id);
        (swapped[0], swapped[1]) = (swapped[1], swapped[0]);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.WinnersMismatch.selector, id));
        market.finalize(id, swapped);
    }

    function test_finalize_revertsIfWinnersTruncatedOrExtended() public {
        uint256 id = _proposedDefault();
        _warpToChallengeDeadline(id);
        address[] memory winners = _winners(id);
        address[] memory shorter = new address[](2);
        shorter[0] = winners[0];
        shorter[1] = winners[1];
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.WinnersMismatch.selector, id));
        market.finalize(id, shorter);
        address[] memory longer = new address[](4);
        for (uint256 i; i < 3; ++i) {
            longer[i] = winners[i];
        }
        longer[3] = alice;
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.WinnersMismatch.selector, id));
        market.finalize(id, longer);
    }

    function test_finalize_revertsIfGivenTheProposalAfterAnOverturn() public {
        uint256 id = _proposedDefault();
        address[] memory proposed = _winners(id);
        _challenge(id);
        IBountyMarket.ResultEntry[] memory corrected = _one(_entry(1, bob, _model("bob"), 990_000));
        vm.prank(arbiter);
        market.overturnResults(id, corrected, keccak256("fixed"));
        _reveal(id);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.WinnersMismatch.selector, id));
        market.finalize(id, proposed);
        market.finalize(id, _winners(id));
        vm.assertEq(bob.balance, _net(REWARD, 5_000), "the arbiter's ranking is paid");
    }

    function test_finalize_emptyResultsTakeAnEmptyList() public {
        uint256 id = _createDefault();
        _submit(id, alice, _model("a"));
        _propose(id, _one(_entry(0, alice, _model("a"), 100_000))); // below the threshold
        _warpToChallengeDeadline(id);
        vm.assertEq(_info(id).winnersHash, keccak256(""), "the hash of no paid rank");
        market.finalize(id, new address[](0));
        vm.assertEq(uint256(_info(id).status), uint256(IBountyMarket.Status.Finalized), "settled");
    }
}
