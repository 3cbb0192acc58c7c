package dev.bountymarket.evaluator.dataset;

import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.ErrorCode;

final class Malformed {
    private Malformed() {}

    static EvaluationException at(String file, long line, String problem) {
        return new EvaluationException(ErrorCode.MALFORMED_TEST_SET, file + " line " + line + ": " + problem);
    }

    static EvaluationException file(String file, String problem) {
        return new EvaluationException(ErrorCode.MALFORMED_TEST_SET, file + ": " + problem);
    }
}
