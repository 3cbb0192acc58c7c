package dev.bountymarket.submission;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import dev.bountymarket.storage.StoredObject;
import io.quarkus.hibernate.orm.panache.PanacheEntity;

/**
 * A contributor's model for a bounty: uploaded here (model fields), committed on-chain (chain fields, from the
 * Submitted and ResultRanked events), scored (public score from the sample; private score from the results).
 */
@Entity
@Table(name = "submission")
public class Submission extends PanacheEntity {

    @Column(name = "bounty_id", nullable = false)
    public long bountyId;

    @Column(nullable = false)
    public String contributor;

    @Column(name = "model_key")
    public String modelKey;

    @Column(name = "model_sha256")
    public String modelSha256;

    @Column(name = "model_size")
    public Long modelSize;

    /** keccak256(abi.encode(modelSha256, contributor)), 0x hex. */
    @Column(nullable = false)
    public String commitment;

    @Column(name = "chain_index")
    public Integer chainIndex;

    @Column(name = "committed_tx")
    public String committedTx;

    @Column(name = "committed_at")
    public Instant committedAt;

    public Integer rank;

    /** Fixed point 1e6, from the proposed (or arbiter's) results. */
    @Column(name = "private_score")
    public Long privateScore;

    public Boolean qualified;

    public Boolean paid;

    /** The score on the public sample: the uploader's check, shown to them alone (its labels are published). */
    @Column(name = "public_score")
    public Long publicScore;

    /** The score on the hidden test set's live part: what the live leaderboard ranks. */
    @Column(name = "live_score")
    public Long liveScore;

    @Column(name = "public_report")
    public String publicReport;

    @Column(name = "validation_error")
    public String validationError;

    /** The evaluator's error code for {@link #validationError}, e.g. INPUT_MISMATCH. */
    @Column(name = "validation_error_code")
    public String validationErrorCode;

    /**
     * When the owner deleted this draft or upload from their lists; null while shown. The row stays, so a transaction
     * already sent still finds its test set or model (migrations/V13).
     */
    @Column(name = "deleted_at")
    public Instant deletedAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** Relayed (docs/protocol.md): the contributor's signed sequence number, deadline and signature (0x, 65 bytes). */
    @Column(name = "relay_sequence")
    public Integer relaySequence;

    @Column(name = "relay_deadline")
    public Instant relayDeadline;

    @Column(name = "relay_signature")
    public String relaySignature;

    @Column(name = "relay_signed_at")
    public Instant relaySignedAt;

    /** The batch holding it (its leaf {@link #relayLeaf}); null while it waits for one. */
    @Column(name = "relay_batch_id")
    public Long relayBatchId;

    @Column(name = "relay_leaf")
    public Integer relayLeaf;

    public boolean relayed() {
        return relaySignature != null;
    }

    public Optional<StoredObject> model() {
        return modelKey == null ? Optional.empty() : Optional.of(new StoredObject(modelKey, modelSha256, modelSize, false));
    }

    /**
     * Whether the bounty's model hashes may be shown to anyone: from its submission deadline on. Before, someone holding
     * another's model file and its hash could commit it first (docs/protocol.md).
     */
    public static boolean hashesPublic(dev.bountymarket.bounty.Bounty bounty, java.time.Instant now) {
        return bounty.submissionDeadline != null && !now.isBefore(bounty.submissionDeadline);
    }

    /** Whether {@code viewer} may see this submission's model hash now. */
    public boolean hashVisibleTo(dev.bountymarket.bounty.Bounty bounty, Optional<String> viewer, java.time.Instant now) {
        return hashesPublic(bounty, now) || viewer.map(v -> v.equalsIgnoreCase(contributor)).orElse(false);
    }

    public static Optional<Submission> findByIndex(long bountyId, int chainIndex) {
        return find("bountyId = ?1 and chainIndex = ?2", bountyId, chainIndex).firstResultOptional();
    }

    public static List<Submission> ofBounty(long bountyId) {
        return list("bountyId = ?1 order by chainIndex nulls last, id", bountyId);
    }
}
