package dev.bountymarket.keeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.DefaultBlockParameterName;

import dev.bountymarket.bounty.Bounty;
import dev.bountymarket.bounty.BountyStatus;
import dev.bountymarket.chain.ChainConfig;
import dev.bountymarket.chain.ChainIndexer;
import dev.bountymarket.chain.ContractRegistry;
import dev.bountymarket.contracts.BountyMarket;
import dev.bountymarket.keeper.KeeperTransaction.Action;
import dev.bountymarket.keeper.KeeperTransaction.Status;
import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.testing.ChainDriver;
import dev.bountymarket.testing.Drafts;
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
        long id = proposedBounty("reveal and pay");

        keeper.round();
        keeper.round();
        indexer.catchUp();
        assertTrue(bounty(id).testSetRevealed, "the public test set is revealed on-chain");

        chain.travel(3601);
        keeper.round();
        keeper.round();
        indexer.catchUp();

        assertEquals(BountyStatus.FINALIZED, bounty(id).status);
        assertEquals(List.of("REVEAL_TEST_SET CONFIRMED", "FINALIZE CONFIRMED"), ledger(id));
    }

    @Test
    void round_sendsARecordedButUnsentTransactionExactlyOnceAfterACrash() {
        long id = proposedBounty("crash before send");
        keeper.round();
        keeper.round();
        indexer.catchUp();
        chain.travel(3601);
        long nonceBefore = keeperNonce();

        // The server signed and recorded the payout, then died before broadcasting it.
        BigInteger onchainId = bounty(id).onchainId;
        sender.prepare(id, Action.FINALIZE, chain.market(market, keeperAccount).finalize(onchainId).encodeFunctionCall());
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
        long id = proposedBounty("crash after send");
        keeper.round();
        keeper.round();
        indexer.catchUp();
        chain.travel(3601);
        long nonceBefore = keeperNonce();

        // Sent, then the server died before it saw the receipt, and before the indexer saw the payout.
        BigInteger onchainId = bounty(id).onchainId;
        var tx = sender.prepare(id, Action.FINALIZE,
                chain.market(market, keeperAccount).finalize(onchainId).encodeFunctionCall()).orElseThrow();
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

    /** A public bounty with one submission whose results the keeper's account proposed. */
    private long proposedBounty(String title) {
        byte[] sha = ChainDriver.sha256(title);
        long id = Drafts.bountyWithTestSet(market, sponsor, keeperAccount.getAddress(), sha, salt(), title);
        BigInteger onchainId = chain.createBounty(market, sponsor, keeperAccount, arbiter, BigInteger.TEN.pow(18),
                commitment(id));
        byte[] model = ChainDriver.sha256(title + " model");
        chain.submit(market, alice, onchainId, model);
        chain.travel(3601);
        ChainDriver.send(chain.market(market, keeperAccount).proposeResults(onchainId, List.of(
                new BountyMarket.ResultEntry(BigInteger.ZERO, alice.getAddress(), model, BigInteger.valueOf(900_000))),
                Hash.sha3(title.getBytes())));
        indexer.catchUp();
        assertEquals(BountyStatus.PROPOSED, bounty(id).status);
        return id;
    }

    private byte[] commitment(long id) {
        return org.web3j.utils.Numeric.hexStringToByteArray(bounty(id).testSetCommitment);
    }

    private long keeperNonce() {
        try {
            return chain.web3j.ethGetTransactionCount(keeperAccount.getAddress(), DefaultBlockParameterName.LATEST).send()
                    .getTransactionCount().longValueExact();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> ledger(long bountyId) {
        return QuarkusTransaction.requiringNew().call(() -> KeeperTransaction.ofBounty(bountyId)).stream()
                .map(tx -> tx.action + " " + tx.status).toList();
    }

    private static Bounty bounty(long id) {
        return QuarkusTransaction.requiringNew().call(() -> Bounty.<Bounty>findById(id));
    }

    private static byte[] salt() {
        byte[] salt = new byte[32];
        new SecureRandom().nextBytes(salt);
        return salt;
    }
}
