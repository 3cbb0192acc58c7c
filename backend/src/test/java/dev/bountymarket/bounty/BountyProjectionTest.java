package dev.bountymarket.bounty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;

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
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The database mirrors the chain: every state a bounty goes through comes from its events. */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestChain.class)
class BountyProjectionTest {

    private final Credentials sponsor = DevAccounts.account(1);
    private final Credentials evaluator = DevAccounts.account(2);
    private final Credentials arbiter = DevAccounts.account(3);
    private final Credentials alice = DevAccounts.account(4);
    private final Credentials bob = DevAccounts.account(5);
    private final Credentials keeper = DevAccounts.account(6);

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
    void events_carryADraftedBountyFromOpenToFinalizedWithPayouts() {
        byte[] commitment = Hash.sha3(ChainDriver.sha256("hidden test set 1"));
        long draftId = draft(commitment);
        byte[] aliceModel = ChainDriver.sha256("alice model");
        byte[] bobModel = ChainDriver.sha256("bob model");
        long aliceDraft = uploaded(draftId, alice, aliceModel);
        BigInteger reward = BigInteger.TEN.pow(18);

        BigInteger onchainId = chain.createBounty(market, sponsor, evaluator, arbiter, reward, commitment);
        chain.submit(market, alice, onchainId, aliceModel);
        chain.submit(market, bob, onchainId, bobModel);
        indexer.catchUp();

        Bounty open = bounty(draftId);
        assertEquals(onchainId, open.onchainId, "the draft is linked to its on-chain id");
        assertEquals(BountyStatus.OPEN, open.status);
        assertEquals(reward, open.reward);
        assertEquals(2, open.submissionCount);
        assertTrue(open.higherIsBetter);
        assertEquals(500_000L, open.threshold);
        assertEquals(List.of(10_000), List.of(open.shares[0]));
        assertEquals(0, submission(aliceDraft).chainIndex, "alice's upload is committed as submission 0");
        List<Submission> all = submissions(draftId);
        assertEquals(2, all.size(), "bob committed without uploading here: his submission is known from the chain");
        assertEquals(bob.getAddress(), all.get(1).contributor);

        chain.travel(3601);
        ChainDriver.send(chain.market(market, evaluator).proposeResults(onchainId, List.of(
                new BountyMarket.ResultEntry(BigInteger.ONE, bob.getAddress(), bobModel, BigInteger.valueOf(900_000)),
                new BountyMarket.ResultEntry(BigInteger.ZERO, alice.getAddress(), aliceModel, BigInteger.valueOf(800_000))),
                Hash.sha3(new byte[] {1})));
        indexer.catchUp();
        Bounty proposed = bounty(draftId);
        assertEquals(BountyStatus.PROPOSED, proposed.status);
        assertEquals(Numeric.toHexString(Hash.sha3(new byte[] {1})), proposed.reportHash);
        Submission bobs = submissions(draftId).get(1);
        assertEquals(0, bobs.rank);
        assertEquals(900_000L, bobs.privateScore);
        assertTrue(bobs.paid);
        assertFalse(submission(aliceDraft).paid, "winner takes all");
        assertEquals(Numeric.toHexStringNoPrefix(bobModel), bobs.modelSha256, "learnt from the results");

        chain.travel(3601);
        ChainDriver.send(chain.market(market, keeper).finalize(onchainId, List.of(bob.getAddress())));
        indexer.catchUp();
        assertEquals(BountyStatus.FINALIZED, bounty(draftId).status);
        List<Payout> payouts = QuarkusTransaction.requiringNew().call(() -> Payout.ofBounty(draftId));
        assertEquals(List.of("Prize"), payouts.stream().map(p -> p.kind).toList());
        assertEquals(bob.getAddress(), payouts.get(0).recipient);
        assertEquals(reward, payouts.get(0).amount, "no protocol fee on the test deployment");
    }

    @Test
    void reorg_undoesWhatOrphanedBlocksSaid() {
        byte[] commitment = Hash.sha3(ChainDriver.sha256("hidden test set 2"));
        long draftId = draft(commitment);
        byte[] aliceModel = ChainDriver.sha256("alice model 2");
        long aliceDraft = uploaded(draftId, alice, aliceModel);
        String beforeCreate = chain.snapshot();
        BigInteger onchainId = chain.createBounty(market, sponsor, evaluator, arbiter, BigInteger.TEN.pow(18), commitment);
        chain.submit(market, alice, onchainId, aliceModel);
        indexer.catchUp();
        assertEquals(BountyStatus.OPEN, bounty(draftId).status);
        assertEquals(0, submission(aliceDraft).chainIndex);

        chain.revert(beforeCreate);
        chain.travel(1); // a block at the same height with other content
        chain.travel(1);
        chain.travel(1);
        indexer.catchUp();

        Bounty draftAgain = bounty(draftId);
        assertEquals(BountyStatus.DRAFT, draftAgain.status, "its creation was orphaned");
        assertNull(draftAgain.onchainId);
        assertNull(submission(aliceDraft).chainIndex, "the upload waits for a commitment again");
    }

    private long draft(byte[] commitment) {
        return Drafts.bounty(market, sponsor, commitment, "Predict churn");
    }

    private long uploaded(long bountyId, Credentials contributor, byte[] modelSha256) {
        return Drafts.submission(bountyId, contributor, modelSha256);
    }

    private static Bounty bounty(long id) {
        return QuarkusTransaction.requiringNew().call(() -> Bounty.<Bounty>findById(id));
    }

    private static Submission submission(long id) {
        return QuarkusTransaction.requiringNew().call(() -> Submission.<Submission>findById(id));
    }

    private static List<Submission> submissions(long bountyId) {
        return QuarkusTransaction.requiringNew().call(() -> Submission.ofBounty(bountyId));
    }
}
