package dev.bountymarket.submission;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;

import org.web3j.utils.Numeric;

import dev.bountymarket.contracts.relay.RelayedSubmission;
import dev.bountymarket.bounty.ArbiterRelease;
import dev.bountymarket.bounty.Bounty;
import dev.bountymarket.process.ProcessConfig;
import dev.bountymarket.process.ProcessRoles;
import dev.bountymarket.bounty.BountyException;
import dev.bountymarket.bounty.BountyException.Code;
import dev.bountymarket.bounty.BountyStatus;
import dev.bountymarket.bounty.Payout;
import dev.bountymarket.chain.ChainClock;
import dev.bountymarket.chain.Transactions;
import dev.bountymarket.chain.WalletTransaction;
import dev.bountymarket.evaluation.EvaluationJob;
import dev.bountymarket.evaluation.EvaluationQueue;
import dev.bountymarket.evaluation.EvaluationSlots;
import dev.bountymarket.evaluation.ScratchFolder;
import dev.bountymarket.evaluator.ErrorCode;
import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.HostPaths;
import dev.bountymarket.evaluator.sandbox.EvaluationOutcome;
import dev.bountymarket.evaluator.sandbox.SandboxedEvaluator;
import dev.bountymarket.evaluator.spec.BountySpec;
import dev.bountymarket.evaluator.spec.ImageInput;
import dev.bountymarket.evaluator.spec.LiveBoardSpec;
import dev.bountymarket.storage.ContentStore;
import dev.bountymarket.storage.StorageConfig;
import dev.bountymarket.storage.StorageException;
import dev.bountymarket.storage.StoredObject;
import dev.bountymarket.storage.Upload;
import dev.bountymarket.storage.Uploads;

/**
 * Contributors' models: upload (stored content-addressed, then checked at once on the bounty's public sample, which
 * gives the public score), the commit transaction, the status timeline, reports and downloads.
 */
@ApplicationScoped
public class SubmissionService {

    @Inject
    ProcessRoles roles;

    @Inject
    Uploads uploads;

    @Inject
    ContentStore store;

    @Inject
    StorageConfig storage;

    @Inject
    SandboxedEvaluator evaluator;

    @Inject
    Transactions transactions;

    @Inject
    ChainClock clock;

    @Inject
    EvaluationSlots slots;

    @Inject
    EvaluationQueue evaluations;

