package dev.bountymarket.lifecycle;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.utils.Numeric;

import dev.bountymarket.bounty.Bounty;
import dev.bountymarket.bounty.BountyStatus;
import dev.bountymarket.bounty.Payout;
import dev.bountymarket.chain.ChainConfig;
import dev.bountymarket.chain.ChainIndexer;
import dev.bountymarket.chain.ContractRegistry;
import dev.bountymarket.chain.DeploymentFile;
import dev.bountymarket.contracts.BountyMarket;
import dev.bountymarket.evaluation.EvaluationRunner;
import dev.bountymarket.evaluator.EvaluationRequest;
import dev.bountymarket.evaluator.sandbox.SandboxedEvaluator;
import dev.bountymarket.evaluator.spec.BountySpec;
import dev.bountymarket.keeper.Keeper;
import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.submission.Submission;
import dev.bountymarket.testing.ChainDriver;
import dev.bountymarket.testing.MlFixtures;
import dev.bountymarket.testing.ScriptDeployedChain;
import dev.bountymarket.testing.TestDatabase;
import dev.bountymarket.testing.Wallet;

/**
 * A bounty from draft to payout through the REST API and the chain: a sponsor and three models (good, weak, broken),
 * the deadline passing, the private evaluations, the results proposed, the test set revealed, the window closing and
 * the payout; balances checked to the wei and the database checked against the contract. The contract is deployed as
 * on a public network (the Foundry deploy script) and the server finds it through the recorded deployment file.
 */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(ScriptDeployedChain.class)
class MarketplaceLifecycleTest {

    private static final BigInteger REWARD = BigInteger.TEN.pow(18);
    private static final BigInteger BOND = BigInteger.TEN.pow(16);

    private final Credentials sponsor = DevAccounts.account(1);
    private final Credentials arbiter = DevAccounts.account(3);
    private final Credentials alice = DevAccounts.account(4);
    private final Credentials bob = DevAccounts.account(5);
    private final Credentials carol = DevAccounts.account(6);

    @Inject
    ChainIndexer indexer;

    @Inject
    Keeper keeper;

    @Inject
    EvaluationRunner runner;

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
    void bountyRunsFromDraftToPayout() throws Exception {
        DeploymentFile deployed = DeploymentFile.read(config.deploymentFile().orElseThrow());
        assertEquals(deployed.address(), registry.current().address, "the server uses the recorded deployment");
        assertEquals(deployed.blockNumber(), registry.current().blockNumber, "and indexes from its block");

        String sponsorToken = Wallet.apiToken(sponsor);
        String aliceToken = Wallet.apiToken(alice);
        String bobToken = Wallet.apiToken(bob);
        String carolToken = Wallet.apiToken(carol);

        // The sponsor drafts the bounty with its public sample and hidden test set, then funds it from the wallet.
        JsonPath draft = given().auth().oauth2(sponsorToken)
                .multiPart("title", "Churn prediction").multiPart("description", "Who leaves next month?")
                .multiPart("spec", files.spec())
                .multiPart("publicSample", files.publicSample().toFile())
                .multiPart("testSet", files.testSet().toFile())
                .multiPart("testSetSha256", sha256(files.testSet()))
                .post("/api/drafts").then().statusCode(201).extract().jsonPath();
        long id = draft.getLong("id");
        long now = chain.latestTimestamp();
        JsonPath create = given().auth().oauth2(sponsorToken).contentType(ContentType.JSON).body(Map.of(
                "token", "ETH", "amount", REWARD.toString(), "threshold", 800_000, "shares", List.of(7000, 3000),
                "submissionDeadline", now + 3600, "evaluationDeadline", now + 4 * 3600, "challengeWindowSeconds", 3600,
                "arbiter", arbiter.getAddress(), "maxSubmissionsPerContributor", 2, "challengeBond", BOND.toString()))
                .post("/api/bounties/" + id + "/transactions/create").then().statusCode(200).extract().jsonPath();
        assertEquals(REWARD.toString(), create.getString("value"));
        Wallet.send(chain.web3j, sponsor, create);
        indexer.catchUp();
        assertEquals("OPEN", given().get("/api/bounties/" + id).then().statusCode(200).extract().path("status"));

        // Alice's model is good, Carol's weak; both pass the check on the public sample and are committed.
        long aliceSubmission = uploadAndCommit(id, alice, aliceToken, files.goodModel());
        long carolSubmission = uploadAndCommit(id, carol, carolToken, files.weakModel());

        // Bob's model is broken: the upload says why, and the marketplace will not prepare its commitment...
        JsonPath broken = upload(id, bobToken, files.brokenModel()).statusCode(201).extract().jsonPath();
        assertFalse(broken.getBoolean("validation.ok"));
        assertEquals("MODEL_UNREADABLE", broken.getString("validation.code"));
        long bobSubmission = broken.getLong("id");
        given().auth().oauth2(bobToken).post("/api/submissions/" + bobSubmission + "/transactions/submit")
                .then().statusCode(409).body("code", org.hamcrest.Matchers.equalTo("NOT_NOW"));
        // ...so Bob commits it with his own wallet anyway; it is evaluated and fails for good, visibly.
        BigInteger onchainId = new BigInteger(given().get("/api/bounties/" + id).then().extract().<String>path("onchainId"));
        ChainDriver.send(chain.market(registry.current().address, bob).submit(onchainId,
                Numeric.hexStringToByteArray(broken.getString("commitment"))));
        indexer.catchUp();
        while (runner.workOnce("test-worker")) {
            // the public evaluation of Bob's model
        }
        assertEquals("MODEL_UNREADABLE", given().get("/api/submissions/" + bobSubmission).then().extract()
                .path("validation.code"));

        JsonPath board = given().get("/api/bounties/" + id + "/leaderboard").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of((int) aliceSubmission, (int) carolSubmission), board.getList("items.submissionId"));

