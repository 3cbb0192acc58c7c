package dev.bountymarket.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.testing.TestChain;
import dev.bountymarket.testing.TestDatabase;
import dev.bountymarket.testing.Wallet;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Limits per client address and per account, answered 429 with Retry-After; and the dev wallet, which answers only
 * its own pages. Runs with small limits and the dev wallet on.
 */
@QuarkusTest
@TestProfile(RateLimitTest.SmallLimits.class)
@WithTestResource(TestDatabase.class)
@WithTestResource(TestChain.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RateLimitTest {

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(Map.entry("rate-limit.window", "1h"),
                    Map.entry("rate-limit.sign-in-per-address", "6"),
                    Map.entry("rate-limit.draft-per-address", "100"), Map.entry("rate-limit.draft-per-account", "2"),
                    Map.entry("rate-limit.upload-per-address", "100"), Map.entry("rate-limit.upload-per-account", "2"),
                    Map.entry("rate-limit.transaction-per-address", "100"),
                    Map.entry("rate-limit.transaction-per-account", "3"),
                    Map.entry("chain.dev-accounts", "true"));
        }
    }

    private static String alice;
    private static String bob;

    private static String alice() {
        if (alice == null) {
            alice = Wallet.apiToken(DevAccounts.account(1));
        }
        return alice;
    }

    private static String bob() {
        if (bob == null) {
            bob = Wallet.apiToken(DevAccounts.account(2));
        }
        return bob;
    }

    @Test
    @Order(1)
    void drafts_areLimitedPerAccount() {
        for (int i = 0; i < 2; i++) {
            draft(alice()).then().statusCode(not(equalTo(429)));
        }
        assertLimited(draft(alice()));
        draft(bob()).then().statusCode(not(equalTo(429)));
    }

    @Test
    @Order(2)
    void uploads_areLimitedPerAccount() {
        for (int i = 0; i < 2; i++) {
            upload(alice()).then().statusCode(not(equalTo(429)));
        }
        assertLimited(upload(alice()));
        upload(bob()).then().statusCode(not(equalTo(429)));
    }

    @Test
    @Order(3)
    void transactions_areLimitedPerAccount() {
        for (int i = 0; i < 3; i++) {
            given().auth().oauth2(alice()).post("/api/bounties/999999/transactions/finalize").then().statusCode(404);
        }
        assertLimited(given().auth().oauth2(alice()).post("/api/bounties/999999/transactions/finalize"));
        given().auth().oauth2(bob()).post("/api/bounties/999999/transactions/finalize").then().statusCode(404);
    }

    @Test
    @Order(4)
    void devWallet_answersOnlyItsOwnPages() {
        Map<String, String> call = Map.of("method", "eth_chainId");
        given().contentType(ContentType.JSON).body(call).post("/api/dev-wallet/rpc").then().statusCode(403)
                .body("code", equalTo("FORBIDDEN")).body("message", containsString("Origin"));
        given().header("Origin", "https://evil.example").contentType(ContentType.JSON).body(call)
                .post("/api/dev-wallet/rpc").then().statusCode(403);
        given().header("Origin", "http://localhost:" + RestAssured.port).contentType(ContentType.JSON).body(call)
                .post("/api/dev-wallet/rpc").then().statusCode(200).body("result", equalTo("0x7a69"));
    }

    @Test
    @Order(5)
    void signInMessages_areLimitedPerClientAddress() {
        alice();
        bob();
        Response last = null;
        int answered = 0;
        for (int i = 0; i < 10; i++) {
            last = given().contentType(ContentType.JSON).body(Map.of("address", DevAccounts.account(3).getAddress()))
                    .post("/api/auth/message");
            if (last.statusCode() == 429) {
                break;
            }
            last.then().statusCode(200);
            answered++;
        }
        assertTrue(answered <= 6, answered + " answered");
        assertLimited(last);
    }

    private static void assertLimited(Response response) {
        response.then().statusCode(429).contentType(ContentType.JSON).body("code", equalTo("RATE_LIMITED"))
                .body("message", containsString("Try again in"));
        long retryAfter = Long.parseLong(response.getHeader("Retry-After"));
        assertTrue(retryAfter > 0 && retryAfter <= 3600, "Retry-After " + retryAfter);
    }

    private static Response draft(String token) {
        return given().auth().oauth2(token).multiPart("title", "limited").post("/api/drafts");
    }

    private static Response upload(String token) {
        return given().auth().oauth2(token).multiPart("sha256", "00").post("/api/bounties/999999/submissions");
    }
}
