package dev.bountymarket.live;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

import dev.bountymarket.bounty.Bounty;
import dev.bountymarket.chain.ChainConfig;
import dev.bountymarket.chain.ChainEvent;
import dev.bountymarket.chain.ChainIndexer;
import dev.bountymarket.chain.ContractRegistry;
import dev.bountymarket.contracts.BountyMarket;
import dev.bountymarket.evaluation.EvaluationJob;
import dev.bountymarket.evaluation.EvaluationQueue;
import dev.bountymarket.evaluation.EvaluationRunner;
import dev.bountymarket.evaluator.EvaluationRequest;
import dev.bountymarket.evaluator.dataset.Batch;
import dev.bountymarket.evaluator.dataset.BatchSource;
import dev.bountymarket.evaluator.dataset.LiveSplit;
import dev.bountymarket.evaluator.dataset.TestSets;
import dev.bountymarket.evaluator.examples.MemorisingModels;
import dev.bountymarket.evaluator.report.Report;
import dev.bountymarket.evaluator.sandbox.SandboxedEvaluator;
import dev.bountymarket.evaluator.spec.BountySpec;
import dev.bountymarket.keeper.Keeper;
import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.testing.ChainDriver;
import dev.bountymarket.testing.MlFixtures;
import dev.bountymarket.testing.TestChain;
import dev.bountymarket.testing.TestDatabase;
import dev.bountymarket.testing.Wallet;

/**
 * The live leaderboard as a cheater meets it, through the REST API and a real chain: a model that learnt the public
 * sample by heart scores 1.0 on it, yet the live board ranks it below an honest model, because it scores a hidden part of
 * the test set; the results rank the rest of the test set, disjoint from the live part, and anyone re-computes both from
 * the revealed test set and salt; each contributor gets the bounty's daily number of live scorings and no more.
 */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestChain.class)
class LiveBoardTest {

    private static final int SCORINGS_PER_DAY = 2;

    private final Credentials sponsor = DevAccounts.account(1);
    private final Credentials arbiter = DevAccounts.account(3);
    private final Credentials alice = DevAccounts.account(4);
    private final Credentials mallory = DevAccounts.account(5);

    @Inject
    ChainIndexer indexer;

    @Inject
    Keeper keeper;

    @Inject
    EvaluationRunner runner;

    @Inject
    EvaluationQueue queue;

    @Inject
    SandboxedEvaluator evaluator;

    @Inject
    ContractRegistry registry;

    @Inject
    ChainConfig config;

    @TempDir
    Path dir;

    ChainDriver chain;
    MlFixtures files;

    @BeforeEach
    void setUp() {
        chain = new ChainDriver(config.rpcUrl());
        files = MlFixtures.write(dir);
        indexer.catchUp();
    }

    @AfterEach
    void tearDown() {
        chain.close();
    }

