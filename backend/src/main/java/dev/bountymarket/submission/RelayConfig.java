package dev.bountymarket.submission;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The relayer: the keeper posts contributors' signed submissions in batches (docs/protocol.md, "Relayed submissions"). */
@ConfigMapping(prefix = "relay")
public interface RelayConfig {

    /** Longest a signed submission waits for its batch: a batch is posted once its oldest leaf waited this long. */
    @WithDefault("2m")
    Duration batchInterval();

    /** Before a bounty's submission deadline, whatever waits is posted at once from this long before it. */
    @WithDefault("15m")
    Duration closingMargin();

    /**
     * How long a signature stays valid (its EIP-712 deadline), capped at the submission deadline. Past it, the page
     * offers sending the model directly: the relayer can no longer post it.
     */
    @WithDefault("1h")
    Duration signatureLifetime();

    /** Leaves per batch (the contract takes at most 4096). */
    @WithDefault("1000")
    int maxLeaves();
}
