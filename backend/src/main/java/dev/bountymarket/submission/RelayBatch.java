package dev.bountymarket.submission;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntity;

/**
 * One batch of signed submissions the keeper posts as a Merkle root (`postBatch`). It holds its leaves from the moment
 * it is built, so every attempt to post it carries the same root; the BatchPosted event fills in where it landed.
 */
@Entity
@Table(name = "relay_batch")
public class RelayBatch extends PanacheEntity {

    @Column(name = "bounty_id", nullable = false)
    public long bountyId;

    /** 0x hex. */
    @Column(nullable = false)
    public String root;

    @Column(name = "leaf_count", nullable = false)
    public int leafCount;

    /** The keeper's postBatch transaction, once recorded. */
    @Column(name = "keeper_transaction_id")
    public Long keeperTransactionId;

    @Column(name = "first_index")
    public Integer firstIndex;

    @Column(name = "posted_at")
    public Instant postedAt;

    @Column(name = "posted_tx")
    public String postedTx;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    public boolean posted() {
        return firstIndex != null;
    }

    public List<Submission> leaves() {
        return Submission.list("relayBatchId = ?1 order by relayLeaf", id);
    }

    public static Optional<RelayBatch> findByRoot(long bountyId, String root) {
        return find("bountyId = ?1 and root = ?2", bountyId, root.toLowerCase()).firstResultOptional();
    }

    /** A batch built but not posted yet (at most one per bounty: the keeper has one step in flight per bounty). */
    public static Optional<RelayBatch> unposted(long bountyId) {
        return find("bountyId = ?1 and firstIndex is null order by id", bountyId).firstResultOptional();
    }
}
