package dev.bountymarket.evaluation;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import dev.bountymarket.evaluation.EvaluationJob.Kind;

/**
 * Evaluation jobs in PostgreSQL. A worker leases the oldest ready job with {@code FOR UPDATE SKIP LOCKED} (and with a
 * private evaluation, more of the same bounty's: {@link #leaseGroup}), so workers in any number of processes never take
 * the same job; a lease that is not renewed expires and the job is
 * taken again. A lease is identified by its owner and attempt number: a worker whose lease was taken over can no
 * longer renew it or record a result (fencing), so a submission gets exactly one score of each kind.
 * Leases are timed by the database's clock, so machines with skewed clocks agree on when one expired.
 */
@ApplicationScoped
public class EvaluationQueue {

    /** A job held by a worker: present it to renew the lease or record the result. */
    public record Lease(long jobId, String owner, int attempt) {
    }

    @Inject
    EntityManager em;

    @Inject
    EvaluationConfig config;

    /** Queues an evaluation unless one of that kind exists for the submission (in the caller's transaction). */
    public void enqueue(long submissionId, Kind kind) {
        em.createNativeQuery("""
                INSERT INTO evaluation_job (id, submission_id, kind, status, attempts, run_after, created_at)
                VALUES (nextval('evaluation_job_seq'), ?1, ?2, 'QUEUED', 0, now(), now())
                ON CONFLICT (submission_id, kind) DO NOTHING""")
                .setParameter(1, submissionId).setParameter(2, kind.name()).executeUpdate();
    }

    /**
     * Queues the live-board scoring of a committed submission (in the caller's transaction), unless it has one,
     * counted against its contributor's daily scorings on this bounty ({@code perDay}, a term of its spec): on the
     * first UTC day, from today on, with room left, and runnable from that day's start. So however a commitment
     * reaches the chain, no contributor is scored on the live part more than {@code perDay} times a day.
     *
     * @return the day it counts against
     */
    public LocalDate enqueueLive(long submissionId, long bountyId, String contributor, int perDay) {
        // one contributor's scorings on one bounty are placed one at a time
        em.createNativeQuery("SELECT pg_advisory_xact_lock(hashtext('live-quota'), hashtext(?1))")
                .setParameter(1, bountyId + "/" + contributor.toLowerCase(Locale.ROOT)).getSingleResult();
        Optional<LocalDate> existing = EvaluationJob.find(submissionId, Kind.LIVE).map(j -> j.quotaDay);
        if (existing.isPresent()) {
            return existing.get();
        }
        LocalDate today = today();
        Map<LocalDate, Long> used = liveScoringsFrom(bountyId, contributor, today);
        LocalDate day = today;
        while (used.getOrDefault(day, 0L) >= perDay) {
            day = day.plusDays(1);
        }
        em.createNativeQuery("""
                INSERT INTO evaluation_job (id, submission_id, kind, status, attempts, run_after, created_at, quota_day)
                VALUES (nextval('evaluation_job_seq'), ?1, 'LIVE', 'QUEUED', 0,
                        greatest(now(), CAST(CAST(?2 AS date) AS timestamp) AT TIME ZONE 'UTC'), now(), ?2)
                ON CONFLICT (submission_id, kind) DO NOTHING""")
                .setParameter(1, submissionId).setParameter(2, day).executeUpdate();
        return day;
    }

    /** Today (UTC) by the database's clock, which every server shares. */
    public LocalDate today() {
        Object day = em.createNativeQuery("SELECT CAST(now() AT TIME ZONE 'UTC' AS date)").getSingleResult();
        return day instanceof java.sql.Date date ? date.toLocalDate() : (LocalDate) day;
    }

