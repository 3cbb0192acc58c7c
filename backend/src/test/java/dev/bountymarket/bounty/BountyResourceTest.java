package dev.bountymarket.bounty;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

import dev.bountymarket.chain.ChainConfig;
import dev.bountymarket.chain.ChainIndexer;
import dev.bountymarket.chain.ContractRegistry;
import dev.bountymarket.contracts.BountyMarket;
import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.submission.Submission;
import dev.bountymarket.testing.ChainDriver;
import dev.bountymarket.testing.Drafts;
import dev.bountymarket.testing.TestChain;
import dev.bountymarket.testing.TestDatabase;
import dev.bountymarket.testing.Wallet;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestChain.class)
class BountyResourceTest {

    private final Credentials sponsor = DevAccounts.account(1);
    private final Credentials evaluator = DevAccounts.account(2);
    private final Credentials arbiter = DevAccounts.account(3);
    private final Credentials alice = DevAccounts.account(4);
    private final Credentials funder = DevAccounts.account(7);

    @Inject
    ChainIndexer indexer;

    @Inject
    ContractRegistry registry;

    @Inject
    ChainConfig config;

    ChainDriver chain;
    String market;

    @BeforeEach
    void connect() {
        chain = new ChainDriver(config.rpcUrl());
        market = registry.current().address;
        indexer.catchUp();
    }

    @AfterEach
    void disconnect() {
        chain.close();
    }

    @Test
    void list_findsOpenBountiesBySearchAndStatus() {
        long id = openBounty("Detect fraudulent transactions", "fraud");

        given().queryParam("q", "FRAUDULENT").get("/api/bounties").then().statusCode(200)
                .body("items.id", hasItem((int) id))
                .body("items.find { it.id == " + id + " }.status", equalTo("OPEN"))
                .body("items.find { it.id == " + id + " }.reward", equalTo("1000000000000000000"));
        given().queryParam("status", "closed").get("/api/bounties").then().statusCode(200)
                .body("items.id", not(hasItem((int) id)));
        given().queryParam("sort", "cheapest").get("/api/bounties").then().statusCode(400)
                .body("code", equalTo("INVALID_REQUEST"))
                .body("message", containsString("sort must be newest, deadline or reward"));
    }

    @Test
    void get_says404WithReasonForUnknownBounty() {
        given().get("/api/bounties/987654").then().statusCode(404)
                .body("code", equalTo("BOUNTY_NOT_FOUND"))
                .body("message", equalTo("There is no bounty 987654"));
    }

    @Test
    void topUp_preparesTransactionThatTheWalletSendsAndTheIndexerSees() {
        long id = openBounty("Classify galaxies", "galaxies");

        var tx = given().contentType(ContentType.JSON).body(Map.of("amount", "250000000000000000"))
                .post("/api/bounties/" + id + "/transactions/top-up").then().statusCode(200)
                .body("to", equalTo(market))
                .body("value", equalTo("250000000000000000"))
                .body("chainId", equalTo("31337"))
                .extract().jsonPath();
        assertTrue(Wallet.send(chain.web3j, funder, tx).isStatusOK());
        indexer.catchUp();

        given().get("/api/bounties/" + id).then().statusCode(200).body("reward", equalTo("1250000000000000000"));
    }

    @Test
    void cancel_isForTheSponsorAndOnlyWithoutSubmissions() {
        long id = openBounty("Forecast demand", "demand");
        chain.submit(market, alice, onchainId(id), ChainDriver.sha256("a model"));
        indexer.catchUp();

        given().auth().oauth2(Wallet.apiToken(alice)).post("/api/bounties/" + id + "/transactions/cancel").then()
                .statusCode(403).body("message", containsString("Only the sponsor"));
        given().auth().oauth2(Wallet.apiToken(sponsor)).post("/api/bounties/" + id + "/transactions/cancel").then()
                .statusCode(409).body("message", containsString("its reward is locked"));
    }

