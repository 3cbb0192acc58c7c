package dev.bountymarket.evaluator.sandbox;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * What every evaluation's child JVM would otherwise redo at its start, done once per worker process: ONNX Runtime's
 * native libraries copied out of its jar (28 MB on CPU, far more with CUDA) and a class-data sharing archive of the
 * classes an evaluation loads ({@code -XX:ArchiveClassesAtExit} of a warm-up run, {@link ChildWarmUp}). The sandbox
 * binds them read-only, so a model cannot change what the next evaluation loads.
 *
 * <p>One folder per process and launch setting ({@code child-runtime-*} in the work root, locked by this process
 * while it lives, deleted at its exit; a process that died leaves one that the next process to prepare here deletes),
 * so workers that share a machine never share or race on these files. The archive is named after a fingerprint of
 * the JDK and every class path entry (path, size, modification time), recomputed before each evaluation: a changed
 * class path gets a new archive, never a stale one. The JVM would only ignore a mismatching archive, but each new
 * one is also tried once with {@code -Xshare:on} (which refuses to start on a mismatch) and left out, with a warning,
 * when it fails. A failed preparation never fails an evaluation: the child then starts as before, extracting the
 * natives into its own scratch folder.
 */
final class ChildRuntime {
    private static final Logger LOG = Logger.getLogger(ChildRuntime.class.getName());
    static final String PREFIX = "child-runtime-";
    private static final String LOCK = ".owner.lock";
    static final String NATIVES = "natives";
    static final String ARCHIVE = "classes.jsa";
    private static final long WARM_UP_SECONDS = 120;
    /** Above this heap the JVM drops compressed pointers, which the archive was made with. */
    private static final long MAX_ARCHIVE_HEAP = 31L << 30;
    private static final Map<String, ChildRuntime> BY_LAUNCH = new ConcurrentHashMap<>();
    /** What ONNX Runtime's loader looks for in {@code onnxruntime.native.path}; each flavour ships a subset. */
    private static final List<String> LIBRARIES = List.of("onnxruntime", "onnxruntime4j_jni",
            "onnxruntime_providers_shared", "onnxruntime_providers_cuda", "onnxruntime_providers_tensorrt",
            "onnxruntime_providers_rocm", "onnxruntime_providers_dnnl", "onnxruntime_providers_openvino");

    private final Path javaCommand;
    private final String classpath;
    private final Path root;
    private Path folder;
    private FileChannel lockFile;
    private FileLock lock;
    private String fingerprint;
    private Prepared prepared;

    /**
     * Where the files of the current preparation lie on this machine: {@code folder} holds {@code natives/} (null when
     * the natives could not be copied) and {@code classes.jsa} ({@code archive} false when there is none to use).
     */
    record Prepared(Path folder, boolean natives, boolean archive) {
        static final Prepared NOTHING = new Prepared(null, false, false);
    }

    private ChildRuntime(Path javaCommand, String classpath, Path root) {
        this.javaCommand = javaCommand;
        this.classpath = classpath;
        this.root = root;
    }

    /** The runtime shared by every evaluation of this process with these launch settings. */
    static ChildRuntime of(SandboxLimits limits) {
        String key = limits.javaCommand() + "\n" + limits.classpath() + "\n" + limits.workRoot().toAbsolutePath();
        return BY_LAUNCH.computeIfAbsent(key, k -> new ChildRuntime(limits.javaCommand(), limits.classpath(),
                limits.workRoot().toAbsolutePath()));
    }

