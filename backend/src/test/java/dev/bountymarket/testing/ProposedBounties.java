package dev.bountymarket.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

import dev.bountymarket.bounty.Bounty;
import dev.bountymarket.bounty.BountyStatus;
import dev.bountymarket.contracts.BountyMarket;
import dev.bountymarket.chain.ChainIndexer;
import dev.bountymarket.keeper.KeeperTransaction;
import dev.bountymarket.local.DevAccounts;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Bounties brought on chain to proposed results, so that the keeper's next step is theirs: the fixture of the keeper's
 * tests. Each is drafted with a hidden test set and salt (so that the keeper can reveal it), created with 1 ETH by dev
 * account #1 with the keeper's account as evaluator and #3 as arbiter, entered by #4 with one model, and proposed by
 * the keeper's account with that model scoring 0.9 once the submission deadline is over.
 */
public final class ProposedBounties {

    public static final Credentials SPONSOR = DevAccounts.account(1);
    public static final Credentials ARBITER = DevAccounts.account(3);
    public static final Credentials CONTRIBUTOR = DevAccounts.account(4);
    public static final Credentials EVALUATOR = DevAccounts.account(TestChain.KEEPER);

    private ProposedBounties() {
    }

    public static long propose(ChainDriver chain, String market, ChainIndexer indexer, String title) {
        return propose(chain, market, indexer, new String[] {title}).get(0);
    }

    /**
     * Bounties proposed together, after one wait for their submission deadline, so that all their challenge windows
     * (and with them their reveal deadlines) are still open. Returns their database ids, in the order of the titles.
     */
    public static List<Long> propose(ChainDriver chain, String market, ChainIndexer indexer, String... titles) {
        List<Long> ids = new ArrayList<>();
        List<BigInteger> onchainIds = new ArrayList<>();
        for (String title : titles) {
            long id = Drafts.bountyWithTestSet(market, SPONSOR, EVALUATOR.getAddress(), ChainDriver.sha256(title), salt(),
                    title);
            onchainIds.add(chain.createBounty(market, SPONSOR, EVALUATOR, ARBITER, BigInteger.TEN.pow(18),
                    Numeric.hexStringToByteArray(bounty(id).testSetCommitment)));
            chain.submit(market, CONTRIBUTOR, onchainIds.get(onchainIds.size() - 1), model(title));
            ids.add(id);
        }
        chain.travel(3601);
        for (int i = 0; i < titles.length; i++) {
            ChainDriver.send(chain.market(market, EVALUATOR).proposeResults(onchainIds.get(i), List.of(
                    new BountyMarket.ResultEntry(BigInteger.ZERO, CONTRIBUTOR.getAddress(), model(titles[i]),
                            BigInteger.valueOf(900_000))), Hash.sha3(titles[i].getBytes())));
        }
        indexer.catchUp();
        for (long id : ids) {
            assertEquals(BountyStatus.PROPOSED, bounty(id).status);
        }
        return ids;
    }

    /** The model hash the contributor entered in the bounty of this title. */
    public static byte[] model(String title) {
        return ChainDriver.sha256(title + " model");
    }

    public static Bounty bounty(long id) {
        return QuarkusTransaction.requiringNew().call(() -> Bounty.<Bounty>findById(id));
    }

    /** The keeper's steps for a bounty, each as "ACTION STATUS", in the order it took them. */
    public static List<String> ledger(long bountyId) {
        return QuarkusTransaction.requiringNew().call(() -> KeeperTransaction.ofBounty(bountyId)).stream()
                .map(tx -> tx.action + " " + tx.status).toList();
    }

    public static byte[] salt() {
        byte[] salt = new byte[32];
        new SecureRandom().nextBytes(salt);
        return salt;
    }
}