    /** A contributor's live-board scorings on a bounty per UTC day, from {@code from} on. */
    public Map<LocalDate, Long> liveScoringsFrom(long bountyId, String contributor, LocalDate from) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                SELECT j.quota_day, count(*) FROM evaluation_job j JOIN submission s ON s.id = j.submission_id
                 WHERE j.kind = 'LIVE' AND j.quota_day >= ?3 AND s.bounty_id = ?1 AND lower(s.contributor) = ?2
                 GROUP BY j.quota_day""")
                .setParameter(1, bountyId).setParameter(2, contributor.toLowerCase(Locale.ROOT)).setParameter(3, from)
                .getResultList();
        Map<LocalDate, Long> used = new HashMap<>();
        for (Object[] row : rows) {
            LocalDate day = row[0] instanceof java.sql.Date date ? date.toLocalDate() : (LocalDate) row[0];
            used.put(day, ((Number) row[1]).longValue());
        }
        return used;
    }

    /** Queues the private evaluation of every committed, uploaded submission of a bounty (its deadline passed). */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public int enqueuePrivate(long bountyId) {
        return em.createNativeQuery("""
                INSERT INTO evaluation_job (id, submission_id, kind, status, attempts, run_after, created_at)
                SELECT nextval('evaluation_job_seq'), s.id, 'PRIVATE', 'QUEUED', 0, now(), now()
                  FROM submission s
                 WHERE s.bounty_id = ?1 AND s.chain_index IS NOT NULL AND s.model_key IS NOT NULL
                ON CONFLICT (submission_id, kind) DO NOTHING""")
                .setParameter(1, bountyId).executeUpdate();
    }

    /** Takes the oldest ready job, or one whose worker stopped renewing its lease. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<Lease> lease(String owner) {
        return leaseGroup(owner, 1).stream().findFirst();
    }

    /**
     * Takes the oldest ready job, or one whose worker stopped renewing its lease; when it is a private evaluation, also
     * up to {@code max - 1} more ready private evaluations of the same bounty, so that one worker decodes that
     * bounty's test set once for all of them. Each job has its own lease (renew each; record each), in job order.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<Lease> leaseGroup(String owner, int max) {
        failAbandoned();
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                UPDATE evaluation_job
                   SET status = 'RUNNING', lease_owner = ?1, attempts = attempts + 1,
                       lease_expires_at = now() + make_interval(secs => ?2)
                 WHERE id = (SELECT id FROM evaluation_job
                              WHERE (status = 'QUEUED' AND run_after <= now())
                                 OR (status = 'RUNNING' AND lease_expires_at < now())
                              ORDER BY run_after, id
                              LIMIT 1
                              FOR UPDATE SKIP LOCKED)
                RETURNING id, attempts, kind, submission_id""")
                .setParameter(1, owner).setParameter(2, leaseSeconds()).getResultList();
        if (rows.isEmpty()) {
            return List.of();
        }
        Object[] first = rows.get(0);
        List<Lease> leases = new ArrayList<>();
        leases.add(new Lease(((Number) first[0]).longValue(), owner, ((Number) first[1]).intValue()));
        if (max > 1 && Kind.PRIVATE.name().equals(first[2])) {
            @SuppressWarnings("unchecked")
            List<Object[]> more = em.createNativeQuery("""
                    UPDATE evaluation_job
                       SET status = 'RUNNING', lease_owner = ?1, attempts = attempts + 1,
                           lease_expires_at = now() + make_interval(secs => ?2)
                     WHERE id IN (SELECT j.id FROM evaluation_job j JOIN submission s ON s.id = j.submission_id
                                   WHERE j.kind = 'PRIVATE' AND j.id <> ?3
                                     AND s.bounty_id = (SELECT bounty_id FROM submission WHERE id = ?4)
                                     AND ((j.status = 'QUEUED' AND j.run_after <= now())
                                       OR (j.status = 'RUNNING' AND j.lease_expires_at < now()
                                           AND j.attempts < ?6))
                                   ORDER BY j.id
                                   LIMIT ?5
                                   FOR UPDATE OF j SKIP LOCKED)
                    RETURNING id, attempts""")
                    .setParameter(1, owner).setParameter(2, leaseSeconds()).setParameter(3, leases.get(0).jobId())
                    .setParameter(4, ((Number) first[3]).longValue()).setParameter(5, max - 1)
                    .setParameter(6, config.maxAttempts()).getResultList();
            for (Object[] row : more) {
                leases.add(new Lease(((Number) row[0]).longValue(), owner, ((Number) row[1]).intValue()));
            }
            leases.sort(Comparator.comparingLong(Lease::jobId));
        }
        return leases;
    }

    private double leaseSeconds() {
        return (double) config.lease().toMillis() / 1000;
    }

    /** Extends a lease. @return false when the lease was lost: the worker must drop the job. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean renew(Lease lease) {
        return em.createNativeQuery("""
                UPDATE evaluation_job SET lease_expires_at = now() + make_interval(secs => ?4)
                 WHERE id = ?1 AND lease_owner = ?2 AND attempts = ?3 AND status = 'RUNNING'""")
                .setParameter(1, lease.jobId()).setParameter(2, lease.owner()).setParameter(3, lease.attempt())
                .setParameter(4, (double) config.lease().toMillis() / 1000).executeUpdate() == 1;
    }

    /**
     * The job held under {@code lease}, locked until the caller's transaction ends, so that the result is recorded
     * only while the lease is still held.
     */
    public Optional<EvaluationJob> held(Lease lease) {
        return EvaluationJob.<EvaluationJob>find("id = ?1 and leaseOwner = ?2 and attempts = ?3 and status = ?4",
                lease.jobId(), lease.owner(), lease.attempt(), EvaluationJob.Status.RUNNING)
                .withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }

    /** Puts a job back for a later attempt, or fails it for good when attempts are used up. */
    public void retryOrFail(EvaluationJob job, String code, String message) {
        if (job.attempts >= config.maxAttempts()) {
            fail(job, code, message + " (gave up after " + job.attempts + " attempts)");
            return;
        }
        job.status = EvaluationJob.Status.QUEUED;
        job.runAfter = Instant.now().plus(backoff(job.attempts));
        job.leaseOwner = null;
        job.leaseExpiresAt = null;
        job.errorCode = code;
        job.errorMessage = message;
    }

    public void fail(EvaluationJob job, String code, String message) {
        job.status = EvaluationJob.Status.FAILED;
        job.errorCode = code;
        job.errorMessage = message;
        job.leaseOwner = null;
        job.leaseExpiresAt = null;
        job.finishedAt = Instant.now();
    }

    Duration backoff(int attempts) {
        return config.retryBackoff().multipliedBy(1L << Math.min(attempts - 1, 16));
    }

    /** Jobs whose workers died on every attempt: failing them beats leasing them forever. */
    private void failAbandoned() {
        em.createNativeQuery("""
                UPDATE evaluation_job
                   SET status = 'FAILED', error_code = 'WORKER_LOST', finished_at = now(),
                       error_message = 'The evaluation stopped without a result ' || attempts
                           || ' times (its worker process died or lost the database); it will not be retried.',
                       lease_owner = NULL, lease_expires_at = NULL
                 WHERE status = 'RUNNING' AND lease_expires_at < now() AND attempts >= ?1""")
                .setParameter(1, config.maxAttempts()).executeUpdate();
    }
}
