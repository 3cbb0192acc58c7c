package dev.bountymarket.evaluator.bench;

import ai.djl.inference.Predictor;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.bountymarket.evaluator.Evaluation;
import dev.bountymarket.evaluator.EvaluationRequest;
import dev.bountymarket.evaluator.EvaluationResult;
import dev.bountymarket.evaluator.dataset.Batch;
import dev.bountymarket.evaluator.dataset.BatchSource;
import dev.bountymarket.evaluator.dataset.TestSets;
import dev.bountymarket.evaluator.fixtures.ImageData;
import dev.bountymarket.evaluator.fixtures.OnnxBuilder;
import dev.bountymarket.evaluator.examples.Specs;
import dev.bountymarket.evaluator.examples.TabularData;
import dev.bountymarket.evaluator.examples.TribuoModels;
import dev.bountymarket.evaluator.model.DevicePreference;
import dev.bountymarket.evaluator.model.ModelOptions;
import dev.bountymarket.evaluator.model.OnnxModel;
import dev.bountymarket.evaluator.model.OrtBootstrap;
import dev.bountymarket.evaluator.sandbox.SandboxLimits;
import dev.bountymarket.evaluator.sandbox.SandboxedEvaluator;
import dev.bountymarket.evaluator.spec.BountySpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints, side by side, what the evaluator costs over raw ONNX Runtime: a program, not a test.
 *
 * <ul>
 *   <li>raw ORT: an {@link OrtSession} on test-set rows already in memory (the evaluator's batches copied into
 *       a reused direct buffer, one run per batch, output copied out) - the runtime's own speed;
 *   <li>DJL: the evaluator's inference stage (Predictor + BatchTranslator) on the same in-memory batches;
 *   <li>end to end: {@code Evaluation.evaluate}, from the test-set file to the report, in this JVM;
 *   <li>child: the same through {@code SandboxedEvaluator} in a fresh JVM with -Xmx512m: wall time, its peak
 *       heap, and the fixed cost (process start to the first batch's output).
 * </ul>
 * Settings as the evaluator uses them on this machine: 1 intra-op thread, sequential execution, no spinning.
 *
 * <pre>mvn -q test-compile exec:exec -Dexec.classpathScope=test -Dexec.executable=java \
 *   "-Dexec.args=-Xmx3g -cp %classpath dev.bountymarket.evaluator.bench.EvaluatorBenchmark target/bench"</pre>
 */
public final class EvaluatorBenchmark {
    private static final int PASSES = 3;

    private EvaluatorBenchmark() {}

    record Row(String name, long rows, double rawRowsPerSecond, double djlRowsPerSecond, double endToEndRowsPerSecond,
            double endToEndCpuSeconds, double childSeconds, long childPeakHeap, long fixedCostMillis, String load) {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "target/bench"));
        int tabularRows = Integer.getInteger("bench.rows", 1_000_000);
        int images = Integer.getInteger("bench.images", 10_000);
        OrtBootstrap.engine();
        System.out.printf(Locale.ROOT, "Evaluator benchmark: %d processors, load average at start %s, Java %s, heap max %d MiB%n",
                Runtime.getRuntime().availableProcessors(), loadAverage(), System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20);

        TabularData data = new TabularData(TabularData.Kind.BINARY, 50, 2, 77);
        List<String> labels = List.of("0", "1");
        TribuoModels.Classifier lr = TribuoModels.logisticRegression(data, 20_000, labels, dir.resolve("lr50.onnx"));
        TribuoModels.Classifier fm = TribuoModels.factorizationMachine(data, 20_000, labels, dir.resolve("fm50.onnx"));
        Path csv = dir.resolve("bench-" + tabularRows + "x50.csv");
        if (!Files.exists(csv)) {
            data.writeCsv(csv, tabularRows, 1, labels);
        }
        System.out.printf(Locale.ROOT, "tabular test set: %d rows x 50 features, %.0f MB CSV%n", tabularRows, Files.size(csv) / 1e6);
        BountySpec tabularSpec = Specs.binary(lr.classes(), data.featureNames());

        Path zip = dir.resolve("images-" + images + "x32.zip");
        if (!Files.exists(zip)) {
            ImageData.writeZip(zip, images, 32, 3);
        }
        Path imageModel = OnnxBuilder.colourClassifier(32).write(dir.resolve("colour32.onnx"));
        BountySpec imageSpec = BountySpec.parse(Specs.imageJson(32));
        System.out.printf(Locale.ROOT, "image test set: %d images 32x32 (PNG and JPEG), %.0f MB zip%n", images, Files.size(zip) / 1e6);

        List<Row> rows = new ArrayList<>();
        List<Batch> tabular = preload(tabularSpec, csv);
        rows.add(measure("logistic regression, 1M x 50", lr.onnx(), tabularSpec, csv, tabular, dir));
        rows.add(measure("factorization machine, 1M x 50", fm.onnx(), tabularSpec, csv, tabular, dir));
        tabular = null;
        List<Batch> imageBatches = preload(imageSpec, zip);
        rows.add(measure("linear over pixels, 10k 32x32", imageModel, imageSpec, zip, imageBatches, dir));
        System.out.printf(Locale.ROOT, "load average at end %s%n%n", loadAverage());

        System.out.println("| case | rows | raw ORT rows/s | DJL inference rows/s | DJL / raw | end to end rows/s (in-process) "
                + "| end to end CPU s per run | child wall s | child peak heap MiB | fixed cost ms | load average |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "| %s | %,d | %,.0f | %,.0f | %.2f | %,.0f | %.2f | %.2f | %d | %d | %s |%n", r.name(),
                    r.rows(), r.rawRowsPerSecond(), r.djlRowsPerSecond(), r.djlRowsPerSecond() / r.rawRowsPerSecond(),
                    r.endToEndRowsPerSecond(), r.endToEndCpuSeconds(), r.childSeconds(), r.childPeakHeap() >> 20,
                    r.fixedCostMillis(), r.load());
        }
    }

    private static List<Batch> preload(BountySpec spec, Path file) throws Exception {
        List<Batch> batches = new ArrayList<>();
        int rowsPerBatch = Batch.rowsFor(spec.input().rowWidth());
        try (BatchSource source = TestSets.open(file, spec)) {
            while (true) {
                Batch batch = new Batch(rowsPerBatch, spec.input().rowWidth(), true);
                if (!source.fill(batch)) {
                    break;
                }
                batches.add(batch);
            }
        }
        return batches;
    }

    private static Row measure(String name, Path onnx, BountySpec spec, Path file, List<Batch> batches, Path dir)
            throws Exception {
        long rows = batches.stream().mapToLong(Batch::size).sum();
        double[] inference = rawAndDjl(onnx, spec, batches, rows);
        ModelOptions options = new ModelOptions(1, DevicePreference.CPU);
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpuBefore = os.getProcessCpuTime();
        double endToEnd = median(() -> Evaluation.evaluate(new EvaluationRequest(spec, onnx, file, options)), rows);
        // CPU of all threads (reader, hasher, inference) per run, averaged over the warm-up and timed runs
        double cpuSeconds = (os.getProcessCpuTime() - cpuBefore) / 1e9 / (PASSES + 1);
        SandboxedEvaluator sandbox = new SandboxedEvaluator(SandboxLimits.defaults().withHeapBytes(512L << 20).withWorkRoot(dir));
        long startMillis = System.currentTimeMillis();
        long start = System.nanoTime();
        EvaluationResult child = sandbox.evaluate(new EvaluationRequest(spec, onnx, file, options)).orThrow();
        double childSeconds = (System.nanoTime() - start) / 1e9;
        long fixedCost = child.timings().firstBatchEpochMillis() - startMillis;
        System.out.printf(Locale.ROOT, "%s: %s = %s%n", name, child.report().metric(), child.report().metrics().get(child.report().metric()));
        return new Row(name, rows, inference[0], inference[1], endToEnd, cpuSeconds, childSeconds,
                child.timings().peakHeapBytes(), fixedCost, loadAverage());
    }

    interface Pass {
        Object run() throws Exception;
    }

    /** One warm-up pass, then the median of {@link #PASSES} timed passes, as rows per second. */
    private static double median(Pass pass, long rows) throws Exception {
        pass.run();
        double[] rates = new double[PASSES];
        for (int i = 0; i < PASSES; i++) {
            long start = System.nanoTime();
            pass.run();
            rates[i] = rows / ((System.nanoTime() - start) / 1e9);
        }
        Arrays.sort(rates);
        return rates[PASSES / 2];
    }

    /**
     * Raw ORT and DJL on the same in-memory batches, models loaded once. Each batch is run through raw ORT
     * and then DJL, over 7 rounds; a side's time is the sum over batches of its fastest run of that batch.
     * Taking the fastest run filters out the time slices other processes take on this shared machine (a
     * plain median of whole passes swung between 0.8 and 1.0 from run to run); both sides are treated alike.
     */
    private static double[] rawAndDjl(Path onnx, BountySpec spec, List<Batch> batches, long rows) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int width = spec.input().rowWidth();
        FloatBuffer buffer = ByteBuffer.allocateDirect(batches.get(0).capacity() * width * Float.BYTES)
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        try (OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions()) {
            sessionOptions.setIntraOpNumThreads(1);
            sessionOptions.setInterOpNumThreads(1);
            sessionOptions.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            sessionOptions.addConfigEntry("session.intra_op.allow_spinning", "0");
            try (OrtSession session = env.createSession(onnx.toString(), sessionOptions);
                    OnnxModel model = OnnxModel.load(onnx, spec, new ModelOptions(1, DevicePreference.CPU));
                    Predictor<Batch, double[]> predictor = model.newPredictor()) {
                String input = session.getInputNames().iterator().next();
                long[] rawBest = new long[batches.size()];
                long[] djlBest = new long[batches.size()];
                Arrays.fill(rawBest, Long.MAX_VALUE);
                Arrays.fill(djlBest, Long.MAX_VALUE);
                double checksum = 0;
                for (int round = 0; round < 8; round++) {
                    for (int i = 0; i < batches.size(); i++) {
                        Batch batch = batches.get(i);
                        long t0 = System.nanoTime();
                        int n = batch.size();
                        buffer.clear();
                        buffer.put(batch.features(), 0, n * width).flip();
                        long[] shape = spec.input().shape();
                        shape[0] = n;
                        try (OnnxTensor tensor = OnnxTensor.createTensor(env, buffer, shape);
                                OrtSession.Result result = session.run(Map.of(input, tensor))) {
                            FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
                            float[] values = new float[out.remaining()];
                            out.get(values);
                            checksum += values[0];
                        }
                        long t1 = System.nanoTime();
                        checksum += predictor.predict(batch)[0];
                        long t2 = System.nanoTime();
                        if (round > 0) { // round 0 warms up
                            rawBest[i] = Math.min(rawBest[i], t1 - t0);
                            djlBest[i] = Math.min(djlBest[i], t2 - t1);
                        }
                    }
                }
                if (Double.isNaN(checksum)) {
                    throw new IllegalStateException("NaN output");
                }
                return new double[] {rows / (Arrays.stream(rawBest).sum() / 1e9), rows / (Arrays.stream(djlBest).sum() / 1e9)};
            }
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim().split(" ")[0];
        } catch (Exception e) {
            return "n/a";
        }
    }
}