    @Test
    void aMemorisingModelDoesNotTopTheLiveBoardAndTheResultsRankTheDisjointRest() throws Exception {
        String sponsorToken = Wallet.apiToken(sponsor);
        String aliceToken = Wallet.apiToken(alice);
        String malloryToken = Wallet.apiToken(mallory);
        String spec = files.spec().replaceFirst("\\{", "{\"liveBoard\": {\"sharePercent\": 20, \"scoringsPerDay\": "
                + SCORINGS_PER_DAY + "},");
        BountySpec parsed = BountySpec.parse(spec);

        long id = given().auth().oauth2(sponsorToken)
                .multiPart("title", "Churn, live board").multiPart("spec", spec)
                .multiPart("publicSample", files.publicSample().toFile())
                .multiPart("testSet", files.testSet().toFile())
                .post("/api/drafts").then().statusCode(201).extract().jsonPath().getLong("id");
        long now = chain.latestTimestamp();
        JsonPath create = given().auth().oauth2(sponsorToken).contentType(ContentType.JSON).body(Map.of(
                "token", "ETH", "amount", BigInteger.TEN.pow(18).toString(), "threshold", 600_000,
                "submissionDeadline", now + 3600, "evaluationDeadline", now + 4 * 3600, "challengeWindowSeconds", 3600,
                "arbiter", arbiter.getAddress(), "maxSubmissionsPerContributor", 5,
                "challengeBond", BigInteger.TEN.pow(16).toString()))
                .post("/api/bounties/" + id + "/transactions/create").then().statusCode(200).extract().jsonPath();
        Wallet.send(chain.web3j, sponsor, create);
        indexer.catchUp();
        BigInteger onchainId = new BigInteger(given().get("/api/bounties/" + id).then().extract().<String>path("onchainId"));

        // Mallory's model learnt the published sample by heart: a perfect check, which only she sees.
        Path cheat = Files.write(dir.resolve("memorised.onnx"), MemorisingModels.memorising(parsed, files.publicSample()));
        JsonPath cheatUpload = upload(id, malloryToken, cheat);
        assertEquals(1_000_000L, cheatUpload.getLong("publicScore"), "perfect on the sample it memorised");
        long cheatId = cheatUpload.getLong("id");
        JsonPath honestUpload = upload(id, aliceToken, files.goodModel());
        long honestId = honestUpload.getLong("id");
        assertTrue(honestUpload.getLong("publicScore") < 1_000_000L, "the honest model is not perfect on the sample");
        commit(honestId, alice, aliceToken);
        commit(cheatId, mallory, malloryToken);
        while (runner.workOnce("test-worker")) {
            // the live scorings
        }

        // The live board ranks the hidden live part: the honest model leads, the memorised one scores chance.
        JsonPath board = given().get("/api/bounties/" + id + "/leaderboard").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of((int) honestId, (int) cheatId), board.getList("items.submissionId"));
        assertEquals(500_000, board.getInt("items[1].score"), "the memorised model knows nothing of the hidden rows");
        assertTrue(board.getInt("items[0].score") > 800_000, board.prettify());
        // Its check stays Mallory's: not on the board, not in what others see of it.
        given().get("/api/submissions/" + cheatId).then().statusCode(200).body("publicScore", nullValue())
                .body("liveScore", equalTo(500_000));
        given().auth().oauth2(malloryToken).get("/api/submissions/" + cheatId).then().statusCode(200)
                .body("publicScore", equalTo(1_000_000));
        given().auth().oauth2(aliceToken).get("/api/submissions/" + cheatId + "/report?kind=public").then()
                .statusCode(403);
        String page = given().accept("text/html").get("/bounties/" + id).then().statusCode(200).extract().asString();
        assertTrue(page.contains("Live leaderboard") && page.contains("Live scorings per contributor: " + SCORINGS_PER_DAY + " a day"), page);

