package dev.bountymarket.evaluator.sandbox;

import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.EvaluationResult;

/** The result of a sandboxed evaluation: a report, or a typed failure. Never both, never neither. */
public sealed interface EvaluationOutcome {

    /** The evaluation finished and produced a report. */
    record Success(EvaluationResult result) implements EvaluationOutcome {}

    /** The evaluation failed; {@code error().code()} says why and who can fix it. */
    record Failure(EvaluationException error) implements EvaluationOutcome {}

    default boolean isSuccess() {
        return this instanceof Success;
    }

    /** The result, or throws the failure's exception. */
    default EvaluationResult orThrow() throws EvaluationException {
        if (this instanceof Success success) {
            return success.result();
        }
        throw ((Failure) this).error();
    }
}
