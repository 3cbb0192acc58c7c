package dev.bountymarket.evaluator.bench;

import dev.bountymarket.evaluator.EvaluationRequest;
import dev.bountymarket.evaluator.EvaluationResult;
import dev.bountymarket.evaluator.dataset.DecodedTestSet;
import dev.bountymarket.evaluator.dataset.LiveSplit;
import dev.bountymarket.evaluator.examples.Specs;
import dev.bountymarket.evaluator.examples.TabularData;
import dev.bountymarket.evaluator.examples.TribuoModels;
import dev.bountymarket.evaluator.fixtures.ImageData;
import dev.bountymarket.evaluator.fixtures.OnnxBuilder;
import dev.bountymarket.evaluator.model.DevicePreference;
import dev.bountymarket.evaluator.model.ModelOptions;
import dev.bountymarket.evaluator.sandbox.SandboxLimits;
import dev.bountymarket.evaluator.sandbox.SandboxedEvaluator;
import dev.bountymarket.evaluator.spec.BountySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A bounty's deadline, timed: many models scored on one hidden test set through the sandboxed children, the plain path
 * (each child reads, parses and hashes the file) beside the decode-once path (the set decoded once, as a worker does,
 * then each child maps it and only runs the model and the metrics), in the same run. A program, not a test.
 *
 * <p>Prints per case: the decode's time, each path's total wall time for its models and the marginal cost of one more
 * model (total minus the decode, over the models), the decode's CPU seconds, and whether every report hash is the same
 * on both paths. Children
 * run {@code parallel} at a time (the processors by default, as a server's workers would), under the sandbox the
 * machine has (bubblewrap where it works). Arguments after the work folder, {@code name=value} (defaults, the issue's
 * full size): {@code rows=1000000 models=100 images=10000 image-models=20 plain-models=<models>
 * plain-image-models=<image-models> parallel=<processors>}; {@code plain-models} below {@code models} times the plain
 * path on the first models only and gives its total for all of them by extrapolation, said so in the output.
 *
 * <pre>mvn -q test-compile exec:exec -Dexec.classpathScope=test -Dexec.executable=java \
 *   "-Dexec.args=-Xmx2g -cp %classpath dev.bountymarket.evaluator.bench.ManyModelsBenchmark target/bench"</pre>
 */
public final class ManyModelsBenchmark {
    private static final byte[] SALT = "many models' bounty salt, 32 b!!".getBytes(StandardCharsets.US_ASCII);

    private ManyModelsBenchmark() {}

    record Result(String name, int models, double decodeSeconds, double decodeCpu, double decodedTotal,
            int plainTimed, double plainTotalTimed, int sameHashes, String loadStart, String loadEnd) {

        double decodedMarginal() {
            return (decodedTotal - decodeSeconds) / models;
        }

        double plainPerModel() {
            return plainTotalTimed / plainTimed;
        }
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "target/bench"));
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String[] pair = args[i].split("=", 2);
            options.put(pair[0], pair[1]);
        }
        int rows = Integer.parseInt(options.getOrDefault("rows", "1000000"));
        int models = Integer.parseInt(options.getOrDefault("models", "100"));
        int images = Integer.parseInt(options.getOrDefault("images", "10000"));
        int imageModels = Integer.parseInt(options.getOrDefault("image-models", "20"));
        int plainModels = Integer.parseInt(options.getOrDefault("plain-models", String.valueOf(models)));
        int plainImageModels = Integer.parseInt(options.getOrDefault("plain-image-models", String.valueOf(imageModels)));
        int parallel = Integer.parseInt(options.getOrDefault("parallel",
                String.valueOf(Runtime.getRuntime().availableProcessors())));
        SandboxedEvaluator sandbox = new SandboxedEvaluator(SandboxLimits.defaults().withHeapBytes(1L << 30)
                .withWorkRoot(dir));
        System.out.printf(Locale.ROOT, "Many-models benchmark: %d processors, %d children at a time, isolation %s,"
                + " load average at start %s%n", Runtime.getRuntime().availableProcessors(), parallel,
                sandbox.isolation().description(), loadAverage());

        TabularData data = new TabularData(TabularData.Kind.BINARY, 50, 2, 77);
        List<String> labels = List.of("0", "1");
        List<Path> tabularModels = new ArrayList<>();
        for (int i = 0; i < models; i++) {
            // half logistic regressions, half factorization machines, each trained on its own number of rows
            Path onnx = dir.resolve((i % 2 == 0 ? "many-lr-" : "many-fm-") + i + ".onnx");
            if (!Files.exists(onnx)) {
                if (i % 2 == 0) {
                    TribuoModels.logisticRegression(data, 2000 + 37 * i, labels, onnx);
                } else {
                    TribuoModels.factorizationMachine(data, 2000 + 37 * i, labels, onnx);
                }
            }
            tabularModels.add(onnx);
        }
        Path csv = dir.resolve("bench-" + rows + "x50.csv");
        if (!Files.exists(csv)) {
            data.writeCsv(csv, rows, 1, labels);
        }
        BountySpec tabularSpec = Specs.binary(labels, data.featureNames());
        List<Path> pixelModels = new ArrayList<>();
        for (int i = 0; i < imageModels; i++) {
            pixelModels.add(OnnxBuilder.colourClassifier(32, i * 0.01f).write(dir.resolve("many-colour-" + i + ".onnx")));
        }
        Path zip = dir.resolve("images-" + images + "x32.zip");
        if (!Files.exists(zip)) {
            ImageData.writeZip(zip, images, 32, 3);
        }
        BountySpec imageSpec = BountySpec.parse(Specs.imageJson(32));

        List<Result> results = new ArrayList<>();
        results.add(run(String.format(Locale.ROOT, "%,d x 50, LR + FM", rows), tabularSpec, csv, tabularModels,
                plainModels, sandbox, parallel, dir));
        results.add(run(String.format(Locale.ROOT, "%,d images 32x32", images), imageSpec, zip, pixelModels,
                plainImageModels, sandbox, parallel, dir));

        System.out.println();
        System.out.println("| test set | models | decode once s (CPU s) | decode-once total s | decode-once marginal s/model"
                + " | plain s/model | plain total s | speed-up | same report hashes | load average (start-end) |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        for (Result r : results) {
            double plainTotal = r.plainPerModel() * r.models();
            System.out.printf(Locale.ROOT, "| %s | %d | %.2f (%.2f) | %.1f | %.3f | %.3f | %.1f%s | %.1fx | %d of %d"
                    + " | %s-%s |%n", r.name(), r.models(), r.decodeSeconds(), r.decodeCpu(), r.decodedTotal(),
                    r.decodedMarginal(), r.plainPerModel(), plainTotal,
                    r.plainTimed() < r.models() ? " (" + r.plainTimed() + " timed)" : "", plainTotal / r.decodedTotal(),
                    r.sameHashes(),
                    r.plainTimed(), r.loadStart(), r.loadEnd());
        }
    }

    private static Result run(String name, BountySpec spec, Path testSet, List<Path> models, int plainModels,
            SandboxedEvaluator sandbox, int parallel, Path dir) throws Exception {
        ModelOptions options = new ModelOptions(1, DevicePreference.CPU);
        String loadStart = loadAverage();
        // the decode-once path: the worker decodes the private part once, then the children map it
        Path decoded = dir.resolve("many.decoded");
        Files.deleteIfExists(decoded);
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean();
        long cpuBefore = os.getProcessCpuTime();
        long start = System.nanoTime();
        DecodedTestSet.decode(testSet, String.valueOf(testSet.getFileName()), spec,
                new EvaluationRequest(spec, models.get(0), testSet).part(SALT, LiveSplit.Part.PRIVATE).rows(), decoded);
        double decodeSeconds = (System.nanoTime() - start) / 1e9;
        double decodeCpu = (os.getProcessCpuTime() - cpuBefore) / 1e9;
        List<String> decodedHashes = evaluateAll(models, model -> new EvaluationRequest(spec, model, testSet, options)
                .part(SALT, LiveSplit.Part.PRIVATE).withDecodedTestSet(decoded), sandbox, parallel);
        double decodedTotal = (System.nanoTime() - start) / 1e9;
        Files.delete(decoded);
        System.out.printf(Locale.ROOT, "%s: decode-once path %.1f s for %d models (decode %.2f s), load %s%n", name,
                decodedTotal, models.size(), decodeSeconds, loadAverage());
        // the plain path: every child reads, parses and hashes the file
        List<Path> timed = models.subList(0, Math.min(plainModels, models.size()));
        start = System.nanoTime();
        List<String> plainHashes = evaluateAll(timed, model -> new EvaluationRequest(spec, model, testSet, options)
                .part(SALT, LiveSplit.Part.PRIVATE), sandbox, parallel);
        double plainTotal = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "%s: plain path %.1f s for %d models, load %s%n", name, plainTotal, timed.size(),
                loadAverage());
        int same = 0;
        for (int i = 0; i < timed.size(); i++) {
            same += plainHashes.get(i).equals(decodedHashes.get(i)) ? 1 : 0;
        }
        return new Result(name, models.size(), decodeSeconds, decodeCpu, decodedTotal, timed.size(), plainTotal, same,
                loadStart, loadAverage());
    }

    interface RequestFor {
        EvaluationRequest of(Path model);
    }

    /** Each model's report hash, the models run {@code parallel} at a time, in order. */
    private static List<String> evaluateAll(List<Path> models, RequestFor request, SandboxedEvaluator sandbox,
            int parallel) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<EvaluationResult>> futures = new ArrayList<>();
            for (Path model : models) {
                futures.add(pool.submit(() -> sandbox.evaluate(request.of(model)).orThrow()));
            }
            List<String> hashes = new ArrayList<>();
            for (Future<EvaluationResult> future : futures) {
                hashes.add(future.get().reportHash());
            }
            return hashes;
        } finally {
            pool.shutdown();
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