    @Test
    void challengeAndFinalize_sayWhyNotWhileOpen() {
        long id = openBounty("Segment roads", "roads");

        given().post("/api/bounties/" + id + "/transactions/challenge").then().statusCode(409)
                .body("message", equalTo("Only proposed results can be challenged; this one is open"));
        given().post("/api/bounties/" + id + "/transactions/finalize").then().statusCode(409)
                .body("code", equalTo("NOT_NOW"));
    }

    @Test
    void leaderboard_showsThePostedRankingAfterResults() {
        long id = openBounty("Rank search results", "ranking");
        BigInteger onchainId = onchainId(id);
        byte[] model = ChainDriver.sha256("alice ranking model");
        chain.submit(market, alice, onchainId, model);
        chain.travel(3601);
        ChainDriver.send(chain.market(market, evaluator).proposeResults(onchainId, List.of(
                new BountyMarket.ResultEntry(BigInteger.ZERO, alice.getAddress(), model, BigInteger.valueOf(912_345))),
                Hash.sha3(new byte[] {7})));
        indexer.catchUp();

        given().queryParam("board", "private").get("/api/bounties/" + id + "/leaderboard").then().statusCode(200)
                .body("total", equalTo(1))
                .body("items[0].rank", equalTo(1))
                .body("items[0].contributor", equalTo(alice.getAddress()))
                .body("items[0].score", equalTo(912_345))
                .body("items[0].qualified", equalTo(true))
                .body("items[0].paid", equalTo(true));
    }

    @Test
    void publicLeaderboard_ranksCommittedScoresBestFirstTiesByCommitOrder() {
        long id = openBounty("Predict churn", "public board");
        long[] scores = {500_000, 900_000, 900_000, 100_000, 700_000};
        QuarkusTransaction.requiringNew().run(() -> {
            for (int i = 0; i < scores.length; i++) {
                scored(id, i, scores[i]);
            }
            scored(id, null, 990_000); // uploaded and scored, never committed: not on the board
        });

        given().queryParam("size", 2).get("/api/bounties/" + id + "/leaderboard").then().statusCode(200)
                .body("total", equalTo(5))
                .body("items.rank", contains(1, 2))
                .body("items.chainIndex", contains(1, 2))
                .body("items.score", contains(900_000, 900_000));
        given().queryParam("size", 2).queryParam("page", 2).get("/api/bounties/" + id + "/leaderboard").then()
                .statusCode(200)
                .body("items.rank", contains(5))
                .body("items.chainIndex", contains(3));
    }

    @Test
    void upload_refusesTheBountysSponsorEvaluatorAndArbiterUpFront() {
        long id = openBounty("Judge your own bounty", "judges");
        for (var judge : Map.of(sponsor, "sponsor", evaluator, "evaluator", arbiter, "arbiter").entrySet()) {
            given().auth().oauth2(Wallet.apiToken(judge.getKey())).multiPart("model", "model.onnx", new byte[] {1, 2, 3})
                    .post("/api/bounties/" + id + "/submissions").then().statusCode(403)
                    .body("code", equalTo("JUDGE_CANNOT_ENTER"))
                    .body("message", equalTo("You are the " + judge.getValue() + " of bounty " + id + ": an entry by its"
                            + " sponsor, evaluator or arbiter is never paid, so you cannot enter it"));
        }
    }

    @Test
    void submitPage_tellsAJudgeUpFrontThatTheyCannotEnter() {
        long id = openBounty("No form for the arbiter", "judge page");

        given().auth().oauth2(Wallet.apiToken(arbiter)).get("/bounties/" + id + "/submit").then().statusCode(200)
                .body(containsString("You are the arbiter of this bounty"))
                .body(not(containsString("data-model-form")));
        given().auth().oauth2(Wallet.apiToken(alice)).get("/bounties/" + id + "/submit").then().statusCode(200)
                .body(containsString("data-model-form"));
    }

