package dev.bountymarket.local;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Keeps what the run command starts (anvil, the embedded PostgreSQL) from outliving the server, even one killed with
 * kill -9, when no shutdown hook runs. A watchdog, a shell reading a pipe from this JVM, signals every registered
 * process once the pipe closes, which the kernel does when this JVM dies, however it dies. Each registered process is
 * also recorded, with its start time, in {@code .run/processes}: the next start stops any still running (the watchdog
 * may have been killed too) and says so in one line; the start time keeps it from killing a process that got a
 * recorded pid later.
 * <p>
 * Why a watchdog rather than a parent-death signal (prctl's PR_SET_PDEATHSIG, through util-linux's {@code setpriv
 * --pdeathsig}, or {@code bwrap --die-with-parent}): PostgreSQL is started by pg_ctl as a daemon, not as our child;
 * the signal is tied to the thread that started the child, not to the JVM; and it is Linux only. The pipe needs
 * {@code /bin/sh} and nothing else.
 */
final class ChildProcesses implements AutoCloseable {

    static final String RECORD = "processes";
    private static final String SERVER = "server";
    /** Collects "SIGNAL PID" lines until the pipe closes, then sends each signal; Ctrl-C is the JVM's to handle. */
    private static final String WATCHDOG = """
            trap '' INT HUP
            while read -r signal pid; do set -- "$@" "$signal" "$pid"; done
            while [ $# -ge 2 ]; do kill -"$1" "$2" 2>/dev/null; shift 2; done
            """;

    private final Path record;
    private final Process watchdog;
    private final OutputStream pipe;

    private ChildProcesses(Path record, Process watchdog) {
        this.record = record;
        this.watchdog = watchdog;
        this.pipe = watchdog.getOutputStream();
    }

    /**
     * Stops what an earlier run in {@code home} left running, starts the watchdog and records this server.
     *
     * @param notice receives the one line naming what was stopped, if anything was
     */
    static ChildProcesses start(Path home, Consumer<String> notice) {
        try {
            Files.createDirectories(home);
            List<String> stopped = stopLeftovers(home);
            if (!stopped.isEmpty()) {
                notice.accept("Stopped what an earlier run left running in " + home + ": " + String.join(", ", stopped)
                        + ".");
            }
            Process watchdog = new ProcessBuilder("/bin/sh", "-c", WATCHDOG, "bountymarket-watchdog")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            Path record = home.resolve(RECORD);
            Files.writeString(record, line(SERVER, ProcessHandle.current()));
            return new ChildProcesses(record, watchdog);
        } catch (IOException e) {
            throw new UncheckedIOException("guarding the local stack's processes in " + home, e);
        }
    }

    /** Has {@code process} signalled when this JVM dies, and stopped by the next start if it still runs then. */
    void register(String name, ProcessHandle process, String signal) {
        try {
            Files.writeString(record, line(name, process), StandardOpenOption.APPEND);
            pipe.write((signal + " " + process.pid() + "\n").getBytes(StandardCharsets.US_ASCII));
            pipe.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("recording " + name + " (pid " + process.pid() + ")", e);
        }
    }

    /** After an orderly stop: nothing is left for the watchdog or the next start to stop. */
    @Override
    public void close() {
        watchdog.destroy();
        try {
            Files.deleteIfExists(record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String line(String name, ProcessHandle process) {
        return name + " " + process.pid() + " " + startOf(process).map(Instant::toEpochMilli).orElse(0L) + "\n";
    }

    private static Optional<Instant> startOf(ProcessHandle process) {
        return process.info().startInstant();
    }

    /** @return what was stopped, as "name (pid N)" */
    private static List<String> stopLeftovers(Path home) throws IOException {
        List<ProcessHandle> leftovers = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Path record = home.resolve(RECORD);
        if (Files.exists(record)) {
            for (String line : Files.readAllLines(record)) {
                String[] fields = line.split(" ");
                if (fields.length != 3) {
                    continue;
                }
                long pid = Long.parseLong(fields[1]);
                long started = Long.parseLong(fields[2]);
                Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(p -> startOf(p)
                        .map(s -> s.toEpochMilli() == started).orElse(false));
                if (process.isEmpty()) {
                    continue;
                }
                if (fields[0].equals(SERVER)) {
                    throw new LocalStack.BadSetting("Another server (pid " + pid + ") is running with " + home
                            + ": stop it first.");
                }
                leftovers.add(process.get());
                names.add(fields[0] + " (pid " + pid + ")");
            }
        }
        // A PostgreSQL killed outright leaves its lock file; once its pid is another process's, PostgreSQL would take
        // it for a running server and refuse to start.
        Path dataDirectory = home.resolve("postgres");
        Path lock = dataDirectory.resolve("postmaster.pid");
        if (Files.exists(lock)) {
            Optional<ProcessHandle> postmaster = Files.readAllLines(lock).stream().findFirst()
                    .flatMap(pid -> ProcessHandle.of(Long.parseLong(pid.strip())));
            boolean ours = postmaster.flatMap(p -> p.info().commandLine())
                    .map(command -> command.contains(dataDirectory.toString())).orElse(false);
            if (!ours) {
                Files.delete(lock);
            } else if (!leftovers.contains(postmaster.get())) {
                leftovers.add(postmaster.get());
                names.add("postgres (pid " + postmaster.get().pid() + ")");
            }
        }
        stop(leftovers);
        Files.deleteIfExists(record);
        return names;
    }

    private static void stop(List<ProcessHandle> processes) {
        processes.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (ProcessHandle process : processes) {
            try {
                process.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                process.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
