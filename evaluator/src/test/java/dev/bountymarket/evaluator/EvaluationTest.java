package dev.bountymarket.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.bountymarket.evaluator.dataset.Batch;
import dev.bountymarket.evaluator.dataset.CsvBatchSource;
import dev.bountymarket.evaluator.dataset.ImageZipBatchSource;
import dev.bountymarket.evaluator.dataset.LiveSplit;
import dev.bountymarket.evaluator.fixtures.ImageData;
import dev.bountymarket.evaluator.fixtures.OnnxBuilder;
import dev.bountymarket.evaluator.examples.Specs;
import dev.bountymarket.evaluator.examples.TabularData;
import dev.bountymarket.evaluator.examples.TribuoModels;
import dev.bountymarket.evaluator.model.DevicePreference;
import dev.bountymarket.evaluator.model.ModelOptions;
import dev.bountymarket.evaluator.model.OnnxModel;
import dev.bountymarket.evaluator.report.Hashes;
import dev.bountymarket.evaluator.report.Report;
import dev.bountymarket.evaluator.spec.BountySpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-process engine on real Tribuo-trained models and hand-built ONNX graphs. */
class EvaluationTest {
    private static final List<String> YES_NO = List.of("no", "yes");
    private static final List<String> ABC = List.of("a", "b", "c");
    private static final int ROWS = 3000;

    @TempDir
    static Path dir;

    static TabularData binaryData;
    static TabularData multiclassData;
    static TabularData regressionData;
    static TribuoModels.Classifier logistic;
    static TribuoModels.Classifier fm;
    static TribuoModels.Classifier multiclassLogistic;
    static TribuoModels.Regression linear;
    static Path binaryCsv;
    static Path multiclassCsv;
    static Path regressionCsv;

    @BeforeAll
    static void trainModels() throws Exception {
        binaryData = new TabularData(TabularData.Kind.BINARY, 8, 2, 1);
        multiclassData = new TabularData(TabularData.Kind.MULTICLASS, 6, 3, 2);
        regressionData = new TabularData(TabularData.Kind.REGRESSION, 5, 1, 3);
        logistic = TribuoModels.logisticRegression(binaryData, 2000, YES_NO, dir.resolve("lr.onnx"));
        fm = TribuoModels.factorizationMachine(binaryData, 2000, YES_NO, dir.resolve("fm.onnx"));
        multiclassLogistic = TribuoModels.logisticRegression(multiclassData, 2000, ABC, dir.resolve("lr3.onnx"));
        linear = TribuoModels.linearRegression(regressionData, 2000, dir.resolve("linear.onnx"));
        binaryCsv = dir.resolve("binary.csv");
        binaryData.writeCsv(binaryCsv, ROWS, 1, YES_NO);
        multiclassCsv = dir.resolve("multiclass.csv");
        multiclassData.writeCsv(multiclassCsv, ROWS, 1, ABC);
        regressionCsv = dir.resolve("regression.csv");
        regressionData.writeCsv(regressionCsv, ROWS, 1, null);
    }

    private static BountySpec binarySpec(List<String> classes) throws EvaluationException {
        return Specs.binary(classes, binaryData.featureNames());
    }

    /** Runs every CSV row through DJL and returns the outputs, row-major. */
    private static double[] djlOutputs(Path onnx, BountySpec spec, Path csv) throws Exception {
        try (OnnxModel model = OnnxModel.load(onnx, spec, ModelOptions.defaults());
                Predictor<Batch, double[]> predictor = model.newPredictor();
                CsvBatchSource source = new CsvBatchSource(csv, spec)) {
            Batch batch = new Batch(1024, spec.input().rowWidth(), spec.task().isClassification());
            double[] all = new double[0];
            while (source.fill(batch)) {
                double[] out = predictor.predict(batch);
                int start = all.length;
                all = Arrays.copyOf(all, start + out.length);
                System.arraycopy(out, 0, all, start, out.length);
            }
            return all;
        }
    }

