// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {MarketFixture} from "./utils/MarketFixture.sol";
import {ReentrantWinner, NoReturnToken, FeeOnTransferToken, BlacklistToken, GasBurningToken} from "./utils/Mocks.sol";
import {IBountyMarket} from "../src/IBountyMarket.sol";

/// @notice What an attacker in each role might try, and why it fails.
contract ReentrancyAttackTest is MarketFixture {
    ReentrantWinner internal winner;
    uint256 internal id;
    uint256 internal prize;

    function setUp() public override {
        super.setUp();
        winner = new ReentrantWinner(market);
        id = _createDefault();
        vm.prank(address(winner));
        market.submit(id, _commitment(_model("w"), address(winner)));
        _submit(id, bob, _model("bob"));
        _propose(id, _two(_entry(0, address(winner), _model("w"), 990_000), _entry(1, bob, _model("bob"), 980_000)));
        _warpToChallengeDeadline(id);
        prize = _net(REWARD, 5_000);
        vm.deal(treasury, 0);
    }

    function test_finalize_creditsWinnerIfItReentersAndReverts() public {
        winner.arm(id, false, false);
        market.finalize(id, _winners(id));
        vm.assertEq(address(winner).balance, 0, "push refused by the winner's own revert");
        vm.assertEq(market.creditOf(address(winner), ETH), prize, "credited once");
        vm.assertEq(bob.balance, _net(REWARD, 3_000), "others paid");
        vm.assertEq(address(market).balance, prize, "only the credit remains");
        winner.disarm();
        vm.assertEq(winner.withdraw(), prize, "withdrawn once");
        vm.assertEq(address(market).balance, 0, "escrow empty");
    }

    function test_finalize_blocksReentryIfWinnerSwallowsFailure() public {
        winner.arm(id, true, false);
        vm.expectEmit(true, true, true, true, address(winner));
        emit ReentrantWinner.Reentered(false, ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        market.finalize(id, _winners(id));
        vm.assertEq(address(winner).balance, prize, "paid exactly its prize");
        vm.assertEq(address(market).balance, 0, "nothing paid twice, nothing left");
        vm.expectRevert(
            abi.encodeWithSelector(IBountyMarket.NotFinalizable.selector, id, IBountyMarket.Status.Finalized)
        );
        market.finalize(id, _winners(id));
    }

    function test_withdraw_blocksReentryDuringWithdrawal() public {
        winner.arm(id, false, false);
        market.finalize(id, _winners(id)); // winner is credited
        winner.arm(id, true, true); // now re-enter withdraw from inside the withdrawal
        vm.expectEmit(true, true, true, true, address(winner));
        emit ReentrantWinner.Reentered(false, ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        winner.withdraw();
        vm.assertEq(address(winner).balance, prize, "one withdrawal");
        vm.assertEq(market.creditOf(address(winner), ETH), 0, "credit cleared");
    }
}

contract SponsorAttackTest is MarketFixture {
    function test_escrow_staysLockedIfSponsorTriesToDrainAfterSubmission() public {
        uint256 id = _createDefault();
        _submit(id, alice, _model("alice"));

        vm.startPrank(sponsor);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.FundsLocked.selector, id));
        market.cancel(id);
        uint64 evaluationDeadline = _info(id).evaluationDeadline;
        vm.expectRevert(
            abi.encodeWithSelector(IBountyMarket.EvaluationDeadlineNotReached.selector, id, evaluationDeadline)
        );
        market.expire(id);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.NothingToWithdraw.selector, sponsor, ETH));
        market.withdraw(ETH);
        vm.stopPrank();

        // Proposing an empty ranking himself (to get everything back) is the evaluator's right only.
        _warpToSubmissionDeadline(id);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.NotEvaluator.selector, id, sponsor));
        vm.prank(sponsor);
        market.proposeResults(id, new IBountyMarket.ResultEntry[](0), REPORT);

        vm.assertEq(address(market).balance, REWARD, "escrow intact");
    }

    function test_overturnResults_revertsIfSponsorTriesToRule() public {
        uint256 id = _proposedDefault();
        vm.deal(sponsor, 10 ether);
        vm.prank(sponsor);
        market.challenge{value: BOND}(id); // anyone may challenge, the sponsor too ...
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.NotArbiter.selector, id, sponsor));
        vm.prank(sponsor);
        market.overturnResults(id, new IBountyMarket.ResultEntry[](0), REPORT); // ... but not rule on it
        // Nor can the arbiter's silence help him: after the arbitration deadline the results stand.
        vm.warp(_info(id).arbitrationDeadline);
        market.finalize(id, _winners(id));
        vm.assertEq(alice.balance, _net(REWARD, 5_000), "winners paid");
    }
}