        // The hidden test set is served to nobody before it is revealed: not the contributors, not a stranger.
        given().auth().oauth2(carolToken).get("/api/bounties/" + id + "/test-set").then().statusCode(403)
                .body("code", org.hamcrest.Matchers.equalTo("FORBIDDEN"));
        given().get("/api/bounties/" + id + "/test-set").then().statusCode(403);
        given().auth().oauth2(sponsorToken).get("/api/bounties/" + id + "/test-set").then().statusCode(403);

        // The deadline passes: the keeper queues the private evaluations and waits for them before proposing.
        chain.travel(3601);
        keeper.round();
        assertEquals(3, countPrivateJobs(id));
        assertTrue(keeperLedger(id).isEmpty(), "nothing proposed while evaluations are pending");
        while (runner.workOnce("test-worker")) {
            // the three private evaluations
        }
        keeper.round();
        keeper.round();
        indexer.catchUp();
        assertEquals("PROPOSED", given().get("/api/bounties/" + id).then().extract().path("status"));

        // The published results document is what the on-chain reportHash commits to.
        String results = given().get("/api/bounties/" + id + "/results").then().statusCode(200).extract().asString();
        Bounty proposed = bounty(id);
        assertEquals(proposed.reportHash, Numeric.toHexString(Hash.sha3(results.getBytes(StandardCharsets.UTF_8))));
        JsonPath resultsJson = new JsonPath(results);
        assertEquals(List.of(alice.getAddress(), carol.getAddress()), resultsJson.getList("entries.contributor"));
        assertEquals(List.of("MODEL_UNREADABLE"), resultsJson.getList("excluded.reason"));

        JsonPath privateBoard = given().get("/api/bounties/" + id + "/leaderboard?board=private").then().extract().jsonPath();
        assertEquals(List.of(true, false), privateBoard.getList("items.qualified"), "Carol's model is under the threshold");

