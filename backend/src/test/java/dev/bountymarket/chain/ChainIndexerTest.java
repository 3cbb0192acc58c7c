package dev.bountymarket.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

import dev.bountymarket.contracts.BountyMarket;
import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.testing.ChainDriver;
import dev.bountymarket.testing.ReorgRecorder;
import dev.bountymarket.testing.TestChain;
import dev.bountymarket.testing.TestDatabase;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestChain.class)
class ChainIndexerTest {

    private final Credentials sponsor = DevAccounts.account(1);
    private final Credentials evaluator = DevAccounts.account(2);
    private final Credentials arbiter = DevAccounts.account(3);
    private final Credentials alice = DevAccounts.account(4);
    private final Credentials bob = DevAccounts.account(5);

    @Inject
    ChainIndexer indexer;

    @Inject
    ContractRegistry registry;

    @Inject
    ChainConfig config;

    @Inject
    ReorgRecorder reorgs;

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
    void catchUp_storesEachEventOnceInChainOrder() {
        BigInteger bounty = chain.createBounty(market, sponsor, evaluator, arbiter, BigInteger.TEN.pow(18), ChainDriver.sha256("t1"));
        var submitted = chain.submit(market, alice, bounty, ChainDriver.sha256("alice model"));
        chain.submit(market, bob, bounty, ChainDriver.sha256("bob model"));

        assertEquals(4, indexer.catchUp());
        assertEquals(0, indexer.catchUp(), "nothing new: nothing stored twice");

        List<ChainEvent> events = QuarkusTransaction.requiringNew().call(() -> ChainEvent.ofBounty(market, bounty));
        assertEquals(List.of("BountyCreated", "BountyTerms", "Submitted", "Submitted"),
                events.stream().map(e -> e.name).toList());
        ChainEvent first = events.get(2);
        assertEquals(submitted.getTransactionHash(), first.txHash);
        var decoded = BountyMarket.getSubmittedEventFromLog(first.toLog());
        assertEquals(alice.getAddress(), decoded.contributor);
        assertEquals(BigInteger.ZERO, decoded.index);
    }

    @Test
    void catchUp_rollsBackEventsOfOrphanedBlocksAndReadsTheNewOnes() {
        BigInteger bounty = chain.createBounty(market, sponsor, evaluator, arbiter, BigInteger.TEN.pow(18), ChainDriver.sha256("t2"));
        indexer.catchUp();
        String beforeFork = chain.snapshot();
        var orphaned = chain.submit(market, alice, bounty, ChainDriver.sha256("alice model"));
        indexer.catchUp();
        assertEquals(List.of("BountyCreated", "BountyTerms", "Submitted"), names(bounty));

        // The chain drops alice's block and builds another one at the same height: bob's submission.
        chain.revert(beforeFork);
        var replacement = chain.submit(market, bob, bounty, ChainDriver.sha256("bob model"));
        assertEquals(orphaned.getBlockNumber(), replacement.getBlockNumber());
        assertNotEquals(orphaned.getBlockHash(), replacement.getBlockHash());
        int reorgsBefore = reorgs.seen().size();

        indexer.catchUp();

        List<ChainEvent> events = QuarkusTransaction.requiringNew().call(() -> ChainEvent.ofBounty(market, bounty));
        assertEquals(List.of("BountyCreated", "BountyTerms", "Submitted"), events.stream().map(e -> e.name).toList());
        assertEquals(replacement.getTransactionHash(), events.get(2).txHash, "bob's submission replaced alice's");
        assertEquals(bob.getAddress(), BountyMarket.getSubmittedEventFromLog(events.get(2).toLog()).contributor);
        assertEquals(reorgsBefore + 1, reorgs.seen().size());
        assertTrue(reorgs.seen().get(reorgs.seen().size() - 1).bountyIds().contains(bounty), "the bounty is derived again");
    }

    private List<String> names(BigInteger bounty) {
        return QuarkusTransaction.requiringNew().call(() -> ChainEvent.ofBounty(market, bounty)).stream().map(e -> e.name).toList();
    }
}
