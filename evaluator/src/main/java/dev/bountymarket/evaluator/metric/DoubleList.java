package dev.bountymarket.evaluator.metric;

import java.util.Arrays;

/** A growable primitive double array (8 bytes a value, no boxing). */
final class DoubleList {
    private double[] values = new double[1024];
    private int size;

    void add(double value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, values.length + (values.length >> 1));
        }
        values[size++] = value;
    }

    int size() {
        return size;
    }

    /** Sorts in place and returns the backing array (valid up to {@link #size()}). */
    double[] sorted() {
        Arrays.sort(values, 0, size);
        return values;
    }
}
