package dev.bountymarket.evaluator.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Limits and launch settings of the child JVM that runs one evaluation.
 *
 * @param maxModelBytes models above this size are refused before anything runs (default 2 GiB)
 * @param timeout wall-clock limit of a full evaluation (default 10 minutes)
 * @param validationTimeout wall-clock limit of an upload-time validation (default 2 minutes)
 * @param heapBytes the child's -Xmx (default 4 GiB)
 * @param maxResidentBytes resident memory (heap + native, read from /proc on Linux) at which the child is
 *     stopped as out of memory; 0 turns the check off (default heap + 4 GiB)
 * @param javaCommand the {@code java} launcher (default: this JVM's)
 * @param classpath the child's classpath (default: this JVM's {@code java.class.path}; in an application
 *     server whose class path is not a plain list, point it at the evaluator's {@code -cli.jar})
 * @param childMainClass the child's main class (tests replace it to simulate crashes)
 * @param extraJvmArgs more options for the child JVM
 * @param workRoot where per-evaluation scratch folders go (default: java.io.tmpdir)
 * @param isolation how the operating system isolates the child (default {@link Isolation.Mode#AUTO}: bubblewrap
 *     where it works, else none)
 * @param warmStart whether children start from files prepared once per process ({@link ChildRuntime}: the natives
 *     extracted, a class-data sharing archive) rather than each extracting the natives itself (default true; the
 *     benchmark turns it off to measure the difference)
 */
public record SandboxLimits(
        long maxModelBytes,
        Duration timeout,
        Duration validationTimeout,
        long heapBytes,
        long maxResidentBytes,
        Path javaCommand,
        String classpath,
        String childMainClass,
        List<String> extraJvmArgs,
        Path workRoot,
        Isolation.Mode isolation,
        boolean warmStart) {

    public static final long GIB = 1L << 30;

    public SandboxLimits {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(validationTimeout, "validationTimeout");
        Objects.requireNonNull(javaCommand, "javaCommand");
        Objects.requireNonNull(classpath, "classpath");
        Objects.requireNonNull(childMainClass, "childMainClass");
        Objects.requireNonNull(workRoot, "workRoot");
        Objects.requireNonNull(isolation, "isolation");
        extraJvmArgs = List.copyOf(extraJvmArgs);
    }

    public static SandboxLimits defaults() {
        return new SandboxLimits(
                2 * GIB,
                Duration.ofMinutes(10),
                Duration.ofMinutes(2),
                4 * GIB,
                8 * GIB,
                Path.of(System.getProperty("java.home"), "bin", "java"),
                System.getProperty("java.class.path"),
                ChildMain.class.getName(),
                List.of(),
                Path.of(System.getProperty("java.io.tmpdir")),
                Isolation.Mode.AUTO,
                true);
    }

    public SandboxLimits withTimeout(Duration value) {
        return new SandboxLimits(maxModelBytes, value, validationTimeout, heapBytes, maxResidentBytes,
                javaCommand, classpath, childMainClass, extraJvmArgs, workRoot, isolation, warmStart);
    }

    public SandboxLimits withValidationTimeout(Duration value) {
        return new SandboxLimits(maxModelBytes, timeout, value, heapBytes, maxResidentBytes,
                javaCommand, classpath, childMainClass, extraJvmArgs, workRoot, isolation, warmStart);
    }

    /** Sets the heap and moves the resident-memory limit along (heap + 4 GiB). */
    public SandboxLimits withHeapBytes(long value) {
        return new SandboxLimits(maxModelBytes, timeout, validationTimeout, value,
                maxResidentBytes == 0 ? 0 : value + 4 * GIB, javaCommand, classpath, childMainClass,
                extraJvmArgs, workRoot, isolation, warmStart);
    }

    public SandboxLimits withMaxResidentBytes(long value) {
        return new SandboxLimits(maxModelBytes, timeout, validationTimeout, heapBytes, value,
                javaCommand, classpath, childMainClass, extraJvmArgs, workRoot, isolation, warmStart);
    }

    public SandboxLimits withMaxModelBytes(long value) {
        return new SandboxLimits(value, timeout, validationTimeout, heapBytes, maxResidentBytes,
                javaCommand, classpath, childMainClass, extraJvmArgs, workRoot, isolation, warmStart);
    }

    public SandboxLimits withClasspath(String value) {
        return new SandboxLimits(maxModelBytes, timeout, validationTimeout, heapBytes, maxResidentBytes,
                javaCommand, value, childMainClass, extraJvmArgs, workRoot, isolation, warmStart);
    }

    public SandboxLimits withChildMainClass(String value) {
        return new SandboxLimits(maxModelBytes, timeout, validationTimeout, heapBytes, maxResidentBytes,
                javaCommand, classpath, value, extraJvmArgs, workRoot, isolation, warmStart);
    }

    public SandboxLimits withExtraJvmArgs(List<String> value) {
        return new SandboxLimits(maxModelBytes, timeout, validationTimeout, heapBytes, maxResidentBytes,
                javaCommand, classpath, childMainClass, value, workRoot, isolation, warmStart);
    }

    public SandboxLimits withWorkRoot(Path value) {
        return new SandboxLimits(maxModelBytes, timeout, validationTimeout, heapBytes, maxResidentBytes,
                javaCommand, classpath, childMainClass, extraJvmArgs, value, isolation, warmStart);
    }

    public SandboxLimits withIsolation(Isolation.Mode value) {
        return new SandboxLimits(maxModelBytes, timeout, validationTimeout, heapBytes, maxResidentBytes,
                javaCommand, classpath, childMainClass, extraJvmArgs, workRoot, value, warmStart);
    }

    public SandboxLimits withWarmStart(boolean value) {
        return new SandboxLimits(maxModelBytes, timeout, validationTimeout, heapBytes, maxResidentBytes,
                javaCommand, classpath, childMainClass, extraJvmArgs, workRoot, isolation, value);
    }
}
