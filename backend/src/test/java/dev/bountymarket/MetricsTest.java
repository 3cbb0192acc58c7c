package dev.bountymarket;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

import dev.bountymarket.bounty.Bounty;
import dev.bountymarket.chain.ChainConfig;
import dev.bountymarket.chain.ChainIndexer;
import dev.bountymarket.chain.IndexerMetrics;
import dev.bountymarket.chain.ContractRegistry;
import dev.bountymarket.keeper.Keeper;
import dev.bountymarket.keeper.KeeperConfig;
import dev.bountymarket.keeper.KeeperMetrics;
import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.testing.ChainDriver;
import dev.bountymarket.testing.ProposedBounties;
import dev.bountymarket.testing.TestChain;
import dev.bountymarket.testing.TestDatabase;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The operations metrics at /q/metrics, in Prometheus' text format, moving with what they measure. */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestChain.class)
public class MetricsTest {

    private final Credentials sponsor = DevAccounts.account(1);
    private final Credentials arbiter = DevAccounts.account(3);
    private final Credentials alice = DevAccounts.account(4);
    private final Credentials keeperAccount = DevAccounts.account(TestChain.KEEPER);

    @Inject
    Keeper keeper;

    @Inject
    KeeperConfig keeperConfig;

    @Inject
    KeeperMetrics keeperMetrics;

    @Inject
    IndexerMetrics indexerMetrics;

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
        chain.automine(true);
        chain.nextBaseFee(BigInteger.valueOf(1_000_000_000));
        chain.mine();
        chain.travel(3601);
        keeper.round();
        keeper.round();
        keeper.round();
        indexer.catchUp();
        chain.close();
    }

    @Test
    void metrics_followTheIndexer() {
        indexer.catchUp();
        indexerMetrics.sample();
        assertEquals(0, value("indexer_lag_blocks"));
        chain.mine();
        chain.mine();
        chain.mine();
        indexerMetrics.sample();
        assertEquals(3, value("indexer_lag_blocks"), "three blocks not read yet");
        indexer.catchUp();
        indexerMetrics.sample();
        assertEquals(0, value("indexer_lag_blocks"));
    }

    @Test
    void metrics_followTheKeepersStepsReplacementsAndBalance() {
        long id = ProposedBounties.propose(chain, market, indexer, "metered");
        keeperMetrics.sample();
        double replacements = value("keeper_replacements_total");
        double balance = value("keeper_balance_ether");
        assertTrue(balance > 0, "balance " + balance);
        assertEquals(0, value("keeper_steps_pending"));
        assertEquals(0, value("keeper_steps_oldest_age_seconds"));

        chain.automine(false);
        keeper.round();
        keeperMetrics.sample();
        assertEquals(1, value("keeper_steps_pending"));
        BigInteger signed = QuarkusTransaction.requiringNew().call(() -> dev.bountymarket.keeper.KeeperTransactionVersion
                .<dev.bountymarket.keeper.KeeperTransactionVersion>find("order by id desc").firstResult().maxFeePerGas);
        for (int i = 0; i < keeperConfig.replaceAfterBlocks(); i++) {
            chain.nextBaseFee(signed.multiply(BigInteger.valueOf(4)));
            chain.mine();
            keeper.round();
        }
        keeperMetrics.sample();
        assertEquals(replacements + 1, value("keeper_replacements_total"), "one replacement counted");
        assertTrue(value("keeper_steps_oldest_age_seconds") >= 0);

        chain.mine();
        keeper.round();
        keeperMetrics.sample();
        assertEquals(0, value("keeper_steps_pending"));
        assertTrue(value("keeper_balance_ether") < balance, "the reveal's fee was paid");
        assertTrue(QuarkusTransaction.requiringNew().call(() -> Bounty.<Bounty>findById(id)) != null);
    }

    /** The value of one series (name with its labels, as Prometheus writes them) in the scrape. */
    public static double value(String series) {
        String text = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
        assertTrue(m.find(), series + " not in /q/metrics:\n" + text.lines()
                .filter(l -> l.startsWith("keeper") || l.startsWith("indexer") || l.startsWith("evaluation"))
                .reduce("", (a, b) -> a + b + "\n"));
        return Double.parseDouble(m.group(1));
    }

    public static double valueOrZero(String series) {
        String text = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

}
