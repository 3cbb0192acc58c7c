package dev.bountymarket.bounty;

import java.time.Instant;
import java.util.List;

import dev.bountymarket.chain.ResultEvents;

/** A bounty as the API shows it. Amounts are decimal strings (wei or token units); scores are fixed point 1e6. */
public record BountyView(long id, String onchainId, String status, String title, String description, String sponsor,
        String task, String metric, Boolean higherIsBetter, String specHash, String token, String reward,
        Long threshold, List<Integer> shares, String revealPolicy, Instant submissionDeadline,
        Instant evaluationDeadline, Long challengeWindowSeconds, Instant challengeDeadline, String evaluator,
        String arbiter, Integer maxSubmissionsPerContributor, String challengeBond, int submissionCount,
        String reportHash, boolean testSetRevealed, boolean resultsOverturned, String testSetCommitment,
        String createdTx, Trust trust, List<ResultEvents.Challenge> challenges) {

    /**
     * What a contributor should check before entering (the contract's getTrustSignals, from the mirror): whether the
     * sponsor also judges (evaluates or arbitrates), the challenge bond as basis points of the reward, the reveal
     * policy, and for a public bounty with results not yet revealed the reveal deadline and whether it passed.
     */
    public record Trust(boolean rolesDistinct, boolean sponsorIsEvaluator, boolean sponsorIsArbiter,
            Long bondToRewardBps, String revealPolicy, Instant revealDeadline, boolean revealWithheld) {

        /**
         * Above this bond (basis points of the reward, a quarter) the page warns everyone: checking the results would
         * risk more than a large share of what the bounty pays, so few would challenge a wrong result.
         */
        public static final long BOND_WARNING_BPS = 2_500;

        /** Whether the challenge bond is out of proportion to the reward ({@link #BOND_WARNING_BPS}). */
        public boolean bondOutOfProportion() {
            return bondToRewardBps != null && bondToRewardBps > BOND_WARNING_BPS;
        }

        static Trust of(Bounty b, Instant now) {
            boolean evaluates = b.sponsor != null && b.sponsor.equalsIgnoreCase(b.evaluator);
            boolean arbitrates = b.sponsor != null && b.sponsor.equalsIgnoreCase(b.arbiter);
            Long bondBps = b.challengeBond == null || b.reward == null || b.reward.signum() == 0 ? null
                    : b.challengeBond.multiply(java.math.BigInteger.valueOf(10_000)).divide(b.reward).longValue();
            Instant revealDeadline = b.revealDeadline().orElse(null);
            return new Trust(!evaluates && !arbitrates, evaluates, arbitrates, bondBps, b.revealPolicy, revealDeadline,
                    revealDeadline != null && !now.isBefore(revealDeadline));
        }
    }

    static BountyView of(Bounty b, Instant now) {
        return new BountyView(b.id, b.onchainId == null ? null : b.onchainId.toString(),
                b.effectiveStatus(now).name(), b.title, b.description, b.sponsor, b.task, b.metric, b.higherIsBetter,
                b.specHash, b.token, b.reward == null ? null : b.reward.toString(), b.threshold,
                b.shares == null ? List.of() : java.util.Arrays.stream(b.shares).boxed().toList(), b.revealPolicy,
                b.submissionDeadline, b.evaluationDeadline, b.challengeWindowSeconds, b.challengeDeadline,
                b.evaluator, b.arbiter, b.maxSubmissions, b.challengeBond == null ? null : b.challengeBond.toString(),
                b.submissionCount, b.reportHash, b.testSetRevealed, b.resultsOverturned, b.testSetCommitment,
                b.createdTx, Trust.of(b, now),
                // every challenger, each with its bond (one query, only for a bounty that was challenged)
                b.challenger == null ? List.of() : ResultEvents.challenges(b.contract, b.onchainId));
    }
}
