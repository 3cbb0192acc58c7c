package dev.bountymarket.evaluator.sandbox;

import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.EvaluationRequest;
import dev.bountymarket.evaluator.EvaluationResult;
import dev.bountymarket.evaluator.ErrorCode;
import dev.bountymarket.evaluator.HostPaths;
import dev.bountymarket.evaluator.model.ModelFiles;
import dev.bountymarket.evaluator.spec.BountySpec;
import dev.bountymarket.evaluator.spec.ImageInput;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Runs each evaluation in its own child JVM with a heap limit, a resident-memory limit and a wall-clock
 * limit, so a model that crashes the native runtime, loops or exhausts memory ends only its own
 * evaluation. This is the API the backend's workers call. Thread-safe: every call has its own child
 * process and scratch folder, so several workers may share one instance.
 */
public final class SandboxedEvaluator {
    private static final Logger LOG = Logger.getLogger(SandboxedEvaluator.class.getName());
    private static final long POLL_MILLIS = 100;
    private static final int STDERR_TAIL = 8192;
    private static final long MIN_HEAP = 256L << 20;

    private final SandboxLimits limits;
    private final Isolation isolation;

    public SandboxedEvaluator() {
        this(SandboxLimits.defaults());
    }

    /** @throws IllegalStateException when the limits ask for bubblewrap and it cannot run here */
    public SandboxedEvaluator(SandboxLimits limits) {
        this.limits = limits;
        this.isolation = Isolation.choose(limits.isolation(), limits.javaCommand());
    }

    private SandboxedEvaluator(SandboxLimits limits, Isolation isolation) {
        this.limits = limits;
        this.isolation = isolation;
    }

    public SandboxLimits limits() {
        return limits;
    }

    /**
     * This evaluator with a child heap that fits an input (test set or public sample) of {@code inputBytes}: 256 MiB
     * (1 GiB for images, whose decoding may take 512 MiB) plus twice the input, up to the configured heap. The test set
     * is streamed, so the heap holds batches and the metrics' per-row scores, not the file.
     */
    public SandboxedEvaluator sizedFor(BountySpec spec, long inputBytes) {
        long base = spec.input() instanceof ImageInput ? SandboxLimits.GIB : MIN_HEAP;
        long heap = Math.min(limits.heapBytes(), base + 2 * Math.max(0, inputBytes));
        return heap == limits.heapBytes() ? this : new SandboxedEvaluator(limits.withHeapBytes(heap), isolation);
    }

    /** Which isolation each child gets here, in words (for the log and readiness). */
    public Isolation isolation() {
        return isolation;
    }

    /**
     * Prepares what children start from (see {@link SandboxLimits#warmStart}) now, rather than in the first evaluation,
     * which would otherwise wait a few seconds for it. Safe to call from any thread, at any time; never fails.
     */
    public void prepare() {
        if (limits.warmStart()) {
            ChildRuntime.of(limits).prepare(limits.heapBytes());
        }
    }

    /** Scores a model on a (hidden) test set under the full limits. */
    public EvaluationOutcome evaluate(EvaluationRequest request) {
        return run(request, limits.timeout(), () -> true);
    }

    /**
     * Scores a model on a (hidden) test set under the full limits, stopping the child as soon as {@code wanted} says
     * the result is no longer wanted (e.g. the job's lease was lost), checked every 100 ms.
     */
    public EvaluationOutcome evaluate(EvaluationRequest request, BooleanSupplier wanted) {
        return run(request, limits.timeout(), wanted);
    }

    /**
     * The upload-time check on the public sample, under the validation time limit: the model loads, fits
     * the spec and runs; the report carries the public score.
     */
    public EvaluationOutcome validate(BountySpec spec, Path model, Path publicSample) {
        return run(new EvaluationRequest(spec, model, publicSample), limits.validationTimeout(), () -> true);
    }

