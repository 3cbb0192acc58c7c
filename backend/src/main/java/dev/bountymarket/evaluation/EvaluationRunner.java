package dev.bountymarket.evaluation;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.quarkus.logging.Log;

import org.web3j.utils.Numeric;

import dev.bountymarket.bounty.Bounty;
import dev.bountymarket.evaluation.EvaluationJob.Kind;
import dev.bountymarket.evaluation.EvaluationQueue.Lease;
import dev.bountymarket.evaluator.ErrorCode;
import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.HostPaths;
import dev.bountymarket.evaluator.EvaluationRequest;
import dev.bountymarket.evaluator.EvaluationResult;
import dev.bountymarket.evaluator.dataset.LiveSplit;
import dev.bountymarket.evaluator.sandbox.EvaluationOutcome;
import dev.bountymarket.evaluator.sandbox.SandboxedEvaluator;
import dev.bountymarket.evaluator.spec.BountySpec;
import dev.bountymarket.evaluator.spec.ImageInput;
import dev.bountymarket.notification.Notifications;
import dev.bountymarket.storage.ContentStore;
import dev.bountymarket.storage.StoredObject;
import dev.bountymarket.submission.Submission;

/**
 * Runs leased evaluations: copies the model and the test set (decrypted, for a private evaluation) into a scratch
 * folder, scores the model in the sandbox while renewing the lease, and records the outcome if the lease is still
 * held. A group of one bounty's private evaluations reads the test set decoded once instead of the plain file; the
 * reports are the same byte for byte. A model's fault or a sponsor's fault fails the job at once with the evaluator's message; the platform's
 * faults are retried with backoff.
 */
@ApplicationScoped
public class EvaluationRunner {

    @Inject
    EvaluationQueue queue;

    @Inject
    EvaluationMetrics metrics;

    @Inject
    Notifications notifications;

    @Inject
    EvaluationConfig config;

    @Inject
    ContentStore store;

    @Inject
    SandboxedEvaluator evaluator;

    @Inject
    EvaluationSlots slots;

    @Inject
    DecodedTestSets decodedSets;

    /** What a job needs, read in one transaction. */
    record Inputs(Kind kind, String specJson, StoredObject model, StoredObject testSet, String testSetSalt) {
    }

    /**
     * Leases ready work and runs it: one job, or a group of one bounty's private evaluations that share one decoding
     * of its test set. @return whether there was any
     */
    public boolean workOnce(String owner) {
        List<Lease> leases = queue.leaseGroup(owner, config.groupSize());
        if (leases.size() == 1) {
            run(leases.get(0));
        } else if (!leases.isEmpty()) {
            runGroup(leases);
        }
        return !leases.isEmpty();
    }

    void run(Lease lease) {
        runGroup(List.of(lease));
    }

