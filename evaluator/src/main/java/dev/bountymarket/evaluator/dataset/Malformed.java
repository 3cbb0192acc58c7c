package dev.bountymarket.evaluator.dataset;

import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.ErrorCode;
import java.util.Locale;

final class Malformed {
    private Malformed() {}

    static EvaluationException at(String file, long line, String problem) {
        return new EvaluationException(ErrorCode.MALFORMED_TEST_SET, file + " line " + line + ": " + problem);
    }

    static EvaluationException file(String file, String problem) {
        return new EvaluationException(ErrorCode.MALFORMED_TEST_SET, file + ": " + problem);
    }

    /** A test set beyond one of {@link TestSetLimits}: the message says so, since the file may still be "valid". */
    static EvaluationException overLimit(String where, String problem) {
        return new EvaluationException(ErrorCode.MALFORMED_TEST_SET, where + ": " + problem
                + " (a limit the evaluator sets on the sponsor's test set)");
    }

    /** {@code 8,388,608}: caps read better with their thousands marked. */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
