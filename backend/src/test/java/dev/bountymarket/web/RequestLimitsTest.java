package dev.bountymarket.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.bountymarket.bounty.Bounty;
import dev.bountymarket.bounty.BountyStatus;
import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.storage.StorageConfig;
import dev.bountymarket.testing.Drafts;
import dev.bountymarket.testing.RawHttp;
import dev.bountymarket.testing.TestChain;
import dev.bountymarket.testing.TestDatabase;
import dev.bountymarket.testing.Wallet;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;

/**
 * What a request from a stranger can cost: no body is read before its sender is known, a JSON body is small, and a
 * bad parameter is the sender's error (4xx with {code, message}), never the server's.
 */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestChain.class)
class RequestLimitsTest {

    private static final long TWO_HUNDRED_MIB = 200L * 1024 * 1024;
    private static final Map<String, String> MULTIPART = Map.of("Content-Type", "multipart/form-data; boundary=xyz");

    @ConfigProperty(name = "quarkus.http.body.uploads-directory")
    String uploadsDirectory;

    @Inject
    StorageConfig storage;

    @Test
    void anonymousUpload_isRefusedBeforeItsBodyIsRead() throws IOException {
        for (String path : List.of("/api/drafts", "/api/bounties/1/submissions")) {
            List<Path> before = uploads();
            // 200 MiB announced, 64 KiB sent: the answer must come without the rest.
            RawHttp.Answer answer = RawHttp.post(RestAssured.port, path, MULTIPART, TWO_HUNDRED_MIB, new byte[64 * 1024],
                    5000);

            assertEquals(401, answer.status(), path + ": " + answer.body());
            JsonPath body = JsonPath.from(answer.body());
            assertEquals("NOT_SIGNED_IN", body.getString("code"));
            assertTrue(answer.millis() < 5000, answer.millis() + " ms");
            assertEquals(before, uploads(), path + ": nothing spooled to " + uploadsDirectory);
        }
    }

    @Test
    void uploadWithAForgedSessionCookie_isRefusedBeforeItsBodyIsRead() throws IOException {
        RawHttp.Answer answer = RawHttp.post(RestAssured.port, "/api/drafts",
                Map.of("Content-Type", "multipart/form-data; boundary=xyz", "Cookie", "bm_session=forged"),
                TWO_HUNDRED_MIB, new byte[64 * 1024], 5000);

        assertEquals(401, answer.status(), answer.body());
    }

    @Test
    void signedInUpload_largerThanItsLimit_is413BeforeItsBodyIsRead() throws IOException {
        String token = Wallet.apiToken(DevAccounts.account(7));
        RawHttp.Answer answer = RawHttp.post(RestAssured.port, "/api/bounties/1/submissions",
                Map.of("Content-Type", "multipart/form-data; boundary=xyz", "Authorization", "Bearer " + token),
                TWO_HUNDRED_MIB, new byte[64 * 1024], 5000);

        assertEquals(413, answer.status(), answer.body());
        JsonPath body = JsonPath.from(answer.body());
        assertEquals("TOO_LARGE", body.getString("code"));
        assertTrue(body.getString("message").contains(Long.toString(storage.maxModelBytes())), body.getString("message"));
    }

