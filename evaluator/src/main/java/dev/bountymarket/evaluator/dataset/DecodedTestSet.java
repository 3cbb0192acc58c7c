package dev.bountymarket.evaluator.dataset;

import dev.bountymarket.evaluator.ErrorCode;
import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.report.CanonicalJson;
import dev.bountymarket.evaluator.report.Hashes;
import dev.bountymarket.evaluator.spec.BountySpec;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A test set parsed, checked and hashed once, stored in the model's input layout, so that each of a bounty's many
 * evaluations maps it read-only and only runs inference and metrics. It holds the selected rows (one part under the
 * live split, or all) exactly as {@link TestSets#open} yields them, with the plain file's SHA-256, so a report made
 * from it is byte for byte the report made from the plain file. It is as secret as the test set: the worker keeps it
 * in its own scratch folder while the bounty's evaluations run and deletes it after; a model's child sees it only
 * bound read-only as its test set.
 *
 * <p>Layout, little-endian: a {@value #HEADER_BYTES}-byte header (magic, row width, task, row count, the section
 * offsets, then the plain file's SHA-256, the spec's and the selection's keys and the file's name for messages), then
 * every row's features as float32, row-major, then each row's class index (int32) or target (float64), then each
 * row's source line (int64).
 */
public final class DecodedTestSet {
    private static final byte[] MAGIC = "BMDSET1\n".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER_BYTES = 4096;

    private DecodedTestSet() {}

    /**
     * Decodes {@code testSet} (named {@code fileName} in messages) for {@code spec}, keeping the rows of {@code rows}
     * (all when null), into {@code target}. A test set the plain path refuses is refused here with the same error.
     */
    public static void decode(Path testSet, String fileName, BountySpec spec, LiveSplit.Selection rows, Path target)
            throws EvaluationException, IOException {
        int width = spec.input().rowWidth();
        boolean classification = spec.task().isClassification();
        // labels and lines go to files of their own until the row count places them after the features
        Path labelsTail = target.resolveSibling(target.getFileName() + ".labels");
        Path linesTail = target.resolveSibling(target.getFileName() + ".lines");
        boolean done = false;
        try (BatchSource source = TestSets.open(testSet, fileName, spec, rows);
                FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                DataOutputStream labels = tail(labelsTail);
                DataOutputStream lines = tail(linesTail)) {
            Batch batch = new Batch(Batch.rowsFor(width), width, classification);
            ByteBuffer buffer = ByteBuffer.allocateDirect(batch.features.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            out.position(HEADER_BYTES);
            long count = 0;
            while (source.fill(batch)) {
                int n = batch.size();
                buffer.clear();
                buffer.asFloatBuffer().put(batch.features, 0, n * width);
                buffer.limit(n * width * Float.BYTES);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                for (int i = 0; i < n; i++) {
                    if (classification) {
                        labels.writeInt(Integer.reverseBytes(batch.classIndex[i]));
                    } else {
                        labels.writeLong(Long.reverseBytes(Double.doubleToRawLongBits(batch.target[i])));
                    }
                    lines.writeLong(Long.reverseBytes(batch.lines[i]));
                }
                count += n;
            }
            labels.flush();
            lines.flush();
            long labelsOffset = HEADER_BYTES + count * width * Float.BYTES;
            long linesOffset = labelsOffset + count * (classification ? Integer.BYTES : Long.BYTES);
            append(labelsTail, out, labelsOffset);
            append(linesTail, out, linesOffset);
            String describeFile = describeFile(source.describeLine(0));
            ByteBuffer header = header(width, classification, count, labelsOffset, linesOffset, source.sha256(),
                    specKey(spec), selectionKey(rows), describeFile);
            out.write(header, 0);
            out.force(false);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(target);
            }
            Files.deleteIfExists(labelsTail);
            Files.deleteIfExists(linesTail);
        }
    }

    /**
     * The rows of a decoded test set, mapped read-only one batch at a time. The file must have been decoded for this
     * spec and these rows; anything else is the platform's mistake and fails the evaluation as an internal error.
     */
    public static BatchSource open(Path file, BountySpec spec, LiveSplit.Selection rows) throws EvaluationException {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new EvaluationException(ErrorCode.INTERNAL_ERROR, "cannot open the decoded test set: " + e.getMessage(), e);
        }
        try {
            return new Source(channel, spec, rows);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw new EvaluationException(ErrorCode.INTERNAL_ERROR, "the decoded test set is unreadable: " + e, e);
        } catch (EvaluationException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** {@link #open} with batches read ahead on a background thread, as the plain path reads. */
    public static PrefetchingReader openPrefetching(Path file, BountySpec spec, LiveSplit.Selection rows,
            int rowsPerBatch) throws EvaluationException {
        return new PrefetchingReader(open(file, spec, rows), rowsPerBatch, spec.input().rowWidth(),
                spec.task().isClassification(), 3);
    }

    private static final class Source implements BatchSource {
        private final FileChannel channel;
        private final int width;
        private final boolean classification;
        private final long count;
        private final long labelsOffset;
        private final long linesOffset;
        private final String sha256;
        private final String describeFile;
        private long next;

        Source(FileChannel channel, BountySpec spec, LiveSplit.Selection rows) throws IOException, EvaluationException {
            this.channel = channel;
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            while (header.hasRemaining() && channel.read(header, header.position()) > 0) {
                // read the whole header
            }
            header.flip();
            byte[] magic = new byte[MAGIC.length];
            header.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw mismatch("it is not a decoded test set of this evaluator version");
            }
            width = header.getInt();
            classification = header.getInt() == 1;
            count = header.getLong();
            labelsOffset = header.getLong();
            linesOffset = header.getLong();
            sha256 = string(header);
            String specKey = string(header);
            String selectionKey = string(header);
            describeFile = string(header);
            if (width != spec.input().rowWidth() || classification != spec.task().isClassification()
                    || !specKey.equals(specKey(spec))) {
                throw mismatch("it was decoded for another spec");
            }
            if (!selectionKey.equals(selectionKey(rows))) {
                throw mismatch("it holds other rows (" + selectionKey + ") than this evaluation scores ("
                        + selectionKey(rows) + ")");
            }
            long expected = linesOffset + count * Long.BYTES;
            if (labelsOffset != HEADER_BYTES + count * width * Float.BYTES || channel.size() != expected) {
                throw mismatch("its size does not match its header");
            }
        }

        @Override
        public boolean fill(Batch batch) throws EvaluationException {
            int n = (int) Math.min(batch.capacity(), count - next);
            batch.size = n;
            batch.firstRow = next;
            if (n == 0) {
                return false;
            }
            try {
                map(HEADER_BYTES + next * width * Float.BYTES, (long) n * width * Float.BYTES).asFloatBuffer()
                        .get(batch.features, 0, n * width);
                if (classification) {
                    map(labelsOffset + next * Integer.BYTES, (long) n * Integer.BYTES).asIntBuffer()
                            .get(batch.classIndex, 0, n);
                } else {
                    map(labelsOffset + next * Long.BYTES, (long) n * Long.BYTES).asDoubleBuffer()
                            .get(batch.target, 0, n);
                }
                map(linesOffset + next * Long.BYTES, (long) n * Long.BYTES).asLongBuffer().get(batch.lines, 0, n);
            } catch (IOException e) {
                throw new EvaluationException(ErrorCode.INTERNAL_ERROR, "cannot read the decoded test set: "
                        + e.getMessage(), e);
            }
            next += n;
            return true;
        }

        private ByteBuffer map(long offset, long length) throws IOException {
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, offset, length);
            return mapped.order(ByteOrder.LITTLE_ENDIAN);
        }

        @Override
        public String sha256() {
            return sha256;
        }

        @Override
        public String describeLine(long line) {
            return describeFile + " line " + line;
        }

        @Override
        public void close() {
            closeQuietly(channel);
        }
    }

    private static EvaluationException mismatch(String why) {
        return new EvaluationException(ErrorCode.INTERNAL_ERROR, "the decoded test set cannot be used: " + why);
    }

    /** What a source calls its file in messages: its description of line 0 without the line. */
    private static String describeFile(String lineZero) {
        int cut = lineZero.lastIndexOf(" line ");
        return cut < 0 ? lineZero : lineZero.substring(0, cut);
    }

    private static String specKey(BountySpec spec) {
        return Hashes.hex(Hashes.newSha256().digest(CanonicalJson.bytes(spec.toJson())));
    }

    private static String selectionKey(LiveSplit.Selection rows) {
        return rows == null ? "all rows" : rows.part().wireName() + " part, salt " + rows.split().saltHex() + ", "
                + rows.split().sharePercent() + " % live";
    }

    private static ByteBuffer header(int width, boolean classification, long count, long labelsOffset,
            long linesOffset, String... strings) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        header.put(MAGIC).putInt(width).putInt(classification ? 1 : 0).putLong(count).putLong(labelsOffset)
                .putLong(linesOffset);
        for (String s : strings) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            if (bytes.length + Integer.BYTES > header.remaining()) {
                throw new IOException("the decoded test set's header cannot hold " + s);
            }
            header.putInt(bytes.length).put(bytes);
        }
        header.clear();
        return header;
    }

    private static String string(ByteBuffer header) throws EvaluationException {
        int length = header.getInt();
        if (length < 0 || length > header.remaining()) {
            throw mismatch("its header is damaged");
        }
        byte[] bytes = new byte[length];
        header.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static DataOutputStream tail(Path file) throws IOException {
        OutputStream stream = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new DataOutputStream(new BufferedOutputStream(stream, 1 << 16));
    }

    private static void append(Path tail, FileChannel out, long at) throws IOException {
        try (FileChannel in = FileChannel.open(tail, StandardOpenOption.READ)) {
            long moved = 0;
            while (moved < in.size()) {
                moved += in.transferTo(moved, in.size() - moved, out.position(at + moved));
            }
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing was written through it
        }
    }
}
