package dev.bountymarket.evaluation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.logging.Log;

import org.web3j.utils.Numeric;

import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.HostPaths;
import dev.bountymarket.evaluator.dataset.DecodedTestSet;
import dev.bountymarket.evaluator.dataset.LiveSplit;
import dev.bountymarket.evaluator.spec.BountySpec;
import dev.bountymarket.storage.ContentStore;
import dev.bountymarket.storage.StoredObject;

/**
 * The hidden test sets this process has decoded ({@link DecodedTestSet}) for the evaluations it is running: each
 * bounty's set is decrypted, parsed, checked and hashed once, however many of its models are scored, and by however
 * many of this process's workers. A decoded set is as secret as the test set: it lives in a {@link ScratchFolder} of
 * its own (mode 700, swept after a crash), is bound read-only into each model's sandbox as that evaluation's test set
 * and nothing else, and is deleted as soon as the last evaluation using it ends.
 */
@ApplicationScoped
public class DecodedTestSets {

    /** What makes two evaluations' decoded sets the same: the test set, the spec and the rows. */
    record Key(String testSetKey, String specJson, String salt, LiveSplit.Part part) {
    }

    /** A decoded set held for use; closing it lets it go (the last holder deletes it). */
    public final class Handle implements AutoCloseable {
        private final Key key;
        private final Entry entry;
        private boolean closed;

        private Handle(Key key, Entry entry) {
            this.key = key;
            this.entry = entry;
        }

        /** The decoded file, or empty when the test set could not be decoded (the plain path then says why). */
        public Optional<Path> file() {
            return Optional.ofNullable(entry.file);
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                release(key, entry);
            }
        }
    }

    private static final class Entry {
        int users;
        boolean done;
        ScratchFolder folder;
        Path file;
    }

    @Inject
    ContentStore store;

    private final Map<Key, Entry> entries = new HashMap<>();
    private final AtomicInteger decodings = new AtomicInteger();

    /**
     * The test set decoded for {@code spec} and the {@code part} of its rows under {@code salt}, decoding it if no
     * evaluation of this process holds it now. A test set that cannot be decoded (the sponsor's fault, or the disk's)
     * gives a handle without a file, so that each evaluation falls back to the plain file and reports the error there.
     */
    public Handle acquire(StoredObject testSet, String specJson, String salt, LiveSplit.Part part) {
        Key key = new Key(testSet.key(), specJson, salt, part);
        Entry entry;
        synchronized (entries) {
            entry = entries.computeIfAbsent(key, k -> new Entry());
            entry.users++;
        }
        Handle handle = new Handle(key, entry);
        synchronized (entry) {
            if (!entry.done) {
                entry.done = true;
                decode(testSet, specJson, salt, part, entry);
            }
        }
        return handle;
    }

    /** How many decodings this process has run (for tests and the log). */
    public int decodings() {
        return decodings.get();
    }

    private void decode(StoredObject testSet, String specJson, String salt, LiveSplit.Part part, Entry entry) {
        ScratchFolder folder = null;
        try {
            long started = System.nanoTime();
            folder = ScratchFolder.create("decoded");
            BountySpec spec = BountySpec.parse(specJson);
            String name = EvaluationRunner.testSetName(spec);
            Path plain = folder.folder("plain").resolve(name);
            store.copyTo(testSet, plain);
            Path decoded = folder.resolve("test-set.decoded");
            LiveSplit.Selection rows = new LiveSplit.Selection(new LiveSplit(
                    Numeric.hexStringToByteArray(salt), spec.liveBoard().sharePercent()), part);
            try {
                DecodedTestSet.decode(plain, name, spec, rows, decoded);
            } finally {
                Files.deleteIfExists(plain);
            }
            entry.folder = folder;
            entry.file = decoded;
            decodings.incrementAndGet();
            Log.infof("Decoded a hidden test set (%d bytes) for its %s evaluations in %d ms", testSet.size(),
                    part.wireName(), (System.nanoTime() - started) / 1_000_000);
        } catch (EvaluationException | IOException | RuntimeException e) {
            Log.infof("The hidden test set could not be decoded (%s); its evaluations read the plain file",
                    HostPaths.remove(String.valueOf(e.getMessage())));
            if (folder != null) {
                folder.close();
            }
        }
    }

    private void release(Key key, Entry entry) {
        synchronized (entries) {
            if (--entry.users > 0) {
                return;
            }
            entries.remove(key);
        }
        synchronized (entry) {
            if (entry.folder != null) {
                entry.folder.close();
                entry.folder = null;
                entry.file = null;
            }
        }
    }
}
