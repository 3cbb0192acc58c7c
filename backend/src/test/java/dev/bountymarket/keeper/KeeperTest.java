package dev.bountymarket.keeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.bountymarket.testing.ProposedBounties.bounty;
import static dev.bountymarket.testing.ProposedBounties.ledger;
import static dev.bountymarket.testing.ProposedBounties.salt;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
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
import dev.bountymarket.chain.ResultEvents;
import dev.bountymarket.evaluation.EvaluationJob;
import dev.bountymarket.evaluation.EvaluationQueue;
import dev.bountymarket.keeper.KeeperTransaction.Action;
import dev.bountymarket.keeper.KeeperTransaction.Status;
import dev.bountymarket.leadership.Leadership;
import dev.bountymarket.leadership.NotLeaderException;
import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.submission.Submission;
import dev.bountymarket.testing.ChainDriver;
import dev.bountymarket.testing.Drafts;
import dev.bountymarket.testing.ProposedBounties;
import dev.bountymarket.testing.TestChain;
import dev.bountymarket.testing.TestDatabase;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestChain.class)
class KeeperTest {

    private final Credentials sponsor = DevAccounts.account(1);
    private final Credentials arbiter = DevAccounts.account(3);
    private final Credentials alice = DevAccounts.account(4);
    private final Credentials bob = DevAccounts.account(5);
    private final Credentials keeperAccount = DevAccounts.account(TestChain.KEEPER);

    @Inject
    Keeper keeper;

    @Inject
    KeeperSender sender;

    @Inject
    ChainIndexer indexer;

    @Inject
    ContractRegistry registry;

    @Inject
    ChainConfig config;

    @Inject
    EvaluationQueue evaluations;

    @Inject
    Leadership leadership;

    @Inject
    jakarta.persistence.EntityManager entityManager;

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
    void round_revealsTestSetThenPaysOutWhenTheWindowEnds() {
        long id = ProposedBounties.propose(chain, market, indexer, "reveal and pay");

        keeper.round();
        keeper.round();
        indexer.catchUp();
        assertTrue(bounty(id).testSetRevealed, "the public test set is revealed on-chain");

        chain.travel(3601);
        // as the server runs it: on a background thread, outside any request or transaction
        roundInBackground();
        roundInBackground();
        indexer.catchUp();

        assertEquals(BountyStatus.FINALIZED, bounty(id).status);
        assertEquals(List.of("REVEAL_TEST_SET CONFIRMED", "FINALIZE CONFIRMED"), ledger(id));
    }

    /** One keeper round on a thread of its own, as the server's loop runs it; what it throws is thrown here. */
    private void roundInBackground() {
        try {
            java.util.concurrent.CompletableFuture.runAsync(keeper::round, runnable -> new Thread(runnable).start()).get();
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
            throw new AssertionError("the keeper's round failed outside a request", e);
        }
    }

    @Test
    void round_sendsARecordedButUnsentTransactionExactlyOnceAfterACrash() {
        long id = ProposedBounties.propose(chain, market, indexer, "crash before send");
        keeper.round();
        keeper.round();
        indexer.catchUp();
        chain.travel(3601);
        long nonceBefore = keeperNonce();

        // The server signed and recorded the payout, then died before broadcasting it.
        BigInteger onchainId = bounty(id).onchainId;
        sender.prepare(id, Action.FINALIZE, chain.market(market, keeperAccount).finalize(onchainId, paidRanks(id)).encodeFunctionCall());
        // Restarted, it goes on: the recorded transaction is broadcast, then found mined.
        keeper.round();
        keeper.round();
        keeper.round();
        indexer.catchUp();

        assertEquals(BountyStatus.FINALIZED, bounty(id).status);
        assertEquals(List.of("REVEAL_TEST_SET CONFIRMED", "FINALIZE CONFIRMED"), ledger(id));
        assertEquals(nonceBefore + 1, keeperNonce(), "one transaction sent for the payout");
    }