    @Test
    void jsonBody_over1MiB_is413Json() throws IOException {
        byte[] big = ("{\"address\":\"" + "a".repeat(2 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);

        given().contentType(ContentType.JSON).body(big).post("/api/auth/message").then().statusCode(413)
                .contentType(ContentType.JSON).body("code", equalTo("TOO_LARGE"))
                .body("message", containsString("1048576"));
        // The same without a Content-Length: counted as it arrives.
        RawHttp.Answer chunked = RawHttp.post(RestAssured.port, "/api/auth/message",
                Map.of("Content-Type", "application/json"), -1, big, 5000);
        assertEquals(413, chunked.status(), chunked.body());
        assertEquals("TOO_LARGE", JsonPath.from(chunked.body()).getString("code"));
    }

    @Test
    void smallChunkedJsonBody_isRead() throws IOException {
        RawHttp.Answer answer = RawHttp.post(RestAssured.port, "/api/auth/message", Map.of("Content-Type",
                "application/json"), -1, ("{\"address\":\"" + DevAccounts.account(1).getAddress() + "\"}")
                        .getBytes(StandardCharsets.UTF_8), 5000);

        assertEquals(200, answer.status(), answer.body());
        assertTrue(answer.body().contains("wants you to sign in"), answer.body());
    }

    @Test
    void hugePage_is400NotA500() {
        given().get("/api/bounties?page=21474837&size=100").then().statusCode(400).contentType(ContentType.JSON)
                .body("code", equalTo("INVALID_REQUEST")).body("message", containsString("page"));
        long bounty = bounty("a board", "open");
        given().get("/api/bounties/" + bounty + "/leaderboard?board=private&page=21474837&size=100").then()
                .statusCode(400).body("code", equalTo("INVALID_REQUEST"));
        given().get("/api/bounties/" + bounty + "/leaderboard?board=public&page=21474837&size=100").then()
                .statusCode(400).body("code", equalTo("INVALID_REQUEST"));
    }

    @Test
    void pageThatIsNotANumber_is400() {
        given().get("/api/bounties?page=abc").then().statusCode(400).contentType(ContentType.JSON)
                .body("code", equalTo("INVALID_REQUEST")).body("message", containsString("page"));
        given().accept("text/html").get("/?page=abc").then().statusCode(400).contentType(containsString("text/html"));
    }

    @Test
    void nulInSearch_is400() {
        given().urlEncodingEnabled(false).get("/api/bounties?q=%00").then().statusCode(400).contentType(ContentType.JSON)
                .body("code", equalTo("INVALID_REQUEST"));
        given().urlEncodingEnabled(false).accept("text/html").get("/?q=%00").then().statusCode(400);
    }

    @Test
    void underscoreAndPercentInSearch_areLiteral() {
        bounty("rate 100% sure", "open");
        bounty("rate 1000 sure", "open");
        bounty("snake_case model", "open");
        bounty("snakeXcase model", "open");

        given().get("/api/bounties?q=snake_case").then().statusCode(200).body("items", hasSize(1))
                .body("items[0].title", equalTo("snake_case model"));
        given().urlEncodingEnabled(false).get("/api/bounties?q=100%25").then().statusCode(200).body("items", hasSize(1))
                .body("items[0].title", equalTo("rate 100% sure"));
    }

    @Test
    void malformedRevertReason_is4xxJson() {
        // SubmissionsClosed(uint256,uint64) with one argument word instead of two.
        String selector = org.web3j.crypto.Hash.sha3String("SubmissionsClosed(uint256,uint64)").substring(0, 10);
        given().contentType(ContentType.JSON).body(Map.of("data", selector + "00".repeat(32)))
                .post("/api/chain/revert-reason").then().statusCode(404).body("code", notNullValue())
                .body("message", notNullValue());
        given().contentType(ContentType.JSON).body("{\"data\": ").post("/api/chain/revert-reason").then()
                .statusCode(400).contentType(ContentType.JSON).body("code", equalTo("INVALID_REQUEST"))
                .body("message", containsString("JSON"));
        given().contentType(ContentType.JSON).body("{\"data\": {\"nested\": []}}").post("/api/chain/revert-reason")
                .then().statusCode(400).body("code", equalTo("INVALID_REQUEST"));
    }

    @Test
    void truncatedMultipartBody_is400Json() throws IOException {
        String token = Wallet.apiToken(DevAccounts.account(1));
        byte[] cut = ("--xyz\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\ncut short\r\n"
                + "--xyz\r\nContent-Disposition: form-data; name=\"testSet\"; filename=\"t.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\nf00,label\n1,0\n").getBytes(StandardCharsets.UTF_8);
        RawHttp.Answer answer = RawHttp.post(RestAssured.port, "/api/drafts",
                Map.of("Content-Type", "multipart/form-data; boundary=xyz", "Authorization", "Bearer " + token),
                cut.length, cut, 5000);

        assertTrue(answer.status() >= 400 && answer.status() < 500, answer.status() + " " + answer.body());
        JsonPath body = JsonPath.from(answer.body());
        assertEquals("INVALID_REQUEST", body.getString("code"), answer.body());
        assertTrue(body.getString("message") != null && !body.getString("message").isBlank(), answer.body());
    }

    /** A bounty row in the given state with a far-off deadline. */
    static long bounty(String title, String state) {
        long id = Drafts.bounty("0x" + "00".repeat(20), DevAccounts.account(1), new byte[32], title);
        QuarkusTransaction.requiringNew().run(() -> {
            Bounty b = Bounty.findById(id);
            b.status = BountyStatus.valueOf(state.toUpperCase(java.util.Locale.ROOT));
            b.onchainId = java.math.BigInteger.valueOf(1_000_000 + id);
            b.submissionDeadline = java.time.Instant.now().plus(java.time.Duration.ofDays(3650));
            b.evaluationDeadline = b.submissionDeadline.plus(java.time.Duration.ofDays(1));
        });
        return id;
    }

    private List<Path> uploads() throws IOException {
        Path dir = Path.of(uploadsDirectory);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }
}
