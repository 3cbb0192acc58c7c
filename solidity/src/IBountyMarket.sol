// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IBountyMarket
/// @notice Escrowed bounties for machine-learning models: a sponsor posts a reward and a committed hidden
/// test set, contributors commit model hashes, an evaluator posts ranked scores, anyone may challenge them
/// with a bond during a window, an arbiter settles challenges, and the escrow is paid out by fixed rules.
/// @dev Every deadline is exclusive: an action allowed "before" a deadline is allowed while
/// `block.timestamp < deadline`, an action allowed "after" it from `block.timestamp >= deadline` on.
/// Amounts are in the bounty's token: `address(0)` for ETH (wei), otherwise an ERC-20 (its base units).
/// Scores and thresholds are fixed point with 6 decimals (1.5 is 1_500_000).
///
/// Two rules keep the judges honest:
/// - **No judge in the race.** An entry whose contributor is the bounty's sponsor, evaluator or arbiter is never
///   paid: it may be listed, and then emits `ResultRanked` with `paid = false`, and the next entry takes the
///   paid rank it would have held. Checked when results are recorded (`proposeResults`, `overturnResults`),
///   not on `submit`, where the commitment hides the contributor anyway.
/// - **A reveal nobody can withhold.** A `Public` bounty with results must have its test set revealed before
///   its reveal deadline, which is the challenge deadline set by `proposeResults` (a reveal then restarts the
///   window, so challengers get a full window on the revealed data). Until then `finalize` is refused
///   (`TestSetNotRevealed`); from then on a reveal is refused (`RevealDeadlinePassed`) and anyone may
///   finalize with the reveal withheld: what would have returned to the sponsor (unpaid shares and rounding
///   dust) goes to the paid ranks instead, split by their shares, free of fee; the fee stays what it would
///   have been. Whoever holds the preimage (the sponsor, or the platform it chose to evaluate) thus gains
///   nothing by withholding it: the sponsor loses the refund, the treasury's fee is unchanged, and the funds
///   always leave the escrow. With no paid rank the reward returns to the sponsor, exactly what `expire` would
///   give had the evaluator proposed nothing, so withholding adds nothing a silent evaluator could not get.
/// - **Challenges nobody can squat.** Every address may challenge proposed results once, with the bond, while
///   the challenge window is open, even after others did (the bounty is then `Disputed`; a reveal of a public
///   bounty still restarts the window). The arbiter settles all challenges made so far with one ruling, which
///   closes the window: upheld, every bond goes to the treasury; overturned, each challenger claims its bond
///   back plus an equal part of the bounty's protocol fee (`claimChallenge`, once finalized). A dispute the
///   arbiter leaves unsettled until the arbitration deadline lapses: the proposed results stand and every bond
///   goes to the treasury, as if upheld. So a challenge made to occupy the dispute rather than to win it (a
///   squat) always costs its bond, and it locks nobody out: anyone may still challenge beside it, and the
///   arbiter's ruling decides for all. No party to the bounty profits from the arbiter's silence: the sponsor
///   gets back no more than without a challenge, the paid ranks no more than the results give them.
///
/// Cheaper results: the contract stores the paid ranks as one hash (`BountyInfo.winnersHash`). `finalize` takes
/// their addresses, best first, and checks them against it; they are the `ResultRanked` events with
/// `paid = true`, in rank order, of the latest `ResultsProposed` or `ResultsOverturned`.
///
/// **Relayed submissions** (contributors need no ETH): a contributor signs an EIP-712 `Submission(uint256 bounty,
/// bytes32 commitment,address contributor,uint16 sequence,uint64 deadline)` in the domain (name "BountyMarket",
/// version "2", chainId, this contract). The relayer named at deployment posts batches: one Merkle root per batch
/// (`postBatch`), which reserves `leafCount` consecutive submission indexes, so a leaf's index is the batch's first
/// index plus its position and tie order is batch order then leaf order, interleaved with direct submissions by
/// when each reached the chain. Leaf `i` of a batch is `keccak256(bytes.concat(keccak256(abi.encode(i, digest))))`
/// with `digest` the EIP-712 hash of the signed submission; inner nodes hash their two children sorted
/// (OpenZeppelin's `MerkleProof`). Nothing about a leaf is checked when the batch is posted: a ranked entry of a
/// relayed submission carries its `RelayProof` in `proposeResultsWithProofs`/`overturnResultsWithProofs`, where the
/// proof and the batch having been posted before the signed deadline are checked for every such entry, and the
/// signature (low-s, v 27 or 28) and the sequence number for a paid one (only a paid rank moves funds; an unpaid
/// entry cannot displace one, as paid ranks are the first qualifying entries). Sequence numbers share the per-contributor limit `L` with direct submissions: a contributor's `d`
/// direct `submit`s hold the numbers `L - 1` down to `L - d`, so a relayed leaf counts only with
/// `sequence < L - d`; a replayed leaf (one signed submission in two batches) cannot be paid twice, as a contributor
/// holds at most one paid rank. Direct `submit` stays
/// open to everyone: a signed submission the relayer leaves out can be sent directly before the deadline.
interface IBountyMarket {
    // ------------------------------------------------------------------------------------------------
    // Types
    // ------------------------------------------------------------------------------------------------

