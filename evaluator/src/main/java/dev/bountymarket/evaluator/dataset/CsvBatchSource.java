package dev.bountymarket.evaluator.dataset;

import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.ErrorCode;
import dev.bountymarket.evaluator.report.Hashes;
import dev.bountymarket.evaluator.spec.BountySpec;
import dev.bountymarket.evaluator.spec.TabularInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Streams a CSV test set straight from bytes into batches: a header row names the columns, the spec's
 * feature columns become the float row in spec order, the label column becomes a class index or a target,
 * any other column is skipped. Numbers are parsed in place ({@link NumberParser}); quoted fields take a
 * slower path. Every problem names the file, the line and the column. The file's SHA-256 is computed from
 * the same bytes as they are read, on a helper thread ({@link AsyncSha256}).
 */
public final class CsvBatchSource implements BatchSource {
    private static final int CHUNK = 1 << 20;
    private static final int MAX_RECORD = TestSetLimits.MAX_CSV_RECORD;
    private static final int MAX_FIELD = TestSetLimits.MAX_CSV_FIELD;
    private static final int LABEL = -1;
    private static final int SKIP = -2;

    private static final int ROW = 0;
    private static final int BLANK = 1;
    private static final int MORE = 2;

    private final String fileName;
    private final InputStream in;
    private final AsyncSha256 digest = new AsyncSha256(CHUNK, 4);
    private final NumberParser numbers = new NumberParser();
    private final boolean classification;
    private final String[] columnNames;
    private final int[] role;
    private final byte[][] classBytes;
    private final Map<String, Integer> classIndex = new HashMap<>();
    private final List<String> classes;

    private byte[] buf = new byte[2 * CHUNK];
    private int pos;
    private int limit;
    private boolean eof;
    private long line = 1;
    private long rows;
    private String sha256;

    public CsvBatchSource(Path file, BountySpec spec) throws EvaluationException {
        this(file, String.valueOf(file.getFileName()), spec);
    }

