// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "./Test.sol";
import {Vm} from "./Vm.sol";
import {BountyMarket} from "../../src/BountyMarket.sol";
import {IBountyMarket} from "../../src/IBountyMarket.sol";

/// @notice A deployed market, named actors and helpers to walk a bounty through its lifecycle.
abstract contract MarketFixture is Test {
    uint16 internal constant FEE_BPS = 250; // 2.5 %
    uint64 internal constant T0 = 1_700_000_000;
    uint64 internal constant SUBMISSION_PERIOD = 7 days;
    uint64 internal constant EVALUATION_PERIOD = 3 days;
    uint64 internal constant WINDOW = 2 days;
    uint256 internal constant ARBITRATION_PERIOD = 30 days;
    uint256 internal constant REWARD = 10 ether;
    uint256 internal constant BOND = 0.5 ether;
    int256 internal constant THRESHOLD = 800_000; // 0.8
    bytes32 internal constant TEST_SET_SHA = keccak256("test-set.parquet sha256 stand-in");
    bytes32 internal constant SALT = keccak256("salt");
    bytes32 internal constant SPEC = keccak256("spec");
    bytes32 internal constant REPORT = keccak256("report");
    address internal constant ETH = address(0);

    BountyMarket internal market;
    address internal treasury;
    address internal sponsor;
    address internal evaluator;
    address internal arbiter;
    address internal alice;
    address internal bob;
    address internal carol;
    address internal dave;
    address internal challenger;
    address internal stranger;
    address internal relayer;

    bytes32 private constant RESULT_RANKED =
        keccak256("ResultRanked(uint256,uint256,uint256,address,bytes32,int256,bool,bool)");
    bytes32 private constant RESULTS_PROPOSED = keccak256("ResultsProposed(uint256,bytes32,uint256,uint256,uint64)");
    bytes32 private constant RESULTS_OVERTURNED =
        keccak256("ResultsOverturned(uint256,address,bytes32,uint256,uint256)");
    /// @dev Paid ranks of the current results per (market, bounty), as a keeper rebuilds them from the events.
    mapping(bytes32 => address[]) private _paidRanks;
    mapping(bytes32 => address[]) private _rankedSoFar;
    mapping(bytes32 => uint32[]) private _paidIndices;
    mapping(bytes32 => uint32[]) private _indicesSoFar;

    /// @dev A paid rank as the events and `getPrizes` give it (the contract stores only their hash).
    struct Winner {
        uint32 submissionIndex;
        address contributor;
        uint256 prize;
    }

    function setUp() public virtual {
        vm.recordLogs(); // _winners reads the ResultRanked events, as the keeper does
        vm.warp(T0);
        treasury = makeAddr("treasury");
        sponsor = makeAddr("sponsor");
        evaluator = makeAddr("evaluator");
        arbiter = makeAddr("arbiter");
        alice = makeAddr("alice");
        bob = makeAddr("bob");
        carol = makeAddr("carol");
        dave = makeAddr("dave");
        challenger = makeAddr("challenger");
        stranger = makeAddr("stranger");
        relayer = makeAddr("relayer");
        vm.deal(sponsor, 1_000 ether);
        vm.deal(challenger, 100 ether);
        vm.deal(stranger, 100 ether);
        market = new BountyMarket(treasury, FEE_BPS, relayer);
        vm.label(address(market), "market");
    }

    // ------------------------------------------------------------------------------------------------
    // Parameters
    // ------------------------------------------------------------------------------------------------

    function _params() internal view returns (IBountyMarket.BountyParams memory p) {
        p.token = ETH;
        p.amount = REWARD;
        p.testSetCommitment = keccak256(abi.encode(TEST_SET_SHA, SALT));
        p.specHash = SPEC;
        p.metricDirection = IBountyMarket.MetricDirection.HigherIsBetter;
        p.threshold = THRESHOLD;
        p.revealPolicy = IBountyMarket.RevealPolicy.Public;
        p.submissionDeadline = uint64(block.timestamp) + SUBMISSION_PERIOD;
        p.evaluationDeadline = uint64(block.timestamp) + SUBMISSION_PERIOD + EVALUATION_PERIOD;
        p.challengeWindow = WINDOW;
        p.evaluator = evaluator;
        p.arbiter = arbiter;
        p.maxSubmissionsPerContributor = 3;
        p.challengeBond = BOND;
    }

    function _top3() internal pure returns (uint16[] memory shares) {
        shares = new uint16[](3);
        shares[0] = 5_000;
        shares[1] = 3_000;
        shares[2] = 2_000;
    }

    function _winnerTakesAll() internal pure returns (uint16[] memory shares) {
        shares = new uint16[](1);
        shares[0] = 10_000;
    }

    function _equalShares(uint256 k) internal pure returns (uint16[] memory shares) {
        shares = new uint16[](k);
        uint256 each = 10_000 / k;
        for (uint256 i; i < k; ++i) {
            shares[i] = uint16(each);
        }
        shares[0] += uint16(10_000 - each * k); // rank 0 takes the remainder: still non-increasing
    }

    // ------------------------------------------------------------------------------------------------
    // Lifecycle helpers
    // ------------------------------------------------------------------------------------------------

    function _create(IBountyMarket.BountyParams memory p, uint16[] memory shares) internal returns (uint256 id) {
        vm.prank(sponsor);
        id = market.createBounty{value: p.token == ETH ? p.amount : 0}(p, shares);
    }

    function _createDefault() internal returns (uint256 id) {
        return _create(_params(), _top3());
    }

    function _model(string memory name) internal pure returns (bytes32) {
        return sha256(bytes(name));
    }

    function _commitment(bytes32 modelSha256, address contributor) internal pure returns (bytes32) {
        return keccak256(abi.encode(modelSha256, contributor));
    }

    function _submit(uint256 id, address contributor, bytes32 modelSha256) internal returns (uint256 index) {
        vm.prank(contributor);
        index = market.submit(id, _commitment(modelSha256, contributor));
    }

    function _entry(uint256 index, address contributor, bytes32 modelSha256, int256 score)
        internal
        pure
        returns (IBountyMarket.ResultEntry memory e)
    {
        e = IBountyMarket.ResultEntry({
            submissionIndex: uint32(index), contributor: contributor, modelSha256: modelSha256, score: score
        });
    }

    function _info(uint256 id) internal view returns (IBountyMarket.BountyInfo memory) {
        return market.getBounty(id);
    }

    function _warpToSubmissionDeadline(uint256 id) internal {
        vm.warp(_info(id).submissionDeadline);
    }

    /// @dev Ends the challenge window as the keeper's flow does: a public bounty's test set is revealed first
    /// (restarting the window), so finalize pays by the ordinary rules.
    function _warpToChallengeDeadline(uint256 id) internal {
        IBountyMarket.BountyInfo memory info = _info(id);
        if (
            info.revealPolicy == IBountyMarket.RevealPolicy.Public && !info.testSetRevealed
                && block.timestamp < info.challengeDeadline
        ) _reveal(id);
        vm.warp(_info(id).challengeDeadline);
    }

    /// @dev Ends the challenge window with the test set unrevealed: for a public bounty, its reveal deadline.
    function _warpPastRevealDeadline(uint256 id) internal {
        vm.warp(_info(id).challengeDeadline);
    }

    function _propose(uint256 id, IBountyMarket.ResultEntry[] memory entries) internal {
        if (block.timestamp < _info(id).submissionDeadline) _warpToSubmissionDeadline(id);
        vm.prank(evaluator);
        market.proposeResults(id, entries, REPORT);
    }

    /// @dev Opens the fixture's test-set commitment (anyone may; the keeper does it on public bounties).
    function _reveal(uint256 id) internal {
        market.revealTestSet(id, TEST_SET_SHA, SALT);
    }

    function _challenge(uint256 id) internal {
        uint256 bond = _info(id).challengeBond; // read first: a prank applies to the very next call
        vm.prank(challenger);
        market.challenge{value: bond}(id);
    }

    /// @dev Default bounty with alice (0.95), bob (0.90) and carol (0.85) submitted and proposed.
    function _proposedDefault() internal returns (uint256 id) {
        id = _createDefault();
        _submit(id, alice, _model("alice"));
        _submit(id, bob, _model("bob"));
        _submit(id, carol, _model("carol"));
        IBountyMarket.ResultEntry[] memory entries = new IBountyMarket.ResultEntry[](3);
        entries[0] = _entry(0, alice, _model("alice"), 950_000);
        entries[1] = _entry(1, bob, _model("bob"), 900_000);
        entries[2] = _entry(2, carol, _model("carol"), 850_000);
        _propose(id, entries);
    }

    function _one(IBountyMarket.ResultEntry memory e) internal pure returns (IBountyMarket.ResultEntry[] memory a) {
        a = new IBountyMarket.ResultEntry[](1);
        a[0] = e;
    }

    function _two(IBountyMarket.ResultEntry memory e0, IBountyMarket.ResultEntry memory e1)
        internal
        pure
        returns (IBountyMarket.ResultEntry[] memory a)
    {
        a = new IBountyMarket.ResultEntry[](2);
        a[0] = e0;
        a[1] = e1;
    }

    /// @dev The paid ranks of bounty `id`'s current results, best first: what `finalize` must be given, rebuilt
    /// from the `ResultRanked` events (`paid = true`) of the latest proposal or overturn, as anyone can.
    function _winners(uint256 id) internal returns (address[] memory) {
        return _winnersOf(address(market), id);
    }

    function _winnersOf(address emitter, uint256 id) internal returns (address[] memory) {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            Vm.Log memory log = logs[i];
            if (log.topics.length < 2) continue;
            bytes32 key = keccak256(abi.encode(log.emitter, log.topics[1]));
            if (log.topics[0] == RESULT_RANKED) {
                (uint256 rank, uint256 index,,,, bool paid) =
                    abi.decode(log.data, (uint256, uint256, bytes32, int256, bool, bool));
                if (rank == 0) {
                    delete _rankedSoFar[key];
                    delete _indicesSoFar[key];
                }
                if (paid) {
                    _rankedSoFar[key].push(address(uint160(uint256(log.topics[2]))));
                    _indicesSoFar[key].push(uint32(index));
                }
            } else if (log.topics[0] == RESULTS_PROPOSED || log.topics[0] == RESULTS_OVERTURNED) {
                _paidRanks[key] = _rankedSoFar[key];
                _paidIndices[key] = _indicesSoFar[key];
                delete _rankedSoFar[key];
                delete _indicesSoFar[key];
            }
        }
        return _paidRanks[keccak256(abi.encode(emitter, bytes32(id)))];
    }

    /// @dev The paid ranks of the current results with their prizes (what `getWinners` returned in protocol v1).
    function _getWinners(uint256 id) internal returns (Winner[] memory winners) {
        address[] memory paid = _winners(id);
        uint32[] memory indices = _paidIndices[keccak256(abi.encode(address(market), bytes32(id)))];
        uint256[] memory prizes = market.getPrizes(id);
        vm.assertEq(prizes.length, paid.length, "getPrizes has one prize per paid rank of the events");
        winners = new Winner[](paid.length);
        for (uint256 i; i < paid.length; ++i) {
            winners[i] = Winner({submissionIndex: indices[i], contributor: paid[i], prize: prizes[i]});
        }
    }

    /// @dev `finalize` with the paid ranks rebuilt from the events, as any caller would.
    function _finalize(uint256 id) internal {
        address[] memory winners = _winners(id);
        market.finalize(id, winners);
    }

    /// @dev Net prize of a gross share after the fixture's fee (same rounding as the contract).
    function _net(uint256 reward, uint256 shareBps) internal pure returns (uint256) {
        uint256 gross = reward * shareBps / 10_000;
        return gross * (10_000 - FEE_BPS) / 10_000;
    }
}
