package dev.bountymarket.evaluation;

import java.time.Duration;
import java.util.Optional;

import dev.bountymarket.evaluator.sandbox.Isolation;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The evaluation queue's workers. They run in every process with the {@code worker} role ({@code process.roles}; every
 * process by default); a machine that should only evaluate runs the same application with {@code process.roles=worker}
 * (see docker-compose.yml and deploy/kubernetes/worker.yaml).
 */
@ConfigMapping(prefix = "evaluator")
public interface EvaluationConfig {

    /**
     * Worker threads in this process (with the {@code worker} role), each running one evaluation (one child JVM) at a
     * time; 0 runs none.
     */
    @WithDefault("1")
    int workers();

    /**
     * The most private evaluations of one bounty that a worker leases together at its deadline: they share one
     * decoding of the hidden test set (see {@link DecodedTestSets}) and run one after another, in job order; the
     * next worker takes the next group. 1 leases one job at a time, each reading the plain test set.
     */
    @WithDefault("32")
    int groupSize();

    /** How long a lease lasts without a heartbeat; a worker renews it every third of this while it evaluates. */
    @WithDefault("60s")
    Duration lease();

    /** Attempts before a job that keeps failing for the platform's reasons (a lost worker, a crash) fails for good. */
    @WithDefault("3")
    int maxAttempts();

    /** Wait before the first retry; doubled for each further one. */
    @WithDefault("30s")
    Duration retryBackoff();

    /** How often an idle worker looks for work. */
    @WithDefault("2s")
    Duration pollInterval();

    /** Wall-clock limit of one evaluation on the hidden test set. */
    @WithDefault("10m")
    Duration timeout();

    /** Wall-clock limit of the check of an uploaded model on the public sample. */
    @WithDefault("2m")
    Duration validationTimeout();

    /**
     * The most heap a child JVM gets, in MiB. Each child gets what its input needs (256 MiB plus twice the test set's
     * or public sample's size), up to this.
     */
    @WithDefault("4096")
    long heapMib();

    /**
     * Evaluations (upload checks and evaluations on the hidden test set together) that run at once in this process;
     * the rest wait in line. By default the smaller of the processors and what the machine's memory holds at the
     * full heap (heap plus 1 GiB of native memory each).
     */
    Optional<Integer> concurrency();

    /**
     * How the operating system isolates each evaluation's child: {@code auto} (bubblewrap where it works, else a
     * plain child JVM, with a warning), {@code bwrap} (refuse to start without it) or {@code none}.
     */
    @WithDefault("auto")
    Isolation.Mode isolation();

    /**
     * The child JVM's class path. By default the evaluator's jar and its dependencies are found next to the running
     * application (the folder of the evaluator jar, or this JVM's class path in tests).
     */
    Optional<String> classpath();
}
