package dev.bountymarket.keeper;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntity;

/**
 * A step the keeper takes at one nonce, from before it is broadcast until the chain settles it. Its signed versions
 * ({@link KeeperTransactionVersion}: the first, then replacements with higher fees) are all recorded; {@code txHash}
 * and {@code raw} are the latest one's, or once mined the one that was mined.
 */
@Entity
@Table(name = "keeper_transaction")
public class KeeperTransaction extends PanacheEntity {

    public enum Action {
        PROPOSE_RESULTS, REVEAL_TEST_SET, FINALIZE, EXPIRE,
        /** A batch of relayed submissions (the keeper is the market's relayer). */
        POST_BATCH,
        /** A 0-value transfer to itself that takes a nonce nothing else can, so later ones are mined. */
        FILL_NONCE
    }

    public enum Status {
        /** Signed and recorded; maybe broadcast (a crash can fall between the two). */
        PREPARED,
        /** Broadcast, not yet mined. */
        SENT,
        /** Mined and succeeded. */
        CONFIRMED,
        /** Mined and reverted. */
        REVERTED,
        /** Its nonce was used by another transaction: it can never be mined. */
        DROPPED,
        /**
         * A node refused it for good (too little gas, say): never broadcast again. A version sent earlier may still be
         * mined, so it settles like the others once its nonce is used, by that version or by a filler.
         */
        REFUSED
    }

    static final List<Status> UNSETTLED = List.of(Status.PREPARED, Status.SENT, Status.REFUSED);

    @Column(name = "chain_id", nullable = false)
    public long chainId;

    /** Null for a nonce filler. */
    @Column(name = "bounty_id")
    public Long bountyId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Action action;

    @Column(nullable = false)
    public String sender;

    @Column(nullable = false)
    public long nonce;

    @Column(name = "tx_hash", nullable = false)
    public String txHash;

    /** The signed transaction, hex: re-broadcasting it can only ever land this one transaction. */
    @Column(nullable = false)
    public String raw;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Status status;

    /** What a replacement signs again; null on rows recorded before replacements existed. */
    @Column(name = "to_address")
    public String toAddress;

    public String data;

    @Column(name = "gas_limit")
    public BigInteger gasLimit;

    public String error;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "sent_at")
    public Instant sentAt;

    @Column(name = "settled_at")
    public Instant settledAt;

    /** Whether it may still be broadcast (and replaced). */
    public boolean pending() {
        return status == Status.PREPARED || status == Status.SENT;
    }

    /** Steps whose nonce the chain has not used yet: any of them may still be mined. */
    public static List<KeeperTransaction> listPending() {
        return list("status in ?1 order by nonce, id", UNSETTLED);
    }

    public static boolean pendingFor(long bountyId) {
        return count("bountyId = ?1 and status in ?2", bountyId, UNSETTLED) > 0;
    }

    public static List<KeeperTransaction> ofBounty(long bountyId) {
        return list("bountyId = ?1 order by id", bountyId);
    }
}