contract EvaluatorAttackTest is MarketFixture {
    uint256 internal id;

    function setUp() public override {
        super.setUp();
        id = _createDefault();
        _submit(id, alice, _model("alice"));
        _submit(id, bob, _model("bob"));
        _warpToSubmissionDeadline(id);
    }

    function test_proposeResults_revertsIfEvaluatorPaysUncommittedAddress() public {
        IBountyMarket.ResultEntry[] memory entries = _one(_entry(0, evaluator, _model("alice"), 990_000));
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.CommitmentMismatch.selector, 0));
        vm.prank(evaluator);
        market.proposeResults(id, entries, REPORT);
    }

    function test_proposeResults_revertsIfEvaluatorPaysUncommittedModel() public {
        // A model trained after the deadline (or someone else's) under alice's index.
        bytes32 lateModel = _model("trained after the deadline");
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.CommitmentMismatch.selector, 1));
        vm.prank(evaluator);
        market.proposeResults(id, _one(_entry(1, bob, lateModel, 990_000)), REPORT);
    }

    function test_proposeResults_revertsIfEvaluatorInventsSubmission() public {
        IBountyMarket.ResultEntry[] memory entries = _one(_entry(2, evaluator, _model("x"), 990_000));
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.UnknownSubmission.selector, 2));
        vm.prank(evaluator);
        market.proposeResults(id, entries, REPORT);
    }

    function test_proposeResults_revertsIfEvaluatorReordersRanks() public {
        // bob scored lower but is listed first
        IBountyMarket.ResultEntry[] memory entries =
            _two(_entry(1, bob, _model("bob"), 900_000), _entry(0, alice, _model("alice"), 950_000));
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.RankingOutOfOrder.selector, 1));
        vm.prank(evaluator);
        market.proposeResults(id, entries, REPORT);
    }

    function test_proposeResults_revertsIfEvaluatorListsSubmissionTwice() public {
        IBountyMarket.ResultEntry[] memory entries =
            _two(_entry(0, alice, _model("alice"), 950_000), _entry(0, alice, _model("alice"), 950_000));
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.DuplicateSubmission.selector, 0));
        vm.prank(evaluator);
        market.proposeResults(id, entries, REPORT);
    }

    function test_overturnResults_correctsIfEvaluatorSwappedScores() public {
        // Scores are not checkable on-chain: the evaluator swaps them; a challenger catches it.
        _propose(id, _two(_entry(1, bob, _model("bob"), 950_000), _entry(0, alice, _model("alice"), 900_000)));
        _challenge(id);
        IBountyMarket.ResultEntry[] memory corrected =
            _two(_entry(0, alice, _model("alice"), 950_000), _entry(1, bob, _model("bob"), 900_000));
        vm.prank(arbiter);
        market.overturnResults(id, corrected, keccak256("correct report"));
        _reveal(id); // a public bounty pays out on revealed data
        market.finalize(id, _winners(id));
        vm.assertEq(alice.balance, _net(REWARD, 5_000), "alice gets rank 0");
        vm.assertEq(bob.balance, _net(REWARD, 3_000), "bob gets rank 1");
    }
}

