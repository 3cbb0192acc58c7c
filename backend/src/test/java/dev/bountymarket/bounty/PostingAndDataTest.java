package dev.bountymarket.bounty;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.aMapWithSize;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;

import dev.bountymarket.chain.ChainConfig;
import dev.bountymarket.chain.ChainIndexer;
import dev.bountymarket.evaluator.dataset.SamplePreview;
import dev.bountymarket.evaluator.spec.BountySpec;
import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.testing.ChainDriver;
import dev.bountymarket.testing.Drafts;
import dev.bountymarket.testing.MlFixtures;
import dev.bountymarket.testing.TestChain;
import dev.bountymarket.testing.TestDatabase;
import dev.bountymarket.testing.Wallet;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * Posting a bounty without expert knowledge, and the data a contributor sees first: every wrong term named at once
 * beside its field, drafts resumed or deleted, a file error naming the sponsor's own file, the public sample's preview
 * and the model requirements on the bounty page, and an upload committed (or deleted) later from its own page.
 */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestChain.class)
class PostingAndDataTest {

    private final Credentials sponsor = DevAccounts.account(1);
    private final Credentials stranger = DevAccounts.account(5);
    private final Credentials contributor = DevAccounts.account(6);

    @Inject
    ChainConfig chainConfig;

    @Inject
    ChainIndexer indexer;

    @TempDir
    Path dir;

    MlFixtures files;
    String sponsorToken;

    @BeforeEach
    void setUp() {
        files = MlFixtures.write(dir);
        sponsorToken = Wallet.apiToken(sponsor);
        indexer.catchUp();
    }