    private final Map<Long, CheckTicket> checking = new ConcurrentHashMap<>();
    private final ExecutorService checks = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "upload-check");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * Stores a model for an open bounty and checks it on the public sample in an evaluation slot. When a slot is free
     * the answer carries the check's result; when every slot is taken the answer comes at once and the submission
     * reads "queued" with its place in line until the check has run. The check runs outside any database transaction.
     */
    public Submission upload(long bountyId, String contributor, Upload model, String expectedSha256) {
        Bounty bounty = openForSubmissions(bountyId, contributor);
        BountySpec spec;
        try {
            spec = BountySpec.parse(bounty.specJson);
        } catch (EvaluationException e) {
            throw new IllegalStateException("stored spec of bounty " + bountyId + " does not parse: " + e.getMessage(), e);
        }
        StoredObject stored = uploads.store(model, "model", storage.maxModelBytes(), false, expectedSha256, file -> { });
        Submission submission = save(bountyId, contributor, stored);
        boolean waitForIt = slots.idle();
        Future<?> check = startCheck(submission.id, spec, bounty.publicSample().orElseThrow(), stored,
                displayName(model.fileName()));
        if (waitForIt) {
            try {
                check.get();
            } catch (ExecutionException e) {
                Log.warnf("Check of submission %d: %s", submission.id, e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return submission;
    }

    private Future<?> startCheck(long submissionId, BountySpec spec, StoredObject sample, StoredObject model,
            String displayName) {
        CheckTicket ticket = new CheckTicket(submissionId);
        checking.put(submissionId, ticket);
        return checks.submit(() -> {
            try {
                EvaluationOutcome outcome = slots.call(ticket, () -> validate(spec, sample, model, displayName));
                record(submissionId, outcome);
            } catch (Exception e) {
                record(submissionId, couldNotRun(e));
            } finally {
                checking.remove(submissionId);
            }
        });
    }

    /** Checks of models whose server stopped before their check ran are run again at start. */
    void resumeChecks(@Observes StartupEvent startup) {
        if (!roles.has(ProcessConfig.Role.WEB)) {
            return; // upload checks are the web tier's: a worker leaves them to a web server's start
        }
        List<Object[]> pending = QuarkusTransaction.requiringNew().call(() -> Submission.getEntityManager()
                .createQuery("select s.id, b.specJson from Submission s, Bounty b where b.id = s.bountyId and"
                        + " s.modelKey is not null and s.chainIndex is null and s.publicScore is null and"
                        + " s.validationError is null", Object[].class).getResultList());
        for (Object[] row : pending) {
            long id = (Long) row[0];
            QuarkusTransaction.requiringNew().run(() -> {
                Submission s = Submission.findById(id);
                Bounty bounty = Bounty.findById(s.bountyId);
                try {
                    startCheck(id, BountySpec.parse((String) row[1]), bounty.publicSample().orElseThrow(),
                            s.model().orElseThrow(), "model.onnx");
                } catch (EvaluationException | RuntimeException e) {
                    Log.warnf("Check of submission %d cannot be resumed: %s", id, e.getMessage());
                }
            });
        }
        if (!pending.isEmpty()) {
            Log.infof("Resumed the checks of %d uploaded model(s)", pending.size());
        }
    }

    @PreDestroy
    void stopChecks() {
        checks.shutdownNow();
    }

    /** Where a submission's check stands when it has not run yet: queued with its place, or running. */
    public Optional<SubmissionView.Check> checkState(long submissionId) {
        CheckTicket ticket = checking.get(submissionId);
        if (ticket == null) {
            return Optional.empty();
        }
        OptionalInt position = slots.position(ticket);
        return Optional.of(position.isPresent() ? new SubmissionView.Check("queued", position.getAsInt())
                : new SubmissionView.Check("running", null));
    }

    /** A waiting check, by submission. */
    private record CheckTicket(long submissionId) {
    }

    /**
     * The model alone in its own folder, named as the contributor uploaded it (so that the evaluator's messages name
     * their file), the public sample in another, checked in a child JVM with a heap sized for the sample.
     */
    private EvaluationOutcome validate(BountySpec spec, StoredObject sample, StoredObject model, String displayName) {
        try (ScratchFolder work = ScratchFolder.create("check")) {
            Path samplePath = work.folder("sample").resolve(spec.input() instanceof ImageInput ? "sample.zip"
                    : "sample.csv");
            store.copyTo(sample, samplePath);
            Path modelPath = work.folder("model").resolve(displayName);
            store.copyTo(model, modelPath);
            return work.scrub(evaluator.sizedFor(spec, sample.size()).validate(spec, modelPath, samplePath));
        } catch (IOException | StorageException e) {
            return couldNotRun(e);
        }
    }

    private static EvaluationOutcome couldNotRun(Exception e) {
        return new EvaluationOutcome.Failure(new EvaluationException(ErrorCode.INTERNAL_ERROR,
                "The check could not run: " + HostPaths.remove(e.getMessage())
                        + ". It runs again once the model is committed.", e));
    }

    /** The uploaded file's name, reduced to a plain file name (model.onnx when nothing usable is left). */
    static String displayName(String uploadedName) {
        String name = uploadedName == null ? "" : uploadedName.replaceAll(".*[/\\\\]", "")
                .replaceAll("[^A-Za-z0-9._-]", "_");
        return name.isEmpty() || name.startsWith(".") ? "model.onnx" : name;
    }

    /** Writes the new submission in its own short transaction. */
    private static Submission save(long bountyId, String contributor, StoredObject model) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Submission s = new Submission();
            s.bountyId = bountyId;
            s.contributor = contributor;
            s.modelKey = model.key();
            s.modelSha256 = model.sha256();
            s.modelSize = model.size();
            s.commitment = commitment(model.sha256(), contributor);
            s.createdAt = Instant.now();
            s.persist();
            return s;
        });
    }

    /** Writes a check's outcome, unless the model's evaluation on the sample already has (after its commit). */
    private static void record(long submissionId, EvaluationOutcome outcome) {
        QuarkusTransaction.requiringNew().run(() -> {
            Submission s = Submission.findById(submissionId);
            if (s == null || s.publicScore != null || s.validationError != null) {
                return;
            }
            if (outcome instanceof EvaluationOutcome.Success success) {
                s.publicScore = success.result().report().score();
                s.publicReport = success.result().report().canonicalJson();
            } else {
                EvaluationException error = ((EvaluationOutcome.Failure) outcome).error();
                s.validationErrorCode = error.code().name();
                s.validationError = error.getMessage();
            }
        });
    }

    /** keccak256(abi.encode(bytes32 modelSha256, address contributor)), as the contract recomputes it. */
    public static String commitment(String modelSha256, String contributor) {
        return Numeric.toHexString(RelayedSubmission.commitment(Numeric.hexStringToByteArray(modelSha256), contributor));
    }

    /** The contributor's submit transaction, refused when the contract (or the model's own check) would make it futile. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public WalletTransaction submitTransaction(long id, String caller) {
        Submission submission = find(id);
        if (!submission.contributor.equals(caller)) {
            throw new BountyException(Code.FORBIDDEN, "Only its contributor " + submission.contributor
                    + " can commit this model (the commitment names them as the one to be paid)");
        }
        if (submission.chainIndex != null) {
            throw new BountyException(Code.NOT_NOW, "This model is already committed (commit order " + (submission.chainIndex + 1) + " on its bounty)");
        }
        if (submission.validationErrorCode != null
                && ErrorCode.valueOf(submission.validationErrorCode).party() != ErrorCode.Party.PLATFORM) {
            throw new BountyException(Code.NOT_NOW, "This model failed its check on the public sample, so it cannot"
                    + " score: " + submission.validationError);
        }
        Bounty bounty = openForSubmissions(submission.bountyId, caller);
        // The limit counts what the contract will count: committed models, and models signed for the relayer that it
        // may still post (a relayed entry is paid only while its sequence number stays below the limit less the
        // contributor's direct submissions, so a direct one now could silently push a signed one out).
        // (This model itself, if signed and left out, leaves the relayer's queue once sent directly.)
        long taken = Submission.count("bountyId = ?1 and contributor = ?2 and id <> ?4 and (chainIndex is not null"
                + " or (relaySignature is not null and (relayBatchId is not null or relayDeadline > ?3)))",
                bounty.id, caller, clock.now(), submission.id);
        if (bounty.maxSubmissions != null && taken >= bounty.maxSubmissions) {
            throw new BountyException(Code.NOT_NOW, "You have committed or signed " + taken + " models for this bounty,"
                    + " its limit per contributor");
        }
        requireLiveScoringLeft(bounty, caller);
        return transactions.submit(bounty.onchainId, Numeric.hexStringToByteArray(submission.commitment));
    }

    /**
     * Refuses a commit (or a signature for the relayer) once the contributor's live-board scorings for today (UTC) on this bounty are used up: each
     * committed model is scored once on the live part, and the spec limits those per day to curb probing the hidden
     * test set. A commitment sent to the contract some other way is still accepted; its live scoring then waits for
     * the first day with room ({@link EvaluationQueue#enqueueLive}).
     */
    void requireLiveScoringLeft(Bounty bounty, String contributor) {
        Optional<LiveBoardSpec> terms = bounty.liveBoard();
        if (terms.isEmpty()) {
            return;
        }
        LiveScorings used = liveScorings(bounty, contributor, terms.get());
        if (used.left() == 0) {
            throw new BountyException(Code.LIVE_SCORING_LIMIT, "You have used today's " + used.perDay()
                    + " live-board scorings on this bounty (its terms allow " + used.perDay() + " per contributor per"
                    + " day, UTC). Commit this model from " + used.nextFree() + " 00:00 UTC, or check it on the public"
                    + " sample meanwhile: that check has no limit.");
        }
    }

    /** How many live-board scorings a contributor has left today on a bounty, and the first day with room. */
    public record LiveScorings(int perDay, long usedToday, long left, LocalDate nextFree) {
        /** Whether today's scorings are used up. */
        public boolean exhausted() {
            return left == 0;
        }
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public LiveScorings liveScorings(Bounty bounty, String contributor, LiveBoardSpec terms) {
        LocalDate today = evaluations.today();
        Map<LocalDate, Long> used = evaluations.liveScoringsFrom(bounty.id, contributor, today);
        LocalDate free = today;
        while (used.getOrDefault(free, 0L) >= terms.scoringsPerDay()) {
            free = free.plusDays(1);
        }
        long usedToday = used.getOrDefault(today, 0L);
        return new LiveScorings(terms.scoringsPerDay(), usedToday, Math.max(0, terms.scoringsPerDay() - usedToday), free);
    }

    /** The submission as {@code viewer} may see it: its model hash only to its contributor until submissions close. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public SubmissionView view(long id, Optional<String> viewer) {
        Submission s = find(id);
        Bounty bounty = Bounty.findById(s.bountyId);
        SubmissionView view = SubmissionView.of(s, bounty, EvaluationJob.ofSubmission(s.id), Payout.list(
                "bountyId = ?1 and recipient = ?2 and kind = 'Prize'", s.bountyId, s.contributor), check(s));
        if (viewer.isEmpty() || !viewer.get().equalsIgnoreCase(s.contributor)) {
            view = view.withoutCheckScore();
        }
        return s.hashVisibleTo(bounty, viewer, clock.now()) ? view : view.withoutModelSha256();
    }

    /** The check's state while it has not run: here, in line or running; else waiting for a server to run it. */
    private SubmissionView.Check check(Submission s) {
        boolean pending = s.modelKey != null && s.chainIndex == null && s.publicScore == null && s.validationError == null;
        return pending ? checkState(s.id).orElse(new SubmissionView.Check("queued", null)) : null;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<SubmissionView> ofContributor(String contributor) {
        List<SubmissionView> views = new ArrayList<>();
        for (Submission s : Submission.<Submission>list("contributor = ?1 order by id desc", contributor)) {
            views.add(SubmissionView.of(s, Bounty.findById(s.bountyId), EvaluationJob.ofSubmission(s.id), Payout.list(
                    "bountyId = ?1 and recipient = ?2 and kind = 'Prize'", s.bountyId, s.contributor), check(s)));
        }
        return views;
    }

    /**
     * A submission's evaluation report: on the public sample, to its contributor alone (a check: the sample's labels are
     * published, so its score ranks nothing); on the hidden test set's private part once results are proposed (before
     * that it would hint at the hidden labels).
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public String report(long id, String kind, Optional<String> viewer) {
        Submission s = find(id);
        switch (kind == null ? "public" : kind.toLowerCase(Locale.ROOT)) {
            case "public" -> {
                if (viewer.isEmpty() || !viewer.get().equalsIgnoreCase(s.contributor)) {
                    throw new BountyException(Code.FORBIDDEN, "A model's check on the public sample is shown to its"
                            + " contributor alone" + (viewer.isEmpty() ? "; sign in if it is yours" : "")
                            + ". Everyone sees its live score on the bounty's leaderboard.");
                }
                if (s.publicReport == null) {
                    throw new BountyException(Code.NOT_NOW, s.validationError != null
                            ? "This model has no public score: " + s.validationError
                            : "This model has no public score yet");
                }
                return s.publicReport;
            }
            case "private" -> {
                Bounty bounty = Bounty.findById(s.bountyId);
                if (bounty.reportHash == null) {
                    throw new BountyException(Code.NOT_NOW, "Reports on the hidden test set are published with the"
                            + " results, after the submission deadline");
                }
                return EvaluationJob.find(s.id, EvaluationJob.Kind.PRIVATE).filter(j -> j.reportJson != null)
                        .map(j -> j.reportJson).orElseThrow(() -> new BountyException(Code.NOT_NOW,
                                "This model has no score on the hidden test set"));
            }
            default -> throw new BountyException(Code.INVALID_REQUEST, "kind must be public or private, not '" + kind + "'");
        }
    }

    /**
     * The model file, to its contributor at any time, to anyone once the bounty is paid out and the model won a
     * prize, so that anyone can re-run the evaluation, and to the bounty's arbiter while it is disputed (a committed
     * model, recorded), who re-runs every entry to rule.
     */
    @Transactional
    public StoredObject model(long id, Optional<String> caller) {
        Submission s = find(id);
        Bounty bounty = Bounty.findById(s.bountyId);
        boolean own = caller.isPresent() && caller.get().equals(s.contributor);
        boolean publishedWinner = bounty.status == BountyStatus.FINALIZED && Boolean.TRUE.equals(s.paid);
        boolean toArbiter = !own && !publishedWinner && s.chainIndex != null && bounty.arbiterDuringDispute(caller);
        if (!own && !publishedWinner && !toArbiter) {
            throw new BountyException(Code.FORBIDDEN, "Models are published once their bounty is paid out, and only"
                    + " the winners' (and to the bounty's arbiter while its results are disputed)");
        }
        StoredObject model = s.model().orElseThrow(() -> new BountyException(Code.BOUNTY_NOT_FOUND,
                "This model was committed on-chain but never uploaded here"));
        if (toArbiter) {
            ArbiterRelease.record(bounty.id, caller.get(),
                    ArbiterRelease.What.MODEL, s.id);
        }
        return model;
    }

    /**
     * The bounty, if {@code contributor} may enter it now. A judge of the bounty is refused first, whatever its state:
     * the contract would never pay its entry (docs/protocol.md, "No judge in the race").
     */
    Bounty openForSubmissions(long bountyId, String contributor) {
        Bounty bounty = Bounty.findById(bountyId);
        if (bounty == null) {
            throw new BountyException(Code.BOUNTY_NOT_FOUND, "There is no bounty " + bountyId);
        }
        bounty.judgeRole(contributor).ifPresent(role -> {
            throw new BountyException(Code.JUDGE_CANNOT_ENTER, "You are the " + role + " of bounty " + bountyId
                    + ": an entry by its sponsor, evaluator or arbiter is never paid, so you cannot enter it");
        });
        if (bounty.specJson == null || bounty.publicSample().isEmpty()) {
            throw new BountyException(Code.NOT_NOW, "Bounty " + bountyId + " was created outside this marketplace;"
                    + " its spec is not known here");
        }
        BountyStatus status = bounty.effectiveStatus(clock.now());
        if (status != BountyStatus.OPEN) {
            throw new BountyException(Code.NOT_NOW, "Bounty " + bountyId + " takes no submissions: it is "
                    + status.name().toLowerCase(Locale.ROOT) + (status == BountyStatus.CLOSED
                            ? " since " + bounty.submissionDeadline : ""));
        }
        return bounty;
    }

    /**
     * Removes an upload that was never committed from its contributor's lists. The row and the model stay: a submit
     * transaction already sent may still be mined, and must then find its model.
     */
    @Transactional
    public void delete(long id, String caller) {
        Submission s = find(id);
        if (!s.contributor.equals(caller)) {
            throw new BountyException(Code.FORBIDDEN, "Only its contributor can delete upload " + id);
        }
        if (s.chainIndex != null) {
            throw new BountyException(Code.NOT_NOW, "Submission " + id + " is committed on-chain; it stays on the"
                    + " leaderboard");
        }
        if (s.deletedAt == null) {
            s.deletedAt = Instant.now();
        }
    }

    private static Submission find(long id) {
        Submission s = Submission.findById(id);
        if (s == null) {
            throw new BountyException(Code.SUBMISSION_NOT_FOUND, "There is no submission " + id);
        }
        return s;
    }
}
