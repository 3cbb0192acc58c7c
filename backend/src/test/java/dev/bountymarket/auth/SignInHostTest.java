package dev.bountymarket.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import io.restassured.path.json.JsonPath;

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

    /**
     * HTTP/2 names the host in its :authority pseudo-header and may send no Host header (Java's HttpClient does not,
     * once the connection is upgraded to h2c): sign-in works there as on HTTP/1.1.
     */
    @Test
    void signIn_worksOverHttp2WithoutAHostHeader() throws Exception {
        String origin = "http://localhost:" + RestAssured.port;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        // the first request upgrades the connection (h2c); what follows goes over HTTP/2
        http.send(HttpRequest.newBuilder(URI.create(origin + "/api/bounties")).build(),
                HttpResponse.BodyHandlers.discarding());
        HttpResponse<String> asked = http.send(HttpRequest.newBuilder(URI.create(origin + "/api/auth/message"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"address\":\"" + alice.getAddress() + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_2, asked.version(), "the connection was not upgraded to h2c");
        assertEquals(200, asked.statusCode(), asked.body());
        String message = JsonPath.from(asked.body()).getString("message");
        assertTrue(message.startsWith("localhost:" + RestAssured.port + " wants you to sign in"), message);

        String body = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(
                Map.of("message", message, "signature", Wallet.sign(message, alice)));
        HttpResponse<String> signedIn = http.send(HttpRequest.newBuilder(URI.create(origin + "/api/auth/sign-in"))
                .header("Content-Type", "application/json").header("Origin", origin)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_2, signedIn.version());
        assertEquals(200, signedIn.statusCode(), signedIn.body());
        assertEquals(alice.getAddress(), JsonPath.from(signedIn.body()).getString("address"));
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
