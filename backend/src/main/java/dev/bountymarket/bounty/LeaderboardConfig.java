package dev.bountymarket.bounty;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The leaderboards. */
@ConfigMapping(prefix = "leaderboard")
public interface LeaderboardConfig {

    /**
     * How long a public leaderboard's order is reused before it is read again ({@link PublicBoards}); 0 reads it on
     * every request.
     */
    @WithDefault("1s")
    Duration refresh();
}
