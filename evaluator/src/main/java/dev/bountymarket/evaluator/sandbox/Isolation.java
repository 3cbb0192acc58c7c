package dev.bountymarket.evaluator.sandbox;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * How the operating system fences in an evaluation's child JVM. With bubblewrap ({@code bwrap}) the child runs with
 * no network (not even 127.0.0.1, so no database, chain node or server), a read-only view of the system folders, the
 * JDK and its own class path and nothing else of this machine's files (no storage folder, no keys, no other
 * evaluation), a private {@code /tmp}, and its scratch folder as the only place it can write. It dies with the thread
 * that started it. The model sits alone in a read-only folder; the test set is bound read-only as one file elsewhere.
 * Without bubblewrap the child is only a separate JVM, and a warning says so.
 */
public final class Isolation {
    /** Which isolation to use. */
    public enum Mode {
        /** bubblewrap where it works here, else none (with a warning) */
        AUTO,
        /** bubblewrap, or refuse to evaluate */
        BWRAP,
        /** a plain child JVM */
        NONE
    }

    /** Where the child sees its scratch folder, the model's folder and the test set. */
    private static final Path ROOT = Path.of("/sandbox");
    static final Path SCRATCH = ROOT.resolve("work");
    static final Path MODEL_FOLDER = SCRATCH.resolve("model");
    static final Path INPUT_FOLDER = ROOT.resolve("input");
    /** The natives and class archive prepared once per worker ({@link ChildRuntime}), read-only. */
    static final Path RUNTIME = ROOT.resolve("runtime");

    /**
     * Set in every child's environment. ONNX Runtime 1.29 starts a telemetry client in each process unless told not
     * to: it runs a shell ({@code blkid; hostname}) for a device id, looks for CA bundles, and tries to upload at exit.
     * None of it can work in the sandbox (no network) and all of it is start-up time.
     */
    static final Map<String, String> CHILD_ENVIRONMENT = Map.of("ORT_DISABLE_TELEMETRY", "1");

    private static final List<String> SYSTEM_FOLDERS = List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64");
    private static final String INSTALL_HINT = "install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap)";
    private static final Map<Path, Set<Path>> JDK_PATHS = new ConcurrentHashMap<>();
    private static volatile String bwrapProblem;
    private static volatile Path bwrap;

    private final boolean sandboxed;
    private final String description;

    private Isolation(boolean sandboxed, String description) {
        this.sandboxed = sandboxed;
        this.description = description;
    }

    /** The isolation {@code mode} gives on this machine; BWRAP where bubblewrap cannot run here is an error. */
    public static Isolation choose(Mode mode, Path javaCommand) {
        if (mode == Mode.NONE) {
            return new Isolation(false, "none (turned off): each evaluation is a plain child JVM");
        }
        String problem = bwrapProblem(javaCommand);
        if (problem == null) {
            return new Isolation(true, "bubblewrap (" + bwrap + "): no network, read-only system, scratch folder"
                    + " writable only");
        }
        if (mode == Mode.BWRAP) {
            throw new IllegalStateException("Evaluations must run in bubblewrap, but " + problem + ": " + INSTALL_HINT);
        }
        return new Isolation(false, "none: " + problem + ", so models run in a plain child JVM that can read what"
                + " this server can read; " + INSTALL_HINT);
    }

    public boolean sandboxed() {
        return sandboxed;
    }

    /** One line for the log and readiness: which isolation is in force, and why when it is weaker. */
    public String description() {
        return description;
    }

    /**
     * The bubblewrap command line that runs {@code command} (a java command line using the in-sandbox paths) with
     * {@code scratch} at {@link #SCRATCH} (writable), {@code modelFolder} at {@link #MODEL_FOLDER} (read-only) and the
     * test-set file read-only at {@link #INPUT_FOLDER}/its name, and the prepared {@code runtime} folder (if not null)
     * read-only at {@link #RUNTIME}.
     */
    List<String> wrap(List<String> command, Path javaCommand, String classpath, Path scratch, Path modelFolder,
            Path testSet, Path runtime) {
        List<String> args = new ArrayList<>(List.of(bwrap.toString(), "--unshare-all", "--die-with-parent",
                "--new-session", "--clearenv", "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "LANG", "C.UTF-8",
                "--setenv", "TMPDIR", SCRATCH.resolve("tmp").toString()));
        CHILD_ENVIRONMENT.forEach((name, value) -> args.addAll(List.of("--setenv", name, value)));
        systemFolders(args);
        // The private /tmp first: a JDK or class path that lives under /tmp (a checkout there) is bound over it.
        args.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"));
        gpuDevices(args);
        for (Path path : readOnlyPaths(javaCommand, classpath)) {
            if (path.startsWith(ROOT)) {
                throw new IllegalStateException("the class path entry " + path + " lies under " + ROOT
                        + ", where the sandbox mounts an evaluation's files");
            }
            args.addAll(List.of("--ro-bind", path.toString(), path.toString()));
        }
        args.addAll(List.of(
                "--bind", scratch.toString(), SCRATCH.toString(),
                "--ro-bind", modelFolder.toString(), MODEL_FOLDER.toString(),
                "--ro-bind", testSet.toString(), INPUT_FOLDER.resolve(testSet.getFileName()).toString()));
        if (runtime != null) {
            args.addAll(List.of("--ro-bind", runtime.toString(), RUNTIME.toString()));
        }
        args.addAll(List.of("--chdir", SCRATCH.toString(), "--"));
        args.addAll(command);
        return args;
    }

