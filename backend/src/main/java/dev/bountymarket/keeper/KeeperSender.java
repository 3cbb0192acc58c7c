package dev.bountymarket.keeper;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.Dependent;
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
import dev.bountymarket.chain.Networks;
import dev.bountymarket.keeper.KeeperTransaction.Action;
import dev.bountymarket.keeper.KeeperTransaction.Status;
import dev.bountymarket.leadership.Leadership;
import dev.bountymarket.leadership.NotLeaderException;
import io.quarkus.logging.Log;

/**
 * Sends the keeper's transactions so that a crash at any point neither sends a step twice nor loses it: every signed
 * version of a step (the first, and each replacement at the same nonce with higher fees) is recorded (committed)
 * before it is broadcast, and afterwards only recorded bytes are ever broadcast; a step is settled by the receipt of
 * any of its versions, or once the chain used its nonce for another transaction. Nothing is kept in memory, so a
 * new instance (a restarted server) goes on from the database alone. With several servers, a step is recorded only
 * under the keeper's lease term it was decided in (fencing): a server that lost the lease records nothing, and only
 * the server that leads settles, replaces and fills (see {@link Keeper#round}).
 */
@Dependent
public class KeeperSender {

    /** Gas of a plain transfer: what a nonce filler costs. */
    private static final BigInteger TRANSFER_GAS = BigInteger.valueOf(21_000);
    /** Fillers signed in one round at most: a gap wider than this is filled over several rounds. */
    private static final int FILLS_PER_ROUND = 16;

    /** A transaction's EIP-1559 fees, wei per gas. */
    public record Fees(BigInteger maxFeePerGas, BigInteger maxPriorityFeePerGas) {
    }

    @Inject
    Web3j web3j;

    @Inject
    KeeperConfig config;

    @Inject
    ContractRegistry registry;

    @Inject
    KeeperFunds funds;

    @Inject
    Networks networks;

    @Inject
    KeeperMetrics metrics;

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
     * Fees to offer now, from the recent blocks (eth_feeHistory): the configured percentile of their tips (at least
     * the configured least tip), and the next block's base fee times the configured multiplier plus that tip as the
     * max fee; neither above the configured ceiling.
     */
    public Fees fees() {
        try {
            var response = web3j.ethFeeHistory(config.feeHistoryBlocks(), DefaultBlockParameterName.LATEST,
                    List.of(config.tipPercentile())).send();
            if (response.hasError()) {
                throw new IllegalStateException("eth_feeHistory: " + response.getError().getMessage());
            }
            var history = response.getFeeHistory();
            List<BigInteger> baseFees = history.getBaseFeePerGas();
            BigInteger nextBaseFee = baseFees.get(baseFees.size() - 1);
            List<BigInteger> tips = new ArrayList<>();
            if (history.getReward() != null) {
                history.getReward().stream().filter(r -> !r.isEmpty()).forEach(r -> tips.add(r.get(0)));
            }
            tips.sort(null);
            BigInteger tip = tips.isEmpty() ? BigInteger.ZERO : tips.get(tips.size() / 2);
            tip = capped(tip.max(config.minTip()));
            BigInteger maxFee = capped(nextBaseFee.multiply(BigInteger.valueOf(config.baseFeeMultiplier())).add(tip));
            return new Fees(maxFee, tip);
        } catch (IOException e) {
            throw new IllegalStateException("chain unreachable: " + e.getMessage(), e);
        }
    }

    /** The keeper's balance on the latest block. */
    public BigInteger balance() {
        Credentials keeper = account().orElseThrow(() -> new IllegalStateException("keeper.private-key is not set"));
        try {
            BigInteger balance = web3j.ethGetBalance(keeper.getAddress(), DefaultBlockParameterName.LATEST).send()
                    .getBalance();
            funds.balance(balance);
            return balance;
        } catch (IOException e) {
            throw new IllegalStateException("chain unreachable: " + e.getMessage(), e);
        }
    }

