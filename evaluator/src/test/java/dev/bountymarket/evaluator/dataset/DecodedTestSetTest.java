package dev.bountymarket.evaluator.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bountymarket.evaluator.ErrorCode;
import dev.bountymarket.evaluator.Evaluation;
import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.EvaluationRequest;
import dev.bountymarket.evaluator.EvaluationResult;
import dev.bountymarket.evaluator.examples.Specs;
import dev.bountymarket.evaluator.examples.TabularData;
import dev.bountymarket.evaluator.examples.TribuoModels;
import dev.bountymarket.evaluator.fixtures.ImageData;
import dev.bountymarket.evaluator.fixtures.OnnxBuilder;
import dev.bountymarket.evaluator.sandbox.EvaluationOutcome;
import dev.bountymarket.evaluator.sandbox.Isolation;
import dev.bountymarket.evaluator.sandbox.SandboxLimits;
import dev.bountymarket.evaluator.sandbox.SandboxedEvaluator;
import dev.bountymarket.evaluator.spec.BountySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decode-once path against the plain path on the same inputs: the same report, byte for byte, and the same hash,
 * for every metric, tabular and image sets, all rows and each part of the live split, across batch boundaries; the
 * same error for a model that fails on a row; and a decoded file used for other rows or another spec is refused.
 */
class DecodedTestSetTest {
    private static final List<String> YES_NO = List.of("no", "yes");
    private static final List<String> ABC = List.of("a", "b", "c");
    private static final byte[] SALT = "a bounty's salt, 32 bytes long!!".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    static Path dir;

    static TabularData binary;
    static TabularData multiclass;
    static TabularData regression;
    static Path binaryModel;
    static Path multiclassModel;
    static Path regressionModel;
    static Path binaryCsv;
    static Path multiclassCsv;
    static Path regressionCsv;

    @BeforeAll
    static void fixtures() throws Exception {
        binary = new TabularData(TabularData.Kind.BINARY, 8, 2, 11);
        multiclass = new TabularData(TabularData.Kind.MULTICLASS, 6, 3, 12);
        regression = new TabularData(TabularData.Kind.REGRESSION, 5, 1, 13);
        binaryModel = dir.resolve("fm.onnx");
        TribuoModels.factorizationMachine(binary, 2000, YES_NO, binaryModel);
        multiclassModel = dir.resolve("lr3.onnx");
        TribuoModels.logisticRegression(multiclass, 2000, ABC, multiclassModel);
        regressionModel = dir.resolve("linear.onnx");
        TribuoModels.linearRegression(regression, 2000, regressionModel);
        // more rows than one batch (16,384 for these widths), so batch boundaries are crossed
        binaryCsv = dir.resolve("binary.csv");
        binary.writeCsv(binaryCsv, 40_000, 1, YES_NO);
        multiclassCsv = dir.resolve("multiclass.csv");
        multiclass.writeCsv(multiclassCsv, 20_000, 1, ABC);
        regressionCsv = dir.resolve("regression.csv");
        regression.writeCsv(regressionCsv, 20_000, 1, null);
    }

    private static List<EvaluationRequest> parts(EvaluationRequest all) {
        return List.of(all, all.part(SALT, LiveSplit.Part.LIVE), all.part(SALT, LiveSplit.Part.PRIVATE));
    }

    /** Evaluates the request on the plain file and on a freshly decoded file, and checks both reports are one. */
    private static void assertSameReport(EvaluationRequest plain) throws Exception {
        EvaluationResult expected = Evaluation.evaluate(plain);
        Path decoded = decode(plain);
        EvaluationResult actual = Evaluation.evaluate(plain.withDecodedTestSet(decoded));
        assertEquals(expected.report().canonicalJson(), actual.report().canonicalJson());
        assertEquals(expected.reportHash(), actual.reportHash());
        Files.delete(decoded);
    }

    private static Path decode(EvaluationRequest request) throws Exception {
        Path target = Files.createTempFile(dir, "decoded-", ".bin");
        Files.delete(target);
        DecodedTestSet.decode(request.testSet(), String.valueOf(request.testSet().getFileName()), request.spec(),
                request.rows(), target);
        return target;
    }

    @Test
    void everyBinaryMetricGivesTheSameReportFromTheDecodedSet() throws Exception {
        for (String metric : List.of("roc_auc", "accuracy", "balanced_accuracy", "macro_f1", "log_loss")) {
            BountySpec spec = BountySpec.parse(Specs.tabularJson("binary_classification", metric, YES_NO,
                    binary.featureNames(), "probabilities", null));
            for (EvaluationRequest request : parts(new EvaluationRequest(spec, binaryModel, binaryCsv))) {
                assertSameReport(request);
            }
        }
    }

    @Test
    void multiclassAndRegressionMetricsGiveTheSameReportFromTheDecodedSet() throws Exception {
        for (String metric : List.of("accuracy", "macro_f1", "log_loss")) {
            BountySpec spec = BountySpec.parse(Specs.tabularJson("multiclass_classification", metric, ABC,
                    multiclass.featureNames(), "probabilities", null));
            for (EvaluationRequest request : parts(new EvaluationRequest(spec, multiclassModel, multiclassCsv))) {
                assertSameReport(request);
            }
        }
        for (String metric : List.of("rmse", "mae", "r2")) {
            BountySpec spec = BountySpec.parse(Specs.tabularJson("regression", metric, null,
                    regression.featureNames(), "values", null));
            for (EvaluationRequest request : parts(new EvaluationRequest(spec, regressionModel, regressionCsv))) {
                assertSameReport(request);
            }
        }
    }

