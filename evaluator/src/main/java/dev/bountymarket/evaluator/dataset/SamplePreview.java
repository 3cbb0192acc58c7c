package dev.bountymarket.evaluator.dataset;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.spec.BountySpec;
import dev.bountymarket.evaluator.spec.ImageInput;
import dev.bountymarket.evaluator.spec.TabularInput;

/**
 * What a contributor sees of a public sample before downloading it: its columns with their types and roles, its
 * first rows, its row count and size, and the balance of its labels. It reads a CSV sample (or an image zip's labels
 * file) with the evaluator's own reader and caps, so a file the evaluator accepts is previewed the same way.
 *
 * @param rows data rows (the header not counted)
 * @param classBalance for a classification task: each label value and its count, in the spec's class order, then any
 *     value outside the class list; empty for regression
 * @param distinctLabelsCapped true when the label column held more than {@link #MAX_DISTINCT_LABELS} values and the
 *     balance stops there
 */
public record SamplePreview(String fileName, long bytes, long rows, List<Column> columns, List<List<String>> firstRows,
        List<LabelCount> classBalance, boolean distinctLabelsCapped) {

    public static final int FIRST_ROWS = 5;
    public static final int MAX_DISTINCT_LABELS = 100;
    /** Characters of a field shown in the first rows; a longer one is cut with an ellipsis. */
    public static final int SHOWN_FIELD = 60;

    /**
     * A column: {@code type} is {@code number} (every non-empty value parses as a number), {@code text} or
     * {@code empty}; {@code role} is {@code feature} (fed to the model, in this order), {@code label}, {@code image}
     * or {@code unused}.
     */
    public record Column(String name, String type, String role) {
    }

    public record LabelCount(String label, long count, double share) {
    }

    /** Reads the sample {@code file} (sent as {@code fileName}) as the spec describes it. */
    public static SamplePreview of(Path file, String fileName, BountySpec spec) throws EvaluationException {
        long bytes;
        try {
            bytes = Files.size(file);
        } catch (IOException e) {
            throw Malformed.file(fileName, "cannot be read (" + e.getMessage() + ")");
        }
        if (spec.input() instanceof ImageInput) {
            TestSetLimits limits = TestSetLimits.DEFAULTS;
            ZipDirectory.check(file, fileName, limits);
            String labelsName = spec.label().file();
            try (ZipFile zip = new ZipFile(file.toFile())) {
                ZipEntry entry = zip.getEntry(labelsName);
                if (entry == null) {
                    throw Malformed.file(fileName, "has no labels file '" + labelsName + "'");
                }
                try (InputStream in = new CappedEntryStream(zip.getInputStream(entry), entry,
                        fileName + " entry '" + labelsName + "'", limits.maxLabelsBytes(), "the cap on the labels file",
                        limits)) {
                    return read(new InputStreamReader(in, StandardCharsets.UTF_8), fileName + "!" + labelsName, fileName,
                            bytes, spec, limits.maxLabelsField(), limits.maxLabelsRecord());
                }
            } catch (CappedEntryStream.OverLimit e) {
                throw e.error;
            } catch (IOException e) {
                throw Malformed.file(fileName, "cannot be read as a zip archive (" + e.getMessage() + ")");
            }
        }
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in, fileName, fileName, bytes, spec, TestSetLimits.MAX_CSV_FIELD, TestSetLimits.MAX_CSV_RECORD);
        } catch (IOException e) {
            throw Malformed.file(fileName, "cannot be read as UTF-8 text (" + e.getMessage() + ")");
        }
    }

    private static SamplePreview read(Reader in, String csvName, String fileName, long bytes, BountySpec spec,
            int maxField, int maxRecord) throws IOException, EvaluationException {
        CsvRecordReader reader = new CsvRecordReader(new BufferedReader(in, 1 << 16), csvName, maxField, maxRecord);
        List<String> header = reader.next();
        if (header == null) {
            throw Malformed.file(csvName, "is empty (a header row is required)");
        }
        int width = header.size();
        boolean[] seen = new boolean[width];
        boolean[] numeric = new boolean[width];
        java.util.Arrays.fill(numeric, true);
        int labelColumn = header.indexOf(spec.label().column());
        boolean classification = spec.task().isClassification();
        Map<String, Long> counts = new LinkedHashMap<>();
        if (classification) {
            spec.classes().forEach(c -> counts.put(c, 0L));
        }
        boolean capped = false;
        List<List<String>> first = new ArrayList<>();
        long rows = 0;
        for (List<String> record = reader.next(); record != null; record = reader.next()) {
            rows++;
            for (int i = 0; i < Math.min(width, record.size()); i++) {
                String value = record.get(i).strip();
                if (!value.isEmpty()) {
                    seen[i] = true;
                    if (numeric[i] && !isNumber(value)) {
                        numeric[i] = false;
                    }
                }
            }
            if (first.size() < FIRST_ROWS) {
                first.add(record.stream().limit(width)
                        .map(v -> v.length() > SHOWN_FIELD ? v.substring(0, SHOWN_FIELD - 1) + "…" : v).toList());
            }
            if (classification && labelColumn >= 0 && labelColumn < record.size()) {
                String label = record.get(labelColumn).strip();
                if (counts.containsKey(label)) {
                    counts.merge(label, 1L, Long::sum);
                } else if (counts.size() < MAX_DISTINCT_LABELS) {
                    counts.put(label, 1L);
                } else {
                    capped = true;
                }
            }
        }
        List<String> features = spec.input() instanceof TabularInput tabular ? tabular.features() : List.of();
        List<Column> columns = new ArrayList<>();
        for (int i = 0; i < width; i++) {
            String name = header.get(i);
            String role = i == labelColumn ? "label"
                    : name.equals(spec.label().imageColumn()) && spec.input() instanceof ImageInput ? "image"
                    : features.contains(name) ? "feature" : "unused";
            columns.add(new Column(name, !seen[i] ? "empty" : numeric[i] ? "number" : "text", role));
        }
        long total = rows;
        List<LabelCount> balance = counts.entrySet().stream()
                .map(e -> new LabelCount(e.getKey(), e.getValue(), total == 0 ? 0 : (double) e.getValue() / total))
                .toList();
        return new SamplePreview(fileName, bytes, rows, List.copyOf(columns), List.copyOf(first), balance, capped);
    }

    private static boolean isNumber(String value) {
        try {
            Double.parseDouble(value);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