    /** NVIDIA's device nodes, where there are any, so that the CUDA provider works inside the sandbox too. */
    private static void gpuDevices(List<String> args) {
        try (Stream<Path> devices = Files.list(Path.of("/dev"))) {
            devices.filter(d -> d.getFileName().toString().startsWith("nvidia")).sorted()
                    .forEach(d -> args.addAll(List.of("--dev-bind", d.toString(), d.toString())));
        } catch (IOException e) {
            // no /dev to list: no GPU either
        }
    }

    private static void systemFolders(List<String> args) {
        for (String folder : SYSTEM_FOLDERS) {
            Path path = Path.of(folder);
            if (Files.isSymbolicLink(path)) {
                try {
                    args.addAll(List.of("--symlink", Files.readSymbolicLink(path).toString(), folder));
                } catch (IOException e) {
                    // an unreadable link: leave the folder out
                }
            } else if (Files.isDirectory(path)) {
                args.addAll(List.of("--ro-bind", folder, folder));
            }
        }
    }

    /**
     * The JDK (and the configuration files its links point to, such as Debian's /etc/java-17-openjdk) and each entry
     * of the class path, outside the system folders.
     */
    private static Set<Path> readOnlyPaths(Path javaCommand, String classpath) {
        Set<Path> paths = new LinkedHashSet<>(jdkPaths(javaCommand));
        for (String entry : classpath.split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            String plain = entry.endsWith("*") ? entry.substring(0, entry.length() - 1) : entry;
            Path path = Path.of(plain.isEmpty() ? "." : plain).toAbsolutePath().normalize();
            if (Files.exists(path)) {
                addOutsideSystem(paths, path);
                manifestClassPath(path).forEach(listed -> addOutsideSystem(paths, listed));
            }
        }
        return paths;
    }

    /**
     * The JDK's folder and the targets of its links outside the system folders. Walking the JDK takes 50-500 ms, so it
     * is done once per JDK and process, and again only when one of the paths found is gone (a JDK upgraded in place).
     */
    private static Set<Path> jdkPaths(Path javaCommand) {
        Path home = javaHome(javaCommand);
        Set<Path> known = JDK_PATHS.get(home);
        if (known != null && known.stream().allMatch(Files::exists)) {
            return known;
        }
        Set<Path> paths = new LinkedHashSet<>();
        addOutsideSystem(paths, home);
        try (Stream<Path> files = Files.walk(home, 6)) {
            files.filter(Files::isSymbolicLink).forEach(link -> {
                try {
                    addOutsideSystem(paths, link.toRealPath());
                } catch (IOException e) {
                    // a dangling link (e.g. src.zip) is not needed
                }
            });
        } catch (IOException e) {
            // the JDK's own folder is bound; links we cannot walk stay dangling
        }
        Set<Path> found = Collections.unmodifiableSet(paths);
        JDK_PATHS.put(home, found);
        return found;
    }

    /** The files a jar's manifest adds to the class path (a test runner's launcher jar lists the real ones there). */
    static List<Path> manifestClassPath(Path jar) {
        List<Path> listed = new ArrayList<>();
        if (!Files.isRegularFile(jar) || !jar.toString().endsWith(".jar")) {
            return listed;
        }
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            String value = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            if (value == null) {
                return listed;
            }
            for (String item : value.trim().split("\\s+")) {
                try {
                    URI uri = jar.getParent().toUri().resolve(item);
                    Path path = Path.of(uri).normalize();
                    if (Files.exists(path)) {
                        listed.add(path);
                    }
                } catch (IllegalArgumentException e) {
                    // not a file URL: the JVM ignores it too
                }
            }
        } catch (IOException e) {
            // not a readable jar: the JVM will say so in the child
        }
        return listed;
    }

    private static void addOutsideSystem(Set<Path> paths, Path path) {
        for (String folder : SYSTEM_FOLDERS) {
            if (path.startsWith(folder)) {
                return;
            }
        }
        paths.add(path);
    }

    private static Path javaHome(Path javaCommand) {
        try {
            Path real = javaCommand.toRealPath();
            return real.getParent().getParent();
        } catch (IOException e) {
            return Path.of(System.getProperty("java.home"));
        }
    }

    /** Why bubblewrap cannot isolate children here, or null when it can (tried once per JVM). */
    private static synchronized String bwrapProblem(Path javaCommand) {
        if (bwrap != null) {
            return null;
        }
        if (bwrapProblem != null) {
            return bwrapProblem;
        }
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return bwrapProblem = "bubblewrap runs on Linux only";
        }
        Path found = null;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "bwrap");
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate, LinkOption.NOFOLLOW_LINKS)) {
                found = candidate.toAbsolutePath();
                break;
            }
        }
        if (found == null) {
            return bwrapProblem = "bwrap is not installed";
        }
        List<String> trial = new ArrayList<>(List.of(found.toString(), "--unshare-all", "--die-with-parent",
                "--new-session", "--clearenv"));
        systemFolders(trial);
        trial.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"));
        for (Path path : readOnlyPaths(javaCommand, "")) {
            trial.addAll(List.of("--ro-bind", path.toString(), path.toString()));
        }
        trial.addAll(List.of("--", javaCommand.toString(), "-version"));
        try {
            Process process = new ProcessBuilder(trial).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes()).strip();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return bwrapProblem = "bwrap did not start java within 30 s";
            }
            if (process.exitValue() != 0) {
                return bwrapProblem = "bwrap cannot start java here (" + output.lines().findFirst().orElse("exit "
                        + process.exitValue()) + "; containers often forbid the namespaces it needs)";
            }
        } catch (IOException e) {
            return bwrapProblem = "bwrap cannot be run: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while trying bwrap";
        }
        bwrap = found;
        return null;
    }
}
