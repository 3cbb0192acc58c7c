// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {RelayFixture, relayFields} from "../utils/RelayFixture.sol";
import {IBountyMarket} from "../../src/IBountyMarket.sol";

/// @notice Relayed, batched submissions: the relayer posts one root per batch; a ranked relayed entry carries its
/// proof and signature, and the per-contributor limit holds across relayed and direct submissions.
contract RelayTest is RelayFixture {
    uint256 internal id;
    address internal aliceSigner;
    address internal bobSigner;

    function setUp() public override {
        super.setUp();
        id = _createDefault(); // limit 3 per contributor, top-3
        aliceSigner = vm.addr(ALICE_KEY);
        bobSigner = vm.addr(BOB_KEY);
    }

    function _expectProposeRevert(
        IBountyMarket.ResultEntry[] memory entries,
        IBountyMarket.RelayProof[] memory proofs,
        bytes memory err
    ) internal {
        if (block.timestamp < _info(id).submissionDeadline) _warpToSubmissionDeadline(id);
        vm.expectRevert(err);
        vm.prank(evaluator);
        market.proposeResultsWithProofs(id, entries, proofs, REPORT);
    }

    // ------------------------------------------------------------------------------------------------
    // postBatch
    // ------------------------------------------------------------------------------------------------

    function test_postBatch_reservesIndexesBetweenDirectSubmissions() public {
        _submit(id, bob, _model("bob"));
        Signed memory a = _sign(id, ALICE_KEY, "a", 0);
        Signed memory b = _sign(id, BOB_KEY, "b", 0);
        bytes32[] memory leaves = new bytes32[](2);
        leaves[0] = _leafHash(0, a.digest);
        leaves[1] = _leafHash(1, b.digest);
        vm.expectEmit(true, true, true, true, address(market));
        emit IBountyMarket.BatchPosted(id, 1, 2, _root(leaves), block.timestamp);
        Batch memory batch = _post(id, _signedTwo(a, b));
        vm.assertEq(batch.firstIndex, 1, "after the direct submission");
        vm.assertEq(_submit(id, carol, _model("carol")), 3, "a direct submission after the batch");
        vm.assertEq(market.submissionCount(id), 4, "count");
        vm.assertEq(
            market.getBatch(id, 1), keccak256(abi.encode(_root(leaves), uint256(2), block.timestamp)), "batch hash"
        );
        vm.assertEq(market.getCommitment(id, 1), bytes32(0), "a leaf's index holds no commitment");
        vm.assertEq(market.submissionsBy(id, aliceSigner), 0, "a batch counts nobody's direct submissions");
    }

    function test_postBatch_revertsIfNotRelayer() public {
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.NotRelayer.selector, evaluator));
        vm.prank(evaluator);
        market.postBatch(id, keccak256("root"), 1);
    }

    function test_postBatch_revertsAfterSubmissionDeadline() public {
        uint64 deadline = _info(id).submissionDeadline;
        vm.warp(deadline);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.SubmissionsClosed.selector, id, deadline));
        vm.prank(relayer);
        market.postBatch(id, keccak256("root"), 1);
    }

    function test_postBatch_revertsOnBadRootOrSize() public {
        vm.startPrank(relayer);
        vm.expectRevert(IBountyMarket.ZeroRoot.selector);
        market.postBatch(id, bytes32(0), 1);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.InvalidLeafCount.selector, 0));
        market.postBatch(id, keccak256("root"), 0);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.InvalidLeafCount.selector, 4097));
        market.postBatch(id, keccak256("root"), 4097);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.BountyNotFound.selector, 99));
        market.postBatch(99, keccak256("root"), 1);
        vm.stopPrank();
    }

    function test_postBatch_locksTheReward() public {
        _post(id, _signedOne(_sign(id, ALICE_KEY, "a", 0)));
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.FundsLocked.selector, id));
        vm.prank(sponsor);
        market.cancel(id);
    }

    // ------------------------------------------------------------------------------------------------
    // A relayed contributor is ranked and paid
    // ------------------------------------------------------------------------------------------------

    function test_relayed_zeroBalanceContributorIsRankedAndPaid() public {
        vm.assertEq(aliceSigner.balance, 0, "alice holds no ETH");
        _submit(id, bob, _model("bob"));
        Signed memory a = _sign(id, ALICE_KEY, "a", 0);
        Signed memory c = _sign(id, BOB_KEY, "c", 0);
        Batch memory batch = _post(id, _signedTwo(a, c));

        IBountyMarket.ResultEntry[] memory entries = new IBountyMarket.ResultEntry[](3);
        entries[0] = _relayedEntry(batch, 0, a, 950_000);
        entries[1] = _entry(0, bob, _model("bob"), 900_000);
        entries[2] = _relayedEntry(batch, 1, c, 850_000);
        vm.assertTrue(_included(id, _relay(0, batch, 0, a), 0, a.digest), "alice checks her proof against the batch");
        _proposeWithProofs(id, entries, _proofsTwo(_relay(0, batch, 0, a), _relay(2, batch, 1, c)));
        Winner[] memory winners = _getWinners(id);
        vm.assertEq(winners.length, 3, "three paid ranks");
        vm.assertEq(winners[0].contributor, aliceSigner, "alice first");
        vm.assertEq(winners[0].submissionIndex, 1, "her leaf's index");
        _warpToChallengeDeadline(id);
        _finalize(id);
        vm.assertEq(aliceSigner.balance, REWARD * 5_000 / 10_000 * (10_000 - FEE_BPS) / 10_000, "alice paid");
    }

    function test_relayed_tieOrderIsLeafOrder() public {
        Signed memory a = _sign(id, ALICE_KEY, "a", 0);
        Signed memory b = _sign(id, BOB_KEY, "b", 0);
        Batch memory batch = _post(id, _signedTwo(a, b));
        _expectProposeRevert(
            _two(_relayedEntry(batch, 1, b, 900_000), _relayedEntry(batch, 0, a, 900_000)),
            _proofsTwo(_relay(0, batch, 1, b), _relay(1, batch, 0, a)),
            abi.encodeWithSelector(IBountyMarket.RankingOutOfOrder.selector, 1)
        );
        _proposeWithProofs(
            id,
            _two(_relayedEntry(batch, 0, a, 900_000), _relayedEntry(batch, 1, b, 900_000)),
            _proofsTwo(_relay(0, batch, 0, a), _relay(1, batch, 1, b))
        );
    }

    function test_relayed_overturnWithProofs() public {
        Signed memory a = _sign(id, ALICE_KEY, "a", 0);
        Batch memory batch = _post(id, _signedOne(a));
        _submit(id, bob, _model("bob"));
        _propose(id, _one(_entry(1, bob, _model("bob"), 900_000)));
        _challenge(id);
        vm.prank(arbiter);
        market.overturnResultsWithProofs(
            id, _one(_relayedEntry(batch, 0, a, 950_000)), _proofsOne(_relay(0, batch, 0, a)), REPORT
        );
        vm.assertEq(_getWinners(id)[0].contributor, aliceSigner, "the arbiter ranked alice's leaf");
    }

    // ------------------------------------------------------------------------------------------------
    // Attacks
    // ------------------------------------------------------------------------------------------------

    function test_relayed_revertsOnForgedSignature() public {
        Signed memory a = _sign(id, ALICE_KEY, "a", 0);
        // Mallory signs alice's submission: the leaf is the same, the signer is not alice.
        (a.v, a.r, a.s) = vm.sign(MALLORY_KEY, a.digest);
        Batch memory batch = _post(id, _signedOne(a));
        _expectProposeRevert(
            _one(_relayedEntry(batch, 0, a, 950_000)),
            _proofsOne(_relay(0, batch, 0, a)),
            abi.encodeWithSelector(IBountyMarket.InvalidSignature.selector, 0)
        );
    }

    function test_relayed_revertsOnMalleableSignature() public {
        Signed memory a = _sign(id, ALICE_KEY, "a", 0);
        // (r, n - s, v flipped) recovers the same signer with plain ecrecover: it must be refused.
        uint256 n = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;
        a.s = bytes32(n - uint256(a.s));
        a.v = a.v == 27 ? 28 : 27;
        vm.assertEq(ecrecover(a.digest, a.v, a.r, a.s), aliceSigner, "ecrecover alone accepts it");
        Batch memory batch = _post(id, _signedOne(a));
        _expectProposeRevert(
            _one(_relayedEntry(batch, 0, a, 950_000)),
            _proofsOne(_relay(0, batch, 0, a)),
            abi.encodeWithSelector(IBountyMarket.InvalidSignature.selector, 0)
        );
    }

    function test_relayed_revertsOnSignatureWithBadV() public {
        Signed memory a = _sign(id, ALICE_KEY, "a", 0);
        a.v -= 27; // 0 or 1, as some wallets return it
        Batch memory batch = _post(id, _signedOne(a));
        _expectProposeRevert(
            _one(_relayedEntry(batch, 0, a, 950_000)),
            _proofsOne(_relay(0, batch, 0, a)),
            abi.encodeWithSelector(IBountyMarket.InvalidSignature.selector, 0)
        );
    }

    /// @dev A replayed signed submission (posted in two batches) cannot be paid twice: one paid rank per contributor.
    function test_relayed_revertsOnReplayedSignatureInTwoBatches() public {
        Signed memory a = _sign(id, ALICE_KEY, "a", 0);
        Batch memory first = _post(id, _signedOne(a));
        Batch memory second = _post(id, _signedOne(a));
        _expectProposeRevert(
            _two(_relayedEntry(first, 0, a, 950_000), _relayedEntry(second, 0, a, 950_000)),
            _proofsTwo(_relay(0, first, 0, a), _relay(1, second, 0, a)),
            abi.encodeWithSelector(IBountyMarket.DuplicateWinner.selector, aliceSigner)
        );
        // The first copy alone counts.
        _proposeWithProofs(id, _one(_relayedEntry(first, 0, a, 950_000)), _proofsOne(_relay(0, first, 0, a)));
    }

    function test_relayed_revertsOnTwoModelsWithOneSequence() public {
        Signed memory a = _sign(id, ALICE_KEY, "a", 1);
        Signed memory a2 = _sign(id, ALICE_KEY, "a2", 1);
        Batch memory batch = _post(id, _signedTwo(a, a2));
        _expectProposeRevert(
            _two(_relayedEntry(batch, 0, a, 950_000), _relayedEntry(batch, 1, a2, 940_000)),
            _proofsTwo(_relay(0, batch, 0, a), _relay(1, batch, 1, a2)),
            abi.encodeWithSelector(IBountyMarket.DuplicateWinner.selector, aliceSigner)
        );
    }

    function test_relayed_revertsOnLeafSignedForAnotherBounty() public {
        uint256 other = _createDefault();
        Signed memory a = _sign(other, ALICE_KEY, "a", 0); // signed for the other bounty
        Batch memory batch = _post(id, _signedOne(a)); // posted in this one
        _expectProposeRevert(
            _one(_relayedEntry(batch, 0, a, 950_000)),
            _proofsOne(_relay(0, batch, 0, a)),
            abi.encodeWithSelector(IBountyMarket.InvalidInclusionProof.selector, 0)
        );
    }

    function test_relayed_revertsOnProofAgainstAnotherRoot() public {
        Signed memory a = _sign(id, ALICE_KEY, "a", 0);
        Signed memory b = _sign(id, BOB_KEY, "b", 0);
        Batch memory batchA = _post(id, _signedOne(a));
        Batch memory batchB = _post(id, _signedOne(b));
        IBountyMarket.RelayProof memory p = _relay(0, batchA, 0, a);
        p.fields = relayFields(0, batchB.firstIndex, 1, batchA.postedAt, a.sequence, a.deadline, a.v); // batch B's root
        _expectProposeRevert(
            _one(_entry(batchB.firstIndex, aliceSigner, a.modelSha256, 950_000)),
            _proofsOne(p),
            abi.encodeWithSelector(IBountyMarket.InvalidInclusionProof.selector, batchB.firstIndex)
        );
    }

    function test_relayed_revertsOnLeafOutsideItsBatch() public {
        Signed memory a = _sign(id, ALICE_KEY, "a", 0);
        Batch memory batch = _post(id, _signedOne(a));
        _submit(id, bob, _model("bob"));
        _expectProposeRevert(
            _one(_entry(1, aliceSigner, a.modelSha256, 950_000)),
            _proofsOne(_relay(0, batch, 0, a)),
            abi.encodeWithSelector(IBountyMarket.LeafOutOfBatch.selector, 1)
        );
    }

    function test_relayed_directEntryCannotClaimALeafIndex() public {
        Signed memory a = _sign(id, ALICE_KEY, "a", 0);
        Batch memory batch = _post(id, _signedOne(a));
        _expectProposeRevert(
            _one(_relayedEntry(batch, 0, a, 950_000)),
            new IBountyMarket.RelayProof[](0),
            abi.encodeWithSelector(IBountyMarket.CommitmentMismatch.selector, 0)
        );
    }

    function test_relayed_revertsWhenPostedAtOrAfterTheSignedDeadline() public {
        Signed memory a = _signWithDeadline(id, ALICE_KEY, "a", 0, uint64(block.timestamp + 1 hours));
        vm.warp(a.deadline);
        Batch memory batch = _post(id, _signedOne(a));
        _expectProposeRevert(
            _one(_relayedEntry(batch, 0, a, 950_000)),
            _proofsOne(_relay(0, batch, 0, a)),
            abi.encodeWithSelector(IBountyMarket.SignatureExpired.selector, 0, a.deadline)
        );
    }

    function test_relayed_revertsWhenPostedAtIsFalsified() public {
        Signed memory a = _signWithDeadline(id, ALICE_KEY, "a", 0, uint64(block.timestamp + 1 hours));
        vm.warp(a.deadline + 10);
        Batch memory batch = _post(id, _signedOne(a));
        batch.postedAt = a.deadline - 1; // claims it was in time
        _expectProposeRevert(
            _one(_relayedEntry(batch, 0, a, 950_000)),
            _proofsOne(_relay(0, batch, 0, a)),
            abi.encodeWithSelector(IBountyMarket.InvalidInclusionProof.selector, 0)
        );
    }

    function test_relayed_limitHoldsForRelayedAndDirectMixed() public {
        // Limit 3: two direct submissions hold the numbers 2 and 1, so only sequence 0 may be relayed.
        vm.deal(aliceSigner, 1 ether);
        _submit(id, aliceSigner, _model("direct 1"));
        _submit(id, aliceSigner, _model("direct 2"));
        Signed memory s0 = _sign(id, ALICE_KEY, "relayed 0", 0);
        Signed memory s1 = _sign(id, ALICE_KEY, "relayed 1", 1);
        Batch memory batch = _post(id, _signedTwo(s0, s1));
        _expectProposeRevert(
            _one(_relayedEntry(batch, 1, s1, 950_000)),
            _proofsOne(_relay(0, batch, 1, s1)),
            abi.encodeWithSelector(IBountyMarket.SequenceOutOfRange.selector, 3, 1, 1)
        );
        // All three within the limit may be listed together.
        IBountyMarket.ResultEntry[] memory entries = new IBountyMarket.ResultEntry[](3);
        entries[0] = _relayedEntry(batch, 0, s0, 950_000);
        entries[1] = _entry(0, aliceSigner, _model("direct 1"), 790_000); // below the threshold: one paid rank each
        entries[2] = _entry(1, aliceSigner, _model("direct 2"), 780_000);
        _proposeWithProofs(id, entries, _proofsOne(_relay(0, batch, 0, s0)));
    }

    function test_relayed_revertsOnSequenceAtTheLimit() public {
        Signed memory a = _sign(id, ALICE_KEY, "a", 3); // limit 3: numbers 0, 1, 2
        Batch memory batch = _post(id, _signedOne(a));
        _expectProposeRevert(
            _one(_relayedEntry(batch, 0, a, 950_000)),
            _proofsOne(_relay(0, batch, 0, a)),
            abi.encodeWithSelector(IBountyMarket.SequenceOutOfRange.selector, 0, 3, 3)
        );
    }

    function test_relayed_revertsOnProofForAnUnlistedRank() public {
        Signed memory a = _sign(id, ALICE_KEY, "a", 0);
        Batch memory batch = _post(id, _signedOne(a));
        _expectProposeRevert(
            _one(_relayedEntry(batch, 0, a, 950_000)),
            _proofsTwo(_relay(0, batch, 0, a), _relay(5, batch, 0, a)),
            abi.encodeWithSelector(IBountyMarket.RelayProofOutOfOrder.selector, 1)
        );
    }

    /// @dev Only a paid rank moves funds, so an unpaid relayed entry may carry no signature; its proof still counts.
    function test_relayed_unpaidEntryNeedsNoSignatureButItsProof() public {
        Signed memory a = _sign(id, ALICE_KEY, "a", 0);
        Signed memory b = _sign(id, BOB_KEY, "b", 0);
        Batch memory batch = _post(id, _signedTwo(a, b));
        IBountyMarket.RelayProof memory unsigned = _relay(1, batch, 1, b);
        unsigned.sigR = 0;
        unsigned.sigS = 0;
        IBountyMarket.ResultEntry[] memory entries =
            _two(_relayedEntry(batch, 0, a, 950_000), _relayedEntry(batch, 1, b, 700_000)); // bob below the threshold
        IBountyMarket.RelayProof memory forged = _relay(1, batch, 1, b);
        forged.proof[0] = keccak256("not alice's leaf");
        _expectProposeRevert(
            entries,
            _proofsTwo(_relay(0, batch, 0, a), forged),
            abi.encodeWithSelector(IBountyMarket.InvalidInclusionProof.selector, 1)
        );
        _proposeWithProofs(id, entries, _proofsTwo(_relay(0, batch, 0, a), unsigned));
        vm.assertEq(_getWinners(id).length, 1, "alice alone is paid");

        // The same zeros on a paid rank are refused.
        uint256 other = _createDefault();
        Signed memory c = _sign(other, BOB_KEY, "c", 0);
        Batch memory otherBatch = _post(other, _signedOne(c));
        IBountyMarket.RelayProof memory paidUnsigned = _relay(0, otherBatch, 0, c);
        paidUnsigned.sigR = 0;
        paidUnsigned.sigS = 0;
        _warpToSubmissionDeadline(other);
        vm.expectRevert(abi.encodeWithSelector(IBountyMarket.InvalidSignature.selector, 0));
        vm.prank(evaluator);
        market.proposeResultsWithProofs(other, _one(_relayedEntry(otherBatch, 0, c, 950_000)), _proofsOne(paidUnsigned), REPORT);
    }

    /// @dev Each packed field is read at its own width and each is bound by the batch hash or the digest: a leaf count
    /// widened to claim an index outside the batch, or a sequence carried past its 16 bits into the deadline, is
    /// refused; a bit above the layout changes nothing (a field read wider than its width would take it in).
    function test_relayed_packedFieldsAreReadAtTheirWidths() public {
        Signed memory a = _sign(id, ALICE_KEY, "a", 0);
        Batch memory batch = _post(id, _signedOne(a));
        _submit(id, bob, _model("bob"));
        IBountyMarket.RelayProof memory p = _relay(0, batch, 0, a);
        p.fields = relayFields(0, batch.firstIndex, 2, batch.postedAt, a.sequence, a.deadline, a.v); // claims index 1
        _expectProposeRevert(
            _one(_entry(1, aliceSigner, a.modelSha256, 950_000)),
            _proofsOne(p),
            abi.encodeWithSelector(IBountyMarket.InvalidInclusionProof.selector, 1)
        );
        p = _relay(0, batch, 0, a);
        p.fields ^= uint256(1) << 136; // a sequence of 2^16 would spill here: the deadline moves, so does the digest
        _expectProposeRevert(
            _one(_relayedEntry(batch, 0, a, 950_000)),
            _proofsOne(p),
            abi.encodeWithSelector(IBountyMarket.InvalidInclusionProof.selector, 0)
        );
        p = _relay(0, batch, 0, a);
        p.fields |= uint256(1) << 255; // bits above the layout are ignored
        _proposeWithProofs(id, _one(_relayedEntry(batch, 0, a, 950_000)), _proofsOne(p));
    }

    function test_relayed_revertsOnTamperedScoreFieldsOfTheLeaf() public {
        Signed memory a = _sign(id, ALICE_KEY, "a", 0);
        Batch memory batch = _post(id, _signedOne(a));
        IBountyMarket.ResultEntry memory e = _relayedEntry(batch, 0, a, 950_000);
        e.modelSha256 = _model("another model");
        _expectProposeRevert(
            _one(e), _proofsOne(_relay(0, batch, 0, a)),
            abi.encodeWithSelector(IBountyMarket.InvalidInclusionProof.selector, 0)
        );
    }
}

/// @notice Fuzzed (left out of .gas-snapshot, like FuzzTest: its gas depends on the inputs).
contract RelayFuzzTest is RelayFixture {
    uint256 internal id;

    function setUp() public override {
        super.setUp();
        id = _createDefault();
    }

    /// @dev Any leaf of a batch of any size opens with its proof, and with no other leaf's.
    function testFuzz_relayed_everyLeafOfABatchVerifies(uint256 size, uint256 pick, uint256 other) public {
        size = bound(size, 1, 40);
        pick = bound(pick, 0, size - 1);
        other = bound(other, 0, size - 1);
        Signed[] memory leaves = new Signed[](size);
        for (uint256 i; i < size; ++i) {
            leaves[i] = _sign(id, ALICE_KEY + i, string(abi.encodePacked("m", i)), 0);
        }
        Batch memory batch = _post(id, leaves);
        Signed memory s = leaves[pick];
        vm.assertTrue(_included(id, _relay(0, batch, pick, s), pick, s.digest), "leaf verifies");
        if (other != pick) {
            vm.assertFalse(_included(id, _relay(0, batch, other, s), pick, s.digest), "not with another leaf's proof");
        }
    }
}