    /**
     * Runs leased jobs one after another in job order, renewing every lease not yet recorded. A group's private
     * evaluations read the bounty's test set decoded once ({@link DecodedTestSets}), taken at the first evaluation and
     * let go after the last; a job whose lease is lost before its turn is skipped (its new holder runs it).
     */
    private void runGroup(List<Lease> leases) {
        Map<Lease, AtomicBoolean> pending = new ConcurrentHashMap<>();
        leases.forEach(lease -> pending.put(lease, new AtomicBoolean(true)));
        ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lease-" + leases.get(0).jobId());
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, config.lease().toMillis() / 3);
        heartbeat.scheduleAtFixedRate(() -> pending.forEach((lease, held) -> {
            if (held.get() && !queue.renew(lease)) {
                // another worker owns the job now: stop our child rather than run it to the end for nothing
                held.set(false);
                Log.warnf("Evaluation job %d: lease lost; its evaluation is stopped", lease.jobId());
            }
        }), every, every, TimeUnit.MILLISECONDS);
        DecodedTestSets.Handle[] decoded = new DecodedTestSets.Handle[1];
        try {
            for (Lease lease : leases) {
                AtomicBoolean held = pending.get(lease);
                Inputs inputs;
                try {
                    inputs = inputs(lease);
                } catch (MissingInput e) {
                    record(lease, null, e.getMessage());
                    pending.remove(lease);
                    continue;
                }
                if (!held.get()) {
                    pending.remove(lease);
                    continue;
                }
                EvaluationOutcome outcome;
                try {
                    outcome = slots.call(lease, () -> {
                        if (leases.size() > 1 && decoded[0] == null) {
                            decoded[0] = decodedSets.acquire(inputs.testSet(), inputs.specJson(), inputs.testSetSalt(),
                                    part(inputs.kind()));
                        }
                        return evaluate(lease, inputs, held, decoded[0] == null ? null : decoded[0].file().orElse(null));
                    });
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                    outcome = new EvaluationOutcome.Failure(new EvaluationException(ErrorCode.INTERNAL_ERROR,
                            "The evaluation could not be run: " + HostPaths.remove(e.getMessage()), e));
                }
                pending.remove(lease);
                record(lease, outcome, null);
                if (Thread.currentThread().isInterrupted()) {
                    // shutting down: the group's other leases expire and other workers take their jobs
                    break;
                }
            }
        } finally {
            heartbeat.shutdownNow();
            if (decoded[0] != null) {
                decoded[0].close();
            }
        }
    }

    /** The name a test set is copied under; the evaluator's messages name it. */
    static String testSetName(BountySpec spec) {
        return spec.input() instanceof ImageInput ? "test-set.zip" : "test-set.csv";
    }

    private static LiveSplit.Part part(Kind kind) {
        return kind == Kind.LIVE ? LiveSplit.Part.LIVE : LiveSplit.Part.PRIVATE;
    }

    /**
     * The model goes to a folder of its own, the test set (unless {@code decoded} holds it already) to another, then the
     * sandbox scores the model with a heap sized for the test set, stopped early if the lease is lost.
     */
    private EvaluationOutcome evaluate(Lease lease, Inputs inputs, AtomicBoolean held, Path decoded) {
        try (ScratchFolder work = ScratchFolder.create("eval-" + lease.jobId())) {
            BountySpec spec = BountySpec.parse(inputs.specJson());
            Path model = work.folder("model").resolve("model.onnx");
            store.copyTo(inputs.model(), model);
            Path testSet = decoded;
            if (testSet == null) {
                testSet = work.folder("test-set").resolve(testSetName(spec));
                store.copyTo(inputs.testSet(), testSet);
            }
            EvaluationRequest request = new EvaluationRequest(spec, model, testSet);
            if (inputs.kind() != Kind.PUBLIC) {
                // the live board and the results score disjoint parts of the hidden test set (docs/protocol.md)
                request = request.part(Numeric.hexStringToByteArray(inputs.testSetSalt()), part(inputs.kind()));
            }
            if (decoded != null) {
                request = request.withDecodedTestSet(decoded);
            }
            return work.scrub(evaluator.sizedFor(spec, inputs.testSet().size()).evaluate(request, held::get));
        } catch (EvaluationException e) {
            return new EvaluationOutcome.Failure(e);
        } catch (IOException | RuntimeException e) {
            return new EvaluationOutcome.Failure(new EvaluationException(ErrorCode.INTERNAL_ERROR,
                    "The evaluation could not be prepared: " + HostPaths.remove(e.getMessage()), e));
        }
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    Inputs inputs(Lease lease) throws MissingInput {
        EvaluationJob job = EvaluationJob.findById(lease.jobId());
        Submission submission = Submission.findById(job.submissionId);
        Bounty bounty = Bounty.findById(submission.bountyId);
        Optional<StoredObject> model = submission.model();
        if (model.isEmpty()) {
            throw new MissingInput("This submission was committed on-chain but its model was never uploaded here, so"
                    + " it cannot be evaluated.");
        }
        if (bounty.specJson == null) {
            throw new MissingInput("This bounty was created outside this marketplace: its spec is not known here.");
        }
        Optional<StoredObject> testSet = job.kind == Kind.PUBLIC ? bounty.publicSample() : bounty.hiddenTestSet();
        if (testSet.isEmpty()) {
            throw new MissingInput("This bounty has no " + (job.kind == Kind.PUBLIC ? "public sample" : "hidden test set")
                    + " stored here.");
        }
        if (job.kind != Kind.PUBLIC && bounty.testSetSalt == null) {
            throw new MissingInput("This bounty's test-set salt is not stored here, so its hidden test set cannot be"
                    + " split into its live and private parts.");
        }
        return new Inputs(job.kind, bounty.specJson, model.get(), testSet.get(), bounty.testSetSalt);
    }

    /** Records the outcome (or a missing input) if {@code lease} is still held; otherwise drops it. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    void record(Lease lease, EvaluationOutcome outcome, String missingInput) {
        Optional<EvaluationJob> held = queue.held(lease);
        if (held.isEmpty()) {
            Log.warnf("Evaluation job %d: the lease of attempt %d was taken over; result dropped", lease.jobId(),
                    lease.attempt());
            return;
        }
        EvaluationJob job = held.get();
        Submission submission = Submission.findById(job.submissionId);
        if (missingInput != null) {
            queue.fail(job, "INPUT_MISSING", missingInput);
        } else if (outcome instanceof EvaluationOutcome.Success success) {
            succeed(job, submission, success.result());
        } else {
            EvaluationException error = ((EvaluationOutcome.Failure) outcome).error();
            if (error.code().party() == ErrorCode.Party.PLATFORM) {
                Log.warnf("Evaluation job %d, attempt %d: %s", job.id, job.attempts, error.getMessage());
                queue.retryOrFail(job, error.code().name(), error.getMessage());
            } else {
                queue.fail(job, error.code().name(), error.getMessage());
            }
        }
        if (job.kind == Kind.LIVE && job.status == EvaluationJob.Status.DONE) {
            notifications.liveScore(Bounty.findById(submission.bountyId), submission);
        }
        if (job.kind == Kind.PUBLIC && job.status == EvaluationJob.Status.FAILED) {
            submission.validationError = job.errorMessage;
            submission.validationErrorCode = job.errorCode;
        }
        metrics.finished(job);
        Log.infof("Evaluation job %d (%s, submission %d): %s%s", job.id, job.kind, submission.id, job.status,
                job.status == EvaluationJob.Status.DONE ? " score " + job.score : " " + job.errorCode);
    }

    private static void succeed(EvaluationJob job, Submission submission, EvaluationResult result) {
        job.status = EvaluationJob.Status.DONE;
        job.score = result.report().score();
        job.reportJson = result.report().canonicalJson();
        job.reportHash = result.reportHash();
        job.device = result.device();
        job.errorCode = null;
        job.errorMessage = null;
        job.leaseOwner = null;
        job.leaseExpiresAt = null;
        job.finishedAt = Instant.now();
        if (job.kind == Kind.LIVE) {
            submission.liveScore = job.score;
        }
        if (job.kind == Kind.PUBLIC) {
            submission.publicScore = job.score;
            submission.publicReport = job.reportJson;
            submission.validationError = null;
            submission.validationErrorCode = null;
        }
    }

    /** An input the job needs is not here and never will be. */
    static final class MissingInput extends Exception {
        MissingInput(String message) {
            super(message);
        }
    }
}
