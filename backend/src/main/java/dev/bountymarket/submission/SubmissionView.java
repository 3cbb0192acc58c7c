package dev.bountymarket.submission;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.bountymarket.bounty.Bounty;
import dev.bountymarket.bounty.Payout;
import dev.bountymarket.chain.Amounts;
import dev.bountymarket.evaluation.EvaluationJob;
import dev.bountymarket.evaluator.report.Decimals;

/**
 * A submission as its contributor follows it: the model, the check on the public sample, the commitment, the
 * evaluation on the hidden test set, the on-chain rank and the payout, with a timeline of the steps done so far.
 * The private score shows only once results are proposed.
 */
public record SubmissionView(long id, long bountyId, String bountyTitle, String contributor, String modelSha256,
        Long modelSize, String commitment, Integer chainIndex, String committedTx, Long publicScore, String metric,
        Validation validation, Check check, Evaluation privateEvaluation, Integer rank, Long privateScore,
        Boolean qualified, Boolean paid, List<Step> timeline) {

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
                committedTx, publicScore, metric, validation, check, privateEvaluation, rank, privateScore, qualified,
                paid, timeline);
    }

    static SubmissionView of(Submission s, Bounty bounty, List<EvaluationJob> jobs, List<Payout> prizes, Check check) {
        boolean resultsOut = bounty.reportHash != null;
        EvaluationJob privateJob = jobs.stream().filter(j -> j.kind == EvaluationJob.Kind.PRIVATE).findFirst()
                .orElse(null);
        EvaluationJob publicJob = jobs.stream().filter(j -> j.kind == EvaluationJob.Kind.PUBLIC).findFirst()
                .orElse(null);
        Validation validation = s.validationError != null ? new Validation(false, s.validationErrorCode, s.validationError)
                : s.publicScore != null ? new Validation(true, null, null) : null;
        Evaluation evaluation = privateJob == null ? null : new Evaluation(privateJob.status.name(), privateJob.attempts,
                privateJob.errorCode, privateJob.status == EvaluationJob.Status.FAILED ? privateJob.errorMessage : null,
                resultsOut ? privateJob.reportHash : null, privateJob.device);

        List<Step> timeline = new ArrayList<>();
        timeline.add(new Step("uploaded", s.createdAt, null, s.modelSize == null ? null : s.modelSize + " bytes"));
        if (s.publicScore != null) {
            timeline.add(new Step("public score", publicJob != null && publicJob.finishedAt != null
                    ? publicJob.finishedAt : s.createdAt, null, Decimals.plain(s.publicScore)));
        } else if (s.validationError != null) {
            timeline.add(new Step("check failed", s.createdAt, null, s.validationError));
        } else if (check != null) {
            timeline.add(new Step("check " + check.status(), null, null, check.position() == null ? null
                    : "place " + check.position() + " in line"));
        }
        if (s.chainIndex != null) {
            timeline.add(new Step("committed", s.committedAt, s.committedTx, "commit order " + (s.chainIndex + 1) + " on this bounty"));
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
                s.commitment, s.chainIndex, s.committedTx, s.publicScore, bounty.metric, validation, check, evaluation,
                resultsOut ? s.rank : null, resultsOut ? s.privateScore : null, resultsOut ? s.qualified : null,
                s.paid, List.copyOf(timeline));
    }
}
