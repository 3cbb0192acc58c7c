package dev.bountymarket.keeper;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.bountymarket.testing.ProposedBounties.bounty;
import static dev.bountymarket.testing.ProposedBounties.ledger;

import java.math.BigInteger;
import java.util.List;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

import dev.bountymarket.bounty.Bounty;
import dev.bountymarket.chain.ChainConfig;
import dev.bountymarket.chain.ChainIndexer;
import dev.bountymarket.chain.ContractRegistry;
import dev.bountymarket.keeper.KeeperTransaction.Action;
import dev.bountymarket.keeper.KeeperTransaction.Status;
import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.testing.ChainDriver;
import dev.bountymarket.testing.ProposedBounties;
import dev.bountymarket.testing.TestChain;
import dev.bountymarket.testing.TestDatabase;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The keeper on a chain that does not mine everything at once: mining stopped, a base fee above what was signed, a
 * node that forgets a transaction, a nonce that can never be sent, an empty account.
 */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestChain.class)
@TestProfile(KeeperLiveChainTest.OwnChain.class)
class KeeperLiveChainTest {

    /**
     * Its own server, database and chain: the tests count the keeper's nonces, so no bounty another test class left
     * behind on a shared chain may take one.
     */
    public static class OwnChain implements QuarkusTestProfile {
    }

    private final Credentials sponsor = DevAccounts.account(1);
    private final Credentials arbiter = DevAccounts.account(3);
    private final Credentials alice = DevAccounts.account(4);
    private final Credentials keeperAccount = DevAccounts.account(TestChain.KEEPER);

    @Inject
    Keeper keeper;

    @Inject
    KeeperSender sender;

