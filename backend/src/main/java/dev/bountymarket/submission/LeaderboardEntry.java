package dev.bountymarket.submission;

import java.time.Instant;

/** A row of a leaderboard: scores are fixed point 1e6; the private board also says who qualifies and who is paid. */
public record LeaderboardEntry(int rank, long submissionId, Integer chainIndex, String contributor, String modelSha256,
        Long score, Boolean qualified, Boolean paid, Instant committedAt) {

    /** The entry as others see it before submissions close. */
    public LeaderboardEntry withoutModelSha256() {
        return new LeaderboardEntry(rank, submissionId, chainIndex, contributor, null, score, qualified, paid, committedAt);
    }
}
