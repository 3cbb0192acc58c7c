package dev.bountymarket.notification;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.notification.Notification.Kind;
import dev.bountymarket.testing.TestChain;
import dev.bountymarket.testing.TestDatabase;
import dev.bountymarket.testing.Wallet;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * Webhooks as a receiver sees them: a real HTTP server gets each notification POSTed, signed with the webhook's
 * secret over the timestamp and the body (checked here with the JDK's HMAC, as a receiver would), retried after a
 * failure, cut off when slow; URLs into the server's own network are refused; nobody sees another's webhooks.
 */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestChain.class)
class WebhookTest {

    private final Credentials alice = DevAccounts.account(4);
    private final Credentials bob = DevAccounts.account(5);

    @Inject
    Notifications notifications;

    @Inject
    WebhookSender sender;

    @BeforeEach
    void noWebhooksYet() {
        // Each test counts its own deliveries: the sender takes every due one.
        QuarkusTransaction.requiringNew().run(() -> Webhook.deleteAll());
    }

    @Test
    void delivery_isSignedAndRetriedUntilTheReceiverTakesIt() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (WebhookReceiver receiver = new WebhookReceiver(() -> calls.incrementAndGet() == 1 ? 500 : 204, 0)) {
            String token = Wallet.apiToken(alice);
            JsonPath hook = given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("url", receiver.url()))
                    .post("/api/account/webhooks").then().statusCode(201).extract().jsonPath();
            String secret = hook.getString("secret");
            long hookId = hook.getLong("id");
            given().auth().oauth2(token).get("/api/account/webhooks").then().statusCode(200)
                    .body("[0].url", equalTo(receiver.url())).body("[0].secret", equalTo(null));

            notify(alice.getAddress(), "scored:test-1", "Your model scored 0.9");
            Instant beforeFirst = Instant.now();
            assertEquals(1, sender.deliverDue());
            assertEquals(1, receiver.received.size(), "the receiver was called");
            JsonPath failed = deliveries(token, hookId);
            assertEquals("PENDING", failed.getString("[0].status"), "a 500 is retried");
            assertEquals(500, failed.getInt("[0].responseStatus"));
            assertEquals(1, failed.getInt("[0].attempts"));
            Instant next = Instant.parse(failed.getString("[0].nextAttemptAt"));
            assertTrue(!next.isBefore(beforeFirst.plusMillis(900)), "after its backoff (1 s in tests): " + next);

            // Retried once the backoff has passed (however slow this machine is today).
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (receiver.received.size() < 2 && System.nanoTime() < deadline) {
                sender.deliverDue();
                Thread.sleep(200);
            }
            assertEquals(2, receiver.received.size());
            JsonPath delivered = deliveries(token, hookId);
            assertEquals("DELIVERED", delivered.getString("[0].status"));
            assertEquals(204, delivered.getInt("[0].responseStatus"));
            assertEquals(2, delivered.getInt("[0].attempts"));
            assertEquals(0, sender.deliverDue(), "a delivered notification is not sent again");