    /**
     * The prepared files for a child with {@code heapBytes} of heap, preparing them first when there are none yet, when
     * the class path or JDK changed since, or when they were deleted (a cleaned temporary directory).
     */
    synchronized Prepared prepare(long heapBytes) {
        String current = fingerprint();
        if (current.equals(fingerprint) && prepared != null && stillThere(prepared)) {
            return usable(prepared, heapBytes);
        }
        if (fingerprint != null) {
            LOG.info(() -> "The evaluator's class path or JDK changed (or its prepared files are gone):"
                    + " preparing the child JVM's natives and class archive again");
        }
        fingerprint = current;
        prepared = Prepared.NOTHING;
        try {
            prepared = build(current);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "Could not prepare the child JVM's natives and class archive; each evaluation"
                    + " extracts the natives itself and starts without the archive: " + e.getMessage(), e);
        }
        return usable(prepared, heapBytes);
    }

    private static Prepared usable(Prepared prepared, long heapBytes) {
        return prepared.archive() && heapBytes > MAX_ARCHIVE_HEAP
                ? new Prepared(prepared.folder(), prepared.natives(), false) : prepared;
    }

    private static boolean stillThere(Prepared prepared) {
        return prepared.folder() == null
                || (!prepared.natives() || Files.isRegularFile(library(prepared.folder())))
                && (!prepared.archive() || Files.isRegularFile(prepared.folder().resolve(ARCHIVE)));
    }

    private static Path library(Path folder) {
        return folder.resolve(NATIVES).resolve(System.mapLibraryName("onnxruntime"));
    }

    private Prepared build(String current) throws IOException {
        long started = System.nanoTime();
        Path target = ownFolder().resolve(current.substring(0, 16));
        if (Files.isDirectory(target)) {
            // made earlier for this same class path (it changed and changed back): children may still run on it
            return new Prepared(target, Files.isRegularFile(library(target)), Files.isRegularFile(target.resolve(ARCHIVE)));
        }
        Path staging = target.resolveSibling(target.getFileName() + ".new");
        if (Files.exists(staging)) {
            deleteTree(staging); // a preparation that failed half-way
        }
        Files.createDirectories(staging);
        Path natives = Files.createDirectories(staging.resolve(NATIVES));
        boolean haveNatives = copyNatives(natives) > 0;
        if (!haveNatives) {
            LOG.warning("No ONNX Runtime native library for " + osArch() + " on the evaluator's class path; each"
                    + " evaluation looks for it itself");
        }
        boolean haveArchive = false;
        List<Path> folders = classFolders();
        if (!folders.isEmpty()) {
            // the JVM refuses to archive (and to start) with a non-empty folder on the class path: a build tree
            LOG.info(() -> "The evaluator's class path holds class folders (" + folders.get(0) + "), which class-data"
                    + " sharing cannot archive: children start without a class archive (a packaged evaluator has jars)");
        } else if (haveNatives) {
            haveArchive = archive(staging, natives);
        }
        // the children read these, never write them (the sandbox binds them read-only as well)
        readOnly(natives);
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        boolean archived = haveArchive;
        LOG.info(() -> String.format("Prepared the child JVM's %s in %d ms (%s)",
                haveNatives && archived ? "natives and class archive" : haveNatives ? "natives (no class archive)"
                        : archived ? "class archive (no natives)" : "nothing", (System.nanoTime() - started) / 1_000_000,
                target));
        return new Prepared(target, haveNatives, haveArchive);
    }

    /** Makes {@code staging/classes.jsa} with a warm-up run and tries it; true when it loads. */
    private boolean archive(Path staging, Path natives) throws IOException {
        Path work = Files.createDirectories(staging.resolve("warm-up"));
        Path tmp = Files.createDirectories(work.resolve("tmp"));
        Path archive = staging.resolve(ARCHIVE);
        try {
            String output = run(List.of(javaCommand.toString(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:-UsePerfData",
                    "-XX:ArchiveClassesAtExit=" + archive, "-Djava.io.tmpdir=" + tmp, "-Djava.awt.headless=true",
                    "-DDJL_CACHE_DIR=" + work.resolve("djl"), "-Doffline=true", "-Donnxruntime.native.path=" + natives,
                    "-cp", classpath, ChildWarmUp.class.getName(), work.toString()), work.resolve("output.txt"), tmp);
            if (!output.startsWith("exit 0") || !Files.isRegularFile(archive)) {
                LOG.warning("The child JVM's warm-up run failed (" + output + "); children start without a class archive");
                Files.deleteIfExists(archive);
                return false;
            }
            // -Xshare:on refuses to start on an archive it cannot use; ChildMain without arguments then exits 64
            String check = run(List.of(javaCommand.toString(), "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xshare:on",
                    "-XX:SharedArchiveFile=" + archive, "-cp", classpath, ChildMain.class.getName()),
                    work.resolve("check.txt"), tmp);
            if (!check.startsWith("exit 64")) {
                LOG.warning("The child JVM's class archive does not load (" + check + "); children start without it");
                Files.deleteIfExists(archive);
                return false;
            }
            return true;
        } finally {
            deleteTree(work);
        }
    }

    /**
     * Copies the ONNX Runtime libraries that the child's class path ships for this platform into {@code folder}, read
     * from that class path (not this process's, whose ONNX Runtime may be another version); returns how many.
     */
    private int copyNatives(Path folder) throws IOException {
        List<URL> urls = new ArrayList<>();
        for (Path entry : classpathEntries()) {
            urls.add(entry.toUri().toURL());
        }
        int copied = 0;
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), null)) {
            for (String library : LIBRARIES) {
                String name = System.mapLibraryName(library);
                try (InputStream in = loader.getResourceAsStream("ai/onnxruntime/native/" + osArch() + "/" + name)) {
                    if (in != null) {
                        Files.copy(in, folder.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                        copied++;
                    }
                }
            }
        }
        return copied;
    }

    /** The folder name ONNX Runtime's jar uses for this platform (its loader's rule). */
    private static String osArch() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String osPart = os.contains("mac") || os.contains("darwin") ? "osx" : os.contains("win") ? "win" : "linux";
        return osPart + "-" + (arch.equals("amd64") || arch.equals("x86_64") ? "x64" : arch);
    }

    /** The non-empty folders on the class path, including those a jar's manifest lists. */
    private List<Path> classFolders() {
        List<Path> folders = new ArrayList<>();
        for (Path entry : classpathEntries()) {
            List<Path> all = new ArrayList<>(List.of(entry));
            all.addAll(Isolation.manifestClassPath(entry));
            for (Path path : all) {
                if (Files.isDirectory(path)) {
                    try (Stream<Path> files = Files.list(path)) {
                        if (files.findAny().isPresent()) {
                            folders.add(path);
                        }
                    } catch (IOException e) {
                        folders.add(path);
                    }
                }
            }
        }
        return folders;
    }

    /** The class path's entries, a {@code folder/*} expanded to its jars as the JVM does. */
    private List<Path> classpathEntries() {
        List<Path> entries = new ArrayList<>();
        for (String entry : classpath.split(File.pathSeparator)) {
            if (entry.endsWith("*")) {
                String folder = entry.substring(0, entry.length() - 1);
                Path dir = Path.of(folder.isEmpty() ? "." : folder);
                try (Stream<Path> jars = Files.list(dir)) {
                    jars.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(entries::add);
                } catch (IOException e) {
                    entries.add(dir);
                }
            } else if (!entry.isBlank()) {
                entries.add(Path.of(entry));
            }
        }
        return entries;
    }

    /** Runs a JVM with an empty environment; returns "exit N" and the last lines of its output. */
    private static String run(List<String> command, Path output, Path tmp) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/bin:/bin");
        builder.environment().put("TMPDIR", tmp.toString());
        builder.environment().putAll(Isolation.CHILD_ENVIRONMENT);
        Process process = builder.start();
        try {
            if (!process.waitFor(WARM_UP_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                return "did not end within " + WARM_UP_SECONDS + " s";
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while preparing the child JVM", e);
        }
        List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
        String tail = String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        return "exit " + process.exitValue() + (tail.isBlank() ? "" : ": " + tail);
    }

    /** This process's own folder, made (and locked) on first use, after deleting those of processes that died. */
    private Path ownFolder() throws IOException {
        if (folder != null && Files.isDirectory(folder)) {
            return folder;
        }
        Files.createDirectories(root);
        sweep(root);
        folder = Files.createTempDirectory(root, PREFIX);
        lockFile = FileChannel.open(folder.resolve(LOCK), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        lock = lockFile.lock();
        Path mine = folder;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(mine), "child-runtime-cleanup"));
        return folder;
    }

    /** Deletes the {@code child-runtime-*} folders in {@code root} whose lock no live process holds. */
    static int sweep(Path root) {
        int deleted = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, PREFIX + "*")) {
            for (Path dir : entries) {
                if (abandoned(dir)) {
                    deleteTree(dir);
                    deleted++;
                }
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "cannot look for abandoned child runtimes in " + root, e);
        }
        return deleted;
    }

    private static boolean abandoned(Path dir) {
        Path lockPath = dir.resolve(LOCK);
        if (!Files.isRegularFile(lockPath)) {
            return false; // being made right now, or not ours
        }
        try (FileChannel channel = FileChannel.open(lockPath, StandardOpenOption.WRITE)) {
            FileLock probe = channel.tryLock();
            if (probe == null) {
                return false;
            }
            probe.release();
            return true;
        } catch (OverlappingFileLockException heldHere) {
            return false;
        } catch (IOException gone) {
            return false;
        }
    }

    /**
     * A digest of what the archive depends on: the JDK (its {@code lib/modules}) and each class path entry as the JVM
     * checks it (path, size, modification time; a folder by its path, as the JVM archives no class from folders).
     */
    String fingerprint() {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        List<Path> entries = new ArrayList<>();
        Path home = javaHome();
        entries.add(javaCommand);
        entries.add(home.resolve("lib").resolve("modules"));
        entries.add(home.resolve("lib").resolve("server").resolve("libjvm.so"));
        entries.addAll(classpathEntries());
        digest.update(classpath.getBytes(StandardCharsets.UTF_8));
        for (Path entry : entries) {
            digest.update(("\n" + entry.toAbsolutePath()).getBytes(StandardCharsets.UTF_8));
            try {
                BasicFileAttributes attributes = Files.readAttributes(entry, BasicFileAttributes.class);
                if (attributes.isRegularFile()) {
                    digest.update((" " + attributes.size() + " " + attributes.lastModifiedTime().toMillis())
                            .getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                digest.update(" missing".getBytes(StandardCharsets.UTF_8));
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private Path javaHome() {
        try {
            return javaCommand.toRealPath().getParent().getParent();
        } catch (IOException e) {
            return Path.of(System.getProperty("java.home"));
        }
    }

    private static void readOnly(Path natives) throws IOException {
        try (Stream<Path> files = Files.list(natives)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r-----"));
            }
            Files.setPosixFilePermissions(natives, PosixFilePermissions.fromString("r-xr-x---"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the sandbox's read-only bind is the protection that counts
        }
    }

    static void deleteTree(Path root) {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root)) {
            paths = walk.sorted(Comparator.reverseOrder()).toList();
        } catch (IOException e) {
            LOG.log(Level.FINE, "cannot clean " + root, e);
            return;
        }
        // a read-only folder (natives/) must be writable again before its files can go
        paths.stream().filter(Files::isDirectory).forEach(p -> p.toFile().setWritable(true, true));
        for (Path p : paths) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                LOG.log(Level.FINE, "cannot delete " + p, e);
            }
        }
    }
}
