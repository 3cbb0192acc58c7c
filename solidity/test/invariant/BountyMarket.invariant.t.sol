// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "../utils/Test.sol";
import {Handler} from "./Handler.sol";
import {BountyMarket} from "../../src/BountyMarket.sol";
import {IBountyMarket} from "../../src/IBountyMarket.sol";

interface IBalance {
    function balanceOf(address account) external view returns (uint256);
}

/// @notice Accounting invariants over random sequences of every market action, with ETH, a plain
/// ERC-20, a fee-on-transfer token and a token that blacklists payees.
contract BountyMarketInvariantTest is Test {
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    address internal constant ETH = address(0);

    BountyMarket internal market;
    Handler internal handler;
    address internal treasury;

    function setUp() public {
        vm.warp(1_700_000_000);
        treasury = makeAddr("treasury");
        market = new BountyMarket(treasury, 300, makeAddr("relayer"));
        handler = new Handler(market, treasury, makeAddr("evaluator"), makeAddr("arbiter"));
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        // Repeated entries weight the common actions.
        bytes4[] memory selectors = new bytes4[](24);
        selectors[0] = Handler.createBounty.selector;
        selectors[1] = Handler.createBounty.selector;
        selectors[2] = Handler.topUp.selector;
        selectors[3] = Handler.cancel.selector;
        selectors[4] = Handler.submit.selector;
        selectors[5] = Handler.submit.selector;
        selectors[6] = Handler.submit.selector;
        selectors[7] = Handler.warp.selector;
        selectors[8] = Handler.proposeResults.selector;
        selectors[9] = Handler.proposeResults.selector;
        selectors[10] = Handler.revealTestSet.selector;
        selectors[11] = Handler.challenge.selector;
        selectors[12] = Handler.upholdResults.selector;
        selectors[13] = Handler.overturnResults.selector;
        selectors[14] = Handler.finalize.selector;
        selectors[15] = Handler.finalize.selector;
        selectors[16] = Handler.expire.selector;
        selectors[17] = Handler.withdraw.selector;
        selectors[18] = Handler.withdraw.selector;
        selectors[19] = Handler.toggleBlacklist.selector;
        selectors[20] = Handler.challenge.selector;
        selectors[21] = Handler.claimChallenge.selector;
        selectors[22] = Handler.relaySubmit.selector; // relayed batches beside direct submissions
        selectors[23] = Handler.relaySubmit.selector;
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector(address(handler), selectors);
    }

    /// @notice For every token, the market holds exactly what it owes: the rewards of unsettled bounties,
    /// the bonds of open challenges, and everyone's credits.
    function invariant_balanceEqualsLiabilities() public view {
        address[] memory tokens = handler.tokens();
        for (uint256 t; t < tokens.length; ++t) {
            vm.assertEq(_balance(tokens[t]), _liabilities(tokens[t]), "balance == liabilities");
        }
    }

    /// @notice No bounty pays out more than it received; a settled bounty paid out exactly that.
    function invariant_noBountyPaysMoreThanItHolds() public view {
        uint256[] memory ids = handler.ids();
        for (uint256 i; i < ids.length; ++i) {
            uint256 paid = handler.ghostPaidOut(ids[i]);
            uint256 deposited = handler.ghostDeposited(ids[i]);
            vm.assertLe(paid, deposited, "paid <= deposited");
            if (_settled(market.getBounty(ids[i]).status) && _unclaimed(ids[i]) == 0) {
                vm.assertEq(paid, deposited, "settled and claimed: all paid out");
            }
        }
    }

    /// @notice A bounty settles (finalize, cancel or expire) at most once, and a settlement that the rules
    /// allow never fails.
    function invariant_settlesOnceAndAlwaysCan() public view {
        uint256[] memory ids = handler.ids();
        for (uint256 i; i < ids.length; ++i) {
            vm.assertLe(handler.ghostSettlements(ids[i]), 1, "settled at most once");
        }
        vm.assertEq(handler.ghostSecondSettlements(), 0, "no second settlement");
        vm.assertEq(handler.ghostLivenessViolations(), 0, "allowed settlements succeed, forbidden ones fail");
    }

    /// @notice No prize ever goes to a bounty's sponsor, evaluator or arbiter, though they enter models.
    function invariant_noJudgeIsPaid() public view {
        vm.assertEq(handler.ghostJudgePrizes(), 0, "no prize to a judge");
    }

    /// @notice A public bounty's reveal is accepted exactly until its reveal deadline, and a sponsor whose
    /// reveal was withheld gets no refund while a rank is paid.
    function invariant_withheldRevealNeverRefundsSponsor() public view {
        vm.assertEq(handler.ghostRevealViolations(), 0, "reveal accepted exactly before the deadline");
        vm.assertEq(handler.ghostWithheldRefunds(), 0, "withheld: the remainder goes to the paid ranks");
    }

    /// @notice Several challengers: a bond comes back only with overturned results (a challenge that is upheld
    /// or that the arbiter leaves unsettled costs its bond), claims are due exactly when the rules say, and the
    /// bonds held are exactly the unclaimed bonds of overturned results or the bonds of an open dispute.
    function invariant_squattingCostsTheBond() public view {
        vm.assertEq(handler.ghostBondsBackUnlessOverturned(), 0, "no bond back unless overturned");
        vm.assertEq(handler.ghostClaimViolations(), 0, "claims exactly when due");
        uint256[] memory ids = handler.ids();
        for (uint256 i; i < ids.length; ++i) {
            IBountyMarket.BountyInfo memory info = market.getBounty(ids[i]);
            address[] memory challengers = handler.challengersOf(ids[i]);
            vm.assertEq(uint256(info.challengerCount), challengers.length, "every challenger counted");
            uint256 posted;
            for (uint256 c; c < challengers.length; ++c) {
                posted += market.challengeOf(ids[i], challengers[c]);
            }
            bool open = info.status == IBountyMarket.Status.Disputed;
            if (open || info.resultsOverturned) vm.assertEq(info.bondsHeld, posted, "bonds held: the unclaimed ones");
            else vm.assertEq(info.bondsHeld, 0, "upheld or lapsed: every bond forfeited");
        }
    }

    /// @notice After any sequence, every bounty can still be settled and every credit withdrawn, leaving
    /// the market empty: nothing is ever locked.
    function afterInvariant() public virtual {
        uint256[] memory ids = handler.ids();
        for (uint256 i; i < ids.length; ++i) {
            _settleEventually(ids[i]);
            IBountyMarket.BountyInfo memory info = market.getBounty(ids[i]);
            address[] memory challengers = handler.challengersOf(ids[i]);
            for (uint256 c; c < challengers.length; ++c) {
                if (info.resultsOverturned && market.challengeOf(ids[i], challengers[c]) != 0) {
                    market.claimChallenge(ids[i], challengers[c]);
                }
            }
        }
        address[] memory tokens = handler.tokens();
        address[] memory accounts = _creditHolders();
        address sink = makeAddr("final sink");
        for (uint256 t; t < tokens.length; ++t) {
            for (uint256 a; a < accounts.length; ++a) {
                if (market.creditOf(accounts[a], tokens[t]) == 0) continue;
                vm.prank(accounts[a]);
                market.withdrawTo(tokens[t], sink);
            }
            vm.assertEq(_balance(tokens[t]), 0, "market drained");
        }
    }

    function _settleEventually(uint256 id) internal {
        IBountyMarket.BountyInfo memory info = market.getBounty(id);
        IBountyMarket.Status s = info.status;
        if (_settled(s)) return;
        if (s == IBountyMarket.Status.Open || s == IBountyMarket.Status.Closed) {
            if (block.timestamp < info.evaluationDeadline) vm.warp(info.evaluationDeadline);
            market.expire(id);
            return;
        }
        if (s == IBountyMarket.Status.Proposed && block.timestamp < info.challengeDeadline) {
            vm.warp(info.challengeDeadline);
        }
        if (s == IBountyMarket.Status.Disputed && block.timestamp < info.arbitrationDeadline) {
            vm.warp(info.arbitrationDeadline);
        }
        bool unrevealed = info.revealPolicy == IBountyMarket.RevealPolicy.Public && !info.testSetRevealed;
        if (unrevealed && block.timestamp < info.challengeDeadline) vm.warp(info.challengeDeadline); // withheld
        market.finalize(id, handler.winnersOf(id));
    }

    function _liabilities(address token) internal view returns (uint256 owed) {
        uint256[] memory ids = handler.ids();
        for (uint256 i; i < ids.length; ++i) {
            IBountyMarket.BountyInfo memory info = market.getBounty(ids[i]);
            if (info.token != token) continue;
            if (!_settled(info.status)) owed += info.reward;
            owed += info.bondsHeld;
            if (info.status == IBountyMarket.Status.Finalized) owed += info.rewardPerChallenger * _unclaimed(ids[i]);
        }
        address[] memory accounts = _creditHolders();
        for (uint256 a; a < accounts.length; ++a) {
            owed += market.creditOf(accounts[a], token);
        }
    }

    /// @dev Challengers of overturned results who have not claimed yet.
    function _unclaimed(uint256 id) internal view returns (uint256 count) {
        if (!market.getBounty(id).resultsOverturned) return 0;
        address[] memory challengers = handler.challengersOf(id);
        for (uint256 c; c < challengers.length; ++c) {
            if (market.challengeOf(id, challengers[c]) != 0) count++;
        }
    }

    function _creditHolders() internal view returns (address[] memory accounts) {
        address[] memory actors = handler.actors();
        accounts = new address[](actors.length + 1);
        for (uint256 a; a < actors.length; ++a) {
            accounts[a] = actors[a];
        }
        accounts[actors.length] = treasury;
    }

    function _balance(address token) internal view returns (uint256) {
        return token == ETH ? address(market).balance : IBalance(token).balanceOf(address(market));
    }

    function _settled(IBountyMarket.Status s) internal pure returns (bool) {
        return
            s == IBountyMarket.Status.Finalized || s == IBountyMarket.Status.Cancelled
                || s == IBountyMarket.Status.Expired;
    }
}
