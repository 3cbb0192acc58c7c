package dev.bountymarket.evaluation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.HostPaths;
import dev.bountymarket.evaluator.sandbox.EvaluationOutcome;
import io.quarkus.logging.Log;

/**
 * The temporary folder one evaluation's files are copied to for the evaluator's child JVM, deleted on close. The
 * evaluator's and the file system's messages name files by their path, and contributors read those messages:
 * {@link #scrub} cuts every path of this machine down to the file's name.
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

    /** A new sub-folder: a model goes in one of its own, so that no other file lies beside it. */
    public Path folder(String name) throws IOException {
        return Files.createDirectory(dir.resolve(name));
    }

    /** The outcome, with this folder's path cut from a failure's message. */
    public EvaluationOutcome scrub(EvaluationOutcome outcome) {
        if (outcome instanceof EvaluationOutcome.Failure failure) {
            EvaluationException error = failure.error();
            return new EvaluationOutcome.Failure(new EvaluationException(error.code(),
                    HostPaths.remove(error.getMessage()), error));
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
