package dev.bountymarket.evaluation;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.HostPaths;
import dev.bountymarket.evaluator.sandbox.EvaluationOutcome;
import io.quarkus.logging.Log;

/**
 * The temporary folder one evaluation's files are copied to for the evaluator's child JVM (a private evaluation's
 * test set decrypted), readable by this user only and deleted on close. A process killed mid-job (SIGKILL, the OOM
 * killer, a lost machine) cannot delete it, and it may hold a hidden test set in the clear: so each folder holds a
 * lock file that its process keeps locked while the job runs (the kernel drops the lock when the process dies), and
 * {@link #sweep} deletes every folder whose lock nobody holds, at start-up of each server and worker sharing this
 * temporary directory. The evaluator's and the file system's messages name files by their path, and contributors read
 * those messages: {@link #scrub} cuts every path of this machine down to the file's name.
 */
public final class ScratchFolder implements AutoCloseable {

    /** Every scratch folder's name starts with this, so that {@link #sweep} finds them. */
    public static final String PREFIX = "bountymarket-scratch-";
    static final String LOCK = ".owner.lock";
    /** A folder without a lock file younger than this may be one being created right now. */
    private static final Duration NEW = Duration.ofMinutes(1);

    private final Path dir;
    private final FileChannel lockFile;
    private final FileLock lock;

    private ScratchFolder(Path dir, FileChannel lockFile, FileLock lock) {
        this.dir = dir;
        this.lockFile = lockFile;
        this.lock = lock;
    }

    /** A new folder (mode 700) in the temporary directory, locked by this process until {@link #close}. */
    public static ScratchFolder create(String purpose) throws IOException {
        Path dir = Files.createTempDirectory(PREFIX + purpose + "-");
        FileChannel channel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new ScratchFolder(dir, channel, channel.lock());
    }

    public Path resolve(String name) {
        return dir.resolve(name);
    }

    /** A new sub-folder: a model goes in one of its own, so that no other file lies beside it. */
    public Path folder(String name) throws IOException {
        return Files.createDirectory(dir.resolve(name));
    }

    /** The outcome, with this folder's path cut from a failure's message. */
    public EvaluationOutcome scrub(EvaluationOutcome outcome) {
        if (outcome instanceof EvaluationOutcome.Failure failure) {
            EvaluationException error = failure.error();
            return new EvaluationOutcome.Failure(new EvaluationException(error.code(),
                    HostPaths.remove(error.getMessage()), error));
        }
        return outcome;
    }

    @Override
    public void close() {
        delete(dir);
        try {
            lock.release();
            lockFile.close();
        } catch (IOException e) {
            Log.debugf("Could not release the lock of %s: %s", dir, e.getMessage());
        }
    }

    /**
     * Deletes the scratch folders in {@code parent} (the temporary directory) that no live process holds: left by a
     * process that died mid-job. A folder another process (or this one) still works in is left alone.
     *
     * @return how many were deleted
     */
    public static int sweep(Path parent) {
        List<Path> candidates;
        try (Stream<Path> entries = Files.list(parent)) {
            candidates = entries.filter(p -> p.getFileName().toString().startsWith(PREFIX) && Files.isDirectory(p))
                    .toList();
        } catch (IOException e) {
            Log.warnf("Could not look for leftover scratch folders in %s: %s", parent, e.getMessage());
            return 0;
        }
        int deleted = 0;
        for (Path dir : candidates) {
            if (abandoned(dir)) {
                delete(dir);
                deleted++;
            }
        }
        if (deleted > 0) {
            Log.infof("Deleted %d scratch folder(s) left by evaluations whose process died", deleted);
        }
        return deleted;
    }

    /** {@link #sweep(Path)} of the JVM's temporary directory. */
    public static int sweep() {
        return sweep(Path.of(System.getProperty("java.io.tmpdir")));
    }

    private static boolean abandoned(Path dir) {
        Path lockPath = dir.resolve(LOCK);
        if (!Files.exists(lockPath)) {
            try {
                return Files.getLastModifiedTime(dir).toInstant().isBefore(Instant.now().minus(NEW));
            } catch (IOException gone) {
                return false;
            }
        }
        try (FileChannel channel = FileChannel.open(lockPath, StandardOpenOption.WRITE)) {
            FileLock probe = channel.tryLock();
            if (probe == null) {
                return false; // another process holds it
            }
            probe.release();
            return true;
        } catch (OverlappingFileLockException heldHere) {
            return false;
        } catch (IOException gone) {
            return false;
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            Log.warnf("Could not delete scratch folder %s: %s", dir, e.getMessage());
        }
    }
}
