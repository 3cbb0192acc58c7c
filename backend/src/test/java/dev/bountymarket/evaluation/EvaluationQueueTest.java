package dev.bountymarket.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;

import dev.bountymarket.bounty.Bounty;
import dev.bountymarket.bounty.BountyStatus;
import dev.bountymarket.evaluation.EvaluationJob.Kind;
import dev.bountymarket.evaluation.EvaluationJob.Status;
import dev.bountymarket.evaluation.EvaluationQueue.Lease;
import dev.bountymarket.evaluator.ErrorCode;
import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.sandbox.EvaluationOutcome;
import dev.bountymarket.evaluator.spec.BountySpec;
import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.storage.ContentStore;
import dev.bountymarket.storage.StoredObject;
import dev.bountymarket.submission.Submission;
import dev.bountymarket.submission.SubmissionService;
import dev.bountymarket.testing.MlFixtures;
import dev.bountymarket.testing.TestChain;
import dev.bountymarket.testing.TestDatabase;

/** The evaluation queue against PostgreSQL: leases, their expiry after a worker dies, fencing, retries, giving up. */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestChain.class)
class EvaluationQueueTest {

    private final Credentials alice = DevAccounts.account(4);

    @Inject
    EvaluationQueue queue;

    @Inject
    EvaluationRunner runner;

    @Inject
    ContentStore store;

    @Inject
    EvaluationConfig config;

    @TempDir
    Path dir;

    @BeforeEach
    void emptyQueue() {
        // Other test classes share this database: their jobs must not be leased here.
        QuarkusTransaction.requiringNew().run(() -> EvaluationJob.deleteAll());
    }

    @Test
    void lease_givesAJobToOneWorkerOnly() {
        long job = queuedJob(submission(MlFixtures.write(dir), false));

        Lease first = queue.lease("worker-a").orElseThrow();
        assertEquals(job, first.jobId());
        assertTrue(queue.lease("worker-b").isEmpty(), "a held job is nobody else's");
    }

    @Test
    void leaseGroup_takesOneBountysPrivateJobsTogetherAndLeavesOtherBountiesToOtherWorkers() {
        MlFixtures files = MlFixtures.write(dir);
        long a1 = queuedJob(submission(files, false));
        long b1 = queuedJob(submission(files, false));
        long a2 = queuedJob(addSubmission(bountyOf(a1), files.weakModel(), 1));
        long b2 = queuedJob(addSubmission(bountyOf(b1), files.weakModel(), 1));
        long a3 = queuedJob(addSubmission(bountyOf(a1), files.goodModel(), 2));

        List<Lease> first = queue.leaseGroup("worker-a", 32);
        assertEquals(List.of(a1, a2, a3), first.stream().map(Lease::jobId).toList(), "bounty A's jobs, in job order");
        List<Lease> second = queue.leaseGroup("worker-b", 32);
        assertEquals(List.of(b1, b2), second.stream().map(Lease::jobId).toList(), "bounty B's, for the other worker");
        assertTrue(queue.leaseGroup("worker-c", 32).isEmpty());
        // each job has a lease of its own: renewing one leaves the others as they were
        assertTrue(first.stream().allMatch(queue::renew));
    }

    @Test
    void leaseGroup_takesNoMoreThanItsSizeNorAnyJobButAPrivateOne() {
        MlFixtures files = MlFixtures.write(dir);
        long a1 = queuedJob(submission(files, false));
        long a2 = queuedJob(addSubmission(bountyOf(a1), files.weakModel(), 1));
        long a3 = queuedJob(addSubmission(bountyOf(a1), files.goodModel(), 2));

        assertEquals(List.of(a1, a2), queue.leaseGroup("worker-a", 2).stream().map(Lease::jobId).toList());
        assertEquals(List.of(a3), queue.leaseGroup("worker-b", 2).stream().map(Lease::jobId).toList());
        long sub = QuarkusTransaction.requiringNew().call(() -> EvaluationJob.<EvaluationJob>findById(a1).submissionId);
        QuarkusTransaction.requiringNew().run(() -> queue.enqueue(sub, Kind.PUBLIC));
        assertEquals(1, queue.leaseGroup("worker-c", 32).size(), "an upload check is leased alone");
    }

