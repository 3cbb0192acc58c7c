package dev.bountymarket.evaluator.dataset;

import dev.bountymarket.evaluator.EvaluationException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.ZipEntry;

/**
 * A zip entry's inflated bytes, stopped as soon as they pass the entry's cap or its compression ratio passes
 * {@link TestSetLimits#maxCompressionRatio()}: counted as they come, since the sizes in a zip's directory are the
 * sponsor's word, not a fact.
 */
final class CappedEntryStream extends FilterInputStream {
    /** Thrown through readers (and javax.imageio, which wraps it) to the source, which throws its error. */
    static final class OverLimit extends IOException {
        final transient EvaluationException error;

        OverLimit(EvaluationException error) {
            super(error.getMessage());
            this.error = error;
        }

        /** The over-limit error somewhere in {@code e}'s causes, or null. */
        static EvaluationException in(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof OverLimit over) {
                    return over.error;
                }
            }
            return null;
        }
    }

    private final String where;
    private final long cap;
    private final String capName;
    private final long ratioCeiling;
    private final int ratio;
    private long count;

    /**
     * @param where the zip and entry, for messages
     * @param capName what the cap is, for messages ("the cap on the labels file")
     */
    CappedEntryStream(InputStream in, ZipEntry entry, String where, long cap, String capName, TestSetLimits limits) {
        super(in);
        this.where = where;
        this.cap = cap;
        this.capName = capName;
        this.ratio = limits.maxCompressionRatio();
        long compressed = Math.max(1, entry.getCompressedSize());
        this.ratioCeiling = compressed > Long.MAX_VALUE / ratio ? Long.MAX_VALUE
                : Math.max(TestSetLimits.RATIO_GRACE_BYTES, compressed * ratio);
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            counted(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            counted(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        counted(skipped);
        return skipped;
    }

    private void counted(long n) throws OverLimit {
        count += n;
        if (count > ratioCeiling) {
            throw new OverLimit(Malformed.overLimit(where, "inflates to more than " + ratio + " times its compressed"
                    + " size; the evaluator refuses entries compressed more than " + ratio + ":1 beyond their first MiB"));
        }
        if (count > cap) {
            throw new OverLimit(Malformed.overLimit(where, "inflates past " + bytes(cap) + ", " + capName));
        }
    }

    static String bytes(long n) {
        return n >= 1 << 20 && n % (1 << 20) == 0 ? (n >> 20) + " MiB" : Malformed.count(n) + " bytes";
    }
}
