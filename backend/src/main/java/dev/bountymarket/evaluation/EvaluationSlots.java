package dev.bountymarket.evaluation;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.logging.Log;

/**
 * The evaluations this process runs at once: upload checks and evaluations on the hidden test set share one bounded
 * pool of slots, one child JVM each, so a burst of uploads cannot start more children than the machine holds. Work
 * that finds every slot taken waits in line, first come first served, and can tell its place.
 */
@ApplicationScoped
public class EvaluationSlots {

    private static final long GIB = 1L << 30;

    @Inject
    EvaluationConfig config;

    private Semaphore slots;
    private int size;
    private final LinkedHashSet<Object> waiting = new LinkedHashSet<>();

    @PostConstruct
    void init() {
        size = config.concurrency().filter(n -> n > 0).orElseGet(() -> fromMachine(config.heapMib()));
        slots = new Semaphore(size, true);
        Log.infof("Evaluation: %d at once in this process (evaluator.concurrency)", size);
    }

    /** The smaller of the processors and how many children at the full heap (and 1 GiB native) the memory holds. */
    static int fromMachine(long heapMib) {
        long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        long perChild = (heapMib << 20) + GIB;
        int byMemory = (int) Math.max(1, (memory - GIB) / perChild);
        return Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), byMemory));
    }

    public int size() {
        return size;
    }

    /** Runs {@code work} in a slot, waiting in line for one; {@code ticket} names the work for {@link #position}. */
    public <T> T call(Object ticket, Callable<T> work) throws Exception {
        synchronized (waiting) {
            waiting.add(ticket);
        }
        try {
            slots.acquire();
        } finally {
            synchronized (waiting) {
                waiting.remove(ticket);
            }
        }
        try {
            return work.call();
        } finally {
            slots.release();
        }
    }

    /** Whether a slot is free right now (nobody waits and one is idle). */
    public boolean idle() {
        synchronized (waiting) {
            return waiting.isEmpty() && slots.availablePermits() > 0;
        }
    }

    /** The place in line (1 is next) of a waiting ticket; empty once it runs or when it is not here. */
    public OptionalInt position(Object ticket) {
        synchronized (waiting) {
            List<Object> line = new ArrayList<>(waiting);
            int index = line.indexOf(ticket);
            return index < 0 ? OptionalInt.empty() : OptionalInt.of(index + 1);
        }
    }
}
