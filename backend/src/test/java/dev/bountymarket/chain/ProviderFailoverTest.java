package dev.bountymarket.chain;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.bountymarket.testing.ProposedBounties.bounty;
import static dev.bountymarket.testing.ProposedBounties.ledger;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;

import dev.bountymarket.keeper.Keeper;
import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.testing.ChainDriver;
import dev.bountymarket.testing.ProposedBounties;
import dev.bountymarket.testing.FailingProviders;
import dev.bountymarket.testing.TestChain;
import dev.bountymarket.testing.TestDatabase;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * Two JSON-RPC providers, the first of which stops answering, or answers 429: the keeper's step is signed, sent and
 * mined exactly once, and the indexer reads the new events, all through the second; readiness stays UP and names the
 * provider being skipped by its host, never its key; the metrics count the failovers.
 */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(FailingProviders.class)
@TestProfile(ProviderFailoverTest.OwnChain.class)
class ProviderFailoverTest {

    /** Its own server and chain: the first provider's faults must not reach other test classes. */
    public static class OwnChain implements QuarkusTestProfile {
    }

    private final Credentials sponsor = DevAccounts.account(1);
    private final Credentials arbiter = DevAccounts.account(3);
    private final Credentials alice = DevAccounts.account(4);
    private final Credentials keeperAccount = DevAccounts.account(TestChain.KEEPER);

    @Inject
    Keeper keeper;

    @Inject
    ChainIndexer indexer;

    @Inject
    ContractRegistry registry;

    @Inject
    ChainConfig config;

    @Inject
    RpcProviders providers;

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
        FailingProviders.thaw();
        FailingProviders.rateLimited(false);
        // Pays out what a test left revealed, so that no later test's keeper round has a step of it to take.
        chain.travel(3601);
        keeper.round();
        keeper.round();
        keeper.round();
        indexer.catchUp();
        chain.close();
    }

    @Test
    void firstProviderStopsAnswering_theKeeperAndTheIndexerGoOnThroughTheSecond() throws Exception {
        long id = ProposedBounties.propose(chain, market, indexer, "through a frozen provider");
        long nonceBefore = chain.minedNonce(keeperAccount.getAddress());
        double failoversBefore = failovers();

        FailingProviders.freeze();
        goesOnThroughTheSecond(id, nonceBefore);

        JsonPath ready = awaitSkipped();
        assertEquals("UP", ready.getString("status"), ready.prettify());
        String chainCheck = "checks.find { it.name == 'chain' }.data";
        assertEquals(String.join(", ", providers.hosts()), ready.getString(chainCheck + ".rpcHosts"));
        assertTrue(ready.getString(chainCheck + ".rpcSkipped").startsWith(providers.hosts().get(0) + ": no answer"),
                ready.prettify());
        assertTrue(failovers() > failoversBefore, "the failovers are counted");
    }

    @Test
    void firstProviderAnswers429_theKeeperAndTheIndexerGoOnThroughTheSecond() throws Exception {
        long id = ProposedBounties.propose(chain, market, indexer, "through a rate limit");
        long nonceBefore = chain.minedNonce(keeperAccount.getAddress());
        long refusedBefore = FailingProviders.refused();

        FailingProviders.rateLimited(true);
        goesOnThroughTheSecond(id, nonceBefore);

        assertTrue(FailingProviders.refused() > refusedBefore, "the first provider was asked, and said 429");
        JsonPath ready = awaitSkipped();
        assertTrue(ready.getString("checks.find { it.name == 'chain' }.data.rpcSkipped")
                .startsWith(providers.hosts().get(0) + ": HTTP 429"), ready.prettify());
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("chain_rpc_failures_total{provider=\"1 " + providers.hosts().get(0)
                + "\",reason=\"rate_limited\"}"), metrics);
    }

    /** The keeper reveals the test set (one transaction, mined once) and the indexer reads it and a new bounty. */
    private void goesOnThroughTheSecond(long id, long nonceBefore) {
        keeper.round();
        keeper.round();
        // Evaluated elsewhere (not the keeper's): the keeper has no step of it to take.
        BigInteger other = chain.createBounty(market, sponsor, DevAccounts.account(2), arbiter, BigInteger.TEN.pow(18),
                Hash.sha3("created while the first provider fails".getBytes()));
        indexer.catchUp();

        assertEquals(List.of("REVEAL_TEST_SET CONFIRMED"), ledger(id));
        assertEquals(nonceBefore + 1, chain.minedNonce(keeperAccount.getAddress()), "mined exactly once");
        assertTrue(bounty(id).testSetRevealed, "the reveal was indexed");
        long indexedEvents = QuarkusTransaction.requiringNew().call(() -> ChainEvent.count(
                "name = 'BountyCreated' and bountyId = ?1", other));
        assertEquals(1, indexedEvents, "the bounty created meanwhile was indexed");
    }

    /** Readiness, once it names a provider being skipped; never the first provider's key. */
    private JsonPath awaitSkipped() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            body = given().when().get("/q/health/ready").then().extract().asString();
            assertFalse(body.contains(FailingProviders.KEY), body);
            JsonPath health = new JsonPath(body);
            if (health.getString("checks.find { it.name == 'chain' }.data.rpcSkipped") != null) {
                return health;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("readiness never named a skipped provider: " + body);
    }

    private double failovers() {
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher line = Pattern.compile("chain_rpc_failovers_total\\{provider=\"2 [^\"]+\"} ([0-9.E]+)").matcher(metrics);
        return line.find() ? Double.parseDouble(line.group(1)) : 0;
    }

    /** A public bounty with one submission whose results the keeper's account proposed: next, the reveal. */

}
