package dev.bountymarket.evaluator.model;

import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * What a submitted model file may be, checked before ONNX Runtime sees it: an ONNX file that keeps every tensor
 * inside itself, or a {@link ModelBundle}. The contributor's own file name ({@code displayName}) is the one every
 * message uses.
 */
public final class ModelFiles {
    private ModelFiles() {}

    /** Refuses a model that may not be loaded; a bundle's files and sizes are checked too (at most {@code maxBytes}). */
    public static void check(Path model, long maxBytes, String displayName) throws EvaluationException {
        if (isBundle(model, displayName)) {
            ModelBundle.check(model, maxBytes, displayName);
        } else {
            ExternalData.requireNone(model, displayName);
        }
    }

    /**
     * The ONNX file to load: the model itself once checked, or a bundle's model extracted into a new folder under
     * {@code scratch} that holds nothing but the bundle's files.
     */
    public static Prepared prepare(Path model, Path scratch, String displayName) throws EvaluationException {
        if (!isBundle(model, displayName)) {
            ExternalData.requireNone(model, displayName);
            return new Prepared(model, null);
        }
        Path folder;
        try {
            folder = Files.createTempDirectory(scratch, "bundle-");
        } catch (IOException e) {
            throw new EvaluationException(ErrorCode.INTERNAL_ERROR, "no scratch folder for the model bundle: "
                    + e.getMessage(), e);
        }
        Prepared prepared = new Prepared(null, folder);
        try {
            return new Prepared(ModelBundle.extract(model, folder, Long.MAX_VALUE, displayName), folder);
        } catch (EvaluationException | RuntimeException e) {
            prepared.close();
            throw e;
        }
    }

    /** The ONNX file to load, and the folder a bundle was extracted to (deleted on close; null for a plain model). */
    public record Prepared(Path onnx, Path folder) implements AutoCloseable {
        @Override
        public void close() {
            if (folder == null) {
                return;
            }
            try (Stream<Path> files = Files.walk(folder)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            } catch (IOException e) {
                // the scratch folder around it is deleted with the evaluation
            }
        }
    }

    private static boolean isBundle(Path model, String displayName) throws EvaluationException {
        try {
            return ModelBundle.isBundle(model);
        } catch (IOException e) {
            throw new EvaluationException(ErrorCode.MODEL_UNREADABLE, "the model file " + displayName
                    + " cannot be read: " + e.getMessage(), e);
        }
    }
}