    /**
     * Signs a call of the contract and records it, committed before this returns, if this server still runs the
     * keeper under {@code term}.
     *
     * @param term the keeper's lease term the step was decided in
     * @return empty when the call would revert now (eth_estimateGas says so), or when the keeper's balance cannot pay
     *         for it (the step is paused, see {@link KeeperFunds}): nothing is recorded then
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
            Fees fees = fees();
            BigInteger needs = gasLimit.multiply(fees.maxFeePerGas()).add(inFlightCost(null));
            if (!funds.affords(action + " of bounty " + bountyId, needs, balance())) {
                return Optional.empty();
            }
            long nonce = nextNonce(keeper.getAddress(), contract.chainId);
            return Optional.of(record(bountyId, action, contract.address, data, gasLimit, fees, nonce));
        } catch (IOException e) {
            throw new IllegalStateException("chain unreachable: " + e.getMessage(), e);
        }
    }

    /** Signs a step's first version at {@code nonce} and records both, in the caller's transaction or a new one. */
    @Transactional
    KeeperTransaction record(Long bountyId, Action action, String to, String data, BigInteger gasLimit, Fees fees,
            long nonce) {
        Credentials keeper = account().orElseThrow(() -> new IllegalStateException("keeper.private-key is not set"));
        KeeperTransaction tx = new KeeperTransaction();
        tx.chainId = registry.current().chainId;
        tx.bountyId = bountyId;
        tx.action = action;
        tx.sender = keeper.getAddress();
        tx.nonce = nonce;
        tx.toAddress = to;
        tx.data = data;
        tx.gasLimit = gasLimit;
        tx.status = Status.PREPARED;
        tx.createdAt = Instant.now();
        sign(tx, fees, 1);
        return tx;
    }

    /** Signs a version of {@code tx} with {@code fees} and records it; the step then names it as its latest. */
    private KeeperTransactionVersion sign(KeeperTransaction tx, Fees fees, int version) {
        Credentials keeper = account().orElseThrow();
        RawTransaction unsigned = RawTransaction.createTransaction(tx.chainId, BigInteger.valueOf(tx.nonce),
                tx.gasLimit, tx.toAddress, BigInteger.ZERO, tx.data == null ? "" : tx.data,
                fees.maxPriorityFeePerGas(), fees.maxFeePerGas());
        byte[] signed = TransactionEncoder.signMessage(unsigned, keeper);
        tx.raw = Numeric.toHexString(signed);
        tx.txHash = Numeric.toHexString(Hash.sha3(signed));
        if (tx.id == null) {
            tx.persist();
        }
        KeeperTransactionVersion v = new KeeperTransactionVersion();
        v.transactionId = tx.id;
        v.version = version;
        v.raw = tx.raw;
        v.txHash = tx.txHash;
        v.maxFeePerGas = fees.maxFeePerGas();
        v.maxPriorityFeePerGas = fees.maxPriorityFeePerGas();
        v.createdAt = Instant.now();
        v.persist();
        return v;
    }