    @Test
    void djlPredictionsEqualTribuosOwnWithin1e5() throws Exception {
        for (TribuoModels.Classifier classifier : List.of(logistic, fm, multiclassLogistic)) {
            TabularData data = classifier == multiclassLogistic ? multiclassData : binaryData;
            Path csv = classifier == multiclassLogistic ? multiclassCsv : binaryCsv;
            BountySpec spec = classifier == multiclassLogistic
                    ? Specs.multiclass(classifier.classes(), data.featureNames())
                    : binarySpec(classifier.classes());
            double[] djl = djlOutputs(classifier.onnx(), spec, csv);
            List<TabularData.Row> rows = data.rows(ROWS, 1);
            int classes = classifier.classes().size();
            assertEquals(ROWS * classes, djl.length);
            for (int i = 0; i < ROWS; i++) {
                double[] tribuo = classifier.probabilities(rows.get(i).x, data.featureNames());
                for (int c = 0; c < classes; c++) {
                    assertEquals(tribuo[c], djl[i * classes + c], 1e-5, "row " + i + " class " + c);
                }
            }
        }
        double[] djl = djlOutputs(linear.onnx(), Specs.regression(regressionData.featureNames()), regressionCsv);
        List<TabularData.Row> rows = regressionData.rows(ROWS, 1);
        for (int i = 0; i < ROWS; i++) {
            assertEquals(linear.predict(rows.get(i).x, regressionData.featureNames()), djl[i], 1e-5, "row " + i);
        }
    }

    @Test
    void sameInputsGiveByteIdenticalReportsAcrossRunsAndThreadCounts() throws Exception {
        for (Path onnx : List.of(logistic.onnx(), fm.onnx())) {
            BountySpec spec = binarySpec(logistic.classes());
            EvaluationResult one = Evaluation.evaluate(new EvaluationRequest(spec, onnx, binaryCsv,
                    new ModelOptions(1, DevicePreference.CPU)));
            EvaluationResult again = Evaluation.evaluate(new EvaluationRequest(spec, onnx, binaryCsv,
                    new ModelOptions(1, DevicePreference.CPU)));
            EvaluationResult two = Evaluation.evaluate(new EvaluationRequest(spec, onnx, binaryCsv,
                    new ModelOptions(2, DevicePreference.AUTO)));
            assertEquals(one.report().canonicalJson(), again.report().canonicalJson());
            assertEquals(one.report().canonicalJson(), two.report().canonicalJson());
            assertEquals(one.reportHash(), two.reportHash());
        }
    }

    @Test
    void binaryReportCarriesEveryMetricTheConfusionMatrixAndTheRocCurve() throws Exception {
        BountySpec spec = binarySpec(logistic.classes());
        EvaluationResult result = Evaluation.evaluate(new EvaluationRequest(spec, logistic.onnx(), binaryCsv));
        Report report = result.report();
        assertEquals("cpu", result.device());
        assertEquals(ROWS, report.rows());
        assertEquals(List.of("accuracy", "balanced_accuracy", "macro_f1", "roc_auc", "log_loss"),
                List.copyOf(report.metrics().keySet()));
        double auc = Double.parseDouble(report.metrics().get("roc_auc"));
        assertTrue(auc > 0.9, "a logistic regression on a linear rule separates well: " + auc);
        assertEquals(Math.round(auc * 1e6), report.score());
        assertEquals(spec.hash(), report.specHash());
        assertEquals(Hashes.sha256(logistic.onnx()), report.modelSha256());
        assertEquals(Hashes.sha256(binaryCsv), report.testSetSha256());
        assertEquals(EvaluatorVersion.get(), report.evaluatorVersion());
        var json = report.json();
        long total = 0;
        for (var row : json.get("confusionMatrix")) {
            for (var cell : row) {
                total += cell.asLong();
            }
        }
        assertEquals(ROWS, total);
        assertTrue(json.get("rocCurve").get("fpr").size() <= 101);
        assertTrue(!report.canonicalJson().contains("cpu"), "the device stays out of the hashed report");
        assertTrue(result.envelopeJson().startsWith("{\"device\":\"cpu\",\"report\":" + report.canonicalJson()
                + ",\"reportHash\":\"" + report.hash() + "\""));
        assertEquals(report.hash(), EvaluationResult.fromEnvelope(result.envelopeJson()).reportHash());
    }

