package dev.bountymarket.bounty;

import java.time.Instant;
import java.util.List;

/** A bounty as the API shows it. Amounts are decimal strings (wei or token units); scores are fixed point 1e6. */
public record BountyView(long id, String onchainId, String status, String title, String description, String sponsor,
        String task, String metric, Boolean higherIsBetter, String specHash, String token, String reward,
        Long threshold, List<Integer> shares, String revealPolicy, Instant submissionDeadline,
        Instant evaluationDeadline, Long challengeWindowSeconds, Instant challengeDeadline, String evaluator,
        String arbiter, Integer maxSubmissionsPerContributor, String challengeBond, int submissionCount,
        String reportHash, boolean testSetRevealed, boolean resultsOverturned, String testSetCommitment,
        String createdTx) {

    static BountyView of(Bounty b, Instant now) {
        return new BountyView(b.id, b.onchainId == null ? null : b.onchainId.toString(),
                b.effectiveStatus(now).name(), b.title, b.description, b.sponsor, b.task, b.metric, b.higherIsBetter,
                b.specHash, b.token, b.reward == null ? null : b.reward.toString(), b.threshold,
                b.shares == null ? List.of() : java.util.Arrays.stream(b.shares).boxed().toList(), b.revealPolicy,
                b.submissionDeadline, b.evaluationDeadline, b.challengeWindowSeconds, b.challengeDeadline,
                b.evaluator, b.arbiter, b.maxSubmissions, b.challengeBond == null ? null : b.challengeBond.toString(),
                b.submissionCount, b.reportHash, b.testSetRevealed, b.resultsOverturned, b.testSetCommitment,
                b.createdTx);
    }
}