    private EvaluationOutcome run(EvaluationRequest request, Duration timeout, BooleanSupplier wanted) {
        try {
            return new EvaluationOutcome.Success(runChild(request, timeout, wanted));
        } catch (EvaluationException e) {
            return new EvaluationOutcome.Failure(new EvaluationException(e.code(), HostPaths.remove(e.getMessage()), e));
        }
    }

    /**
     * The scratch folder holds the child's files; the model sits alone in its own folder inside it ({@code model/}),
     * so that no file but the model is beside it, and the test set stays where it is (bound read-only as one file
     * under bubblewrap).
     */
    private EvaluationResult runChild(EvaluationRequest request, Duration timeout, BooleanSupplier wanted)
            throws EvaluationException {
        checkModelFile(request.model());
        Path work = null;
        try {
            work = Files.createTempDirectory(limits.workRoot(), "evaluation-");
            Path tmp = Files.createDirectories(work.resolve("tmp"));
            Path modelFolder = Files.createDirectories(work.resolve("model"));
            Path model = stage(request.model(), modelFolder.resolve(request.model().getFileName()));
            Path resultFile = work.resolve("result.json");
            Path stderr = work.resolve("stderr.txt");
            // the paths the child sees: its own under bubblewrap, this machine's otherwise
            Path childWork = isolation.sandboxed() ? Isolation.SCRATCH : work;
            EvaluationRequest childRequest = new EvaluationRequest(request.spec(),
                    childWork.resolve("model").resolve(model.getFileName()),
                    isolation.sandboxed() ? Isolation.INPUT_FOLDER.resolve(request.testSet().getFileName())
                            : request.testSet().toAbsolutePath(),
                    request.options(), request.rows(), request.decoded());
            ChildProtocol.writeRequest(work.resolve("request.json"), childRequest);
            ChildRuntime.Prepared runtime = limits.warmStart()
                    ? ChildRuntime.of(limits).prepare(limits.heapBytes()) : ChildRuntime.Prepared.NOTHING;
            Path childRuntime = isolation.sandboxed() ? Isolation.RUNTIME : runtime.folder();
            List<String> command = command(childWork, runtime, childRuntime);
            if (isolation.sandboxed()) {
                command = isolation.wrap(command, limits.javaCommand(), limits.classpath(), work, modelFolder,
                        request.testSet().toAbsolutePath(), runtime.folder());
            }
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(work.resolve("stdout.txt").toFile())
                    .redirectError(stderr.toFile());
            // Nothing of the server's environment (keys, database URLs) reaches the child. Native code (ONNX Runtime
            // leaves a mat-debug-<pid>.log) writes to TMPDIR, not java.io.tmpdir.
            builder.environment().clear();
            builder.environment().put("PATH", "/usr/bin:/bin");
            builder.environment().put("TMPDIR", childWork.resolve("tmp").toString());
            builder.environment().putAll(Isolation.CHILD_ENVIRONMENT);
            long started = System.nanoTime();
            Process process = builder.start();
            LOG.fine(() -> "child " + process.pid() + " started for " + request.model().getFileName());
            String stopped = supervise(process, timeout, started, wanted);
            if (stopped != null) {
                throw stoppedError(stopped, timeout);
            }
            return interpret(process.exitValue(), resultFile, stderr, work);
        } catch (IOException e) {
            throw new EvaluationException(ErrorCode.INTERNAL_ERROR, "the evaluation process could not be run: " + e, e);
        } finally {
            deleteTree(work);
        }
    }

    /** Puts the model at {@code target}: a hard link where the file system allows, else a copy. */
    private static Path stage(Path model, Path target) throws IOException {
        try {
            return Files.createLink(target, model.toRealPath());
        } catch (IOException | UnsupportedOperationException e) {
            return Files.copy(model, target);
        }
    }

