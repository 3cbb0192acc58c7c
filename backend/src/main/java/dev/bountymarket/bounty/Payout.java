package dev.bountymarket.bounty;

import java.math.BigInteger;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntity;

/** One payment out of a bounty's escrow, from a Payout event. */
@Entity
@Table(name = "payout")
public class Payout extends PanacheEntity {

    @Column(name = "bounty_id", nullable = false)
    public long bountyId;

    @Column(nullable = false)
    public String recipient;

    @Column(nullable = false)
    public String token;

    /** Prize, Refund, Fee, ChallengeReward, BondReturned or BondForfeited. */
    @Column(nullable = false)
    public String kind;

    @Column(nullable = false, precision = 78)
    public BigInteger amount;

    /** The push failed and the amount waits in the contract for withdraw. */
    @Column(nullable = false)
    public boolean credited;

    @Column(name = "tx_hash", nullable = false)
    public String txHash;

    @Column(name = "log_index", nullable = false)
    public int logIndex;

    public static List<Payout> ofBounty(long bountyId) {
        return list("bountyId = ?1 order by id", bountyId);
    }

    public static List<Payout> toRecipient(String address) {
        return list("recipient = ?1 order by id desc", address);
    }
}
