package dev.bountymarket.evaluator.dataset;

/**
 * A block of test-set rows in the model's input layout. Batches are reused: a source refills the same
 * arrays, so memory stays flat however many rows the test set has.
 */
public final class Batch {
    private final int capacity;
    private final int rowWidth;
    final float[] features;
    final int[] classIndex;
    final double[] target;
    final long[] lines;
    int size;
    long firstRow;

    public Batch(int capacity, int rowWidth, boolean classification) {
        this.capacity = capacity;
        this.rowWidth = rowWidth;
        this.features = new float[Math.multiplyExact(capacity, rowWidth)];
        this.classIndex = classification ? new int[capacity] : null;
        this.target = classification ? null : new double[capacity];
        this.lines = new long[capacity];
    }

    public int capacity() {
        return capacity;
    }

    public int rowWidth() {
        return rowWidth;
    }

    /** Rows filled. */
    public int size() {
        return size;
    }

    /** Index (0-based, over the whole test set) of this batch's first row. */
    public long firstRow() {
        return firstRow;
    }

    /** Row-major features, {@code size() * rowWidth()} of them are valid. */
    public float[] features() {
        return features;
    }

    /** Class index (into the spec's class list) of row {@code i}; classification only. */
    public int classIndex(int i) {
        return classIndex[i];
    }

    /** Target value of row {@code i}; regression only. */
    public double target(int i) {
        return target[i];
    }

    /** The source line (CSV line, or labels file line) of row {@code i}, for error messages. */
    public long line(int i) {
        return lines[i];
    }

    /**
     * Rows per batch: at most 16,384, and at most 1 Mi floats (4 MiB) of features. Large enough that the
     * per-call cost of DJL and ONNX Runtime vanishes next to the work, small enough that the first batch
     * comes quickly; fixed per input width, as part of the evaluator version (batch boundaries must not move
     * between runs).
     */
    public static int rowsFor(int rowWidth) {
        return Math.max(1, Math.min(16384, (1 << 20) / Math.max(1, rowWidth)));
    }
}
