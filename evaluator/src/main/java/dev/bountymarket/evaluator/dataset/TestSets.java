package dev.bountymarket.evaluator.dataset;

import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.spec.BountySpec;
import dev.bountymarket.evaluator.spec.ImageInput;
import dev.bountymarket.evaluator.spec.TabularInput;
import java.nio.file.Path;

/** Opens a test set in the form the spec's input kind calls for. */
public final class TestSets {
    private TestSets() {}

    public static BatchSource open(Path file, BountySpec spec) throws EvaluationException {
        return open(file, String.valueOf(file.getFileName()), spec);
    }

    /**
     * {@link #open}, naming the file {@code fileName} in every message (an upload's own name, not the name of the
     * temporary file it was saved to). Every read stays within {@link TestSetLimits#DEFAULTS}.
     */
    public static BatchSource open(Path file, String fileName, BountySpec spec) throws EvaluationException {
        if (spec.input() instanceof TabularInput) {
            return new CsvBatchSource(file, fileName, spec);
        }
        if (spec.input() instanceof ImageInput) {
            return new ImageZipBatchSource(file, fileName, spec, TestSetLimits.DEFAULTS);
        }
        throw new IllegalArgumentException("unknown input kind " + spec.input());
    }

    /**
     * The rows of one part of a test set under the live split, or all rows when {@code rows} is null. The source's
     * SHA-256 is the whole file's either way.
     */
    public static BatchSource open(Path file, String fileName, BountySpec spec, LiveSplit.Selection rows)
            throws EvaluationException {
        BatchSource source = open(file, fileName, spec);
        return rows == null ? source : new SplitBatchSource(source, rows);
    }

    /** {@link #open} with batches read ahead on a background thread. */
    public static PrefetchingReader openPrefetching(Path file, BountySpec spec, int rowsPerBatch)
            throws EvaluationException {
        return openPrefetching(file, spec, null, rowsPerBatch);
    }

    /** {@link #open(Path, String, BountySpec, LiveSplit.Selection)} with batches read ahead on a background thread. */
    public static PrefetchingReader openPrefetching(Path file, BountySpec spec, LiveSplit.Selection rows,
            int rowsPerBatch) throws EvaluationException {
        BatchSource source = open(file, String.valueOf(file.getFileName()), spec, rows);
        return new PrefetchingReader(source, rowsPerBatch, spec.input().rowWidth(),
                spec.task().isClassification(), 3);
    }
}
