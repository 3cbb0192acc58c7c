package dev.bountymarket.evaluation;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntity;

/**
 * One evaluation of one submission: on the public sample (the uploader's check), on the hidden test set's live part
 * (the live leaderboard, once committed) or on its private part (the results, after the deadline).
 */
@Entity
@Table(name = "evaluation_job")
public class EvaluationJob extends PanacheEntity {

    public enum Kind {
        /** The public sample: the uploader's check. */
        PUBLIC,
        /** The hidden test set's live part: the live leaderboard. */
        LIVE,
        /** The hidden test set's private part: the results and the payout. */
        PRIVATE
    }

    public enum Status {
        QUEUED, RUNNING, DONE, FAILED
    }

    @Column(name = "submission_id", nullable = false)
    public long submissionId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Kind kind;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Status status;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "run_after", nullable = false)
    public Instant runAfter;

    @Column(name = "lease_owner")
    public String leaseOwner;

    @Column(name = "lease_expires_at")
    public Instant leaseExpiresAt;

    /** The primary metric, fixed point 1e6. */
    public Long score;

    @Column(name = "report_json")
    public String reportJson;

    @Column(name = "report_hash")
    public String reportHash;

    public String device;

    @Column(name = "error_code")
    public String errorCode;

    @Column(name = "error_message")
    public String errorMessage;

    /** The UTC day whose live-board scorings this LIVE job counts against; null for other kinds. */
    @Column(name = "quota_day")
    public java.time.LocalDate quotaDay;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    public boolean finished() {
        return status == Status.DONE || status == Status.FAILED;
    }

    public static Optional<EvaluationJob> find(long submissionId, Kind kind) {
        return find("submissionId = ?1 and kind = ?2", submissionId, kind).firstResultOptional();
    }

    public static List<EvaluationJob> ofSubmission(long submissionId) {
        return list("submissionId = ?1 order by id", submissionId);
    }
}
