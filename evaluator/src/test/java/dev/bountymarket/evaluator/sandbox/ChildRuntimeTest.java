package dev.bountymarket.evaluator.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bountymarket.evaluator.EvaluationRequest;
import dev.bountymarket.evaluator.EvaluationResult;
import dev.bountymarket.evaluator.examples.HostileModels;
import dev.bountymarket.evaluator.examples.Specs;
import dev.bountymarket.evaluator.examples.TabularData;
import dev.bountymarket.evaluator.spec.BountySpec;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files prepared once per worker for every child (ONNX Runtime's natives, the class-data sharing archive): a model
 * that takes over its child cannot change them for the next evaluation, a changed class path gets a new archive, and a
 * stale archive breaks nothing. The children run from jars, as in a packaged server (the JVM archives no class from a
 * class folder), so the build's class folders are packed into jars first.
 */
class ChildRuntimeTest {
    private static final long HEAP = 256L << 20;

    @TempDir
    static Path dir;

    static Path ownJar;
    static SandboxLimits limits;
    static EvaluationRequest request;

    @BeforeAll
    static void setUp() throws Exception {
        List<String> entries = new ArrayList<>();
        for (Path entry : testClasspath()) {
            if (Files.isDirectory(entry)) {
                Path jar = jar(entry, dir.resolve("classes-" + entries.size() + ".jar"));
                ownJar = ownJar == null ? jar : ownJar;
                entries.add(jar.toString());
            } else {
                entries.add(entry.toString());
            }
        }
        limits = SandboxLimits.defaults().withWorkRoot(Files.createDirectories(dir.resolve("work"))).withHeapBytes(HEAP)
                .withClasspath(String.join(File.pathSeparator, entries)).withIsolation(Isolation.Mode.BWRAP);
        TabularData data = new TabularData(TabularData.Kind.REGRESSION, 3, 0, 5);
        BountySpec spec = Specs.regression(data.featureNames());
        Path model = Files.write(dir.resolve("model.onnx"), HostileModels.embedded(3));
        Path testSet = dir.resolve("test.csv");
        data.writeCsv(testSet, 50, 1, List.of());
        request = new EvaluationRequest(spec, model, testSet);
    }

    @Test
    void aModelCannotReplaceTheNativesOrTheClassArchiveForTheNextEvaluation() throws Exception {
        SandboxedEvaluator evaluator = new SandboxedEvaluator(limits);
        EvaluationResult before = evaluator.evaluate(request).orThrow();
        ChildRuntime.Prepared prepared = ChildRuntime.of(limits).prepare(HEAP);
        assertTrue(prepared.natives() && prepared.archive(), "both are prepared from a class path of jars: " + prepared);
        Map<String, String> files = digests(prepared.folder());

        EvaluationOutcome tampered = new SandboxedEvaluator(limits.withChildMainClass(RuntimeTamperer.class.getName()))
                .evaluate(request);

        assertEquals("archive=mapped natives=mapped overwrite-native=denied add-native=denied swap-native=denied"
                + " delete-native=denied chmod-natives=denied overwrite-archive=denied delete-archive=denied"
                + " add-beside-archive=denied", ((EvaluationOutcome.Failure) tampered).error().getMessage());
        assertEquals(files, digests(prepared.folder()), "the prepared files are unchanged");
        EvaluationResult after = evaluator.evaluate(request).orThrow();
        assertEquals(before.reportHash(), after.reportHash());
    }

    @Test
    void aChangedClassPathGetsANewArchiveAndAStaleArchiveBreaksNothing() throws Exception {
        ChildRuntime runtime = ChildRuntime.of(limits);
        ChildRuntime.Prepared first = runtime.prepare(HEAP);
        EvaluationResult expected = new SandboxedEvaluator(limits).evaluate(request).orThrow();
        // a redeployed jar: same path, another modification time, so the archive no longer matches the class path
        Files.setLastModifiedTime(ownJar, FileTime.fromMillis(Files.getLastModifiedTime(ownJar).toMillis() + 60_000));

        // handed the stale archive anyway, the JVM starts without it and the evaluation goes through
        EvaluationResult stale = new SandboxedEvaluator(limits.withWarmStart(false).withIsolation(Isolation.Mode.NONE)
                .withExtraJvmArgs(List.of("-XX:SharedArchiveFile=" + first.folder().resolve(ChildRuntime.ARCHIVE))))
                .evaluate(request).orThrow();
        assertEquals(expected.reportHash(), stale.reportHash());

        // the next evaluation notices the change and prepares a new archive for the new class path
        EvaluationResult renewed = new SandboxedEvaluator(limits).evaluate(request).orThrow();
        ChildRuntime.Prepared second = runtime.prepare(HEAP);
        assertNotEquals(first.folder(), second.folder());
        assertTrue(second.archive(), "a new archive for the changed class path: " + second);
        assertEquals(expected.reportHash(), renewed.reportHash());
    }

    @Test
    void aFolderLeftByADeadWorkerIsSweptAndALiveOneIsNot() throws Exception {
        Path root = Files.createDirectories(dir.resolve("shared-root"));
        Path dead = Files.createDirectories(root.resolve(ChildRuntime.PREFIX + "dead"));
        Files.createFile(dead.resolve(".owner.lock"));
        Files.createDirectories(dead.resolve("abc").resolve(ChildRuntime.NATIVES));
        Path live = Files.createDirectories(root.resolve(ChildRuntime.PREFIX + "live"));
        try (FileChannel lock = FileChannel.open(live.resolve(".owner.lock"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE); var held = lock.lock()) {
            assertEquals(1, ChildRuntime.sweep(root));
        }
        assertFalse(Files.exists(dead));
        assertTrue(Files.exists(live));
    }

    /** This JVM's class path, a test runner's manifest-only jar replaced by what it lists. */
    private static List<Path> testClasspath() {
        List<Path> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry).toAbsolutePath();
            List<Path> listed = Isolation.manifestClassPath(path);
            if (listed.isEmpty()) {
                entries.add(path);
            } else {
                entries.addAll(listed);
            }
        }
        return entries;
    }

    private static Path jar(Path folder, Path jar) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out);
                Stream<Path> files = Files.walk(folder)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                zip.putNextEntry(new JarEntry(folder.relativize(file).toString().replace(File.separatorChar, '/')));
                Files.copy(file, zip);
                zip.closeEntry();
            }
        }
        return jar;
    }

    private static Map<String, String> digests(Path folder) throws Exception {
        Map<String, String> digests = new TreeMap<>();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = folder.relativize(file).toString();
                digests.put(name, Files.isRegularFile(file)
                        ? HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)))
                        : "folder " + Files.getPosixFilePermissions(file));
            }
        }
        return digests;
    }
}
