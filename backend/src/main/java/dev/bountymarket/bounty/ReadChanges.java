package dev.bountymarket.bounty;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import dev.bountymarket.process.ProcessConfig.Role;
import dev.bountymarket.process.ProcessRoles;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Tells the read caches (the bounty list, the leaderboards) when what they hold went stale, on every server sharing the
 * database. The database announces each committed change itself (triggers of migration V20, on the channel
 * {@value #CHANNEL}), whoever wrote it; this process listens on a connection of its own. A cached read carries the
 * {@link #stamp} taken before it read the database and is served only while the stamp is unchanged, so a read that
 * raced a change is never kept.
 *
 * <p>The bound: a cache is used only while the listener has <em>confirmed</em> within {@code reads.max-staleness}
 * that it hears everything. Every quarter of that it sends itself a notice; notices arrive in commit order, so when its
 * own comes back every change committed before it was sent has been heard. A change is therefore served at most
 * {@code reads.max-staleness} late (in practice the milliseconds a notice takes), even by a server whose connection
 * silently died: without a fresh confirmation it reads the database as if there were no cache. Changes made in this
 * process are applied at their commit as well ({@link ReadChangeInterceptor}), so a writer reads its own change at once.
 */
@ApplicationScoped
public class ReadChanges {

    static final String CHANNEL = "bountymarket_reads";

    /** The stamp keys of the bounty list and of the chain's event log (bounty ids are positive). */
    static final long LIST = -1;
    static final long EVENTS = -2;

    @Inject
    DataSource dataSource;

    @Inject
    ReadsConfig config;

    @Inject
    ProcessRoles roles;

    /** Every invalidation takes the next number: a stamp changes whenever anything it depends on was invalidated. */
    private final AtomicLong counter = new AtomicLong();
    /** Stamps below this are void: everything was invalidated (a notice may have been missed). */
    private volatile long floor;
    private final ConcurrentHashMap<Long, Long> invalidated = new ConcurrentHashMap<>();
    /** When the last confirmation that every notice was heard was sent (System.nanoTime), or 0. */
    private volatile long confirmedAt;
    private final String self = UUID.randomUUID().toString();
    private volatile boolean running;
    private Thread listener;

    void start(@Observes StartupEvent startup) {
        if (config.maxStaleness().isZero() || !roles.has(Role.WEB)) {
            return; // no caches: every read goes to the database (a worker alone serves no reads)
        }
        running = true;
        listener = new Thread(this::listen, "read-changes");
        listener.setDaemon(true);
        listener.start();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        running = false;
        if (listener != null) {
            listener.interrupt();
            try {
                // It hands its connection back within one wait for notices, before the pool closes.
                listener.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether cached reads may be served now: the listener confirmed it hears every change, recently enough. */
    public boolean fresh() {
        long confirmed = confirmedAt;
        return confirmed != 0 && System.nanoTime() - confirmed <= config.maxStaleness().toNanos();
    }

    /** The current stamp of a bounty's boards (its row, its submissions); take it before reading. */
    public long boardStamp(long bountyId) {
        return stamp(bountyId);
    }

    /** The current stamp of a bounty as the API shows it (its row, its submissions, its challenges' events). */
    public long bountyStamp(long bountyId) {
        return Math.max(stamp(bountyId), stamp(EVENTS));
    }

    /** The current stamp of the bounty list (every bounty's row, the chain's events). */
    public long listStamp() {
        return stamp(LIST);
    }

    private long stamp(long key) {
        return Math.max(floor, invalidated.getOrDefault(key, 0L));
    }

    /** Changes this process committed (called at commit, before the writer's caller goes on). */
    void changedHere(Collection<Long> bountyIds) {
        for (long id : bountyIds) {
            invalidate(id);
        }
        invalidate(LIST);
    }

    void invalidateAll() {
        floor = counter.incrementAndGet();
    }

    private void invalidate(long key) {
        invalidated.put(key, counter.incrementAndGet());
    }

    /** Applies one notice of migration V20: 'bounty:ID', 'board:ID' or 'events'. */
    void heard(String notice) {
        int colon = notice.indexOf(':');
        String kind = colon < 0 ? notice : notice.substring(0, colon);
        switch (kind) {
            case "bounty" -> {
                invalidate(Long.parseLong(notice.substring(colon + 1)));
                invalidate(LIST);
            }
            case "board" -> invalidate(Long.parseLong(notice.substring(colon + 1)));
            case "events" -> {
                invalidate(LIST);
                invalidate(EVENTS);
            }
            default -> {
                // another server's confirmation
            }
        }
    }

    private void listen() {
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                try {
                    listen(connection);
                } finally {
                    confirmedAt = 0;
                    // The pool gets the connection back: it must not go on collecting notices nobody reads.
                    try (Statement sql = connection.createStatement()) {
                        sql.execute("UNLISTEN *");
                    } catch (SQLException ignored) {
                        // a broken connection is dropped by the pool
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    Log.warnf("Read caches are off until the database's change notices are heard again: %s",
                            e.getMessage());
                }
            }
            sleep(config.maxStaleness().toMillis());
        }
    }

    private void listen(Connection connection) throws SQLException {
        connection.setAutoCommit(true);
        PGConnection notices = connection.unwrap(PGConnection.class);
        try (Statement sql = connection.createStatement()) {
            sql.execute("LISTEN " + CHANNEL);
        }
        // Whatever changed while nobody listened is unknown: everything cached before is void.
        invalidateAll();
        long every = config.maxStaleness().toNanos() / 4;
        long sent = 0;
        String awaited = null;
        long number = 0;
        while (running) {
            long now = System.nanoTime();
            if (awaited == null && now - sent >= every) {
                awaited = "ping:" + self + ":" + ++number;
                sent = now;
                try (Statement sql = connection.createStatement()) {
                    sql.execute("NOTIFY " + CHANNEL + ", '" + awaited + "'");
                }
            } else if (awaited != null && now - sent > config.maxStaleness().toNanos()) {
                throw new SQLException("the listener's own notice did not come back within "
                        + config.maxStaleness().toMillis() + " ms");
            }
            PGNotification[] heard = notices.getNotifications((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(every) / 2));
            if (heard == null) {
                continue;
            }
            for (PGNotification notice : heard) {
                if (notice.getParameter().equals(awaited)) {
                    confirmedAt = sent;
                    awaited = null;
                } else {
                    heard(notice.getParameter());
                }
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
