package dev.bountymarket.bounty;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.submission.Submission;
import dev.bountymarket.testing.Drafts;
import dev.bountymarket.testing.TestChain;
import dev.bountymarket.testing.TestDatabase;
import dev.bountymarket.testing.Wallet;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Drafts are their sponsor's; a model's hash is its contributor's until submissions close (docs/protocol.md). */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestChain.class)
class PrivacyTest {

    private final Credentials sponsor = DevAccounts.account(1);
    private final Credentials contributor = DevAccounts.account(2);
    private final Credentials stranger = DevAccounts.account(5);

    @Test
    void draft_isNotFoundForAnyoneButItsSponsor() {
        long draft = Drafts.bounty("0x" + "00".repeat(20), sponsor, new byte[32], "secret draft");
        QuarkusTransaction.requiringNew().run(() -> ((Bounty) Bounty.findById(draft)).specJson = "{\"version\":1}");
        String strangerToken = Wallet.apiToken(stranger);
        String sponsorToken = Wallet.apiToken(sponsor);

        for (String path : new String[] {"", "/spec", "/public-sample", "/leaderboard", "/results"}) {
            given().get("/api/bounties/" + draft + path).then().statusCode(404)
                    .body("code", equalTo("BOUNTY_NOT_FOUND")).body("message", equalTo("There is no bounty " + draft));
            given().auth().oauth2(strangerToken).get("/api/bounties/" + draft + path).then().statusCode(404);
        }
        given().auth().oauth2(sponsorToken).get("/api/bounties/" + draft).then().statusCode(200)
                .body("title", equalTo("secret draft"));
        given().auth().oauth2(sponsorToken).get("/api/bounties/" + draft + "/spec").then().statusCode(200);
        given().accept("text/html").get("/bounties/" + draft).then().statusCode(404);
        given().accept("text/html").get("/bounties/" + draft + "/submit").then().statusCode(404);
    }

    @Test
    void modelHash_isTheContributorsAloneUntilSubmissionsClose() {
        long bounty = openBounty(Instant.now().plus(Duration.ofDays(3650)));
        byte[] sha = new byte[32];
        sha[0] = 0x42;
        long submission = committed(bounty, sha);
        String hash = ((Submission) QuarkusTransaction.requiringNew().call(() -> Submission.findById(submission))).modelSha256;
        String contributorToken = Wallet.apiToken(contributor);

        given().get("/api/submissions/" + submission).then().statusCode(200).body("modelSha256", nullValue());
        given().auth().oauth2(Wallet.apiToken(stranger)).get("/api/submissions/" + submission).then().statusCode(200)
                .body("modelSha256", nullValue());
        given().auth().oauth2(contributorToken).get("/api/submissions/" + submission).then().statusCode(200)
                .body("modelSha256", equalTo(hash));
        given().get("/api/bounties/" + bounty + "/leaderboard").then().statusCode(200)
                .body("items[0].submissionId", equalTo((int) submission)).body("items[0].modelSha256", nullValue());
        given().auth().oauth2(contributorToken).get("/api/bounties/" + bounty + "/leaderboard").then().statusCode(200)
                .body("items[0].modelSha256", equalTo(hash));
        // The check on the public sample is its contributor's alone.
        given().get("/api/submissions/" + submission + "/report?kind=public").then().statusCode(403)
                .body("code", equalTo("FORBIDDEN"));
        given().auth().oauth2(contributorToken).get("/api/submissions/" + submission + "/report?kind=public").then()
                .statusCode(200);

        // Once submissions close, anyone may check a model against its commitment.
        QuarkusTransaction.requiringNew().run(() -> ((Bounty) Bounty.findById(bounty)).submissionDeadline =
                Instant.ofEpochSecond(1_000_000));
        given().get("/api/submissions/" + submission).then().statusCode(200).body("modelSha256", equalTo(hash));
        given().get("/api/bounties/" + bounty + "/leaderboard").then().statusCode(200)
                .body("items[0].modelSha256", equalTo(hash));
        // The check on the public sample stays its contributor's: its answers are published, so it ranks nothing.
        given().get("/api/submissions/" + submission + "/report?kind=public").then().statusCode(403)
                .body("message", containsString("contributor alone"));
        given().get("/api/submissions/" + submission).then().statusCode(200).body("publicScore", nullValue())
                .body("liveScore", equalTo(880_000));
        given().auth().oauth2(contributorToken).get("/api/submissions/" + submission).then().statusCode(200)
                .body("publicScore", equalTo(900_000));
        given().get("/api/bounties/" + bounty + "/leaderboard").then().statusCode(200)
                .body("items[0].score", equalTo(880_000));
    }

    private long openBounty(Instant submissionDeadline) {
        long id = Drafts.bounty("0x" + "00".repeat(20), sponsor, new byte[32], "open bounty");
        QuarkusTransaction.requiringNew().run(() -> {
            Bounty b = Bounty.findById(id);
            b.status = BountyStatus.OPEN;
            b.onchainId = BigInteger.valueOf(2_000_000 + id);
            b.submissionDeadline = submissionDeadline;
            b.evaluationDeadline = submissionDeadline.plus(Duration.ofDays(1));
        });
        return id;
    }

    private long committed(long bounty, byte[] sha) {
        long id = Drafts.submission(bounty, contributor, sha);
        QuarkusTransaction.requiringNew().run(() -> {
            Submission s = Submission.findById(id);
            s.chainIndex = 0;
            s.committedAt = Instant.now();
            s.publicScore = 900_000L;
            s.liveScore = 880_000L;
            s.publicReport = "{\"modelSha256\":\"" + s.modelSha256 + "\"}";
        });
        return id;
    }
}