    private void checkModelFile(Path model) throws EvaluationException {
        long size;
        try {
            size = Files.size(model);
        } catch (IOException e) {
            throw new EvaluationException(ErrorCode.MODEL_UNREADABLE, "the model file " + model.getFileName()
                    + " does not exist or cannot be read");
        }
        if (size > limits.maxModelBytes()) {
            throw new EvaluationException(ErrorCode.MODEL_TOO_LARGE, "the model file is " + bytes(size)
                    + ", above the limit of " + bytes(limits.maxModelBytes()));
        }
        if (size == 0) {
            throw new EvaluationException(ErrorCode.MODEL_UNREADABLE, "the model file " + model.getFileName() + " is empty");
        }
        // refused here, before any child runs: external data, and everything a bundle may not be
        ModelFiles.check(model, limits.maxModelBytes(), String.valueOf(model.getFileName()));
    }

    /**
     * The child's command line; {@code childRuntime} is where it sees the prepared natives and class archive (when
     * {@code runtime} has them).
     */
    private List<String> command(Path work, ChildRuntime.Prepared runtime, Path childRuntime) {
        Path tmp = work.resolve("tmp");
        List<String> command = new ArrayList<>();
        command.add(limits.javaCommand().toString());
        command.add("-Xmx" + (limits.heapBytes() >> 20) + "m");
        command.add("-XX:+ExitOnOutOfMemoryError");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:ErrorFile=" + work.resolve("hs_err.log"));
        command.add("-Djava.io.tmpdir=" + tmp);
        command.add("-Djava.awt.headless=true");
        command.add("-DDJL_CACHE_DIR=" + work.resolve("djl"));
        command.add("-Doffline=true");
        // no hsperfdata file: nothing reads the child's counters, and it is one file fewer to create at start
        command.add("-XX:-UsePerfData");
        if (runtime.natives()) {
            command.add("-Donnxruntime.native.path=" + childRuntime.resolve(ChildRuntime.NATIVES));
        }
        if (runtime.archive()) {
            command.add("-XX:SharedArchiveFile=" + childRuntime.resolve(ChildRuntime.ARCHIVE));
        }
        command.addAll(limits.extraJvmArgs());
        command.add("-cp");
        command.add(limits.classpath());
        command.add(limits.childMainClass());
        command.add(work.resolve("request.json").toString());
        command.add(work.resolve("result.json").toString());
        return command;
    }

    /**
     * Waits for the child; returns why it was stopped ("timeout", "memory", "unwanted") or null if it ended by itself.
     * Resident memory counts the whole process tree (under bubblewrap the JVM is bwrap's descendant).
     */
    private String supervise(Process process, Duration timeout, long started, BooleanSupplier wanted)
            throws EvaluationException {
        long deadline = started + timeout.toNanos();
        boolean procReadable = limits.maxResidentBytes() > 0 && Files.isReadable(status(process.toHandle()));
        try {
            while (!process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                if (System.nanoTime() - deadline > 0) {
                    kill(process);
                    return "timeout";
                }
                if (procReadable && residentBytes(process) > limits.maxResidentBytes()) {
                    kill(process);
                    return "memory";
                }
                if (!wanted.getAsBoolean()) {
                    kill(process);
                    return "unwanted";
                }
            }
            return null;
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new EvaluationException(ErrorCode.INTERNAL_ERROR, "interrupted while waiting for the evaluation");
        }
    }

    private EvaluationException stoppedError(String why, Duration timeout) {
        if (why.equals("unwanted")) {
            return new EvaluationException(ErrorCode.INTERNAL_ERROR, "the evaluation was stopped because its result"
                    + " is no longer wanted (its job was taken over)");
        }
        if (why.equals("timeout")) {
            return new EvaluationException(ErrorCode.TIMEOUT, "the evaluation ran longer than the limit of "
                    + human(timeout) + " and was stopped");
        }
        return new EvaluationException(ErrorCode.OUT_OF_MEMORY, "the evaluation used more than "
                + bytes(limits.maxResidentBytes()) + " of memory (heap and native) and was stopped");
    }

    private static Path status(ProcessHandle process) {
        return Path.of("/proc", Long.toString(process.pid()), "status");
    }

