package dev.bountymarket.submission;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.crypto.StructuredDataEncoder;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.utils.Numeric;

import dev.bountymarket.chain.ChainConfig;
import dev.bountymarket.chain.ChainIndexer;
import dev.bountymarket.chain.ContractRegistry;
import dev.bountymarket.contracts.BountyMarket;
import dev.bountymarket.contracts.relay.RelayedSubmission;
import dev.bountymarket.evaluation.EvaluationRunner;
import dev.bountymarket.keeper.Keeper;
import dev.bountymarket.keeper.KeeperTransaction;
import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.testing.ChainDriver;
import dev.bountymarket.testing.MlFixtures;
import dev.bountymarket.testing.ScriptDeployedChain;
import dev.bountymarket.testing.TestDatabase;
import dev.bountymarket.testing.Wallet;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * A contributor whose account holds no ETH enters a bounty: uploads a model, signs the EIP-712 submission in the
 * "wallet", and the keeper (the market's relayer, named at deployment by the deploy script) posts it in a batch; the
 * proof checks on-chain; the model is scored, ranked with its proof and paid. Also what a hostile client tries: a
 * signature by someone else, a sequence number used twice, one above the limit.
 */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(ScriptDeployedChain.class)
// The keeper's rounds take one step of any bounty: the test that counts rounds runs first, before the others leave
// bounties with steps to take.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RelayedSubmissionTest {

    private static final BigInteger REWARD = BigInteger.TEN.pow(18);

    private final Credentials sponsor = DevAccounts.account(1);
    private final Credentials arbiter = DevAccounts.account(3);
    private final Credentials bob = DevAccounts.account(5);

    @Inject
    ChainIndexer indexer;

    @Inject
    Keeper keeper;

    @Inject
    EvaluationRunner runner;

    @Inject
    ContractRegistry registry;

    @Inject
    ChainConfig config;

    @Inject
    RelayConfig relayConfig;

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
    @Order(1)
    void zeroBalanceContributorSignsIsBatchedScoredAndPaid() throws Exception {
        Credentials zero = Credentials.create(Keys.createEcKeyPair());
        assertEquals(BigInteger.ZERO, balance(zero), "the contributor holds no ETH");
        String zeroToken = Wallet.apiToken(zero);
        String bobToken = Wallet.apiToken(bob);
        String sponsorToken = Wallet.apiToken(sponsor);

        long id = createBounty(sponsorToken);
        BigInteger onchainId = new BigInteger(given().get("/api/bounties/" + id).then().extract().<String>path("onchainId"));
        BountyMarket market = chain.market(registry.current().address, bob);

        long submission = upload(id, zeroToken, files.goodModel());
        JsonPath request = given().auth().oauth2(zeroToken).get("/api/submissions/" + submission + "/relay")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(0, request.getInt("sequence"));
        String typedData = request.getString("typedData");
        // What a wallet does with eth_signTypedData_v4: hash the typed data (EIP-712) and sign the digest.
        byte[] digest = new StructuredDataEncoder(typedData).hashStructuredData();
        String commitment = QuarkusTransaction.requiringNew().call(() -> Submission.<Submission>findById(submission))
                .commitment;
        assertArrayEquals(new RelayedSubmission(31337, registry.current().address, onchainId,
                Numeric.hexStringToByteArray(commitment), zero.getAddress(), 0, request.getLong("deadline")).digest(),
                digest, "the typed data hashes to the relayer's digest");

        // Someone else's signature of the same typed data is refused, saying whose it is.
        given().auth().oauth2(zeroToken).contentType(ContentType.JSON)
                .body(Map.of("sequence", 0, "deadline", request.getLong("deadline"), "signature", sign(digest, bob)))
                .post("/api/submissions/" + submission + "/relay").then().statusCode(400)
                .body("code", equalTo("INVALID_REQUEST")).body("message", containsString(bob.getAddress().toLowerCase()));
        // A sequence number at the limit (2) is refused before it is signed for nothing.
        given().auth().oauth2(zeroToken).contentType(ContentType.JSON)
                .body(Map.of("sequence", 2, "deadline", request.getLong("deadline"), "signature", sign(digest, zero)))
                .post("/api/submissions/" + submission + "/relay").then().statusCode(400)
                .body("message", containsString("numbered 0 to 1"));
        // Only its contributor may sign a model in.
        given().auth().oauth2(bobToken).get("/api/submissions/" + submission + "/relay").then().statusCode(403);

        JsonPath accepted = given().auth().oauth2(zeroToken).contentType(ContentType.JSON)
                .body(Map.of("sequence", 0, "deadline", request.getLong("deadline"), "signature", sign(digest, zero)))
                .post("/api/submissions/" + submission + "/relay").then().statusCode(200).extract().jsonPath();
        assertEquals("waiting", accepted.getString("state"));
        // Signing the same model again (a replay) is refused.
        given().auth().oauth2(zeroToken).contentType(ContentType.JSON)
                .body(Map.of("sequence", 1, "deadline", request.getLong("deadline"), "signature", sign(digest, zero)))
                .post("/api/submissions/" + submission + "/relay").then().statusCode(409);

        // Bob sends his weak model himself, beside it.
        long bobSubmission = upload(id, bobToken, files.weakModel());
        JsonPath tx = given().auth().oauth2(bobToken).post("/api/submissions/" + bobSubmission + "/transactions/submit")
                .then().statusCode(200).extract().jsonPath();
        Wallet.send(chain.web3j, bob, tx);
        indexer.catchUp();

        // The batch is due once the signed submission waited the batch interval: the keeper posts it.
        chain.travel(relayConfig.batchInterval().toSeconds() + 1);
        keeper.round();
        keeper.round();
        indexer.catchUp();
        assertTrue(keeperLedger(id).contains("POST_BATCH CONFIRMED"), () -> "ledger: " + keeperLedger(id));
        JsonPath status = given().get("/api/submissions/" + submission + "/relay/status").then().statusCode(200)
                .extract().jsonPath();
        assertEquals("posted", status.getString("state"));
        assertEquals(1, status.getInt("submissionIndex"), "after Bob's direct submission #0");

        // Anyone checks the proof against the root on-chain.
        JsonPath proof = given().get("/api/submissions/" + submission + "/proof").then().statusCode(200).extract().jsonPath();
        assertNull(proof.getString("modelSha256"), "the model hash stays hidden from others until submissions close");
        assertEquals(QuarkusTransaction.requiringNew().call(() -> Submission.<Submission>findById(submission)).modelSha256,
                given().auth().oauth2(zeroToken).get("/api/submissions/" + submission + "/proof").then().statusCode(200)
                        .extract().path("modelSha256"), "its contributor sees it");
        byte[] root = dev.bountymarket.contracts.relay.RelayTree.rootOf(
                RelayedSubmission.leaf(proof.getInt("leafIndex"), digest),
                proof.<String>getList("proof").stream().map(Numeric::hexStringToByteArray).toList());
        byte[] batchHash = org.web3j.crypto.Hash.sha3(Numeric.hexStringToByteArray(Numeric.toHexStringNoPrefixZeroPadded(
                new BigInteger(1, root), 64) + Numeric.toHexStringNoPrefixZeroPadded(
                BigInteger.valueOf(proof.getInt("batchLeafCount")), 64) + Numeric.toHexStringNoPrefixZeroPadded(
                BigInteger.valueOf(proof.getLong("batchPostedAt")), 64)));
        assertArrayEquals(market.getBatch(onchainId, BigInteger.valueOf(proof.getInt("batchFirstIndex"))).send(),
                batchHash, "the proof leads to the root the market stored for the batch");
        assertEquals(BigInteger.ZERO, balance(zero), "still no ETH: the keeper paid the gas");

        // Scored, ranked with its proof, paid.
        while (runner.workOnce("test-worker")) {
            // public checks
        }
        chain.travel(3601);
        keeper.round();
        while (runner.workOnce("test-worker")) {
            // private evaluations
        }
        keeper.round();
        keeper.round();
        indexer.catchUp();
        assertEquals("PROPOSED", given().get("/api/bounties/" + id).then().extract().path("status"));
        JsonPath results = new JsonPath(given().get("/api/bounties/" + id + "/results").then().statusCode(200).extract()
                .asString());
        assertEquals(zero.getAddress().toLowerCase(), results.getString("entries[0].contributor").toLowerCase());
        keeper.round();
        keeper.round();
        indexer.catchUp();
        chain.travel(3601);
        keeper.round();
        keeper.round();
        indexer.catchUp();
        assertEquals("FINALIZED", given().get("/api/bounties/" + id).then().extract().path("status"));
        BigInteger feeBps = market.protocolFeeBps().send();
        BigInteger share = REWARD.multiply(BigInteger.valueOf(7000)).divide(BigInteger.valueOf(10_000));
        BigInteger prize = share.subtract(share.multiply(feeBps).divide(BigInteger.valueOf(10_000)));
        assertEquals(prize, balance(zero), "the zero-balance contributor is paid its prize, to the wei");
    }

    @Test
    @Order(3)
    void aDirectCommitCountsTheModelsSignedForTheRelayer() throws Exception {
        // The limit is 2: with two models signed for the relayer, a direct commit of a third would push a signed one
        // over the limit on-chain (a relayed entry is paid only below the limit less the direct submissions).
        String bobToken = Wallet.apiToken(bob);
        long id = createBounty(Wallet.apiToken(sponsor));
        for (Path model : List.of(files.goodModel(), files.weakModel())) {
            long submission = upload(id, bobToken, model);
            JsonPath request = given().auth().oauth2(bobToken).get("/api/submissions/" + submission + "/relay")
                    .then().statusCode(200).extract().jsonPath();
            byte[] digest = new StructuredDataEncoder(request.getString("typedData")).hashStructuredData();
            given().auth().oauth2(bobToken).contentType(ContentType.JSON).body(Map.of("sequence",
                    request.getInt("sequence"), "deadline", request.getLong("deadline"), "signature", sign(digest, bob)))
                    .post("/api/submissions/" + submission + "/relay").then().statusCode(200);
        }
        long third = upload(id, bobToken, files.goodModel());
        given().auth().oauth2(bobToken).post("/api/submissions/" + third + "/transactions/submit").then().statusCode(409)
                .body("message", containsString("committed or signed 2 models"));
    }

    @Test
    @Order(2)
    void aSubmissionTheRelayerLeftOutIsOfferedOnItsPageToBeSentDirectly() throws Exception {
        String bobToken = Wallet.apiToken(bob);
        long id = createBounty(Wallet.apiToken(sponsor));
        long submission = upload(id, bobToken, files.weakModel());
        // Before signing, the page offers both ways in, the relayer's first.
        String unsigned = page(submission, bobToken);
        assertTrue(unsigned.indexOf("data-relay-sign=") >= 0
                && unsigned.indexOf("data-relay-sign=") < unsigned.indexOf("data-commit-upload="), unsigned);
        JsonPath request = given().auth().oauth2(bobToken).get("/api/submissions/" + submission + "/relay")
                .then().statusCode(200).extract().jsonPath();
        byte[] digest = new StructuredDataEncoder(request.getString("typedData")).hashStructuredData();
        given().auth().oauth2(bobToken).contentType(ContentType.JSON)
                .body(Map.of("sequence", 0, "deadline", request.getLong("deadline"), "signature", sign(digest, bob)))
                .post("/api/submissions/" + submission + "/relay").then().statusCode(200).body("state", equalTo("waiting"));

        // Signed and waiting for its batch: no direct send offered, which would enter the model twice.
        String waiting = page(submission, bobToken);
        assertTrue(waiting.contains("data-relay-waiting") && !waiting.contains("data-commit-upload="), waiting);

        // The relayer (the keeper, which does not run here) posts nothing for two batch intervals: left out.
        chain.travel(relayConfig.batchInterval().toSeconds() * 2 + 1);
        long until = System.currentTimeMillis() + 15_000;
        while (!given().get("/api/submissions/" + submission + "/relay/status").then().extract().jsonPath()
                .getBoolean("leftOut")) {
            assertTrue(System.currentTimeMillis() < until, "the server's chain clock never passed expectedBy");
            Thread.sleep(200);
        }
        String leftOut = page(submission, bobToken);
        assertTrue(leftOut.contains("data-relay-left-out") && leftOut.contains("The relayer has left it out")
                && leftOut.contains("data-commit-upload=\"" + submission + "\"")
                && leftOut.contains("Send it yourself: commit on-chain"), leftOut);

        // Sent directly, it leaves the relayer's queue: committed once, and no batch posts it again.
        JsonPath tx = given().auth().oauth2(bobToken).post("/api/submissions/" + submission + "/transactions/submit")
                .then().statusCode(200).extract().jsonPath();
        Wallet.send(chain.web3j, bob, tx);
        indexer.catchUp();
        given().get("/api/submissions/" + submission + "/relay/status").then().statusCode(200)
                .body("state", equalTo("direct")).body("submissionIndex", equalTo(0));
        keeper.round();
        keeper.round();
        assertTrue(keeperLedger(id).stream().noneMatch(step -> step.startsWith("POST_BATCH")), () -> "ledger: "
                + keeperLedger(id));
        String committed = page(submission, bobToken);
        assertTrue(!committed.contains("data-relay-state") && committed.contains("commit order 1 on this bounty"),
                committed);
    }

    /** The submission's page as its contributor sees it. */
    private static String page(long submission, String token) {
        return given().auth().oauth2(token).accept("text/html").get("/submissions/" + submission).then().statusCode(200)
                .extract().asString();
    }

    private long createBounty(String sponsorToken) throws Exception {
        JsonPath draft = given().auth().oauth2(sponsorToken)
                .multiPart("title", "Churn, relayed").multiPart("description", "Contributors need no ETH")
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
                "arbiter", arbiter.getAddress(), "maxSubmissionsPerContributor", 2,
                "challengeBond", BigInteger.TEN.pow(16).toString()))
                .post("/api/bounties/" + id + "/transactions/create").then().statusCode(200).extract().jsonPath();
        Wallet.send(chain.web3j, sponsor, create);
        indexer.catchUp();
        return id;
    }

    private static long upload(long bountyId, String token, Path model) {
        JsonPath uploaded = given().auth().oauth2(token).multiPart("model", model.toFile())
                .post("/api/bounties/" + bountyId + "/submissions").then().statusCode(201).extract().jsonPath();
        assertTrue(uploaded.getBoolean("validation.ok"), () -> "validation: " + uploaded.prettify());
        return uploaded.getLong("id");
    }

    /** A wallet's 65-byte signature (r, s, v with v 27 or 28) of a digest. */
    private static String sign(byte[] digest, Credentials who) {
        Sign.SignatureData s = Sign.signMessage(digest, who.getEcKeyPair(), false);
        byte[] out = new byte[65];
        System.arraycopy(s.getR(), 0, out, 0, 32);
        System.arraycopy(s.getS(), 0, out, 32, 32);
        out[64] = s.getV()[0];
        return Numeric.toHexString(out);
    }

    private BigInteger balance(Credentials who) throws Exception {
        return chain.web3j.ethGetBalance(who.getAddress(), DefaultBlockParameterName.LATEST).send().getBalance();
    }

    private static List<String> keeperLedger(long bountyId) {
        return QuarkusTransaction.requiringNew().call(() -> KeeperTransaction.ofBounty(bountyId))
                .stream().map(t -> t.action + " " + t.status).toList();
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
