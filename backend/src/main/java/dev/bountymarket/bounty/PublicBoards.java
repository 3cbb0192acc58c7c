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
import dev.bountymarket.web.Page;

/**
 * The public (live) leaderboards: a bounty's committed submissions scored on the hidden test set's live part, best
 * first (score in the bounty's direction, then earlier commitment, then id). A board is read whole, in index order
 * (submission_live_board_desc or _asc, migration V12), with the columns it shows, and kept in memory with the pages
 * asked of it (and, by {@link dev.bountymarket.web.PageJson}, their JSON): a page costs no database query. A
 * 100,000-entry board takes about 20 MB, and about 40 MB more for each variant (with or without the model hashes) of
 * which every page is asked for; it is dropped after a change or a minute unasked. It is read again after a change to its bounty's submissions ({@link ReadChanges}), at most once per
 * {@code leaderboard.refresh} (1 s): a new live score shows up to that much later (plus the time to read the board
 * again, while the other requests are served the previous board), and a page's ranks and total always come from one
 * consistent read. While this process cannot confirm that it hears every change, a board is read again every
 * {@code leaderboard.refresh} whether it changed or not. With {@code leaderboard.refresh=0s} every request reads its page
 * and the total from the database.
 */
@ApplicationScoped
public class PublicBoards {

    /**
     * A board's rows, one array per column (about 200 bytes per entry, most of it the model hash; contributors are
     * shared), read under {@code stamp} at {@code readAt} (System.nanoTime).
     */
    private record Board(boolean higherIsBetter, long[] ids, int[] chainIndexes, String[] contributors,
            String[] modelSha256s, long[] scores, Instant[] committedAt, long stamp, long readAt, AtomicBoolean reading,
            ConcurrentHashMap<PageKey, Page<LeaderboardEntry>> pages) {

        /** Page {@code page} of {@code size} entries, kept with the board (the same page object, whose JSON is kept too). */
        Page<LeaderboardEntry> page(int page, int size, boolean withoutHashes) {
            PageKey key = new PageKey(page, size, withoutHashes);
            Page<LeaderboardEntry> kept = pages.get(key);
            if (kept != null) {
                return kept;
            }
            long offset = (long) page * size;
            int from = (int) Math.min(offset, ids.length);
            int to = (int) Math.min(offset + size, ids.length);
            List<LeaderboardEntry> entries = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                entries.add(new LeaderboardEntry(i + 1, ids[i], chainIndexes[i], contributors[i],
                        withoutHashes ? null : modelSha256s[i], scores[i], null, null, committedAt[i]));
            }
            Page<LeaderboardEntry> read = new Page<>(List.copyOf(entries), page, size, ids.length);
            if (pages.size() < MAX_PAGES_KEPT) {
                pages.put(key, read);
            }
            return read;
        }
    }

    private record PageKey(int page, int size, boolean withoutHashes) {
    }

    /** Pages kept per board: 2,000 pages of 50 is a 100,000-entry board twice (with and without hashes). */
    private static final int MAX_PAGES_KEPT = 4_000;

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

    public Page<LeaderboardEntry> page(long bountyId, boolean higherIsBetter, int page, int size, boolean withoutHashes) {
        if (config.refresh().isZero()) {
            long offset = (long) page * size;
            Page<LeaderboardEntry> read = read(bountyId, higherIsBetter, offset, size, 0).page(0, size, withoutHashes);
            List<LeaderboardEntry> entries = read.items().stream()
                    .map(e -> new LeaderboardEntry((int) offset + e.rank(), e.submissionId(), e.chainIndex(),
                            e.contributor(), e.modelSha256(), e.score(), null, null, e.committedAt()))
                    .toList();
            return new Page<>(entries, page, size, count(bountyId));
        }
        return current(bountyId, higherIsBetter).page(page, size, withoutHashes);
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
                        Arrays.copyOf(committedAt, n), stamp, readAt, new AtomicBoolean(), new ConcurrentHashMap<>());
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