    @Test
    void multiclassAndRegressionReports() throws Exception {
        Report multi = Evaluation.evaluate(new EvaluationRequest(
                Specs.multiclass(multiclassLogistic.classes(), multiclassData.featureNames()),
                multiclassLogistic.onnx(), multiclassCsv)).report();
        assertEquals(3, multi.json().get("confusionMatrix").size());
        assertTrue(!multi.json().has("rocCurve"));
        assertTrue(Double.parseDouble(multi.metrics().get("accuracy")) > 0.7, multi.toString());
        Report regression = Evaluation.evaluate(new EvaluationRequest(
                Specs.regression(regressionData.featureNames()), linear.onnx(), regressionCsv)).report();
        assertEquals(List.of("rmse", "mae", "r2"), List.copyOf(regression.metrics().keySet()));
        assertTrue(Double.parseDouble(regression.metrics().get("r2")) > 0.9, regression.toString());
        assertTrue(!regression.json().has("confusionMatrix"));
    }

    @Test
    void imageModelMatchesAJavaReferenceAndClassifiesTheColours() throws Exception {
        int size = 8;
        Path zip = dir.resolve("images.zip");
        ImageData.writeZip(zip, 60, size, 5);
        Path onnx = OnnxBuilder.colourClassifier(size).write(dir.resolve("colour.onnx"));
        BountySpec spec = BountySpec.parse(Specs.imageJson(size));
        try (OnnxModel model = OnnxModel.load(onnx, spec, ModelOptions.defaults());
                Predictor<Batch, double[]> predictor = model.newPredictor();
                ImageZipBatchSource source = new ImageZipBatchSource(zip, spec)) {
            Batch batch = new Batch(64, spec.input().rowWidth(), true);
            source.fill(batch);
            double[] out = predictor.predict(batch);
            int pixels = size * size;
            for (int i = 0; i < batch.size(); i++) {
                double[] logits = {0.1, 0, -0.1};
                for (int c = 0; c < 3; c++) {
                    for (int ch = 0; ch < 3; ch++) {
                        for (int p = 0; p < pixels; p++) {
                            logits[c] += (c == ch ? 4.0 : -2.0) / pixels * batch.features()[i * 3 * pixels + ch * pixels + p];
                        }
                    }
                }
                double max = Math.max(logits[0], Math.max(logits[1], logits[2]));
                double sum = 0;
                for (int c = 0; c < 3; c++) {
                    sum += Math.exp(logits[c] - max);
                }
                for (int c = 0; c < 3; c++) {
                    assertEquals(Math.exp(logits[c] - max) / sum, out[i * 3 + c], 1e-5);
                }
            }
        }
        Report report = Evaluation.evaluate(new EvaluationRequest(spec, onnx, zip)).report();
        assertEquals(60, report.rows());
        assertEquals("1.000000", report.metrics().get("accuracy"));
    }

    @Test
    void aModelWithAFixedBatchSizeIsFedPaddedBatches() throws Exception {
        Path dynamic = OnnxBuilder.sumThen("Identity", 5).write(dir.resolve("sum.onnx"));
        float[] ones = {1, 1, 1, 1, 1};
        Path fixed = new OnnxBuilder()
                .input("input", TensorProto.DataType.FLOAT, 7, 5)
                .output("output", TensorProto.DataType.FLOAT, 7, 1)
                .floats("W", ones, 5, 1)
                .node("MatMul", new String[] {"input", "W"}, new String[] {"output"})
                .write(dir.resolve("fixed.onnx"));
        BountySpec spec = Specs.regression(regressionData.featureNames());
        Report a = Evaluation.evaluate(new EvaluationRequest(spec, dynamic, regressionCsv)).report();
        Report b = Evaluation.evaluate(new EvaluationRequest(spec, fixed, regressionCsv)).report();
        assertEquals(a.metrics(), b.metrics());
        assertEquals(ROWS, b.rows());
    }

    @Test
    void aModelDeclaringAnOverflowingFixedBatchIsTheContributorsInputError() throws Exception {
        Path twoBillion = new OnnxBuilder()
                .input("input", TensorProto.DataType.FLOAT, 2_000_000_000L, 5)
                .output("output", TensorProto.DataType.FLOAT, 2_000_000_000L, 1)
                .floats("W", new float[] {1, 1, 1, 1, 1}, 5, 1)
                .node("MatMul", new String[] {"input", "W"}, new String[] {"output"})
                .write(dir.resolve("two-billion.onnx"));
        EvaluationException e = failure(Specs.regression(regressionData.featureNames()), twoBillion, regressionCsv);
        assertEquals(ErrorCode.INPUT_MISMATCH, e.code(), e.getMessage());
        assertEquals(ErrorCode.Party.CONTRIBUTOR, e.code().party());
        assertEquals("the model input 'input' declares a fixed batch of 2000000000 rows; the evaluator feeds at most"
                + " 16384 rows and 16777216 floats (64 MiB) per call: export the model with a dynamic batch dimension"
                + " (N) or a smaller fixed one", e.getMessage());
    }