    /// @notice Lifecycle of a bounty. `Closed` is never stored: views report an `Open` bounty whose
    /// submission deadline has passed as `Closed`.
    enum Status {
        None,
        Open,
        Closed,
        Proposed,
        Disputed,
        Resolved,
        Finalized,
        Cancelled,
        Expired
    }

    /// @notice Whether a larger or a smaller score is better.
    enum MetricDirection {
        HigherIsBetter,
        LowerIsBetter
    }

    /// @notice `Public`: the test set is revealed after the results so anyone can re-run the evaluation;
    /// revealing it while the results are proposed restarts the challenge window.
    /// `Confidential`: the test set stays private and is handed only to the arbiter on a challenge.
    enum RevealPolicy {
        Public,
        Confidential
    }

    /// @notice What a payment is for.
    enum PayoutKind {
        Prize,
        Refund,
        Fee,
        ChallengeReward,
        BondReturned,
        BondForfeited
    }

    /// @notice Parameters of `createBounty` (the payout shares are a separate argument).
    /// @param token Reward token: `address(0)` for ETH, otherwise an ERC-20 contract.
    /// @param amount Reward; for ETH it must equal `msg.value`. For an ERC-20 the contract pulls it and
    /// escrows what it actually received (fee-on-transfer tokens escrow less).
    /// @param testSetCommitment `keccak256(abi.encode(sha256(testSetFile), salt))`.
    /// @param specHash Hash of the off-chain bounty specification (task, metric, input schema).
    /// @param metricDirection Whether higher or lower scores are better.
    /// @param threshold Score an entry must reach to qualify for payment (at least as good as it);
    /// must fit in int128.
    /// @param revealPolicy Public or confidential test set.
    /// @param submissionDeadline Submissions are accepted before this timestamp.
    /// @param evaluationDeadline Results must be proposed before this timestamp, else the bounty expires.
    /// @param challengeWindow Seconds during which proposed results can be challenged.
    /// @param evaluator The only address allowed to propose results.
    /// @param arbiter The only address allowed to settle a challenge; must differ from the evaluator.
    /// @param maxSubmissionsPerContributor Submissions one address may make (at least 1).
    /// @param challengeBond Bond a challenger must post, in the bounty's token (non-zero, fits in uint96).
    struct BountyParams {
        address token;
        uint256 amount;
        bytes32 testSetCommitment;
        bytes32 specHash;
        MetricDirection metricDirection;
        int256 threshold;
        RevealPolicy revealPolicy;
        uint64 submissionDeadline;
        uint64 evaluationDeadline;
        uint64 challengeWindow;
        address evaluator;
        address arbiter;
        uint16 maxSubmissionsPerContributor;
        uint256 challengeBond;
    }

    /// @notice One ranked entry of a result: rank is the position in the array (0 is best).
    /// @param submissionIndex Index of the submission (0-based order of `submit` calls on the bounty).
    /// @param contributor Address the commitment names.
    /// @param modelSha256 SHA-256 of the model file.
    /// @param score Score on the private test set, fixed point 1e6.
    struct ResultEntry {
        uint32 submissionIndex;
        address contributor;
        bytes32 modelSha256;
        int256 score;
    }

    /// @notice What a ranked entry of a relayed submission carries: where its leaf is, the signed fields that are
    /// not already in the entry, the signature and the inclusion proof.
    /// @param fields The small fields packed in one word (one calldata word instead of seven), from the lowest bit:
    /// `rank` (32 bits, the rank this proof belongs to; proofs are listed by increasing rank), `batchFirstIndex` (32,
    /// first submission index of the leaf's batch, see `BatchPosted`), `batchLeafCount` (16, leaves of that batch),
    /// `batchPostedAt` (40, block timestamp of its `BatchPosted`), `sequence` (16, the contributor's signed per-bounty
    /// sequence number), `deadline` (64, the signed deadline: the batch must have been posted before it) and `sigV`
    /// (8); the bits above 208 are ignored. Each width is the field's signed or stored width, so no value is lost.
    /// @param sigR @param sigS The contributor's signature of the EIP-712 digest (with `sigV` 27 or 28, low s); only
    /// a paid rank's is checked, so an unpaid entry may carry zeros (4 gas per byte instead of 16).
    /// @param proof Sibling hashes from the leaf up to the batch's root.
    struct RelayProof {
        uint256 fields;
        bytes32 sigR;
        bytes32 sigS;
        bytes32[] proof;
    }

