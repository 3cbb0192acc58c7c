package dev.bountymarket.evaluator.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bountymarket.evaluator.Evaluation;
import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.EvaluationRequest;
import dev.bountymarket.evaluator.EvaluationResult;
import dev.bountymarket.evaluator.ErrorCode;
import dev.bountymarket.evaluator.examples.Specs;
import dev.bountymarket.evaluator.examples.TabularData;
import dev.bountymarket.evaluator.examples.TribuoModels;
import dev.bountymarket.evaluator.spec.BountySpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sandbox's real launch and supervision code, against real and deliberately misbehaving children. */
class SandboxedEvaluatorTest {
    @TempDir
    static Path dir;

    static TabularData data;
    static TribuoModels.Classifier model;
    static BountySpec spec;
    static Path sample;

    @BeforeAll
    static void setUp() throws Exception {
        data = new TabularData(TabularData.Kind.BINARY, 5, 2, 11);
        model = TribuoModels.logisticRegression(data, 1000, List.of("0", "1"), dir.resolve("model.onnx"));
        spec = Specs.binary(model.classes(), data.featureNames());
        sample = dir.resolve("sample.csv");
        data.writeCsv(sample, 500, 3, List.of("0", "1"));
    }

    private static SandboxLimits limits() {
        return SandboxLimits.defaults().withWorkRoot(dir).withHeapBytes(512L << 20);
    }

    private static EvaluationException failure(EvaluationOutcome outcome) {
        assertTrue(outcome instanceof EvaluationOutcome.Failure, () -> "expected a failure, got " + outcome);
        return ((EvaluationOutcome.Failure) outcome).error();
    }

    @Test
    void childGivesTheSameReportAsInProcessAndCleansUp() throws Exception {
        SandboxedEvaluator evaluator = new SandboxedEvaluator(limits());
        EvaluationOutcome outcome = evaluator.validate(spec, model.onnx(), sample);
        EvaluationResult child = outcome.orThrow();
        EvaluationResult inProcess = Evaluation.validate(spec, model.onnx(), sample);
        assertEquals(inProcess.report().canonicalJson(), child.report().canonicalJson());
        assertEquals("cpu", child.device());
        try (var leftovers = Files.list(dir)) {
            assertTrue(leftovers.noneMatch(p -> p.getFileName().toString().startsWith("evaluation-")),
                    "scratch folders are removed");
        }
    }

