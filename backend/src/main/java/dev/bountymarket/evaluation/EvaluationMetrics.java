package dev.bountymarket.evaluation;

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
 * The evaluation queue's depth (queued and running jobs, all processes together, from the database) and the age of
 * its oldest queued job, sampled on a schedule; and the evaluations this process finished, by kind and outcome
 * (done, failed, retry).
 */
@ApplicationScoped
public class EvaluationMetrics {

    @Inject
    MeterRegistry registry;

    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong running = new AtomicLong();
    private final AtomicReference<Instant> oldest = new AtomicReference<>();

    void register(@Observes StartupEvent startup) {
        Gauge.builder("evaluation.queue.depth", queued, AtomicLong::get).tag("status", "queued")
                .description("Evaluation jobs queued or running, by status").register(registry);
        Gauge.builder("evaluation.queue.depth", running, AtomicLong::get).tag("status", "running")
                .description("Evaluation jobs queued or running, by status").register(registry);
        Gauge.builder("evaluation.queue.oldest.age", oldest, o -> o.get() == null ? 0
                : Duration.between(o.get(), Instant.now()).toMillis() / 1000.0)
                .baseUnit("seconds").description("Age of the oldest queued evaluation job").register(registry);
    }

    /** Counts a job whose attempt just ended: done, failed for good, or queued again for a retry. */
    void finished(EvaluationJob job) {
        String outcome = switch (job.status) {
            case DONE -> "done";
            case FAILED -> "failed";
            default -> "retry";
        };
        Counter.builder("evaluations").tag("kind", job.kind.name()).tag("outcome", outcome)
                .description("Evaluation attempts ended, by kind and outcome").register(registry).increment();
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void sample() {
        queued.set(EvaluationJob.count("status", EvaluationJob.Status.QUEUED));
        running.set(EvaluationJob.count("status", EvaluationJob.Status.RUNNING));
        oldest.set(EvaluationJob.getEntityManager().createQuery(
                "select min(j.createdAt) from EvaluationJob j where j.status = ?1", Instant.class)
                .setParameter(1, EvaluationJob.Status.QUEUED).getSingleResult());
    }

    @Scheduled(every = "10s", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledSample() {
        try {
            sample();
        } catch (RuntimeException e) {
            Log.debugf("Evaluation metrics: %s", e.getMessage());
        }
    }
}