    @Inject
    KeeperConfig keeperConfig;

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
        // Pays out what a test left proposed, so that no later test's keeper round has a step of it to take.
        chain.travel(3601);
        keeper.round();
        keeper.round();
        keeper.round();
        indexer.catchUp();
        chain.close();
    }

    @Test
    void round_replacesAStepTheBaseFeeOutgrewAndItIsMinedOnce() {
        long id = ProposedBounties.propose(chain, market, indexer, "outgrown by the base fee");
        long nonceBefore = chain.minedNonce(keeperAccount.getAddress());
        chain.automine(false);

        keeper.round();
        KeeperTransaction step = onlyStep(id);
        KeeperTransactionVersion first = versions(step.id).get(0);
        assertEquals(2, Numeric.hexStringToByteArray(first.raw)[0], "an EIP-1559 (type 2) transaction");
        outgrow(first, keeperConfig.replaceAfterBlocks());
        keeper.round();

        List<KeeperTransactionVersion> versions = versions(step.id);
        assertEquals(2, versions.size(), "replaced once the configured blocks passed without it");
        KeeperTransactionVersion second = versions.get(1);
        assertTrue(second.maxFeePerGas.compareTo(bumped(first.maxFeePerGas)) >= 0, "max fee raised by 10% at least");
        assertTrue(second.maxPriorityFeePerGas.compareTo(bumped(first.maxPriorityFeePerGas)) >= 0, "tip raised by 10% at least");
        assertTrue(second.maxFeePerGas.compareTo(sender.feeCeiling()) <= 0, "never above the ceiling");

        chain.mine();
        keeper.round();
        chain.automine(true);
        indexer.catchUp();

        assertTrue(bounty(id).testSetRevealed);
        assertEquals(List.of("REVEAL_TEST_SET CONFIRMED"), ledger(id));
        assertEquals(nonceBefore + 1, chain.minedNonce(keeperAccount.getAddress()), "mined exactly once");
        assertTrue(chain.mined(second.txHash));
        assertFalse(chain.mined(first.txHash));
        assertEquals(second.txHash, onlyStep(id).txHash, "the step names the transaction that was mined");
    }

    @Test
    void round_sendsAReplacementRecordedBeforeACrashExactlyOnce() {
        long id = ProposedBounties.propose(chain, market, indexer, "crash before the replacement is sent");
        long nonceBefore = chain.minedNonce(keeperAccount.getAddress());
        chain.automine(false);
        keeper.round();
        KeeperTransaction step = onlyStep(id);
        outgrow(versions(step.id).get(0), keeperConfig.replaceAfterBlocks());

        // The server signed and recorded the replacement, then died before broadcasting it.
        assertTrue(sender.replaceIfDue(step.id).isPresent());
        KeeperTransactionVersion replacement = versions(step.id).get(1);
        assertFalse(chain.knows(replacement.txHash), "not broadcast");

        // Restarted: a sender with nothing in memory finds the replacement in the database and sends it, not a third.
        KeeperSender restarted = CDI.current().select(KeeperSender.class).get();
        restarted.reconcile();
        assertEquals(2, versions(step.id).size());
        assertTrue(chain.knows(replacement.txHash), "broadcast after the restart");
        chain.mine();
        restarted.reconcile();
        chain.automine(true);
        keeper.round();
        indexer.catchUp();

        assertEquals(List.of("REVEAL_TEST_SET CONFIRMED"), ledger(id));
        assertTrue(chain.mined(replacement.txHash));
        assertEquals(nonceBefore + 1, chain.minedNonce(keeperAccount.getAddress()), "mined exactly once");
    }

    @Test
    void round_findsAnEarlierVersionMinedAfterItsReplacementWasRecorded() {
        long id = ProposedBounties.propose(chain, market, indexer, "the original wins");
        long nonceBefore = chain.minedNonce(keeperAccount.getAddress());
        chain.automine(false);
        keeper.round();
        KeeperTransaction step = onlyStep(id);
        KeeperTransactionVersion first = versions(step.id).get(0);
        outgrow(first, keeperConfig.replaceAfterBlocks());
        sender.replaceIfDue(step.id).orElseThrow();

        // The base fee falls back before the replacement goes out, and the first version, still in some node's pool
        // (anvil dropped it when the base fee passed it; the network may not have), is mined.
        chain.nextBaseFee(first.maxFeePerGas.divide(BigInteger.TEN));
        chain.mine();
        chain.sendRaw(first.raw);
        chain.mine();
        assertTrue(chain.mined(first.txHash));
        CDI.current().select(KeeperSender.class).get().reconcile();
        chain.automine(true);
        indexer.catchUp();

        assertEquals(List.of("REVEAL_TEST_SET CONFIRMED"), ledger(id));
        assertEquals(first.txHash, onlyStep(id).txHash, "the version that was mined");
        assertEquals(nonceBefore + 1, chain.minedNonce(keeperAccount.getAddress()));
        assertTrue(bounty(id).testSetRevealed);
    }

    @Test
    void round_sendsAgainATransactionDroppedFromThePool() {
        long id = ProposedBounties.propose(chain, market, indexer, "dropped by the node");
        long nonceBefore = chain.minedNonce(keeperAccount.getAddress());
        chain.automine(false);
        keeper.round();
        String hash = onlyStep(id).txHash;
        assertTrue(chain.knows(hash));

        chain.dropTransaction(hash);
        assertFalse(chain.knows(hash), "the node forgot it");
        keeper.round();
        assertTrue(chain.knows(hash), "sent again: the same signed bytes");
        chain.mine();
        keeper.round();
        chain.automine(true);
        indexer.catchUp();

        assertEquals(List.of("REVEAL_TEST_SET CONFIRMED"), ledger(id));
        assertEquals(nonceBefore + 1, chain.minedNonce(keeperAccount.getAddress()), "mined once");
    }

    @Test
    void round_fillsTheNonceOfATransactionTheNodeRefusesForGood() {
        List<Long> both = ProposedBounties.propose(chain, market, indexer, "refused for good", "waits behind the gap");
        long refused = both.get(0);
        long waiting = both.get(1);
        long nonce = chain.minedNonce(keeperAccount.getAddress());

        // A step recorded with too little gas to ever be accepted, and another step recorded after it, whose
        // nonce waits behind it: without repair, neither is ever mined.
        BigInteger onchainId = bounty(refused).onchainId;
        Bounty r = bounty(refused);
        String data = chain.market(market, keeperAccount).revealTestSet(onchainId,
                Numeric.hexStringToByteArray(r.testSetSha256), Numeric.hexStringToByteArray(r.testSetSalt)).encodeFunctionCall();
        sender.record(refused, Action.REVEAL_TEST_SET, market, data, BigInteger.valueOf(20_000), sender.fees(), nonce);
        Bounty w = bounty(waiting);
        KeeperTransaction behind = sender.prepare(waiting, Action.REVEAL_TEST_SET, chain.market(market, keeperAccount)
                .revealTestSet(w.onchainId, Numeric.hexStringToByteArray(w.testSetSha256),
                        Numeric.hexStringToByteArray(w.testSetSalt)).encodeFunctionCall()).orElseThrow();
        assertEquals(nonce + 1, behind.nonce);
        sender.broadcast(behind.id);
        assertFalse(chain.mined(behind.txHash), "waits behind the gap");

        keeper.round();

        indexer.catchUp();
        assertTrue(bounty(waiting).testSetRevealed, "the step behind the gap is mined");
        keeper.round();
        keeper.round();
        indexer.catchUp();

        assertTrue(bounty(refused).testSetRevealed, "the refused step is done again with a nonce of its own");
        assertEquals(List.of("REVEAL_TEST_SET DROPPED", "REVEAL_TEST_SET CONFIRMED"), ledger(refused));
        assertEquals(List.of("REVEAL_TEST_SET CONFIRMED"), ledger(waiting));
        KeeperTransaction filler = QuarkusTransaction.requiringNew().call(() -> KeeperTransaction.<KeeperTransaction>find(
                "action = ?1 and nonce = ?2", Action.FILL_NONCE, nonce).firstResult());
        assertEquals(Status.CONFIRMED, filler.status, "a 0-value transfer to itself took the refused nonce");
        assertTrue(QuarkusTransaction.requiringNew().call(() -> KeeperTransaction.count("status in ?1",
                List.of(Status.PREPARED, Status.SENT, Status.REFUSED))) == 0, "nothing left pending");
    }

    @Test
    void round_pausesAStepItCannotPayForAndGoesOnOnceFunded() {
        long id = ProposedBounties.propose(chain, market, indexer, "unfunded keeper");
        String address = keeperAccount.getAddress();
        BigInteger funds = chain.balance(address);
        chain.setBalance(address, BigInteger.ZERO);
        try {
            keeper.round();

            assertEquals(List.of(), ledger(id), "nothing signed that cannot be paid");
            given().when().get("/q/health/ready").then()
                    .body("checks.find { it.name == 'keeper' }.data.state", equalTo("paused"))
                    .body("checks.find { it.name == 'keeper' }.data.reason", containsString("REVEAL_TEST_SET"))
                    .body("checks.find { it.name == 'keeper' }.data.reason", containsString("balance"))
                    .body("checks.find { it.name == 'keeper' }.data.balanceWei", equalTo("0"));
            String needs = given().when().get("/api/chain/keeper").then().statusCode(200)
                    .body("state", equalTo("paused"))
                    .body("address", equalTo(address))
                    .extract().path("needsWei");
            assertTrue(new BigInteger(needs).signum() > 0, "says how much it needs: " + needs);
        } finally {
            chain.setBalance(address, funds);
        }
        keeper.round();
        keeper.round();
        indexer.catchUp();

        assertTrue(bounty(id).testSetRevealed, "resumed by itself once funded");
        assertEquals(List.of("REVEAL_TEST_SET CONFIRMED"), ledger(id));
        given().when().get("/api/chain/keeper").then().body("state", equalTo("running"));
    }

    /**
     * Mines {@code blocks} blocks whose base fee is far above what {@code version} may pay, running a keeper round
     * after each but the last, so that it stays in the pool unmined.
     */
    private void outgrow(KeeperTransactionVersion version, int blocks) {
        for (int i = 0; i < blocks; i++) {
            chain.nextBaseFee(version.maxFeePerGas.multiply(BigInteger.valueOf(4)));
            chain.mine();
            assertFalse(chain.mined(version.txHash));
            if (i < blocks - 1) {
                keeper.round();
            }
        }
    }

    private static BigInteger bumped(BigInteger fee) {
        return fee.multiply(BigInteger.valueOf(110)).divide(BigInteger.valueOf(100));
    }

    private static KeeperTransaction onlyStep(long bountyId) {
        List<KeeperTransaction> steps = QuarkusTransaction.requiringNew().call(() -> KeeperTransaction.ofBounty(bountyId));
        assertEquals(1, steps.size(), "one step: " + steps);
        return steps.get(0);
    }

    private static List<KeeperTransactionVersion> versions(long stepId) {
        return QuarkusTransaction.requiringNew().call(() -> KeeperTransactionVersion.of(stepId));
    }

    /** A public bounty with one submission whose results the keeper's account proposed: next, the reveal. */

}
