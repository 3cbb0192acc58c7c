package dev.bountymarket.chain;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import org.web3j.protocol.Web3j;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * How far the indexer is behind the chain, in blocks: the chain's head less the last block it read (confirmations
 * included, so a healthy indexer shows {@code chain.confirmations}). Sampled on a schedule, as the scrape must not
 * block on the chain or the database.
 */
@ApplicationScoped
public class IndexerMetrics {

    @Inject
    MeterRegistry registry;

    @Inject
    Web3j web3j;

    @Inject
    ContractRegistry contracts;

    private final AtomicLong lag = new AtomicLong(-1);

    void register(@Observes StartupEvent startup) {
        Gauge.builder("indexer.lag", lag, l -> l.get() < 0 ? Double.NaN : l.get()).baseUnit("blocks")
                .description("Blocks of the chain the indexer has not read yet").register(registry);
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void sample() {
        try {
            long head = web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
            ContractDeployment contract = contracts.current();
            IndexerCursor cursor = IndexerCursor.findById(contract.address);
            long read = cursor == null ? contract.blockNumber - 1 : cursor.nextBlock - 1;
            lag.set(Math.max(0, head - read));
        } catch (IOException e) {
            throw new IllegalStateException("chain unreachable: " + e.getMessage(), e);
        }
    }

    @Scheduled(every = "10s", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledSample() {
        try {
            sample();
        } catch (RuntimeException e) {
            Log.debugf("Indexer metrics: %s", e.getMessage());
        }
    }
}