    /// @notice What a contributor should check before entering a bounty, as returned by `getTrustSignals`.
    /// @param sponsorIsEvaluator The sponsor scores the entries itself.
    /// @param sponsorIsArbiter The sponsor settles challenges against its own evaluator.
    /// @param rolesDistinct Sponsor, evaluator and arbiter are three different accounts (the evaluator and
    /// the arbiter always differ). Distinct accounts may still be one person: this is a floor, not a proof.
    /// @param bondToRewardBps The challenge bond as basis points of the reward (10000 = the bond equals the
    /// reward): a high bond deters challenges, a low one invites squatting.
    /// @param revealPolicy Whether the test set is revealed so anyone can re-run the evaluation.
    /// @param revealDeadline For a public bounty with results not yet revealed, the time from which the reveal
    /// counts as withheld (see the contract's notice); 0 otherwise.
    /// @param revealWithheld A public bounty whose reveal deadline passed without a reveal.
    struct TrustSignals {
        bool sponsorIsEvaluator;
        bool sponsorIsArbiter;
        bool rolesDistinct;
        uint256 bondToRewardBps;
        RevealPolicy revealPolicy;
        uint64 revealDeadline;
        bool revealWithheld;
    }

    /// @notice Full state of a bounty, as returned by `getBounty`.
    /// @param status Current status (`Closed` is derived, see `Status`).
    /// @param reward Escrowed reward (creation amount plus top-ups, as received).
    /// @param shareCount Number of paid ranks k (1 for winner-takes-all); the shares are in `getShares`.
    /// @param submissionCount Submissions so far.
    /// @param winnerCount Paid ranks of the current results: min(k, qualifying entries not entered by a judge).
    /// @param reportHash keccak256 of the canonical evaluation report of the current results (0 before).
    /// @param challengeDeadline End of the challenge window (0 before results are proposed).
    /// @param arbitrationDeadline The arbiter must settle a challenge before this; afterwards anyone may
    /// finalize with the proposed results standing (0 before results are proposed).
    /// @param challengerCount How many addresses challenged the results (each once, with the bond).
    /// @param bondsHeld Bonds currently held: of open challenges, or of overturned ones not yet claimed.
    /// @param testSetRevealed Whether `revealTestSet` succeeded.
    /// @param resultsOverturned Whether the arbiter replaced the proposed results.
    /// @param winnersHash keccak256(abi.encodePacked(address[])) of the paid ranks' contributors, best first: the
    /// list `finalize` must be given (0 before results).
    /// @param rewardPerChallenger Once overturned results are finalized: each challenger's part of the protocol
    /// fee, claimed with its bond (`claimChallenge`).
    struct BountyInfo {
        Status status;
        address sponsor;
        address token;
        uint256 reward;
        bytes32 testSetCommitment;
        bytes32 specHash;
        MetricDirection metricDirection;
        int256 threshold;
        RevealPolicy revealPolicy;
        uint64 submissionDeadline;
        uint64 evaluationDeadline;
        uint64 challengeWindow;
        address evaluator;
        address arbiter;
        uint16 maxSubmissionsPerContributor;
        uint256 challengeBond;
        uint8 shareCount;
        uint32 submissionCount;
        uint8 winnerCount;
        bytes32 reportHash;
        uint64 challengeDeadline;
        uint64 arbitrationDeadline;
        uint32 challengerCount;
        uint256 bondsHeld;
        bool testSetRevealed;
        bool resultsOverturned;
        bytes32 winnersHash;
        uint256 rewardPerChallenger;
    }

    // ------------------------------------------------------------------------------------------------
    // Events
    // ------------------------------------------------------------------------------------------------

    /// @notice A bounty was created; `BountyTerms` follows in the same transaction.
    /// @param amount Reward actually escrowed.
    event BountyCreated(
        uint256 indexed bountyId,
        address indexed sponsor,
        address indexed token,
        uint256 amount,
        bytes32 testSetCommitment,
        bytes32 specHash,
        uint64 submissionDeadline,
        uint64 evaluationDeadline,
        address evaluator,
        address arbiter
    );

    /// @notice Scoring, challenge and payout terms of a new bounty.
    /// @param shares Basis points per paid rank, best first, summing to 10000.
    event BountyTerms(
        uint256 indexed bountyId,
        MetricDirection metricDirection,
        int256 threshold,
        RevealPolicy revealPolicy,
        uint16 maxSubmissionsPerContributor,
        uint64 challengeWindow,
        uint256 challengeBond,
        uint16[] shares
    );

