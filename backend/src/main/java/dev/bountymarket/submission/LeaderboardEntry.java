package dev.bountymarket.submission;

import java.time.Instant;

/** A row of a leaderboard: scores are fixed point 1e6; the private board also says who qualifies and who is paid. */
public record LeaderboardEntry(int rank, long submissionId, Integer chainIndex, String contributor, String modelSha256,
        Long score, Boolean qualified, Boolean paid, Instant committedAt) {
}
