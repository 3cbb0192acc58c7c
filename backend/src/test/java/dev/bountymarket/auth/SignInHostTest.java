package dev.bountymarket.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.testing.TestChain;
import dev.bountymarket.testing.TestDatabase;
import dev.bountymarket.testing.Wallet;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

/**
 * Sign-in works at the address the site is opened at, when the operator allows it: with no public URL configured,
 * the listening address, as localhost or 127.0.0.1 alike; never a host the operator did not allow. Spent nonces go.
 */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestChain.class)
class SignInHostTest {

    private final Credentials alice = DevAccounts.account(1);

    @Test
    void signIn_worksAt127001AsAtLocalhost_onWhateverPortItListens() {
        for (String host : new String[] {"localhost", "127.0.0.1"}) {
            String origin = "http://" + host + ":" + RestAssured.port;
            String message = given().baseUri("http://" + host).contentType(ContentType.JSON)
                    .body(Map.of("address", alice.getAddress())).post("/api/auth/message").then().statusCode(200)
                    .body("message", startsWith(host + ":" + RestAssured.port + " wants you to sign in"))
                    .body("message", containsString("\nURI: " + origin + "\n"))
                    .extract().jsonPath().getString("message");

            given().baseUri("http://" + host).header("Origin", origin).contentType(ContentType.JSON)
                    .body(Map.of("message", message, "signature", Wallet.sign(message, alice)))
                    .post("/api/auth/sign-in").then().statusCode(200).body("address", equalTo(alice.getAddress()));
        }
    }

    @Test
    void signIn_isRefusedForAHostTheOperatorDidNotAllow() {
        given().header("Host", "evil.example:" + RestAssured.port).contentType(ContentType.JSON)
                .body(Map.of("address", alice.getAddress())).post("/api/auth/message").then().statusCode(400)
                .body("code", equalTo("INVALID_MESSAGE")).body("message", containsString("web.public-url"));
    }

    @Test
    void signIn_fromAnotherLoopbackPort_isRefused() {
        String message = given().contentType(ContentType.JSON).body(Map.of("address", alice.getAddress()))
                .post("/api/auth/message").then().statusCode(200).extract().jsonPath().getString("message");
        given().header("Origin", "http://localhost:1").contentType(ContentType.JSON)
                .body(Map.of("message", message, "signature", Wallet.sign(message, alice)))
                .post("/api/auth/sign-in").then().statusCode(403).body("code", equalTo("FORBIDDEN"));
    }

    @Test
    void expiredNonces_areDeleted() throws InterruptedException {
        for (int i = 0; i < 20; i++) {
            given().contentType(ContentType.JSON).body(Map.of("address", alice.getAddress())).post("/api/auth/message")
                    .then().statusCode(200);
        }
        long issued = QuarkusTransaction.requiringNew().call(() -> SignInNonce.count());
        assertTrue(issued >= 20, issued + " nonces");
        // As if their ten minutes had passed.
        QuarkusTransaction.requiringNew().run(() -> SignInNonce.update("expiresAt = ?1",
                Instant.now().minus(Duration.ofMinutes(1))));

        long left = issued;
        for (long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos(); left > 0
                && System.nanoTime() < deadline; Thread.sleep(200)) {
            left = QuarkusTransaction.requiringNew().call(() -> SignInNonce.count());
        }
        assertEquals(0, left, "expired nonces left");
    }
}