    @Test
    void oneEvaluatorServesSeveralWorkersAtOnce() throws Exception {
        SandboxedEvaluator evaluator = new SandboxedEvaluator(limits());
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var first = pool.submit(() -> evaluator.validate(spec, model.onnx(), sample).orThrow());
            var second = pool.submit(() -> evaluator.validate(spec, model.onnx(), sample).orThrow());
            assertEquals(first.get().reportHash(), second.get().reportHash());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void typedErrorsComeBackFromTheChild() throws Exception {
        // valid protobuf (ir_version 1, no graph), so it passes the external-data walk and ONNX Runtime refuses it in the child
        Path broken = Files.write(dir.resolve("broken.onnx"), new byte[] {8, 1});
        EvaluationException e = failure(new SandboxedEvaluator(limits()).validate(spec, broken, sample));
        assertEquals(ErrorCode.MODEL_UNREADABLE, e.code());
        assertTrue(e.getMessage().startsWith("ONNX Runtime cannot load broken.onnx as an ONNX model"), e.getMessage());
    }

    @Test
    void aFixedBatchThatWouldOverflowIsTheContributorsInputErrorNotAnInternalOne() throws Exception {
        Path model = new dev.bountymarket.evaluator.fixtures.OnnxBuilder()
                .input("input", ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT, 2_000_000_000L, 5)
                .output("output", ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT, 2_000_000_000L, 2)
                .floats("W", new float[10], 5, 2)
                .node("MatMul", new String[] {"input", "W"}, new String[] {"output"})
                .write(dir.resolve("two-billion.onnx"));
        EvaluationException e = failure(new SandboxedEvaluator(limits()).validate(spec, model, sample));
        assertEquals(ErrorCode.INPUT_MISMATCH, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("fixed batch of 2000000000 rows"), e.getMessage());
    }

    @Test
    void anEvaluationNoLongerWantedIsStoppedAtOnceAndLeavesNoProcess() {
        // the backend's worker says "no longer wanted" when another worker took its job's lease
        SandboxedEvaluator evaluator = new SandboxedEvaluator(limits().withTimeout(Duration.ofMinutes(5))
                .withChildMainClass(MisbehavingChildren.Looping.class.getName()));
        long start = System.nanoTime();
        EvaluationException e = failure(evaluator.evaluate(new EvaluationRequest(spec, model.onnx(), sample),
                () -> System.nanoTime() - start < 1_000_000_000L));
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertEquals(ErrorCode.INTERNAL_ERROR, e.code());
        assertTrue(e.getMessage().contains("no longer wanted"), e.getMessage());
        assertTrue(seconds < 30, "stopped soon after, not at the 5-minute limit: " + seconds + " s");
        assertEquals(0, ProcessHandle.current().descendants().count(), "no child left running");
    }

    @Test
    void oversizedModelsAreRefusedBeforeAnythingRuns() {
        EvaluationException e = failure(new SandboxedEvaluator(limits().withMaxModelBytes(1000))
                .evaluate(new EvaluationRequest(spec, model.onnx(), sample)));
        assertEquals(ErrorCode.MODEL_TOO_LARGE, e.code());
        assertTrue(e.getMessage().endsWith("above the limit of 1000 bytes"), e.getMessage());
    }

    @Test
    void aLoopingEvaluationIsStoppedAtTheTimeLimitAndTheWorkerCarriesOn() throws Exception {
        SandboxedEvaluator looping = new SandboxedEvaluator(limits()
                .withChildMainClass(MisbehavingChildren.Looping.class.getName())
                .withTimeout(Duration.ofSeconds(2)));
        long start = System.nanoTime();
        EvaluationException e = failure(looping.evaluate(new EvaluationRequest(spec, model.onnx(), sample)));
        long seconds = (System.nanoTime() - start) / 1_000_000_000;
        assertEquals(ErrorCode.TIMEOUT, e.code());
        assertEquals("the evaluation ran longer than the limit of 2 seconds and was stopped", e.getMessage());
        assertTrue(seconds < 10, "stopped promptly: " + seconds + " s");
        assertTrue(new SandboxedEvaluator(limits()).validate(spec, model.onnx(), sample).isSuccess());
    }

    @Test
    void aNativeCrashKillsOnlyItsOwnEvaluation() {
        SandboxedEvaluator crashing = new SandboxedEvaluator(limits()
                .withChildMainClass(MisbehavingChildren.Crashing.class.getName()));
        EvaluationException e = failure(crashing.evaluate(new EvaluationRequest(spec, model.onnx(), sample)));
        assertEquals(ErrorCode.NATIVE_CRASH, e.code());
        assertTrue(e.getMessage().startsWith("the evaluation process was killed by signal 6 (SIGABRT) without a result;"
                + " crash in "), e.getMessage());
    }

    @Test
    void runningOutOfHeapOrNativeMemoryIsReportedAsOutOfMemory() {
        SandboxedEvaluator heapHog = new SandboxedEvaluator(limits()
                .withChildMainClass(MisbehavingChildren.HeapHog.class.getName())
                .withHeapBytes(64L << 20));
        EvaluationException heap = failure(heapHog.evaluate(new EvaluationRequest(spec, model.onnx(), sample)));
        assertEquals(ErrorCode.OUT_OF_MEMORY, heap.code());
        assertEquals("the evaluation ran out of its 64 MiB heap and was stopped", heap.getMessage());

        SandboxedEvaluator nativeHog = new SandboxedEvaluator(limits()
                .withChildMainClass(MisbehavingChildren.NativeHog.class.getName())
                .withMaxResidentBytes(768L << 20));
        EvaluationException resident = failure(nativeHog.evaluate(new EvaluationRequest(spec, model.onnx(), sample)));
        assertEquals(ErrorCode.OUT_OF_MEMORY, resident.code());
        assertEquals("the evaluation used more than 768 MiB of memory (heap and native) and was stopped", resident.getMessage());
    }

    @Test
    void aMillionRowTestSetFitsIn256MiBOfHeap() throws Exception {
        Path big = dir.resolve("million.csv");
        data.writeCsv(big, 1_000_000, 4, List.of("0", "1"));
        SandboxedEvaluator evaluator = new SandboxedEvaluator(limits().withHeapBytes(256L << 20));
        EvaluationResult result = evaluator.evaluate(new EvaluationRequest(spec, model.onnx(), big)).orThrow();
        assertEquals(1_000_000, result.report().rows());
        // well under the limit: 1,000,000 rows cost 8 MB of ROC-AUC scores, the rest is fixed-size buffers
        assertTrue(result.timings().peakHeapBytes() < 128L << 20, "peak heap " + result.timings().peakHeapBytes());
        Files.delete(big);
    }
}