    @Test
    void round_neitherResendsNorForgetsATransactionSentBeforeACrash() {
        long id = ProposedBounties.propose(chain, market, indexer, "crash after send");
        keeper.round();
        keeper.round();
        indexer.catchUp();
        chain.travel(3601);
        long nonceBefore = keeperNonce();

        // Sent, then the server died before it saw the receipt, and before the indexer saw the payout.
        BigInteger onchainId = bounty(id).onchainId;
        var tx = sender.prepare(id, Action.FINALIZE,
                chain.market(market, keeperAccount).finalize(onchainId, paidRanks(id)).encodeFunctionCall()).orElseThrow();
        sender.broadcast(tx.id);
        keeper.round();
        keeper.round();

        assertEquals(List.of("REVEAL_TEST_SET CONFIRMED", "FINALIZE CONFIRMED"), ledger(id), "not forgotten, not resent");
        assertEquals(nonceBefore + 1, keeperNonce());
    }

    @Test
    void round_refundsABountyWithoutResultsAfterItsEvaluationDeadline() {
        byte[] sha = ChainDriver.sha256("expire me");
        long id = Drafts.bountyWithTestSet(market, sponsor, keeperAccount.getAddress(), sha, salt(), "expire me");
        chain.createBounty(market, sponsor, keeperAccount, arbiter, BigInteger.TEN.pow(18), commitment(id));
        indexer.catchUp();

        chain.travel(7201);
        keeper.round();
        keeper.round();
        indexer.catchUp();

        assertEquals(BountyStatus.EXPIRED, bounty(id).status);
        assertEquals(List.of("EXPIRE CONFIRMED"), ledger(id));
    }

    @Test
    void round_proposesASubmissionTheStoredResultsDocumentLacks() {
        byte[] sha = ChainDriver.sha256("late commitment");
        long id = Drafts.bountyWithTestSet(market, sponsor, keeperAccount.getAddress(), sha, salt(), "late commitment");
        BigInteger onchainId = chain.createBounty(market, sponsor, keeperAccount, arbiter, BigInteger.TEN.pow(18),
                commitment(id));
        byte[] aliceModel = ChainDriver.sha256("alice's model");
        long aliceSubmission = Drafts.submission(id, alice, aliceModel);
        chain.submit(market, alice, onchainId, aliceModel);
        indexer.catchUp();
        // The document was built and stored while the chain held alice's submission only; then the chain's clock
        // went back (a restarted local chain, or a reorg across the deadline) and bob committed too.
        scorePrivately(aliceSubmission, 800_000);
        QuarkusTransaction.requiringNew().run(() -> {
            Bounty bounty = Bounty.findById(id);
            List<Submission> committed = Submission.list("bountyId = ?1 and chainIndex is not null order by chainIndex", id);
            bounty.resultsJson = ResultsDocument.build(bounty, committed, Map.of(aliceSubmission,
                    EvaluationJob.<EvaluationJob>find("submissionId", aliceSubmission).firstResult()));
        });
        byte[] bobModel = ChainDriver.sha256("bob's model");
        long bobSubmission = Drafts.submission(id, bob, bobModel);
        chain.submit(market, bob, onchainId, bobModel);
        chain.travel(3601);
        indexer.catchUp();

        keeper.round();
        assertEquals(List.of(), ledger(id), "no proposal while bob's model waits for its private evaluation");

        scorePrivately(bobSubmission, 900_000);
        keeper.round();
        keeper.round();
        indexer.catchUp();

        assertEquals(List.of("PROPOSE_RESULTS CONFIRMED"), ledger(id));
        Bounty proposed = bounty(id);
        assertEquals(BountyStatus.PROPOSED, proposed.status);
        assertEquals(0, submission(bobSubmission).rank, "bob's better model is ranked first");
        assertEquals(1, submission(aliceSubmission).rank);
        assertEquals(Numeric.toHexString(Hash.sha3(proposed.resultsJson.getBytes(StandardCharsets.UTF_8))),
                proposed.reportHash, "the stored document is the one proposed");
        assertTrue(proposed.resultsJson.contains("\"excluded\":[]"), proposed.resultsJson);
        payOut(id);
    }

    @Test
    void round_paysOutAsWithheldOnceTheRevealDeadlinePassed() {
        long id = ProposedBounties.propose(chain, market, indexer, "missed reveal");
        chain.travel(3601); // the keeper was down through the whole window: the reveal deadline passed

        keeper.round();
        keeper.round();
        indexer.catchUp();

        assertEquals(List.of("FINALIZE CONFIRMED"), ledger(id), "no reveal the contract would refuse");
        assertEquals(BountyStatus.FINALIZED, bounty(id).status);
        assertTrue(!bounty(id).testSetRevealed, "never revealed");
    }

