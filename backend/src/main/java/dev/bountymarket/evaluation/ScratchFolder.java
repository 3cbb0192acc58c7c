package dev.bountymarket.evaluation;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.sandbox.EvaluationOutcome;
import io.quarkus.logging.Log;

/**
 * The temporary folder one evaluation's files are copied to for the evaluator's child JVM, deleted on close. The
 * evaluator names the files in its messages, and contributors read those messages: {@link #scrub} cuts the folder's
 * path out, so a message names {@code model.onnx}, not a server path.
 */
public final class ScratchFolder implements AutoCloseable {

    private final Path dir;

    private ScratchFolder(Path dir) {
        this.dir = dir;
    }

    public static ScratchFolder create(String prefix) throws IOException {
        return new ScratchFolder(Files.createTempDirectory(prefix));
    }

    public Path resolve(String name) {
        return dir.resolve(name);
    }

    /** The outcome, with this folder's path cut from a failure's message. */
    public EvaluationOutcome scrub(EvaluationOutcome outcome) {
        if (outcome instanceof EvaluationOutcome.Failure failure) {
            EvaluationException error = failure.error();
            return new EvaluationOutcome.Failure(new EvaluationException(error.code(),
                    error.getMessage().replace(dir + File.separator, ""), error));
        }
        return outcome;
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            Log.debugf("Could not delete %s: %s", dir, e.getMessage()); // a leftover folder in tmp is harmless
        }
    }
}