contract TimingAttackTest is MarketFixture {
    function test_submit_revertsIfAfterDeadline() public {
        uint256 id = _createDefault();
        uint64 deadline = _info(id).submissionDeadline;
        vm.warp(deadline + 1);
        bytes32 c = _commitment(_model("late"), alice);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.SubmissionsClosed.selector, id, deadline));
        vm.prank(alice);
        market.submit(id, c);
    }

    function test_finalize_revertsIfCalledTwice() public {
        uint256 id = _proposedDefault();
        _warpToChallengeDeadline(id);
        market.finalize(id, _winners(id));
        uint256 aliceBalance = alice.balance;
        vm.expectRevert(
            abi.encodeWithSelector(IBountyMarket.NotFinalizable.selector, id, IBountyMarket.Status.Finalized)
        );
        market.finalize(id, _winners(id));
        vm.assertEq(alice.balance, aliceBalance, "not paid again");
    }

    function test_revealTestSet_revertsIfSaltWrong() public {
        uint256 id = _proposedDefault();
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.TestSetMismatch.selector, id));
        market.revealTestSet(id, TEST_SET_SHA, bytes32(uint256(SALT) + 1));
    }

    function test_challenge_revertsIfAfterWindow() public {
        uint256 id = _proposedDefault();
        uint64 deadline = _info(id).challengeDeadline;
        vm.warp(deadline + 1 hours);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.ChallengeWindowClosed.selector, id, deadline));
        vm.prank(challenger);
        market.challenge{value: BOND}(id);
    }

    function test_submit_copiedCommitmentStillPaysItsAuthor() public {
        // A front-runner copies alice's commitment from the mempool and lands first: it names alice, so
        // the copy can only ever pay alice.
        uint256 id = _createDefault();
        bytes32 c = _commitment(_model("alice"), alice);
        vm.prank(stranger);
        market.submit(id, c); // index 0
        vm.prank(alice);
        market.submit(id, c); // index 1
        IBountyMarket.ResultEntry[] memory toStranger = _one(_entry(0, stranger, _model("alice"), 990_000));
        _warpToSubmissionDeadline(id);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.CommitmentMismatch.selector, 0));
        vm.prank(evaluator);
        market.proposeResults(id, toStranger, REPORT);
        _propose(id, _one(_entry(0, alice, _model("alice"), 990_000)));
        _warpToChallengeDeadline(id);
        market.finalize(id, _winners(id));
        vm.assertEq(alice.balance, _net(REWARD, 5_000), "alice paid");
        vm.assertEq(stranger.balance, 100 ether, "front-runner gained nothing");
    }
}

