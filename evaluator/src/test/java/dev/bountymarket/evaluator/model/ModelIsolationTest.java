package dev.bountymarket.evaluator.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.EvaluationRequest;
import dev.bountymarket.evaluator.ErrorCode;
import dev.bountymarket.evaluator.cli.EvaluatorCli;
import dev.bountymarket.evaluator.examples.HostileModels;
import dev.bountymarket.evaluator.examples.HostileModels.Place;
import dev.bountymarket.evaluator.examples.Specs;
import dev.bountymarket.evaluator.examples.TabularData;
import dev.bountymarket.evaluator.report.Report;
import dev.bountymarket.evaluator.sandbox.EvaluationOutcome;
import dev.bountymarket.evaluator.sandbox.SandboxLimits;
import dev.bountymarket.evaluator.sandbox.SandboxedEvaluator;
import dev.bountymarket.evaluator.spec.BountySpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A model reaches no file but its own bytes: every way a model can name another file through ONNX external data is
 * refused, through the command line (in this JVM and in the sandbox) and before any child process starts; a bundle
 * may use its own data files and nothing else.
 */
class ModelIsolationTest {
    private static final int FEATURES = 3;

    @TempDir
    static Path dir;

    static BountySpec spec;
    static Path specFile;
    static Path testSet;

    @BeforeAll
    static void setUp() throws Exception {
        TabularData data = new TabularData(TabularData.Kind.REGRESSION, FEATURES, 0, 5);
        spec = Specs.regression(data.featureNames());
        specFile = Files.writeString(dir.resolve("spec.json"), Specs.tabularJson("regression", "rmse", null,
                data.featureNames(), "values", null));
        // the hidden test set lies right beside the hostile models, as the server once laid them out
        testSet = dir.resolve("test.csv");
        data.writeCsv(testSet, 200, 9, List.of());
        Files.createSymbolicLink(dir.resolve("link.bin"), testSet);
    }

    /** Every hostile reference: beside the model, a parent folder, absolute, a symlink, /proc, hidden deeper in the graph. */
    static Stream<Arguments> attacks() {
        String absolute = testSet.toAbsolutePath().toString();
        List<Arguments> cases = new ArrayList<>();
        for (String location : List.of("test.csv", "../" + dir.getFileName() + "/test.csv", absolute, "link.bin",
                "/proc/self/fd/3", "/proc/self/root" + absolute)) {
            cases.add(Arguments.of(Place.INITIALIZER, location));
        }
        for (Place place : List.of(Place.SUBGRAPH, Place.FUNCTION, Place.SPARSE)) {
            cases.add(Arguments.of(place, "test.csv"));
        }
        return cases.stream();
    }

