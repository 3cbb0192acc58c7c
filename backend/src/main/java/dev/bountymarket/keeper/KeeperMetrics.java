package dev.bountymarket.keeper;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * The keeper's metrics: steps in flight and the age of the oldest, replacements, and the account's balance. What
 * the database and the chain hold is sampled on a schedule, never while Prometheus scrapes (that runs where nothing
 * may block); the oldest step's age is computed at the scrape, so it grows between samples.
 */
@ApplicationScoped
public class KeeperMetrics {

    private static final BigDecimal WEI_PER_ETHER = BigDecimal.TEN.pow(18);

    @Inject
    MeterRegistry registry;

    @Inject
    KeeperFunds funds;

    @Inject
    KeeperSender sender;

    private final AtomicLong pending = new AtomicLong();
    private final AtomicReference<Instant> oldest = new AtomicReference<>();
    private Counter replacements;

    void register(@Observes StartupEvent startup) {
        Gauge.builder("keeper.steps.pending", pending, AtomicLong::get)
                .description("Keeper transactions signed and not yet settled by the chain").register(registry);
        Gauge.builder("keeper.steps.oldest.age", oldest, o -> o.get() == null ? 0
                : Duration.between(o.get(), Instant.now()).toMillis() / 1000.0)
                .baseUnit("seconds").description("Age of the oldest keeper transaction not yet settled")
                .register(registry);
        Gauge.builder("keeper.balance", funds, f -> f.balance() == null ? Double.NaN
                : new BigDecimal(f.balance()).divide(WEI_PER_ETHER).doubleValue())
                .baseUnit("ether").description("The keeper account's balance").register(registry);
        replacements = counter();
    }

    private Counter counter() {
        return Counter.builder("keeper.replacements")
                .description("Keeper transactions replaced with higher fees after going unmined").register(registry);
    }

    void replaced() {
        (replacements == null ? counter() : replacements).increment();
    }

    /** Steps in flight at the last sample. */
    public long pendingSteps() {
        return pending.get();
    }

    /** Reads the steps in flight from the database and the balance from the chain. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void sample() {
        pending.set(KeeperTransaction.count("status in ?1", KeeperTransaction.UNSETTLED));
        oldest.set(KeeperTransaction.getEntityManager().createQuery(
                "select min(k.createdAt) from KeeperTransaction k where k.status in ?1", Instant.class)
                .setParameter(1, KeeperTransaction.UNSETTLED).getSingleResult());
        if (sender.account().isPresent()) {
            sender.balance();
        }
    }

    @Scheduled(every = "10s", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledSample() {
        try {
            sample();
        } catch (RuntimeException e) {
            Log.debugf("Keeper metrics: %s", e.getMessage());
        }
    }
}
