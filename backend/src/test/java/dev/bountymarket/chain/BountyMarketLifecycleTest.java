package dev.bountymarket.chain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.utils.Convert;
import org.web3j.utils.Numeric;

import dev.bountymarket.contracts.BountyMarket;
import dev.bountymarket.local.Anvil;
import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.testing.ChainDriver;
import dev.bountymarket.testing.TestChain;

/**
 * A whole bounty on a real chain through the generated wrapper: deploy, create with a top-3 ETH reward, three
 * submissions, time travel, results, reveal, finalize; every balance checked to the wei, gas included.
 */
class BountyMarketLifecycleTest {

    private static final BigInteger BPS = BigInteger.valueOf(10_000);
    private static final BigInteger FEE_BPS = BigInteger.valueOf(250);
    private static final long HOUR = 3600;

    private static Anvil anvil;
    private static ChainDriver chain;
    private static Web3j web3j;

    private final Credentials deployer = DevAccounts.account(0);
    private final Credentials sponsor = DevAccounts.account(1);
    private final Credentials evaluator = DevAccounts.account(2);
    private final Credentials arbiter = DevAccounts.account(3);
    private final List<Credentials> contributors = List.of(DevAccounts.account(4), DevAccounts.account(5),
            DevAccounts.account(6));
    private final Credentials keeper = DevAccounts.account(7);
    private final Credentials treasury = DevAccounts.account(8);

    /** What each account spent on gas, so that balances can be checked to the wei. */
    private final Map<String, BigInteger> gasSpent = new HashMap<>();

    @BeforeAll
    static void startChain() throws Exception {
        int port = TestChain.freePort();
        anvil = Anvil.start(port, null, Path.of("target", "anvil-lifecycle-" + port + ".log"));
        chain = new ChainDriver(anvil.rpcUrl());
        web3j = chain.web3j;
    }

    @AfterAll
    static void stopChain() {
        chain.close();
        anvil.close();
    }

