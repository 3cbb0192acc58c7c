package dev.bountymarket.bounty;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Optional;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.spec.BountySpec;
import dev.bountymarket.evaluator.spec.LiveBoardSpec;
import dev.bountymarket.storage.StoredObject;
import io.quarkus.hibernate.orm.panache.PanacheEntity;

/**
 * A bounty: what its sponsor drafted here (title, spec, test sets) and what the chain says about it. The chain
 * fields are written only by {@link BountyProjection} from indexed events.
 */
@Entity
@Table(name = "bounty")
public class Bounty extends PanacheEntity {

    @Column(name = "chain_id", nullable = false)
    public long chainId;

    @Column(nullable = false)
    public String contract;

    @Column(nullable = false)
    public String sponsor;

    @NotBlank
    @Size(max = 200)
    @Column(nullable = false)
    public String title;

    @Size(max = 20_000)
    @Column(nullable = false)
    public String description;

    /** The canonical spec JSON; null for a bounty created on-chain without this marketplace. */
    @Column(name = "spec_json")
    public String specJson;

    @Column(name = "spec_hash", nullable = false)
    public String specHash;

    /** From the spec: binary_classification, multiclass_classification or regression; null when unknown. */
    public String task;

    /** From the spec: the primary metric. */
    public String metric;

    @Column(name = "test_set_commitment", nullable = false)
    public String testSetCommitment;

    @Column(name = "test_set_key")
    public String testSetKey;

    @Column(name = "test_set_sha256")
    public String testSetSha256;

    @Column(name = "test_set_size")
    public Long testSetSize;

    /** Hex salt of the test-set commitment: secret until the reveal. */
    @Column(name = "test_set_salt")
    public String testSetSalt;

    @Column(name = "public_sample_key")
    public String publicSampleKey;

    @Column(name = "public_sample_sha256")
    public String publicSampleSha256;

    @Column(name = "public_sample_size")
    public Long publicSampleSize;

    // ---- from the chain ----

    @Column(name = "onchain_id", precision = 78)
    public BigInteger onchainId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public BountyStatus status;

    public String token;

    @Column(precision = 78)
    public BigInteger reward;

    @Column(name = "higher_is_better")
    public Boolean higherIsBetter;

    /** Fixed point 1e6. */
    public Long threshold;

    @Column(name = "reveal_policy")
    public String revealPolicy;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(columnDefinition = "integer[]")
    public int[] shares;

    @Column(name = "submission_deadline")
    public Instant submissionDeadline;

    @Column(name = "evaluation_deadline")
    public Instant evaluationDeadline;

    @Column(name = "challenge_window_seconds")
    public Long challengeWindowSeconds;

    public String evaluator;

    public String arbiter;

    @Column(name = "max_submissions")
    public Integer maxSubmissions;

    @Column(name = "challenge_bond", precision = 78)
    public BigInteger challengeBond;

    /**
     * When the owner deleted this draft or upload from their lists; null while shown. The row stays, so a transaction
     * already sent still finds its test set or model (migrations/V13).
     */
    @Column(name = "deleted_at")
    public Instant deletedAt;

    @Column(name = "submission_count", nullable = false)
    public int submissionCount;

    @Column(name = "report_hash")
    public String reportHash;

    /** The results document the keeper proposed (or is proposing); its keccak256 is the on-chain reportHash. */
    @Column(name = "results_json")
    public String resultsJson;

    /**
     * The corrected results document the arbiter's overturnResults was prepared with: the results document once a
     * ResultsOverturned with its keccak256 as reportHash is indexed.
     */
    @Column(name = "overturn_results_json")
    public String overturnResultsJson;

    @Column(name = "challenge_deadline")
    public Instant challengeDeadline;

    public String challenger;

    @Column(name = "test_set_revealed", nullable = false)
    public boolean testSetRevealed;

    @Column(name = "results_overturned", nullable = false)
    public boolean resultsOverturned;

    @Column(name = "created_tx")
    public String createdTx;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** The status as a user sees it now: an open bounty whose deadline passed is closed. */
    public BountyStatus effectiveStatus(Instant now) {
        if (status == BountyStatus.OPEN && submissionDeadline != null && !now.isBefore(submissionDeadline)) {
            return BountyStatus.CLOSED;
        }
        return status;
    }

    /**
     * Which of the bounty's judges {@code account} is ("sponsor", "evaluator", "arbiter"), if any: the contract never
     * pays an entry of the bounty's judges (docs/protocol.md, "No judge in the race").
     */
    public Optional<String> judgeRole(String account) {
        if (account == null) {
            return Optional.empty();
        }
        if (account.equalsIgnoreCase(sponsor)) {
            return Optional.of("sponsor");
        }
        if (account.equalsIgnoreCase(evaluator)) {
            return Optional.of("evaluator");
        }
        return account.equalsIgnoreCase(arbiter) ? Optional.of("arbiter") : Optional.empty();
    }

    /**
     * For a public bounty with results and no reveal yet, the time from which the reveal counts as withheld: the
     * challenge deadline set by the proposal (a reveal moves that deadline, but then none is due).
     */
    public Optional<Instant> revealDeadline() {
        return "public".equals(revealPolicy) && !testSetRevealed ? Optional.ofNullable(challengeDeadline)
                : Optional.empty();
    }

    /**
     * The live leaderboard's terms from the spec (its share of the hidden test set, scorings per contributor per day);
     * empty for a bounty whose spec is not known here (or no longer parses: such a bounty is not evaluated here, and
     * the indexer must not stop on it).
     */
    public Optional<LiveBoardSpec> liveBoard() {
        if (specJson == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(BountySpec.parse(specJson).liveBoard());
        } catch (EvaluationException e) {
            io.quarkus.logging.Log.warnf("The stored spec of bounty %d does not parse: %s", id, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Whether {@code viewer} is this bounty's arbiter and the bounty is disputed: the one person who may then read what
     * is not published yet (a confidential test set, unpublished models), to rule on the challenge.
     */
    public boolean arbiterDuringDispute(Optional<String> viewer) {
        return status == BountyStatus.DISPUTED && arbiter != null && viewer.isPresent()
                && viewer.get().equalsIgnoreCase(arbiter);
    }

    public Optional<StoredObject> hiddenTestSet() {
        return testSetKey == null ? Optional.empty()
                : Optional.of(new StoredObject(testSetKey, testSetSha256, testSetSize, true));
    }

    public Optional<StoredObject> publicSample() {
        return publicSampleKey == null ? Optional.empty()
                : Optional.of(new StoredObject(publicSampleKey, publicSampleSha256, publicSampleSize, false));
    }

    public static Optional<Bounty> findOnChain(String contract, BigInteger onchainId) {
        return find("contract = ?1 and onchainId = ?2", contract, onchainId).firstResultOptional();
    }

    /** The sponsor's draft that a BountyCreated event with this commitment brings on-chain. */
    public static Optional<Bounty> findDraft(String contract, String sponsor, String testSetCommitment) {
        return find("contract = ?1 and sponsor = ?2 and testSetCommitment = ?3 and onchainId is null", contract, sponsor,
                testSetCommitment).firstResultOptional();
    }
}