    /// @notice Someone added to the reward of an open bounty.
    /// @param amount Amount actually received. @param newReward Reward after the top-up.
    event ToppedUp(uint256 indexed bountyId, address indexed funder, uint256 amount, uint256 newReward);

    /// @notice The sponsor cancelled a bounty that had no submission; the reward was refunded.
    event BountyCancelled(uint256 indexed bountyId, uint256 refund);

    /// @notice A model commitment was recorded.
    /// @param index Submission index (order of submission, used to break ties).
    /// @param contributor The sender (informational: the commitment itself names who gets paid).
    event Submitted(uint256 indexed bountyId, uint256 index, address indexed contributor, bytes32 commitment);

    /// @notice The relayer posted a batch of signed submissions: indexes `firstIndex` to `firstIndex + leafCount - 1`
    /// are reserved for its leaves, in leaf order. @param postedAt The block's timestamp (a `RelayProof` names it).
    event BatchPosted(uint256 indexed bountyId, uint256 firstIndex, uint256 leafCount, bytes32 root, uint256 postedAt);

    /// @notice The evaluator proposed results; the challenge window runs until `challengeDeadline`.
    /// One `ResultRanked` event per entry precedes it.
    /// @param entryCount Ranked entries listed. @param winnerCount Paid ranks.
    event ResultsProposed(
        uint256 indexed bountyId, bytes32 reportHash, uint256 entryCount, uint256 winnerCount, uint64 challengeDeadline
    );

    /// @notice One entry of proposed (or arbiter-replaced) results.
    /// @param rank 0-based rank. @param qualified Whether the score passes the threshold.
    /// @param paid Whether this entry holds a paid rank: qualified, within the k paid ranks, and not entered by
    /// the sponsor, the evaluator or the arbiter (a qualified judge's entry within k is listed unpaid).
    event ResultRanked(
        uint256 indexed bountyId,
        uint256 rank,
        uint256 submissionIndex,
        address indexed contributor,
        bytes32 modelSha256,
        int256 score,
        bool qualified,
        bool paid
    );

    /// @notice The test-set commitment was opened.
    event TestSetRevealed(uint256 indexed bountyId, bytes32 testSetSha256, bytes32 salt);

    /// @notice A reveal restarted the challenge window of a public bounty.
    event ChallengeDeadlineExtended(uint256 indexed bountyId, uint64 challengeDeadline);

    /// @notice Proposed results were challenged (one event per challenger).
    /// @param bond Bond actually held. @param arbitrationDeadline The arbiter must settle before this.
    event Challenged(uint256 indexed bountyId, address indexed challenger, uint256 bond, uint64 arbitrationDeadline);

    /// @notice The arbiter rejected the challenges: the proposed results stand, every bond is forfeited.
    event ResultsUpheld(uint256 indexed bountyId, address indexed arbiter);

    /// @notice The arbiter never ruled on the challenges before the arbitration deadline: at finalization the
    /// proposed results stand and every bond held (`forfeited`, from `challengerCount` challengers) goes to the
    /// treasury.
    event ChallengesLapsed(uint256 indexed bountyId, uint256 challengerCount, uint256 forfeited);

    /// @notice A challenger of overturned results took back its bond and its part of the protocol fee.
    event ChallengeClaimed(uint256 indexed bountyId, address indexed challenger, uint256 bond, uint256 reward);

    /// @notice The arbiter accepted the challenges and replaced the results (`ResultRanked` events precede it).
    event ResultsOverturned(
        uint256 indexed bountyId, address indexed arbiter, bytes32 reportHash, uint256 entryCount, uint256 winnerCount
    );

    /// @notice The bounty was paid out.
    /// @param prizes Net amount paid to winners. @param fee Protocol fee (to the treasury, or, for overturned
    /// results, held for the challengers to claim, the division's dust to the treasury). @param refund Remainder
    /// returned to the sponsor.
    event BountyFinalized(uint256 indexed bountyId, uint256 prizes, uint256 fee, uint256 refund);

    /// @notice A public bounty was finalized without its test set revealed before the reveal deadline; precedes
    /// `BountyFinalized`.
    /// @param forfeited What would have returned to the sponsor, paid to the paid ranks instead (included in
    /// `BountyFinalized.prizes`); 0 when no rank is paid (the sponsor is refunded as on expiry).
    event RevealWithheld(uint256 indexed bountyId, uint256 forfeited);

    /// @notice The evaluation deadline passed without results; the reward was refunded.
    event BountyExpired(uint256 indexed bountyId, uint256 refund);

