package dev.bountymarket.leadership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two servers electing a leader through one PostgreSQL: each election has its own connection, as two processes
 * would. The lease is short here; servers default to 15 s.
 */
class LeaderElectionTest {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    private static final Duration LEASE = Duration.ofSeconds(2);
    private static String database;

    Connection serverA;
    Connection serverB;
    String role;

    @BeforeAll
    static void createDatabase() throws Exception {
        database = "bountymarket_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", null);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
        try (Connection c = DriverManager.getConnection(SERVER + database, "postgres", null);
                Statement s = c.createStatement()) {
            s.execute(Files.readString(Path.of("../migrations/V9__leadership.sql")));
        }
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", null);
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    @BeforeEach
    void connect() throws SQLException {
        serverA = DriverManager.getConnection(SERVER + database, "postgres", null);
        serverB = DriverManager.getConnection(SERVER + database, "postgres", null);
        role = "role-" + UUID.randomUUID();
    }

    @AfterEach
    void disconnect() throws SQLException {
        serverA.close();
        serverB.close();
    }

    @Test
    void lead_oneLeadsWhileItRenewsAndAnotherTakesOverWithinTheLeaseOnceItStops() throws Exception {
        LeaderElection a = new LeaderElection(role, "server-a", LEASE);
        LeaderElection b = new LeaderElection(role, "server-b", LEASE);

        long termA = a.lead(serverA).orElseThrow();
        assertTrue(b.lead(serverB).isEmpty(), "one leader at a time");
        for (int i = 0; i < 4; i++) {
            Thread.sleep(LEASE.toMillis() / 3);
            assertEquals(OptionalLong.of(termA), a.lead(serverA), "renewing keeps the term");
            assertTrue(b.lead(serverB).isEmpty(), "a renewed lease is not taken, however long it is held");
        }

        // Server A stops renewing (killed, or cut off from the database).
        long stopped = System.nanoTime();
        OptionalLong termB = OptionalLong.empty();
        while (termB.isEmpty() && System.nanoTime() - stopped < TimeUnit.SECONDS.toNanos(10)) {
            Thread.sleep(50);
            termB = b.lead(serverB);
        }
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);

        assertTrue(termB.isPresent(), "server B took over");
        assertTrue(tookMillis <= LEASE.toMillis() + 500, "within the lease (and one try): took " + tookMillis + " ms");
        assertTrue(tookMillis >= LEASE.toMillis() - 500, "not before the lease ran out: took " + tookMillis + " ms");
        assertTrue(termB.getAsLong() > termA, "a new term fences off the old leader");
        assertTrue(a.lead(serverA).isEmpty(), "server A, back, finds it lost the lease and follows");
        assertEquals(termB, b.lead(serverB));
    }

    @Test
    void holds_refusesAStaleLeadersWrite() throws Exception {
        LeaderElection a = new LeaderElection(role, "server-a", LEASE);
        LeaderElection b = new LeaderElection(role, "server-b", LEASE);
        long termA = a.lead(serverA).orElseThrow();
        Thread.sleep(LEASE.toMillis() + 200);
        long termB = b.lead(serverB).orElseThrow();

        // Server A wakes up from a long pause in the middle of a step and tries to record it.
        serverA.setAutoCommit(false);
        assertFalse(a.holds(serverA, termA), "the stale leader's write is refused");
        serverA.rollback();
        serverB.setAutoCommit(false);
        assertTrue(b.holds(serverB, termB), "the new leader's write goes through");
        serverB.commit();
    }

    @Test
    void holds_makesATakeoverWaitForTheWriteInFlight() throws Exception {
        LeaderElection a = new LeaderElection(role, "server-a", LEASE);
        LeaderElection b = new LeaderElection(role, "server-b", LEASE);
        long termA = a.lead(serverA).orElseThrow();
        serverA.setAutoCommit(false);
        assertTrue(a.holds(serverA, termA));
        Thread.sleep(LEASE.toMillis() + 200);

        // A's lease ran out while its write was in flight: B may take over only once that write is committed.
        CompletableFuture<OptionalLong> takeover = CompletableFuture.supplyAsync(() -> {
            try {
                return b.lead(serverB);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(500);
        assertFalse(takeover.isDone(), "the takeover waits for the leader's transaction");
        serverA.commit();

        assertTrue(takeover.get(5, TimeUnit.SECONDS).getAsLong() > termA);
    }

    @Test
    void release_handsTheLeaseOverAtOnce() throws Exception {
        LeaderElection a = new LeaderElection(role, "server-a", Duration.ofMinutes(5));
        LeaderElection b = new LeaderElection(role, "server-b", Duration.ofMinutes(5));
        long termA = a.lead(serverA).orElseThrow();

        a.release(serverA);

        assertTrue(b.lead(serverB).orElseThrow() > termA, "a server that shuts down cleanly hands over at once");
        assertTrue(a.lead(serverA).isEmpty());
    }

    @Test
    void lead_eachRoleHasItsOwnLeader() throws Exception {
        LeaderElection indexerA = new LeaderElection(role + "-indexer", "server-a", LEASE);
        LeaderElection keeperB = new LeaderElection(role + "-keeper", "server-b", LEASE);

        assertTrue(indexerA.lead(serverA).isPresent());
        assertTrue(keeperB.lead(serverB).isPresent(), "the keeper may run on another server than the indexer");
    }
}
