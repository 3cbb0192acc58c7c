package dev.bountymarket.bounty;

import java.time.Instant;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import jakarta.validation.constraints.NotNull;

import io.quarkus.hibernate.orm.panache.PanacheEntity;

/**
 * One download by a bounty's arbiter, during a dispute, of a file nobody else may read yet (a confidential test set, a
 * model not yet published). Logged before the file is served and shown on the bounty's timeline, so that the sponsor
 * and the contributors see who got their files and when.
 */
@Entity
@Table(name = "arbiter_release")
public class ArbiterRelease extends PanacheEntity {

    /** What was handed over. */
    public enum What {
        TEST_SET, TEST_SET_SALT, MODEL
    }

    @NotNull
    @Column(name = "bounty_id", nullable = false)
    public Long bountyId;

    @NotNull
    @Column(nullable = false)
    public String recipient;

    @NotNull
    @Column(nullable = false)
    public String what;

    @Column(name = "submission_id")
    public Long submissionId;

    @NotNull
    @Column(name = "released_at", nullable = false)
    public Instant releasedAt;

    public static void record(long bountyId, String recipient, What what, Long submissionId) {
        ArbiterRelease release = new ArbiterRelease();
        release.bountyId = bountyId;
        release.recipient = recipient.toLowerCase(java.util.Locale.ROOT);
        release.what = what.name();
        release.submissionId = submissionId;
        release.releasedAt = Instant.now();
        release.persist();
    }

    public static List<ArbiterRelease> ofBounty(long bountyId) {
        return list("bountyId = ?1 order by releasedAt", bountyId);
    }
}