    @Test
    void workOnce_afterAWorkerDiedMidEvaluation_leasesTheJobAgainAndScoresItExactlyOnce() throws Exception {
        long submission = submission(MlFixtures.write(dir), false);
        long job = queuedJob(submission);

        // A worker takes the job and dies mid-evaluation: it never renews its lease nor records anything.
        Lease dead = queue.lease("dead-worker").orElseThrow();
        assertEquals(job, dead.jobId());
        assertFalse(runner.workOnce("live-worker"), "the job is still leased");

        Thread.sleep(3500); // the lease (3 s in tests) expires
        assertTrue(runner.workOnce("live-worker"));
        EvaluationJob done = job(job);
        assertEquals(Status.DONE, done.status);
        assertEquals(2, done.attempts);
        String report = done.reportJson;

        // The dead worker comes back to life and tries to record its result: fenced off, nothing changes.
        assertFalse(queue.renew(dead), "its lease is gone");
        runner.record(dead, null, "a late and wrong result");
        EvaluationJob after = job(job);
        assertEquals(Status.DONE, after.status);
        assertEquals(report, after.reportJson);
        assertNull(after.errorMessage);
        assertEquals(1, QuarkusTransaction.requiringNew().call(() -> EvaluationJob.count("submissionId", submission)));
    }

    @Test
    void workOnce_failsAJobForGoodWithTheEvaluatorsMessageWhenTheModelIsBroken() {
        long job = queuedJob(submission(MlFixtures.write(dir), true));

        assertTrue(runner.workOnce("worker"));

        EvaluationJob failed = job(job);
        assertEquals(Status.FAILED, failed.status);
        assertEquals("MODEL_UNREADABLE", failed.errorCode);
        assertEquals(1, failed.attempts, "a broken model is not retried");
        assertFalse(failed.errorMessage.isBlank());
        assertFalse(failed.errorMessage.contains(ScratchFolder.PREFIX), "no server path in: " + failed.errorMessage);
    }

    @Test
    void lease_givesUpOnAJobWhoseWorkersKeepDying() throws Exception {
        long job = queuedJob(submission(MlFixtures.write(dir), false));
        for (int attempt = 1; attempt <= 3; attempt++) {
            Lease lease = queue.lease("doomed-worker-" + attempt).orElseThrow();
            assertEquals(attempt, lease.attempt());
            Thread.sleep(3500);
        }

        assertTrue(queue.lease("next-worker").isEmpty(), "the third lost lease was the last");
        EvaluationJob failed = job(job);
        assertEquals(Status.FAILED, failed.status);
        assertEquals("WORKER_LOST", failed.errorCode);
    }

    @Test
    void retryOrFail_backsOffThenFailsAfterTheLastAttempt() {
        long job = queuedJob(submission(MlFixtures.write(dir), false));
        Lease lease = queue.lease("worker").orElseThrow();

        QuarkusTransaction.requiringNew().run(() -> queue.retryOrFail(queue.held(lease).orElseThrow(), "INTERNAL_ERROR",
                "the disk is full"));
        EvaluationJob retried = job(job);
        assertEquals(Status.QUEUED, retried.status);
        assertTrue(retried.runAfter.isAfter(Instant.now()), "not before its backoff");
        assertNotEquals(null, retried.errorMessage);
        assertTrue(queue.lease("worker").isEmpty(), "waiting out the backoff");
    }

    @Test
    void record_failsAJobAtOnceForTheSponsorsOrTheContributorsFault() {
        MlFixtures files = MlFixtures.write(dir);
        for (ErrorCode code : List.of(ErrorCode.MALFORMED_TEST_SET, ErrorCode.INPUT_MISMATCH)) {
            long job = queuedJob(submission(files, false));
            Lease lease = queue.lease("worker").orElseThrow();
            runner.record(lease, new EvaluationOutcome.Failure(new EvaluationException(code, "their fault")), null);

            EvaluationJob failed = job(job);
            assertEquals(Status.FAILED, failed.status, code.name());
            assertEquals(code.name(), failed.errorCode);
            assertEquals("their fault", failed.errorMessage);
            assertEquals(1, failed.attempts, code + " is " + code.party() + "'s to fix: retrying cannot help");
        }
    }

