package dev.bountymarket.bounty;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

import dev.bountymarket.chain.ChainConfig;
import dev.bountymarket.chain.ChainIndexer;
import dev.bountymarket.chain.ContractRegistry;
import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.submission.Submission;
import dev.bountymarket.testing.ChainDriver;
import dev.bountymarket.testing.Drafts;
import dev.bountymarket.testing.TestChain;
import dev.bountymarket.testing.TestDatabase;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** The public leaderboard with {@code leaderboard.refresh=0s}: every request reads its page from the database. */
@QuarkusTest
@TestProfile(PublicBoardsTest.ReadEveryTime.class)
@WithTestResource(TestDatabase.class)
@WithTestResource(TestChain.class)
class PublicBoardsTest {

    public static class ReadEveryTime implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("leaderboard.refresh", "0s");
        }
    }

    private final Credentials sponsor = DevAccounts.account(1);

    @Inject
    ChainIndexer indexer;

    @Inject
    ContractRegistry registry;

    @Inject
    ChainConfig config;

    @Test
    void withoutReuse_aNewScoreShowsAtOnceInOrder() {
        String market = registry.current().address;
        byte[] commitment = Hash.sha3(ChainDriver.sha256("uncached board"));
        long id = Drafts.bounty(market, sponsor, commitment, "Uncached board");
        try (ChainDriver chain = new ChainDriver(config.rpcUrl())) {
            chain.createBounty(market, sponsor, DevAccounts.account(2), DevAccounts.account(3), BigInteger.TEN.pow(18),
                    commitment);
        }
        indexer.catchUp();
        QuarkusTransaction.requiringNew().run(() -> {
            scored(id, 0, 500_000);
            scored(id, 1, 700_000);
            scored(id, 2, 700_000);
        });
        given().queryParam("size", 2).queryParam("page", 1).get("/api/bounties/" + id + "/leaderboard").then()
                .statusCode(200)
                .body("total", equalTo(3))
                .body("items.rank", contains(3))
                .body("items.chainIndex", contains(0));

        QuarkusTransaction.requiringNew().run(() -> scored(id, 3, 900_000));
        given().queryParam("size", 2).get("/api/bounties/" + id + "/leaderboard").then().statusCode(200)
                .body("total", equalTo(4))
                .body("items.chainIndex", contains(3, 1))
                .body("items.score", contains(900_000, 700_000));
    }

    private static void scored(long bountyId, int chainIndex, long liveScore) {
        Submission s = new Submission();
        s.bountyId = bountyId;
        s.contributor = "0x000000000000000000000000000000000000000" + chainIndex;
        s.commitment = Numeric.toHexString(ChainDriver.sha256("uncached " + chainIndex));
        s.chainIndex = chainIndex;
        s.liveScore = liveScore;
        s.createdAt = Instant.now();
        s.persist();
    }
}