    /// @notice A payment out of the escrow.
    /// @param credited True if the push failed and the amount was credited for `withdraw` instead.
    event Payout(
        uint256 indexed bountyId,
        address indexed recipient,
        address token,
        PayoutKind kind,
        uint256 amount,
        bool credited
    );

    /// @notice Credits were withdrawn.
    event Withdrawn(address indexed account, address indexed token, address recipient, uint256 amount);

    // ------------------------------------------------------------------------------------------------
    // Errors
    // ------------------------------------------------------------------------------------------------

    /// @notice Constructor: the treasury is the zero address.
    error ZeroTreasury();
    /// @notice Constructor: the fee exceeds the cap.
    error FeeTooHigh(uint256 feeBps, uint256 maxFeeBps);

    /// @notice No bounty has this id.
    error BountyNotFound(uint256 bountyId);
    /// @notice The reward is zero (or the token delivered nothing).
    error ZeroAmount();
    /// @notice The reward would not fit in 128 bits.
    error AmountTooLarge(uint256 amount);
    /// @notice `msg.value` is wrong: it must equal the ETH amount, and be zero for ERC-20 bounties.
    error ValueMismatch(uint256 expected, uint256 actual);
    /// @notice The reward token is not a contract.
    error TokenNotContract(address token);
    /// @notice The test-set commitment is zero.
    error ZeroTestSetCommitment();
    /// @notice The spec hash is zero.
    error ZeroSpecHash();
    /// @notice The threshold does not fit in int128.
    error ThresholdOutOfRange(int256 threshold);
    /// @notice There must be between 1 and 10 shares.
    error InvalidShareCount(uint256 count);
    /// @notice A share is zero or larger than the share of the rank above it.
    error InvalidShare(uint256 rank, uint256 share);
    /// @notice The shares do not sum to 10000 basis points.
    error InvalidShareSum(uint256 sum);
    /// @notice The submission deadline is not in the future.
    error InvalidSubmissionDeadline(uint64 submissionDeadline);
    /// @notice The evaluation deadline is not after the submission deadline, or is more than 10 years away.
    error InvalidEvaluationDeadline(uint64 evaluationDeadline);
    /// @notice The challenge window is shorter than 1 hour or longer than 30 days.
    error InvalidChallengeWindow(uint64 challengeWindow);
    /// @notice The evaluator is the zero address.
    error InvalidEvaluator(address evaluator);
    /// @notice The arbiter is the zero address or the evaluator.
    error InvalidArbiter(address arbiter);
    /// @notice The per-contributor submission limit is zero.
    error ZeroMaxSubmissions();
    /// @notice The challenge bond is zero or does not fit in uint96.
    error InvalidChallengeBond(uint256 challengeBond);

    /// @notice The bounty is not open (it has results, or was settled).
    error BountyNotOpen(uint256 bountyId);
    /// @notice The submission deadline has passed.
    error SubmissionsClosed(uint256 bountyId, uint64 submissionDeadline);
    /// @notice The caller is not the sponsor.
    error NotSponsor(uint256 bountyId, address caller);
    /// @notice The bounty has submissions, so its reward is locked.
    error FundsLocked(uint256 bountyId);
    /// @notice The submission commitment is zero.
    error ZeroCommitment();
    /// @notice The caller reached the per-contributor submission limit.
    error SubmissionLimitReached(uint256 bountyId, uint16 maxSubmissionsPerContributor);

    /// @notice Only the relayer named at deployment may post batches.
    error NotRelayer(address caller);
    /// @notice A batch root is zero.
    error ZeroRoot();
    /// @notice A batch must have 1 to 4096 leaves, and fit in the bounty's 32-bit submission indexes.
    error InvalidLeafCount(uint256 leafCount);
    /// @notice The relay proofs are not listed by strictly increasing rank, or one names a rank not listed.
    error RelayProofOutOfOrder(uint256 position);
    /// @notice A relayed entry's index is not inside the batch its proof names.
    error LeafOutOfBatch(uint256 submissionIndex);
    /// @notice The proof does not lead from the entry's leaf to a posted batch (wrong root, bounty, index or data).
    error InvalidInclusionProof(uint256 submissionIndex);
    /// @notice The signature is malformed (high s, v not 27 or 28) or was not made by the entry's contributor.
    error InvalidSignature(uint256 submissionIndex);
    /// @notice The batch was posted at or after the signed deadline.
    error SignatureExpired(uint256 submissionIndex, uint256 deadline);
    /// @notice The leaf's sequence number is not below the limit less the contributor's direct submissions.
    error SequenceOutOfRange(uint256 submissionIndex, uint256 sequence, uint256 relayedLimit);

