package dev.bountymarket.evaluator.bench;

import dev.bountymarket.evaluator.EvaluationRequest;
import dev.bountymarket.evaluator.EvaluationResult;
import dev.bountymarket.evaluator.examples.HostileModels;
import dev.bountymarket.evaluator.examples.Specs;
import dev.bountymarket.evaluator.examples.TabularData;
import dev.bountymarket.evaluator.sandbox.Isolation;
import dev.bountymarket.evaluator.sandbox.SandboxLimits;
import dev.bountymarket.evaluator.sandbox.SandboxedEvaluator;
import dev.bountymarket.evaluator.spec.BountySpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Prints the fixed cost of one sandboxed evaluation: without bubblewrap, with bubblewrap as before (each child extracts
 * ONNX Runtime's natives and loads every class from the jars), and with bubblewrap and the warm start (natives
 * extracted once per process, a class-data sharing archive: {@code SandboxLimits.warmStart}), measured in one run with
 * the runs interleaved (so all see the same machine load): a 3-feature model on a 100-row test set, where nearly all
 * the time is the child's start. Run it with {@code -Dbench.childClasspath=} the evaluator's {@code -cli.jar} (as a
 * server runs its children): a class path with class folders (a build tree) gets no class archive. Wall time is the whole {@code evaluate} call; fixed cost runs from just before the
 * process starts to the first batch's output. The warm start's one-off preparation (its first call) is printed apart.
 * A program, not a test.
 *
 * <pre>mvn -q -pl evaluator package -DskipTests
 * mvn -q -pl evaluator exec:exec -Dexec.classpathScope=test -Dexec.executable=java \
 *   "-Dexec.args=-Dbench.childClasspath=target/bountymarket-evaluator-0.1.0-SNAPSHOT-cli.jar -cp %classpath \
 *   dev.bountymarket.evaluator.bench.SandboxCostBenchmark target/bench-sandbox 15"</pre>
 */
public final class SandboxCostBenchmark {
    private SandboxCostBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "target/bench-sandbox"));
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        TabularData data = new TabularData(TabularData.Kind.REGRESSION, 3, 0, 1);
        BountySpec spec = Specs.regression(data.featureNames());
        Path model = Files.write(dir.resolve("model.onnx"), HostileModels.embedded(3));
        Path testSet = dir.resolve("test.csv");
        data.writeCsv(testSet, 100, 1, List.of());
        SandboxLimits limits = SandboxLimits.defaults().withWorkRoot(dir).withHeapBytes(256L << 20);
        // the children's class path: a packaged evaluator (class-data sharing archives jars only, not class folders)
        String childClasspath = System.getProperty("bench.childClasspath");
        if (childClasspath != null) {
            limits = limits.withClasspath(Path.of(childClasspath).toAbsolutePath().toString());
        }
        SandboxedEvaluator plain = new SandboxedEvaluator(limits.withIsolation(Isolation.Mode.NONE).withWarmStart(false));
        SandboxedEvaluator bwrap = new SandboxedEvaluator(limits.withIsolation(Isolation.Mode.BWRAP).withWarmStart(false));
        SandboxedEvaluator warm = new SandboxedEvaluator(limits.withIsolation(Isolation.Mode.BWRAP).withWarmStart(true));
        EvaluationRequest request = new EvaluationRequest(spec, model, testSet);
        measure(plain, request);
        measure(bwrap, request); // warm the file cache for all
        long preparing = measure(warm, request)[0];
        List<long[]> off = new ArrayList<>();
        List<long[]> on = new ArrayList<>();
        List<long[]> warmed = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            off.add(measure(plain, request));
            on.add(measure(bwrap, request));
            warmed.add(measure(warm, request));
        }
        System.out.println("| isolation | runs | wall ms (median) | wall ms (min-max) | fixed cost ms (median) |");
        System.out.println("| --- | --- | --- | --- | --- |");
        print("none (plain child JVM), cold start", off);
        print("bubblewrap, cold start", on);
        print("bubblewrap, warm start", warmed);
        System.out.printf(Locale.ROOT, "bubblewrap adds %d ms to the median wall time, %d ms to the median fixed cost%n",
                median(on, 0) - median(off, 0), median(on, 1) - median(off, 1));
        System.out.printf(Locale.ROOT, "the warm start saves %d ms of the median wall time, %d ms of the median fixed cost"
                + " (%.2f of the cold fixed cost); its first call, which prepares it, took %d ms%n",
                median(on, 0) - median(warmed, 0), median(on, 1) - median(warmed, 1),
                (double) median(warmed, 1) / median(on, 1), preparing);
        int bigRows = Integer.getInteger("bench.bigRows", 200_000);
        if (bigRows > 0) {
            c1Only(dir, limits.withIsolation(Isolation.Mode.BWRAP), bigRows, Math.max(3, runs / 3));
        }
        System.out.printf(Locale.ROOT, "machine: %d processors, load average %.2f%n",
                Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
    /**
     * Whether stopping the child's JIT at C1 ({@code -XX:TieredStopAtLevel=1}, a faster start) pays on a big set, where
     * the child's own Java code (parsing, metrics) runs long enough for C2 to matter: whole-evaluation wall time with
     * and without it, interleaved, on a 50-feature set of {@code rows} rows.
     */
    private static void c1Only(Path dir, SandboxLimits limits, int rows, int runs) throws Exception {
        TabularData data = new TabularData(TabularData.Kind.REGRESSION, 50, 0, 7);
        Path model = Files.write(dir.resolve("model50.onnx"), HostileModels.embedded(50));
        Path testSet = dir.resolve("test-" + rows + "x50.csv");
        if (!Files.exists(testSet)) {
            data.writeCsv(testSet, rows, 1, List.of());
        }
        EvaluationRequest request = new EvaluationRequest(Specs.regression(data.featureNames()), model, testSet);
        SandboxedEvaluator tiered = new SandboxedEvaluator(limits.withHeapBytes(1L << 30));
        SandboxedEvaluator c1 = new SandboxedEvaluator(limits.withHeapBytes(1L << 30)
                .withExtraJvmArgs(List.of("-XX:TieredStopAtLevel=1")));
        measure(tiered, request);
        List<long[]> full = new ArrayList<>();
        List<long[]> stopped = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            full.add(measure(tiered, request));
            stopped.add(measure(c1, request));
        }
        System.out.printf(Locale.ROOT, "%,d x 50 rows, warm start: wall ms median %d with C2, %d with"
                + " -XX:TieredStopAtLevel=1 (%.2f); fixed cost ms %d and %d%n", rows, median(full, 0),
                median(stopped, 0), (double) median(stopped, 0) / median(full, 0), median(full, 1), median(stopped, 1));
    }

    private static long[] measure(SandboxedEvaluator evaluator, EvaluationRequest request) throws Exception {
        long startMillis = System.currentTimeMillis();
        long start = System.nanoTime();
        EvaluationResult result = evaluator.evaluate(request).orThrow();
        long wall = (System.nanoTime() - start) / 1_000_000;
        return new long[] {wall, result.timings().firstBatchEpochMillis() - startMillis};
    }

    private static void print(String name, List<long[]> runs) {
        long[] wall = runs.stream().mapToLong(r -> r[0]).sorted().toArray();
        System.out.printf(Locale.ROOT, "| %s | %d | %d | %d-%d | %d |%n", name, runs.size(), median(runs, 0),
                wall[0], wall[wall.length - 1], median(runs, 1));
    }

    private static long median(List<long[]> runs, int column) {
        long[] values = runs.stream().mapToLong(r -> r[column]).toArray();
        Arrays.sort(values);
        return values[values.length / 2];
    }
}
