package dev.bountymarket.bounty;

import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers kept while nothing they were read from changed: each carries the {@link ReadChanges} stamp taken before it
 * was read, and the chain time range in which it holds (a bounty closes at its deadline without any write). At most
 * {@code capacity} answers; when full, all are dropped (what is asked for often is read again at once).
 */
final class StampedCache<K, V> {

    private record Entry<V>(V value, long stamp, Instant readAt, Instant validUntil) {
    }

    private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final int capacity;

    StampedCache(int capacity) {
        this.capacity = capacity;
    }

    /** The answer kept for {@code key} if it was read under {@code stamp} and still holds at chain time {@code now}. */
    V get(K key, long stamp, Instant now) {
        Entry<V> entry = entries.get(key);
        if (entry == null || entry.stamp() != stamp || now.isBefore(entry.readAt())
                || (entry.validUntil() != null && !now.isBefore(entry.validUntil()))) {
            return null;
        }
        return entry.value();
    }

    /** Keeps an answer read under {@code stamp} at chain time {@code readAt}, holding until {@code validUntil} (null: no end). */
    void put(K key, V value, long stamp, Instant readAt, Instant validUntil) {
        if (entries.size() >= capacity) {
            entries.clear();
        }
        entries.put(key, new Entry<>(value, stamp, readAt, validUntil));
    }
}