    /** @param fileName the name messages call the file by (the name it was uploaded as) */
    CsvBatchSource(Path file, String fileName, BountySpec spec) throws EvaluationException {
        this.fileName = fileName;
        this.classification = spec.task().isClassification();
        this.classes = spec.classes();
        this.classBytes = new byte[classes.size()][];
        for (int i = 0; i < classes.size(); i++) {
            classBytes[i] = classes.get(i).getBytes(StandardCharsets.UTF_8);
            classIndex.put(classes.get(i), i);
        }
        try {
            this.in = Files.newInputStream(file);
        } catch (IOException e) {
            throw new EvaluationException(ErrorCode.MALFORMED_TEST_SET, "cannot open the test set " + fileName + ": " + e);
        }
        try {
            List<String> header = readHeader();
            this.columnNames = header.toArray(new String[0]);
            this.role = roles(header, (TabularInput) spec.input(), spec.label().column());
        } catch (EvaluationException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private int[] roles(List<String> header, TabularInput input, String labelColumn) throws EvaluationException {
        Map<String, Integer> byName = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            if (byName.put(header.get(i), i) != null) {
                throw Malformed.at(fileName, 1, "the header names column '" + header.get(i) + "' twice");
            }
        }
        int[] roles = new int[header.size()];
        Arrays.fill(roles, SKIP);
        List<String> features = input.features();
        for (int slot = 0; slot < features.size(); slot++) {
            Integer column = byName.get(features.get(slot));
            if (column == null) {
                throw Malformed.at(fileName, 1, "the header has no column '" + features.get(slot)
                        + "', which the bounty spec lists as a feature");
            }
            roles[column] = slot;
        }
        Integer label = byName.get(labelColumn);
        if (label == null) {
            throw Malformed.at(fileName, 1, "the header has no label column '" + labelColumn + "'");
        }
        roles[label] = LABEL;
        return roles;
    }

    @Override
    public String describeLine(long sourceLine) {
        return fileName + " line " + sourceLine;
    }

    @Override
    public String sha256() {
        if (sha256 == null) {
            throw new IllegalStateException("the test set has not been read to the end");
        }
        return sha256;
    }

    @Override
    public boolean fill(Batch batch) throws EvaluationException {
        batch.size = 0;
        batch.firstRow = rows;
        int capacity = batch.capacity();
        while (batch.size < capacity) {
            if (pos >= limit && !readMore()) {
                break;
            }
            int status = parseRow(batch, batch.size);
            if (status == ROW) {
                batch.size++;
                rows++;
            } else if (status == MORE && !readMore()) {
                throw Malformed.at(fileName, line, "the file ends inside a quoted field");
            }
        }
        if (batch.size == 0 && rows == 0) {
            throw Malformed.file(fileName, "the test set has a header but no rows");
        }
        return batch.size > 0;
    }

    /** Keeps the unparsed tail, reads the next chunk; at the end of the file ends the last line. */
    private boolean readMore() throws EvaluationException {
        if (eof) {
            return false;
        }
        int tail = limit - pos;
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, tail);
            pos = 0;
            limit = tail;
        }
        if (buf.length - limit < CHUNK) {
            if (buf.length >= MAX_RECORD) {
                throw Malformed.overLimit(fileName + " line " + line, "a record longer than " + (MAX_RECORD >> 20) + " MiB");
            }
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        try {
            int n = in.read(buf, limit, Math.min(CHUNK, buf.length - limit - 1));
            if (n < 0) {
                eof = true;
                sha256 = digest.finish();
                if (limit > 0 && buf[limit - 1] != '\n') {
                    buf[limit++] = '\n';
                    return true;
                }
                return limit > pos;
            }
            digest.update(buf, limit, n);
            limit += n;
            return true;
        } catch (IOException e) {
            throw new EvaluationException(ErrorCode.MALFORMED_TEST_SET, "cannot read the test set " + fileName + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EvaluationException(ErrorCode.INTERNAL_ERROR, "interrupted while reading the test set");
        }
    }

    private List<String> readHeader() throws EvaluationException {
        while (true) {
            int end = headerEnd();
            if (end >= 0) {
                int start = 0;
                if (end >= 3 && (buf[0] & 0xFF) == 0xEF && (buf[1] & 0xFF) == 0xBB && (buf[2] & 0xFF) == 0xBF) {
                    start = 3;
                }
                String text = new String(buf, start, end - start, StandardCharsets.UTF_8);
                try {
                    CsvRecordReader reader = new CsvRecordReader(new StringReader(text), fileName, MAX_FIELD, MAX_RECORD);
                    List<String> header = reader.next();
                    if (header == null) {
                        throw Malformed.at(fileName, 1, "the header row is empty");
                    }
                    line = 1 + text.chars().filter(c -> c == '\n').count();
                    pos = end;
                    return header;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            if (!readMore()) {
                throw Malformed.file(fileName, "the file is empty (a header row is required)");
            }
        }
    }

    /** The index just past the first record's line end (quotes respected), or -1 if not buffered yet. */
    private int headerEnd() {
        boolean quoted = false;
        for (int p = 0; p < limit; p++) {
            byte c = buf[p];
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '\n' && !quoted) {
                return p + 1;
            }
        }
        return -1;
    }

    /** Parses one record starting at {@code pos} into row {@code row}; MORE if the buffer ends first. */
    private int parseRow(Batch batch, int row) throws EvaluationException {
        byte[] b = buf;
        int p = pos;
        int lim = limit;
        if (b[p] == '\n') {
            pos = p + 1;
            line++;
            return BLANK;
        }
        if (b[p] == '\r') {
            if (p + 1 >= lim) {
                return MORE;
            }
            if (b[p + 1] == '\n') {
                pos = p + 2;
                line++;
                return BLANK;
            }
        }
        long startLine = line;
        int extraLines = 0;
        int columns = role.length;
        float[] features = batch.features;
        int base = row * batch.rowWidth();
        for (int column = 0; column < columns; column++) {
            if (p >= lim) {
                return MORE;
            }
            int r = role[column];
            String quotedText = null;
            int fieldStart = p;
            int fieldEnd;
            if (b[p] == '"') {
                StringBuilder text = new StringBuilder();
                int q = p + 1;
                int start = q;
                while (true) {
                    if (q - p > MAX_FIELD) {
                        throw fieldTooLong(column, startLine);
                    }
                    if (q >= lim) {
                        return MORE;
                    }
                    byte c = b[q];
                    if (c == '"') {
                        if (q + 1 >= lim) {
                            return MORE;
                        }
                        if (b[q + 1] == '"') {
                            text.append(new String(b, start, q + 1 - start, StandardCharsets.UTF_8));
                            q += 2;
                            start = q;
                            continue;
                        }
                        text.append(new String(b, start, q - start, StandardCharsets.UTF_8));
                        q++;
                        break;
                    }
                    if (c == '\n') {
                        extraLines++;
                    }
                    q++;
                }
                quotedText = text.toString();
                p = q;
                fieldEnd = q;
            } else if (r >= 0) {
                int end = numbers.parse(b, p, lim, true);
                if (end >= 0) {
                    features[base + r] = (float) numbers.lastDouble();
                    p = end;
                    fieldEnd = end;
                    r = SKIP;
                } else if (end == NumberParser.NEED_MORE) {
                    return MORE;
                } else {
                    fieldEnd = scanField(b, p, lim);
                    if (fieldEnd < 0) {
                        return MORE;
                    }
                    p = fieldEnd;
                }
            } else {
                fieldEnd = scanField(b, p, lim);
                if (fieldEnd < 0) {
                    return MORE;
                }
                p = fieldEnd;
            }
            if (fieldEnd - fieldStart > MAX_FIELD) {
                throw fieldTooLong(column, startLine);
            }
            if (r != SKIP || quotedText != null) {
                handleSlowField(batch, row, r, column, b, fieldStart, fieldEnd, quotedText, startLine);
            }
            // delimiter
            if (p >= lim) {
                return MORE;
            }
            byte c = b[p];
            if (column < columns - 1) {
                if (c == ',') {
                    p++;
                    continue;
                }
                if (c == '\n' || c == '\r') {
                    throw Malformed.at(fileName, startLine, "expected " + columns + " fields, found " + (column + 1));
                }
                throw Malformed.at(fileName, startLine, "unexpected text after column '" + columnNames[column] + "'");
            }
            if (c == '\r') {
                if (p + 1 >= lim) {
                    return MORE;
                }
                if (b[p + 1] != '\n') {
                    throw Malformed.at(fileName, startLine, "a carriage return not followed by a line feed");
                }
                p++;
                c = '\n';
            }
            if (c != '\n') {
                throw Malformed.at(fileName, startLine, c == ','
                        ? "more fields than the header's " + columns
                        : "unexpected text after column '" + columnNames[column] + "'");
            }
            p++;
        }
        batch.lines[row] = startLine;
        pos = p;
        line = startLine + 1 + extraLines;
        return ROW;
    }

    private EvaluationException fieldTooLong(int column, long startLine) {
        return Malformed.overLimit(fileName + " line " + startLine, "a field longer than " + (MAX_FIELD >> 20)
                + " MiB in column '" + columnNames[column] + "'");
    }

    /** End of an unquoted field (index of its delimiter), or -1 if the buffer ends first. */
    private static int scanField(byte[] b, int p, int lim) {
        while (p < lim) {
            byte c = b[p];
            if (c == ',' || c == '\n' || c == '\r') {
                return p;
            }
            p++;
        }
        return -1;
    }

    private void handleSlowField(Batch batch, int row, int r, int column, byte[] b, int start, int end,
            String quotedText, long startLine) throws EvaluationException {
        if (r == SKIP) {
            return;
        }
        if (r == LABEL && quotedText == null && classification) {
            batch.classIndex[row] = classOf(b, start, end, startLine);
            return;
        }
        String text = quotedText != null ? quotedText : new String(b, start, end - start, StandardCharsets.UTF_8);
        if (text.isEmpty()) {
            throw Malformed.at(fileName, startLine, "missing value in column '" + columnNames[column] + "'");
        }
        if (r == LABEL && classification) {
            Integer index = classIndex.get(text);
            if (index == null) {
                throw unknownClass(text, startLine);
            }
            batch.classIndex[row] = index;
            return;
        }
        double value;
        try {
            if (r == LABEL && quotedText == null) {
                int e = numbers.parse(b, start, end + 1, false);
                value = e == end ? numbers.lastDouble() : NumberParser.parseSlow(text, false);
            } else {
                value = NumberParser.parseSlow(text, r != LABEL);
            }
        } catch (NumberFormatException e) {
            throw Malformed.at(fileName, startLine, "column '" + columnNames[column] + "': " + e.getMessage());
        }
        if (r == LABEL) {
            batch.target[row] = value;
        } else {
            batch.features[row * batch.rowWidth() + r] = (float) value;
        }
    }

    private int classOf(byte[] b, int start, int end, long startLine) throws EvaluationException {
        int length = end - start;
        if (length == 0) {
            throw Malformed.at(fileName, startLine, "missing value in label column '" + columnNames[labelColumn()] + "'");
        }
        for (int k = 0; k < classBytes.length; k++) {
            byte[] name = classBytes[k];
            if (name.length == length && Arrays.equals(name, 0, length, b, start, end)) {
                return k;
            }
        }
        throw unknownClass(new String(b, start, length, StandardCharsets.UTF_8), startLine);
    }

    private int labelColumn() {
        for (int i = 0; i < role.length; i++) {
            if (role[i] == LABEL) {
                return i;
            }
        }
        throw new IllegalStateException();
    }

    private EvaluationException unknownClass(String label, long startLine) {
        return Malformed.at(fileName, startLine, "label '" + label + "' is not one of the bounty's classes " + classes);
    }

    @Override
    public void close() {
        digest.close();
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing left to read
        }
    }
}