    // ---- errors a contributor or sponsor sees ----

    private static EvaluationException failure(BountySpec spec, Path model, Path testSet) {
        return assertThrows(EvaluationException.class, () -> Evaluation.evaluate(new EvaluationRequest(spec, model, testSet)));
    }

    @Test
    void brokenModelFilesAreUnreadable() throws Exception {
        byte[] bytes = Files.readAllBytes(logistic.onnx());
        Path truncated = Files.write(dir.resolve("truncated.onnx"), Arrays.copyOf(bytes, bytes.length / 2));
        byte[] corrupt = bytes.clone();
        for (int i = 0; i < 64; i++) {
            corrupt[i] = (byte) (i * 37 + 11);
        }
        Path corrupted = Files.write(dir.resolve("corrupted.onnx"), corrupt);
        Path empty = Files.write(dir.resolve("empty.onnx"), new byte[0]);
        BountySpec spec = binarySpec(logistic.classes());
        for (Path model : List.of(truncated, corrupted, empty)) {
            EvaluationException e = failure(spec, model, binaryCsv);
            assertEquals(ErrorCode.MODEL_UNREADABLE, e.code(), e.getMessage());
            // refused by the external-data walk when the protobuf itself is broken, else by ONNX Runtime
            assertTrue(e.getMessage().startsWith(model.getFileName() + " is not a readable ONNX model: ")
                    || e.getMessage().startsWith("ONNX Runtime cannot load " + model.getFileName() + " as an ONNX model: "),
                    e.getMessage());
        }
        EvaluationException missing = failure(spec, dir.resolve("nope.onnx"), binaryCsv);
        assertEquals(ErrorCode.MODEL_UNREADABLE, missing.code());
        assertTrue(missing.getMessage().contains("nope.onnx"), missing.getMessage());
        assertEquals(ErrorCode.Party.CONTRIBUTOR, missing.code().party());
    }

    @Test
    void inputThatDoesNotFitTheSpecNamesBothShapes() throws Exception {
        List<String> moreFeatures = new java.util.ArrayList<>(binaryData.featureNames());
        moreFeatures.add("id");
        EvaluationException shape = failure(Specs.binary(logistic.classes(), moreFeatures), logistic.onnx(), binaryCsv);
        assertEquals(ErrorCode.INPUT_MISMATCH, shape.code());
        assertEquals("the model input 'input' has shape [N, 8] but the bounty spec feeds [N, 9] (9 feature columns)",
                shape.getMessage());
        BountySpec named = BountySpec.parse(Specs.tabularJson("binary_classification", "roc_auc", logistic.classes(),
                binaryData.featureNames(), "probabilities", null).replace("\"name\": \"input\"", "\"name\": \"features\""));
        EvaluationException name = failure(named, logistic.onnx(), binaryCsv);
        assertEquals(ErrorCode.INPUT_MISMATCH, name.code());
        assertEquals("the model's input is named 'input' but the bounty spec names 'features'", name.getMessage());
    }

    @Test
    void outputThatDoesNotFitTheSpecNamesBothShapes() throws Exception {
        // a 3-class model submitted to a binary bounty: caught from the declared shape
        BountySpec binary = Specs.binary(List.of("a", "b"), multiclassData.featureNames());
        EvaluationException declared = failure(binary, multiclassLogistic.onnx(), multiclassCsv);
        assertEquals(ErrorCode.OUTPUT_MISMATCH, declared.code());
        assertEquals("the model output 'output' has shape [N, 3] but the bounty spec expects [N, 2] (probabilities,"
                + " one column per class)", declared.getMessage());
        // a model whose output rows are not the batch's rows ([N, 8] reshaped to [4N, 2]): caught on the first batch
        Path reshaped = new OnnxBuilder()
                .input("input", TensorProto.DataType.FLOAT, -1, 8)
                .output("output", TensorProto.DataType.FLOAT, -2, 2)
                .longs("shape", new long[] {-1, 2}, 2)
                .node("Reshape", new String[] {"input", "shape"}, new String[] {"output"})
                .write(dir.resolve("reshape.onnx"));
        EvaluationException actual = failure(binarySpec(logistic.classes()), reshaped, binaryCsv);
        assertEquals(ErrorCode.OUTPUT_MISMATCH, actual.code());
        assertEquals("the model output 'output' has shape [12000, 2] for a batch of 3000 rows, but the bounty spec"
                + " expects [3000, 2] (probabilities, one column per class)", actual.getMessage());
        // several outputs and none named
        Path two = new OnnxBuilder()
                .input("input", TensorProto.DataType.FLOAT, -1, 8)
                .output("a", TensorProto.DataType.FLOAT, -1, 8)
                .output("b", TensorProto.DataType.FLOAT, -1, 8)
                .node("Identity", new String[] {"input"}, new String[] {"a"})
                .node("Identity", new String[] {"input"}, new String[] {"b"})
                .write(dir.resolve("two.onnx"));
        EvaluationException unnamed = failure(binarySpec(logistic.classes()), two, binaryCsv);
        assertEquals("the model has outputs [a, b] and the bounty spec does not name one (output.name)", unnamed.getMessage());
    }

