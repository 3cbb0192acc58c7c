package dev.bountymarket.keeper;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntity;

/**
 * One signed version of a keeper step: the first, or a replacement at the same nonce with higher fees. Recorded
 * (committed) before it is broadcast; whichever version is mined, the others never can be.
 */
@Entity
@Table(name = "keeper_transaction_version")
public class KeeperTransactionVersion extends PanacheEntity {

    @Column(name = "transaction_id", nullable = false)
    public long transactionId;

    /** 1 for the first signature, then one more for each replacement. */
    @Column(nullable = false)
    public int version;

    @Column(name = "tx_hash", nullable = false)
    public String txHash;

    /** The signed transaction, hex: re-broadcasting it can only ever land this one transaction. */
    @Column(nullable = false)
    public String raw;

    /** Null for a legacy transaction signed before the keeper used EIP-1559. */
    @Column(name = "max_fee_per_gas")
    public BigInteger maxFeePerGas;

    @Column(name = "max_priority_fee_per_gas")
    public BigInteger maxPriorityFeePerGas;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** The chain's head when it was first broadcast (tried); null until then. */
    @Column(name = "sent_block")
    public Long sentBlock;

    /** When a node first accepted it. */
    @Column(name = "sent_at")
    public Instant sentAt;

    public String error;

    public static List<KeeperTransactionVersion> of(long transactionId) {
        return list("transactionId = ?1 order by version", transactionId);
    }

    public static KeeperTransactionVersion latest(long transactionId) {
        return find("transactionId = ?1 order by version desc", transactionId).firstResult();
    }
}
