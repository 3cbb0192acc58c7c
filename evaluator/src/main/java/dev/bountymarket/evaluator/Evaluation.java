package dev.bountymarket.evaluator;

import ai.djl.engine.EngineException;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import dev.bountymarket.evaluator.dataset.Batch;
import dev.bountymarket.evaluator.dataset.DecodedTestSet;
import dev.bountymarket.evaluator.dataset.PrefetchingReader;
import dev.bountymarket.evaluator.dataset.TestSets;
import dev.bountymarket.evaluator.metric.ClassificationMetrics;
import dev.bountymarket.evaluator.metric.RegressionMetrics;
import dev.bountymarket.evaluator.model.ModelFiles;
import dev.bountymarket.evaluator.model.OnnxModel;
import dev.bountymarket.evaluator.model.DeviceSelection;
import dev.bountymarket.evaluator.report.Hashes;
import dev.bountymarket.evaluator.report.Report;
import dev.bountymarket.evaluator.report.ReportBuilder;
import dev.bountymarket.evaluator.spec.BountySpec;
import dev.bountymarket.evaluator.spec.OutputKind;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * The in-process evaluation engine: load and check the model, stream the test set in batches, run each
 * batch through DJL, check the outputs, accumulate the metrics in row order, and build the canonical
 * report. It runs whatever model it is given inside this JVM; untrusted models go through
 * {@link dev.bountymarket.evaluator.sandbox.SandboxedEvaluator}, which runs this in a child process.
 * Stateless and thread-safe (each call has its own model and buffers).
 */
public final class Evaluation {
    private static final Logger LOG = Logger.getLogger(Evaluation.class.getName());

    private Evaluation() {}

