package dev.bountymarket.bounty;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The read caches of the bounty list and the leaderboards ({@link ReadChanges}). */
@ConfigMapping(prefix = "reads")
public interface ReadsConfig {

    /**
     * The most a cached bounty list or leaderboard may lag behind a change committed to the database, by any server:
     * caches are used only while this process has confirmed within this long that it hears every change; 0 turns the
     * caches off (every request reads the database).
     */
    @WithDefault("1s")
    Duration maxStaleness();

    /** How many different bounty-list queries (filters, sort, page) each process keeps answers to. */
    @WithDefault("1000")
    int listEntries();
}