    @Test
    void nonFiniteOutputNamesTheRowAndLine() throws Exception {
        Path sqrt = OnnxBuilder.sumThen("Sqrt", 2).write(dir.resolve("sqrt.onnx"));
        Path csv = Files.writeString(dir.resolve("negative.csv"), "a,b,label\n1,2,0\n3,4,1\n-5,1,2\n0,0,0\n");
        EvaluationException e = failure(Specs.regression(List.of("a", "b")), sqrt, csv);
        assertEquals(ErrorCode.NON_FINITE_OUTPUT, e.code());
        assertEquals("the model output is NaN for row 3 of the test set (negative.csv line 4); outputs must be finite",
                e.getMessage());
    }

    @Test
    void aRuntimeFailureInsideOnnxRuntimeIsReportedWithTheRows() throws Exception {
        // Gather column 100 of an 8-column input: loads fine, fails when it runs
        Path gather = new OnnxBuilder()
                .input("input", TensorProto.DataType.FLOAT, -1, 8)
                .output("output", TensorProto.DataType.FLOAT, -1, 2)
                .longs("columns", new long[] {0, 100}, 2)
                .node("Gather", new String[] {"input", "columns"}, new String[] {"output"}, "axis", 1L)
                .write(dir.resolve("gather.onnx"));
        EvaluationException e = failure(binarySpec(logistic.classes()), gather, binaryCsv);
        assertEquals(ErrorCode.INFERENCE_FAILED, e.code());
        assertTrue(e.getMessage().startsWith("ONNX Runtime failed on rows 1 to 3000 (binary.csv line 2 onwards): "),
                e.getMessage());
    }

