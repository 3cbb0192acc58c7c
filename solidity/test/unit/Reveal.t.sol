// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "../utils/MarketFixture.sol";
import {IBountyMarket} from "../../src/IBountyMarket.sol";

/// @notice "A reveal nobody can withhold": a public bounty pays out only after its test set is revealed, and a
/// reveal withheld past the deadline neither strands the reward nor returns any of it to the sponsor.
contract RevealTest is MarketFixture {
    function setUp() public override {
        super.setUp();
        vm.deal(treasury, 0);
    }

    /// @dev Default top-3 bounty (50/30/20) where only alice and bob qualify: 20 % would return to the sponsor.
    function _proposedTwoQualify(IBountyMarket.RevealPolicy policy) internal returns (uint256 id) {
        IBountyMarket.BountyParams memory p = _params();
        p.revealPolicy = policy;
        id = _create(p, _top3());
        _submit(id, alice, _model("alice"));
        _submit(id, bob, _model("bob"));
        _submit(id, carol, _model("carol"));
        IBountyMarket.ResultEntry[] memory entries = new IBountyMarket.ResultEntry[](3);
        entries[0] = _entry(0, alice, _model("alice"), 950_000);
        entries[1] = _entry(1, bob, _model("bob"), 900_000);
        entries[2] = _entry(2, carol, _model("carol"), 100_000); // below the threshold
        _propose(id, entries);
    }

    function test_finalize_revertsIfPublicResolvedBeforeReveal() public {
        uint256 id = _proposedDefault();
        _challenge(id);
        vm.prank(arbiter);
        market.upholdResults(id);
        uint64 revealDeadline = _info(id).challengeDeadline;
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.TestSetNotRevealed.selector, id, revealDeadline));
        market.finalize(id, _winners(id));
    }

    function test_finalize_allowedOnceResolvedBountyRevealed() public {
        uint256 id = _proposedDefault();
        _challenge(id);
        vm.prank(arbiter);
        market.upholdResults(id);
        _reveal(id);
        market.finalize(id, _winners(id));
        vm.assertEq(uint256(_info(id).status), uint256(IBountyMarket.Status.Finalized), "finalized");
    }

    function test_finalize_refundsSponsorIfRevealedInTime() public {
        uint256 id = _proposedTwoQualify(IBountyMarket.RevealPolicy.Public);
        vm.warp(_info(id).challengeDeadline - 1);
        _reveal(id); // the last second: the window restarts
        _warpPastRevealDeadline(id);
        uint256 sponsorBefore = sponsor.balance;
        market.finalize(id, _winners(id));
        vm.assertEq(sponsor.balance, sponsorBefore + REWARD * 2_000 / 10_000, "carol's unused share returns");
        vm.assertEq(alice.balance, _net(REWARD, 5_000), "alice: her share");
        vm.assertEq(bob.balance, _net(REWARD, 3_000), "bob: his share");
    }

    function test_finalize_paysSponsorsRemainderToWinnersIfRevealWithheld() public {
        uint256 id = _proposedTwoQualify(IBountyMarket.RevealPolicy.Public);
        _warpPastRevealDeadline(id); // nobody revealed
        uint256 sponsorBefore = sponsor.balance;
        uint256 forfeited = REWARD * 2_000 / 10_000;
        uint256 fee = REWARD * 8_000 / 10_000 * FEE_BPS / 10_000; // on the shares only, as if revealed
        uint256 aliceBonus = forfeited * 5_000 / 8_000;
        uint256 bobBonus = forfeited - aliceBonus; // the last paid rank takes the rounding dust
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.Payout(
            id, alice, ETH, IBountyMarket.PayoutKind.Prize, _net(REWARD, 5_000) + aliceBonus, false
        );
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.Payout(id, bob, ETH, IBountyMarket.PayoutKind.Prize, _net(REWARD, 3_000) + bobBonus, false);
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.RevealWithheld(id, forfeited);
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.BountyFinalized(id, REWARD - fee, fee, 0);
        vm.prank(stranger); // anyone can settle it
        market.finalize(id, _winners(id));

        vm.assertEq(sponsor.balance, sponsorBefore, "the withholding sponsor gets nothing back");
        vm.assertEq(treasury.balance, fee, "fee unchanged by the withholding");
        vm.assertEq(alice.balance + bob.balance + treasury.balance, REWARD, "the whole reward is paid out");
        vm.assertEq(address(market).balance, 0, "nothing stranded");
    }

    function test_finalize_refundsSponsorIfRevealWithheldAndNobodyPaid() public {
        uint256 id = _createDefault();
        _submit(id, alice, _model("alice"));
        _propose(id, _one(_entry(0, alice, _model("alice"), 1)));
        _warpPastRevealDeadline(id);
        uint256 sponsorBefore = sponsor.balance;
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.RevealWithheld(id, 0);
        market.finalize(id, _winners(id));
        vm.assertEq(sponsor.balance, sponsorBefore + REWARD, "as on expiry: nobody to give it to");
    }

    function test_finalize_withheldIfArbiterSilentAndNeverRevealed() public {
        uint256 id = _proposedTwoQualify(IBountyMarket.RevealPolicy.Public);
        _challenge(id);
        vm.warp(_info(id).arbitrationDeadline);
        uint256 sponsorBefore = sponsor.balance;
        uint256 challengerBefore = challenger.balance;
        market.finalize(id, _winners(id));
        vm.assertEq(sponsor.balance, sponsorBefore, "no refund");
        vm.assertEq(challenger.balance, challengerBefore, "the unsettled challenge's bond is forfeited as usual");
        vm.assertEq(
            alice.balance + bob.balance + treasury.balance, REWARD + BOND, "reward to the winners, fee and bond"
        );
    }

    function test_finalize_withheldOnceResolvedBountyPassesRevealDeadline() public {
        uint256 id = _proposedTwoQualify(IBountyMarket.RevealPolicy.Public);
        _challenge(id);
        vm.prank(arbiter);
        market.upholdResults(id);
        _warpPastRevealDeadline(id);
        uint256 sponsorBefore = sponsor.balance;
        market.finalize(id, _winners(id));
        vm.assertEq(sponsor.balance, sponsorBefore, "no refund");
        vm.assertEq(uint256(_info(id).status), uint256(IBountyMarket.Status.Finalized), "settled");
    }

    function test_finalize_confidentialNeedsNoReveal() public {
        uint256 id = _proposedTwoQualify(IBountyMarket.RevealPolicy.Confidential);
        _warpPastRevealDeadline(id);
        uint256 sponsorBefore = sponsor.balance;
        market.finalize(id, _winners(id));
        vm.assertEq(sponsor.balance, sponsorBefore + REWARD * 2_000 / 10_000, "refund as usual");
    }

    function test_revealTestSet_revertsIfRevealDeadlinePassed() public {
        uint256 id = _proposedDefault();
        uint64 revealDeadline = _info(id).challengeDeadline;
        vm.warp(revealDeadline);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.RevealDeadlinePassed.selector, id, revealDeadline));
        _reveal(id);
    }

    function test_revealTestSet_confidentialAllowedAfterWindow() public {
        uint256 id = _proposedTwoQualify(IBountyMarket.RevealPolicy.Confidential);
        _warpPastRevealDeadline(id);
        _reveal(id);
        vm.assertTrue(_info(id).testSetRevealed, "revealed");
    }

    function test_revealTestSet_allowedBeforeResultsWithoutDeadline() public {
        uint256 id = _createDefault();
        _submit(id, alice, _model("alice"));
        vm.warp(_info(id).evaluationDeadline - 1);
        _reveal(id); // no results yet: no reveal deadline
        vm.assertTrue(_info(id).testSetRevealed, "revealed");
    }
}
