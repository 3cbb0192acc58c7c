package dev.bountymarket.keeper;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

import dev.bountymarket.chain.ContractDeployment;
import dev.bountymarket.chain.ContractRegistry;
import dev.bountymarket.keeper.KeeperTransaction.Action;
import dev.bountymarket.keeper.KeeperTransaction.Status;
import dev.bountymarket.leadership.Leadership;
import dev.bountymarket.leadership.NotLeaderException;
import io.quarkus.logging.Log;

/**
 * Sends the keeper's transactions so that a crash at any point neither sends a step twice nor loses it: a
 * transaction is signed with an explicit nonce and recorded (committed) before it is broadcast; afterwards only that
 * same signed transaction is ever re-broadcast, until the chain has mined it or used its nonce for another. With several
 * servers, a transaction is recorded only under the keeper's lease term its step was decided in (fencing): a server
 * that lost the lease records nothing, and the one that took over finds every recorded step and only re-sends it.
 */
@ApplicationScoped
public class KeeperSender {

    @Inject
    Web3j web3j;

    @Inject
    KeeperConfig config;

    @Inject
    ContractRegistry registry;

    @Inject
    Leadership leadership;

    /** The keeper's account, when a key is configured. */
    public Optional<Credentials> account() {
        return config.privateKey().map(Credentials::create);
    }

    /** {@link #prepare(long, long, Action, String)} for one step decided now, outside a round, under the current term. */
    public Optional<KeeperTransaction> prepare(long bountyId, Action action, String data) {
        long term = leadership.lead(Leadership.Role.KEEPER)
                .orElseThrow(() -> new NotLeaderException(Leadership.Role.KEEPER, -1));
        return prepare(term, bountyId, action, data);
    }

    /**
     * Signs a call of the contract and records it, committed before this returns, if this server still runs the
     * keeper under {@code term}.
     *
     * @param term the keeper's lease term the step was decided in
     * @return empty when the call would revert now (eth_estimateGas says so): nothing is recorded then
     * @throws NotLeaderException when another server took the keeper over since: nothing is recorded
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<KeeperTransaction> prepare(long term, long bountyId, Action action, String data) {
        // Checked first and held (the lease row stays locked) until this transaction commits the record.
        leadership.fence(Leadership.Role.KEEPER, term);
        Credentials keeper = account().orElseThrow(() -> new IllegalStateException("keeper.private-key is not set"));
        ContractDeployment contract = registry.current();
        try {
            var estimate = web3j.ethEstimateGas(Transaction.createEthCallTransaction(keeper.getAddress(),
                    contract.address, data)).send();
            if (estimate.hasError()) {
                // Usually the mirror lags the chain (the step was just done); the chain's word is final.
                Log.debugf("Keeper: %s of bounty %d would revert now: %s", action, bountyId,
                        estimate.getError().getMessage().replaceAll("[^\\p{Print}]", "").strip());
                return Optional.empty();
            }
            BigInteger gasLimit = estimate.getAmountUsed().multiply(BigInteger.valueOf(12)).divide(BigInteger.TEN);
            BigInteger gasPrice = web3j.ethGasPrice().send().getGasPrice();
            long nonce = nextNonce(keeper.getAddress(), contract.chainId);
            RawTransaction unsigned = RawTransaction.createTransaction(BigInteger.valueOf(nonce), gasPrice, gasLimit,
                    contract.address, BigInteger.ZERO, data);
            byte[] signed = TransactionEncoder.signMessage(unsigned, contract.chainId, keeper);

            KeeperTransaction tx = new KeeperTransaction();
            tx.chainId = contract.chainId;
            tx.bountyId = bountyId;
            tx.action = action;
            tx.sender = keeper.getAddress();
            tx.nonce = nonce;
            tx.raw = Numeric.toHexString(signed);
            tx.txHash = Numeric.toHexString(Hash.sha3(signed));
            tx.status = Status.PREPARED;
            tx.createdAt = Instant.now();
            tx.persist();
            return Optional.of(tx);
        } catch (IOException e) {
            throw new IllegalStateException("chain unreachable: " + e.getMessage(), e);
        }
    }

    /** Broadcasts a recorded transaction (again, if need be: it is the same signed bytes, so at most one lands). */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void broadcast(long id) {
        KeeperTransaction tx = KeeperTransaction.findById(id);
        try {
            var sent = web3j.ethSendRawTransaction(tx.raw).send();
            if (sent.hasError() && !alreadyKnown(sent.getError().getMessage())) {
                // Not fatal: reconcile finds out whether it was mined, dropped or must be tried again.
                Log.warnf("Keeper: broadcasting %s %s: %s", tx.action, tx.txHash, sent.getError().getMessage());
                tx.error = sent.getError().getMessage();
                return;
            }
            tx.status = Status.SENT;
            tx.sentAt = Instant.now();
        } catch (IOException e) {
            Log.warnf("Keeper: chain unreachable while broadcasting %s: %s", tx.txHash, e.getMessage());
        }
    }

    /** Settles every pending transaction against the chain; re-broadcasts those the chain does not know yet. */
    public void reconcile() {
        for (long id : pendingIds()) {
            if (!settle(id)) {
                broadcast(id);
            }
        }
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    java.util.List<Long> pendingIds() {
        return KeeperTransaction.listPending().stream().map(tx -> tx.id).toList();
    }

    /** @return whether the transaction is settled (mined, or its nonce taken by another) */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    boolean settle(long id) {
        KeeperTransaction tx = KeeperTransaction.findById(id);
        try {
            Optional<TransactionReceipt> receipt = web3j.ethGetTransactionReceipt(tx.txHash).send().getTransactionReceipt();
            if (receipt.isPresent()) {
                tx.status = receipt.get().isStatusOK() ? Status.CONFIRMED : Status.REVERTED;
                tx.error = receipt.get().isStatusOK() ? null : "reverted in block " + receipt.get().getBlockNumber();
                tx.settledAt = Instant.now();
                Log.infof("Keeper: %s of bounty %d %s (%s)", tx.action, tx.bountyId, tx.status, tx.txHash);
                return true;
            }
            long mined = web3j.ethGetTransactionCount(tx.sender, DefaultBlockParameterName.LATEST).send()
                    .getTransactionCount().longValueExact();
            if (mined > tx.nonce) {
                tx.status = Status.DROPPED;
                tx.error = "nonce " + tx.nonce + " was used by another transaction";
                tx.settledAt = Instant.now();
                return true;
            }
            return false;
        } catch (IOException e) {
            throw new IllegalStateException("chain unreachable: " + e.getMessage(), e);
        }
    }

    private long nextNonce(String address, long chainId) throws IOException {
        long chainNonce = web3j.ethGetTransactionCount(address, DefaultBlockParameterName.PENDING).send()
                .getTransactionCount().longValueExact();
        Long recorded = KeeperTransaction.getEntityManager().createQuery("select max(k.nonce) from KeeperTransaction k"
                + " where k.chainId = ?1 and k.sender = ?2 and k.status <> ?3", Long.class)
                .setParameter(1, chainId).setParameter(2, address).setParameter(3, Status.DROPPED).getSingleResult();
        return recorded == null ? chainNonce : Math.max(chainNonce, recorded + 1);
    }

    private static boolean alreadyKnown(String message) {
        String m = message.toLowerCase(java.util.Locale.ROOT);
        return m.contains("already known") || m.contains("already imported") || m.contains("known transaction");
    }
}