    @Test
    void record_retriesAPlatformFaultUpToMaxAttemptsThenFailsSayingSo() {
        long job = queuedJob(submission(MlFixtures.write(dir), false));
        EvaluationOutcome fault = new EvaluationOutcome.Failure(new EvaluationException(ErrorCode.INTERNAL_ERROR,
                "the disk is full"));
        for (int attempt = 1; attempt < config.maxAttempts(); attempt++) {
            Lease lease = queue.lease("worker").orElseThrow();
            assertEquals(attempt, lease.attempt());
            runner.record(lease, fault, null);
            EvaluationJob retried = job(job);
            assertEquals(Status.QUEUED, retried.status, "attempt " + attempt + " is retried");
            assertEquals("INTERNAL_ERROR", retried.errorCode);
            // skip the backoff
            QuarkusTransaction.requiringNew().run(() -> EvaluationJob.update("runAfter = ?1 where id = ?2",
                    Instant.now().minusSeconds(1), job));
        }
        Lease last = queue.lease("worker").orElseThrow();
        assertEquals(config.maxAttempts(), last.attempt());
        runner.record(last, fault, null);

        EvaluationJob failed = job(job);
        assertEquals(Status.FAILED, failed.status);
        assertEquals("INTERNAL_ERROR", failed.errorCode);
        assertEquals("the disk is full (gave up after " + config.maxAttempts() + " attempts)", failed.errorMessage);
        assertTrue(queue.lease("worker").isEmpty(), "no attempt after the last");
    }

    /** An uploaded, committed submission of an open bounty with the fixtures' spec and test sets. */
    private long submission(MlFixtures files, boolean broken) {
        StoredObject sample = put(files.publicSample(), false);
        StoredObject testSet = put(files.testSet(), true);
        StoredObject model = put(broken ? files.brokenModel() : files.goodModel(), false);
        return QuarkusTransaction.requiringNew().call(() -> {
            Bounty bounty = new Bounty();
            bounty.chainId = 31337;
            bounty.contract = "0x0000000000000000000000000000000000000001";
            bounty.sponsor = DevAccounts.account(1).getAddress();
            bounty.title = "queue test";
            bounty.description = "";
            BountySpec spec = BountySpec.parse(files.spec());
            bounty.specJson = spec.canonicalJson();
            bounty.specHash = spec.hash();
            bounty.testSetCommitment = "0x" + "11".repeat(32);
            bounty.testSetSalt = "22".repeat(32); // splits the hidden test set into its live and private parts
            bounty.testSetKey = testSet.key();
            bounty.testSetSha256 = testSet.sha256();
            bounty.testSetSize = testSet.size();
            bounty.publicSampleKey = sample.key();
            bounty.publicSampleSha256 = sample.sha256();
            bounty.publicSampleSize = sample.size();
            bounty.status = BountyStatus.OPEN;
            bounty.createdAt = Instant.now();
            bounty.updatedAt = Instant.now();
            bounty.persist();
            Submission s = new Submission();
            s.bountyId = bounty.id;
            s.contributor = alice.getAddress();
            s.modelKey = model.key();
            s.modelSha256 = model.sha256();
            s.modelSize = model.size();
            s.commitment = SubmissionService.commitment(model.sha256(), alice.getAddress());
            s.chainIndex = 0;
            s.createdAt = Instant.now();
            s.persist();
            return s.id;
        });
    }

    private long bountyOf(long job) {
        return QuarkusTransaction.requiringNew().call(() -> Submission.<Submission>findById(
                EvaluationJob.<EvaluationJob>findById(job).submissionId).bountyId);
    }

    /** Another committed submission of {@code bounty}, the {@code index}-th. */
    private long addSubmission(long bounty, Path modelFile, int index) {
        StoredObject model = put(modelFile, false);
        return QuarkusTransaction.requiringNew().call(() -> {
            Submission s = new Submission();
            s.bountyId = bounty;
            String contributor = DevAccounts.account(4 + index).getAddress();
            s.contributor = contributor;
            s.modelKey = model.key();
            s.modelSha256 = model.sha256();
            s.modelSize = model.size();
            s.commitment = SubmissionService.commitment(model.sha256(), contributor);
            s.chainIndex = index;
            s.createdAt = Instant.now();
            s.persist();
            return s.id;
        });
    }

    private long queuedJob(long submission) {
        QuarkusTransaction.requiringNew().run(() -> queue.enqueue(submission, Kind.PRIVATE));
        return QuarkusTransaction.requiringNew().call(() -> EvaluationJob.find(submission, Kind.PRIVATE).orElseThrow().id);
    }

    private StoredObject put(Path file, boolean encrypt) {
        try (var in = Files.newInputStream(file)) {
            return store.put(in, Long.MAX_VALUE, encrypt);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static EvaluationJob job(long id) {
        return QuarkusTransaction.requiringNew().call(() -> EvaluationJob.<EvaluationJob>findById(id));
    }
}
