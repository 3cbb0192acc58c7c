package dev.bountymarket.bounty;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.hibernate.Session;

import dev.bountymarket.submission.LeaderboardEntry;

/**
 * The public (live) leaderboards: a bounty's committed submissions scored on the hidden test set's live part, best
 * first (score in the bounty's direction, then earlier commitment, then id). A board is read whole, in index order
 * (submission_live_board_desc or _asc, migration V12), with the columns it shows, and kept in memory: a page of it costs
 * no database query. It is read again after a change to its bounty's submissions ({@link ReadChanges}), at most once per
 * {@code leaderboard.refresh} (1 s): a new live score shows up to that much later (plus the time to read the board
 * again, while the other requests are served the previous board), and a page's ranks and total always come from one
 * consistent read. While this process cannot confirm that it hears every change, a board is read again every
 * {@code leaderboard.refresh} whether it changed or not. With {@code leaderboard.refresh=0s} every request reads its page
 * and the total from the database.
 */
@ApplicationScoped
public class PublicBoards {

    /** One page of a board, in board order, and how many entries the whole board has. */
    public record Slice(List<LeaderboardEntry> entries, long total) {
    }

    /**
     * A board's rows, one array per column (about 200 bytes per entry, most of it the model hash; contributors are
     * shared), read under {@code stamp} at {@code readAt} (System.nanoTime).
     */
    private record Board(boolean higherIsBetter, long[] ids, int[] chainIndexes, String[] contributors,
            String[] modelSha256s, long[] scores, Instant[] committedAt, long stamp, long readAt, AtomicBoolean reading) {

        int size() {
            return ids.length;
        }

        Slice slice(long offset, int size) {
            int from = (int) Math.min(offset, ids.length);
            int to = (int) Math.min(offset + size, ids.length);
            List<LeaderboardEntry> entries = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                entries.add(new LeaderboardEntry(i + 1, ids[i], chainIndexes[i], contributors[i], modelSha256s[i],
                        scores[i], null, null, committedAt[i]));
            }
            return new Slice(entries, ids.length);
        }
    }

    @Inject
    LeaderboardConfig config;

    @Inject
    ReadChanges changes;

    @Inject
    EntityManager entityManager;

    /** Boards nobody asked for in this long are forgotten (when another board is first asked for). */
    private static final long FORGET_AFTER_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** The boards asked for lately, by bounty, with when each was last asked for. */
    private final ConcurrentHashMap<Long, Board> boards = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Long> askedAt = new ConcurrentHashMap<>();

    public Slice page(long bountyId, boolean higherIsBetter, int page, int size) {
        long offset = (long) page * size;
        if (config.refresh().isZero()) {
            Board read = read(bountyId, higherIsBetter, offset, size, 0);
            List<LeaderboardEntry> entries = read.slice(0, size).entries().stream()
                    .map(e -> new LeaderboardEntry((int) offset + e.rank(), e.submissionId(), e.chainIndex(),
                            e.contributor(), e.modelSha256(), e.score(), null, null, e.committedAt()))
                    .toList();
            return new Slice(entries, count(bountyId));
        }
        return current(bountyId, higherIsBetter).slice(offset, size);
    }

    private Board current(long bountyId, boolean higherIsBetter) {
        long now = System.nanoTime();
        if (askedAt.put(bountyId, now) == null) {
            long forgetAfter = Math.max(FORGET_AFTER_NANOS, 10 * config.refresh().toNanos());
            askedAt.entrySet().removeIf(idle -> now - idle.getValue() > forgetAfter && boards.remove(idle.getKey()) != null);
        }
        long stamp = changes.boardStamp(bountyId);
        Board board = boards.get(bountyId);
        if (board == null) {
            board = read(bountyId, higherIsBetter, 0, Integer.MAX_VALUE, stamp);
            boards.put(bountyId, board);
            return board;
        }
        boolean unchanged = changes.fresh() && board.stamp() == stamp;
        boolean due = now - board.readAt() > config.refresh().toNanos();
        if ((board.higherIsBetter() != higherIsBetter || (!unchanged && due)) && board.reading().compareAndSet(false, true)) {
            Board old = board;
            try {
                board = read(bountyId, higherIsBetter, 0, Integer.MAX_VALUE, stamp);
                boards.put(bountyId, board);
            } finally {
                old.reading().set(false);
            }
        }
        return board;
    }

    /** Rows in board order, straight from JDBC into the columns (contributors shared: each repeats many times). */
    private Board read(long bountyId, boolean higherIsBetter, long offset, int limit, long stamp) {
        long readAt = System.nanoTime();
        return entityManager.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement query = connection.prepareStatement("""
                    SELECT id, chain_index, contributor, model_sha256, live_score, committed_at FROM submission
                     WHERE bounty_id = ? AND live_score IS NOT NULL AND chain_index IS NOT NULL
                     ORDER BY live_score %s, chain_index, id
                     OFFSET ? LIMIT ?""".formatted(higherIsBetter ? "DESC" : "ASC"))) {
                query.setLong(1, bountyId);
                query.setLong(2, offset);
                query.setLong(3, limit);
                query.setFetchSize(10_000);
                int capacity = Math.min(limit, 1024);
                long[] ids = new long[capacity];
                int[] chainIndexes = new int[capacity];
                String[] contributors = new String[capacity];
                String[] modelSha256s = new String[capacity];
                long[] scores = new long[capacity];
                Instant[] committedAt = new Instant[capacity];
                Map<String, String> shared = new HashMap<>();
                int n = 0;
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        if (n == ids.length) {
                            int grown = n * 2;
                            ids = Arrays.copyOf(ids, grown);
                            chainIndexes = Arrays.copyOf(chainIndexes, grown);
                            contributors = Arrays.copyOf(contributors, grown);
                            modelSha256s = Arrays.copyOf(modelSha256s, grown);
                            scores = Arrays.copyOf(scores, grown);
                            committedAt = Arrays.copyOf(committedAt, grown);
                        }
                        ids[n] = rows.getLong(1);
                        chainIndexes[n] = rows.getInt(2);
                        contributors[n] = shared.computeIfAbsent(rows.getString(3), c -> c);
                        modelSha256s[n] = rows.getString(4);
                        scores[n] = rows.getLong(5);
                        Timestamp committed = rows.getTimestamp(6);
                        committedAt[n] = committed == null ? null : committed.toInstant();
                        n++;
                    }
                }
                return new Board(higherIsBetter, Arrays.copyOf(ids, n), Arrays.copyOf(chainIndexes, n),
                        Arrays.copyOf(contributors, n), Arrays.copyOf(modelSha256s, n), Arrays.copyOf(scores, n),
                        Arrays.copyOf(committedAt, n), stamp, readAt, new AtomicBoolean());
            }
        });
    }

    private long count(long bountyId) {
        return ((Number) entityManager.createNativeQuery("""
                SELECT count(*) FROM submission
                 WHERE bounty_id = ?1 AND live_score IS NOT NULL AND chain_index IS NOT NULL""")
                .setParameter(1, bountyId).getSingleResult()).longValue();
    }
}
