package dev.bountymarket.evaluator;

import java.util.Objects;

/**
 * A failed evaluation: a code for machines and a message for the person who has to act on it. The
 * message names the cause (file and line, row index, both shapes, the limit that was hit).
 */
public class EvaluationException extends Exception {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public EvaluationException(ErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public EvaluationException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ErrorCode code() {
        return code;
    }

    /** {@code CODE: message}, the form the CLI prints. */
    @Override
    public String toString() {
        return code + ": " + getMessage();
    }
}