    /**
     * A model can make its output, or the row it fails on, depend on the values of a hidden row: a failure on a hidden
     * part of the test set must name neither a row, nor a line, nor a value, nor ONNX Runtime's own text (which can quote
     * an index taken from the input), or each scoring would leak some of the hidden test set.
     */
    @Test
    void aFailureOnTheHiddenTestSetEchoesNothingOfIt() throws Exception {
        byte[] salt = new byte[32];
        Path csv = Files.writeString(dir.resolve("hidden.csv"), "a,b,label\n" + "0.25,1.5,b\n".repeat(40));
        BountySpec labels = BountySpec.parse(Specs.tabularJson("multiclass_classification", "accuracy", ABC,
                List.of("a", "b"), "labels", "[N,1]").replaceFirst("\\{", "{\"liveBoard\": {\"sharePercent\": 50},"));
        Path identity = OnnxBuilder.sumThen("Identity", 2).write(dir.resolve("leaky.onnx"));
        Path sqrt = OnnxBuilder.sumThen("Sqrt", 2).write(dir.resolve("leaky-sqrt.onnx"));
        Path gather = new OnnxBuilder()
                .input("input", TensorProto.DataType.FLOAT, -1, 8)
                .output("output", TensorProto.DataType.FLOAT, -1, 2)
                .longs("columns", new long[] {0, 100}, 2)
                .node("Gather", new String[] {"input", "columns"}, new String[] {"output"}, "axis", 1L)
                .write(dir.resolve("leaky-gather.onnx"));
        for (LiveSplit.Part part : LiveSplit.Part.values()) {
            EvaluationException label = assertThrows(EvaluationException.class, () -> Evaluation.evaluate(
                    new EvaluationRequest(labels, identity, csv).part(salt, part)));
            assertEquals(ErrorCode.OUTPUT_OUT_OF_RANGE, label.code());
            assertEquals("the model's label output for a row of the hidden test set is not a class index 0..2 (the row"
                    + " and the value stay hidden)", label.getMessage());
            EvaluationException nan = assertThrows(EvaluationException.class, () -> Evaluation.evaluate(
                    new EvaluationRequest(labels, sqrt, csv).part(salt, part)));
            assertEquals(ErrorCode.OUTPUT_OUT_OF_RANGE, nan.code(), "sqrt(1.75) is no class index either");
        }
        BountySpec regression = BountySpec.parse(Specs.tabularJson("regression", "rmse", null, List.of("a", "b"), "values", null)
                .replaceFirst("\\{", "{\"liveBoard\": {\"sharePercent\": 50},"));
        Path negative = Files.writeString(dir.resolve("hidden-negative.csv"), "a,b,label\n" + "-5,1,2\n".repeat(40));
        EvaluationException nonFinite = assertThrows(EvaluationException.class, () -> Evaluation.evaluate(
                new EvaluationRequest(regression, sqrt, negative).part(salt, LiveSplit.Part.PRIVATE)));
        assertEquals(ErrorCode.NON_FINITE_OUTPUT, nonFinite.code());
        assertEquals("the model output is not finite for a row of the hidden test set (the row and the value stay"
                + " hidden); outputs must be finite", nonFinite.getMessage());
        BountySpec binary = BountySpec.parse(Specs.tabularJson("binary_classification", "roc_auc",
                logistic.classes(), binaryData.featureNames(), "probabilities", "[N,C]")
                .replaceFirst("\\{", "{\"liveBoard\": {\"sharePercent\": 50},"));
        EvaluationException runtime = assertThrows(EvaluationException.class, () -> Evaluation.evaluate(
                new EvaluationRequest(binary, gather, binaryCsv).part(salt, LiveSplit.Part.LIVE)));
        assertEquals(ErrorCode.INFERENCE_FAILED, runtime.code());
        assertEquals("ONNX Runtime failed on the hidden test set (its message and the rows stay hidden: they could"
                + " reveal hidden values; the same model ran on the public sample, so its result depends on the hidden"
                + " rows' values)", runtime.getMessage());
    }

    @Test
    void labelOutputsMustBeClassIndices() throws Exception {
        Path identity = OnnxBuilder.sumThen("Identity", 2).write(dir.resolve("labels.onnx"));
        Path csv = Files.writeString(dir.resolve("labels.csv"), "a,b,label\n1,0,b\n0.5,1,a\n");
        BountySpec spec = BountySpec.parse(Specs.tabularJson("multiclass_classification", "accuracy", ABC,
                List.of("a", "b"), "labels", "[N,1]"));
        EvaluationException e = failure(spec, identity, csv);
        assertEquals(ErrorCode.OUTPUT_OUT_OF_RANGE, e.code());
        assertEquals("the model's label output is 1.5 for row 2 of the test set (labels.csv line 3); labels are class"
                + " indices 0..2", e.getMessage());
    }

    @Test
    void malformedTestSetAndUndefinedMetricBlameTheSponsor() throws Exception {
        Path csv = Files.writeString(dir.resolve("bad.csv"), "f00,f01,f02,f03,f04,f05,f06,f07,label\n"
                + "1,2,3,4,5,6,7,8,yes\n1,2,3,,5,6,7,8,no\n");
        EvaluationException malformed = failure(binarySpec(logistic.classes()), logistic.onnx(), csv);
        assertEquals(ErrorCode.MALFORMED_TEST_SET, malformed.code());
        assertEquals("bad.csv line 3: missing value in column 'f03'", malformed.getMessage());
        assertEquals(ErrorCode.Party.SPONSOR, malformed.code().party());
        Path oneClass = Files.writeString(dir.resolve("one-class.csv"), "f00,f01,f02,f03,f04,f05,f06,f07,label\n"
                + "1,2,3,4,5,6,7,8,yes\n1,2,3,4,5,6,7,8,yes\n");
        EvaluationException undefined = failure(binarySpec(logistic.classes()), logistic.onnx(), oneClass);
        assertEquals(ErrorCode.METRIC_UNDEFINED, undefined.code());
        assertTrue(undefined.getMessage().startsWith("the primary metric roc_auc is undefined on this test set"));
    }
}