    private long draft(String title) {
        return given().auth().oauth2(sponsorToken).multiPart("title", title).multiPart("spec", files.spec())
                .multiPart("publicSample", files.publicSample().toFile()).multiPart("testSet", files.testSet().toFile())
                .post("/api/drafts").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    @Test
    void terms_everyWrongOneIsNamedAtOnce_eachUnderItsOwnField() {
        long id = draft("Terms all wrong");
        Map<String, Object> terms = new HashMap<>();
        terms.put("token", "not-a-token");
        terms.put("amount", "-5");
        terms.put("shares", List.of(5000));
        terms.put("submissionDeadline", 1L);
        terms.put("evaluationDeadline", 0L);
        terms.put("challengeWindowSeconds", 60);
        terms.put("arbiter", "nobody");
        terms.put("maxSubmissionsPerContributor", 0);
        terms.put("challengeBond", "a lot");
        terms.put("revealPolicy", "secret");

        JsonPath answer = given().auth().oauth2(sponsorToken).contentType(ContentType.JSON).body(terms)
                .post("/api/bounties/" + id + "/transactions/create").then().statusCode(400)
                .body("code", equalTo("INVALID_REQUEST"))
                .body("fields", aMapWithSize(10))
                .body("message", containsString("10 terms are wrong"))
                .extract().jsonPath();
        Map<String, String> fields = answer.getMap("fields");
        assertTrue(fields.get("token").contains("'not-a-token'"), fields.get("token"));
        assertTrue(fields.get("amount").contains("must be positive"), fields.get("amount"));
        assertTrue(fields.get("shares").contains("summing to 10000"), fields.get("shares"));
        assertTrue(fields.get("submissionDeadline").contains("has passed"), fields.get("submissionDeadline"));
        assertTrue(fields.get("evaluationDeadline").contains("after the submission deadline"));
        assertTrue(fields.get("challengeWindowSeconds").contains("between 1 hour and 30 days"));
        assertTrue(fields.get("arbiter").contains("'nobody'"), fields.get("arbiter"));
        assertTrue(fields.get("maxSubmissionsPerContributor").contains("between 1 and 65535"));
        assertTrue(fields.get("challengeBond").contains("'a lot'"), fields.get("challengeBond"));
        assertTrue(fields.get("revealPolicy").contains("'secret'"), fields.get("revealPolicy"));

        // one wrong term: one field, and the rest of the answer says so
        terms.clear();
        terms.put("amount", "1000");
        terms.put("submissionDeadline", Long.MAX_VALUE / 4);
        terms.put("evaluationDeadline", Long.MAX_VALUE / 2);
        terms.put("arbiter", DevAccounts.account(3).getAddress());
        terms.put("challengeBond", "0");
        given().auth().oauth2(sponsorToken).contentType(ContentType.JSON).body(terms)
                .post("/api/bounties/" + id + "/transactions/create").then().statusCode(400)
                .body("fields", aMapWithSize(1))
                .body("fields.challengeBond", containsString("must be positive"))
                .body("message", containsString("One term is wrong"));
    }

    @Test
    void draftFileError_namesTheSponsorsFile_underThatField() throws IOException {
        Path sample = dir.resolve("my-churn-sample.csv");
        List<String> lines = Files.readAllLines(files.publicSample());
        String[] fields = lines.get(3).split(",");
        fields[1] = "not-a-number"; // a feature column
        lines.set(3, String.join(",", fields));
        Files.write(sample, lines);
        given().auth().oauth2(sponsorToken).multiPart("title", "bad sample").multiPart("spec", files.spec())
                .multiPart("publicSample", sample.toFile()).multiPart("testSet", files.testSet().toFile())
                .post("/api/drafts").then().statusCode(400)
                .body("fields.publicSample", allOf(containsString("my-churn-sample.csv"), not(containsString("resteasy")),
                        not(containsString(".upload"))))
                .body("fields", not(hasKey("testSet")));
    }

    @Test
    void draft_isResumedFromItsPages_andDeletedOnlyByItsSponsor() {
        long id = draft("Resume me later");
        String strangerToken = Wallet.apiToken(stranger);

        given().auth().oauth2(sponsorToken).get("/account?show=unfinished").then().statusCode(200)
                .body(containsString("/bounties/new?draft=" + id)).body(containsString("Resume me later"));
        given().auth().oauth2(sponsorToken).get("/bounties/" + id).then().statusCode(200)
                .body(containsString("href=\"/bounties/new?draft=" + id + "\""));
        given().auth().oauth2(sponsorToken).get("/bounties/new?draft=" + id).then().statusCode(200)
                .body(containsString("Resuming draft #" + id)).body(containsString("data-draft-id=\"" + id + "\""));
        given().auth().oauth2(sponsorToken).get("/api/drafts/" + id).then().statusCode(200)
                .body("title", equalTo("Resume me later"));

        given().auth().oauth2(strangerToken).get("/bounties/new?draft=" + id).then().statusCode(404);
        given().auth().oauth2(strangerToken).delete("/api/drafts/" + id).then().statusCode(404)
                .body("message", equalTo("You have no draft " + id));

        given().auth().oauth2(sponsorToken).delete("/api/drafts/" + id).then().statusCode(204);
        given().auth().oauth2(sponsorToken).get("/account").then().statusCode(200)
                .body(not(containsString("Resume me later")));
        given().auth().oauth2(sponsorToken).get("/api/drafts/" + id).then().statusCode(404);
        // the row and its salt stay, in case the sponsor's createBounty transaction is mined after all
        assertTrue(QuarkusTransaction.requiringNew().call(() -> {
            Bounty b = Bounty.findById(id);
            return b.testSetSalt != null && b.deletedAt != null;
        }));
    }

    @Test
    void bountyPage_showsTheSamplePreviewAndTheModelRequirements() throws Exception {
        long id = draft("Churn with a preview");
        Drafts.fund(id, chainConfig.rpcUrl(), sponsor, sponsorToken);
        indexer.catchUp();

        // what the page must show, read from the sample independently
        List<String> lines = Files.readAllLines(files.publicSample());
        long rows = lines.size() - 1;
        String[] header = lines.get(0).split(",");
        long yes = lines.stream().skip(1).filter(l -> l.endsWith(",yes")).count();
        long no = lines.stream().skip(1).filter(l -> l.endsWith(",no")).count();
        assertEquals(rows, yes + no, "the fixture's labels are yes and no, last");

        String page = given().get("/bounties/" + id).then().statusCode(200).extract().asString();
        assertTrue(page.contains(rows + " rows · " + header.length + " columns"), "row and column counts");
        assertTrue(page.contains("<strong>no</strong>: " + no + " ("), "class balance of 'no'");
        assertTrue(page.contains("<strong>yes</strong>: " + yes + " ("), "class balance of 'yes'");
        assertTrue(page.contains(header[0] + "<br><span class=\"muted\">number</span>"), "an unused column");
        assertTrue(page.contains(header[1] + "<br><span class=\"muted\">number, feature</span>"), "a feature column");
        assertTrue(page.contains("label<br><span class=\"muted\">text, label</span>"), "the label column");
        assertTrue(page.contains("href=\"/api/bounties/" + id + "/public-sample\""), "the sample's download");
        assertTrue(page.contains("href=\"/api/bounties/" + id + "/spec\""), "the spec's download");
        assertFalse(page.contains("/api/bounties/" + id + "/test-set"), "no test set before the reveal");
        assertTrue(page.contains("float32 of shape <code>[N, " + (header.length - 2) + "]</code>"), page);
        assertTrue(page.contains("zipmap"), "the scikit-learn recipe");
        assertTrue(page.contains("torch.onnx.export"), "the PyTorch recipe");
        assertTrue(page.contains("ONNX Runtime 1."), "the evaluator's runtime, with its version");
        assertTrue(page.contains("scikit-learn.org/stable/modules/model_evaluation.html#roc-metrics"), "the metric");

        // the same preview, straight from the evaluator's reader
        SamplePreview preview = SamplePreview.of(files.publicSample(), "sample.csv", BountySpec.parse(files.spec()));
        assertEquals(rows, preview.rows());
        assertEquals(Files.size(files.publicSample()), preview.bytes());
        assertEquals(SamplePreview.FIRST_ROWS, preview.firstRows().size());
        assertEquals(List.of(lines.get(1).split(",")), preview.firstRows().get(0));
    }

    @Test
    void upload_committedLaterFromItsOwnPage_orDeleted() {
        long bounty = draft("Commit later");
        Drafts.fund(bounty, chainConfig.rpcUrl(), sponsor, sponsorToken);
        indexer.catchUp();
        String token = Wallet.apiToken(contributor);
        long upload = given().auth().oauth2(token).multiPart("model", files.goodModel().toFile())
                .post("/api/bounties/" + bounty + "/submissions").then().statusCode(201).extract().jsonPath()
                .getLong("id");

        given().auth().oauth2(token).get("/submissions/" + upload).then().statusCode(200)
                .body(containsString("data-commit-upload=\"" + upload + "\""));
        given().auth().oauth2(Wallet.apiToken(stranger)).get("/submissions/" + upload).then()
                .body(not(containsString("data-commit-upload")));
        given().auth().oauth2(token).get("/account?show=unfinished").then().statusCode(200)
                .body(containsString("data-submission=\"" + upload + "\""));

        // committed from its page: the same transaction the submit page sends
        JsonPath tx = given().auth().oauth2(token).post("/api/submissions/" + upload + "/transactions/submit").then()
                .statusCode(200).extract().jsonPath();
        try (ChainDriver chain = new ChainDriver(chainConfig.rpcUrl())) {
            assertTrue(Wallet.send(chain.web3j, contributor, tx).isStatusOK());
        }
        indexer.catchUp();
        given().auth().oauth2(token).get("/submissions/" + upload).then().statusCode(200)
                .body(not(containsString("data-commit-upload")));
        given().auth().oauth2(token).delete("/api/submissions/" + upload).then().statusCode(409)
                .body("message", containsString("committed on-chain"));

        long abandoned = given().auth().oauth2(token).multiPart("model", files.weakModel().toFile())
                .post("/api/bounties/" + bounty + "/submissions").then().statusCode(201).extract().jsonPath()
                .getLong("id");
        given().auth().oauth2(Wallet.apiToken(stranger)).delete("/api/submissions/" + abandoned).then()
                .statusCode(403);
        given().auth().oauth2(token).delete("/api/submissions/" + abandoned).then().statusCode(204);
        given().auth().oauth2(token).get("/account").then().statusCode(200)
                .body(not(containsString("data-submission=\"" + abandoned + "\"")))
                .body(containsString("data-submission=\"" + upload + "\""));
        given().auth().oauth2(token).get("/api/submissions/" + abandoned).then().statusCode(200)
                .body("chainIndex", nullValue());
    }
}
