package dev.bountymarket.evaluator.dataset;

import dev.bountymarket.evaluator.EvaluationException;

/** A test set read front to back in batches. Not thread-safe. */
public interface BatchSource extends AutoCloseable {
    /**
     * Refills {@code batch} with the next rows.
     *
     * @return false once the test set is exhausted (the batch is then empty)
     */
    boolean fill(Batch batch) throws EvaluationException;

    /** SHA-256 of the test-set file's bytes, 0x-prefixed; available once {@link #fill} returned false. */
    String sha256();

    /** Where a source line is, for messages: {@code "data.csv line 17"}. */
    String describeLine(long line);

    @Override
    void close();
}