        // The keeper reveals the test set; anyone can now download it and re-compute Alice's report.
        keeper.round();
        keeper.round();
        indexer.catchUp();
        byte[] testSet = given().get("/api/bounties/" + id + "/test-set").then().statusCode(200).extract().asByteArray();
        assertEquals(proposed.testSetSha256, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(testSet)));
        // A download that broke off resumes with a Range: the bytes asked for, decrypted from the chunks holding them.
        var part = given().header("Range", "bytes=10-29").get("/api/bounties/" + id + "/test-set").then().statusCode(206)
                .header("Content-Range", "bytes 10-29/" + testSet.length).extract();
        assertArrayEquals(Arrays.copyOfRange(testSet, 10, 30), part.asByteArray());
        byte[] tail = given().header("Range", "bytes=-5").get("/api/bounties/" + id + "/test-set").then().statusCode(206)
                .extract().asByteArray();
        assertArrayEquals(Arrays.copyOfRange(testSet, testSet.length - 5, testSet.length), tail);
        given().header("Range", "bytes=" + testSet.length + "-").get("/api/bounties/" + id + "/test-set").then()
                .statusCode(416).header("Content-Range", "bytes */" + testSet.length);
        String aliceReport = given().get("/api/submissions/" + aliceSubmission + "/report?kind=private").then()
                .statusCode(200).extract().asString();
        Path revealed = Files.write(dir.resolve("revealed.csv"), testSet);
        String spec = given().get("/api/bounties/" + id + "/spec").then().statusCode(200).extract().asString();
        // The results scored the test set's private part, chosen by the salt the reveal published (docs/protocol.md).
        byte[] salt = QuarkusTransaction.requiringNew().call(() -> dev.bountymarket.chain.ChainEvent.ofBounty(
                proposed.contract, onchainId).stream().filter(e -> e.name.equals("TestSetRevealed")).findFirst()
                .map(e -> BountyMarket.getTestSetRevealedEventFromLog(e.toLog()).salt).orElseThrow());
        var recomputed = evaluator.evaluate(new EvaluationRequest(BountySpec.parse(spec), files.goodModel(), revealed)
                .part(salt, dev.bountymarket.evaluator.dataset.LiveSplit.Part.PRIVATE)).orThrow();
        assertEquals(aliceReport, recomputed.report().canonicalJson(), "anyone re-computes the same report");
        assertEquals(resultsJson.getString("entries[0].reportHash"), recomputed.reportHash());

        // The window closes; the keeper pays out: Alice 70% less the fee, the unawarded 30% back to the sponsor.
        BigInteger aliceBefore = balance(alice);
        BigInteger sponsorBefore = balance(sponsor);
        chain.travel(3601);
        keeper.round();
        keeper.round();
        indexer.catchUp();
        assertEquals("FINALIZED", given().get("/api/bounties/" + id).then().extract().path("status"));
        BountyMarket market = chain.market(registry.current().address, alice);
        BigInteger feeBps = market.protocolFeeBps().send();
        BigInteger share = REWARD.multiply(BigInteger.valueOf(7000)).divide(BigInteger.valueOf(10_000));
        BigInteger prize = share.subtract(share.multiply(feeBps).divide(BigInteger.valueOf(10_000)));
        assertEquals(prize, balance(alice).subtract(aliceBefore), "Alice's prize, to the wei");
        assertEquals(REWARD.subtract(share), balance(sponsor).subtract(sponsorBefore), "the sponsor's refund, to the wei");

        // The database agrees with the contract.
        List<String> onChain = bountyInfoWords(onchainId);
        Bounty mirrored = bounty(id);
        assertEquals(BountyStatus.FINALIZED, mirrored.status);
        assertEquals(BigInteger.valueOf(6), Numeric.toBigInt(onChain.get(0)), "Finalized on-chain too");
        assertEquals(Numeric.toBigInt(onChain.get(17)).intValue(), mirrored.submissionCount);
        assertEquals(onChain.get(19), mirrored.reportHash);
        List<Payout> payouts = QuarkusTransaction.requiringNew().call(() -> Payout.ofBounty(id));
        assertEquals(prize, payouts.stream().filter(p -> p.kind.equals("Prize")).map(p -> p.amount)
                .reduce(BigInteger.ZERO, BigInteger::add));
        assertEquals(REWARD, payouts.stream().map(p -> p.amount).reduce(BigInteger.ZERO, BigInteger::add),
                "prize, fee and refund add up to the reward");

        // Alice's timeline ends with her payment; the winning model is published, the others are not.
        JsonPath aliceView = given().get("/api/submissions/" + aliceSubmission).then().extract().jsonPath();
        assertEquals(List.of("uploaded", "checked on the public sample", "committed", "live score", "evaluated",
                "private score", "paid"),
                aliceView.getList("timeline.step"));
        given().get("/api/submissions/" + aliceSubmission + "/model").then().statusCode(200);
        given().get("/api/submissions/" + carolSubmission + "/model").then().statusCode(403);
        JsonPath bobView = given().get("/api/submissions/" + bobSubmission).then().extract().jsonPath();
        assertEquals("FAILED", bobView.getString("privateEvaluation.status"));
        assertNotNull(bobView.getString("privateEvaluation.errorMessage"));
        List<Map<String, Object>> earnings = given().auth().oauth2(aliceToken).get("/api/me/earnings").then()
                .statusCode(200).extract().jsonPath().getList("payouts");
        assertEquals(List.of(prize.toString()), earnings.stream().filter(e -> ((Number) e.get("bountyId")).longValue() == id)
                .map(e -> e.get("amount")).toList(), "Alice's earnings list this prize");
    }

    private long uploadAndCommit(long bountyId, Credentials who, String token, Path model) {
        JsonPath uploaded = upload(bountyId, token, model).statusCode(201).extract().jsonPath();
        assertTrue(uploaded.getBoolean("validation.ok"), () -> "validation: " + uploaded.prettify());
        assertNotNull(uploaded.get("publicScore"));
        long id = uploaded.getLong("id");
        JsonPath tx = given().auth().oauth2(token).post("/api/submissions/" + id + "/transactions/submit")
                .then().statusCode(200).extract().jsonPath();
        Wallet.send(chain.web3j, who, tx);
        indexer.catchUp();
        assertEquals(uploaded.getString("commitment"),
                QuarkusTransaction.requiringNew().call(() -> Submission.<Submission>findById(id)).commitment);
        return id;
    }

    private static ValidatableResponse upload(long bountyId, String token, Path model) {
        return given().auth().oauth2(token).multiPart("model", model.toFile())
                .post("/api/bounties/" + bountyId + "/submissions").then();
    }

    /**
     * getBounty's BountyInfo as raw 32-byte words (all its fields are static): 0 status, 17 submissionCount,
     * 19 reportHash. Read raw because web3j 4.13 cannot decode this struct as a call result.
     */
    private List<String> bountyInfoWords(BigInteger onchainId) throws Exception {
        String data = chain.market(registry.current().address, alice).getBounty(onchainId).encodeFunctionCall();
        String result = chain.web3j.ethCall(org.web3j.protocol.core.methods.request.Transaction.createEthCallTransaction(
                alice.getAddress(), registry.current().address, data), DefaultBlockParameterName.LATEST).send().getValue();
        String hex = Numeric.cleanHexPrefix(result);
        return java.util.stream.IntStream.range(0, hex.length() / 64)
                .mapToObj(i -> "0x" + hex.substring(i * 64, i * 64 + 64)).toList();
    }

    private BigInteger balance(Credentials who) throws Exception {
        return chain.web3j.ethGetBalance(who.getAddress(), DefaultBlockParameterName.LATEST).send().getBalance();
    }

    private static long countPrivateJobs(long bountyId) {
        return QuarkusTransaction.requiringNew().call(() -> dev.bountymarket.evaluation.EvaluationJob.count(
                "kind = ?1 and submissionId in (select s.id from Submission s where s.bountyId = ?2)",
                dev.bountymarket.evaluation.EvaluationJob.Kind.PRIVATE, bountyId));
    }

    private static List<String> keeperLedger(long bountyId) {
        return QuarkusTransaction.requiringNew().call(() -> dev.bountymarket.keeper.KeeperTransaction.ofBounty(bountyId))
                .stream().map(tx -> tx.action + " " + tx.status).toList();
    }

    private static Bounty bounty(long id) {
        return QuarkusTransaction.requiringNew().call(() -> Bounty.<Bounty>findById(id));
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