    private static Path hostile(Place place, String location) throws Exception {
        String name = "hostile-" + place.name().toLowerCase() + "-" + Integer.toHexString(location.hashCode()) + ".onnx";
        return Files.write(dir.resolve(name), HostileModels.externalData(FEATURES, place, location));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("attacks")
    void externalDataIsRefusedInProcessAndInTheSandbox(Place place, String location) throws Exception {
        Path model = hostile(place, location);
        for (boolean inProcess : new boolean[] {true, false}) {
            Run run = cli(inProcess, model);
            assertEquals(EvaluatorCli.FAILED, run.exit, run.err);
            assertTrue(run.err.contains("MODEL_UNREADABLE"), run.err);
            assertTrue(run.err.contains("outside the model file"), run.err);
            assertTrue(run.err.contains("save_as_external_data=False"), "says how to fix it: " + run.err);
            if (!inProcess) {
                // the server's answer names no path of its machine (the command line may: they are the user's own)
                assertFalse(run.err.contains(dir.toString()), "no path of this machine: " + run.err);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("attacks")
    void theSandboxRefusesBeforeAnyChildStarts(Place place, String location) throws Exception {
        // a child would crash at once; the answer is the refusal, so no child ran
        SandboxedEvaluator evaluator = new SandboxedEvaluator(limits()
                .withChildMainClass("dev.bountymarket.evaluator.sandbox.MisbehavingChildren$Crashing"));
        EvaluationOutcome outcome = evaluator.evaluate(new EvaluationRequest(spec, hostile(place, location), testSet));
        EvaluationException error = ((EvaluationOutcome.Failure) outcome).error();
        assertEquals(ErrorCode.MODEL_UNREADABLE, error.code(), error.getMessage());
    }

    @Test
    void aBundleScoresLikeTheSameModelWithItsWeightsInside() throws Exception {
        Path embedded = Files.write(dir.resolve("embedded.onnx"), HostileModels.embedded(FEATURES));
        Path bundle = Files.write(dir.resolve("bundle.zip"), HostileModels.zip(orderedMap(
                "model.onnx", HostileModels.externalData(FEATURES, Place.INITIALIZER, "weights.bin"),
                "weights.bin", HostileModels.weights(FEATURES))));
        SandboxedEvaluator evaluator = new SandboxedEvaluator(limits());
        Report inside = evaluator.evaluate(new EvaluationRequest(spec, embedded, testSet)).orThrow().report();
        Report bundled = evaluator.evaluate(new EvaluationRequest(spec, bundle, testSet)).orThrow().report();
        assertEquals(inside.metrics(), bundled.metrics());
        assertEquals(200, bundled.rows());
        Run run = cli(true, bundle);
        assertEquals(EvaluatorCli.OK, run.exit, run.err);
    }

    static Stream<Arguments> badBundles() {
        byte[] model = HostileModels.externalData(FEATURES, Place.INITIALIZER, "weights.bin");
        byte[] weights = HostileModels.weights(FEATURES);
        return Stream.of(
                Arguments.of("nested path", orderedMap("model.onnx", model, "data/weights.bin", weights), "nested path"),
                Arguments.of("folder entry", orderedMap("data/", new byte[0], "model.onnx", model, "weights.bin", weights),
                        "folder"),
                Arguments.of("absolute name", orderedMap("model.onnx", model, "/etc/weights.bin", weights), "nested path"),
                Arguments.of("dot-dot name", orderedMap("model.onnx", model, "..weights.bin", weights), "'..'"),
                Arguments.of("two models", orderedMap("model.onnx", model, "other.onnx", model, "weights.bin", weights),
                        "2 .onnx files"),
                Arguments.of("no model", orderedMap("weights.bin", weights), "0 .onnx files"),
                Arguments.of("location outside the bundle", orderedMap("model.onnx",
                        HostileModels.externalData(FEATURES, Place.INITIALIZER, "../test.csv"), "weights.bin", weights),
                        "not a plain file name inside the bundle"),
                Arguments.of("location missing from the bundle", orderedMap("model.onnx",
                        HostileModels.externalData(FEATURES, Place.INITIALIZER, "other.bin"), "weights.bin", weights),
                        "not one of the bundle's files"),
                Arguments.of("/proc location", orderedMap("model.onnx",
                        HostileModels.externalData(FEATURES, Place.SUBGRAPH, "/proc/self/fd/3"), "weights.bin", weights),
                        "not a plain file name inside the bundle"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBundles")
    void aBundleThatBreaksARuleIsRefusedWithItsReason(String what, Map<String, byte[]> entries, String reason)
            throws Exception {
        Path bundle = Files.write(dir.resolve("bad-" + what.replace(' ', '-').replace('/', '_') + ".zip"),
                HostileModels.zip(entries));
        EvaluationException error = assertThrows(EvaluationException.class,
                () -> ModelFiles.check(bundle, 1 << 20, "mine.zip"));
        assertEquals(ErrorCode.MODEL_UNREADABLE, error.code());
        assertTrue(error.getMessage().startsWith("the model bundle mine.zip "), error.getMessage());
        assertTrue(error.getMessage().contains(reason), error.getMessage());
        Run run = cli(false, bundle);
        assertEquals(EvaluatorCli.FAILED, run.exit, run.err);
        assertTrue(run.err.contains(reason), run.err);
    }

    @Test
    void aSymlinkInsideABundleIsRefused() throws Exception {
        // java.util.zip cannot write a symlink entry; Info-ZIP's zip -y can, where it is installed
        Path folder = Files.createDirectories(dir.resolve("symlinked"));
        Files.write(folder.resolve("model.onnx"), HostileModels.externalData(FEATURES, Place.INITIALIZER, "weights.bin"));
        Files.createSymbolicLink(folder.resolve("weights.bin"), testSet);
        Path bundle = dir.resolve("symlinked.zip");
        Process zip;
        try {
            zip = new ProcessBuilder("zip", "-q", "-y", bundle.toString(), "model.onnx", "weights.bin")
                    .directory(folder.toFile()).inheritIO().start();
        } catch (java.io.IOException noZip) {
            org.junit.jupiter.api.Assumptions.abort("Info-ZIP's zip is not installed");
            return;
        }
        assertEquals(0, zip.waitFor());
        EvaluationException error = assertThrows(EvaluationException.class,
                () -> ModelFiles.check(bundle, 1 << 20, "symlinked.zip"));
        assertTrue(error.getMessage().contains("a symbolic link"), error.getMessage());
    }

    @Test
    void aBundleOverTheSizeLimitIsRefused() throws Exception {
        Path bundle = Files.write(dir.resolve("big.zip"), HostileModels.zip(orderedMap(
                "model.onnx", HostileModels.externalData(FEATURES, Place.INITIALIZER, "weights.bin"),
                "weights.bin", new byte[64 << 10])));
        EvaluationException error = assertThrows(EvaluationException.class,
                () -> ModelFiles.check(bundle, 32 << 10, "big.zip"));
        assertEquals(ErrorCode.MODEL_TOO_LARGE, error.code());
    }

    // ---- helpers ----

    record Run(int exit, String out, String err) {}

    private static Run cli(boolean inProcess, Path model) {
        List<String> args = new ArrayList<>(List.of("evaluate", "--spec", specFile.toString(), "--model",
                model.toString(), "--test-set", testSet.toString(), "--heap-mb", "512"));
        if (inProcess) {
            args.add("--in-process");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new EvaluatorCli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args.toArray(new String[0]));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static SandboxLimits limits() {
        return SandboxLimits.defaults().withWorkRoot(dir).withHeapBytes(512L << 20);
    }

    private static Map<String, byte[]> orderedMap(Object... pairs) {
        Map<String, byte[]> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], (byte[]) pairs[i + 1]);
        }
        return map;
    }
}