    /// @notice The caller is not the bounty's evaluator.
    error NotEvaluator(uint256 bountyId, address caller);
    /// @notice Results cannot be proposed before the submission deadline.
    error SubmissionsStillOpen(uint256 bountyId, uint64 submissionDeadline);
    /// @notice The evaluation deadline has passed.
    error EvaluationDeadlinePassed(uint256 bountyId, uint64 evaluationDeadline);
    /// @notice The report hash is zero.
    error ZeroReportHash();
    /// @notice A ranked entry names a submission index that does not exist.
    error UnknownSubmission(uint256 submissionIndex);
    /// @notice keccak256(abi.encode(modelSha256, contributor)) differs from the stored commitment.
    error CommitmentMismatch(uint256 submissionIndex);
    /// @notice A submission index is listed twice.
    error DuplicateSubmission(uint256 submissionIndex);
    /// @notice The entry at `rank` is not ordered after the previous one (score in the metric's direction,
    /// then earlier submission first).
    error RankingOutOfOrder(uint256 rank);
    /// @notice A contributor holds more than one paid rank.
    error DuplicateWinner(address contributor);

    /// @notice The test set cannot be revealed before the submission deadline.
    error RevealTooEarly(uint256 bountyId, uint64 submissionDeadline);
    /// @notice The test set was already revealed.
    error TestSetAlreadyRevealed(uint256 bountyId);
    /// @notice keccak256(abi.encode(testSetSha256, salt)) differs from the commitment.
    error TestSetMismatch(uint256 bountyId);
    /// @notice A public bounty's reveal deadline has passed: the reveal counts as withheld.
    error RevealDeadlinePassed(uint256 bountyId, uint64 revealDeadline);

    /// @notice The bounty has no proposed results open to challenge (none yet, or the arbiter already ruled).
    error ResultsNotProposed(uint256 bountyId);
    /// @notice This address already challenged these results.
    error AlreadyChallenged(uint256 bountyId, address challenger);
    /// @notice The challenges of this bounty are not claimable: its results were not overturned, or it is not
    /// finalized yet.
    error ChallengeNotClaimable(uint256 bountyId);
    /// @notice This address has no bond to claim on this bounty (never challenged, or already claimed).
    error NotAChallenger(uint256 bountyId, address challenger);
    /// @notice The challenge window has closed.
    error ChallengeWindowClosed(uint256 bountyId, uint64 challengeDeadline);
    /// @notice The bounty is not disputed.
    error NotDisputed(uint256 bountyId);
    /// @notice The caller is not the bounty's arbiter.
    error NotArbiter(uint256 bountyId, address caller);
    /// @notice The arbitration deadline has passed.
    error ArbitrationClosed(uint256 bountyId, uint64 arbitrationDeadline);

    /// @notice The bounty cannot be finalized in its status.
    error NotFinalizable(uint256 bountyId, Status status);
    /// @notice The challenge window is still open.
    error ChallengeWindowOpen(uint256 bountyId, uint64 challengeDeadline);
    /// @notice A challenge awaits the arbiter until `arbitrationDeadline`.
    error ArbitrationPending(uint256 bountyId, uint64 arbitrationDeadline);
    /// @notice The addresses given to `finalize` are not the paid ranks of the current results (see `winnersHash`).
    error WinnersMismatch(uint256 bountyId);
    /// @notice A public bounty cannot be paid out before its test set is revealed, or its reveal deadline passed.
    error TestSetNotRevealed(uint256 bountyId, uint64 revealDeadline);
    /// @notice The evaluation deadline has not passed yet.
    error EvaluationDeadlineNotReached(uint256 bountyId, uint64 evaluationDeadline);

    /// @notice The account has no credit in this token.
    error NothingToWithdraw(address account, address token);
    /// @notice The withdrawal recipient is the zero address.
    error InvalidRecipient();
    /// @notice Sending ETH to the withdrawal recipient failed.
    error EthTransferFailed(address recipient, uint256 amount);

    // ------------------------------------------------------------------------------------------------
    // Sponsor
    // ------------------------------------------------------------------------------------------------

    /// @notice Creates a bounty and escrows its reward (ETH in `msg.value`, or an ERC-20 pulled from the
    /// caller, who must have approved at least `params.amount`). The caller becomes the sponsor.
    /// @param params See `BountyParams`.
    /// @param shares Basis points per paid rank, best first: 1 to 10 non-zero, non-increasing values
    /// summing to 10000. `[10000]` is winner-takes-all.
    /// @return bountyId The new bounty's id (ids start at 1).
    function createBounty(BountyParams calldata params, uint16[] calldata shares)
        external
        payable
        returns (uint256 bountyId);

