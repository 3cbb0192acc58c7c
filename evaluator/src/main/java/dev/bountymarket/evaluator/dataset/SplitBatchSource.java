package dev.bountymarket.evaluator.dataset;

import dev.bountymarket.evaluator.EvaluationException;

/**
 * The rows of one part of a test set ({@link LiveSplit.Selection}): reads the whole file through the inner source, so
 * its SHA-256 is still the whole file's (what the commitment binds), and passes on only the selected rows, in order.
 * Batch row numbers count the selected rows; each row keeps its source line for messages.
 */
final class SplitBatchSource implements BatchSource {
    private final BatchSource inner;
    private final LiveSplit.Selection selection;
    private Batch read;
    private int next;
    private boolean exhausted;
    private long selected;

    SplitBatchSource(BatchSource inner, LiveSplit.Selection selection) {
        this.inner = inner;
        this.selection = selection;
    }

    @Override
    public boolean fill(Batch batch) throws EvaluationException {
        if (read == null) {
            read = new Batch(batch.capacity(), batch.rowWidth(), batch.classIndex != null);
        }
        batch.size = 0;
        batch.firstRow = selected;
        int width = batch.rowWidth();
        while (batch.size < batch.capacity()) {
            if (next >= read.size) {
                if (exhausted || !inner.fill(read)) {
                    exhausted = true;
                    break;
                }
                next = 0;
            }
            int j = next++;
            if (!selection.selects(read.firstRow + j)) {
                continue;
            }
            int k = batch.size++;
            System.arraycopy(read.features, j * width, batch.features, k * width, width);
            if (batch.classIndex != null) {
                batch.classIndex[k] = read.classIndex[j];
            } else {
                batch.target[k] = read.target[j];
            }
            batch.lines[k] = read.lines[j];
            selected++;
        }
        if (exhausted && batch.size == 0 && selected == 0) {
            throw Malformed.file(describeFile(), "the test set has no row in its " + selection.part().wireName()
                    + " part (" + selection.split().sharePercent() + " % of the rows go to the live part by the"
                    + " commitment's salt); it needs more rows");
        }
        return batch.size > 0;
    }

    private String describeFile() {
        String where = inner.describeLine(0);
        int cut = where.lastIndexOf(" line ");
        return cut < 0 ? where : where.substring(0, cut);
    }

    @Override
    public String sha256() {
        return inner.sha256();
    }

    @Override
    public String describeLine(long line) {
        return inner.describeLine(line);
    }

    @Override
    public void close() {
        inner.close();
    }
}