    @Test
    void submitTransaction_refusesAJudgesModel() {
        long id = openBounty("Arbiter's own model", "arbiter model");
        long submission = Drafts.submission(id, arbiter, ChainDriver.sha256("the arbiter's model"));

        given().auth().oauth2(Wallet.apiToken(arbiter)).post("/api/submissions/" + submission + "/transactions/submit")
                .then().statusCode(403).body("code", equalTo("JUDGE_CANNOT_ENTER"));
    }

    @Test
    void get_carriesTrustSignalsAndThePageWarnsWhenTheSponsorJudges() {
        long distinct = openBounty("Three judges", "distinct roles");
        given().get("/api/bounties/" + distinct).then().statusCode(200)
                .body("trust.rolesDistinct", equalTo(true))
                .body("trust.sponsorIsEvaluator", equalTo(false))
                .body("trust.sponsorIsArbiter", equalTo(false))
                .body("trust.bondToRewardBps", equalTo(1000)) // a 0.1 ETH bond on 1 ETH
                .body("trust.revealPolicy", equalTo("public"))
                .body("trust.revealWithheld", equalTo(false));
        given().get("/bounties/" + distinct).then().statusCode(200)
                .body(containsString("three different accounts"))
                .body(not(containsString("data-trust-warning")));

        byte[] commitment = Hash.sha3(ChainDriver.sha256("sponsor evaluates"));
        long own = Drafts.bounty(market, sponsor, commitment, "The sponsor scores it");
        chain.createBounty(market, sponsor, sponsor, arbiter, BigInteger.TEN.pow(18), commitment);
        indexer.catchUp();
        given().get("/api/bounties/" + own).then().statusCode(200)
                .body("trust.rolesDistinct", equalTo(false))
                .body("trust.sponsorIsEvaluator", equalTo(true));
        given().get("/bounties/" + own).then().statusCode(200)
                .body(containsString("data-trust-warning=\"sponsor-evaluator\""))
                .body(containsString("the sponsor is also the evaluator"));
    }

