package dev.bountymarket.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import jakarta.inject.Inject;

import org.hamcrest.MatcherAssert;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Hash;

import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.testing.ChainDriver;
import dev.bountymarket.testing.Drafts;
import dev.bountymarket.testing.FreezableChain;
import dev.bountymarket.testing.TestDatabase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * The chain node stops answering (it takes requests and holds them): what needs only the database still answers at
 * once, readiness says DOWN and why within 5 s, what needs the chain says so at once, and all is well once it answers
 * again.
 */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(FreezableChain.class)
class ChainFreezeTest {

    /** Long enough to tell "answered slowly" from "hung"; a hung request fails the test instead of hanging it. */
    private static final Duration GIVE_UP = Duration.ofSeconds(8);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(GIVE_UP).build();

    @TestHTTPResource("/")
    URL server;

    @Inject
    ChainIndexer indexer;

    @Inject
    ContractRegistry registry;

    @Inject
    ChainConfig config;

    @Test
    void frozenNode_holdsUpNothingThatNeedsOnlyTheDatabase() throws Exception {
        long id;
        try (ChainDriver chain = new ChainDriver(config.rpcUrl())) {
            String market = registry.current().address;
            byte[] commitment = Hash.sha3(ChainDriver.sha256("frozen node"));
            id = Drafts.bounty(market, DevAccounts.account(1), commitment, "Survive a frozen node");
            chain.createBounty(market, DevAccounts.account(1), DevAccounts.account(2), DevAccounts.account(3),
                    BigInteger.TEN.pow(18), commitment);
            indexer.catchUp();
        }
        assertEquals("UP", awaitReadiness("UP", Duration.ofSeconds(10)).getString("status"));

        FreezableChain.freeze();
        try {
            long frozenAt = System.nanoTime();
            JsonPath down = awaitReadiness("DOWN", Duration.ofSeconds(5));
            assertEquals("DOWN", down.getString("checks.find { it.name == 'chain' }.status"),
                    "readiness says DOWN within 5 s of the node freezing: " + down.prettify());
            MatcherAssert.assertThat(down.getString("checks.find { it.name == 'chain' }.data.reason"),
                    Matchers.containsString("not answering"));
            assertTrue(System.nanoTime() - frozenAt < Duration.ofSeconds(5).toNanos());

            // By now any chain read a request might make has had time to hang.
            for (String page : new String[] {"/api/bounties", "/api/bounties/" + id, "/", "/bounties/" + id}) {
                HttpResponse<String> answer = timed(get(page), Duration.ofSeconds(1));
                assertEquals(200, answer.statusCode(), page + ": " + answer.body());
            }

            // Preparing a transaction needs the chain: it says so at once instead of hanging.
            HttpResponse<String> topUp = timed(HttpRequest.newBuilder(uri("/api/bounties/" + id + "/transactions/top-up"))
                    .header("Content-Type", "application/json").timeout(GIVE_UP)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"amount\": \"1000\"}")), Duration.ofSeconds(1));
            assertEquals(503, topUp.statusCode(), topUp.body());
            JsonPath error = new JsonPath(topUp.body());
            assertEquals("CHAIN_UNAVAILABLE", error.getString("code"));
            MatcherAssert.assertThat(error.getString("message"), Matchers.containsString("not answering"));
        } finally {
            FreezableChain.thaw();
        }

        // Answering again, it is ready again, and transactions can be prepared.
        assertEquals("UP", awaitReadiness("UP", Duration.ofSeconds(10)).getString("status"));
        HttpResponse<String> topUp = timed(HttpRequest.newBuilder(uri("/api/bounties/" + id + "/transactions/top-up"))
                .header("Content-Type", "application/json").timeout(GIVE_UP)
                .POST(HttpRequest.BodyPublishers.ofString("{\"amount\": \"1000\"}")), GIVE_UP);
        assertEquals(200, topUp.statusCode(), topUp.body());
    }

    private JsonPath awaitReadiness(String status, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        String last = "nothing";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> answer = timed(get("/q/health/ready"), GIVE_UP);
            last = answer.body();
            JsonPath health = new JsonPath(last);
            if (status.equals(health.getString("status"))) {
                return health;
            }
            Thread.sleep(100);
        }
        return fail("readiness not " + status + " within " + within.toSeconds() + " s; last: " + last);
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(uri(path)).header("Accept", path.startsWith("/api") ? "application/json" : "text/html")
                .timeout(GIVE_UP).GET();
    }

    private URI uri(String path) {
        return URI.create(server.toString()).resolve(path);
    }

    /** Sends the request and checks it was answered within {@code limit}. */
    private HttpResponse<String> timed(HttpRequest.Builder request, Duration limit) throws IOException, InterruptedException {
        HttpRequest built = request.build();
        long start = System.nanoTime();
        HttpResponse<String> answer;
        try {
            answer = http.send(built, HttpResponse.BodyHandlers.ofString());
        } catch (java.net.http.HttpTimeoutException e) {
            return fail(built.method() + " " + built.uri().getPath() + " hung for " + GIVE_UP.toSeconds() + " s");
        }
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertTrue(millis < limit.toMillis(), built.method() + " " + built.uri().getPath() + " took " + millis
                + " ms, more than " + limit.toMillis());
        return answer;
    }
}
