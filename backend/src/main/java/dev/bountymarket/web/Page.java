package dev.bountymarket.web;

import java.util.List;

/** One page of a longer list. {@code page} counts from 0. */
public record Page<T>(List<T> items, int page, int size, long total) {

    public static final int MAX_SIZE = 100;

    public int pages() {
        return (int) ((total + size - 1) / size);
    }

    /** The size asked for, within 1..MAX_SIZE. */
    public static int size(Integer requested, int fallback) {
        return requested == null ? fallback : Math.max(1, Math.min(MAX_SIZE, requested));
    }
}
