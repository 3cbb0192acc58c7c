package dev.bountymarket.bounty;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

import dev.bountymarket.chain.ChainClock;
import dev.bountymarket.chain.ChainConfig;
import dev.bountymarket.chain.ChainIndexer;
import dev.bountymarket.chain.ContractRegistry;
import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.submission.Submission;
import dev.bountymarket.testing.ChainDriver;
import dev.bountymarket.testing.Drafts;
import dev.bountymarket.testing.TestChain;
import dev.bountymarket.testing.TestDatabase;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The bounty list and the leaderboards are kept in memory between changes ({@link ReadChanges}): a change shows within
 * what the pages promise, whoever makes it. "Another server" here is a connection of its own to the shared database
 * that writes the rows as a server's indexer or worker does, unseen by this process except through the database.
 */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestChain.class)
class ReadCacheTest {

    private final Credentials sponsor = DevAccounts.account(1);

    @Inject
    ChainIndexer indexer;

    @Inject
    ContractRegistry registry;

    @Inject
    ChainConfig config;

    @Inject
    ChainClock clock;

    @Inject
    ReadChanges changes;

    @Inject
    ReadsConfig reads;

    @Inject
    LeaderboardConfig boards;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @ConfigProperty(name = "quarkus.datasource.username")
    String user;

    @Test
    void aChangeByAnotherServer_showsInTheListAndOnTheBoardWithinTheirBounds() throws Exception {
        long id = openBounty("Cached list entry", "cached list");
        awaitConfirmed();
        QuarkusTransaction.requiringNew().run(() -> scored(id, 0, 500_000));
        // Asked twice so that the second answer comes from the cache.
        for (int i = 0; i < 2; i++) {
            given().queryParam("q", "cached list").get("/api/bounties").then().statusCode(200)
                    .body("total", equalTo(1)).body("items.title", contains("Cached list entry"));
            given().get("/api/bounties/" + id + "/leaderboard").then().statusCode(200)
                    .body("total", equalTo(1)).body("items.score", contains(500_000));
        }

        Instant changed = anotherServer("UPDATE bounty SET title = 'Renamed elsewhere', updated_at = now() WHERE id = ?", id);
        shownWithin(reads.maxStaleness(), changed, () -> given().queryParam("q", "cached list").get("/api/bounties")
                .then().statusCode(200).extract().path("items[0].title"), "Renamed elsewhere");
        shownWithin(reads.maxStaleness(), changed, () -> given().get("/api/bounties/" + id).then().statusCode(200)
                .extract().path("title"), "Renamed elsewhere");

        changed = anotherServer("UPDATE submission SET live_score = 900000 WHERE bounty_id = ?", id);
        // A board is read again at most once per leaderboard.refresh after a change.
        shownWithin(boards.refresh().plus(reads.maxStaleness()), changed, () -> given()
                .get("/api/bounties/" + id + "/leaderboard").then().statusCode(200).extract().path("items[0].score"),
                900_000);

        changed = anotherServer("UPDATE bounty SET status = 'CANCELLED', updated_at = now() WHERE id = ?", id);
        shownWithin(reads.maxStaleness(), changed, () -> given().queryParam("q", "cached list")
                .queryParam("status", "open").get("/api/bounties").then().statusCode(200).extract().path("total"), 0);
    }

    @Test
    void aChangeMadeHere_showsAtOnce() {
        long id = openBounty("Changed here", "changed here");
        awaitConfirmed();
        given().queryParam("q", "changed here").get("/api/bounties").then().statusCode(200)
                .body("items.title", contains("Changed here"));
        given().get("/api/bounties/" + id).then().statusCode(200).body("title", equalTo("Changed here"));

        QuarkusTransaction.requiringNew().run(() -> Bounty.<Bounty>findById(id).title = "Changed here again");
        // No wait: this process applies its own writes to its caches at their commit.
        given().queryParam("q", "changed here").get("/api/bounties").then().statusCode(200)
                .body("items.title", contains("Changed here again"));
        given().get("/api/bounties/" + id).then().statusCode(200).body("title", equalTo("Changed here again"));
    }