        // The daily limit: Mallory's second commit today is her last one; the third is refused, saying until when.
        Path secondCheat = memorisedHalf(parsed, "second.onnx", 150);
        Path thirdCheat = memorisedHalf(parsed, "third.onnx", 100);
        long second = upload(id, malloryToken, secondCheat).getLong("id");
        commit(second, mallory, malloryToken);
        long third = upload(id, malloryToken, thirdCheat).getLong("id");
        LocalDate today = QuarkusTransaction.requiringNew().call(() -> queue.today());
        given().auth().oauth2(malloryToken).post("/api/submissions/" + third + "/transactions/submit").then()
                .statusCode(429).body("code", equalTo("LIVE_SCORING_LIMIT"))
                .body("message", containsString("today's " + SCORINGS_PER_DAY + " live-board scorings"))
                .body("message", containsString(today.plusDays(1) + " 00:00 UTC"));
        String submitPage = given().auth().oauth2(malloryToken).accept("text/html").get("/bounties/" + id + "/submit")
                .then().statusCode(200).extract().asString();
        assertTrue(submitPage.contains("0 of your " + SCORINGS_PER_DAY + " live scorings for today (UTC) left; you can"
                + " commit again from " + today.plusDays(1)), submitPage);
        // Sent to the contract directly, the commitment is taken (the chain knows no days), but its live scoring
        // waits for tomorrow.
        ChainDriver.send(chain.market(registry.current().address, mallory).submit(onchainId,
                Numeric.hexStringToByteArray(given().auth().oauth2(malloryToken).get("/api/submissions/" + third)
                        .then().extract().<String>path("commitment"))));
        indexer.catchUp();
        while (runner.workOnce("test-worker")) {
            // the second cheat's live scoring; not the third's
        }
        EvaluationJob deferred = QuarkusTransaction.requiringNew().call(() ->
                EvaluationJob.find(third, EvaluationJob.Kind.LIVE).orElseThrow());
        assertEquals(EvaluationJob.Status.QUEUED, deferred.status);
        assertEquals(today.plusDays(1), deferred.quotaDay);
        given().auth().oauth2(malloryToken).get("/api/submissions/" + third).then()
                .body("liveScoring.status", equalTo("QUEUED")).body("liveScoring.day", equalTo(today.plusDays(1).toString()));
        assertEquals(List.of((int) honestId, (int) cheatId, (int) second), given().get("/api/bounties/" + id
                + "/leaderboard").then().extract().jsonPath().getList("items.submissionId"));

        // After the deadline the results rank the private part; the keeper proposes and reveals.
        chain.travel(3601);
        keeper.round();
        while (runner.workOnce("test-worker")) {
            // the private evaluations
        }
        for (int i = 0; i < 4; i++) {
            keeper.round();
            indexer.catchUp();
        }
        assertEquals("PROPOSED", given().get("/api/bounties/" + id).then().extract().path("status"));
        String results = given().get("/api/bounties/" + id + "/results").then().statusCode(200).extract().asString();
        JsonPath document = new JsonPath(results);
        assertEquals(2, document.getInt("version"));
        assertEquals(LiveSplit.RULE, document.getString("split.rule"));
        assertEquals("private", document.getString("split.scoredPart"));
        assertEquals(20, document.getInt("split.liveSharePercent"));
        Bounty proposed = QuarkusTransaction.requiringNew().call(() -> Bounty.<Bounty>findById(id));
        assertEquals(proposed.testSetCommitment, document.getString("split.testSetCommitment"));
        assertEquals(proposed.reportHash, Numeric.toHexString(Hash.sha3(results.getBytes(StandardCharsets.UTF_8))));
        assertEquals(alice.getAddress().toLowerCase(), document.getString("entries[0].contributor"));

