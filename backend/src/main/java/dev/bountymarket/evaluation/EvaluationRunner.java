package dev.bountymarket.evaluation;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
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
 * Runs one leased evaluation: copies the model and the test set (decrypted, for a private evaluation) into a scratch
 * folder, scores the model in the sandbox while renewing the lease, and records the outcome if the lease is still
 * held. A model's fault or a sponsor's fault fails the job at once with the evaluator's message; the platform's
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

    /** What a job needs, read in one transaction. */
    record Inputs(Kind kind, String specJson, StoredObject model, StoredObject testSet, String testSetSalt) {
    }

    /** Leases one ready job and runs it. @return whether there was one */
    public boolean workOnce(String owner) {
        Optional<Lease> lease = queue.lease(owner);
        lease.ifPresent(this::run);
        return lease.isPresent();
    }

    void run(Lease lease) {
        Inputs inputs;
        try {
            inputs = inputs(lease);
        } catch (MissingInput e) {
            record(lease, null, e.getMessage());
            return;
        }
        ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lease-" + lease.jobId());
            t.setDaemon(true);
            return t;
        });
        AtomicBoolean held = new AtomicBoolean(true);
        long every = Math.max(1, config.lease().toMillis() / 3);
        heartbeat.scheduleAtFixedRate(() -> {
            if (held.get() && !queue.renew(lease)) {
                // another worker owns the job now: stop our child rather than run it to the end for nothing
                held.set(false);
                Log.warnf("Evaluation job %d: lease lost; its evaluation is stopped", lease.jobId());
            }
        }, every, every, TimeUnit.MILLISECONDS);
        EvaluationOutcome outcome;
        try {
            outcome = slots.call(lease, () -> evaluate(lease, inputs, held));
        } catch (Exception e) {
            outcome = new EvaluationOutcome.Failure(new EvaluationException(ErrorCode.INTERNAL_ERROR,
                    "The evaluation could not be run: " + HostPaths.remove(e.getMessage()), e));
        } finally {
            heartbeat.shutdownNow();
        }
        record(lease, outcome, null);
    }

    /**
     * The model and the test set go to separate folders (the model alone in its own), then the sandbox scores the model
     * with a heap sized for the test set, stopped early if the lease is lost.
     */
    private EvaluationOutcome evaluate(Lease lease, Inputs inputs, AtomicBoolean held) {
        try (ScratchFolder work = ScratchFolder.create("eval-" + lease.jobId())) {
            BountySpec spec = BountySpec.parse(inputs.specJson());
            Path model = work.folder("model").resolve("model.onnx");
            Path testSet = work.folder("test-set").resolve(spec.input() instanceof ImageInput ? "test-set.zip"
                    : "test-set.csv");
            store.copyTo(inputs.model(), model);
            store.copyTo(inputs.testSet(), testSet);
            EvaluationRequest request = new EvaluationRequest(spec, model, testSet);
            if (inputs.kind() != Kind.PUBLIC) {
                // the live board and the results score disjoint parts of the hidden test set (docs/protocol.md)
                request = request.part(Numeric.hexStringToByteArray(inputs.testSetSalt()),
                        inputs.kind() == Kind.LIVE ? LiveSplit.Part.LIVE : LiveSplit.Part.PRIVATE);
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
