package dev.bountymarket.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.web3j.crypto.Hash;

import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.testing.ChainDriver;
import dev.bountymarket.testing.Drafts;
import dev.bountymarket.testing.TestChain;
import dev.bountymarket.testing.TestDatabase;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * With the {@code finalized} block tag (chain.finalized-tag, as Ethereum's and Sepolia's profiles have it; anvil's
 * finalized block is the head less 64), the indexer reads an event only once the chain calls its block finalized,
 * however many blocks follow it before.
 */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestChain.class)
@TestProfile(FinalizedTagTest.Finalized.class)
class FinalizedTagTest {

    public static class Finalized implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("chain.finalized-tag", "true");
        }
    }

    @Inject
    ChainIndexer indexer;

    @Inject
    ContractRegistry registry;

    @Inject
    Networks networks;

    @Inject
    ChainConfig config;

    @Test
    void indexer_readsAnEventOnlyOnceItsBlockIsFinalized() {
        assertTrue(Networks.builtIn().byChainId(11155111).orElseThrow().finalizedTag(), "Sepolia's profile uses the tag");
        assertTrue(Networks.builtIn().byChainId(1).orElseThrow().finalizedTag(), "Ethereum's too");
        assertFalse(Networks.builtIn().byChainId(8453).orElseThrow().finalizedTag(), "a rollup counts confirmations");
        long chainId = registry.current().chainId;
        assertTrue(networks.finalizedTag(chainId), "chain.finalized-tag overrides the local chain's profile");
        try (ChainDriver chain = new ChainDriver(config.rpcUrl())) {
            String market = registry.current().address;
            byte[] commitment = Hash.sha3(ChainDriver.sha256("finalized"));
            Drafts.bounty(market, DevAccounts.account(1), commitment, "Wait for finality");
            BigInteger id = chain.createBounty(market, DevAccounts.account(1), DevAccounts.account(2),
                    DevAccounts.account(3), BigInteger.TEN.pow(18), commitment);
            long created = chain.blockNumber();

            // 63 blocks on top: more than Sepolia's 3 confirmations, still not finalized.
            for (int i = 0; i < 63; i++) {
                chain.mine();
            }
            indexer.catchUp();
            assertEquals(0, created(id), "not final before the finalized block reaches it");
            assertEquals(created - 1, indexer.safeHead(chainId));

            chain.mine();
            indexer.catchUp();
            assertEquals(1, created(id), "read once its block is finalized");
        }
    }

    private static long created(BigInteger bountyId) {
        return QuarkusTransaction.requiringNew().call(() -> ChainEvent.count(
                "name = 'BountyCreated' and bountyId = ?1", bountyId));
    }
}
