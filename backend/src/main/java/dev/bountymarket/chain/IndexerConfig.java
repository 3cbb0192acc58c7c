package dev.bountymarket.chain;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The chain indexer. */
@ConfigMapping(prefix = "indexer")
public interface IndexerConfig {

    /** Poll the chain on a schedule. Tests turn it off and drive the indexer themselves. */
    @WithDefault("true")
    boolean enabled();

    /** Time between polls. */
    @WithDefault("1s")
    Duration interval();

    /** Most blocks read by one eth_getLogs call (providers cap the range). */
    @WithDefault("2000")
    int maxBlockRange();

    /** How many recent block hashes are kept to find where a reorg forked. */
    @WithDefault("256")
    int reorgDepth();
}