    @Test
    void challenges_severalAreSettledTogetherThenPaidOutAndPaidBackThroughTheApi() {
        long id = openBounty("Two challengers", "two challengers");
        BigInteger onchainId = onchainId(id);
        byte[] aliceModel = ChainDriver.sha256("alice, two challengers");
        byte[] funderModel = ChainDriver.sha256("funder, two challengers");
        chain.submit(market, alice, onchainId, aliceModel);
        chain.submit(market, funder, onchainId, funderModel);
        chain.travel(3601);
        ChainDriver.send(chain.market(market, evaluator).proposeResults(onchainId, List.of(
                new BountyMarket.ResultEntry(BigInteger.ZERO, alice.getAddress(), aliceModel, BigInteger.valueOf(900_000)),
                new BountyMarket.ResultEntry(BigInteger.ONE, funder.getAddress(), funderModel, BigInteger.valueOf(850_000))),
                Hash.sha3(new byte[] {8})));
        indexer.catchUp();

        // The first challenger (perhaps the evaluator's friend) takes no slot: the second one still gets its transaction.
        Credentials first = DevAccounts.account(5);
        Credentials second = DevAccounts.account(6);
        for (Credentials challenger : List.of(first, second)) {
            var tx = given().auth().oauth2(Wallet.apiToken(challenger)).post("/api/bounties/" + id + "/transactions/challenge")
                    .then().statusCode(200).extract().jsonPath();
            assertTrue(Wallet.send(chain.web3j, challenger, tx).isStatusOK());
            indexer.catchUp();
        }
        given().auth().oauth2(Wallet.apiToken(first)).post("/api/bounties/" + id + "/transactions/challenge").then()
                .statusCode(409).body("message", equalTo("You already challenged these results; each address challenges once"));
        given().get("/api/bounties/" + id).then().statusCode(200)
                .body("status", equalTo("DISPUTED"))
                .body("challenges.challenger", contains(first.getAddress(), second.getAddress()))
                .body("challenges.bond", contains("100000000000000000", "100000000000000000"))
                .body("challenges.claimed", contains(false, false));
        given().auth().oauth2(Wallet.apiToken(arbiter)).get("/arbiter").then().statusCode(200)
                .body(containsString("Challengers (2)"))
                .body(containsString("one ruling settles them all"));

        // One ruling settles both: the arbiter finds the funder's model best.
        ChainDriver.send(chain.market(market, arbiter).overturnResults(onchainId, List.of(
                new BountyMarket.ResultEntry(BigInteger.ONE, funder.getAddress(), funderModel, BigInteger.valueOf(950_000)),
                new BountyMarket.ResultEntry(BigInteger.ZERO, alice.getAddress(), aliceModel, BigInteger.valueOf(900_000))),
                Hash.sha3(new byte[] {9})));
        indexer.catchUp();
        given().auth().oauth2(Wallet.apiToken(second)).post("/api/bounties/" + id + "/transactions/claim-challenge").then()
                .statusCode(409).body("message", containsString("only once overturned results are paid out"));

        // Anyone pays out with the page's button: the transaction carries the arbiter's paid ranks, not the proposal's.
        chain.travel(3601);
        var payout = given().post("/api/bounties/" + id + "/transactions/finalize").then().statusCode(200)
                .extract().jsonPath();
        assertTrue(Wallet.send(chain.web3j, alice, payout).isStatusOK());
        indexer.catchUp();
        given().get("/api/bounties/" + id).then().statusCode(200).body("status", equalTo("FINALIZED"));
        List<Payout> prizes = QuarkusTransaction.requiringNew().call(() -> Payout.ofBounty(id)).stream()
                .filter(p -> p.kind.equals("Prize")).toList();
        assertEquals(List.of(funder.getAddress()), prizes.stream().map(p -> p.recipient).toList());

        var claim = given().auth().oauth2(Wallet.apiToken(second)).post("/api/bounties/" + id + "/transactions/claim-challenge")
                .then().statusCode(200).extract().jsonPath();
        assertTrue(Wallet.send(chain.web3j, alice, claim).isStatusOK(), "anyone may send it");
        indexer.catchUp();
        given().get("/api/bounties/" + id).then().statusCode(200).body("challenges.claimed", contains(false, true));
        given().auth().oauth2(Wallet.apiToken(second)).post("/api/bounties/" + id + "/transactions/claim-challenge").then()
                .statusCode(409).body("message", containsString("was already paid back its bond"));
        assertTrue(QuarkusTransaction.requiringNew().call(() -> Payout.ofBounty(id)).stream()
                .anyMatch(p -> p.kind.equals("BondReturned") && p.recipient.equalsIgnoreCase(second.getAddress())));
    }

    private static void scored(long bountyId, Integer chainIndex, long liveScore) {
        Submission s = new Submission();
        s.bountyId = bountyId;
        s.contributor = "0x000000000000000000000000000000000000000" + (chainIndex == null ? 9 : chainIndex);
        s.commitment = Numeric.toHexString(ChainDriver.sha256("commitment " + chainIndex));
        s.chainIndex = chainIndex;
        s.liveScore = liveScore;
        s.createdAt = Instant.now();
        s.persist();
    }

    private long openBounty(String title, String salt) {
        byte[] commitment = Hash.sha3(ChainDriver.sha256(salt));
        long id = Drafts.bounty(market, sponsor, commitment, title);
        chain.createBounty(market, sponsor, evaluator, arbiter, BigInteger.TEN.pow(18), commitment);
        indexer.catchUp();
        return id;
    }

    private BigInteger onchainId(long id) {
        return new BigInteger(given().get("/api/bounties/" + id).then().extract().jsonPath().getString("onchainId"));
    }
}
