package dev.bountymarket.leadership;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.hibernate.Session;

import dev.bountymarket.Repeating;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;

/**
 * The roles only one server process may run at a time, elected through PostgreSQL ({@link LeaderElection}): any
 * number of identical servers share a database, and exactly one of them runs the indexer and one the keeper. A role's
 * loop calls {@link #lead} before its work and a heartbeat renews the lease meanwhile; its writes check
 * {@link #holds} in their own transaction. When the leader dies or loses the database, another server takes the role
 * within {@code leadership.lease} and goes on from what is recorded.
 */
@ApplicationScoped
public class Leadership {

    public enum Role {
        INDEXER, KEEPER;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    @Inject
    DataSource dataSource;

    @Inject
    EntityManager entityManager;

    @Inject
    LeadershipConfig config;

    private final String holder = holderName();
    private final Map<Role, LeaderElection> elections = new EnumMap<>(Role.class);
    private final Map<Role, Repeating> heartbeats = new EnumMap<>(Role.class);
    private final Map<Role, Long> renewedAt = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    /** This process's name in {@code leader_lease.holder}: host, process id and a random part (restarts differ). */
    public String holder() {
        return holder;
    }

    /**
     * Takes the role's lease when free or expired, or renews it when held, in a transaction of its own.
     *
     * @return the term held; empty while another server runs the role (or the database cannot be reached)
     */
    public OptionalLong lead(Role role) {
        if (stopping) {
            return OptionalLong.empty();
        }
        LeaderElection election = election(role);
        synchronized (election) {
            OptionalLong before = election.current();
            OptionalLong after = QuarkusTransaction.requiringNew().call(() -> {
                try (Connection connection = dataSource.getConnection()) {
                    return election.lead(connection);
                }
            });
            if (after.isPresent()) {
                renewedAt.put(role, System.nanoTime());
            }
            if (!before.equals(after)) {
                if (after.isPresent()) {
                    Log.infof("Leadership: this server (%s) now runs the %s (term %d)", holder, role.key(),
                            after.getAsLong());
                } else {
                    Log.warnf("Leadership: this server (%s) no longer runs the %s: another server took it over",
                            holder, role.key());
                }
            }
            return after;
        }
    }

    /** Renews the role's lease every third of {@code leadership.lease} until shutdown, however long a step takes. */
    public synchronized void keepLeading(Role role) {
        if (!heartbeats.containsKey(role)) {
            heartbeats.put(role, Repeating.start("leadership-" + role.key(), config.lease().dividedBy(3), () -> lead(role)));
        }
    }

    /**
     * The fencing check, in the caller's transaction: whether this process still holds the role under {@code term},
     * the term its decision was made in. The lease row stays locked until the caller's transaction ends.
     */
    public boolean holds(Role role, long term) {
        return entityManager.unwrap(Session.class).doReturningWork(connection -> election(role).holds(connection, term));
    }

    /** {@link #holds(Role, long)}, throwing when the role was lost. */
    public void fence(Role role, long term) {
        if (!holds(role, term)) {
            throw new NotLeaderException(role, term);
        }
    }

    /**
     * For a role whose every step decides afresh from what it reads after this check (the indexer): whether this
     * process leads it now, taking or renewing the lease if need be, with the row locked as {@link #holds} does.
     */
    public boolean leadsNow(Role role) {
        OptionalLong known = election(role).current();
        if (known.isPresent() && holds(role, known.getAsLong())) {
            return true;
        }
        OptionalLong term = lead(role);
        return term.isPresent() && holds(role, term.getAsLong());
    }

    public Duration lease() {
        return config.lease();
    }

    /** The roles this process held at its last try, within the lease (a renewal, a round): for readiness, without asking the database. */
    public synchronized Set<Role> leads() {
        Set<Role> held = EnumSet.noneOf(Role.class);
        long now = System.nanoTime();
        elections.forEach((role, election) -> {
            Long renewed = renewedAt.get(role);
            // A process cut off from the database keeps its last term in memory; past the lease it leads nothing.
            if (election.current().isPresent() && renewed != null && now - renewed < config.lease().toNanos()) {
                held.add(role);
            }
        });
        return held;
    }

    /** After the loops have stopped: hands every held role over at once, so that another server need not wait. */
    void release(@Observes @Priority(5000) ShutdownEvent shutdown) {
        stopping = true;
        heartbeats.values().forEach(Repeating::stop);
        for (LeaderElection election : elections.values()) {
            if (election.current().isPresent()) {
                try (Connection connection = dataSource.getConnection()) {
                    election.release(connection);
                    Log.infof("Leadership: released the %s", election.role());
                } catch (SQLException | RuntimeException e) {
                    Log.warnf("Leadership: could not release the %s (it expires on its own): %s", election.role(),
                            e.getMessage());
                }
            }
        }
    }

    private synchronized LeaderElection election(Role role) {
        return elections.computeIfAbsent(role, r -> new LeaderElection(r.key(), holder, config.lease()));
    }

    private static String holderName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return host + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }
}