contract TokenAttackTest is MarketFixture {
    function test_finalize_paysIfTokenReturnsNothing() public {
        NoReturnToken usdt = new NoReturnToken();
        usdt.mint(sponsor, 1_000e6);
        usdt.mint(challenger, 100e6);
        vm.prank(sponsor);
        usdt.approve(address(market), type(uint256).max);
        vm.prank(challenger);
        usdt.approve(address(market), type(uint256).max);

        IBountyMarket.BountyParams memory p = _params();
        p.token = address(usdt);
        p.amount = 1_000e6;
        p.challengeBond = 10e6;
        uint256 id = _create(p, _top3());
        vm.assertEq(usdt.balanceOf(address(market)), 1_000e6, "pulled without a return value");
        _submit(id, alice, _model("alice"));
        _submit(id, bob, _model("bob"));
        _propose(id, _two(_entry(0, alice, _model("alice"), 990_000), _entry(1, bob, _model("bob"), 980_000)));
        vm.prank(challenger);
        market.challenge(id);
        vm.prank(arbiter);
        market.upholdResults(id);
        _reveal(id);
        market.finalize(id, _winners(id));

        vm.assertEq(usdt.balanceOf(alice), _net(1_000e6, 5_000), "alice");
        vm.assertEq(usdt.balanceOf(bob), _net(1_000e6, 3_000), "bob");
        vm.assertEq(usdt.balanceOf(sponsor), 200e6, "unused 20% refunded");
        vm.assertEq(usdt.balanceOf(treasury), 10e6 + 800e6 * uint256(FEE_BPS) / 10_000, "bond and fee");
        vm.assertEq(usdt.balanceOf(address(market)), 0, "escrow empty");
    }

    function test_finalize_staysSolventIfTokenTakesTransferFee() public {
        FeeOnTransferToken feeToken = new FeeOnTransferToken(100); // 1 % per transfer
        feeToken.mint(sponsor, 1_000 ether);
        feeToken.mint(stranger, 1_000 ether);
        vm.prank(sponsor);
        feeToken.approve(address(market), type(uint256).max);
        vm.prank(stranger);
        feeToken.approve(address(market), type(uint256).max);

        IBountyMarket.BountyParams memory p = _params();
        p.token = address(feeToken);
        p.amount = 100 ether;
        uint256 id = _create(p, _top3());
        vm.prank(stranger);
        market.topUp(id, 50 ether);
        uint256 escrowed = 99 ether + 49.5 ether;
        vm.assertEq(_info(id).reward, escrowed, "reward counts what arrived");
        vm.assertEq(feeToken.balanceOf(address(market)), escrowed, "balance equals escrow");

        _submit(id, alice, _model("alice"));
        _propose(id, _one(_entry(0, alice, _model("alice"), 990_000)));
        _warpToChallengeDeadline(id);
        market.finalize(id, _winners(id));
        vm.assertEq(feeToken.balanceOf(address(market)), 0, "paid out exactly what it held");
        vm.assertEq(
            feeToken.balanceOf(alice), _net(escrowed, 5_000) * 99 / 100, "alice gets the prize less the token's cut"
        );
    }

    function test_finalize_creditsBlacklistedPayeeAndPaysOthers() public {
        BlacklistToken usdc = new BlacklistToken();
        usdc.mint(sponsor, 1_000e6);
        vm.prank(sponsor);
        usdc.approve(address(market), type(uint256).max);
        IBountyMarket.BountyParams memory p = _params();
        p.token = address(usdc);
        p.amount = 1_000e6;
        uint256 id = _create(p, _top3());
        _submit(id, alice, _model("alice"));
        _submit(id, bob, _model("bob"));
        _propose(id, _two(_entry(0, alice, _model("alice"), 990_000), _entry(1, bob, _model("bob"), 980_000)));
        _warpToChallengeDeadline(id);

        usdc.setBlacklisted(alice, true);
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.Payout(id, alice, address(usdc), IBountyMarket.PayoutKind.Prize, _net(1_000e6, 5_000), true);
        market.finalize(id, _winners(id));
        vm.assertEq(usdc.balanceOf(bob), _net(1_000e6, 3_000), "bob paid despite alice");
        vm.assertEq(market.creditOf(alice, address(usdc)), _net(1_000e6, 5_000), "alice credited");

        // Alice moves her credit to an address the token accepts.
        vm.prank(alice);
        market.withdrawTo(address(usdc), dave);
        vm.assertEq(usdc.balanceOf(dave), _net(1_000e6, 5_000), "withdrawn to another address");
        vm.assertEq(usdc.balanceOf(address(market)), 0, "escrow empty");
    }

    function test_finalize_creditsSponsorIfBlacklisted() public {
        BlacklistToken usdc = new BlacklistToken();
        usdc.mint(sponsor, 1_000e6);
        vm.prank(sponsor);
        usdc.approve(address(market), type(uint256).max);
        IBountyMarket.BountyParams memory p = _params();
        p.token = address(usdc);
        p.amount = 1_000e6;
        uint256 id = _create(p, _top3());
        _submit(id, alice, _model("alice"));
        _propose(id, _one(_entry(0, alice, _model("alice"), 990_000)));
        _warpToChallengeDeadline(id);
        usdc.setBlacklisted(sponsor, true);
        market.finalize(id, _winners(id));
        vm.assertEq(usdc.balanceOf(alice), _net(1_000e6, 5_000), "winner paid");
        vm.assertEq(market.creditOf(sponsor, address(usdc)), 500e6, "refund credited");
    }

    function test_finalize_creditsIfTokenBurnsGasForOnePayee() public {
        GasBurningToken burner = new GasBurningToken();
        burner.mint(sponsor, 1_000 ether);
        vm.prank(sponsor);
        burner.approve(address(market), type(uint256).max);
        IBountyMarket.BountyParams memory p = _params();
        p.token = address(burner);
        p.amount = 1_000 ether;
        uint256 id = _create(p, _top3());
        _submit(id, alice, _model("alice"));
        _submit(id, bob, _model("bob"));
        _propose(id, _two(_entry(0, alice, _model("alice"), 990_000), _entry(1, bob, _model("bob"), 980_000)));
        _warpToChallengeDeadline(id);
        burner.setVictim(alice);
        address[] memory winners = _winners(id);
        market.finalize{gas: 1_000_000}(id, winners); // a block's worth of gas is not needed
        vm.assertEq(market.creditOf(alice, address(burner)), _net(1_000 ether, 5_000), "alice credited");
        vm.assertEq(burner.balanceOf(bob), _net(1_000 ether, 3_000), "bob paid");
    }
}