    private static long residentBytes(Process process) {
        long sum = residentBytes(status(process.toHandle()));
        for (ProcessHandle child : (Iterable<ProcessHandle>) process.descendants()::iterator) {
            sum += residentBytes(status(child));
        }
        return sum;
    }

    private static long residentBytes(Path status) {
        try {
            for (String line : Files.readAllLines(status, StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmRSS:")) {
                    String kb = line.substring(6).trim().split("\\s+")[0];
                    return Long.parseLong(kb) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process is gone; waitFor will say so
        }
        return 0;
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private EvaluationResult interpret(int exit, Path resultFile, Path stderr, Path work) throws EvaluationException, IOException {
        if (Files.isRegularFile(resultFile)) {
            String text = Files.readString(resultFile, StandardCharsets.UTF_8);
            EvaluationException error = ChildProtocol.readError(text);
            if (error != null) {
                throw error;
            }
            try {
                return EvaluationResult.fromEnvelope(text);
            } catch (IllegalArgumentException e) {
                throw new EvaluationException(ErrorCode.INTERNAL_ERROR, "the evaluation's result is unreadable: " + e.getMessage());
            }
        }
        String errorTail = tail(stderr);
        if (exit == ChildProtocol.EXIT_OUT_OF_MEMORY || errorTail.contains("java.lang.OutOfMemoryError")) {
            throw new EvaluationException(ErrorCode.OUT_OF_MEMORY, "the evaluation ran out of its "
                    + bytes(limits.heapBytes()) + " heap and was stopped");
        }
        String frame = problematicFrame(work);
        String how = exit > 128 ? "was killed by signal " + (exit - 128) + signalName(exit - 128) : "exited with code " + exit;
        throw new EvaluationException(ErrorCode.NATIVE_CRASH, "the evaluation process " + how + " without a result"
                + (frame != null ? "; crash in " + frame : "")
                + ", most likely inside the native runtime while running this model"
                + (errorTail.isBlank() ? "" : ". Last output: " + lastLines(errorTail, 3)));
    }

    private static String signalName(int signal) {
        return switch (signal) {
            case 4 -> " (SIGILL)";
            case 6 -> " (SIGABRT)";
            case 7 -> " (SIGBUS)";
            case 8 -> " (SIGFPE)";
            case 9 -> " (SIGKILL)";
            case 11 -> " (SIGSEGV)";
            case 15 -> " (SIGTERM)";
            default -> "";
        };
    }

    private static String problematicFrame(Path work) {
        Path log = work.resolve("hs_err.log");
        if (!Files.isRegularFile(log)) {
            return null;
        }
        try (Stream<String> lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
            List<String> all = lines.limit(60).toList();
            for (int i = 0; i < all.size() - 1; i++) {
                if (all.get(i).startsWith("# Problematic frame:")) {
                    return all.get(i + 1).replaceFirst("^#\\s*", "").trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    private static String tail(Path file) {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            long from = Math.max(0, length - STDERR_TAIL);
            byte[] bytes = new byte[(int) (length - from)];
            in.seek(from);
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String lastLines(String text, int count) {
        List<String> lines = text.strip().lines().toList();
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    }

    static String bytes(long value) {
        if (value >= SandboxLimits.GIB && value % SandboxLimits.GIB == 0) {
            return (value / SandboxLimits.GIB) + " GiB";
        }
        if (value >= 1 << 20) {
            return (value >> 20) + " MiB";
        }
        return value + " bytes";
    }

    private static String human(Duration duration) {
        long seconds = duration.toSeconds();
        return seconds % 60 == 0 && seconds >= 60 ? (seconds / 60) + " minutes" : seconds + " seconds";
    }

    private static void deleteTree(Path root) {
        if (root == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.log(Level.FINE, "cannot delete " + p, e);
                }
            });
        } catch (IOException e) {
            LOG.log(Level.FINE, "cannot clean " + root, e);
        }
    }
}
