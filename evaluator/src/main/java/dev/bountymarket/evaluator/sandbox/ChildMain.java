package dev.bountymarket.evaluator.sandbox;

import dev.bountymarket.evaluator.Evaluation;
import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.EvaluationRequest;
import dev.bountymarket.evaluator.EvaluationResult;
import dev.bountymarket.evaluator.ErrorCode;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Entry point of the child JVM: {@code ChildMain <request.json> <result.json>}. Runs one evaluation and
 * writes the envelope, or the typed error, to the result file. Exit codes: 0 done, 2 typed failure, 1
 * unexpected failure; the JVM itself exits with 3 on OutOfMemoryError (-XX:+ExitOnOutOfMemoryError).
 */
public final class ChildMain {
    private static final Logger DJL_LOGGER = Logger.getLogger("ai.djl");
    // DJL warns on every CPU-only machine while probing for CUDA; the chosen device is in the result
    private static final Logger ORT_ENGINE_LOGGER = Logger.getLogger("ai.djl.onnxruntime.engine.OrtEngine");

    private ChildMain() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        DJL_LOGGER.setLevel(Level.WARNING);
        ORT_ENGINE_LOGGER.setLevel(Level.SEVERE);
        if (args.length != 2) {
            System.err.println("usage: ChildMain <request.json> <result.json>");
            return 64;
        }
        Path result = Path.of(args[1]);
        try {
            EvaluationRequest request = ChildProtocol.readRequest(Path.of(args[0]));
            EvaluationResult evaluation = Evaluation.evaluate(request);
            ChildProtocol.writeAtomically(result, evaluation.envelopeJson());
            return 0;
        } catch (EvaluationException e) {
            return writeError(result, e) ? ChildProtocol.EXIT_TYPED_FAILURE : ChildProtocol.EXIT_UNEXPECTED;
        } catch (Exception | StackOverflowError e) {
            e.printStackTrace();
            writeError(result, new EvaluationException(ErrorCode.INTERNAL_ERROR, "the evaluation failed unexpectedly: " + e));
            return ChildProtocol.EXIT_UNEXPECTED;
        }
    }

    private static boolean writeError(Path result, EvaluationException error) {
        try {
            ChildProtocol.writeError(result, error);
            return true;
        } catch (Exception e) {
            e.printStackTrace();
            return false;
        }
    }
}