    /// @notice Adds to the reward of an open bounty before its submission deadline. Anyone may call it;
    /// a top-up is a gift to the bounty: any part not awarded returns to the sponsor.
    /// @param amount Amount to add (ETH: must equal `msg.value`; ERC-20: pulled from the caller).
    /// @return received Amount actually added.
    function topUp(uint256 bountyId, uint256 amount) external payable returns (uint256 received);

    /// @notice Cancels an open bounty that has no submission and refunds the whole reward to the sponsor.
    function cancel(uint256 bountyId) external;

    // ------------------------------------------------------------------------------------------------
    // Contributor
    // ------------------------------------------------------------------------------------------------

    /// @notice Records a model commitment before the submission deadline.
    /// @param commitment `keccak256(abi.encode(modelSha256, contributor))`; only `contributor` can be paid
    /// for it, whoever sends it.
    /// @return index The submission index (order of submission).
    function submit(uint256 bountyId, bytes32 commitment) external returns (uint256 index);

    // ------------------------------------------------------------------------------------------------
    // Relayer
    // ------------------------------------------------------------------------------------------------

    /// @notice Posts one batch of signed submissions as the root of their Merkle tree (relayer only, `Open`, before
    /// the submission deadline). Reserves `leafCount` submission indexes; the leaves are checked only when ranked.
    /// @return firstIndex The batch's first submission index, its key in `RelayProof.batchFirstIndex`.
    function postBatch(uint256 bountyId, bytes32 root, uint256 leafCount) external returns (uint256 firstIndex);

    // ------------------------------------------------------------------------------------------------
    // Evaluator, anyone, arbiter
    // ------------------------------------------------------------------------------------------------

    /// @notice Posts the ranked results (evaluator only, after the submission deadline and before the
    /// evaluation deadline) and starts the challenge window. Entries must be ordered best first (score in
    /// the metric's direction, ties by earlier submission), each must open its submission's commitment,
    /// and no submission may appear twice. Entries that do not pass the threshold may be listed (they are
    /// never paid). The first k qualifying entries not entered by the sponsor, the evaluator or the arbiter
    /// are the paid ranks; a contributor may hold at most one of them. An empty list is allowed (nobody
    /// qualifies).
    /// @param reportHash keccak256 of the canonical evaluation report.
    function proposeResults(uint256 bountyId, ResultEntry[] calldata entries, bytes32 reportHash) external;

    /// @notice `proposeResults` for a ranking with relayed entries: `relayed` holds one `RelayProof` per ranked entry of a relayed
    /// submission, by increasing rank; every other entry must open a directly submitted commitment.
    function proposeResultsWithProofs(
        uint256 bountyId,
        ResultEntry[] calldata entries,
        RelayProof[] calldata relayed,
        bytes32 reportHash
    ) external;

    /// @notice Opens the test-set commitment. Anyone holding the preimage may call it, once, after the
    /// submission deadline; for a public bounty with results, only before its reveal deadline (the challenge
    /// deadline set by `proposeResults`). For a public bounty whose results are proposed and unchallenged, the
    /// challenge window is restarted from now (never shortened).
    function revealTestSet(uint256 bountyId, bytes32 testSetSha256, bytes32 salt) external;

    /// @notice Challenges proposed results during the challenge window, posting the bond in the bounty's
    /// token (ETH: `msg.value` must equal it; ERC-20: pulled from the caller). Every address may challenge
    /// once, also after others did, until the window closes or the arbiter rules.
    function challenge(uint256 bountyId) external payable;

    /// @notice Arbiter only, before the arbitration deadline: rejects every challenge made so far. The proposed
    /// results stand and all bonds go to the treasury.
    function upholdResults(uint256 bountyId) external;

    /// @notice Arbiter only, before the arbitration deadline: accepts the challenges and replaces the results
    /// (same rules as `proposeResults`). Once the bounty is finalized, each challenger claims its bond back
    /// and an equal part of the bounty's protocol fee (`claimChallenge`).
    function overturnResults(uint256 bountyId, ResultEntry[] calldata entries, bytes32 reportHash) external;

    /// @notice `overturnResults` for a ranking with relayed entries (see `proposeResultsWithProofs`).
    function overturnResultsWithProofs(
        uint256 bountyId,
        ResultEntry[] calldata entries,
        RelayProof[] calldata relayed,
        bytes32 reportHash
    ) external;