            for (WebhookReceiver.Received request : receiver.received) {
                assertTrue(verify(secret, request.header(WebhookSender.SIGNATURE_HEADER), request.body(), 300),
                        "signed with the webhook's secret: " + request.header(WebhookSender.SIGNATURE_HEADER));
                JsonPath body = new JsonPath(request.body());
                assertEquals("Your model scored 0.9", body.getString("notification.title"));
                assertEquals("SCORED", request.header(WebhookSender.EVENT_HEADER));
                assertEquals(request.header(WebhookSender.DELIVERY_HEADER), body.getString("deliveryId"));
            }
            assertEquals(receiver.received.get(0).header(WebhookSender.DELIVERY_HEADER),
                    receiver.received.get(1).header(WebhookSender.DELIVERY_HEADER), "one delivery id, to dedupe on");
        }
    }

    @Test
    void forgedOrReplayedDeliveries_failTheReceiversCheck() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(() -> 200, 0)) {
            String token = Wallet.apiToken(alice);
            String secret = given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("url", receiver.url()))
                    .post("/api/account/webhooks").then().statusCode(201).extract().path("secret");
            String otherSecret = given().auth().oauth2(token).contentType(ContentType.JSON)
                    .body(Map.of("url", receiver.url())).post("/api/account/webhooks").then().statusCode(201)
                    .extract().path("secret");
            assertNotEquals(secret, otherSecret, "each webhook has a secret of its own");
            notify(alice.getAddress(), "forgery", "Paid: 1 ETH");
            sender.deliverDue();
            WebhookReceiver.Received genuine = receiver.received.stream()
                    .filter(r -> verify(secret, r.header(WebhookSender.SIGNATURE_HEADER), r.body(), 300)).findFirst()
                    .orElseThrow();
            String signature = genuine.header(WebhookSender.SIGNATURE_HEADER);
            long t = Long.parseLong(signature.substring(2, signature.indexOf(',')));

            assertFalse(verify(otherSecret, signature, genuine.body(), 300), "another secret's check fails");
            assertFalse(verify(secret, signature, genuine.body().replace("1 ETH", "9 ETH"), 300), "a changed body");
            String forged = "t=" + (t + 60) + signature.substring(signature.indexOf(','));
            assertFalse(verify(secret, forged, genuine.body(), 300), "a changed timestamp (a replay made to look new)");
            String guessed = "t=" + t + ",v1=" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest((t + "." + genuine.body()).getBytes(StandardCharsets.UTF_8)));
            assertFalse(verify(secret, guessed, genuine.body(), 300), "a plain hash, without the secret");
            assertFalse(verify(secret, signature, genuine.body(), -1), "a stale one, once the receiver's window passed");
        }
    }

    @Test
    void slowReceiver_isCutOffAndRetried() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(() -> 200, 6000)) {
            String token = Wallet.apiToken(bob);
            long hookId = given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("url", receiver.url()))
                    .post("/api/account/webhooks").then().statusCode(201).extract().jsonPath().getLong("id");
            notify(bob.getAddress(), "slow", "Results posted");
            long started = System.nanoTime();
            assertEquals(1, sender.deliverDue());
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(tookMillis < 4500, "the sender waited " + tookMillis + " ms for a receiver that takes 6 s");
            JsonPath log = deliveries(token, hookId);
            assertEquals("PENDING", log.getString("[0].status"));
            assertNull(log.get("[0].responseStatus"));
            assertTrue(log.getString("[0].lastError").contains("did not answer within 2 s"), log.getString("[0].lastError"));
        }
    }

    @Test
    void abandonedLease_isTakenAgain() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(() -> 200, 0)) {
            String token = Wallet.apiToken(bob);
            long hookId = given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("url", receiver.url()))
                    .post("/api/account/webhooks").then().statusCode(201).extract().jsonPath().getLong("id");
            notify(bob.getAddress(), "abandoned", "Challenge opened");
            // A sender leased it and died (its server stopped) before recording anything.
            QuarkusTransaction.requiringNew().run(() -> WebhookDelivery.update("status = ?1, leaseOwner = 'dead', "
                    + "attempts = 1, leaseExpiresAt = ?2 where webhookId = ?3", WebhookDelivery.Status.SENDING,
                    Instant.now().minusSeconds(1), hookId));
            assertEquals(1, sender.deliverDue());
            assertEquals(1, receiver.received.size());
            assertEquals("DELIVERED", deliveries(token, hookId).getString("[0].status"));
        }
    }

    @Test
    void webhookIntoThePrivateNetwork_isRefused() {
        String token = Wallet.apiToken(alice);
        for (String url : List.of("http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/hook",
                "http://192.168.0.10:8080/", "http://[::1]:5432/", "http://100.64.0.1/", "http://0.0.0.0:8080/",
                "http://[fd00::1]/", "http://[::ffff:10.0.0.1]/", "http://172.16.5.4/")) {
            given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("url", url))
                    .post("/api/account/webhooks").then().statusCode(400).body("code", equalTo("INVALID_WEBHOOK_URL"))
                    .body("message", containsString("private"));
        }
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("url", "ftp://example.org/x"))
                .post("/api/account/webhooks").then().statusCode(400).body("message", containsString("https://"));
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("url", "http://me:pw@127.0.0.1/"))
                .post("/api/account/webhooks").then().statusCode(400).body("message", containsString("password"));
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of())
                .post("/api/account/webhooks").then().statusCode(400).body("message", containsString("url is required"));
    }

    @Test
    void webhookWhoseAddressTurnedPrivate_isNotCalled() {
        String token = Wallet.apiToken(bob);
        // Stored as if its name had resolved to a public address when it was added (DNS can change later).
        long hookId = QuarkusTransaction.requiringNew().call(() -> {
            Webhook webhook = new Webhook();
            webhook.owner = bob.getAddress().toLowerCase();
            webhook.url = "http://10.255.255.1:9/hook";
            webhook.secret = "whsec_test";
            webhook.createdAt = Instant.now();
            webhook.persist();
            return webhook.id;
        });
        notify(bob.getAddress(), "turned-private", "Deadline in 2 h");
        long started = System.nanoTime();
        sender.deliverDue();
        assertTrue((System.nanoTime() - started) / 1_000_000 < 1500, "refused before any connection");
        assertTrue(deliveries(token, hookId).getString("[0].lastError").contains("private"));
    }

    @Test
    void anotherAccount_cannotSeeOrTouchYourNotificationsOrWebhooks() {
        String aliceToken = Wallet.apiToken(alice);
        String bobToken = Wallet.apiToken(bob);
        long hookId = given().auth().oauth2(aliceToken).contentType(ContentType.JSON)
                .body(Map.of("url", "http://127.0.0.1:9/private")).post("/api/account/webhooks").then().statusCode(201)
                .extract().jsonPath().getLong("id");
        notify(alice.getAddress(), "private-1", "Alice's own news");
        long notificationId = given().auth().oauth2(aliceToken).get("/api/account/notifications").then().statusCode(200)
                .extract().jsonPath().<Integer>getList("items.id").get(0);

        List<String> bobsTitles = given().auth().oauth2(bobToken).get("/api/account/notifications").then()
                .statusCode(200).extract().jsonPath().getList("items.title");
        assertFalse(bobsTitles.contains("Alice's own news"));
        List<String> bobsHooks = given().auth().oauth2(bobToken).get("/api/account/webhooks").then().statusCode(200)
                .extract().jsonPath().getList("url");
        assertFalse(bobsHooks.contains("http://127.0.0.1:9/private"));
        given().auth().oauth2(bobToken).get("/api/account/webhooks/" + hookId + "/deliveries").then().statusCode(404)
                .body("code", equalTo("WEBHOOK_NOT_FOUND"));
        given().auth().oauth2(bobToken).delete("/api/account/webhooks/" + hookId).then().statusCode(404);
        given().auth().oauth2(bobToken).post("/api/account/notifications/" + notificationId + "/read").then()
                .statusCode(404).body("code", equalTo("NOTIFICATION_NOT_FOUND"));
        given().auth().oauth2(bobToken).post("/api/account/notifications/read").then().statusCode(200);

        given().get("/api/account/notifications").then().statusCode(401);
        given().get("/api/account/webhooks").then().statusCode(401);
        given().contentType(ContentType.JSON).body(Map.of("url", "http://127.0.0.1:9/x")).post("/api/account/webhooks")
                .then().statusCode(401);

        JsonPath mine = given().auth().oauth2(aliceToken).get("/api/account/notifications").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(false, mine.getBoolean("items.find { it.id == " + notificationId + " }.read"),
                "Bob's clicks changed nothing of Alice's");
        given().auth().oauth2(aliceToken).get("/api/account/webhooks/" + hookId + "/deliveries").then().statusCode(200);
        given().auth().oauth2(aliceToken).post("/api/account/notifications/" + notificationId + "/read").then()
                .statusCode(204);
        assertEquals(true, given().auth().oauth2(aliceToken).get("/api/account/notifications").then().extract()
                .jsonPath().getBoolean("items.find { it.id == " + notificationId + " }.read"));
        given().auth().oauth2(aliceToken).delete("/api/account/webhooks/" + hookId).then().statusCode(204);
        given().auth().oauth2(aliceToken).get("/api/account/webhooks/" + hookId + "/deliveries").then().statusCode(404);
    }

    private void notify(String recipient, String key, String title) {
        QuarkusTransaction.requiringNew().run(() -> notifications.notify(recipient.toLowerCase(), Kind.SCORED, null,
                title, title + ".", "/account", key));
    }

    private static JsonPath deliveries(String token, long hookId) {
        return given().auth().oauth2(token).get("/api/account/webhooks/" + hookId + "/deliveries").then()
                .statusCode(200).extract().jsonPath();
    }

    /** What a receiver does: recompute HMAC-SHA256(secret, t + "." + body), compare in constant time, check t's age. */
    static boolean verify(String secret, String header, String body, long maxAgeSeconds) {
        if (header == null || !header.startsWith("t=") || !header.contains(",v1=")) {
            return false;
        }
        long t = Long.parseLong(header.substring(2, header.indexOf(',')));
        byte[] sent = HexFormat.of().parseHex(header.substring(header.indexOf(",v1=") + 4));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] expected = mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(expected, sent) && Math.abs(Instant.now().getEpochSecond() - t) <= maxAgeSeconds;
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