    @Test
    void aDeadlinePassing_closesTheBountyInTheCachedList() {
        long id = openBounty("Closing soon", "closing soon");
        awaitConfirmed();
        given().queryParam("q", "closing soon").queryParam("status", "open").get("/api/bounties").then()
                .statusCode(200).body("items.status", contains("OPEN"));
        try (ChainDriver chain = new ChainDriver(config.rpcUrl())) {
            Instant deadline = Bounty.<Bounty>findByIdOptional(id).orElseThrow().submissionDeadline;
            chain.travel(deadline.getEpochSecond() - chain.latestTimestamp() + 1);
        }
        clock.refresh();
        // No write happened: the cached answers held only until the deadline, in chain time.
        given().queryParam("q", "closing soon").queryParam("status", "open").get("/api/bounties").then()
                .statusCode(200).body("total", equalTo(0));
        given().queryParam("q", "closing soon").get("/api/bounties").then().statusCode(200)
                .body("items.status", contains("CLOSED"));
    }

    private long openBounty(String title, String words) {
        String market = registry.current().address;
        byte[] commitment = Hash.sha3(ChainDriver.sha256(title));
        long id = Drafts.bounty(market, sponsor, commitment, title);
        // found by these words whatever its title becomes
        QuarkusTransaction.requiringNew().run(() -> Bounty.<Bounty>findById(id).description = "A test bounty: " + words);
        try (ChainDriver chain = new ChainDriver(config.rpcUrl())) {
            chain.createBounty(market, sponsor, DevAccounts.account(2), DevAccounts.account(3), BigInteger.TEN.pow(18),
                    commitment);
        }
        indexer.catchUp();
        return id;
    }

    /** Waits until the listener has confirmed it hears every change (it starts with the server). */
    private void awaitConfirmed() {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!changes.fresh()) {
            if (System.nanoTime() > deadline) {
                fail("the read caches' listener did not confirm within 10 s");
            }
            Thread.onSpinWait();
        }
    }

    /** Writes as another server would, through a connection of its own; returns when the write was committed. */
    private Instant anotherServer(String sql, long bountyId) throws SQLException {
        try (Connection db = DriverManager.getConnection(jdbcUrl, user, null);
                PreparedStatement update = db.prepareStatement(sql)) {
            update.setLong(1, bountyId);
            assertTrue(update.executeUpdate() > 0, sql);
        }
        return Instant.now();
    }

    /**
     * Asks until the answer is {@code expected}; fails if an answer asked for more than {@code bound} after the change
     * was committed is still the old one, or if it never changes.
     */
    private static void shownWithin(Duration bound, Instant changed, Supplier<Object> answer, Object expected)
            throws InterruptedException {
        long giveUp = System.nanoTime() + bound.plusSeconds(10).toNanos();
        while (true) {
            Instant asked = Instant.now();
            Object seen = answer.get();
            if (expected.equals(seen)) {
                return;
            }
            if (Duration.between(changed, asked).compareTo(bound) > 0) {
                fail("still " + seen + " instead of " + expected + " when asked " + Duration.between(changed, asked)
                        .toMillis() + " ms after the change (the bound is " + bound.toMillis() + " ms)");
            }
            if (System.nanoTime() > giveUp) {
                assertEquals(expected, seen);
            }
            Thread.sleep(10);
        }
    }

    private static void scored(long bountyId, int chainIndex, long liveScore) {
        Submission s = new Submission();
        s.bountyId = bountyId;
        s.contributor = "0x000000000000000000000000000000000000000" + chainIndex;
        s.commitment = Numeric.toHexString(ChainDriver.sha256("cached " + bountyId + " " + chainIndex));
        s.chainIndex = chainIndex;
        s.liveScore = liveScore;
        s.committedAt = Instant.now();
        s.createdAt = Instant.now();
        s.persist();
    }
}