    @Test
    void anImageSetGivesTheSameReportFromTheDecodedSet() throws Exception {
        int size = 16;
        Path zip = dir.resolve("images.zip");
        // 1 Mi floats per batch at 16x16x3 is 1,365 images: 3,000 cross two boundaries
        ImageData.writeZip(zip, 3000, size, 5);
        Path onnx = OnnxBuilder.colourClassifier(size).write(dir.resolve("colour.onnx"));
        BountySpec spec = BountySpec.parse(Specs.imageJson(size));
        for (EvaluationRequest request : parts(new EvaluationRequest(spec, onnx, zip))) {
            assertSameReport(request);
        }
    }

    @Test
    void aModelThatFailsOnARowGetsTheSameErrorFromTheDecodedSet() throws Exception {
        // the square root of a negative sum is NaN: the error names the first such row and its CSV line
        Path sqrt = OnnxBuilder.sumThen("Sqrt", regression.features()).write(dir.resolve("sqrt.onnx"));
        BountySpec spec = Specs.regression(regression.featureNames());
        EvaluationRequest plain = new EvaluationRequest(spec, sqrt, regressionCsv).part(SALT, LiveSplit.Part.PRIVATE);
        EvaluationException expected = assertThrows(EvaluationException.class, () -> Evaluation.evaluate(plain));
        EvaluationException actual = assertThrows(EvaluationException.class,
                () -> Evaluation.evaluate(plain.withDecodedTestSet(decode(plain))));
        assertEquals(ErrorCode.NON_FINITE_OUTPUT, expected.code());
        assertEquals(expected.code(), actual.code());
        assertEquals(expected.getMessage(), actual.getMessage());
    }

    @Test
    void aTestSetThePlainPathRefusesIsRefusedWithTheSameErrorAndLeavesNoFile() throws Exception {
        Path bad = dir.resolve("bad.csv");
        List<String> lines = new ArrayList<>(Files.readAllLines(regressionCsv).subList(0, 50));
        lines.set(30, lines.get(30).replaceFirst(",[^,]*$", ",not-a-number"));
        Files.write(bad, lines);
        Path sqrt = OnnxBuilder.sumThen("Identity", regression.features()).write(dir.resolve("identity.onnx"));
        EvaluationRequest plain = new EvaluationRequest(Specs.regression(regression.featureNames()), sqrt, bad);
        EvaluationException expected = assertThrows(EvaluationException.class, () -> Evaluation.evaluate(plain));
        Path target = dir.resolve("bad.decoded");
        EvaluationException actual = assertThrows(EvaluationException.class,
                () -> DecodedTestSet.decode(bad, "bad.csv", plain.spec(), null, target));
        assertEquals(ErrorCode.MALFORMED_TEST_SET, actual.code());
        assertEquals(expected.getMessage(), actual.getMessage());
        assertFalse(Files.exists(target), "a half-written decoded set is deleted");
    }

    @Test
    void aDecodedSetIsRefusedForOtherRowsOrAnotherSpec() throws Exception {
        BountySpec spec = Specs.regression(regression.featureNames());
        EvaluationRequest privatePart = new EvaluationRequest(spec, regressionModel, regressionCsv)
                .part(SALT, LiveSplit.Part.PRIVATE);
        Path decoded = decode(privatePart);
        EvaluationException otherRows = assertThrows(EvaluationException.class, () -> Evaluation.evaluate(
                privatePart.part(SALT, LiveSplit.Part.LIVE).withDecodedTestSet(decoded)));
        assertEquals(ErrorCode.INTERNAL_ERROR, otherRows.code());
        assertTrue(otherRows.getMessage().contains("other rows"), otherRows.getMessage());
        BountySpec mae = BountySpec.parse(Specs.tabularJson("regression", "mae", null, regression.featureNames(),
                "values", null));
        EvaluationException otherSpec = assertThrows(EvaluationException.class, () -> Evaluation.evaluate(
                new EvaluationRequest(mae, regressionModel, regressionCsv).part(SALT, LiveSplit.Part.PRIVATE)
                        .withDecodedTestSet(decoded)));
        assertTrue(otherSpec.getMessage().contains("another spec"), otherSpec.getMessage());
        // a plain CSV is never taken for a decoded set, whatever it holds
        EvaluationException plainFile = assertThrows(EvaluationException.class,
                () -> Evaluation.evaluate(privatePart.withDecodedTestSet(regressionCsv)));
        assertEquals(ErrorCode.INTERNAL_ERROR, plainFile.code());
    }

    @Test
    void theSandboxedChildGivesTheSameReportFromTheDecodedSet() throws Exception {
        SandboxedEvaluator evaluator = new SandboxedEvaluator(SandboxLimits.defaults().withWorkRoot(dir)
                .withHeapBytes(256L << 20).withIsolation(Isolation.Mode.AUTO));
        BountySpec spec = Specs.binary(YES_NO, binary.featureNames());
        EvaluationRequest plain = new EvaluationRequest(spec, binaryModel, binaryCsv).part(SALT, LiveSplit.Part.PRIVATE);
        Path decoded = decode(plain);
        EvaluationResult expected = ((EvaluationOutcome.Success) evaluator.evaluate(plain)).result();
        EvaluationOutcome outcome = evaluator.evaluate(plain.withDecodedTestSet(decoded));
        assertTrue(outcome instanceof EvaluationOutcome.Success, outcome.toString());
        EvaluationResult actual = ((EvaluationOutcome.Success) outcome).result();
        assertEquals(expected.report().canonicalJson(), actual.report().canonicalJson());
        assertEquals(expected.reportHash(), actual.reportHash());
    }
}