    /**
     * Broadcasts the latest recorded version of a step (again, if need be: recorded bytes only, and all versions share
     * one nonce, so at most one lands). A node that refuses it for good makes the step {@link Status#REFUSED}.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void broadcast(long id) {
        KeeperTransaction tx = KeeperTransaction.findById(id);
        if (!tx.pending()) {
            return;
        }
        KeeperTransactionVersion version = KeeperTransactionVersion.latest(tx.id);
        try {
            if (version.sentBlock == null) {
                version.sentBlock = web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
            }
            var sent = web3j.ethSendRawTransaction(version.raw).send();
            if (!sent.hasError() || alreadyKnown(sent.getError().getMessage())) {
                Instant now = Instant.now();
                version.sentAt = version.sentAt == null ? now : version.sentAt;
                version.error = null;
                tx.status = Status.SENT;
                tx.sentAt = tx.sentAt == null ? now : tx.sentAt;
                tx.error = null;
                return;
            }
            String message = sent.getError().getMessage();
            version.error = message;
            tx.error = message;
            if (refusedForGood(message)) {
                // Never sent again; reconcile fills the nonce so that later steps are not stuck behind it.
                Log.warnf("Keeper: %s %s refused for good, its nonce %d will be filled: %s", tx.action, tx.txHash,
                        tx.nonce, message);
                tx.status = Status.REFUSED;
            } else if (message.toLowerCase(Locale.ROOT).contains("insufficient funds")) {
                funds.affords(tx.action + (tx.bountyId == null ? "" : " of bounty " + tx.bountyId),
                        tx.gasLimit.multiply(version.maxFeePerGas).add(inFlightCost(tx.id)), balance());
            } else if (message.toLowerCase(Locale.ROOT).contains("base fee")) {
                // Refused while the base fee is above its max fee (anvil does; geth keeps it): replaced in time.
                Log.debugf("Keeper: broadcasting %s %s: %s", tx.action, tx.txHash, message);
            } else {
                // Not fatal: reconcile finds out whether it was mined, dropped or must be tried again or replaced.
                Log.warnf("Keeper: broadcasting %s %s: %s", tx.action, tx.txHash, message);
            }
        } catch (IOException e) {
            Log.warnf("Keeper: chain unreachable while broadcasting %s: %s", tx.txHash, e.getMessage());
        }
    }

    /**
     * Settles every step against the chain (by the receipt of any of its versions, or its nonce used); replaces the
     * ones not mined within {@code keeper.replace-after-blocks} and re-broadcasts the rest; then fills every nonce
     * that nothing can take any more (a step refused for good, a step lost) below the highest one in flight.
     */
    public void reconcile() {
        if (account().isEmpty()) {
            return;
        }
        long mined = minedNonce();
        for (long id : pendingIds()) {
            settle(id, mined);
        }
        for (long id : pendingIds()) {
            replaceIfDue(id);
            broadcast(id);
        }
        for (long id : fillGaps()) {
            broadcast(id);
        }
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    List<Long> pendingIds() {
        return KeeperTransaction.listPending().stream().map(tx -> tx.id).toList();
    }

    /**
     * @param mined the sender's mined transaction count, read before the receipts: a nonce used by then and no
     *        receipt for any version means another transaction took it
     * @return whether the step is settled
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    boolean settle(long id, long mined) {
        KeeperTransaction tx = KeeperTransaction.findById(id);
        if (!KeeperTransaction.UNSETTLED.contains(tx.status)) {
            return true;
        }
        try {
            for (KeeperTransactionVersion version : KeeperTransactionVersion.of(tx.id)) {
                Optional<TransactionReceipt> receipt = web3j.ethGetTransactionReceipt(version.txHash).send()
                        .getTransactionReceipt();
                if (receipt.isPresent()) {
                    tx.status = receipt.get().isStatusOK() ? Status.CONFIRMED : Status.REVERTED;
                    tx.error = receipt.get().isStatusOK() ? null : "reverted in block " + receipt.get().getBlockNumber();
                    tx.txHash = version.txHash;
                    tx.raw = version.raw;
                    tx.settledAt = Instant.now();
                    Log.infof("Keeper: %s %s %s (%s, version %d)", tx.action,
                            tx.bountyId == null ? "at nonce " + tx.nonce : "of bounty " + tx.bountyId, tx.status,
                            tx.txHash, version.version);
                    return true;
                }
            }
            if (mined > tx.nonce) {
                tx.status = Status.DROPPED;
                tx.error = "nonce " + tx.nonce + " was used by another transaction"
                        + (tx.error == null ? "" : " (" + tx.error + ")");
                tx.settledAt = Instant.now();
                return true;
            }
            return false;
        } catch (IOException e) {
            throw new IllegalStateException("chain unreachable: " + e.getMessage(), e);
        }
    }

    /**
     * Records a replacement of a step whose latest version went {@code keeper.replace-after-blocks} blocks unmined:
     * same nonce, gas and call; tip and max fee each raised by {@code keeper.replacement-bump-percent} at least, or
     * to what the chain asks now if more, never above the fee ceiling ({@link #feeCeiling()}). Committed before this
     * returns; broadcast by {@link #broadcast}.
     *
     * @return empty when not due, already at the ceiling, or not affordable (then paused)
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<KeeperTransactionVersion> replaceIfDue(long id) {
        KeeperTransaction tx = KeeperTransaction.findById(id);
        if (!tx.pending() || tx.data == null) {
            return Optional.empty(); // a legacy transaction has no call recorded to sign again: it is re-sent as is
        }
        KeeperTransactionVersion latest = KeeperTransactionVersion.latest(tx.id);
        if (latest.sentBlock == null || latest.maxFeePerGas == null) {
            return Optional.empty();
        }
        long head;
        try {
            head = web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
        } catch (IOException e) {
            throw new IllegalStateException("chain unreachable: " + e.getMessage(), e);
        }
        if (head - latest.sentBlock < config.replaceAfterBlocks()) {
            return Optional.empty();
        }
        Fees now = fees();
        BigInteger minFee = bump(latest.maxFeePerGas);
        BigInteger minTip = bump(latest.maxPriorityFeePerGas);
        BigInteger maxFee = capped(now.maxFeePerGas().max(minFee));
        BigInteger tip = now.maxPriorityFeePerGas().max(minTip).min(maxFee);
        if (maxFee.compareTo(minFee) < 0 || tip.compareTo(minTip) < 0) {
            Log.debugf("Keeper: %s %s unmined for %d blocks, but its fees are at the ceiling (%s wei per gas)",
                    tx.action, tx.txHash, head - latest.sentBlock, feeCeiling());
            return Optional.empty();
        }
        BigInteger needs = tx.gasLimit.multiply(maxFee).add(inFlightCost(tx.id));
        if (!funds.affords("replacing " + tx.action + (tx.bountyId == null ? "" : " of bounty " + tx.bountyId), needs,
                balance())) {
            return Optional.empty();
        }
        KeeperTransactionVersion replacement = sign(tx, new Fees(maxFee, tip), latest.version + 1);
        metrics.replaced();
        Log.infof("Keeper: %s %s unmined for %d blocks: replaced by %s (max fee %s, tip %s wei per gas)", tx.action,
                latest.txHash, head - latest.sentBlock, replacement.txHash, maxFee, tip);
        return Optional.of(replacement);
    }

    /**
     * Records a 0-value transfer to itself at every nonce, from the chain's next up to the highest step still
     * unsettled, that no step can take any more (all refused for good, or none recorded); its fees outbid every
     * version of a refused step that a node had accepted, so that it replaces one still in a pool.
     *
     * @return the fillers' ids, to broadcast
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    List<Long> fillGaps() {
        Credentials keeper = account().orElseThrow();
        long chainId = registry.current().chainId;
        Long top = KeeperTransaction.getEntityManager().createQuery("select max(k.nonce) from KeeperTransaction k"
                + " where k.chainId = ?1 and k.sender = ?2 and k.status in ?3", Long.class)
                .setParameter(1, chainId).setParameter(2, keeper.getAddress()).setParameter(3, KeeperTransaction.UNSETTLED)
                .getSingleResult();
        if (top == null) {
            return List.of();
        }
        List<Long> fillers = new ArrayList<>();
        for (long nonce = minedNonce(); nonce <= top && fillers.size() < FILLS_PER_ROUND; nonce++) {
            List<KeeperTransaction> atNonce = KeeperTransaction.list("chainId = ?1 and sender = ?2 and nonce = ?3",
                    chainId, keeper.getAddress(), nonce);
            if (atNonce.stream().anyMatch(t -> t.status != Status.DROPPED && t.status != Status.REFUSED)) {
                continue;
            }
            Fees fees = fees();
            BigInteger maxFee = fees.maxFeePerGas();
            BigInteger tip = fees.maxPriorityFeePerGas();
            for (KeeperTransaction refused : atNonce) {
                for (KeeperTransactionVersion v : KeeperTransactionVersion.of(refused.id)) {
                    if (v.sentAt != null && v.maxFeePerGas != null) {
                        maxFee = maxFee.max(bump(v.maxFeePerGas));
                        tip = tip.max(bump(v.maxPriorityFeePerGas));
                    }
                }
            }
            maxFee = capped(maxFee);
            tip = tip.min(maxFee);
            String step = "filling nonce " + nonce;
            if (!funds.affords(step, TRANSFER_GAS.multiply(maxFee).add(inFlightCost(null)), balance())) {
                break;
            }
            KeeperTransaction filler = record(null, Action.FILL_NONCE, keeper.getAddress(), "0x", TRANSFER_GAS,
                    new Fees(maxFee, tip), nonce);
            Log.warnf("Keeper: nonce %d can no longer be taken by a step; filling it with %s", nonce, filler.txHash);
            fillers.add(filler.id);
        }
        return fillers;
    }

    /** The most the steps still in flight may cost: each one's gas times its latest max fee. */
    private static BigInteger inFlightCost(Long except) {
        BigInteger total = BigInteger.ZERO;
        for (KeeperTransaction tx : KeeperTransaction.<KeeperTransaction>list("status in ?1",
                List.of(Status.PREPARED, Status.SENT))) {
            if (tx.id.equals(except) || tx.gasLimit == null) {
                continue;
            }
            KeeperTransactionVersion latest = KeeperTransactionVersion.latest(tx.id);
            if (latest != null && latest.maxFeePerGas != null) {
                total = total.add(tx.gasLimit.multiply(latest.maxFeePerGas));
            }
        }
        return total;
    }

    private BigInteger bump(BigInteger fee) {
        // Nodes want at least the bump on both fees and strictly more: one wei over covers their rounding.
        return fee.multiply(BigInteger.valueOf(100L + config.replacementBumpPercent())).divide(BigInteger.valueOf(100))
                .add(BigInteger.ONE);
    }

    private BigInteger capped(BigInteger fee) {
        return fee.min(feeCeiling());
    }

    /** The most the keeper offers per gas (wei): keeper.max-fee-per-gas when set, else the network profile's ceiling. */
    public BigInteger feeCeiling() {
        return config.maxFeePerGas().orElseGet(() -> networks.profileFor(registry.current().chainId).feeCeilingWei());
    }

    private long minedNonce() {
        try {
            return web3j.ethGetTransactionCount(account().orElseThrow().getAddress(), DefaultBlockParameterName.LATEST)
                    .send().getTransactionCount().longValueExact();
        } catch (IOException e) {
            throw new IllegalStateException("chain unreachable: " + e.getMessage(), e);
        }
    }

    private long nextNonce(String address, long chainId) throws IOException {
        long chainNonce = web3j.ethGetTransactionCount(address, DefaultBlockParameterName.PENDING).send()
                .getTransactionCount().longValueExact();
        Long recorded = KeeperTransaction.getEntityManager().createQuery("select max(k.nonce) from KeeperTransaction k"
                + " where k.chainId = ?1 and k.sender = ?2 and k.status not in ?3", Long.class)
                .setParameter(1, chainId).setParameter(2, address).setParameter(3, List.of(Status.DROPPED, Status.REFUSED))
                .getSingleResult();
        return recorded == null ? chainNonce : Math.max(chainNonce, recorded + 1);
    }

    private static boolean alreadyKnown(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("already known") || m.contains("already imported") || m.contains("known transaction");
    }

    /**
     * Whether a node refused these bytes for a reason that no retry changes: too little or too much gas, a fee over
     * the node's cap, a bad signature or chain id. Anything else (funds, fees below the base fee, a full pool, a
     * provider's hiccup) may pass later.
     */
    static boolean refusedForGood(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("intrinsic gas too low") || m.contains("exceeds block gas limit")
                || m.contains("exceeds the configured cap")
                || m.contains("invalid sender") || m.contains("invalid signature") || m.contains("invalid chain id")
                || m.contains("oversized data") || m.contains("transaction type not supported");
    }
}