        // After the reveal anyone re-computes the split from the chain's salt, and both scores from the test set.
        assertTrue(proposed.testSetRevealed || revealed(id), "the keeper revealed the test set");
        byte[] salt = QuarkusTransaction.requiringNew().call(() -> ChainEvent.ofBounty(proposed.contract, onchainId)
                .stream().filter(e -> e.name.equals("TestSetRevealed")).findFirst()
                .map(e -> BountyMarket.getTestSetRevealedEventFromLog(e.toLog()).salt).orElseThrow());
        Path testSet = Files.write(dir.resolve("revealed.csv"), given().get("/api/bounties/" + id + "/test-set").then()
                .statusCode(200).extract().asByteArray());
        BountySpec published = BountySpec.parse(given().get("/api/bounties/" + id + "/spec").then().extract().asString());
        LiveSplit split = new LiveSplit(salt, published.liveBoard().sharePercent());
        long rows = 0;
        long live = 0;
        try (BatchSource source = TestSets.open(testSet, published)) {
            Batch batch = new Batch(1024, published.input().rowWidth(), true);
            while (source.fill(batch)) {
                for (int i = 0; i < batch.size(); i++) {
                    live += split.isLive(batch.firstRow() + i) ? 1 : 0;
                }
                rows += batch.size();
            }
        }
        String privateReport = given().get("/api/submissions/" + honestId + "/report?kind=private").then().statusCode(200)
                .extract().asString();
        var recomputed = evaluator.evaluate(new EvaluationRequest(published, files.goodModel(), testSet)
                .part(salt, LiveSplit.Part.PRIVATE)).orThrow();
        assertEquals(privateReport, recomputed.report().canonicalJson(), "anyone re-computes the private report");
        assertEquals(document.getString("entries[0].reportHash"), recomputed.reportHash());
        assertEquals(rows - live, recomputed.report().rows(), "the results scored exactly the private rows");
        EvaluationJob liveJob = QuarkusTransaction.requiringNew().call(() ->
                EvaluationJob.find(honestId, EvaluationJob.Kind.LIVE).orElseThrow());
        Report liveReport = Report.parse(liveJob.reportJson);
        assertEquals(live, liveReport.rows(), "the live board scored exactly the live rows: the parts are disjoint");
        assertEquals(liveJob.reportJson, evaluator.evaluate(new EvaluationRequest(published, files.goodModel(), testSet)
                .part(salt, LiveSplit.Part.LIVE)).orThrow().report().canonicalJson(), "and anyone re-computes it");
        assertTrue(live > 0 && live < rows);
    }

    @Test
    void aTestSetWhosePartsCannotBothHaveRowsIsRefusedAtDraft() throws Exception {
        Path tiny = dir.resolve("tiny.csv");
        Files.write(tiny, Files.readAllLines(files.testSet()).subList(0, 2)); // a header and one row
        given().auth().oauth2(Wallet.apiToken(sponsor))
                .multiPart("title", "Too small").multiPart("spec", files.spec())
                .multiPart("publicSample", files.publicSample().toFile())
                .multiPart("testSet", tiny.toFile())
                .post("/api/drafts").then().statusCode(400)
                .body("message", containsString("all fell in one part"));
        given().auth().oauth2(Wallet.apiToken(sponsor))
                .multiPart("title", "Bad share").multiPart("spec", files.spec().replaceFirst("\\{",
                        "{\"liveBoard\": {\"sharePercent\": 90},"))
                .multiPart("publicSample", files.publicSample().toFile())
                .multiPart("testSet", files.testSet().toFile())
                .post("/api/drafts").then().statusCode(400)
                .body("message", containsString("spec.liveBoard.sharePercent 90 is outside 5 to 50"));
    }

    private boolean revealed(long id) {
        return QuarkusTransaction.requiringNew().call(() -> Bounty.<Bounty>findById(id)).testSetRevealed;
    }

    /** Another memorising model (its own bytes): it learnt only the sample's first {@code rows} rows. */
    private Path memorisedHalf(BountySpec spec, String name, int rows) throws Exception {
        Path part = Files.write(dir.resolve(name + ".csv"), Files.readAllLines(files.publicSample()).subList(0, rows + 1));
        return Files.write(dir.resolve(name), MemorisingModels.memorising(spec, part));
    }

    private static JsonPath upload(long bountyId, String token, Path model) {
        JsonPath uploaded = given().auth().oauth2(token).multiPart("model", model.toFile())
                .post("/api/bounties/" + bountyId + "/submissions").then().statusCode(201).extract().jsonPath();
        assertTrue(uploaded.getBoolean("validation.ok"), () -> "validation: " + uploaded.prettify());
        assertNotNull(uploaded.get("publicScore"));
        return uploaded;
    }

    private void commit(long submissionId, Credentials who, String token) {
        JsonPath tx = given().auth().oauth2(token).post("/api/submissions/" + submissionId + "/transactions/submit")
                .then().statusCode(200).extract().jsonPath();
        Wallet.send(chain.web3j, who, tx);
        indexer.catchUp();
    }
}
