package dev.bountymarket.bounty;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;

import dev.bountymarket.chain.ChainConfig;
import dev.bountymarket.chain.ChainIndexer;
import dev.bountymarket.chain.ContractRegistry;
import dev.bountymarket.chain.Erc20Tokens;
import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.testing.ChainDriver;
import dev.bountymarket.testing.MlFixtures;
import dev.bountymarket.testing.TestChain;
import dev.bountymarket.testing.TestDatabase;
import dev.bountymarket.testing.Wallet;

/**
 * A reward in an ERC-20 token through the REST API and the chain: the token described from its contract, the
 * sponsor's wallet asked to approve the market before funding and topping up (and not asked again when the allowance
 * already covers the amount), and addresses that hold no token refused with a reason.
 */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestChain.class)
class TokenRewardTest {

    private static final BigInteger REWARD = BigInteger.valueOf(500_000_000); // 500 tokens of 6 decimals
    private static final BigInteger TOP_UP = BigInteger.valueOf(100_000_000);

    private final Credentials sponsor = DevAccounts.account(1);
    private final Credentials arbiter = DevAccounts.account(3);

    @Inject
    ChainIndexer indexer;

    @Inject
    ChainConfig config;

    @Inject
    ContractRegistry registry;

    @Inject
    Erc20Tokens tokens;

    @TempDir
    Path dir;

    ChainDriver chain;
    String token;

    @BeforeEach
    void setUp() {
        chain = new ChainDriver(config.rpcUrl());
        token = chain.deployToken("USDX", 6, sponsor, BigInteger.valueOf(1_000_000_000));
    }

    @AfterEach
    void tearDown() {
        chain.close();
    }

    @Test
    void tokens_describedFromTheirContract() {
        given().get("/api/tokens/" + token).then().statusCode(200)
                .body("symbol", equalTo("USDX")).body("decimals", equalTo(6));
        given().get("/api/tokens/" + sponsor.getAddress()).then().statusCode(404)
                .body("code", equalTo("TOKEN_NOT_FOUND"))
                .body("message", containsString("no ERC-20 token at " + sponsor.getAddress().toLowerCase()));
        given().get("/api/tokens/usdx").then().statusCode(400).body("message", containsString("is not an address"));
    }

    @Test
    void tokenReward_fundedAndToppedUpAfterTheWalletApprovesTheMarket() {
        String sponsorToken = Wallet.apiToken(sponsor);
        long id = draft(sponsorToken);
        String market = registry.current().address;

        // An address without a token contract is refused before the wallet is asked anything.
        given().auth().oauth2(sponsorToken).contentType(ContentType.JSON).body(terms(arbiter.getAddress()))
                .post("/api/bounties/" + id + "/transactions/create").then().statusCode(400)
                .body("message", containsString("is not an ERC-20 token on this chain"));

        String create = given().auth().oauth2(sponsorToken).contentType(ContentType.JSON).body(terms(token))
                .post("/api/bounties/" + id + "/transactions/create").then().statusCode(200).extract().asString();
        assertEquals("0", JsonPath.from(create).getString("value"), "a token reward sends no ether");
        JsonPath approval = approval(create);
        assertEquals(token, approval.getString("to").toLowerCase());
        assertEquals(Erc20Tokens.approve(market, REWARD), approval.getString("data"));
        Wallet.send(chain.web3j, sponsor, approval);
        Wallet.send(chain.web3j, sponsor, JsonPath.from(create));
        indexer.catchUp();

        JsonPath bounty = given().get("/api/bounties/" + id).then().statusCode(200).extract().jsonPath();
        assertEquals("OPEN", bounty.getString("status"));
        assertEquals(token, bounty.getString("token").toLowerCase());
        assertEquals(REWARD.toString(), bounty.getString("reward"));
        assertEquals(BigInteger.ZERO, tokens.allowance(token, sponsor.getAddress(), market), "the market took it all");

        // The top-up asks for an approval, and no longer once the allowance covers it.
        String topUpPath = "/api/bounties/" + id + "/transactions/top-up";
        Map<String, String> amount = Map.of("amount", TOP_UP.toString());
        String topUp = given().auth().oauth2(sponsorToken).contentType(ContentType.JSON).body(amount).post(topUpPath)
                .then().statusCode(200).extract().asString();
        Wallet.send(chain.web3j, sponsor, approval(topUp));
        JsonPath again = given().auth().oauth2(sponsorToken).contentType(ContentType.JSON).body(amount).post(topUpPath)
                .then().statusCode(200).extract().jsonPath();
        assertNull(again.get("approval"), "the allowance already covers the top-up");
        Wallet.send(chain.web3j, sponsor, again);
        indexer.catchUp();
        assertEquals(REWARD.add(TOP_UP).toString(),
                given().get("/api/bounties/" + id).then().statusCode(200).extract().path("reward"));
        // People read the reward in whole tokens, with the token's symbol.
        given().get("/bounties/" + id).then().statusCode(200).body(containsString("600 USDX"));
    }

    /** The approve transaction a wallet transaction asks to send first. */
    private static JsonPath approval(String walletTransaction) {
        return JsonPath.from(walletTransaction).setRootPath("approval");
    }

    private long draft(String sponsorToken) {
        MlFixtures files = MlFixtures.write(dir);
        return given().auth().oauth2(sponsorToken)
                .multiPart("title", "Churn, paid in USDX").multiPart("description", "A reward in a token")
                .multiPart("spec", files.spec())
                .multiPart("publicSample", files.publicSample().toFile())
                .multiPart("testSet", files.testSet().toFile())
                .post("/api/drafts").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    private Map<String, Object> terms(String rewardToken) {
        long now = chain.latestTimestamp();
        Map<String, Object> terms = new HashMap<>();
        terms.put("token", rewardToken);
        terms.put("amount", REWARD.toString());
        terms.put("shares", List.of(10_000));
        terms.put("submissionDeadline", now + 3600);
        terms.put("evaluationDeadline", now + 4 * 3600);
        terms.put("challengeWindowSeconds", 3600);
        terms.put("arbiter", arbiter.getAddress());
        terms.put("challengeBond", "1000000");
        return terms;
    }
}
