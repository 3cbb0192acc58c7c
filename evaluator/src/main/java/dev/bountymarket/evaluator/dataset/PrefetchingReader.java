package dev.bountymarket.evaluator.dataset;

import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.ErrorCode;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads and parses the next batches on a background thread while the caller runs the model on the current
 * one. Batches come out in file order and a parse error surfaces at its place in that order, so results
 * are the same as reading on one thread. A fixed set of batch buffers circulates: memory stays flat.
 */
public final class PrefetchingReader implements AutoCloseable {
    private static final Object END = new Object();

    private final BatchSource source;
    private final BlockingQueue<Batch> free;
    private final BlockingQueue<Object> filled;
    private final Thread thread;
    private volatile boolean closed;

    public PrefetchingReader(BatchSource source, int rowsPerBatch, int rowWidth, boolean classification, int buffers) {
        this.source = source;
        this.free = new ArrayBlockingQueue<>(buffers);
        this.filled = new ArrayBlockingQueue<>(buffers + 1);
        for (int i = 0; i < buffers; i++) {
            free.add(new Batch(rowsPerBatch, rowWidth, classification));
        }
        this.thread = new Thread(this::produce, "test-set-reader");
        thread.setDaemon(true);
        thread.start();
    }

    private void produce() {
        try {
            while (!closed) {
                Batch batch = free.take();
                if (!source.fill(batch)) {
                    filled.put(END);
                    return;
                }
                filled.put(batch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (EvaluationException | RuntimeException | Error e) {
            try {
                filled.put(e);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The next filled batch, or null at the end. Give it back with {@link #release} when done with it. */
    public Batch next() throws EvaluationException {
        Object item;
        try {
            item = filled.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EvaluationException(ErrorCode.INTERNAL_ERROR, "interrupted while reading the test set");
        }
        if (item == END) {
            filled.add(END);
            return null;
        }
        if (item instanceof EvaluationException e) {
            throw new EvaluationException(e.code(), e.getMessage(), e);
        }
        if (item instanceof RuntimeException e) {
            throw new EvaluationException(ErrorCode.INTERNAL_ERROR, "reading the test set failed: " + e, e);
        }
        if (item instanceof Error e) {
            throw e;
        }
        return (Batch) item;
    }

    public void release(Batch batch) {
        free.add(batch);
    }

    /** SHA-256 of the test set; valid after {@link #next} returned null. */
    public String sha256() {
        return source.sha256();
    }

    public String describeLine(long line) {
        return source.describeLine(line);
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        source.close();
    }
}
