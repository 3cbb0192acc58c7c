package dev.bountymarket.submission;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import dev.bountymarket.bounty.Bounty;
import dev.bountymarket.bounty.Payout;
import dev.bountymarket.chain.Amounts;
import dev.bountymarket.evaluation.EvaluationJob;
import dev.bountymarket.evaluator.report.Decimals;

/**
 * A submission as its contributor follows it: the model, the check on the public sample, the commitment, the
 * live-board score (on the hidden test set's live part), the evaluation on the private part, the on-chain rank and the
 * payout, with a timeline of the steps done so far. The private score shows only once results are proposed. The score
 * on the public sample ({@code publicScore}) is a check for the contributor alone: its labels are published, so it
 * ranks nothing and others never see it.
 */
public record SubmissionView(long id, long bountyId, String bountyTitle, String contributor, String modelSha256,
        Long modelSize, String commitment, Integer chainIndex, String committedTx, Long publicScore, Long liveScore,
        LiveScoring liveScoring, String metric, Validation validation, Check check, Evaluation privateEvaluation,
        Integer rank, Long privateScore, Boolean qualified, Boolean paid, List<Step> timeline) {

    /**
     * The live-board scoring of a committed model: QUEUED (with the UTC day it counts against: a later day when the
     * contributor's scorings for today were used up), RUNNING, DONE or FAILED (with why).
     */
    public record LiveScoring(String status, LocalDate day, String errorMessage) {
    }

    /** The upload-time check: ok with the public score, or the evaluator's error. */
    public record Validation(boolean ok, String code, String message) {
    }

    /**
     * The upload-time check while it has not run: {@code queued} (with its place in line on this server, 1 next) or
     * {@code running}; null once {@code validation} holds its result.
     */
    public record Check(String status, Integer position) {
    }

    /** The evaluation on the hidden test set: QUEUED, RUNNING, DONE or FAILED (with why), attempts so far. */
    public record Evaluation(String status, int attempts, String errorCode, String errorMessage, String reportHash,
            String device) {
    }

    /** One step of the timeline; {@code tx} links the transaction that did it, when there was one. */
    public record Step(String step, Instant at, String tx, String detail) {
    }

    /** The view as others see it before submissions close: without the model's hash. */
    public SubmissionView withoutModelSha256() {
        return new SubmissionView(id, bountyId, bountyTitle, contributor, null, modelSize, commitment, chainIndex,
                committedTx, publicScore, liveScore, liveScoring, metric, validation, check, privateEvaluation, rank,
                privateScore, qualified, paid, timeline);
    }

    /** The view as anyone but its contributor sees it: without the check's score on the public sample. */
    public SubmissionView withoutCheckScore() {
        List<Step> steps = timeline.stream().map(step -> CHECKED.equals(step.step())
                ? new Step(step.step(), step.at(), step.tx(), null) : step).toList();
        return new SubmissionView(id, bountyId, bountyTitle, contributor, modelSha256, modelSize, commitment, chainIndex,
                committedTx, null, liveScore, liveScoring, metric, validation, check, privateEvaluation, rank,
                privateScore, qualified, paid, steps);
    }

    /** The timeline step of a passed check on the public sample. */
    static final String CHECKED = "checked on the public sample";

    static SubmissionView of(Submission s, Bounty bounty, List<EvaluationJob> jobs, List<Payout> prizes, Check check) {
        boolean resultsOut = bounty.reportHash != null;
        EvaluationJob privateJob = jobs.stream().filter(j -> j.kind == EvaluationJob.Kind.PRIVATE).findFirst()
                .orElse(null);
        EvaluationJob publicJob = jobs.stream().filter(j -> j.kind == EvaluationJob.Kind.PUBLIC).findFirst()
                .orElse(null);
        EvaluationJob liveJob = jobs.stream().filter(j -> j.kind == EvaluationJob.Kind.LIVE).findFirst().orElse(null);
        LiveScoring live = liveJob == null ? null : new LiveScoring(liveJob.status.name(), liveJob.quotaDay,
                liveJob.status == EvaluationJob.Status.FAILED ? liveJob.errorMessage : null);
        Validation validation = s.validationError != null ? new Validation(false, s.validationErrorCode, s.validationError)
                : s.publicScore != null ? new Validation(true, null, null) : null;
        Evaluation evaluation = privateJob == null ? null : new Evaluation(privateJob.status.name(), privateJob.attempts,
                privateJob.errorCode, privateJob.status == EvaluationJob.Status.FAILED ? privateJob.errorMessage : null,
                resultsOut ? privateJob.reportHash : null, privateJob.device);

        List<Step> timeline = new ArrayList<>();
        timeline.add(new Step("uploaded", s.createdAt, null, s.modelSize == null ? null : s.modelSize + " bytes"));
        if (s.publicScore != null) {
            timeline.add(new Step(CHECKED, publicJob != null && publicJob.finishedAt != null
                    ? publicJob.finishedAt : s.createdAt, null, "score " + Decimals.plain(s.publicScore)
                    + " (a check only you see; the live board scores a hidden part of the test set)"));
        } else if (s.validationError != null) {
            timeline.add(new Step("check failed", s.createdAt, null, s.validationError));
        } else if (check != null) {
            timeline.add(new Step("check " + check.status(), null, null, check.position() == null ? null
                    : "place " + check.position() + " in line"));
        }
        if (s.chainIndex != null) {
            timeline.add(new Step("committed", s.committedAt, s.committedTx, "commit order " + (s.chainIndex + 1) + " on this bounty"));
        }
        if (liveJob != null && liveJob.status == EvaluationJob.Status.DONE && s.liveScore != null) {
            timeline.add(new Step("live score", liveJob.finishedAt, null, Decimals.plain(s.liveScore)
                    + " on the hidden test set's live part"));
        } else if (liveJob != null && liveJob.status == EvaluationJob.Status.FAILED) {
            timeline.add(new Step("live scoring failed", liveJob.finishedAt, null, liveJob.errorMessage));
        } else if (liveJob != null) {
            timeline.add(new Step("live scoring " + liveJob.status.name().toLowerCase(java.util.Locale.ROOT), null,
                    null, "counts against " + liveJob.quotaDay + " (UTC)"));
        }
        if (privateJob != null && privateJob.finished()) {
            timeline.add(new Step(privateJob.status == EvaluationJob.Status.DONE ? "evaluated" : "evaluation failed",
                    privateJob.finishedAt, null, privateJob.status == EvaluationJob.Status.DONE ? null
                            : privateJob.errorMessage));
        }
        if (resultsOut && s.rank != null) {
            timeline.add(new Step("private score", bounty.updatedAt, null, "rank " + (s.rank + 1) + ", score "
                    + Decimals.plain(s.privateScore) + (Boolean.TRUE.equals(s.qualified) ? "" : ", below the threshold")));
        }
        for (Payout prize : prizes) {
            timeline.add(new Step("paid", null, prize.txHash, Amounts.text(prize.amount, prize.token) + (prize.credited
                    ? " credited: withdraw it from your account page" : " sent to your wallet")));
        }
        return new SubmissionView(s.id, s.bountyId, bounty.title, s.contributor, s.modelSha256, s.modelSize,
                s.commitment, s.chainIndex, s.committedTx, s.publicScore, s.liveScore, live, bounty.metric, validation,
                check, evaluation,
                resultsOut ? s.rank : null, resultsOut ? s.privateScore : null, resultsOut ? s.qualified : null,
                s.paid, List.copyOf(timeline));
    }
}