    /// @notice Pays out a bounty: after the challenge window if unchallenged, at once after the arbiter
    /// ruled, or after the arbitration deadline if the arbiter did not (the proposed results then stand and
    /// every bond goes to the treasury, `ChallengesLapsed`). Anyone may call it. Each paid rank gets its
    /// share of the reward less the protocol fee; the rest returns to the sponsor. Payments are pushed
    /// and become withdrawable credits when a push fails. A public bounty must first have its test set
    /// revealed, or its reveal deadline passed: then the rest goes to the paid ranks (see the contract's
    /// notice, "A reveal nobody can withhold").
    /// @param winners The paid ranks' contributors, best first: the `ResultRanked` events with `paid = true` of
    /// the current results; must hash to `winnersHash` (`WinnersMismatch`).
    function finalize(uint256 bountyId, address[] calldata winners) external;

    /// @notice Pays a challenger of overturned results, once the bounty is finalized, its bond and its part of
    /// the protocol fee (`fee / challengerCount`). Anyone may call it, once per challenger.
    function claimChallenge(uint256 bountyId, address challenger) external;

    /// @notice Refunds the whole reward to the sponsor of an open bounty whose evaluation deadline passed
    /// without results. Anyone may call it.
    function expire(uint256 bountyId) external;

    /// @notice Withdraws the caller's whole credit in `token` to the caller.
    /// @return amount Amount withdrawn.
    function withdraw(address token) external returns (uint256 amount);

    /// @notice Withdraws the caller's whole credit in `token` to `recipient` (for instance when a token
    /// blocks transfers to the caller).
    /// @return amount Amount withdrawn.
    function withdrawTo(address token, address recipient) external returns (uint256 amount);

    // ------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------

    /// @notice Full state of a bounty. Reverts with `BountyNotFound` for an unknown id.
    function getBounty(uint256 bountyId) external view returns (BountyInfo memory info);

    /// @notice What a contributor should check before entering: whether the sponsor is also a judge, the bond
    /// relative to the reward, the reveal policy and whether a reveal is due or withheld.
    function getTrustSignals(uint256 bountyId) external view returns (TrustSignals memory signals);

    /// @notice Payout shares of a bounty in basis points, best rank first.
    function getShares(uint256 bountyId) external view returns (uint16[] memory shares);

    /// @notice Net prize of each paid rank of the current results, best first (share less the fee). Who holds
    /// each rank is in the `ResultRanked` events (`paid = true`), and hashed in `winnersHash`.
    function getPrizes(uint256 bountyId) external view returns (uint256[] memory prizes);

    /// @notice Bond an address posted to challenge a bounty's results (0 if it did not challenge, or claimed it
    /// back). Bonds forfeited by an uphold or a lapse still show here: see `BountyInfo.bondsHeld`.
    function challengeOf(uint256 bountyId, address challenger) external view returns (uint256 bond);

    /// @notice The only address allowed to post batches (fixed at deployment; zero: relaying is off).
    function relayer() external view returns (address relayerAddress);

    /// @notice Stored hash of the batch whose first index is `firstIndex`:
    /// `keccak256(abi.encode(root, leafCount, postedAt))`, zero if no batch starts there. A contributor checks their
    /// proof against it: the root their proof leads to, with the batch's leaf count and time (`BatchPosted`), must hash
    /// to it. (The digest and the leaf are computed off-chain: docs/protocol.md gives the formulas; no view repeats
    /// them, as the contract must stay under the 24 KiB code size limit.)
    function getBatch(uint256 bountyId, uint256 firstIndex) external view returns (bytes32 batchHash);

    /// @notice Commitment of a submission (zero if the index does not exist or belongs to a batch).
    function getCommitment(uint256 bountyId, uint256 index) external view returns (bytes32 commitment);

    /// @notice Number of submissions of a bounty.
    function submissionCount(uint256 bountyId) external view returns (uint256 count);

    /// @notice Number of submissions an address has made to a bounty.
    function submissionsBy(uint256 bountyId, address contributor) external view returns (uint256 count);

    /// @notice Withdrawable credit of an account in a token (`address(0)` for ETH).
    function creditOf(address account, address token) external view returns (uint256 amount);

    /// @notice Number of bounties created (the latest id).
    function bountyCount() external view returns (uint256 count);

    /// @notice Address receiving protocol fees and forfeited bonds.
    function treasury() external view returns (address treasuryAddress);

    /// @notice Protocol fee in basis points, taken from each prize.
    function protocolFeeBps() external view returns (uint16 feeBps);

    /// @notice The submission commitment formula: `keccak256(abi.encode(modelSha256, contributor))`.
    function computeCommitment(bytes32 modelSha256, address contributor) external pure returns (bytes32 commitment);

    /// @notice The test-set commitment formula: `keccak256(abi.encode(testSetSha256, salt))`.
    function computeTestSetCommitment(bytes32 testSetSha256, bytes32 salt) external pure returns (bytes32 commitment);
}