    /** Scores the model on the test set. */
    public static EvaluationResult evaluate(EvaluationRequest request) throws EvaluationException {
        long start = System.nanoTime();
        BountySpec spec = request.spec();
        String modelSha256;
        try {
            modelSha256 = Hashes.sha256(request.model());
        } catch (IOException e) {
            throw new EvaluationException(ErrorCode.MODEL_UNREADABLE, "cannot read the model file "
                    + request.model().getFileName() + ": " + e.getMessage(), e);
        }
        String modelName = String.valueOf(request.model().getFileName());
        try (ModelFiles.Prepared files = ModelFiles.prepare(request.model(), scratch(), modelName);
                OnnxModel model = OnnxModel.load(files.onnx(), modelName, spec, request.options());
                Predictor<Batch, double[]> predictor = model.newPredictor();
                PrefetchingReader reader = open(request, model.rowsPerCall(Batch.rowsFor(spec.input().rowWidth())))) {
            LOG.fine(() -> "evaluating " + model);
            // A part of the hidden test set: a failure names no row and no value (see checkOutputs).
            boolean hidden = request.rows() != null;
            ClassificationMetrics classification = spec.task().isClassification()
                    ? new ClassificationMetrics(spec.classCount(), spec.output().kind())
                    : null;
            RegressionMetrics regression = classification == null ? new RegressionMetrics() : null;
            long firstBatchAt = 0;
            long rows = 0;
            Batch batch;
            while ((batch = reader.next()) != null) {
                double[] out = predict(predictor, batch, reader, hidden);
                if (firstBatchAt == 0) {
                    firstBatchAt = System.currentTimeMillis();
                }
                int n = batch.size();
                int width = out.length / n;
                checkOutputs(spec, batch, out, width, reader, hidden);
                for (int i = 0; i < n; i++) {
                    if (classification != null) {
                        classification.add(batch.classIndex(i), out, i * width, width);
                    } else {
                        regression.add(batch.target(i), out[i]);
                    }
                }
                rows += n;
                reader.release(batch);
            }
            Report report;
            if (classification != null) {
                ClassificationMetrics.Result result = classification.finish();
                report = ReportBuilder.build(spec, modelSha256, reader.sha256(), request.rows(), rows, result.values(),
                        result.confusion(), result.rocCurve());
            } else {
                report = ReportBuilder.build(spec, modelSha256, reader.sha256(), request.rows(), rows, regression.finish(),
                        null, null);
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            return new EvaluationResult(report, DeviceSelection.describe(model.device()),
                    new Timings(millis, firstBatchAt, peakHeapBytes(), rows));
        }
    }

    /**
     * The upload-time check: the model loads, its input and output fit the spec, and it runs on the
     * bounty's public sample. The report it returns carries the public score.
     */
    public static EvaluationResult validate(BountySpec spec, Path model, Path publicSample) throws EvaluationException {
        return evaluate(new EvaluationRequest(spec, model, publicSample));
    }

    /** The request's test set, read from the plain file or mapped from its decoded form. */
    private static PrefetchingReader open(EvaluationRequest request, int rowsPerBatch) throws EvaluationException {
        return request.decoded()
                ? DecodedTestSet.openPrefetching(request.testSet(), request.spec(), request.rows(), rowsPerBatch)
                : TestSets.openPrefetching(request.testSet(), request.spec(), request.rows(), rowsPerBatch);
    }

    /** Where a model bundle is extracted: this JVM's temporary folder (the sandbox's scratch folder in a child). */
    private static Path scratch() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    private static double[] predict(Predictor<Batch, double[]> predictor, Batch batch, PrefetchingReader reader,
            boolean hidden) throws EvaluationException {
        try {
            return predictor.predict(batch);
        } catch (TranslateException | EngineException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof EvaluationException typed && hidden) {
                    // e.g. an output whose shape depends on the input's values (NonZero): its shape is hidden too
                    throw new EvaluationException(typed.code(), "the model failed on the hidden test set (" + typed.code()
                            + "; the details stay hidden: they could reveal hidden values; the same model ran on the"
                            + " public sample, so the failure depends on the hidden rows' values)");
                }
                if (cause instanceof EvaluationException typed) {
                    throw new EvaluationException(typed.code(), typed.getMessage(), e);
                }
            }
            if (hidden) {
                throw new EvaluationException(ErrorCode.INFERENCE_FAILED, "ONNX Runtime failed on the hidden test set"
                        + " (its message and the rows stay hidden: they could reveal hidden values; the same model ran on"
                        + " the public sample, so its result depends on the hidden rows' values)");
            }
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new EvaluationException(ErrorCode.INFERENCE_FAILED, "ONNX Runtime failed on rows "
                    + (batch.firstRow() + 1) + " to " + (batch.firstRow() + batch.size()) + " ("
                    + reader.describeLine(batch.line(0)) + " onwards): " + root.getMessage(), e);
        }
    }

    /**
     * Refuses outputs that cannot be scored. On a part of the hidden test set the message names neither the row nor the
     * value: a model can make both depend on a hidden row's features, and each scoring would then leak some of them.
     */
    private static void checkOutputs(BountySpec spec, Batch batch, double[] out, int width, PrefetchingReader reader,
            boolean hidden) throws EvaluationException {
        boolean labels = spec.output().kind() == OutputKind.LABELS;
        int classes = spec.classCount();
        for (int i = 0; i < out.length; i++) {
            double v = out[i];
            int row = i / width;
            if (!Double.isFinite(v) && hidden) {
                throw new EvaluationException(ErrorCode.NON_FINITE_OUTPUT, "the model output is not finite for a row of"
                        + " the hidden test set (the row and the value stay hidden); outputs must be finite");
            }
            if (!Double.isFinite(v)) {
                throw new EvaluationException(ErrorCode.NON_FINITE_OUTPUT, "the model output is " + v + " for row "
                        + (batch.firstRow() + row + 1) + " of the test set (" + reader.describeLine(batch.line(row))
                        + "); outputs must be finite");
            }
            boolean notAClass = labels && (v != Math.rint(v) || v < 0 || v >= classes);
            if (notAClass && hidden) {
                throw new EvaluationException(ErrorCode.OUTPUT_OUT_OF_RANGE, "the model's label output for a row of the"
                        + " hidden test set is not a class index 0.." + (classes - 1) + " (the row and the value stay"
                        + " hidden)");
            }
            if (notAClass) {
                throw new EvaluationException(ErrorCode.OUTPUT_OUT_OF_RANGE, "the model's label output is " + v
                        + " for row " + (batch.firstRow() + row + 1) + " of the test set ("
                        + reader.describeLine(batch.line(row)) + "); labels are class indices 0.." + (classes - 1));
            }
        }
    }

    private static long peakHeapBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