    @Test
    void round_revealsAResolvedBountyBeforePayingItOut() {
        long id = ProposedBounties.propose(chain, market, indexer, "upheld before reveal");
        BigInteger onchainId = bounty(id).onchainId;
        ChainDriver.send(chain.market(market, bob).challenge(onchainId, BigInteger.TEN.pow(17)));
        ChainDriver.send(chain.market(market, arbiter).upholdResults(onchainId));
        indexer.catchUp();
        assertEquals(BountyStatus.RESOLVED, bounty(id).status);

        keeper.round();
        keeper.round();
        indexer.catchUp();
        assertTrue(bounty(id).testSetRevealed, "revealed first: a public bounty pays out on revealed data");
        keeper.round();
        keeper.round();
        indexer.catchUp();

        assertEquals(List.of("REVEAL_TEST_SET CONFIRMED", "FINALIZE CONFIRMED"), ledger(id));
        assertEquals(BountyStatus.FINALIZED, bounty(id).status);
    }

    @Test
    void round_paysOutALapsedDisputeAndEveryChallengersBondIsForfeited() {
        long id = ProposedBounties.propose(chain, market, indexer, "lapsed dispute");
        BigInteger onchainId = bounty(id).onchainId;
        BigInteger bond = BigInteger.TEN.pow(17);
        ChainDriver.send(chain.market(market, bob).challenge(onchainId, bond)); // first, perhaps only to hold the dispute
        ChainDriver.send(chain.market(market, alice).challenge(onchainId, bond)); // not locked out by it
        indexer.catchUp();
        assertEquals(BountyStatus.DISPUTED, bounty(id).status);
        Bounty disputed = bounty(id);
        assertEquals(List.of(bob.getAddress(), alice.getAddress()), QuarkusTransaction.requiringNew().call(
                () -> ResultEvents.challenges(disputed.contract, onchainId)).stream().map(c -> c.challenger()).toList());

        chain.travel(3601 + 30L * 86_400); // the arbiter never ruled
        keeper.round();
        keeper.round();
        indexer.catchUp();

        assertEquals(List.of("FINALIZE CONFIRMED"), ledger(id), "paid out with the proposed winners as the events name them");
        assertEquals(BountyStatus.FINALIZED, bounty(id).status);
        List<Payout> payouts = QuarkusTransaction.requiringNew().call(() -> Payout.ofBounty(id));
        assertEquals(bond.multiply(BigInteger.TWO), payouts.stream().filter(p -> p.kind.equals("BondForfeited"))
                .map(p -> p.amount).reduce(BigInteger.ZERO, BigInteger::add), "both bonds forfeited, the squat's too");
        assertTrue(payouts.stream().noneMatch(p -> p.kind.equals("BondReturned")), "no bond back while results stand");
        assertTrue(payouts.stream().anyMatch(p -> p.kind.equals("Prize") && p.recipient.equalsIgnoreCase(alice.getAddress())));
    }

    @Test
    void round_leavesAJudgesSubmissionOutOfTheResults() {
        byte[] sha = ChainDriver.sha256("arbiter enters");
        long id = Drafts.bountyWithTestSet(market, sponsor, keeperAccount.getAddress(), sha, salt(), "arbiter enters");
        BigInteger onchainId = chain.createBounty(market, sponsor, keeperAccount, arbiter, BigInteger.TEN.pow(18),
                commitment(id));
        byte[] arbiterModel = ChainDriver.sha256("the arbiter's model");
        long arbiterSubmission = Drafts.submission(id, arbiter, arbiterModel);
        chain.submit(market, arbiter, onchainId, arbiterModel); // on-chain directly: the server would refuse it
        byte[] aliceModel = ChainDriver.sha256("alice's honest model");
        long aliceSubmission = Drafts.submission(id, alice, aliceModel);
        chain.submit(market, alice, onchainId, aliceModel);
        chain.travel(3601);
        indexer.catchUp();
        scorePrivately(arbiterSubmission, 990_000);
        scorePrivately(aliceSubmission, 700_000);

        keeper.round();
        keeper.round();
        indexer.catchUp();

        Bounty proposed = bounty(id);
        assertEquals(BountyStatus.PROPOSED, proposed.status);
        assertEquals(0, submission(aliceSubmission).rank, "alice holds the first rank");
        assertEquals(null, submission(arbiterSubmission).rank, "the arbiter's better model is not ranked");
        assertTrue(proposed.resultsJson.contains("\"reason\":\"JUDGE_OF_BOUNTY\""), proposed.resultsJson);
        payOut(id);
    }

