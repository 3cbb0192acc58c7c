package dev.bountymarket.leadership;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * Who runs one singleton role, decided by a lease row in PostgreSQL, in the shape of {@code EvaluationQueue}'s job
 * leases: a process holds the role while it renews the lease; once a lease is not renewed before it expires (by the
 * database's clock, so machines with skewed clocks agree) another process may take it, and taking it raises the term.
 * The term is the fencing token: a write made for the role checks, in its own transaction, that this holder and term
 * still hold the row ({@link #holds}), and locks the row until it commits, so a leader paused past its lease can
 * record nothing after another took over, and a takeover waits for a write already checked.
 *
 * <p>Plain JDBC on the caller's connection, so that the server and tests use it alike. Not thread-safe for one
 * instance's calls to {@link #lead} from several threads; {@code Leadership} serialises them.
 */
public final class LeaderElection {

    private final String role;
    private final String holder;
    private final Duration lease;
    private volatile long term = -1;

    public LeaderElection(String role, String holder, Duration lease) {
        this.role = role;
        this.holder = holder;
        this.lease = lease;
    }

    /**
     * Renews the lease when this holder has it (even once expired, as long as nobody took it), else takes it when it
     * is free or expired. One statement, on a connection in auto-commit.
     *
     * @return the term held, empty while another process holds the role
     */
    public OptionalLong lead(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("""
                INSERT INTO leader_lease AS l (role, holder, term, expires_at, acquired_at, renewed_at)
                VALUES (?, ?, 1, now() + make_interval(secs => ?), now(), now())
                ON CONFLICT (role) DO UPDATE
                   SET holder = EXCLUDED.holder,
                       expires_at = EXCLUDED.expires_at,
                       renewed_at = now(),
                       term = CASE WHEN l.holder = EXCLUDED.holder AND l.term = ? THEN l.term ELSE l.term + 1 END,
                       acquired_at = CASE WHEN l.holder = EXCLUDED.holder AND l.term = ? THEN l.acquired_at
                                          ELSE now() END
                 WHERE (l.holder = EXCLUDED.holder AND l.term = ?) OR l.expires_at < now()
                RETURNING term""")) {
            long known = term;
            statement.setString(1, role);
            statement.setString(2, holder);
            statement.setDouble(3, lease.toMillis() / 1000.0);
            statement.setLong(4, known);
            statement.setLong(5, known);
            statement.setLong(6, known);
            try (ResultSet row = statement.executeQuery()) {
                term = row.next() ? row.getLong(1) : -1;
            }
        }
        return current();
    }

    /** Gives the lease up at once (a clean shutdown), so that another process takes over at its next try. */
    public void release(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("""
                UPDATE leader_lease SET expires_at = now() - interval '1 millisecond'
                 WHERE role = ? AND holder = ? AND term = ?""")) {
            statement.setString(1, role);
            statement.setString(2, holder);
            statement.setLong(3, term);
            statement.executeUpdate();
        }
        term = -1;
    }

    /**
     * The fencing check, in the caller's transaction: whether this holder still holds {@code term}. The row stays
     * locked (shared) until that transaction ends, so no other process can take the lease between this check and the
     * commit of what it guards.
     */
    public boolean holds(Connection connection, long term) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("""
                SELECT 1 FROM leader_lease WHERE role = ? AND holder = ? AND term = ? FOR SHARE""")) {
            statement.setString(1, role);
            statement.setString(2, holder);
            statement.setLong(3, term);
            try (ResultSet row = statement.executeQuery()) {
                return row.next();
            }
        }
    }

    /** The term this process last held, without asking the database. */
    public OptionalLong current() {
        long known = term;
        return known < 0 ? OptionalLong.empty() : OptionalLong.of(known);
    }

    public String role() {
        return role;
    }

    public String holder() {
        return holder;
    }
}
