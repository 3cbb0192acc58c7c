// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "../utils/Test.sol";
import {Vm} from "../utils/Vm.sol";
import {MockERC20, FeeOnTransferToken, BlacklistToken, RevertingReceiver, ExpensiveReceiver} from "../utils/Mocks.sol";
import {BountyMarket} from "../../src/BountyMarket.sol";
import {IBountyMarket} from "../../src/IBountyMarket.sol";
import {relayFields} from "../utils/RelayFixture.sol";

/// @notice Drives the market through random but meaningful sequences (each action checks its own
/// preconditions, so most calls do something) and keeps ghost accounts of what went in and out.
contract Handler is Test {
    address internal constant ETH = address(0);
    uint256 internal constant MAX_BOUNTIES = 8;

    BountyMarket public immutable market;
    address public immutable treasury;
    address public immutable evaluator;
    address public immutable arbiter;
    BlacklistToken public immutable blacklistToken;

    address[] internal _tokens;
    address[] internal _actors; // sponsors, contributors, challengers, two contract wallets
    uint256[] internal _ids;

    struct Sub {
        uint32 index;
        address contributor;
        bytes32 model;
        bool relayed; // a one-leaf batch: its proof is empty
        uint16 sequence;
        uint64 deadline;
        uint40 postedAt;
        uint8 v;
        bytes32 r;
        bytes32 s;
    }

    mapping(uint256 => Sub[]) internal _subs;
    mapping(uint256 => address[]) internal _challengers;
    mapping(uint256 => address[]) internal _paid; // the current results' paid ranks, from the events
    address[] internal _rankedSoFar;

    // ghosts
    mapping(uint256 => uint256) public ghostDeposited; // reward received + bond received, per bounty
    mapping(uint256 => uint256) public ghostPaidOut; // sum of Payout events, per bounty
    mapping(uint256 => uint256) public ghostSettlements; // successful finalize/cancel/expire, per bounty
    uint256 public ghostSecondSettlements; // a settled bounty that settled again (must stay 0)
    uint256 public ghostLivenessViolations; // an allowed settlement that failed, or a forbidden one that passed
    uint256 public ghostJudgePrizes; // prizes paid to a bounty's sponsor, evaluator or arbiter (must stay 0)
    uint256 public ghostWithheldRefunds; // refunds to a sponsor who withheld a reveal while a rank is paid (0)
    uint256 public ghostWithheldFinalizations; // finalizations with the reveal withheld (coverage)
    uint256 public ghostRevealViolations; // a reveal accepted past its deadline, or refused before it
    uint256 public ghostBondsBackUnlessOverturned; // a bond returned although the results stood (must stay 0)
    uint256 public ghostClaimViolations; // a claim accepted when not due, or refused when due
    uint256 public ghostLapses; // disputes finalized with the arbiter silent (coverage)
    uint256 internal _lastRefund; // Refund payouts of the latest recorded call
    mapping(bytes32 => uint256) public calls;
    mapping(address => uint256) internal _keys; // signing keys of the actors that sign relayed submissions
    mapping(uint256 => mapping(address => uint16)) internal _relayedBy;

    constructor(BountyMarket market_, address treasury_, address evaluator_, address arbiter_) {
        market = market_;
        treasury = treasury_;
        evaluator = evaluator_;
        arbiter = arbiter_;
        blacklistToken = new BlacklistToken();
        _tokens.push(ETH);
        _tokens.push(address(new MockERC20("DAI", 18)));
        _tokens.push(address(new FeeOnTransferToken(100)));
        _tokens.push(address(blacklistToken));
        for (uint256 i; i < 6; ++i) {
            string memory name = string(abi.encodePacked("actor", bytes1(uint8(48 + i))));
            address actor = makeAddr(name);
            _actors.push(actor);
            _keys[actor] = uint256(keccak256(bytes(name)));
        }
        _actors.push(address(new RevertingReceiver()));
        _actors.push(address(new ExpensiveReceiver()));
    }

    // ------------------------------------------------------------------------------------------------
    // Views for the invariant contract
    // ------------------------------------------------------------------------------------------------

    function tokens() external view returns (address[] memory) {
        return _tokens;
    }

    function actors() external view returns (address[] memory) {
        return _actors;
    }

    function ids() external view returns (uint256[] memory) {
        return _ids;
    }

    function winnersOf(uint256 id) external view returns (address[] memory) {
        return _paid[id];
    }

    function challengersOf(uint256 id) external view returns (address[] memory) {
        return _challengers[id];
    }

    // ------------------------------------------------------------------------------------------------
    // Actions
    // ------------------------------------------------------------------------------------------------

    function createBounty(uint256 actorSeed, uint256 tokenSeed, uint256 amount, uint256 k, uint256 timing) external {
        if (_ids.length >= MAX_BOUNTIES) return;
        address sponsor = _actors[actorSeed % 6]; // EOAs only: they sign the creation
        address token = _tokens[tokenSeed % _tokens.length];
        amount = bound(amount, 1e6, 1e24);
        k = bound(k, 1, 4);
        _fund(sponsor, token, amount);

        IBountyMarket.BountyParams memory p;
        p.token = token;
        p.amount = amount;
        p.testSetCommitment = keccak256(abi.encode(bytes32(uint256(1)), bytes32(uint256(2))));
        p.specHash = keccak256("spec");
        p.metricDirection = IBountyMarket.MetricDirection(timing % 2);
        p.threshold = 0;
        p.revealPolicy = IBountyMarket.RevealPolicy((timing >> 1) % 2);
        p.submissionDeadline = uint64(block.timestamp + bound(timing >> 8, 6 hours, 5 days));
        p.evaluationDeadline = p.submissionDeadline + uint64(bound(timing >> 40, 1 hours, 3 days));
        p.challengeWindow = uint64(bound(timing >> 72, 1 hours, 2 days));
        p.evaluator = evaluator;
        p.arbiter = arbiter;
        p.maxSubmissionsPerContributor = uint16(bound(timing >> 104, 1, 3));
        p.challengeBond = bound(timing >> 120, 1e6, 1e20);
        uint16[] memory shares = new uint16[](k);
        for (uint256 i; i < k; ++i) {
            shares[i] = uint16(10_000 / k);
        }
        shares[0] += uint16(10_000 % k); // rank 0 takes the remainder

        vm.prank(sponsor);
        uint256 id = market.createBounty{value: token == ETH ? amount : 0}(p, shares);
        _ids.push(id);
        ghostDeposited[id] += market.getBounty(id).reward;
        calls["createBounty"]++;
    }

    function topUp(uint256 idSeed, uint256 actorSeed, uint256 amount) external {
        (uint256 id, IBountyMarket.BountyInfo memory info) = _pickIn(idSeed, IBountyMarket.Status.Open);
        if (id == 0 || info.status != IBountyMarket.Status.Open) return;
        address funder = _actors[actorSeed % 6];
        amount = bound(amount, 1, 1e22);
        _fund(funder, info.token, amount);
        vm.prank(funder);
        uint256 received = market.topUp{value: info.token == ETH ? amount : 0}(id, amount);
        ghostDeposited[id] += received;
        calls["topUp"]++;
    }

    function cancel(uint256 idSeed) external {
        (uint256 id, IBountyMarket.BountyInfo memory info) = _pick(idSeed);
        if (id == 0 || (idSeed >> 128) % 4 != 0) return; // sponsors rarely cancel
        bool allowed = (info.status == IBountyMarket.Status.Open || info.status == IBountyMarket.Status.Closed)
            && info.submissionCount == 0;
        _settle(id, abi.encodeCall(market.cancel, (id)), info.sponsor, allowed);
        calls["cancel"]++;
    }

    function submit(uint256 idSeed, uint256 actorSeed, uint256 modelSeed) external {
        (uint256 id, IBountyMarket.BountyInfo memory info) = _pickIn(idSeed, IBountyMarket.Status.Open);
        if (id == 0 || info.status != IBountyMarket.Status.Open) return;
        // Mostly the actors (a bounty's sponsor among them), sometimes its evaluator or arbiter: judges in the race.
        uint256 pick = actorSeed % (_actors.length + 2);
        address contributor = pick < _actors.length ? _actors[pick] : (pick == _actors.length ? evaluator : arbiter);
        if (market.submissionsBy(id, contributor) >= info.maxSubmissionsPerContributor) return;
        bytes32 model = keccak256(abi.encode(modelSeed));
        vm.prank(contributor);
        uint256 index = market.submit(id, keccak256(abi.encode(model, contributor)));
        _subs[id].push(
            Sub({
                index: uint32(index),
                contributor: contributor,
                model: model,
                relayed: false,
                sequence: 0,
                deadline: 0,
                postedAt: 0,
                v: 0,
                r: 0,
                s: 0
            })
        );
        calls["submit"]++;
    }

    /// @dev An actor (who may hold no ETH) signs a submission, and the relayer posts it as a one-leaf batch.
    function relaySubmit(uint256 idSeed, uint256 actorSeed, uint256 modelSeed) external {
        (uint256 id, IBountyMarket.BountyInfo memory info) = _pickIn(idSeed, IBountyMarket.Status.Open);
        if (id == 0 || info.status != IBountyMarket.Status.Open) return;
        address contributor = _actors[actorSeed % 6];
        uint16 sequence = _relayedBy[id][contributor];
        if (sequence >= info.maxSubmissionsPerContributor) return;
        Sub memory sub;
        sub.contributor = contributor;
        sub.model = keccak256(abi.encode(modelSeed, "relayed"));
        sub.relayed = true;
        sub.sequence = sequence;
        sub.deadline = uint64(block.timestamp + 1 days);
        sub.postedAt = uint40(block.timestamp);
        bytes32 digest = _digest(id, keccak256(abi.encode(sub.model, contributor)), contributor, sequence, sub.deadline);
        (sub.v, sub.r, sub.s) = vm.sign(_keys[contributor], digest);
        // a one-leaf tree's root is its leaf
        bytes32 root = keccak256(bytes.concat(keccak256(abi.encode(uint256(0), digest))));
        address relayer = market.relayer(); // read before the prank, which applies to the very next call
        vm.prank(relayer);
        sub.index = uint32(market.postBatch(id, root, 1));
        _relayedBy[id][contributor] = sequence + 1;
        _subs[id].push(sub);
        calls["relaySubmit"]++;
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1 minutes, 12 hours));
        calls["warp"]++;
    }

    function proposeResults(uint256 idSeed, uint256 scoreSeed) external {
        (uint256 id, IBountyMarket.BountyInfo memory info) = _pick(idSeed);
        if (id == 0) return;
        if (info.status == IBountyMarket.Status.Open) _warpTo(info.submissionDeadline); // fast-forward
        else if (info.status != IBountyMarket.Status.Closed) return;
        if (block.timestamp >= info.evaluationDeadline) return;
        IBountyMarket.ResultEntry[] memory entries = _ranking(id, info, scoreSeed);
        bytes memory data = abi.encodeCall(
            market.proposeResultsWithProofs,
            (id, entries, _proofs(id, entries), keccak256(abi.encode("report", scoreSeed)))
        );
        require(_recorded(id, evaluator, data), "a valid ranking is accepted");
        calls["proposeResults"]++;
    }

    function revealTestSet(uint256 idSeed) external {
        (uint256 id, IBountyMarket.BountyInfo memory info) = _pick(idSeed);
        if (id == 0 || info.testSetRevealed || block.timestamp < info.submissionDeadline) return;
        // A public bounty with results takes its reveal only before the reveal deadline (its challenge deadline).
        bool allowed = info.revealPolicy == IBountyMarket.RevealPolicy.Confidential || info.challengeDeadline == 0
            || block.timestamp < info.challengeDeadline;
        (bool ok,) =
            address(market).call(abi.encodeCall(market.revealTestSet, (id, bytes32(uint256(1)), bytes32(uint256(2)))));
        if (ok != allowed) ghostRevealViolations++;
        calls["revealTestSet"]++;
    }

    /// @dev Several challengers per bounty (each actor once), also after the bounty is disputed.
    function challenge(uint256 idSeed, uint256 actorSeed) external {
        (uint256 id, IBountyMarket.BountyInfo memory info) = _pickIn(idSeed, IBountyMarket.Status.Disputed);
        if (id == 0 || (idSeed >> 128) % 2 == 0) (id, info) = _pickIn(idSeed, IBountyMarket.Status.Proposed);
        if (id == 0 || block.timestamp >= info.challengeDeadline) return;
        if (info.status != IBountyMarket.Status.Proposed && info.status != IBountyMarket.Status.Disputed) return;
        address challenger = _actors[actorSeed % 6];
        if (market.challengeOf(id, challenger) != 0) return;
        _fund(challenger, info.token, info.challengeBond);
        vm.prank(challenger);
        market.challenge{value: info.token == ETH ? info.challengeBond : 0}(id);
        ghostDeposited[id] += market.challengeOf(id, challenger);
        _challengers[id].push(challenger);
        calls["challenge"]++;
    }

    /// @dev Anyone pushes a challenger's bond and fee part: due only once overturned results are finalized.
    function claimChallenge(uint256 idSeed, uint256 actorSeed) external {
        (uint256 id, IBountyMarket.BountyInfo memory info) = _pickIn(idSeed, IBountyMarket.Status.Finalized);
        if (id == 0) (id, info) = _pick(idSeed);
        if (id == 0) return;
        address challenger = _actors[actorSeed % 6];
        bool allowed = info.status == IBountyMarket.Status.Finalized && info.resultsOverturned
            && market.challengeOf(id, challenger) != 0;
        bool ok = _recorded(id, address(this), abi.encodeCall(market.claimChallenge, (id, challenger)));
        if (ok != allowed) ghostClaimViolations++;
        calls["claimChallenge"]++;
    }

    function upholdResults(uint256 idSeed) external {
        (uint256 id, IBountyMarket.BountyInfo memory info) = _pickIn(idSeed, IBountyMarket.Status.Disputed);
        if (id == 0 || info.status != IBountyMarket.Status.Disputed || block.timestamp >= info.arbitrationDeadline) {
            return;
        }
        _recorded(id, arbiter, abi.encodeCall(market.upholdResults, (id)));
        calls["upholdResults"]++;
    }

    function overturnResults(uint256 idSeed, uint256 scoreSeed) external {
        (uint256 id, IBountyMarket.BountyInfo memory info) = _pickIn(idSeed, IBountyMarket.Status.Disputed);
        if (id == 0 || info.status != IBountyMarket.Status.Disputed || block.timestamp >= info.arbitrationDeadline) {
            return;
        }
        IBountyMarket.ResultEntry[] memory entries = _ranking(id, info, scoreSeed);
        _recorded(
            id,
            arbiter,
            abi.encodeCall(market.overturnResultsWithProofs, (id, entries, _proofs(id, entries), keccak256("fixed")))
        );
        calls["overturnResults"]++;
    }

    function finalize(uint256 idSeed, bool fastForward) external {
        (uint256 id, IBountyMarket.BountyInfo memory info) = _pick(idSeed);
        if (id == 0) return;
        if (fastForward && info.status == IBountyMarket.Status.Proposed) _warpTo(info.challengeDeadline);
        if (fastForward && info.status == IBountyMarket.Status.Disputed) _warpTo(info.arbitrationDeadline);
        bool unrevealed = info.revealPolicy == IBountyMarket.RevealPolicy.Public && !info.testSetRevealed;
        if (fastForward && info.status == IBountyMarket.Status.Resolved && unrevealed) _warpTo(info.challengeDeadline);
        bool allowed = (info.status == IBountyMarket.Status.Proposed && block.timestamp >= info.challengeDeadline)
            || (info.status == IBountyMarket.Status.Disputed && block.timestamp >= info.arbitrationDeadline)
            || info.status == IBountyMarket.Status.Resolved;
        // A public bounty pays out only once revealed, or as withheld from its reveal deadline on.
        if (unrevealed && block.timestamp < info.challengeDeadline) allowed = false;
        bool settled = _settle(id, abi.encodeCall(market.finalize, (id, _paid[id])), address(this), allowed);
        if (settled && info.status == IBountyMarket.Status.Disputed) ghostLapses++;
        if (settled && unrevealed) {
            ghostWithheldFinalizations++;
            if (info.winnerCount != 0 && _lastRefund != 0) ghostWithheldRefunds++;
        }
        calls["finalize"]++;
    }

    function expire(uint256 idSeed, bool fastForward) external {
        (uint256 id, IBountyMarket.BountyInfo memory info) = _pick(idSeed);
        if (id == 0) return;
        if (fastForward && info.status == IBountyMarket.Status.Closed) _warpTo(info.evaluationDeadline);
        bool allowed = (info.status == IBountyMarket.Status.Open || info.status == IBountyMarket.Status.Closed)
            && block.timestamp >= info.evaluationDeadline;
        _settle(id, abi.encodeCall(market.expire, (id)), address(this), allowed);
        calls["expire"]++;
    }

    function withdraw(uint256 actorSeed, uint256 tokenSeed) external {
        // Find someone with a credit, starting from a random account and token.
        for (uint256 i; i < _actors.length * _tokens.length; ++i) {
            address account = _actors[(actorSeed + i) % _actors.length];
            address token = _tokens[(tokenSeed + i / _actors.length) % _tokens.length];
            if (market.creditOf(account, token) == 0) continue;
            // Contract wallets and blacklisted accounts move their credit to a fresh address.
            vm.prank(account);
            market.withdrawTo(token, makeAddr("withdrawal sink"));
            calls["withdraw"]++;
            return;
        }
    }

    function toggleBlacklist(uint256 actorSeed) external {
        address account = _actors[actorSeed % _actors.length];
        blacklistToken.setBlacklisted(account, !blacklistToken.blacklisted(account));
        calls["toggleBlacklist"]++;
    }

    // ------------------------------------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------------------------------------

    function _warpTo(uint256 timestamp) internal {
        if (block.timestamp < timestamp) vm.warp(timestamp);
    }

    function _pick(uint256 seed) internal view returns (uint256 id, IBountyMarket.BountyInfo memory info) {
        if (_ids.length == 0) return (0, info);
        id = _ids[seed % _ids.length];
        info = market.getBounty(id);
    }

    /// @dev The first bounty in `wanted` status, scanning from a random start; id 0 if there is none.
    function _pickIn(uint256 seed, IBountyMarket.Status wanted)
        internal
        view
        returns (uint256 id, IBountyMarket.BountyInfo memory info)
    {
        uint256 n = _ids.length;
        for (uint256 i; i < n; ++i) {
            uint256 candidate = _ids[(seed + i) % n];
            IBountyMarket.BountyInfo memory candidateInfo = market.getBounty(candidate);
            if (candidateInfo.status == wanted) return (candidate, candidateInfo);
        }
    }

    function _fund(address account, address token, uint256 amount) internal {
        if (token == ETH) {
            vm.deal(account, account.balance + amount);
        } else {
            bool wasBlacklisted = token == address(blacklistToken) && blacklistToken.blacklisted(account);
            if (wasBlacklisted) blacklistToken.setBlacklisted(account, false);
            MockERC20(token).mint(account, amount);
            vm.prank(account);
            MockERC20(token).approve(address(market), type(uint256).max);
            if (wasBlacklisted) blacklistToken.setBlacklisted(account, true);
        }
    }

    /// @dev A valid ranking of some of the bounty's submissions: each contributor at most once, random
    /// scores around the threshold (0), sorted by the bounty's direction then submission order.
    function _ranking(uint256 id, IBountyMarket.BountyInfo memory info, uint256 seed)
        internal
        view
        returns (IBountyMarket.ResultEntry[] memory entries)
    {
        Sub[] storage subs = _subs[id];
        IBountyMarket.ResultEntry[] memory picked = new IBountyMarket.ResultEntry[](subs.length);
        uint256 n;
        for (uint256 i; i < subs.length; ++i) {
            if ((uint256(keccak256(abi.encode(seed, i))) & 3) == 0) continue; // leave some out
            bool seen;
            for (uint256 j; j < n; ++j) {
                if (picked[j].contributor == subs[i].contributor) seen = true;
            }
            if (seen) continue;
            // a relayed leaf counts below the limit less the contributor's direct submissions
            if (
                subs[i].relayed
                    && subs[i].sequence + market.submissionsBy(id, subs[i].contributor) >= info.maxSubmissionsPerContributor
            ) continue;
            int256 score = int256(uint256(keccak256(abi.encode(seed, "score", i))) % 7) - 3;
            picked[n++] = IBountyMarket.ResultEntry(subs[i].index, subs[i].contributor, subs[i].model, score);
        }
        bool higher = info.metricDirection == IBountyMarket.MetricDirection.HigherIsBetter;
        entries = new IBountyMarket.ResultEntry[](n);
        for (uint256 i; i < n; ++i) {
            IBountyMarket.ResultEntry memory e = picked[i];
            uint256 j = i;
            while (j > 0 && _before(e, entries[j - 1], higher)) {
                entries[j] = entries[j - 1];
                --j;
            }
            entries[j] = e;
        }
    }

    /// @dev The EIP-712 digest of a signed submission to the market (as RelayFixture computes it).
    function _digest(uint256 id, bytes32 commitment, address contributor, uint16 sequence, uint64 deadline)
        internal
        view
        returns (bytes32)
    {
        bytes32 domain = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("BountyMarket"),
                keccak256("2"),
                block.chainid,
                address(market)
            )
        );
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256(
                    "Submission(uint256 bounty,bytes32 commitment,address contributor,uint16 sequence,uint64 deadline)"
                ),
                id,
                commitment,
                contributor,
                sequence,
                deadline
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", domain, structHash));
    }

    /// @dev The relay proofs of a ranking's relayed entries, by rank.
    function _proofs(uint256 id, IBountyMarket.ResultEntry[] memory entries)
        internal
        view
        returns (IBountyMarket.RelayProof[] memory proofs)
    {
        Sub[] storage subs = _subs[id];
        IBountyMarket.RelayProof[] memory all = new IBountyMarket.RelayProof[](entries.length);
        uint256 n;
        for (uint256 rank; rank < entries.length; ++rank) {
            for (uint256 i; i < subs.length; ++i) {
                Sub storage sub = subs[i];
                if (sub.index != entries[rank].submissionIndex || !sub.relayed) continue;
                all[n++] = IBountyMarket.RelayProof({
                    fields: relayFields(rank, sub.index, 1, sub.postedAt, sub.sequence, sub.deadline, sub.v),
                    sigR: sub.r,
                    sigS: sub.s,
                    proof: new bytes32[](0)
                });
            }
        }
        proofs = new IBountyMarket.RelayProof[](n);
        for (uint256 i; i < n; ++i) {
            proofs[i] = all[i];
        }
    }

    function _before(IBountyMarket.ResultEntry memory a, IBountyMarket.ResultEntry memory b, bool higher)
        internal
        pure
        returns (bool)
    {
        if (a.score == b.score) return a.submissionIndex < b.submissionIndex;
        return higher ? a.score > b.score : a.score < b.score;
    }

    /// @dev Calls a settling function; a bounty that settles twice is recorded as a violation.
    function _settle(uint256 id, bytes memory data, address caller, bool allowed) internal returns (bool ok) {
        bool alreadySettled = ghostSettlements[id] != 0;
        ok = _recorded(id, caller, data);
        if (ok) {
            if (alreadySettled) ghostSecondSettlements++;
            ghostSettlements[id]++;
        }
        // An allowed settlement must succeed (liveness), a forbidden one must not.
        if (ok != allowed) ghostLivenessViolations++;
    }

    /// @dev Calls the market as `caller`, adding the bounty's Payout events to the ghost ledger.
    function _recorded(uint256 id, address caller, bytes memory data) internal returns (bool ok) {
        vm.recordLogs();
        vm.prank(caller);
        (ok,) = address(market).call(data);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        IBountyMarket.BountyInfo memory info = market.getBounty(id);
        address sponsor = info.sponsor;
        _lastRefund = 0;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter != address(market)) continue;
            _trackWinners(id, logs[i]);
            if (logs[i].topics[0] != IBountyMarket.Payout.selector) continue;
            require(uint256(logs[i].topics[1]) == id, "payout for another bounty");
            (, IBountyMarket.PayoutKind kind, uint256 amount,) =
                abi.decode(logs[i].data, (address, IBountyMarket.PayoutKind, uint256, bool));
            ghostPaidOut[id] += amount;
            address recipient = address(uint160(uint256(logs[i].topics[2])));
            if (kind == IBountyMarket.PayoutKind.Refund) _lastRefund += amount;
            if (kind == IBountyMarket.PayoutKind.BondReturned && !info.resultsOverturned) {
                ghostBondsBackUnlessOverturned++;
            }
            if (
                kind == IBountyMarket.PayoutKind.Prize
                    && (recipient == sponsor || recipient == evaluator || recipient == arbiter)
            ) ghostJudgePrizes++;
        }
    }

    /// @dev Rebuilds the paid ranks from `ResultRanked` (paid) and `ResultsProposed`/`ResultsOverturned`, as a
    /// keeper would: `finalize` is given them.
    function _trackWinners(uint256 id, Vm.Log memory log) internal {
        bytes32 topic = log.topics[0];
        if (topic == IBountyMarket.ResultRanked.selector) {
            (uint256 rank,,,,, bool paid) = abi.decode(log.data, (uint256, uint256, bytes32, int256, bool, bool));
            if (rank == 0) delete _rankedSoFar;
            if (paid) _rankedSoFar.push(address(uint160(uint256(log.topics[2]))));
        } else if (topic == IBountyMarket.ResultsProposed.selector || topic == IBountyMarket.ResultsOverturned.selector)
        {
            _paid[id] = _rankedSoFar;
            delete _rankedSoFar;
        }
    }
}
