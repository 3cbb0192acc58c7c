package dev.bountymarket.bounty;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.hibernate.Session;

/**
 * The order of the public (live) leaderboards: the ids of a bounty's committed submissions scored on the hidden test
 * set's live part, best first (score in
 * the bounty's direction, then earlier commitment, then id). Counting a 100,000-entry board and finding a page deep
 * in it costs about 9 ms of database time (docs/performance.md, Backend), too much for every page request, so each
 * board's order is read whole and kept for {@code leaderboard.refresh}
 * (1 s): a new live score shows on the board up to that much later (plus the time to read the board again), and a
 * page's ranks and total always come from one consistent order. While one request reads a stale board again, the
 * others are served the stale one instead of waiting. With {@code leaderboard.refresh=0s} every request reads its page
 * and the total from the database.
 */
@ApplicationScoped
public class PublicBoards {

    /** One page of a board: submission ids in board order, and how many entries the whole board has. */
    public record Slice(List<Long> ids, long total) {
    }

    private record Order(boolean higherIsBetter, long[] ids, long readAt, AtomicBoolean reading) {
    }

    @Inject
    LeaderboardConfig config;

    @Inject
    EntityManager entityManager;

    /** Boards nobody asked for in this long are forgotten (when another board is first asked for). */
    private static final long FORGET_AFTER_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** One board order per bounty whose public board was asked for lately: 8 bytes per entry. */
    private final ConcurrentHashMap<Long, Order> orders = new ConcurrentHashMap<>();

    public Slice page(long bountyId, boolean higherIsBetter, int page, int size) {
        long offset = (long) page * size;
        if (config.refresh().isZero()) {
            return new Slice(Arrays.stream(ids(bountyId, higherIsBetter, offset, size)).boxed().toList(), count(bountyId));
        }
        Order order = current(bountyId, higherIsBetter);
        int from = (int) Math.min(offset, order.ids().length);
        int to = (int) Math.min(offset + size, order.ids().length);
        return new Slice(Arrays.stream(order.ids(), from, to).boxed().toList(), order.ids().length);
    }

    private Order current(long bountyId, boolean higherIsBetter) {
        if (!orders.containsKey(bountyId)) {
            // A board asked for keeps being read again every refresh, so an old read means nobody looks at it.
            long now = System.nanoTime();
            long forgetAfter = Math.max(FORGET_AFTER_NANOS, 10 * config.refresh().toNanos());
            orders.values().removeIf(idle -> now - idle.readAt() > forgetAfter);
        }
        Order order = orders.computeIfAbsent(bountyId, id -> read(id, higherIsBetter));
        boolean stale = System.nanoTime() - order.readAt() > config.refresh().toNanos()
                || order.higherIsBetter() != higherIsBetter;
        if (stale && order.reading().compareAndSet(false, true)) {
            Order old = order;
            try {
                order = read(bountyId, higherIsBetter);
                orders.put(bountyId, order);
            } finally {
                old.reading().set(false);
            }
        }
        return order;
    }

    private Order read(long bountyId, boolean higherIsBetter) {
        long readAt = System.nanoTime();
        return new Order(higherIsBetter, ids(bountyId, higherIsBetter, 0, Integer.MAX_VALUE), readAt, new AtomicBoolean());
    }

    /**
     * Ids in board order, read in index order (submission_live_board_desc or _asc, migration V12) straight from JDBC
     * into an array: a 100,000-entry board makes no object per row.
     */
    private long[] ids(long bountyId, boolean higherIsBetter, long offset, int limit) {
        long[][] ids = {new long[Math.min(limit, 1024)]};
        int[] count = {0};
        entityManager.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement query = connection.prepareStatement("""
                    SELECT id FROM submission
                     WHERE bounty_id = ? AND live_score IS NOT NULL AND chain_index IS NOT NULL
                     ORDER BY live_score %s, chain_index, id
                     OFFSET ? LIMIT ?""".formatted(higherIsBetter ? "DESC" : "ASC"))) {
                query.setLong(1, bountyId);
                query.setLong(2, offset);
                query.setLong(3, limit);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        if (count[0] == ids[0].length) {
                            ids[0] = Arrays.copyOf(ids[0], count[0] * 2);
                        }
                        ids[0][count[0]++] = rows.getLong(1);
                    }
                }
            }
        });
        return Arrays.copyOf(ids[0], count[0]);
    }

    private long count(long bountyId) {
        return ((Number) entityManager.createNativeQuery("""
                SELECT count(*) FROM submission
                 WHERE bounty_id = ?1 AND live_score IS NOT NULL AND chain_index IS NOT NULL""")
                .setParameter(1, bountyId).getSingleResult()).longValue();
    }
}