    @Test
    void fullBounty_paysQualifyingWinnersFeeAndRefundToTheWei() throws Exception {
        BountyMarket deployed = BountyMarket.deploy(web3j, tm(deployer), new DefaultGasProvider(),
                treasury.getAddress(), FEE_BPS, deployer.getAddress()).send();
        String address = deployed.getContractAddress();

        // Create: 3 ETH and 7 wei, so that rounding is visible; top-3 shares; threshold 0.5.
        BigInteger reward = Convert.toWei("3", Convert.Unit.ETHER).toBigIntegerExact().add(BigInteger.valueOf(7));
        List<BigInteger> shares = List.of(BigInteger.valueOf(6000), BigInteger.valueOf(3000), BigInteger.valueOf(1000));
        byte[] testSetSha256 = ChainDriver.sha256("x1,x2,label\n0.5,1.5,1\n");
        byte[] salt = new byte[32];
        new SecureRandom().nextBytes(salt);
        byte[] testSetCommitment = Hash.sha3(concat(testSetSha256, salt));
        long now = chain.latestTimestamp();
        var params = new BountyMarket.BountyParams(
                "0x0000000000000000000000000000000000000000", reward, testSetCommitment,
                Hash.sha3("spec".getBytes(StandardCharsets.UTF_8)), BigInteger.ZERO, BigInteger.valueOf(500_000),
                BigInteger.ZERO, BigInteger.valueOf(now + HOUR), BigInteger.valueOf(now + 2 * HOUR),
                BigInteger.valueOf(HOUR), evaluator.getAddress(), arbiter.getAddress(), BigInteger.TWO,
                Convert.toWei("0.1", Convert.Unit.ETHER).toBigIntegerExact());
        BigInteger sponsorStart = balance(sponsor);
        TransactionReceipt created = send(sponsor, as(sponsor, address).createBounty(params, shares, reward));
        BigInteger bountyId = BountyMarket.getBountyCreatedEvents(created).get(0).bountyId;
        assertEquals(reward, BountyMarket.getBountyCreatedEvents(created).get(0).amount);
        assertEquals(reward, balanceOf(address), "the contract escrows the reward");

        // Three contributors commit models; the third will score under the threshold.
        List<byte[]> models = new ArrayList<>();
        for (int i = 0; i < contributors.size(); i++) {
            Credentials contributor = contributors.get(i);
            byte[] modelSha256 = ChainDriver.sha256("model " + i);
            models.add(modelSha256);
            byte[] commitment = ChainDriver.commitment(modelSha256, contributor.getAddress());
            TransactionReceipt submitted = send(contributor, as(contributor, address).submit(bountyId, commitment));
            var event = BountyMarket.getSubmittedEvents(submitted).get(0);
            assertEquals(BigInteger.valueOf(i), event.index);
            assertArrayEquals(commitment, as(keeper, address).getCommitment(bountyId, BigInteger.valueOf(i)).send());
        }

        chain.travel(HOUR + 1);
        List<BountyMarket.ResultEntry> ranking = List.of(
                entry(0, models.get(0), 910_000), entry(1, models.get(1), 870_000), entry(2, models.get(2), 400_000));
        byte[] reportHash = Hash.sha3("report".getBytes(StandardCharsets.UTF_8));
        TransactionReceipt proposed = send(evaluator, as(evaluator, address).proposeResults(bountyId, ranking, reportHash));
        var proposal = BountyMarket.getResultsProposedEvents(proposed).get(0);
        assertEquals(BigInteger.valueOf(3), proposal.entryCount);
        assertEquals(BigInteger.TWO, proposal.winnerCount, "only two pass the threshold");

        TransactionReceipt revealed = send(sponsor, as(sponsor, address).revealTestSet(bountyId, testSetSha256, salt));
        assertArrayEquals(testSetSha256, BountyMarket.getTestSetRevealedEvents(revealed).get(0).testSetSha256);

        chain.travel(HOUR + 1);
        BigInteger[] before = {balance(contributors.get(0)), balance(contributors.get(1)), balance(contributors.get(2))};
        BigInteger treasuryBefore = balance(treasury);
        BigInteger sponsorBefore = balance(sponsor);
        TransactionReceipt finalized = send(keeper, as(keeper, address).finalize(bountyId,
                List.of(contributors.get(0).getAddress(), contributors.get(1).getAddress()))); // the paid ranks

        // Independent arithmetic of docs/protocol.md: gross = reward * share / 10000, net = gross * (10000 - fee) / 10000.
        BigInteger gross0 = reward.multiply(shares.get(0)).divide(BPS);
        BigInteger gross1 = reward.multiply(shares.get(1)).divide(BPS);
        BigInteger net0 = gross0.multiply(BPS.subtract(FEE_BPS)).divide(BPS);
        BigInteger net1 = gross1.multiply(BPS.subtract(FEE_BPS)).divide(BPS);
        BigInteger fee = gross0.subtract(net0).add(gross1.subtract(net1));
        BigInteger refund = reward.subtract(gross0).subtract(gross1);

        assertEquals(before[0].add(net0), balance(contributors.get(0)), "first place");
        assertEquals(before[1].add(net1), balance(contributors.get(1)), "second place");
        assertEquals(before[2], balance(contributors.get(2)), "under the threshold: nothing");
        assertEquals(treasuryBefore.add(fee), balance(treasury), "protocol fee");
        assertEquals(sponsorBefore.add(refund), balance(sponsor), "unawarded third share and dust back to the sponsor");
        assertEquals(BigInteger.ZERO, balanceOf(address), "the escrow is empty");
        assertEquals(sponsorStart.subtract(reward).subtract(gasSpent.get(sponsor.getAddress())).add(refund),
                balance(sponsor), "the sponsor's whole story, gas included");

        var paid = BountyMarket.getBountyFinalizedEvents(finalized).get(0);
        assertEquals(net0.add(net1), paid.prizes);
        assertEquals(fee, paid.fee);
        assertEquals(refund, paid.refund);
        assertEquals(BigInteger.valueOf(6), as(keeper, address).getBounty(bountyId).send().status, "Finalized");
    }

    private BountyMarket.ResultEntry entry(int index, byte[] modelSha256, long score) {
        return new BountyMarket.ResultEntry(BigInteger.valueOf(index), contributors.get(index).getAddress(), modelSha256,
                BigInteger.valueOf(score));
    }


    private BountyMarket as(Credentials account, String address) {
        return BountyMarket.load(address, web3j, tm(account), new DefaultGasProvider());
    }

    private static RawTransactionManager tm(Credentials account) {
        return new RawTransactionManager(web3j, account, Anvil.CHAIN_ID);
    }

    private TransactionReceipt send(Credentials from,
            org.web3j.protocol.core.RemoteFunctionCall<TransactionReceipt> call) throws Exception {
        TransactionReceipt receipt = call.send();
        assertTrue(receipt.isStatusOK(), "transaction reverted: " + receipt);
        BigInteger cost = receipt.getGasUsed().multiply(Numeric.decodeQuantity(receipt.getEffectiveGasPrice()));
        gasSpent.merge(from.getAddress(), cost, BigInteger::add);
        return receipt;
    }

    private static BigInteger balance(Credentials account) throws Exception {
        return balanceOf(account.getAddress());
    }

    private static BigInteger balanceOf(String address) throws Exception {
        return web3j.ethGetBalance(address, DefaultBlockParameterName.LATEST).send().getBalance();
    }




    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
