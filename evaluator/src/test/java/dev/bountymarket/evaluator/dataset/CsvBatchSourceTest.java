package dev.bountymarket.evaluator.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.ErrorCode;
import dev.bountymarket.evaluator.examples.Specs;
import dev.bountymarket.evaluator.report.Hashes;
import dev.bountymarket.evaluator.spec.BountySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvBatchSourceTest {
    @TempDir
    Path dir;

    private static BountySpec binarySpec() throws EvaluationException {
        return Specs.binary(List.of("no", "yes"), List.of("a", "b"));
    }

    private Path csv(String text) throws Exception {
        Path file = dir.resolve("test.csv");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    /** Reads everything: rows as "a b label line". */
    private List<String> readAll(Path file, BountySpec spec, int batchRows) throws EvaluationException {
        List<String> rows = new ArrayList<>();
        try (CsvBatchSource source = new CsvBatchSource(file, spec)) {
            Batch batch = new Batch(batchRows, spec.input().rowWidth(), spec.task().isClassification());
            while (source.fill(batch)) {
                for (int i = 0; i < batch.size(); i++) {
                    StringBuilder row = new StringBuilder();
                    for (int j = 0; j < batch.rowWidth(); j++) {
                        row.append(batch.features()[i * batch.rowWidth() + j]).append(' ');
                    }
                    row.append(spec.task().isClassification() ? String.valueOf(batch.classIndex(i)) : String.valueOf(batch.target(i)));
                    rows.add(row.append(" @").append(batch.line(i)).toString());
                }
            }
            assertEquals(Hashes.sha256(file), source.sha256());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    @Test
    void readsColumnsByNameInSpecOrderAndSkipsOthers() throws Exception {
        Path file = csv("\uFEFFid,b,label,a\r\n7,2.5,yes,-1e-1\r\n8,3,no,4\r\n");
        assertEquals(List.of("-0.1 2.5 1 @2", "4.0 3.0 0 @3"), readAll(file, binarySpec(), 16));
    }

    @Test
    void quotedFieldsBlankLinesAndAMissingFinalNewline() throws Exception {
        Path file = csv("a,note,b,label\n\"1.5\",\"says \"\"hi\"\",\nacross lines\",2,\"yes\"\n\n3,,4,no");
        assertEquals(List.of("1.5 2.0 1 @2", "3.0 4.0 0 @5"), readAll(file, binarySpec(), 16));
    }

    @Test
    void batchesAcrossBufferRefillsKeepEveryRow() throws Exception {
        StringBuilder text = new StringBuilder("a,b,label\n");
        int rows = 150_000;
        for (int i = 0; i < rows; i++) {
            text.append(i).append(".25,").append(-i).append(",").append(i % 3 == 0 ? "yes" : "no").append('\n');
        }
        List<String> read = readAll(csv(text.toString()), binarySpec(), 4096);
        assertEquals(rows, read.size());
        assertEquals("149999.25 -149999.0 0 @150001", read.get(rows - 1));
        assertEquals("69999.25 -69999.0 1 @70001", read.get(69_999));
    }

    @Test
    void regressionTargetsAreDoubles() throws Exception {
        BountySpec spec = Specs.regression(List.of("a"));
        Path file = csv("label,a\n0.1,1\n\"-2.5e3\",2\n");
        assertEquals(List.of("1.0 0.1 @2", "2.0 -2500.0 @3"), readAll(file, spec, 1));
    }

    private void assertMalformed(String text, String message) throws Exception {
        Path file = csv(text);
        EvaluationException e = assertThrows(EvaluationException.class, () -> readAll(file, binarySpec(), 4));
        assertEquals(ErrorCode.MALFORMED_TEST_SET, e.code());
        assertEquals(message, e.getMessage());
    }

    @Test
    void malformedFilesAreReportedWithFileLineAndColumn() throws Exception {
        assertMalformed("a,b,label\n1,2,yes\n1,,no\n", "test.csv line 3: missing value in column 'b'");
        assertMalformed("a,b,label\n1,2,yes\n\n1,2,maybe\n",
                "test.csv line 4: label 'maybe' is not one of the bounty's classes [no, yes]");
        assertMalformed("a,b,label\n1,2\n", "test.csv line 2: expected 3 fields, found 2");
        assertMalformed("a,b,label\n1,2,yes,4\n", "test.csv line 2: more fields than the header's 3");
        assertMalformed("a,b,label\n1,x2,yes\n", "test.csv line 2: column 'b': 'x2' is not a decimal number");
        assertMalformed("a,b,label\n1,NaN,yes\n", "test.csv line 2: column 'b': 'NaN' is not a decimal number");
        assertMalformed("a,b,label\n1,1e99,yes\n", "test.csv line 2: column 'b': '1e99' is out of range for a float");
        assertMalformed("a,label\n1,yes\n", "test.csv line 1: the header has no column 'b', which the bounty spec lists as a feature");
        assertMalformed("a,b,b,label\n", "test.csv line 1: the header names column 'b' twice");
        assertMalformed("a,b,label\n", "test.csv: the test set has a header but no rows");
        assertMalformed("", "test.csv: the file is empty (a header row is required)");
        assertMalformed("a,b,label\n1,2,\"yes\n", "test.csv line 2: the file ends inside a quoted field");
        assertMalformed("a,b,label\n1,2,\n", "test.csv line 2: missing value in label column 'label'");
    }

    @Test
    void firstBatchIsNotEmptyAndSizeResets() throws Exception {
        try (CsvBatchSource source = new CsvBatchSource(csv("a,b,label\n1,2,yes\n"), binarySpec())) {
            Batch batch = new Batch(8, 2, true);
            assertTrue(source.fill(batch));
            assertEquals(1, batch.size());
            assertFalse(source.fill(batch));
            assertEquals(0, batch.size());
        }
    }
}
