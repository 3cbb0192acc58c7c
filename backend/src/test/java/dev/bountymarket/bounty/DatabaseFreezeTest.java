package dev.bountymarket.bounty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.hamcrest.MatcherAssert;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

import dev.bountymarket.testing.FreezableDatabase;
import dev.bountymarket.testing.TestChain;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * PostgreSQL stops answering (connections stay open, nothing comes back): readiness says DOWN and why within 5 s,
 * requests fail with a JSON 503 instead of hanging, and all is well once it answers again.
 */
@QuarkusTest
@WithTestResource(FreezableDatabase.class)
@WithTestResource(TestChain.class)
class DatabaseFreezeTest {

    /** More than the database's network timeout: a request still waiting by then hangs. */
    private static final Duration GIVE_UP = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(GIVE_UP).build();

    @TestHTTPResource("/")
    URL server;

    @Test
    void frozenDatabase_failsRequestsWith503AndReadinessDownWithin5s() throws Exception {
        assertEquals(200, timed(get("/api/bounties"), GIVE_UP).statusCode());
        awaitDatabase("UP", Duration.ofSeconds(10));

        FreezableDatabase.freeze();
        try {
            long frozenAt = System.nanoTime();
            JsonPath down = awaitDatabase("DOWN", Duration.ofSeconds(5));
            assertTrue(System.nanoTime() - frozenAt < Duration.ofSeconds(5).toNanos());
            MatcherAssert.assertThat(down.prettify(), down.getString("checks.find { it.name.contains('Database') }.data"),
                    Matchers.notNullValue());

            HttpResponse<String> answer = timed(get("/api/bounties"), Duration.ofSeconds(15));
            assertEquals(503, answer.statusCode(), answer.body());
            JsonPath error = new JsonPath(answer.body());
            assertEquals("DATABASE_UNAVAILABLE", error.getString("code"));
            MatcherAssert.assertThat(error.getString("message"), Matchers.containsString("database"));
        } finally {
            FreezableDatabase.thaw();
        }

        awaitDatabase("UP", Duration.ofSeconds(20));
        assertEquals(200, timed(get("/api/bounties"), Duration.ofSeconds(15)).statusCode());
    }

    private JsonPath awaitDatabase(String status, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        String last = "nothing";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> answer = timed(get("/q/health/ready"), within);
            last = answer.body();
            JsonPath health = new JsonPath(last);
            if (status.equals(health.getString("checks.find { it.name.contains('Database') }.status"))) {
                return health;
            }
            Thread.sleep(100);
        }
        return fail("the database check not " + status + " within " + within.toSeconds() + " s; last: " + last);
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create(server.toString()).resolve(path)).header("Accept", "application/json")
                .timeout(GIVE_UP).GET();
    }

    /** Sends the request and checks it was answered within {@code limit}. */
    private HttpResponse<String> timed(HttpRequest.Builder request, Duration limit) throws IOException, InterruptedException {
        HttpRequest built = request.build();
        long start = System.nanoTime();
        HttpResponse<String> answer;
        try {
            answer = http.send(built, HttpResponse.BodyHandlers.ofString());
        } catch (java.net.http.HttpTimeoutException e) {
            return fail(built.uri().getPath() + " hung for " + GIVE_UP.toSeconds() + " s");
        }
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertTrue(millis < limit.toMillis(), built.uri().getPath() + " took " + millis + " ms, more than "
                + limit.toMillis());
        return answer;
    }
}
