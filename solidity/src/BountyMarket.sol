// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

import {IBountyMarket} from "./IBountyMarket.sol";

/// @title BountyMarket
/// @notice Escrowed ML-model bounties; see `IBountyMarket` for the rules and docs/protocol.md for the
/// lifecycle. No owner, no upgrade path: the treasury and the fee are fixed at deployment.
/// @dev Storage is packed so that `submit` touches one bounty slot, and a bounty takes 8 fresh slots. The paid
/// ranks are kept as one hash (`winnersHash`), which `finalize` checks against the addresses it is given.
/// Requires an EVM with Cancun (EIP-1153 transient storage for the reentrancy guard).
/// Relayed submissions use an EIP-712 domain separator cached at deployment and rebuilt on another chain id (a fork),
/// as OpenZeppelin's `EIP712` does without its ERC-5267 view (the contract must stay under 24 KiB), OpenZeppelin's
/// `ECDSA.tryRecover` (rejects high-s signatures, and `ecrecover` itself rejects v other than 27 or 28), and the proof
/// walk of OpenZeppelin's `MerkleProof` (sorted-pair keccak256, so a proof needs no left/right flags; the leaf's
/// position is bound inside the leaf instead), hashed in scratch memory as every per-entry hash of a ranking is.
contract BountyMarket is IBountyMarket, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    uint256 private constant BPS = 10_000;
    uint256 private constant MAX_FEE_BPS = 1_000;
    uint256 private constant MAX_SHARES = 10;
    uint256 private constant MIN_CHALLENGE_WINDOW = 1 hours;
    uint256 private constant MAX_CHALLENGE_WINDOW = 30 days;
    uint256 private constant MAX_BOUNTY_DURATION = 3650 days;
    /// @dev Time the arbiter has after the end of the challenge window; then the proposed results stand.
    uint64 private constant ARBITRATION_PERIOD = 30 days;
    /// @dev Gas forwarded with an ETH push (on top of the 2300 stipend): enough for a wallet that logs or a
    /// proxy that forwards, too little for a payee to grief the other payees of a finalization.
    uint256 private constant ETH_PUSH_GAS = 10_000;
    /// @dev Gas forwarded to an ERC-20 `transfer` push: several times what real tokens need, yet bounded,
    /// so a token that burns gas for one payee turns that payment into a credit instead of blocking all.
    uint256 private constant TOKEN_PUSH_GAS = 100_000;

    /// @dev Bounds a proof's depth (12) and how fast a leaked relayer key could use up a bounty's indexes.
    uint256 private constant MAX_BATCH_LEAVES = 4096;
    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant DOMAIN_NAME_HASH = keccak256("BountyMarket");
    bytes32 private constant DOMAIN_VERSION_HASH = keccak256("2");
    bytes32 private constant SUBMISSION_TYPEHASH = keccak256(
        "Submission(uint256 bounty,bytes32 commitment,address contributor,uint16 sequence,uint64 deadline)"
    );

    // Bit offsets of `RelayProof.fields` (see the interface), read by shifting and masking to each field's width.
    uint256 private constant RELAY_FIRST_SHIFT = 32;
    uint256 private constant RELAY_LEAF_COUNT_SHIFT = 64;
    uint256 private constant RELAY_POSTED_AT_SHIFT = 80;
    uint256 private constant RELAY_SEQUENCE_SHIFT = 120;
    uint256 private constant RELAY_DEADLINE_SHIFT = 136;
    uint256 private constant RELAY_V_SHIFT = 200;

    // Bit offsets of the fields of a bounty's first slot, read by `submit` directly.
    uint256 private constant HEAD_DEADLINE_SHIFT = 160;
    uint256 private constant HEAD_STATUS_SHIFT = 200;
    uint256 private constant HEAD_COUNT_SHIFT = 208;
    uint256 private constant HEAD_LIMIT_SHIFT = 240;

    struct Bounty {
        // slot 0: everything `submit` reads and writes (bit offsets: HEAD_*_SHIFT)
        address sponsor;
        uint40 submissionDeadline;
        Status status;
        uint32 submissionCount;
        uint16 maxSubmissionsPerContributor;
        // slot 1
        address token;
        uint40 evaluationDeadline;
        uint32 challengeWindow;
        uint8 shareCount;
        MetricDirection metricDirection;
        RevealPolicy revealPolicy;
        // slot 2
        address evaluator;
        uint40 challengeDeadline;
        uint8 winnerCount;
        bool testSetRevealed;
        bool resultsOverturned;
        uint32 challengerCount;
        // slot 3
        address arbiter;
        uint96 challengeBond;
        // slot 4
        uint128 reward;
        int128 threshold;
        // slot 5: written only by challenges (bonds not yet forfeited or claimed) and an overturned finalization
        uint128 bondsHeld;
        uint128 rewardPerChallenger;
        // slots 6 to 10
        bytes32 testSetCommitment;
        bytes32 specHash;
        uint256 packedShares; // 16 bits per rank, rank 0 in the lowest bits
        bytes32 reportHash;
        bytes32 winnersHash; // keccak256(abi.encodePacked(address[] paid contributors, best first))
    }

    /// @dev Working values of `_recordResults`, kept in memory to stay clear of the stack limit.
    struct Ranking {
        uint256 bountyId;
        address sponsor;
        address evaluator;
        address arbiter;
        uint256 submissionCount;
        int256 threshold;
        uint256 shareCount;
        bool higherIsBetter;
        int256 previousScore;
        uint256 previousIndex;
        uint256 winnerCount;
        uint256 maxSubmissions;
        uint256 relayedCount; // relayed entries recorded so far
    }

    /// @dev The sponsor's remainder of a bounty finalized with its reveal withheld, as it is handed out.
    struct Forfeit {
        uint256 amount;
        uint256 paidShares;
        uint256 left;
    }

    address private immutable _treasury;
    uint16 private immutable _protocolFeeBps;
    address private immutable _relayer;
    uint256 private immutable _cachedChainId;
    bytes32 private immutable _cachedDomainSeparator;

    uint256 private _bountyCount;
    mapping(uint256 bountyId => Bounty) private _bounties;
    mapping(uint256 bountyId => mapping(uint256 index => bytes32)) private _commitments;
    mapping(uint256 bountyId => mapping(address contributor => uint256)) private _submissionsBy;
    mapping(uint256 bountyId => mapping(address challenger => uint256)) private _bonds;
    /// @dev keccak256(abi.encode(root, leafCount, postedAt)) of each batch, by its first submission index: one
    /// fresh slot per batch, whatever its size.
    mapping(uint256 bountyId => mapping(uint256 firstIndex => bytes32)) private _batches;
    mapping(address account => mapping(address token => uint256)) private _credits;

    /// @param treasury_ Receives protocol fees and forfeited challenge bonds.
    /// @param protocolFeeBps_ Fee taken from each prize, in basis points (at most 1000).
    /// @param relayer_ The only address that may post batches of signed submissions (zero: relaying is off).
    constructor(address treasury_, uint16 protocolFeeBps_, address relayer_) {
        if (treasury_ == address(0)) revert ZeroTreasury();
        if (protocolFeeBps_ > MAX_FEE_BPS) revert FeeTooHigh(protocolFeeBps_, MAX_FEE_BPS);
        _treasury = treasury_;
        _protocolFeeBps = protocolFeeBps_;
        _relayer = relayer_;
        _cachedChainId = block.chainid;
        _cachedDomainSeparator = _buildDomainSeparator();
    }

    // ------------------------------------------------------------------------------------------------
    // Sponsor
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IBountyMarket
    function createBounty(BountyParams calldata params, uint16[] calldata shares)
        external
        payable
        nonReentrant
        returns (uint256 bountyId)
    {
        uint256 packedShares = _validate(params, shares);
        if (params.token != address(0) && params.token.code.length == 0) revert TokenNotContract(params.token);
        uint256 received = _pullFunds(params.token, params.amount);
        if (received == 0) revert ZeroAmount();
        if (received > type(uint128).max) revert AmountTooLarge(received);

        bountyId = ++_bountyCount;
        Bounty storage b = _bounties[bountyId];
        b.sponsor = msg.sender;
        b.submissionDeadline = uint40(params.submissionDeadline);
        b.status = Status.Open;
        b.maxSubmissionsPerContributor = params.maxSubmissionsPerContributor;
        b.token = params.token;
        b.evaluationDeadline = uint40(params.evaluationDeadline);
        b.challengeWindow = uint32(params.challengeWindow);
        b.shareCount = uint8(shares.length);
        b.metricDirection = params.metricDirection;
        b.revealPolicy = params.revealPolicy;
        b.evaluator = params.evaluator;
        b.arbiter = params.arbiter;
        b.challengeBond = uint96(params.challengeBond);
        b.reward = uint128(received);
        b.threshold = int128(params.threshold);
        b.testSetCommitment = params.testSetCommitment;
        b.specHash = params.specHash;
        b.packedShares = packedShares;

        _emitCreated(bountyId, params, shares, received);
    }

    /// @inheritdoc IBountyMarket
    function topUp(uint256 bountyId, uint256 amount) external payable nonReentrant returns (uint256 received) {
        Bounty storage b = _bounty(bountyId);
        if (b.status != Status.Open) revert BountyNotOpen(bountyId);
        if (block.timestamp >= b.submissionDeadline) revert SubmissionsClosed(bountyId, b.submissionDeadline);
        if (amount == 0) revert ZeroAmount();
        received = _pullFunds(b.token, amount);
        uint256 newReward = b.reward + received;
        if (newReward > type(uint128).max) revert AmountTooLarge(newReward);
        b.reward = uint128(newReward);
        emit ToppedUp(bountyId, msg.sender, received, newReward);
    }

    /// @inheritdoc IBountyMarket
    function cancel(uint256 bountyId) external nonReentrant {
        Bounty storage b = _bounty(bountyId);
        if (b.status != Status.Open) revert BountyNotOpen(bountyId);
        if (msg.sender != b.sponsor) revert NotSponsor(bountyId, msg.sender);
        if (b.submissionCount != 0) revert FundsLocked(bountyId);
        b.status = Status.Cancelled;
        uint256 refund = b.reward;
        emit BountyCancelled(bountyId, refund);
        _pay(bountyId, b.token, msg.sender, refund, PayoutKind.Refund);
    }

    // ------------------------------------------------------------------------------------------------
    // Contributor
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IBountyMarket
    /// @dev The hot path: the bounty's first slot is read once and written once (see `Bounty` for its
    /// layout; `test_submit_headLayoutMatchesStruct` pins it).
    function submit(uint256 bountyId, bytes32 commitment) external returns (uint256 index) {
        (Bounty storage b, uint256 head) = _openHead(bountyId);
        if (commitment == bytes32(0)) revert ZeroCommitment();

        mapping(address => uint256) storage submitted = _submissionsBy[bountyId];
        uint256 used = submitted[msg.sender];
        uint16 limit = uint16(head >> HEAD_LIMIT_SHIFT);
        if (used >= limit) revert SubmissionLimitReached(bountyId, limit);
        submitted[msg.sender] = used + 1;

        index = uint32(head >> HEAD_COUNT_SHIFT);
        uint256 count = uint32(index) + 1; // checked: reverts rather than wrap into the next field
        head = (head & ~(uint256(type(uint32).max) << HEAD_COUNT_SHIFT)) | (count << HEAD_COUNT_SHIFT);
        assembly ("memory-safe") {
            sstore(b.slot, head)
        }
        _commitments[bountyId][index] = commitment;
        emit Submitted(bountyId, index, msg.sender, commitment);
    }

    // ------------------------------------------------------------------------------------------------
    // Relayer
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IBountyMarket
    /// @dev Like `submit`, one read and one write of the bounty's first slot, plus one fresh slot: the leaves are
    /// not looked at (they are checked when ranked), so the cost does not depend on the batch's size.
    function postBatch(uint256 bountyId, bytes32 root, uint256 leafCount) external returns (uint256 firstIndex) {
        if (msg.sender != _relayer) revert NotRelayer(msg.sender);
        (Bounty storage b, uint256 head) = _openHead(bountyId);
        if (root == bytes32(0)) revert ZeroRoot();
        firstIndex = uint32(head >> HEAD_COUNT_SHIFT);
        uint256 count = firstIndex + leafCount;
        if (leafCount == 0 || leafCount > MAX_BATCH_LEAVES || count > type(uint32).max) {
            revert InvalidLeafCount(leafCount);
        }
        head = (head & ~(uint256(type(uint32).max) << HEAD_COUNT_SHIFT)) | (count << HEAD_COUNT_SHIFT);
        assembly ("memory-safe") {
            sstore(b.slot, head)
        }
        _batches[bountyId][firstIndex] = _batchHash(root, leafCount, block.timestamp);
        emit BatchPosted(bountyId, firstIndex, leafCount, root, block.timestamp);
    }

    // ------------------------------------------------------------------------------------------------
    // Evaluator, anyone, arbiter
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IBountyMarket
    function proposeResults(uint256 bountyId, ResultEntry[] calldata entries, bytes32 reportHash) external {
        _proposeResults(bountyId, entries, _noRelayProofs(), reportHash);
    }

    /// @inheritdoc IBountyMarket
    function proposeResultsWithProofs(
        uint256 bountyId,
        ResultEntry[] calldata entries,
        RelayProof[] calldata relayed,
        bytes32 reportHash
    ) external {
        _proposeResults(bountyId, entries, relayed, reportHash);
    }

    function _proposeResults(
        uint256 bountyId,
        ResultEntry[] calldata entries,
        RelayProof[] calldata relayed,
        bytes32 reportHash
    ) private {
        Bounty storage b = _bounty(bountyId);
        if (b.status != Status.Open) revert BountyNotOpen(bountyId);
        if (msg.sender != b.evaluator) revert NotEvaluator(bountyId, msg.sender);
        if (block.timestamp < b.submissionDeadline) revert SubmissionsStillOpen(bountyId, b.submissionDeadline);
        if (block.timestamp >= b.evaluationDeadline) {
            revert EvaluationDeadlinePassed(bountyId, b.evaluationDeadline);
        }
        uint256 winnerCount = _recordResults(bountyId, b, entries, relayed, reportHash);
        uint40 challengeDeadline = uint40(block.timestamp + b.challengeWindow);
        b.status = Status.Proposed;
        b.challengeDeadline = challengeDeadline;
        emit ResultsProposed(bountyId, reportHash, entries.length, winnerCount, challengeDeadline);
    }

    /// @inheritdoc IBountyMarket
    function revealTestSet(uint256 bountyId, bytes32 testSetSha256, bytes32 salt) external {
        Bounty storage b = _bounty(bountyId);
        if (block.timestamp < b.submissionDeadline) revert RevealTooEarly(bountyId, b.submissionDeadline);
        if (b.testSetRevealed) revert TestSetAlreadyRevealed(bountyId);
        bool isPublic = b.revealPolicy == RevealPolicy.Public;
        uint40 current = b.challengeDeadline; // a public bounty's reveal deadline while unrevealed
        if (isPublic && current != 0 && block.timestamp >= current) revert RevealDeadlinePassed(bountyId, current);
        if (keccak256(abi.encode(testSetSha256, salt)) != b.testSetCommitment) revert TestSetMismatch(bountyId);
        b.testSetRevealed = true;
        emit TestSetRevealed(bountyId, testSetSha256, salt);

        // A public bounty promises everyone a full window to re-run the evaluation on the revealed data.
        Status status = b.status;
        if (isPublic && (status == Status.Proposed || status == Status.Disputed)) {
            uint40 restarted = uint40(block.timestamp) + b.challengeWindow;
            if (restarted > current) {
                b.challengeDeadline = restarted;
                emit ChallengeDeadlineExtended(bountyId, restarted);
            }
        }
    }

    /// @inheritdoc IBountyMarket
    function challenge(uint256 bountyId) external payable nonReentrant {
        Bounty storage b = _bounty(bountyId);
        Status status = b.status;
        if (status != Status.Proposed && status != Status.Disputed) revert ResultsNotProposed(bountyId);
        uint40 challengeDeadline = b.challengeDeadline;
        if (block.timestamp >= challengeDeadline) revert ChallengeWindowClosed(bountyId, challengeDeadline);
        mapping(address => uint256) storage bonds = _bonds[bountyId];
        if (bonds[msg.sender] != 0) revert AlreadyChallenged(bountyId, msg.sender);
        uint256 bond = _pullFunds(b.token, b.challengeBond);
        if (bond == 0) revert ZeroAmount(); // a token that delivered nothing would leave no trace of the challenge
        bonds[msg.sender] = bond;
        b.status = Status.Disputed;
        b.challengerCount += 1; // checked: reverts rather than wrap
        b.bondsHeld += uint128(bond); // checked: each bond fits in 96 bits, at most 2^32 of them
        emit Challenged(bountyId, msg.sender, bond, _arbitrationDeadline(b));
    }

    /// @inheritdoc IBountyMarket
    function upholdResults(uint256 bountyId) external nonReentrant {
        Bounty storage b = _disputedForArbiter(bountyId);
        uint256 forfeited = b.bondsHeld;
        b.bondsHeld = 0;
        b.status = Status.Resolved;
        emit ResultsUpheld(bountyId, msg.sender);
        _pay(bountyId, b.token, _treasury, forfeited, PayoutKind.BondForfeited);
    }

    /// @inheritdoc IBountyMarket
    function overturnResults(uint256 bountyId, ResultEntry[] calldata entries, bytes32 reportHash) external {
        _overturnResults(bountyId, entries, _noRelayProofs(), reportHash);
    }

    /// @inheritdoc IBountyMarket
    function overturnResultsWithProofs(
        uint256 bountyId,
        ResultEntry[] calldata entries,
        RelayProof[] calldata relayed,
        bytes32 reportHash
    ) external {
        _overturnResults(bountyId, entries, relayed, reportHash);
    }

    function _overturnResults(
        uint256 bountyId,
        ResultEntry[] calldata entries,
        RelayProof[] calldata relayed,
        bytes32 reportHash
    ) private nonReentrant {
        Bounty storage b = _disputedForArbiter(bountyId);
        uint256 winnerCount = _recordResults(bountyId, b, entries, relayed, reportHash);
        b.status = Status.Resolved;
        b.resultsOverturned = true;
        // The bonds stay held: each challenger claims its bond and its part of the fee once finalized.
        emit ResultsOverturned(bountyId, msg.sender, reportHash, entries.length, winnerCount);
    }

    /// @inheritdoc IBountyMarket
    function finalize(uint256 bountyId, address[] calldata winners) external nonReentrant {
        Bounty storage b = _bounty(bountyId);
        Status status = b.status;
        uint256 lapsedBonds;
        if (status == Status.Proposed) {
            uint40 challengeDeadline = b.challengeDeadline;
            if (block.timestamp < challengeDeadline) revert ChallengeWindowOpen(bountyId, challengeDeadline);
        } else if (status == Status.Disputed) {
            // The arbiter never ruled: the proposed results stand and every bond is forfeited, as if upheld, so
            // that a challenge nobody settles costs its bond (see the interface's notice).
            uint64 arbitrationDeadline = _arbitrationDeadline(b);
            if (block.timestamp < arbitrationDeadline) revert ArbitrationPending(bountyId, arbitrationDeadline);
            lapsedBonds = b.bondsHeld;
            b.bondsHeld = 0;
            emit ChallengesLapsed(bountyId, b.challengerCount, lapsedBonds);
        } else if (status != Status.Resolved) {
            revert NotFinalizable(bountyId, _effectiveStatus(b));
        }
        if (keccak256(abi.encodePacked(winners)) != b.winnersHash) revert WinnersMismatch(bountyId);
        // A public bounty pays out only on revealed data; past the reveal deadline it settles as withheld.
        bool withheld = b.revealPolicy == RevealPolicy.Public && !b.testSetRevealed;
        if (withheld) {
            uint40 revealDeadline = b.challengeDeadline;
            if (block.timestamp < revealDeadline) revert TestSetNotRevealed(bountyId, revealDeadline);
        }
        b.status = Status.Finalized;
        (uint256 fee, uint256 refund) = _distribute(bountyId, b, winners, withheld);
        address token = b.token;
        if (b.resultsOverturned) {
            // The challengers share the fee equally; each claims its part with its bond (`claimChallenge`).
            uint256 each = fee / b.challengerCount; // overturned results had at least one challenger
            b.rewardPerChallenger = uint128(each);
            fee -= each * b.challengerCount; // the division's dust goes to the treasury
        }
        _pay(bountyId, token, _treasury, fee, PayoutKind.Fee);
        _pay(bountyId, token, b.sponsor, refund, PayoutKind.Refund);
        _pay(bountyId, token, _treasury, lapsedBonds, PayoutKind.BondForfeited);
    }

    /// @inheritdoc IBountyMarket
    function claimChallenge(uint256 bountyId, address challenger) external nonReentrant {
        Bounty storage b = _bounty(bountyId);
        if (b.status != Status.Finalized || !b.resultsOverturned) revert ChallengeNotClaimable(bountyId);
        mapping(address => uint256) storage bonds = _bonds[bountyId];
        uint256 bond = bonds[challenger];
        if (bond == 0) revert NotAChallenger(bountyId, challenger);
        bonds[challenger] = 0;
        b.bondsHeld -= uint128(bond);
        address token = b.token;
        emit ChallengeClaimed(bountyId, challenger, bond, b.rewardPerChallenger);
        _pay(bountyId, token, challenger, bond, PayoutKind.BondReturned);
        _pay(bountyId, token, challenger, b.rewardPerChallenger, PayoutKind.ChallengeReward);
    }

    /// @inheritdoc IBountyMarket
    function expire(uint256 bountyId) external nonReentrant {
        Bounty storage b = _bounty(bountyId);
        if (b.status != Status.Open) revert BountyNotOpen(bountyId);
        if (block.timestamp < b.evaluationDeadline) {
            revert EvaluationDeadlineNotReached(bountyId, b.evaluationDeadline);
        }
        b.status = Status.Expired;
        uint256 refund = b.reward;
        emit BountyExpired(bountyId, refund);
        _pay(bountyId, b.token, b.sponsor, refund, PayoutKind.Refund);
    }

    /// @inheritdoc IBountyMarket
    function withdraw(address token) external nonReentrant returns (uint256 amount) {
        return _withdraw(token, msg.sender);
    }

    /// @inheritdoc IBountyMarket
    function withdrawTo(address token, address recipient) external nonReentrant returns (uint256 amount) {
        if (recipient == address(0)) revert InvalidRecipient();
        return _withdraw(token, recipient);
    }

    // ------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IBountyMarket
    function getBounty(uint256 bountyId) external view returns (BountyInfo memory info) {
        Bounty storage b = _bounty(bountyId);
        info.status = _effectiveStatus(b);
        info.sponsor = b.sponsor;
        info.token = b.token;
        info.reward = b.reward;
        info.testSetCommitment = b.testSetCommitment;
        info.specHash = b.specHash;
        info.metricDirection = b.metricDirection;
        info.threshold = b.threshold;
        info.revealPolicy = b.revealPolicy;
        info.submissionDeadline = b.submissionDeadline;
        info.evaluationDeadline = b.evaluationDeadline;
        info.challengeWindow = b.challengeWindow;
        info.evaluator = b.evaluator;
        info.arbiter = b.arbiter;
        info.maxSubmissionsPerContributor = b.maxSubmissionsPerContributor;
        info.challengeBond = b.challengeBond;
        info.shareCount = b.shareCount;
        info.submissionCount = b.submissionCount;
        info.winnerCount = b.winnerCount;
        info.reportHash = b.reportHash;
        info.challengeDeadline = b.challengeDeadline;
        if (b.challengeDeadline != 0) info.arbitrationDeadline = _arbitrationDeadline(b);
        info.challengerCount = b.challengerCount;
        info.bondsHeld = b.bondsHeld;
        info.winnersHash = b.winnersHash;
        info.rewardPerChallenger = b.rewardPerChallenger;
        info.testSetRevealed = b.testSetRevealed;
        info.resultsOverturned = b.resultsOverturned;
    }

    /// @inheritdoc IBountyMarket
    function getTrustSignals(uint256 bountyId) external view returns (TrustSignals memory signals) {
        Bounty storage b = _bounty(bountyId);
        address sponsor = b.sponsor;
        signals.sponsorIsEvaluator = sponsor == b.evaluator;
        signals.sponsorIsArbiter = sponsor == b.arbiter;
        signals.rolesDistinct = !signals.sponsorIsEvaluator && !signals.sponsorIsArbiter; // evaluator != arbiter
        signals.bondToRewardBps = uint256(b.challengeBond) * BPS / b.reward; // the reward is never zero
        signals.revealPolicy = b.revealPolicy;
        uint40 challengeDeadline = b.challengeDeadline;
        if (b.revealPolicy == RevealPolicy.Public && !b.testSetRevealed && challengeDeadline != 0) {
            signals.revealDeadline = challengeDeadline;
            signals.revealWithheld = block.timestamp >= challengeDeadline;
        }
    }

    /// @inheritdoc IBountyMarket
    function getShares(uint256 bountyId) external view returns (uint16[] memory shares) {
        Bounty storage b = _bounty(bountyId);
        uint256 packed = b.packedShares;
        shares = new uint16[](b.shareCount);
        for (uint256 rank; rank < shares.length; ++rank) {
            shares[rank] = uint16(packed >> (16 * rank));
        }
    }

    /// @inheritdoc IBountyMarket
    function getPrizes(uint256 bountyId) external view returns (uint256[] memory prizes) {
        Bounty storage b = _bounty(bountyId);
        uint256 reward = b.reward;
        uint256 shares = b.packedShares;
        prizes = new uint256[](b.winnerCount);
        for (uint256 rank; rank < prizes.length; ++rank) {
            (, prizes[rank]) = _prize(reward, shares, rank);
        }
    }

    /// @inheritdoc IBountyMarket
    function relayer() external view returns (address relayerAddress) {
        return _relayer;
    }

    /// @inheritdoc IBountyMarket
    function getBatch(uint256 bountyId, uint256 firstIndex) external view returns (bytes32 batchHash) {
        return _batches[bountyId][firstIndex];
    }

    /// @inheritdoc IBountyMarket
    function challengeOf(uint256 bountyId, address challenger) external view returns (uint256 bond) {
        return _bonds[bountyId][challenger];
    }

    /// @inheritdoc IBountyMarket
    function getCommitment(uint256 bountyId, uint256 index) external view returns (bytes32 commitment) {
        return _commitments[bountyId][index];
    }

    /// @inheritdoc IBountyMarket
    function submissionCount(uint256 bountyId) external view returns (uint256 count) {
        return _bounty(bountyId).submissionCount;
    }

    /// @inheritdoc IBountyMarket
    function submissionsBy(uint256 bountyId, address contributor) external view returns (uint256 count) {
        return _submissionsBy[bountyId][contributor];
    }

    /// @inheritdoc IBountyMarket
    function creditOf(address account, address token) external view returns (uint256 amount) {
        return _credits[account][token];
    }

    /// @inheritdoc IBountyMarket
    function bountyCount() external view returns (uint256 count) {
        return _bountyCount;
    }

    /// @inheritdoc IBountyMarket
    function treasury() external view returns (address treasuryAddress) {
        return _treasury;
    }

    /// @inheritdoc IBountyMarket
    function protocolFeeBps() external view returns (uint16 feeBps) {
        return _protocolFeeBps;
    }

    /// @inheritdoc IBountyMarket
    function computeCommitment(bytes32 modelSha256, address contributor) external pure returns (bytes32 commitment) {
        return keccak256(abi.encode(modelSha256, contributor));
    }

    /// @inheritdoc IBountyMarket
    function computeTestSetCommitment(bytes32 testSetSha256, bytes32 salt) external pure returns (bytes32 commitment) {
        return keccak256(abi.encode(testSetSha256, salt));
    }

    // ------------------------------------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------------------------------------

    /// @dev The bounty's first slot, read once, for `submit` and `postBatch`: reverts unless it takes submissions.
    function _openHead(uint256 bountyId) private view returns (Bounty storage b, uint256 head) {
        b = _bounties[bountyId];
        assembly ("memory-safe") {
            head := sload(b.slot)
        }
        Status status = Status(uint8(head >> HEAD_STATUS_SHIFT));
        if (status != Status.Open) {
            if (status == Status.None) revert BountyNotFound(bountyId);
            revert BountyNotOpen(bountyId);
        }
        uint64 deadline = uint40(head >> HEAD_DEADLINE_SHIFT);
        if (block.timestamp >= deadline) revert SubmissionsClosed(bountyId, deadline);
    }

    function _bounty(uint256 bountyId) private view returns (Bounty storage b) {
        b = _bounties[bountyId];
        if (b.status == Status.None) revert BountyNotFound(bountyId);
    }

    function _effectiveStatus(Bounty storage b) private view returns (Status) {
        Status status = b.status;
        if (status == Status.Open && block.timestamp >= b.submissionDeadline) return Status.Closed;
        return status;
    }

    function _disputedForArbiter(uint256 bountyId) private view returns (Bounty storage b) {
        b = _bounty(bountyId);
        if (b.status != Status.Disputed) revert NotDisputed(bountyId);
        if (msg.sender != b.arbiter) revert NotArbiter(bountyId, msg.sender);
        uint64 arbitrationDeadline = _arbitrationDeadline(b);
        if (block.timestamp >= arbitrationDeadline) revert ArbitrationClosed(bountyId, arbitrationDeadline);
    }

    function _arbitrationDeadline(Bounty storage b) private view returns (uint64) {
        return b.challengeDeadline + ARBITRATION_PERIOD;
    }

    /// @dev Checks every creation parameter except the funds; returns the shares packed 16 bits per rank.
    function _validate(BountyParams calldata params, uint16[] calldata shares)
        private
        view
        returns (uint256 packedShares)
    {
        uint256 count = shares.length;
        if (count == 0 || count > MAX_SHARES) revert InvalidShareCount(count);
        uint256 sum;
        uint256 previous = BPS;
        for (uint256 rank; rank < count; ++rank) {
            uint256 share = shares[rank];
            if (share == 0 || share > previous) revert InvalidShare(rank, share);
            sum += share;
            previous = share;
            packedShares |= share << (16 * rank);
        }
        if (sum != BPS) revert InvalidShareSum(sum);

        if (params.submissionDeadline <= block.timestamp) revert InvalidSubmissionDeadline(params.submissionDeadline);
        if (
            params.evaluationDeadline <= params.submissionDeadline
                || params.evaluationDeadline > block.timestamp + MAX_BOUNTY_DURATION
        ) revert InvalidEvaluationDeadline(params.evaluationDeadline);
        if (params.challengeWindow < MIN_CHALLENGE_WINDOW || params.challengeWindow > MAX_CHALLENGE_WINDOW) {
            revert InvalidChallengeWindow(params.challengeWindow);
        }
        if (params.evaluator == address(0)) revert InvalidEvaluator(params.evaluator);
        if (params.arbiter == address(0) || params.arbiter == params.evaluator) revert InvalidArbiter(params.arbiter);
        if (params.maxSubmissionsPerContributor == 0) revert ZeroMaxSubmissions();
        if (params.challengeBond == 0 || params.challengeBond > type(uint96).max) {
            revert InvalidChallengeBond(params.challengeBond);
        }
        if (params.testSetCommitment == bytes32(0)) revert ZeroTestSetCommitment();
        if (params.specHash == bytes32(0)) revert ZeroSpecHash();
        if (params.threshold < type(int128).min || params.threshold > type(int128).max) {
            revert ThresholdOutOfRange(params.threshold);
        }
        if (params.amount == 0) revert ZeroAmount();
    }

    function _emitCreated(uint256 bountyId, BountyParams calldata params, uint16[] calldata shares, uint256 amount)
        private
    {
        emit BountyCreated(
            bountyId,
            msg.sender,
            params.token,
            amount,
            params.testSetCommitment,
            params.specHash,
            params.submissionDeadline,
            params.evaluationDeadline,
            params.evaluator,
            params.arbiter
        );
        emit BountyTerms(
            bountyId,
            params.metricDirection,
            params.threshold,
            params.revealPolicy,
            params.maxSubmissionsPerContributor,
            params.challengeWindow,
            params.challengeBond,
            shares
        );
    }

    /// @dev Validates ranked entries and stores the paid ranks; returns how many ranks are paid.
    function _recordResults(
        uint256 bountyId,
        Bounty storage b,
        ResultEntry[] calldata entries,
        RelayProof[] calldata relayed,
        bytes32 reportHash
    ) private returns (uint256) {
        if (reportHash == bytes32(0)) revert ZeroReportHash();
        Ranking memory r = Ranking({
            bountyId: bountyId,
            sponsor: b.sponsor,
            evaluator: b.evaluator,
            arbiter: b.arbiter,
            submissionCount: b.submissionCount,
            threshold: b.threshold,
            shareCount: b.shareCount,
            higherIsBetter: b.metricDirection == MetricDirection.HigherIsBetter,
            previousScore: 0,
            previousIndex: 0,
            winnerCount: 0,
            maxSubmissions: b.maxSubmissionsPerContributor,
            relayedCount: 0
        });
        // One bit per submission: a listed index must be unique.
        uint256[] memory seen = new uint256[]((r.submissionCount + 255) >> 8);
        address[] memory paid = new address[](r.shareCount);
        for (uint256 rank; rank < entries.length; ++rank) {
            _recordRank(r, seen, paid, rank, entries[rank], relayed);
        }
        if (r.relayedCount != relayed.length) revert RelayProofOutOfOrder(r.relayedCount);
        uint256 winnerCount = r.winnerCount;
        bytes32 winnersHash;
        assembly ("memory-safe") {
            // the same bytes as abi.encodePacked(address[]) of the paid ranks: one padded word each
            winnersHash := keccak256(add(paid, 0x20), shl(5, winnerCount))
        }
        b.winnerCount = uint8(winnerCount);
        b.reportHash = reportHash;
        b.winnersHash = winnersHash;
        return winnerCount;
    }

    /// @dev One ranked entry: a relayed one (the next proof names its rank) opens its leaf, and if paid, its
    /// signature and sequence number are checked; a direct one opens its stored commitment.
    function _recordRank(
        Ranking memory r,
        uint256[] memory seen,
        address[] memory paid,
        uint256 rank,
        ResultEntry calldata entry,
        RelayProof[] calldata relayed
    ) private {
        uint256 next = r.relayedCount;
        if (next < relayed.length) {
            RelayProof calldata relay = relayed[next];
            if (uint32(relay.fields) == rank) {
                r.relayedCount = next + 1;
                bytes32 digest = _checkIncluded(r.bountyId, r.submissionCount, entry, relay);
                // Only a paid rank moves funds, so only there must the contributor have signed within the limit.
                if (_recordEntry(r, seen, paid, rank, entry, true)) {
                    _checkSigned(r.bountyId, r.maxSubmissions, entry.submissionIndex, entry.contributor, relay, digest);
                }
                return;
            }
        }
        _recordEntry(r, seen, paid, rank, entry, false);
    }

    function _recordEntry(
        Ranking memory r,
        uint256[] memory seen,
        address[] memory paid,
        uint256 rank,
        ResultEntry calldata entry,
        bool isRelayed
    ) private returns (bool isPaid) {
        uint256 index = entry.submissionIndex;
        if (index >= r.submissionCount) revert UnknownSubmission(index);
        // forge-lint: disable-next-line(incorrect-shift)
        uint256 bit = 1 << (index & 255); // one bit per submission index
        uint256 word = seen[index >> 8];
        if (word & bit != 0) revert DuplicateSubmission(index);
        seen[index >> 8] = word | bit;

        address contributor = entry.contributor;
        bytes32 modelSha256 = entry.modelSha256;
        // A relayed entry was checked against its batch; a direct one opens its stored commitment (an index
        // reserved by a batch has none, so a direct entry cannot claim a leaf's place).
        if (!isRelayed && _commitments[r.bountyId][index] != _commitmentOf(modelSha256, contributor)) {
            revert CommitmentMismatch(index);
        }

        int256 score = entry.score;
        if (rank != 0) {
            bool ordered;
            if (score == r.previousScore) ordered = index > r.previousIndex;
            else ordered = r.higherIsBetter ? score < r.previousScore : score > r.previousScore;
            if (!ordered) revert RankingOutOfOrder(rank);
        }
        r.previousScore = score;
        r.previousIndex = index;

        // Entries are ordered, so the qualifying ones form a prefix of the ranking; the paid ranks go to the
        // first k of them that no judge of the bounty entered.
        bool qualified = r.higherIsBetter ? score >= r.threshold : score <= r.threshold;
        isPaid = qualified && r.winnerCount < r.shareCount && !_isJudge(r, contributor);
        if (isPaid) _recordWinner(r, paid, contributor);
        emit ResultRanked(r.bountyId, rank, index, contributor, modelSha256, score, qualified, isPaid);
    }

    /// @dev keccak256(abi.encode(modelSha256, contributor)), hashed in scratch memory.
    function _commitmentOf(bytes32 modelSha256, address contributor) private pure returns (bytes32 commitment) {
        assembly ("memory-safe") {
            mstore(0x00, modelSha256)
            mstore(0x20, contributor)
            commitment := keccak256(0x00, 0x40)
        }
    }

    /// @dev A relayed entry opens a posted leaf: its index exists (checked here, before `_recordEntry` does) and lies
    /// inside the named batch, the proof leads from the leaf to that batch's root, and the batch was posted before the
    /// signed deadline. Returns the signed digest. A signed submission listed twice (a replay, in two batches or twice
    /// in one) cannot be paid twice: a contributor holds at most one paid rank (`DuplicateWinner`).
    function _checkIncluded(uint256 bountyId, uint256 submissionCount, ResultEntry calldata entry, RelayProof calldata relay)
        private
        view
        returns (bytes32 digest)
    {
        uint256 index = entry.submissionIndex;
        if (index >= submissionCount) revert UnknownSubmission(index);
        uint256 fields = relay.fields;
        uint256 first = uint32(fields >> RELAY_FIRST_SHIFT);
        uint256 leafCount = uint16(fields >> RELAY_LEAF_COUNT_SHIFT);
        uint256 postedAt = uint40(fields >> RELAY_POSTED_AT_SHIFT);
        uint256 deadline = uint64(fields >> RELAY_DEADLINE_SHIFT);
        if (index < first || index - first >= leafCount) revert LeafOutOfBatch(index);
        if (postedAt >= deadline) revert SignatureExpired(index, deadline);
        address contributor = entry.contributor;
        digest = _submissionDigest(
            bountyId, _commitmentOf(entry.modelSha256, contributor), contributor, uint16(fields >> RELAY_SEQUENCE_SHIFT),
            deadline
        );
        bytes32 root = _processProof(relay.proof, _leaf(index - first, digest));
        if (_batches[bountyId][first] != _batchHash(root, leafCount, postedAt)) revert InvalidInclusionProof(index);
    }

    /// @dev The contributor signed the digest (`ecrecover`'s 3,000 gas, so only for paid ranks), and its sequence
    /// number is below the limit less the contributor's direct submissions, which hold the top numbers.
    function _checkSigned(
        uint256 bountyId,
        uint256 limit,
        uint256 index,
        address contributor,
        RelayProof calldata relay,
        bytes32 digest
    ) private view {
        uint256 fields = relay.fields;
        (address signer, ECDSA.RecoverError error,) =
            ECDSA.tryRecover(digest, uint8(fields >> RELAY_V_SHIFT), relay.sigR, relay.sigS);
        if (error != ECDSA.RecoverError.NoError || signer != contributor) revert InvalidSignature(index);
        uint256 relayedLimit = limit - _submissionsBy[bountyId][contributor]; // direct ones never exceed the limit
        uint256 sequence = uint16(fields >> RELAY_SEQUENCE_SHIFT);
        if (sequence >= relayedLimit) revert SequenceOutOfRange(index, sequence, relayedLimit);
    }

    /// @dev The EIP-712 digest, hashed in scratch memory (nothing allocated: a ranking hashes one per relayed entry).
    function _submissionDigest(
        uint256 bountyId,
        bytes32 commitment,
        address contributor,
        uint256 sequence,
        uint256 deadline
    ) private view returns (bytes32 digest) {
        bytes32 domainSeparator = block.chainid == _cachedChainId ? _cachedDomainSeparator : _buildDomainSeparator();
        bytes32 typeHash = SUBMISSION_TYPEHASH;
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, typeHash)
            mstore(add(m, 0x20), bountyId)
            mstore(add(m, 0x40), commitment)
            mstore(add(m, 0x60), contributor)
            mstore(add(m, 0x80), sequence)
            mstore(add(m, 0xa0), deadline)
            let structHash := keccak256(m, 0xc0)
            // "\x19\x01" ‖ domainSeparator ‖ structHash, as OpenZeppelin's MessageHashUtils.toTypedDataHash
            mstore(0x00, 0x1901)
            mstore(0x20, domainSeparator)
            mstore(0x40, structHash)
            digest := keccak256(0x1e, 0x42)
            mstore(0x40, m) // the free memory pointer, overwritten by structHash
        }
    }

    function _buildDomainSeparator() private view returns (bytes32) {
        return keccak256(abi.encode(DOMAIN_TYPEHASH, DOMAIN_NAME_HASH, DOMAIN_VERSION_HASH, block.chainid, address(this)));
    }

    /// @dev keccak256(bytes.concat(keccak256(abi.encode(leafIndex, digest)))): hashed twice (as OpenZeppelin's Merkle
    /// trees do) so no 64-byte inner node can pass for a leaf.
    function _leaf(uint256 leafIndex, bytes32 digest) private pure returns (bytes32 leaf) {
        assembly ("memory-safe") {
            mstore(0x00, leafIndex)
            mstore(0x20, digest)
            mstore(0x00, keccak256(0x00, 0x40))
            leaf := keccak256(0x00, 0x20)
        }
    }

    /// @dev OpenZeppelin's `MerkleProof.processProofCalldata` (each pair hashed sorted), in scratch memory.
    function _processProof(bytes32[] calldata proof, bytes32 leaf) private pure returns (bytes32 node) {
        assembly ("memory-safe") {
            node := leaf
            let end := add(proof.offset, shl(5, proof.length))
            for { let p := proof.offset } lt(p, end) { p := add(p, 0x20) } {
                let sibling := calldataload(p)
                // the smaller of the two first: the node goes to 0x20 when it is the greater, else to 0x00 (as Solady)
                let at := shl(5, gt(node, sibling))
                mstore(at, node)
                mstore(xor(at, 0x20), sibling)
                node := keccak256(0x00, 0x40)
            }
        }
    }

    /// @dev keccak256(abi.encode(root, leafCount, postedAt)): what `_batches` holds for a batch.
    function _batchHash(bytes32 root, uint256 leafCount, uint256 postedAt) private pure returns (bytes32 batchHash) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, root)
            mstore(add(m, 0x20), leafCount)
            mstore(add(m, 0x40), postedAt)
            batchHash := keccak256(m, 0x60)
        }
    }

    /// @dev An empty calldata array for the overloads without relayed entries.
    function _noRelayProofs() private pure returns (RelayProof[] calldata none) {
        assembly ("memory-safe") {
            none.offset := 0
            none.length := 0
        }
    }

    /// @dev Adds the next paid rank (hashed once all are known); a contributor may hold only one.
    function _recordWinner(Ranking memory r, address[] memory paid, address contributor) private pure {
        uint256 winner = r.winnerCount;
        for (uint256 j; j < winner; ++j) {
            if (paid[j] == contributor) revert DuplicateWinner(contributor);
        }
        paid[winner] = contributor;
        r.winnerCount = winner + 1;
    }

    /// @dev Whether the sponsor, the evaluator or the arbiter entered this: such an entry is never paid.
    function _isJudge(Ranking memory r, address contributor) private pure returns (bool) {
        return contributor == r.sponsor || contributor == r.evaluator || contributor == r.arbiter;
    }

    /// @dev Pays each paid rank its share less the fee; returns the fee and the rest (unpaid shares and
    /// rounding dust) for the sponsor, which the caller pays: exactly the reward leaves the escrow. With the reveal
    /// `withheld` and a paid rank, that rest goes to the paid ranks by their shares instead (no fee on it; the
    /// last paid rank takes the division's dust).
    function _distribute(uint256 bountyId, Bounty storage b, address[] calldata winners, bool withheld)
        private
        returns (uint256 fee, uint256 refund)
    {
        uint256 reward = b.reward;
        uint256 shares = b.packedShares;
        // winners.length: the paid ranks, checked against the stored hash
        Forfeit memory f = withheld ? _forfeit(reward, shares, winners.length) : Forfeit(0, 0, 0);
        uint256 awarded;
        for (uint256 rank; rank < winners.length; ++rank) {
            (uint256 gross, uint256 net) = _prize(reward, shares, rank);
            awarded += gross;
            fee += gross - net;
            if (f.left != 0) net += _bonus(f, shares, rank, winners.length);
            _pay(bountyId, b.token, winners[rank], net, PayoutKind.Prize); // a warm read: no stack left
        }
        refund = reward - awarded - f.amount;
        if (withheld) emit RevealWithheld(bountyId, f.amount);
        emit BountyFinalized(bountyId, awarded - fee + f.amount, fee, refund);
    }

    /// @dev With the reveal withheld: what would have returned to the sponsor (`amount`), the paid ranks'
    /// shares summed (the split is by them) and what is still to hand out. Nothing when no rank is paid.
    function _forfeit(uint256 reward, uint256 shares, uint256 winnerCount) private pure returns (Forfeit memory f) {
        if (winnerCount == 0) return f;
        uint256 awarded;
        for (uint256 rank; rank < winnerCount; ++rank) {
            uint256 share = (shares >> (16 * rank)) & 0xffff;
            f.paidShares += share;
            awarded += reward * share / BPS;
        }
        f.amount = reward - awarded;
        f.left = f.amount;
    }

    /// @dev The forfeited remainder's part for `rank`, by its share; the last paid rank takes the dust.
    function _bonus(Forfeit memory f, uint256 shares, uint256 rank, uint256 winnerCount)
        private
        pure
        returns (uint256 bonus)
    {
        bonus = rank + 1 == winnerCount ? f.left : f.amount * ((shares >> (16 * rank)) & 0xffff) / f.paidShares;
        f.left -= bonus;
    }

    /// @dev Gross share of `rank` and what its winner receives after the protocol fee (both rounded down).
    function _prize(uint256 reward, uint256 packedShares, uint256 rank)
        private
        view
        returns (uint256 gross, uint256 net)
    {
        gross = reward * ((packedShares >> (16 * rank)) & 0xffff) / BPS;
        net = gross * (BPS - _protocolFeeBps) / BPS;
    }

    /// @dev Takes `amount` from the caller: ETH must come as `msg.value`; an ERC-20 is pulled and the
    /// balance increase is what counts (fee-on-transfer tokens deliver less than `amount`).
    function _pullFunds(address token, uint256 amount) private returns (uint256 received) {
        if (token == address(0)) {
            if (msg.value != amount) revert ValueMismatch(amount, msg.value);
            return amount;
        }
        if (msg.value != 0) revert ValueMismatch(0, msg.value);
        uint256 balanceBefore = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        received = IERC20(token).balanceOf(address(this)) - balanceBefore;
    }

    /// @dev Pushes a payment; when the push fails (a reverting or greedy receiver, a token that refuses
    /// the transfer) the amount becomes a credit for `withdraw`, so one payee can never block the others.
    function _pay(uint256 bountyId, address token, address to, uint256 amount, PayoutKind kind) private {
        if (amount == 0) return;
        bool pushed;
        if (token == address(0)) {
            assembly ("memory-safe") {
                pushed := call(ETH_PUSH_GAS, to, amount, 0, 0, 0, 0)
            }
        } else {
            pushed = _tryTransfer(token, to, amount);
        }
        if (!pushed) _credits[to][token] += amount;
        emit Payout(bountyId, to, token, kind, amount, !pushed);
    }

    /// @dev SafeERC20's `trySafeTransfer` with a gas bound: true if the token returned true, or returned
    /// nothing (USDT-style) and is a contract. Copies at most 32 bytes of return data.
    function _tryTransfer(address token, address to, uint256 amount) private returns (bool ok) {
        bytes4 selector = IERC20.transfer.selector;
        assembly ("memory-safe") {
            let fmp := mload(0x40)
            mstore(0x00, selector)
            mstore(0x04, and(to, shr(96, not(0))))
            mstore(0x24, amount)
            ok := call(TOKEN_PUSH_GAS, token, 0, 0x00, 0x44, 0x00, 0x20)
            if iszero(and(ok, eq(mload(0x00), 1))) {
                ok := and(ok, and(iszero(returndatasize()), gt(extcodesize(token), 0)))
            }
            mstore(0x40, fmp) // the amount overwrote the free memory pointer
        }
    }

    function _withdraw(address token, address recipient) private returns (uint256 amount) {
        amount = _credits[msg.sender][token];
        if (amount == 0) revert NothingToWithdraw(msg.sender, token);
        _credits[msg.sender][token] = 0;
        emit Withdrawn(msg.sender, token, recipient, amount);
        if (token == address(0)) {
            (bool sent,) = recipient.call{value: amount}("");
            if (!sent) revert EthTransferFailed(recipient, amount);
        } else {
            IERC20(token).safeTransfer(recipient, amount);
        }
    }
}
