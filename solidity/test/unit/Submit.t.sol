// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "../utils/MarketFixture.sol";
import {IBountyMarket} from "../../src/IBountyMarket.sol";

contract SubmitTest is MarketFixture {
    uint256 internal id;

    function setUp() public override {
        super.setUp();
        id = _createDefault();
    }

    function test_submit_storesCommitmentInOrder() public {
        bytes32 ca = _commitment(_model("a"), alice);
        bytes32 cb = _commitment(_model("b"), bob);
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.Submitted(id, 0, alice, ca);
        vm.prank(alice);
        vm.assertEq(market.submit(id, ca), 0, "first index");
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.Submitted(id, 1, bob, cb);
        vm.prank(bob);
        vm.assertEq(market.submit(id, cb), 1, "second index");

        vm.assertEq(market.getCommitment(id, 0), ca, "commitment 0");
        vm.assertEq(market.getCommitment(id, 1), cb, "commitment 1");
        vm.assertEq(market.getCommitment(id, 2), bytes32(0), "no commitment 2");
        vm.assertEq(market.submissionCount(id), 2, "count");
        vm.assertEq(market.submissionsBy(id, alice), 1, "alice");
        vm.assertEq(market.submissionsBy(id, bob), 1, "bob");
        vm.assertEq(market.submissionsBy(id, carol), 0, "carol");
    }

    function test_submit_keepsOtherFieldsOfFirstSlot() public {
        IBountyMarket.BountyInfo memory before = _info(id);
        _submit(id, alice, _model("a"));
        _submit(id, alice, _model("b"));
        IBountyMarket.BountyInfo memory afterwards = _info(id);
        vm.assertEq(afterwards.sponsor, before.sponsor, "sponsor");
        vm.assertEq(afterwards.submissionDeadline, before.submissionDeadline, "deadline");
        vm.assertEq(uint256(afterwards.status), uint256(before.status), "status");
        vm.assertEq(uint256(afterwards.maxSubmissionsPerContributor), 3, "limit");
        vm.assertEq(uint256(afterwards.submissionCount), 2, "count");
    }

    /// @dev `submit` decodes the bounty's first slot by hand; this pins the bit offsets it assumes
    /// (sponsor 0, submission deadline 160, status 200, submission count 208, limit 240) to the
    /// compiler's layout (`_bounties` is storage slot 1).
    function test_submit_headLayoutMatchesStruct() public {
        _submit(id, alice, _model("a"));
        uint256 head = uint256(vm.load(address(market), keccak256(abi.encode(id, uint256(1)))));
        IBountyMarket.BountyInfo memory info = _info(id);
        vm.assertEq(address(uint160(head)), info.sponsor, "sponsor at 0");
        vm.assertEq(uint256(uint40(head >> 160)), uint256(info.submissionDeadline), "deadline at 160");
        vm.assertEq(uint256(uint8(head >> 200)), uint256(IBountyMarket.Status.Open), "status at 200");
        vm.assertEq(uint256(uint32(head >> 208)), 1, "count at 208");
        vm.assertEq(head >> 240, 3, "limit at 240");
    }

    function test_submit_acceptsAnyonesCommitment() public {
        // The sender does not matter for payment: the commitment names the payee.
        bytes32 forAlice = _commitment(_model("a"), alice);
        vm.prank(stranger);
        market.submit(id, forAlice);
        vm.assertEq(market.getCommitment(id, 0), forAlice, "stored");
        vm.assertEq(market.submissionsBy(id, stranger), 1, "counted against the sender");
    }

    function test_submit_allowsUpToLimit() public {
        _submit(id, alice, _model("1"));
        _submit(id, alice, _model("2"));
        _submit(id, alice, _model("3"));
        vm.assertEq(market.submissionsBy(id, alice), 3, "three");
    }

    function test_submit_allowsLastSecondBeforeDeadline() public {
        vm.warp(_info(id).submissionDeadline - 1);
        _submit(id, alice, _model("late"));
        vm.assertEq(market.submissionCount(id), 1, "accepted");
    }

    function test_submit_revertsIfBountyUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.BountyNotFound.selector, 42));
        vm.prank(alice);
        market.submit(42, keccak256("c"));
    }

    function test_submit_revertsIfNotOpen() public {
        vm.prank(sponsor);
        market.cancel(id);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.BountyNotOpen.selector, id));
        vm.prank(alice);
        market.submit(id, keccak256("c"));
    }

    function test_submit_revertsIfAtDeadline() public {
        uint64 deadline = _info(id).submissionDeadline;
        vm.warp(deadline);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.SubmissionsClosed.selector, id, deadline));
        vm.prank(alice);
        market.submit(id, keccak256("c"));
    }

    function test_submit_revertsIfAfterDeadline() public {
        uint64 deadline = _info(id).submissionDeadline;
        vm.warp(deadline + 1 days);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.SubmissionsClosed.selector, id, deadline));
        vm.prank(alice);
        market.submit(id, keccak256("c"));
    }

    function test_submit_revertsIfCommitmentZero() public {
        vm.expectRevert(IBountyMarket.ZeroCommitment.selector);
        vm.prank(alice);
        market.submit(id, bytes32(0));
    }

    function test_submit_revertsIfLimitReached() public {
        _submit(id, alice, _model("1"));
        _submit(id, alice, _model("2"));
        _submit(id, alice, _model("3"));
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.SubmissionLimitReached.selector, id, 3));
        vm.prank(alice);
        market.submit(id, keccak256("4"));
    }

    function test_submit_limitIsPerBounty() public {
        uint256 other = _createDefault();
        _submit(id, alice, _model("1"));
        _submit(id, alice, _model("2"));
        _submit(id, alice, _model("3"));
        _submit(other, alice, _model("1"));
        vm.assertEq(market.submissionsBy(other, alice), 1, "separate counter");
    }
}
