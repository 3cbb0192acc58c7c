package dev.bountymarket.chain;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The chain's time. Deadlines are enforced by the contract against block timestamps, so decisions about them are made
 * against the chain's time too (on a local chain it runs ahead of the wall clock after time travel). No request waits
 * for the node: {@link ChainWatch} reads the latest block in the background, and the time runs on from that block's
 * timestamp by the time elapsed since it was first seen. That never runs ahead of the next block's timestamp, which is
 * taken when the block is made, after it was seen.
 */
@ApplicationScoped
public class ChainClock {

    @Inject
    ChainWatch watch;

    /** The chain's time now; the wall clock before the node has ever answered. */
    public Instant now() {
        return watch.head()
                .map(head -> head.timestamp().plusNanos(System.nanoTime() - head.seenAt()))
                .orElseGet(Instant::now);
    }

    /** How old the block behind {@link #now()} is, as seen here: its age since first seen, not since made. */
    public Duration age() {
        return watch.head().map(head -> Duration.ofNanos(System.nanoTime() - head.seenAt())).orElse(Duration.ZERO);
    }

    /**
     * Reads the latest block now, for a decision right after a transaction or time travel (the keeper's rounds). When
     * the node does not answer, the time runs on from the last block read.
     */
    public Instant refresh() {
        watch.read();
        return now();
    }
}
