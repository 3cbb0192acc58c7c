package dev.bountymarket.leadership;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Which server runs the indexer and which the keeper, when several share one database. */
@ConfigMapping(prefix = "leadership")
public interface LeadershipConfig {

    /**
     * How long a role's lease lasts unless renewed (every third of it). It bounds failover: when the process running
     * the indexer or the keeper dies or loses the database, another takes over within this time (plus one renewal
     * period). Shorter means faster failover and more writes; a pause longer than this (GC, a stalled disk) costs
     * the role, never a step sent twice.
     */
    @WithDefault("15s")
    Duration lease();
}
