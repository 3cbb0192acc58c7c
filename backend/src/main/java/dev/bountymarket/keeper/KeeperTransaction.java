package dev.bountymarket.keeper;

import java.time.Instant;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntity;

/** A transaction the keeper signed, from before it is broadcast until the chain settles it. */
@Entity
@Table(name = "keeper_transaction")
public class KeeperTransaction extends PanacheEntity {

    public enum Action {
        PROPOSE_RESULTS, REVEAL_TEST_SET, FINALIZE, EXPIRE
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
        DROPPED
    }

    @Column(name = "chain_id", nullable = false)
    public long chainId;

    @Column(name = "bounty_id", nullable = false)
    public long bountyId;

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

    public String error;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "sent_at")
    public Instant sentAt;

    @Column(name = "settled_at")
    public Instant settledAt;

    public boolean pending() {
        return status == Status.PREPARED || status == Status.SENT;
    }

    public static List<KeeperTransaction> listPending() {
        return list("status in ?1 order by nonce", List.of(Status.PREPARED, Status.SENT));
    }

    public static boolean pendingFor(long bountyId) {
        return count("bountyId = ?1 and status in ?2", bountyId, List.of(Status.PREPARED, Status.SENT)) > 0;
    }

    public static List<KeeperTransaction> ofBounty(long bountyId) {
        return list("bountyId = ?1 order by id", bountyId);
    }
}