    @Test
    void prepare_recordsNothingForAServerThatLostTheKeeperAndTheNextLeaderGoesOn() {
        long id = ProposedBounties.propose(chain, market, indexer, "stale keeper");
        keeper.round();
        keeper.round();
        indexer.catchUp();
        chain.travel(3601);
        long nonceBefore = keeperNonce();
        long term = leadership.lead(Leadership.Role.KEEPER).orElseThrow();
        String finalize = chain.market(market, keeperAccount).finalize(bounty(id).onchainId, paidRanks(id)).encodeFunctionCall();

        // This server paused mid-round; meanwhile its lease ran out and another server took the keeper over.
        leaseOfTheKeeper("holder = 'another-server', term = term + 1, expires_at = now() + interval '1 hour'");
        assertThrows(NotLeaderException.class, () -> sender.prepare(term, id, Action.FINALIZE, finalize),
                "the stale leader's record is refused");
        keeper.round();
        assertEquals(List.of("REVEAL_TEST_SET CONFIRMED"), ledger(id), "nothing recorded, so nothing sent");

        // The other server dies: once its lease runs out, this one takes over and goes on from the records.
        leaseOfTheKeeper("expires_at = now() - interval '1 second'");
        keeper.round();
        keeper.round();
        indexer.catchUp();

        assertEquals(BountyStatus.FINALIZED, bounty(id).status);
        assertEquals(List.of("REVEAL_TEST_SET CONFIRMED", "FINALIZE CONFIRMED"), ledger(id));
        assertEquals(nonceBefore + 1, keeperNonce(), "the payout sent once");
        assertTrue(leadership.lead(Leadership.Role.KEEPER).orElseThrow() > term + 1, "under a new term");
    }

    private void leaseOfTheKeeper(String set) {
        QuarkusTransaction.requiringNew().run(() -> assertEquals(1, entityManager
                .createNativeQuery("UPDATE leader_lease SET " + set + " WHERE role = 'keeper'").executeUpdate()));
    }

    /** Takes a proposed bounty to its payout, so that the other tests' keeper rounds find nothing of it to do. */
    private void payOut(long id) {
        keeper.round();
        keeper.round();
        indexer.catchUp();
        chain.travel(3601);
        keeper.round();
        keeper.round();
        indexer.catchUp();
        assertEquals(BountyStatus.FINALIZED, bounty(id).status);
    }

    /** A public bounty with one submission whose results the keeper's account proposed. */

    /** What an evaluation worker records for a finished private evaluation. */
    private void scorePrivately(long submissionId, long score) {
        QuarkusTransaction.requiringNew().run(() -> evaluations.enqueue(submissionId, EvaluationJob.Kind.PRIVATE));
        QuarkusTransaction.requiringNew().run(() -> {
            EvaluationJob job = EvaluationJob.find(submissionId, EvaluationJob.Kind.PRIVATE).orElseThrow();
            job.status = EvaluationJob.Status.DONE;
            job.score = score;
            job.reportHash = Numeric.toHexString(Hash.sha3(("report of " + submissionId).getBytes(StandardCharsets.UTF_8)));
            job.finishedAt = Instant.now();
        });
    }

    private static Submission submission(long id) {
        return QuarkusTransaction.requiringNew().call(() -> Submission.<Submission>findById(id));
    }

    private byte[] commitment(long id) {
        return Numeric.hexStringToByteArray(bounty(id).testSetCommitment);
    }

    private long keeperNonce() {
        try {
            return chain.web3j.ethGetTransactionCount(keeperAccount.getAddress(), DefaultBlockParameterName.LATEST).send()
                    .getTransactionCount().longValueExact();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** finalize's paid ranks, as the keeper rebuilds them from the indexed ResultRanked events. */
    private static List<String> paidRanks(long id) {
        Bounty b = bounty(id);
        return QuarkusTransaction.requiringNew().call(() -> ResultEvents.paidRanks(b.contract, b.onchainId));
    }

}
