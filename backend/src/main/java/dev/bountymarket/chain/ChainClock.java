package dev.bountymarket.chain;

import java.io.IOException;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;

/**
 * The chain's time: the latest block's timestamp. Deadlines are enforced by the contract against it, so decisions
 * about them are made against it too (on a local chain it runs ahead of the wall clock after time travel).
 */
@ApplicationScoped
public class ChainClock {

    private static final long CACHE_MILLIS = 1000;

    @Inject
    Web3j web3j;

    private volatile Instant cached;
    private volatile long cachedAt;

    public Instant now() {
        long wall = System.currentTimeMillis();
        Instant time = cached;
        if (time == null || wall - cachedAt > CACHE_MILLIS) {
            time = latestBlockTime();
            cached = time;
            cachedAt = wall;
        }
        return time;
    }

    /** Forgets the cached time (after a transaction or time travel). */
    public void refresh() {
        cached = null;
    }

    private Instant latestBlockTime() {
        try {
            var block = web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getBlock();
            return Instant.ofEpochSecond(block.getTimestamp().longValueExact());
        } catch (IOException | RuntimeException e) {
            // Without the chain, the wall clock is the best estimate; nothing is sent in that state anyway.
            return Instant.now();
        }
    }
}
