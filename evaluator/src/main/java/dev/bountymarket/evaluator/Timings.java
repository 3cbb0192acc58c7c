package dev.bountymarket.evaluator;

/**
 * How an evaluation went, for logs and the benchmark; never part of the hashed report.
 *
 * @param totalMillis wall time of the in-process evaluation
 * @param firstBatchEpochMillis wall-clock time when the first batch's output came back
 * @param peakHeapBytes sum of the heap pools' peak usage in the evaluating JVM (an upper bound)
 * @param rows rows scored
 */
public record Timings(long totalMillis, long firstBatchEpochMillis, long peakHeapBytes, long rows) {}
